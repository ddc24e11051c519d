'use strict';
// Suite 1: Pod Security Admission. Every PSA fixture, every pod-carrying rule
// fixture and CLUSTER_GENERATED (default 5,400) generated pods and workloads
// are created with dry-run in a namespace labelled enforce=<level> (and
// warn=<level>), enforce-version=v1.28, for level baseline and restricted;
// the server's verdict must equal what evaluate() with the pss-<level> pack
// says.
//
// How the server's verdict is read:
// - Pods: PSA enforces, so 403 "violates PodSecurity" is a denial and 201 an
//   admission.
// - Workloads (Deployment, ..., PodTemplate): PSA never enforces on them, it
//   only warns (and audits), so the namespaces also carry warn=<level> and the
//   verdict is the `would violate PodSecurity "<level>:v1.28"` Warning header
//   of the (201) dry-run response. The workload itself is sent, not its
//   template wrapped into a Pod, so PSA's own template extraction is tested.
// - Ephemeral containers can only be added to an existing Pod: the pod is
//   created (for real) in a namespace before it is labelled, then the
//   ephemeralcontainers subresource is updated with dry-run, which PSA
//   enforces on.
// Anything else (a 4xx/5xx that is not Pod Security's) is a disagreement:
// the generators only make objects the 1.28 API accepts.

const lib = require('../../lib');
const { pool, seconds, sleep, Tally } = require('./api');
const { psaFixtures, ruleFixtures, carriesPod, withoutNamespace, assertPodKinds } = require('./fixtures');
const { generate } = require('./generators');

const LEVELS = ['baseline', 'restricted'];
const VERSION = lib.PSA_POLICY_VERSION;

function labels(level) {
  return {
    'pod-security.kubernetes.io/enforce': level,
    'pod-security.kubernetes.io/enforce-version': VERSION,
    'pod-security.kubernetes.io/warn': level,
    'pod-security.kubernetes.io/warn-version': VERSION,
  };
}

/** Our verdict: deny when the pss-<level> pack reports an error finding. Returns { deny, rules }. */
function ours(object, rules) {
  const failing = lib.evaluate([{ object }], rules).filter((f) => f.severity === 'error');
  return { deny: failing.length > 0, rules: [...new Set(failing.map((f) => f.ruleId))] };
}

const violates = (level) => new RegExp(`violates PodSecurity "${level}:${VERSION.replace('.', '\\.')}"`);

/** The server's verdict on a dry-run create: { deny } or { error }. */
async function serverVerdict(client, level, namespace, object) {
  const path = client.collectionPath(object, namespace);
  if (!path) return { error: `the server does not serve ${object.apiVersion}/${object.kind}` };
  const r = await client.request('POST', `${path}?dryRun=All&fieldValidation=Strict`, object);
  if (object.kind === 'Pod') {
    if (r.status === 201) return { deny: false };
    if (r.status === 403 && violates(level).test((r.json && r.json.message) || '')) return { deny: true, why: r.json.message };
    return { status: r.status, error: `HTTP ${r.status}: ${(r.json && r.json.message) || r.text.slice(0, 300)}` };
  }
  if (r.status !== 201) return { status: r.status, error: `HTTP ${r.status}: ${(r.json && r.json.message) || r.text.slice(0, 300)}` };
  const warning = r.warnings.find((w) => w.includes(`would violate PodSecurity "${level}:${VERSION}"`));
  return { deny: warning !== undefined, why: warning };
}

async function ephemeralVerdict(client, level, namespace, name, pod, ephemeral) {
  const body = { ...pod, metadata: { ...pod.metadata, name, namespace }, spec: { ...pod.spec, ephemeralContainers: ephemeral } };
  const r = await client.request('PUT', `/api/v1/namespaces/${namespace}/pods/${name}/ephemeralcontainers?dryRun=All`, body);
  if (r.status === 200) return { deny: false };
  if (r.status === 403 && violates(level).test((r.json && r.json.message) || '')) return { deny: true, why: r.json.message };
  return { status: r.status, error: `HTTP ${r.status}: ${(r.json && r.json.message) || r.text.slice(0, 300)}` };
}

/** Waits until PSA sees the namespace labels (its namespace informer lags the write a little). */
async function waitEnforced(client, namespace, level) {
  const probe = {
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'probe' },
    spec: { containers: [{ name: 'c', image: 'registry.k8s.io/pause:3.9', securityContext: { privileged: true } }] },
  };
  for (let i = 0; i < 100; i++) {
    const r = await client.request('POST', `/api/v1/namespaces/${namespace}/pods?dryRun=All`, probe);
    if (r.status === 403 && violates(level).test(r.json && r.json.message)) return;
    await sleep(100);
  }
  throw new Error(`namespace ${namespace}: PodSecurity ${level} is not enforced 10s after labelling`);
}

