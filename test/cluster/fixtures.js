'use strict';
// The corpora the cluster suites send to the API server: the vendored Pod
// Security Admission fixtures, the rule fixtures, the bad-input fixtures, and
// the helpers that turn a pod into each pod-carrying kind as the server
// accepts it. Objects are read with the library's own reader (lib/).

const fs = require('node:fs');
const path = require('node:path');
const lib = require('../../lib');

const ROOT = path.resolve(__dirname, '..', '..');
const FIXTURES = path.join(ROOT, 'test', 'fixtures');
const PSA_ROOT = path.join(FIXTURES, 'pod-security');
const RULES_ROOT = path.join(FIXTURES, 'rules');
const BAD_INPUT_ROOT = path.join(FIXTURES, 'bad-input');

/** Every `.yaml`/`.yml` file under dir, sorted, relative to dir. */
function yamlFiles(dir, rel = '') {
  const out = [];
  for (const entry of fs.readdirSync(path.join(dir, rel)).sort()) {
    const r = rel ? `${rel}/${entry}` : entry;
    if (fs.statSync(path.join(dir, r)).isDirectory()) out.push(...yamlFiles(dir, r));
    else if (/\.ya?ml$/.test(entry)) out.push(r);
  }
  return out;
}

/** The objects of a file as our reader reads them, or an InputError when it refuses the file. */
function readObjects(file) {
  try {
    return lib.parseManifests(fs.readFileSync(file, 'utf8'), file).map((m) => m.object);
  } catch (e) {
    if (e instanceof lib.InputError) return e;
    throw e;
  }
}

/**
 * The 126 vendored PSA fixture pods: { label, level, expected: 'pass'|'fail', object }.
 * Fails closed: the count is pinned, as in the jest suite.
 */
function psaFixtures() {
  const out = [];
  for (const rel of yamlFiles(PSA_ROOT)) {
    const m = /^(baseline|restricted)\/v1\.28\/(pass|fail)\/[^/]+\.yaml$/.exec(rel);
    if (!m) throw new Error(`unexpected PSA fixture path ${rel}`);
    const objects = readObjects(path.join(PSA_ROOT, rel));
    if (!Array.isArray(objects) || objects.length !== 1) throw new Error(`PSA fixture ${rel} must hold one object`);
    out.push({ label: `pod-security/${rel}`, level: m[1], expected: m[2], object: objects[0] });
  }
  if (out.length !== 126) throw new Error(`expected 126 PSA fixtures, found ${out.length}`);
  return out;
}

/** Every object of every rule fixture: { label, rule, file, object }. */
function ruleFixtures() {
  const out = [];
  const files = yamlFiles(RULES_ROOT);
  if (files.length < 100) throw new Error(`expected the rule fixtures under ${RULES_ROOT}, found ${files.length} files`);
  for (const rel of files) {
    const objects = readObjects(path.join(RULES_ROOT, rel));
    if (!Array.isArray(objects)) throw new Error(`rule fixture ${rel} is refused by our reader: ${objects.message}`);
    objects.forEach((object, i) => {
      out.push({ label: `rules/${rel}#${i + 1}`, rule: rel.split('/')[0], file: rel, object });
    });
  }
  return out;
}

/**
 * The bad-input fixtures that our reader reads as objects (the well-formed ones: the rest are refused before
 * any object exists, so there is nothing to send): { label, object }.
 */
function badInputObjects() {
  const out = [];
  for (const rel of yamlFiles(BAD_INPUT_ROOT)) {
    const objects = readObjects(path.join(BAD_INPUT_ROOT, rel));
    if (!Array.isArray(objects)) continue;
    objects.forEach((object, i) => {
      if (object && typeof object === 'object' && !Array.isArray(object)) out.push({ label: `bad-input/${rel}#${i + 1}`, object });
    });
  }
  return out;
}

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The pod-carrying kinds and the apiVersion we send each as. */
const POD_KIND_VERSIONS = {
  Pod: 'v1',
  PodTemplate: 'v1',
  ReplicationController: 'v1',
  Deployment: 'apps/v1',
  ReplicaSet: 'apps/v1',
  DaemonSet: 'apps/v1',
  StatefulSet: 'apps/v1',
  Job: 'batch/v1',
  CronJob: 'batch/v1',
};

function assertPodKinds() {
  const ours = [...lib.POD_KINDS].sort();
  const here = Object.keys(POD_KIND_VERSIONS).sort();
  if (JSON.stringify(ours) !== JSON.stringify(here)) {
    throw new Error(`the library's pod kinds (${ours}) differ from the cluster suite's (${here})`);
  }
}

/**
 * A Pod as the pod template of `kind`, shaped so that the API server accepts it: selector and labels,
 * restartPolicy Always for controllers and Never for Jobs (unless the pod already says OnFailure/Never),
 * schedule for CronJob, serviceName for StatefulSet. The pod's annotations and labels are kept.
 */
function wrapPod(pod, kind) {
  const metadata = isObject(pod.metadata) ? pod.metadata : {};
  const name = typeof metadata.name === 'string' ? metadata.name : 'pod';
  if (kind === 'Pod') return pod;
  const spec = { ...pod.spec };
  if (kind === 'Job' || kind === 'CronJob') {
    if (spec.restartPolicy !== 'OnFailure') spec.restartPolicy = 'Never';
  } else if (spec.restartPolicy !== undefined) {
    spec.restartPolicy = 'Always';
  }
  const labels = { ...(isObject(metadata.labels) ? metadata.labels : {}), 'cluster-suite/app': name };
  const template = { metadata: { labels, ...(metadata.annotations ? { annotations: metadata.annotations } : {}) }, spec };
  const selector = { matchLabels: { 'cluster-suite/app': name } };
  const meta = { name };
  const apiVersion = POD_KIND_VERSIONS[kind];
  switch (kind) {
    case 'PodTemplate': return { apiVersion, kind, metadata: meta, template };
    case 'ReplicationController': return { apiVersion, kind, metadata: meta, spec: { selector: { 'cluster-suite/app': name }, template } };
    case 'Deployment':
    case 'ReplicaSet':
    case 'DaemonSet':
      return { apiVersion, kind, metadata: meta, spec: { selector, template } };
    case 'StatefulSet': return { apiVersion, kind, metadata: meta, spec: { selector, serviceName: name, template } };
    case 'Job': return { apiVersion, kind, metadata: meta, spec: { template } };
    case 'CronJob': return { apiVersion, kind, metadata: meta, spec: { schedule: '0 * * * *', jobTemplate: { spec: { template } } } };
    default: throw new Error(`cannot wrap a pod as ${kind}`);
  }
}

/** True when the object is a kind our pod traversal judges (a pod-carrying kind in one of its API groups). */
function carriesPod(object) {
  return isObject(object) && typeof object.kind === 'string' && typeof object.apiVersion === 'string'
    && lib.POD_KINDS.includes(object.kind) && lib.podViews(object).length > 0;
}

/** A copy of the object with metadata.namespace removed (the suites choose the namespace). */
function withoutNamespace(object) {
  const copy = JSON.parse(JSON.stringify(object));
  if (isObject(copy.metadata)) delete copy.metadata.namespace;
  return copy;
}

module.exports = {
  ROOT, FIXTURES, psaFixtures, ruleFixtures, badInputObjects, yamlFiles, readObjects, wrapPod, carriesPod,
  withoutNamespace, POD_KIND_VERSIONS, assertPodKinds, isObject,
};
