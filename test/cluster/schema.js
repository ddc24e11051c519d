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

function ours(object, rules, crds) {
  const errors = lib.evaluate([{ object }], rules, { crds }).filter((f) => f.severity === 'error');
  return { reject: errors.length > 0, findings: errors.map((f) => `${f.path || '(object)'}: ${f.message}`) };
}

/** True for an object of a group 1.28 does not serve as built-in (a custom resource, for our schema). */
function customKind(object) {
  if (!isObject(object) || typeof object.apiVersion !== 'string' || !object.apiVersion.includes('/')) return false;
  const group = object.apiVersion.split('/')[0];
  return !lib.evaluate([{ object }], lib.rulesForProfile('schema')).some((f) => /not served by Kubernetes/.test(f.message)) && /\./.test(group);
}

/** Creates the CRDs for real (those the server accepts), waits until each is Established, refreshes discovery. */
async function installCrds(client, crds) {
  const installed = [];
  for (const crd of crds) {
    const r = await client.request('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd);
    if (r.status !== 201) continue;
    installed.push(crd.metadata.name);
    const deadline = Date.now() + 30_000;
    for (;;) {
      const got = await client.request('GET', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${encodeURIComponent(crd.metadata.name)}`);
      const conditions = (got.json && got.json.status && got.json.status.conditions) || [];
      if (conditions.some((c) => c.type === 'Established' && c.status === 'True')) break;
      if (Date.now() > deadline) throw new Error(`CRD ${crd.metadata.name} not Established after 30 s`);
      await new Promise((r2) => setTimeout(r2, 100));
    }
  }
  // The API server serves a new CRD's resources a moment after Established; wait until discovery lists them.
  const deadline = Date.now() + 30_000;
  for (;;) {
    const resources = await client.rediscover();
    const missing = crds.filter((c) => installed.includes(c.metadata.name))
      .flatMap((c) => c.spec.versions.filter((v) => v.served).map((v) => `${c.spec.group}/${v.name}/${c.spec.names.kind}`))
      .filter((key) => !resources.has(key));
    if (missing.length === 0) break;
    if (Date.now() > deadline) throw new Error(`discovery does not list ${missing.join(', ')} 30 s after the CRDs were Established`);
    await new Promise((r2) => setTimeout(r2, 200));
  }
  return installed;
}

/** Deletes the CRDs and waits until they are gone (another file may define a CRD of the same name). */
async function removeCrds(client, names) {
  for (const name of names) {
    const at = `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${encodeURIComponent(name)}`;
    await client.request('DELETE', at);
    const deadline = Date.now() + 60_000;
    while ((await client.request('GET', at)).status !== 404) {
      if (Date.now() > deadline) throw new Error(`CRD ${name} still exists 60 s after its deletion`);
      await new Promise((r2) => setTimeout(r2, 200));
    }
  }
  await client.rediscover();
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

  // Custom resources are judged with the CustomResourceDefinitions of their own file (group: the label before "#"),
  // on both sides: ours gets them as `crds`, the server gets them installed for real (then removed), one file at a
  // time, since two files may define the same CRD differently. A custom resource whose CRD is in no file cannot
  // be compared (the server does not serve it) and is counted apart.
  const groupOf = (s) => s.label.split('#')[0];
  const isCrd = (o) => isObject(o) && o.kind === 'CustomResourceDefinition' && typeof o.apiVersion === 'string' && o.apiVersion.startsWith('apiextensions.k8s.io/');
  const crdGroups = new Map();
  for (const s of subjects) {
    if (isCrd(s.object)) crdGroups.set(groupOf(s), [...(crdGroups.get(groupOf(s)) || []), s.object]);
  }
  const plain = subjects.filter((s) => !crdGroups.has(groupOf(s)));
  const results = await pool(plain, 16, async (s) => ({ s, mine: ours(s.object, rules), theirs: await serverVerdict(client, s.object) }));
  for (const [group, crds] of crdGroups) {
    const members = subjects.filter((s) => groupOf(s) === group);
    for (const s of members.filter((m) => isCrd(m.object))) results.push({ s, mine: ours(s.object, rules, crds), theirs: await serverVerdict(client, s.object) });
    const installed = await installCrds(client, crds);
    try {
      for (const s of members.filter((m) => !isCrd(m.object))) results.push({ s, mine: ours(s.object, rules, crds), theirs: await serverVerdict(client, s.object) });
    } finally {
      await removeCrds(client, installed);
    }
  }
  const notComparable = [];
  for (let i = results.length - 1; i >= 0; i--) {
    const { s, mine, theirs } = results[i];
    if (!theirs.accept && /^no such resource/.test(theirs.message) && mine.findings.length === 0 && customKind(s.object)) {
      notComparable.push(`${s.label}: ${theirs.message}`);
      results.splice(i, 1);
    }
  }
  tally.count('custom-resources-without-their-crd', notComparable.length);
  for (const n of notComparable) console.log(`  not comparable (no CRD for it in its file): ${n}`);
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