async function run({ client, generated = Number(process.env.CLUSTER_GENERATED || 5400), seed }) {
  assertPodKinds();
  const tally = new Tally('psa');
  const rules = Object.fromEntries(LEVELS.map((l) => [l, lib.rulesForProfile(`pss-${l}`)]));
  const t0 = process.hrtime.bigint();

  const subjects = [];
  for (const f of psaFixtures()) {
    // Upstream names some fixtures with "_" (capabilities_baseline0), which is not a valid object name.
    const object = { ...f.object, metadata: { ...f.object.metadata, name: f.object.metadata.name.replace(/_/g, '-') } };
    subjects.push({ label: f.label, object, fixture: f });
  }
  let unserved = 0;
  for (const f of ruleFixtures()) {
    if (!carriesPod(f.object)) continue;
    if (!client.collectionPath(f.object, 'x')) {
      unserved++; // e.g. extensions/v1beta1: the server refuses it before admission (the schema suite covers it)
      continue;
    }
    const object = withoutNamespace(f.object);
    const spec = object.kind === 'Pod' && object.spec;
    if (spec && Array.isArray(spec.ephemeralContainers) && spec.ephemeralContainers.length) {
      // A Pod may not be created with ephemeral containers: they are added through the subresource.
      const { ephemeralContainers, ...rest } = spec;
      subjects.push({ label: f.label, object: { ...object, spec: rest }, ephemeral: ephemeralContainers, ruleFixture: true });
    } else {
      subjects.push({ label: f.label, object, ruleFixture: true });
    }
  }
  const gen = generate(generated, seed);
  subjects.push(...gen);
  const perKind = {};
  for (const s of subjects) perKind[s.object.kind] = (perKind[s.object.kind] || 0) + 1;
  tally.count('unserved-rule-fixtures-skipped', unserved);

  for (const level of LEVELS) await client.ensureNamespace(`psa-${level}`, labels(level));

  // Ephemeral containers: create the pods first, in namespaces that are not labelled yet.
  const withEphemeral = subjects.filter((s) => s.ephemeral);
  for (const level of LEVELS) {
    const ns = `psa-eph-${level}`;
    await client.ensureNamespace(ns, {});
    await pool(withEphemeral, 16, async (s, i) => {
      const pod = { ...s.object, metadata: { ...s.object.metadata, name: `eph-${i}` } };
      const r = await client.request('POST', `/api/v1/namespaces/${ns}/pods`, pod);
      if (r.status !== 201) s.baseError = `creating the pod to add ephemeral containers to: HTTP ${r.status}: ${r.json && r.json.message}`;
    });
    await client.ensureNamespace(ns, labels(level));
  }
  for (const level of LEVELS) {
    await waitEnforced(client, `psa-${level}`, level);
    await waitEnforced(client, `psa-eph-${level}`, level);
  }

  let fixtureVerdicts = 0;
  const refused = [];
  const ephIndex = new Map(withEphemeral.map((s, i) => [s, i]));
  const tasks = subjects.flatMap((s) => LEVELS.map((level) => ({ s, level })));
  const results = await pool(tasks, 16, async ({ s, level }) => {
    const judged = s.ephemeral ? { ...s.object, spec: { ...s.object.spec, ephemeralContainers: s.ephemeral } } : s.object;
    const mine = ours(judged, rules[level]);
    const theirs = s.baseError ? { error: s.baseError } : s.ephemeral
      ? await ephemeralVerdict(client, level, `psa-eph-${level}`, `eph-${ephIndex.get(s)}`, s.object, s.ephemeral)
      : await serverVerdict(client, level, `psa-${level}`, s.object);
    return { s, level, mine, theirs };
  });
  for (const { s, level, mine, theirs } of results) {
    const label = `${s.label} @${level}`;
    if (s.fixture && s.fixture.level === level) fixtureVerdicts++;
    if (theirs.error && s.ruleFixture && theirs.status !== 403) {
      // A rule fixture that is not a valid 1.28 object (the schema fixtures, a Windows pod with capabilities, a pod
      // template with ephemeral containers): the server refuses it before Pod Security runs, so there is no PSA
      // verdict to compare. Listed; the schema suite holds these objects to our schema verdict.
      refused.push(`${label}: ${theirs.error}`);
      continue;
    }
    if (theirs.error) {
      tally.record(label, false, `server refused it for another reason: ${theirs.error}`);
      continue;
    }
    const detail = `server ${theirs.deny ? 'denies' : 'admits'}${theirs.why ? ` (${theirs.why})` : ''}, `
      + `we ${mine.deny ? `deny (${mine.rules.join(', ')})` : 'admit'}`;
    tally.record(label, theirs.deny === mine.deny, detail);
    tally.count(theirs.deny ? 'denied' : 'admitted');
    // The vendored fixtures also carry upstream's verdict for their own level.
    if (s.fixture && s.fixture.level === level) {
      if (theirs.deny !== (s.fixture.expected === 'fail')) {
        tally.record(`${label} (upstream verdict)`, false, `the fixture's folder says ${s.fixture.expected}, the server ${theirs.deny ? 'denies' : 'admits'}`);
      }
    }
  }
  // Fail closed: a run in which one side never denies (or never admits) proves nothing.
  for (const key of ['denied', 'admitted']) {
    if (!tally.counts[key]) tally.record(`psa: objects ${key}`, false, `the server ${key} no object at all: the namespaces or the corpus are wrong`);
  }
  if (fixtureVerdicts !== 126) throw new Error(`psa: ${fixtureVerdicts} fixture verdicts compared, expected 126`);
  tally.count('objects', subjects.length);
  tally.count('rule-fixtures-invalid-for-the-server', refused.length);
  console.log(`psa: ${refused.length} rule fixture verdicts not comparable (the server refuses the object before Pod Security runs):`);
  for (const r of refused) console.log(`  not comparable: ${r.slice(0, 240)}`);
  tally.count('ephemeral', withEphemeral.length);
  console.log(`psa: ${subjects.length} objects x ${LEVELS.length} levels (${Object.entries(perKind).map(([k, n]) => `${k} ${n}`).join(', ')}; `
    + `${withEphemeral.length} Pods with ephemeral containers) in ${seconds(t0).toFixed(1)}s`);
  return tally;
}

module.exports = { run };
