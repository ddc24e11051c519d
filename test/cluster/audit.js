'use strict';
// Suite: `cdk8s-hardened audit` against the real API server. The scenario of
// test/fixtures/audit/scenario.yaml (one of every pod-bearing kind, RBAC, a
// NetworkPolicy, a Service) is created, plus what controllers would add (a
// ReplicaSet and Pod owned by the Deployment, a Job and Pod owned by the
// CronJob; this control plane runs no controller-manager, so they are created
// with their ownerReferences by hand). Then `audit --kubeconfig` reads it back
// through kubectl and
// - every scenario object gets exactly the findings `check` gives the YAML it was created from (what the server
//   adds, status, managedFields, defaults, must change no verdict);
// - no object of the cluster (the server's own ClusterRoles, the default namespaces) gets a schema finding;
// - the owned ReplicaSet, Job and Pods are left out, and `--include-owned` judges them;
// - ClusterAuditCronJob's ClusterRole, through its ServiceAccount's token, lets the audit read all it reads, and no
//   Secrets, no writes; without one of its rules the audit is refused.
// AUDIT_RECORD=1 rewrites test/fixtures/audit/cluster.json, the recorded kubectl output the jest test replays
// through a fake kubectl (trimmed to the scenario and a few of the server's own objects, to stay small).
// Skipped with a message when kubectl is not on PATH.

const childProcess = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { Tally } = require('./api');
const { ROOT } = require('./fixtures');

const SCENARIO = path.join(ROOT, 'test', 'fixtures', 'audit', 'scenario.yaml');
const RECORDED = path.join(ROOT, 'test', 'fixtures', 'audit', 'cluster.json');
const NS = 'audit-shop';

