'use strict';
// Suite 3: admission policies. `cdk8s-hardened admission --profile hardened`
// is applied as printed: every policy and binding must be accepted and every
// policy's status.typeChecking must carry no warning. Then each policy is
// bound on its own, in Deny mode (Warn for warning rules, as generated), to
// the objects that carry its label, and every rule fixture object and every
// PSA fixture pod (as a Pod and as a workload of each template shape) is sent, with
// dry-run, once per policy that matches its kind: the server's verdict must
// equal the rule's own verdict on that object (as test/admission/harness.ts
// models it). One binding per policy, because with all of them bound the
// server reports only the first denial. Objects the server refuses before
// admission (schema, validation, unserved apiVersions) are listed as not
// comparable. Also measured: the time to admit a compliant pod with every
// policy bound and with none.

const childProcess = require('node:child_process');
const path = require('node:path');
const lib = require('../../lib');
const { pool, seconds, sleep, waitFor, clone, Tally } = require('./api');
const { ROOT, psaFixtures, ruleFixtures, wrapPod, isObject } = require('./fixtures');

const NS = 'vap-test';
/**
 * The PSA fixture pods are sent as one kind per place a pod spec can sit (spec, template.spec, spec.template.spec,
 * spec.jobTemplate.spec.template.spec): the policies' CEL differs by that path only, and the kinds that share a
 * path (ReplicaSet, DaemonSet, StatefulSet, Job, ReplicationController as Deployment) are covered by the rule
 * fixtures. All nine kinds would triple the suite's time (the warm budget is 4 minutes).
 */
const TEMPLATE_SHAPES = ['Pod', 'PodTemplate', 'Deployment', 'CronJob'];
const LABEL = 'cluster-suite.cdk8s-hardened.io/policy';

/** The CLI's output, read back with our reader. */
function cliPolicies() {
  const r = childProcess.spawnSync(process.execPath, [path.join(ROOT, 'lib', 'cli', 'main.js'), 'admission', '--profile', 'hardened'],
    { encoding: 'utf8', env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false' } });
  if (r.status !== 0) throw new Error(`cdk8s-hardened admission --profile hardened failed (${r.status}): ${r.stderr}`);
  return lib.parseManifests(r.stdout, 'admission.yaml').map((m) => m.object);
}

const VAP_BASE = '/apis/admissionregistration.k8s.io/v1beta1';
const collection = (kind) => `${VAP_BASE}/${kind === 'ValidatingAdmissionPolicy' ? 'validatingadmissionpolicies' : 'validatingadmissionpolicybindings'}`;

function groupOf(apiVersion) {
  return apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
}

/** True when the policy's matchConstraints select a CREATE of the object (or of its ephemeralcontainers). */
function policyMatches(client, policy, object, subresource) {
  const entry = client.resources.get(`${object.apiVersion}/${object.kind}`);
  if (!entry) return false;
  const wanted = subresource ? `${entry.resource}/${subresource}` : entry.resource;
  const op = subresource ? 'UPDATE' : 'CREATE';
  return policy.spec.matchConstraints.resourceRules.some((r) => r.apiGroups.includes(groupOf(object.apiVersion))
    && r.resources.includes(wanted) && r.operations.includes(op));
}

/** The rule's own verdict on the object, for one generated policy (rules split by severity have one per severity). */
function ruleDenies(rule, policy, split, object) {
  const severity = policy.metadata.annotations[lib.SEVERITY_ANNOTATION];
  return lib.evaluate([{ object }], [rule]).some((f) => f.ruleId === rule.id && (!split || f.severity === severity));
}

/** The server's verdict for one policy: { deny } or { error } (refused before admission). */
function verdictOf(r, policy, action) {
  const name = policy.metadata.name;
  const named = (text) => text.includes(`ValidatingAdmissionPolicy '${name}'`);
  if (r.status === 200 || r.status === 201) {
    if (action === 'Warn') return { deny: r.warnings.some(named) };
    return { deny: false };
  }
  const message = (r.json && r.json.message) || r.text.slice(0, 300);
  if (r.status === 403 || r.status === 422) {
    if (named(message)) return { deny: true };
  }
  return { error: `HTTP ${r.status}: ${message}` };
}

function compliantPod() {
  // The reference example's API pod (hardened, restricted) as a bare Pod.
  const { readObjects } = require('./fixtures');
  const [deployment] = readObjects(path.join(ROOT, 'dist', 'backend', 'deployment-api.yaml'));
  const template = deployment.spec.template;
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'timing', namespace: NS, labels: template.metadata.labels }, spec: template.spec };
}

async function timeAdmission(client, pod, n) {
  const times = [];
  for (let i = 0; i < n; i++) {
    const t = process.hrtime.bigint();
    const r = await client.request('POST', `/api/v1/namespaces/${NS}/pods?dryRun=All`, pod);
    times.push(seconds(t) * 1000);
    if (r.status !== 201) throw new Error(`timing: the compliant pod was refused: HTTP ${r.status}: ${r.json && r.json.message}`);
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(n / 2)], p95: times[Math.floor(n * 0.95)] };
}

