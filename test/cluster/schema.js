'use strict';
// Suite 2: strict schema. Every schema fixture (test/fixtures/rules/schema),
// every object the bad-input fixtures hold that our reader reads, the
// reference tree (`npm run synth` output in dist/) and the targeted probes of
// schema-probes.js (one per kind of schema mistake) are created with
// server-side dry-run and fieldValidation=Strict; the server's accept/reject
// must equal our `schema` profile verdict (reject = an error finding).
//
// A difference is either fixed in src/schema or listed below as a documented
// limit with its reason. A limit that no longer matches any difference fails
// the suite, so the lists cannot go stale.

const fs = require('node:fs');
const path = require('node:path');
const lib = require('../../lib');
const { pool, Tally } = require('./api');
const { ROOT, FIXTURES, yamlFiles, readObjects, badInputObjects, isObject } = require('./fixtures');
const { PROBES } = require('./schema-probes');

/** Differences we accept for good, each with its reason. */
const DOCUMENTED_LIMITS = [
  {
    id: 'go-validation-rules',
    reason: 'value ranges and cross-field rules that live only in kube-apiserver\'s Go validation (pkg/apis/core/validation), '
      + 'not in the 1.28 OpenAPI definitions our schema profile checks (beyond the few of src/schema/server-rules.ts): container names '
      + 'unique and DNS-1123 labels, requests not above limits, replicas not negative. The server refuses such objects '
      + 'at apply (HTTP 422); `check` does not predict it',
    match: ({ label, server }) => /^probe: (two containers with the same name|requests above limits|container name that is not a DNS-1123 label|negative replicas)/.test(label)
      && /HTTP 422: .*(Invalid value|Duplicate value)/.test(server),
  },
  {
    id: 'pod-ephemeral-containers-on-create',
    reason: 'a Pod that lists ephemeralContainers cannot be created (they are added to a running pod through its '
      + 'ephemeralcontainers subresource); we judge such a Pod, as `kubectl get pod -o yaml` of a debugged pod reads, '
      + 'rather than refuse it (in pod templates, where they are never valid, the schema profile refuses them)',
    match: ({ label, server }) => label === 'probe: a Pod created with ephemeral containers'
      && /spec\.ephemeralContainers: Forbidden: cannot be set on create/.test(server),
  },
];

function limitFor(diff) {
  for (const list of [DOCUMENTED_LIMITS]) {
    const hit = list.find((l) => l.match(diff));
    if (hit) return hit;
  }
  return undefined;
}

/** The reference tree: every object of every file under dist/ but the kustomizations. */
function referenceObjects() {
  const dist = path.join(ROOT, 'dist');
  if (!fs.existsSync(path.join(dist, 'kustomization.yaml'))) {
    throw new Error('dist/ holds no synthesized tree: run `npm run synth` first (npm run test:cluster does)');
  }
  const out = [];
  for (const rel of yamlFiles(dist)) {
    if (path.basename(rel) === 'kustomization.yaml') continue;
    const objects = readObjects(path.join(dist, rel));
    if (!Array.isArray(objects)) throw new Error(`dist/${rel} is refused by our reader: ${objects.message}`);
    objects.forEach((object, i) => out.push({ label: `dist/${rel}#${i + 1}`, object }));
  }
  if (out.length < 20) throw new Error(`the reference tree in dist/ has ${out.length} objects; expected the example's 28`);
  return out;
}

function schemaFixtures() {
  const dir = path.join(FIXTURES, 'rules', 'schema');
  const out = [];
  for (const rel of yamlFiles(dir)) {
    const objects = readObjects(path.join(dir, rel));
    if (!Array.isArray(objects)) throw new Error(`schema fixture ${rel} is refused by our reader: ${objects.message}`);
    objects.forEach((object, i) => out.push({ label: `rules/schema/${rel}#${i + 1}`, object }));
  }
  return out;
}

/** The server's verdict: { accept } or { accept: false, message }. */
async function serverVerdict(client, object) {
  const collection = isObject(object) ? client.collectionPath(object) : undefined;
  if (!collection) {
    return { accept: false, message: `no such resource: the server does not serve ${isObject(object) ? `${object.apiVersion}/${object.kind}` : 'this value'}` };
  }
  const query = 'dryRun=All&fieldValidation=Strict';
  let r = await client.request('POST', `${collection}?${query}`, object);
  const name = isObject(object.metadata) && typeof object.metadata.name === 'string' ? object.metadata.name : undefined;
  if (r.status === 409 && name) {
    // It exists already (a namespace the suites created): judge it as an update, by a dry-run server-side apply.
    r = await client.request('PATCH', `${collection}/${encodeURIComponent(name)}?${query}&fieldManager=cluster-suite&force=true`,
      object, { contentType: 'application/apply-patch+yaml' });
  }
  if (r.status === 200 || r.status === 201) return { accept: true, warnings: r.warnings };
  return { accept: false, message: `HTTP ${r.status}: ${(r.json && r.json.message) || r.text.slice(0, 300)}` };
}

function ours(object, rules) {
  const errors = lib.evaluate([{ object }], rules).filter((f) => f.severity === 'error');
  return { reject: errors.length > 0, findings: errors.map((f) => `${f.path || '(object)'}: ${f.message}`) };
}

async function run({ client }) {
  const tally = new Tally('schema');
  const rules = lib.rulesForProfile('schema');
  const subjects = [...schemaFixtures(), ...badInputObjects(), ...referenceObjects(), ...PROBES];

  // Namespaces the objects name must exist, or the server refuses them for that alone.
  const namespaces = new Set();
  for (const { object } of subjects) {
    const ns = isObject(object) && isObject(object.metadata) && object.metadata.namespace;
    if (typeof ns === 'string' && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(ns)) namespaces.add(ns);
  }
  for (const ns of namespaces) await client.ensureNamespace(ns, {});

  const results = await pool(subjects, 16, async (s) => ({ s, mine: ours(s.object, rules), theirs: await serverVerdict(client, s.object) }));
  const used = new Set();
  const limited = [];
  for (const { s, mine, theirs } of results) {
    const agrees = theirs.accept === !mine.reject;
    const detail = `server ${theirs.accept ? 'accepts' : `rejects (${theirs.message})`}, we ${mine.reject ? `reject (${mine.findings.slice(0, 3).join('; ')})` : 'accept'}`;
    if (!agrees) {
      const limit = limitFor({ label: s.label, object: s.object, server: theirs.message || '', ours: mine.findings.join('\n') });
      if (limit) {
        used.add(limit);
        limited.push(`${s.label} [${limit.id}]: ${detail}`);
        continue;
      }
    }
    tally.record(s.label, agrees, detail);
    tally.count(theirs.accept ? 'accepted' : 'rejected');
  }
  for (const key of ['accepted', 'rejected']) {
    if (!tally.counts[key]) tally.record(`schema: objects ${key}`, false, `the server ${key} no object at all: the corpus or the requests are wrong`);
  }
  tally.count('documented-limits', limited.length);
  console.log(`schema: ${subjects.length} objects; ${limited.length} differences are documented limits:`);
  for (const l of limited) console.log(`  limit: ${l.slice(0, 400)}`);
  for (const [name, list] of [['documented', DOCUMENTED_LIMITS]]) {
    for (const l of list) {
      console.log(`  ${name}: ${l.id}: ${l.reason}`);
      if (!used.has(l)) tally.record(`limit ${l.id}`, false, 'no difference matches this documented limit any more: remove it from test/cluster/schema.js');
    }
  }
  return tally;
}

module.exports = { run, DOCUMENTED_LIMITS };