function run(cmd, args, input, env = process.env) {
  const r = childProcess.spawnSync(cmd, args, { input, encoding: 'utf8', timeout: 180000, maxBuffer: 1 << 28, env });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function kubectl(cluster, args, input) {
  return run('kubectl', ['--kubeconfig', cluster.kubeconfigPath, ...args], input);
}

function must(r, what) {
  if (r.status !== 0) throw new Error(`${what}: exit ${r.status}: ${r.stderr.trim()}`);
  return r;
}

function cli(args) {
  return run(process.execPath, [path.join(ROOT, 'lib', 'cli', 'main.js'), ...args]);
}

const key = (o) => `${o.kind} ${o.namespace || ''}/${o.name}`;

function findingsByObject(report) {
  const out = new Map();
  for (const o of report.objects || []) out.set(key(o.object || o), []);
  for (const f of report.findings) {
    const k = key(f.object);
    if (!out.has(k)) out.set(k, []);
    out.get(k).push(`${f.severity} ${f.ruleId} ${f.path}`);
  }
  for (const list of out.values()) list.sort();
  return out;
}

function owned(uidOf, ownerKind, ownerName, apiVersion) {
  return [{ apiVersion, kind: ownerKind, name: ownerName, uid: uidOf(ownerKind, ownerName), controller: true, blockOwnerDeletion: true }];
}

async function run_({ cluster }) {
  const tally = new Tally('audit');
  if (run('kubectl', ['version', '--client']).status !== 0) {
    console.log('audit: skipped, kubectl is not on PATH');
    return tally;
  }
  must(kubectl(cluster, ['create', '-f', SCENARIO]), 'kubectl create the scenario');
  const uidOf = (kind, name) => must(kubectl(cluster, ['get', kind, name, '-n', NS, '-o', 'jsonpath={.metadata.uid}']), `uid of ${kind} ${name}`).stdout.trim();
  const podSpec = (name, image) => ({ containers: [{ name, image }], restartPolicy: 'Never' });
  const rs = {
    apiVersion: 'apps/v1', kind: 'ReplicaSet',
    metadata: { name: 'web-5d8f9c', namespace: NS, labels: { app: 'web', 'pod-template-hash': '5d8f9c' }, ownerReferences: owned(uidOf, 'Deployment', 'web', 'apps/v1') },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web', 'pod-template-hash': '5d8f9c' } },
      template: { metadata: { labels: { app: 'web', 'pod-template-hash': '5d8f9c' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.25.3', ports: [{ containerPort: 80 }] }] } },
    },
  };
  must(kubectl(cluster, ['create', '-f', '-'], JSON.stringify(rs)), 'create the ReplicaSet');
  const job = {
    apiVersion: 'batch/v1', kind: 'Job',
    metadata: { name: 'report-28000000', namespace: NS, ownerReferences: owned(uidOf, 'CronJob', 'report', 'batch/v1') },
    spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'report', image: 'busybox:1.36', command: ['date'] }] } } },
  };
  must(kubectl(cluster, ['create', '-f', '-'], JSON.stringify(job)), 'create the Job');
  const pods = [
    { name: 'web-5d8f9c-x7k2p', labels: { app: 'web', 'pod-template-hash': '5d8f9c' }, owner: ['ReplicaSet', 'web-5d8f9c', 'apps/v1'], spec: { containers: [{ name: 'nginx', image: 'nginx:1.25.3', ports: [{ containerPort: 80 }] }] } },
    { name: 'report-28000000-q9z4m', labels: { 'job-name': 'report-28000000' }, owner: ['Job', 'report-28000000', 'batch/v1'], spec: podSpec('report', 'busybox:1.36') },
  ];
  for (const p of pods) {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: p.name, namespace: NS, labels: p.labels, ownerReferences: owned(uidOf, ...p.owner) }, spec: p.spec };
    must(kubectl(cluster, ['create', '-f', '-'], JSON.stringify(pod)), `create Pod ${p.name}`);
  }

  const audit = cli(['audit', '--kubeconfig', cluster.kubeconfigPath, '--format', 'json']);
  if (audit.status !== 0 && audit.status !== 1) throw new Error(`audit: exit ${audit.status}: ${audit.stderr.trim()}`);
  const live = JSON.parse(audit.stdout);
  const check = cli(['check', '--format', 'json', SCENARIO]);
  if (check.status !== 0 && check.status !== 1) throw new Error(`check: exit ${check.status}: ${check.stderr.trim()}`);
  const declared = findingsByObject(JSON.parse(check.stdout));
  const audited = findingsByObject(live);
  tally.count('objects audited', audited.size);
  tally.count('findings', live.findings.length);

  // 1. The scenario's objects: live and declared verdicts agree.
  for (const [k, expected] of declared) {
    const got = audited.get(k);
    tally.record(`${k} judged live as declared`, got !== undefined && JSON.stringify(got) === JSON.stringify(expected),
      got === undefined ? 'not in the audit' : `check: ${JSON.stringify(expected)}; audit: ${JSON.stringify(got)}`);
  }
  // 2. Nothing the server adds is a finding: no schema finding, no finding on a server field.
  for (const f of live.findings) {
    const serverField = /^(status|metadata\.(managedFields|resourceVersion|uid|creationTimestamp|generation))/.test(f.path);
    if (f.ruleId === 'schema' || serverField) {
      tally.record(`${key(f.object)} ${f.path}`, false, `${f.ruleId}: ${f.message}`);
    }
  }
  tally.record('no schema finding on any live object', !live.findings.some((f) => f.ruleId === 'schema'), 'see above');
  // 3. Owned objects are judged through their controller, or with --include-owned.
  const ownedKeys = [`ReplicaSet ${NS}/web-5d8f9c`, `Job ${NS}/report-28000000`, ...pods.map((p) => `Pod ${NS}/${p.name}`)];
  for (const k of ownedKeys) tally.record(`${k} left out`, !audited.has(k), 'reported although its controller is judged');
  tally.record('the notice names the owned objects', /4 objects \(1 ReplicaSet, 1 Job, 2 Pods\) judged through the controller/.test(audit.stderr), audit.stderr.trim());
  const all = cli(['audit', '--kubeconfig', cluster.kubeconfigPath, '--format', 'json', '--include-owned', '--namespace', NS]);
  const withOwned = findingsByObject(JSON.parse(all.stdout));
  for (const k of ownedKeys) tally.record(`${k} judged with --include-owned`, withOwned.has(k), 'missing');
  tally.record('--namespace reads one namespace', [...withOwned.keys()].every((k) => !/^(Pod|Deployment|Service|Role|RoleBinding) /.test(k) || k.includes(` ${NS}/`))
    && !withOwned.has('Namespace /kube-system'), [...withOwned.keys()].join(', '));
  // 4. A context that does not exist: one line, exit 2.
  const bad = cli(['audit', '--kubeconfig', cluster.kubeconfigPath, '--context', 'no-such-context']);
  tally.record('an unknown context is one line, exit 2', bad.status === 2 && bad.stderr.trim().split('\n').length === 1, `${bad.status}: ${bad.stderr}`);

  // 5. ClusterAuditCronJob's ClusterRole is enough for the audit, and no more: the audit run with its ServiceAccount's
  //    token reads what the admin's audit reads; without one of its rules it is refused; it cannot read Secrets or write.
  const { App, Chart } = require('cdk8s');
  const { ClusterAuditCronJob } = require(path.join(ROOT, 'lib'));
  const app = new App({ outdir: fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'audit-cronjob-')) });
  const chart = new Chart(app, 'audit', { namespace: 'audit-system' });
  new ClusterAuditCronJob(chart, 'audit', { image: 'ghcr.io/acme/cluster-audit@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef' });
  fs.rmSync(app.outdir, { recursive: true, force: true });
  must(kubectl(cluster, ['create', 'namespace', 'audit-system']), 'create namespace audit-system');
  must(kubectl(cluster, ['create', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items: chart.toJson() })), 'create the ClusterAuditCronJob');
  const token = must(kubectl(cluster, ['create', 'token', 'cluster-audit', '-n', 'audit-system']), 'create a token').stdout.trim();
  const saKubeconfig = path.join(path.dirname(cluster.kubeconfigPath), 'cluster-audit.kubeconfig');
  fs.writeFileSync(saKubeconfig, fs.readFileSync(cluster.kubeconfigPath, 'utf8').replace(/token: .*/, `token: ${token}`), { mode: 0o600 });
  const admin = JSON.parse(cli(['audit', '--kubeconfig', cluster.kubeconfigPath, '--format', 'json']).stdout);
  const asJob = cli(['audit', '--kubeconfig', saKubeconfig, '--format', 'json']);
  tally.record('the audit runs with the CronJob\'s ClusterRole', asJob.status === 0 || asJob.status === 1, `exit ${asJob.status}: ${asJob.stderr.trim()}`);
  if (asJob.status === 0 || asJob.status === 1) {
    const seen = JSON.parse(asJob.stdout);
    tally.record('it reads what the admin reads', seen.summary.objects === admin.summary.objects, `${seen.summary.objects} objects, admin ${admin.summary.objects}`);
  }
  const as = 'system:serviceaccount:audit-system:cluster-audit';
  for (const [verb, resource] of [['get', 'secrets'], ['list', 'secrets'], ['create', 'pods'], ['delete', 'deployments.apps'], ['update', 'clusterroles.rbac.authorization.k8s.io'], ['watch', 'pods']]) {
    const r = kubectl(cluster, ['auth', 'can-i', verb, resource, '--all-namespaces', `--as=${as}`]);
    tally.record(`the CronJob cannot ${verb} ${resource}`, r.stdout.trim() === 'no', `kubectl auth can-i says ${r.stdout.trim()}`);
  }
  const role = JSON.parse(must(kubectl(cluster, ['get', 'clusterrole', 'cluster-audit', '-o', 'json']), 'get the ClusterRole').stdout);
  role.rules = role.rules.filter((r) => !r.resources.includes('cronjobs'));
  must(kubectl(cluster, ['replace', '-f', '-'], JSON.stringify(role)), 'drop cronjobs from the ClusterRole');
  const denied = cli(['audit', '--kubeconfig', saKubeconfig]);
  tally.record('without one of its rules the audit is refused: one line, exit 2', denied.status === 2 && /forbidden/i.test(denied.stderr) && denied.stderr.trim().split('\n').length === 1,
    `exit ${denied.status}: ${denied.stderr.trim()}`);

  if (process.env.AUDIT_RECORD === '1') {
    const raw = JSON.parse(must(kubectl(cluster, ['get', require(path.join(ROOT, 'lib', 'audit', 'kinds.js')).kubectlResources(), '--all-namespaces', '--output', 'json']), 'record').stdout);
    const keep = new Set(['cluster-admin', 'view', 'system:basic-user']);
    raw.items = raw.items.filter((o) => o.metadata.namespace === NS || o.kind === 'Namespace'
      || (o.kind.startsWith('Cluster') && keep.has(o.metadata.name)) || (o.kind === 'Service' && o.metadata.name === 'kubernetes'));
    fs.writeFileSync(RECORDED, `${JSON.stringify(raw, null, 4)}\n`);
    console.log(`audit: recorded ${raw.items.length} objects into ${path.relative(ROOT, RECORDED)}`);
  }
  return tally;
}

module.exports = { run: run_ };