const PRIVILEGED = (labels) => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name: 'probe', namespace: NS, labels },
  spec: { containers: [{ name: 'c', image: 'registry.k8s.io/pause:3.9', securityContext: { privileged: true } }] },
});

async function run({ client }) {
  const tally = new Tally('admission');
  const generated = cliPolicies();
  const policies = generated.filter((o) => o.kind === 'ValidatingAdmissionPolicy');
  const bindings = generated.filter((o) => o.kind === 'ValidatingAdmissionPolicyBinding');
  if (policies.length < 40 || policies.length !== bindings.length) {
    throw new Error(`expected a binding per policy and at least 40 policies, got ${policies.length} policies and ${bindings.length} bindings`);
  }
  await client.ensureNamespace(NS, {});

  // 1. Policies: accepted, and type-checked without warnings.
  for (const p of policies) {
    const r = await client.request('POST', collection(p.kind), p);
    tally.record(`create ${p.metadata.name}`, r.status === 201, `HTTP ${r.status}: ${r.json && r.json.message}`);
  }
  const status = new Map();
  await waitFor('status.typeChecking of every policy', async () => {
    const list = (await client.must('GET', collection('ValidatingAdmissionPolicy'))).json.items;
    for (const item of list) if (item.status && item.status.typeChecking) status.set(item.metadata.name, item.status.typeChecking);
    return policies.every((p) => status.has(p.metadata.name));
  }, 60000);
  for (const p of policies) {
    const warnings = status.get(p.metadata.name).expressionWarnings || [];
    tally.record(`typeChecking ${p.metadata.name}`, warnings.length === 0, `expressionWarnings: ${JSON.stringify(warnings)}`);
  }

  // The corpus: rule fixtures as they are, PSA fixture pods in each template shape.
  const subjects = [];
  for (const f of ruleFixtures()) subjects.push({ label: f.label, object: clone(f.object) });
  for (const f of psaFixtures()) {
    const pod = clone(f.object);
    pod.metadata.name = pod.metadata.name.replace(/_/g, '-');
    for (const kind of TEMPLATE_SHAPES) subjects.push({ label: `${f.label} as ${kind}`, object: wrapPod(clone(pod), kind) });
  }
  const rulesById = new Map(lib.ALL_RULES.map((r) => [r.id, r]));
  const splitRules = new Set();
  const seenRules = new Set();
  for (const p of policies) {
    const id = p.metadata.annotations[lib.RULE_ANNOTATION];
    if (seenRules.has(id)) splitRules.add(id);
    seenRules.add(id);
  }
  const actionOf = new Map(bindings.map((b) => [b.spec.policyName, b.spec.validationActions.includes('Deny') ? 'Deny' : 'Warn']));

  // Pairs (subject, policy) to compare; Pods with ephemeral containers get those through the subresource, which
  // needs the pod to exist: those pods are created now, before any binding exists.
  const pairs = [];
  let unserved = 0;
  const ephemeralPods = [];
  subjects.forEach((s, si) => {
    const o = s.object;
    if (!isObject(o) || typeof o.apiVersion !== 'string' || !client.resources.get(`${o.apiVersion}/${o.kind}`)) {
      unserved++;
      return;
    }
    const entry = client.resources.get(`${o.apiVersion}/${o.kind}`);
    if (!isObject(o.metadata)) o.metadata = {};
    if (entry.namespaced) o.metadata.namespace = NS; // as the server fills it in: the rules judge what it stores
    else delete o.metadata.namespace;
    const eph = o.kind === 'Pod' && isObject(o.spec) && Array.isArray(o.spec.ephemeralContainers) && o.spec.ephemeralContainers.length > 0;
    policies.forEach((policy, pi) => {
      if (!policyMatches(client, policy, o, eph ? 'ephemeralcontainers' : undefined)) return;
      const object = clone(o);
      object.metadata.labels = { ...(isObject(object.metadata.labels) ? object.metadata.labels : {}), [LABEL]: `p${pi}` };
      if (eph) {
        object.metadata.name = `eph-${si}-${pi}`;
        ephemeralPods.push(object);
      }
      pairs.push({ s, policy, pi, object, eph });
    });
  });
  await pool(ephemeralPods, 16, async (object) => {
    const { ephemeralContainers, ...spec } = object.spec;
    const r = await client.request('POST', `/api/v1/namespaces/${NS}/pods`, { ...object, spec });
    if (r.status !== 201) object.baseError = `creating the pod to add ephemeral containers to: HTTP ${r.status}: ${r.json && r.json.message}`;
  });

  // 2. Time to admit a compliant pod: no binding, then every generated binding.
  const pod = compliantPod();
  await timeAdmission(client, pod, 20); // warm-up
  const none = await timeAdmission(client, pod, 200);
  for (const b of bindings) {
    const r = await client.request('POST', collection(b.kind), b);
    tally.record(`create ${b.metadata.name}`, r.status === 201, `HTTP ${r.status}: ${r.json && r.json.message}`);
  }
  await waitFor('the generated bindings to be enforced', async () => {
    const r = await client.request('POST', `/api/v1/namespaces/${NS}/pods?dryRun=All`, PRIVILEGED({}));
    return r.status === 403 || r.status === 422;
  });
  await sleep(1000); // every binding's informer event, not only the first
  await timeAdmission(client, pod, 20);
  const all = await timeAdmission(client, pod, 200);
  const timing = `a compliant pod is admitted in ${none.median.toFixed(2)} ms (p95 ${none.p95.toFixed(2)}) with no policy bound, `
    + `${all.median.toFixed(2)} ms (p95 ${all.p95.toFixed(2)}) with all ${bindings.length} bound `
    + `(+${(all.median - none.median).toFixed(2)} ms, x${(all.median / none.median).toFixed(2)})`;
  console.log(`admission: timing: ${timing}`);

  // 3. One binding per policy, selecting the objects labelled for it.
  for (const b of bindings) await client.must('DELETE', `${collection(b.kind)}/${b.metadata.name}`, undefined, [200]);
  const names = policies.map((p) => p.metadata.name);
  for (const [pi, name] of names.entries()) {
    const generatedBinding = bindings.find((b) => b.spec.policyName === name);
    const binding = clone(generatedBinding);
    binding.metadata = { name: `cluster-suite-${pi}`, labels: generatedBinding.metadata.labels };
    binding.spec.matchResources = { ...binding.spec.matchResources, objectSelector: { matchLabels: { [LABEL]: `p${pi}` } } };
    await client.must('POST', collection(binding.kind), binding, [201]);
  }
  const privilegedIndex = names.findIndex((n) => n.endsWith('-pss-baseline-privileged'));
  await waitFor('the per-policy bindings to be enforced and the generated ones gone', async () => {
    const denied = await client.request('POST', `/api/v1/namespaces/${NS}/pods?dryRun=All`, PRIVILEGED({ [LABEL]: `p${privilegedIndex}` }));
    const free = await client.request('POST', `/api/v1/namespaces/${NS}/pods?dryRun=All`, PRIVILEGED({}));
    return denied.status === 403 && free.status === 201;
  });
  await sleep(1000);

  const t0 = process.hrtime.bigint();
  const send = async ({ policy, object, eph }) => {
    if (eph) {
      if (object.baseError) return { error: object.baseError };
      const r = await client.request('PUT', `/api/v1/namespaces/${NS}/pods/${object.metadata.name}/ephemeralcontainers?dryRun=All`, object);
      return verdictOf(r, policy, actionOf.get(policy.metadata.name));
    }
    const r = await client.request('POST', `${client.collectionPath(object)}?dryRun=All`, object);
    // A namespace that exists already (another suite made it) is admitted first and then found to exist: 409,
    // with the warnings of the Warn bindings still on the response.
    const admittedThenExists = r.status === 409 && object.kind === 'Namespace';
    return verdictOf(admittedThenExists ? { ...r, status: 201 } : r, policy, actionOf.get(policy.metadata.name));
  };
  const results = await pool(pairs, 16, async (pair) => ({ pair, theirs: await send(pair) }));
  const refused = new Map();
  let retried = 0;
  for (const { pair, theirs: first } of results) {
    const { s, policy, object } = pair;
    const ruleId = policy.metadata.annotations[lib.RULE_ANNOTATION];
    const rule = rulesById.get(ruleId);
    const judged = object;
    const mine = ruleDenies(rule, policy, splitRules.has(ruleId), judged);
    let theirs = first;
    if (!theirs.error && theirs.deny !== mine) {
      retried++;
      theirs = await send(pair); // rule out a binding the server had not seen yet
    }
    if (theirs.error) {
      refused.set(s.label, theirs.error);
      continue;
    }
    tally.record(`${s.label}: ${policy.metadata.name}`, theirs.deny === mine,
      `server ${theirs.deny ? 'denies' : 'admits'}, the rule ${mine ? 'fails' : 'passes'}`);
    tally.count(theirs.deny ? 'denied' : 'admitted');
  }
  console.log(`admission: ${pairs.length} (object, policy) pairs from ${subjects.length} objects in ${seconds(t0).toFixed(1)}s; `
    + `${unserved} objects of an apiVersion/kind the server does not serve; ${retried} disagreements re-sent once`);
  console.log(`admission: ${refused.size} objects not comparable (the server refuses them before admission):`);
  for (const [label, error] of refused) console.log(`  not comparable: ${label}: ${error.slice(0, 240)}`);
  for (const key of ['denied', 'admitted']) {
    if (!tally.counts[key]) tally.record(`admission: pairs ${key}`, false, `the server ${key} nothing at all: the bindings or the corpus are wrong`);
  }
  tally.count('policies', policies.length);
  tally.count('not-comparable', refused.size);
  tally.timing = timing;
  tally.counts.medianMsNone = Math.round(none.median * 100) / 100;
  tally.counts.medianMsAll = Math.round(all.median * 100) / 100;
  return tally;
}

module.exports = { run };
