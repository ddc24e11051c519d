import { chmodSync, readFileSync, writeFileSync } from 'fs';
import { join } from 'path';
import { AUDITED_KINDS, kubectlResources } from '../../src/audit/kinds';
import { cli, ROOT, scratch } from './helpers';

/**
 * `audit` against a fake kubectl on PATH: a shell script that records its arguments and prints the output the
 * real kubectl printed against the real API server (test/fixtures/audit/cluster.json, recorded by
 * `AUDIT_RECORD=1 node test/cluster/run.js audit` from test/fixtures/audit/scenario.yaml).
 */
const FIXTURES = join(ROOT, 'test', 'fixtures', 'audit');
const RECORDED = join(FIXTURES, 'cluster.json');
const SCENARIO = join(FIXTURES, 'scenario.yaml');
const NOW = () => new Date('2026-12-01T00:00:00Z');
const dirs = scratch();
afterAll(() => dirs.cleanup());

interface FakeKubectl {
  readonly env: Record<string, string>;
  /** The argument vectors kubectl was called with, one per call. */
  calls(): string[][];
}

/** A kubectl that prints `output` (exit `status`, `stderr`) for `get`, and `context` for `config current-context`. */
function fakeKubectl(options: { output?: string; status?: number; stderr?: string; context?: string } = {}): FakeKubectl {
  const dir = dirs.dir();
  const out = join(dir, 'get.out');
  writeFileSync(out, options.output ?? readFileSync(RECORDED, 'utf8'));
  writeFileSync(join(dir, 'get.err'), options.stderr ?? '');
  const log = join(dir, 'calls.log');
  writeFileSync(log, '');
  const script = [
    '#!/bin/sh',
    `for a in "$@"; do printf '%s\\037' "$a" >> '${log}'; done; printf '\\n' >> '${log}'`,
    'if [ "$1 $2" = "config current-context" ] || [ "$3 $4" = "config current-context" ]; then',
    options.context === undefined ? '  echo "error: current-context is not set" >&2; exit 1' : `  echo '${options.context}'; exit 0`,
    'fi',
    `cat '${out}'; cat '${join(dir, 'get.err')}' >&2; exit ${options.status ?? 0}`,
  ].join('\n');
  writeFileSync(join(dir, 'kubectl'), `${script}\n`);
  chmodSync(join(dir, 'kubectl'), 0o755);
  return {
    env: { PATH: `${dir}:/usr/bin:/bin` },
    calls: () => readFileSync(log, 'utf8').split('\n').filter(Boolean).map((l) => l.split('\u001f').slice(0, -1)),
  };
}

interface JsonReport {
  findings: Array<{ ruleId: string; severity: string; path: string; message: string; object: { kind: string; namespace?: string; name: string }; file?: string }>;
  summary: { objects: number; errors: number; passed: boolean };
}

const key = (o: { kind: string; namespace?: string; name: string }) => `${o.kind} ${o.namespace ?? ''}/${o.name}`;

function byObject(report: JsonReport): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const f of report.findings) {
    out.set(key(f.object), [...(out.get(key(f.object)) ?? []), `${f.severity} ${f.ruleId} ${f.path}`].sort());
  }
  return out;
}

describe('cdk8s-hardened audit (fake kubectl replaying a real API server)', () => {
  test('runs one kubectl get of every audited kind across namespaces, after asking for the current context', async () => {
    const kubectl = fakeKubectl({ context: 'prod-eu' });
    const r = await cli(['audit', '--format', 'json'], { env: kubectl.env, now: NOW });
    expect(r.code).toBe(1);
    expect(kubectl.calls()).toEqual([
      ['config', 'current-context'],
      ['--request-timeout', '60s', 'get', kubectlResources(), '--all-namespaces', '--output', 'json'],
    ]);
    expect(kubectlResources().split(',')).toHaveLength(AUDITED_KINDS.length);
    expect(kubectlResources()).toContain('deployments.apps');
    const report = JSON.parse(r.stdout) as JsonReport;
    expect(new Set(report.findings.map((f) => f.file))).toEqual(new Set(['cluster:prod-eu']));
  });

  test('passes --context, --kubeconfig, --namespace and --request-timeout through to kubectl', async () => {
    const kubectl = fakeKubectl();
    const r = await cli(['audit', '--context', 'staging', '--kubeconfig', '/etc/kube/config', '-n', 'audit-shop', '--request-timeout', '5s', '-q'],
      { env: kubectl.env, now: NOW });
    expect(r.code).toBe(1);
    expect(kubectl.calls()).toEqual([
      ['--kubeconfig', '/etc/kube/config', '--context', 'staging', '--request-timeout', '5s', 'get', kubectlResources(), '--namespace', 'audit-shop', '--output', 'json'],
    ]);
    // Only the audited namespace's Namespace object is judged (the others were not read namespace by namespace).
    expect(r.stdout).toContain('Namespace audit-shop');
    expect(r.stdout).not.toContain('Namespace kube-system');
  });

  test('every scenario object gets the findings check gives the YAML it was created from; owned objects are left out with a notice', async () => {
    const kubectl = fakeKubectl({ context: 'recorded' });
    const live = await cli(['audit', '--format', 'json'], { env: kubectl.env, now: NOW });
    const declared = await cli(['check', '--format', 'json', SCENARIO], { now: NOW });
    expect(declared.code).toBe(1);
    const audited = byObject(JSON.parse(live.stdout) as JsonReport);
    const expected = byObject(JSON.parse(declared.stdout) as JsonReport);
    expect(expected.size).toBeGreaterThanOrEqual(10);
    for (const [object, findings] of expected) {
      expect([object, audited.get(object)]).toEqual([object, findings]);
    }
    for (const owned of ['ReplicaSet audit-shop/web-5d8f9c', 'Job audit-shop/report-28000000', 'Pod audit-shop/web-5d8f9c-x7k2p', 'Pod audit-shop/report-28000000-q9z4m']) {
      expect(audited.has(owned)).toBe(false);
    }
    expect(live.stderr).toBe('cdk8s-hardened: 4 objects (1 ReplicaSet, 1 Job, 2 Pods) judged through the controller that owns them; --include-owned judges them too\n');
  });

  test('an owned Pod that differs from its ReplicaSet\'s template (an injected sidecar) is judged itself, and says so', async () => {
    const list = JSON.parse(readFileSync(RECORDED, 'utf8')) as { items: Array<{ kind: string; metadata: { name: string }; spec: { containers: unknown[] } }> };
    const pod = list.items.find((o) => o.kind === 'Pod' && o.metadata.name === 'web-5d8f9c-x7k2p')!;
    pod.spec.containers.push({ name: 'istio-proxy', image: 'docker.io/istio/proxyv2:1.20.0', securityContext: { privileged: true } });
    const r = await cli(['audit', '--format', 'json'], { env: fakeKubectl({ output: JSON.stringify(list) }).env, now: NOW });
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as JsonReport;
    const onPod = report.findings.filter((f) => key(f.object) === 'Pod audit-shop/web-5d8f9c-x7k2p');
    expect(onPod.map((f) => f.ruleId)).toEqual(expect.arrayContaining(['audit-differs-from-owner', 'pss-baseline-privileged']));
    expect(onPod.find((f) => f.ruleId === 'audit-differs-from-owner')!.message)
      .toBe('Pod "web-5d8f9c-x7k2p" differs from the pod template of its owner ReplicaSet web-5d8f9c (containers "istio-proxy" added), so it is judged itself, not through its owner');
    expect(report.findings.some((f) => key(f.object) === 'ReplicaSet audit-shop/web-5d8f9c')).toBe(false);
    expect(r.stderr).toBe('cdk8s-hardened: 3 objects (1 ReplicaSet, 1 Job, 1 Pod) judged through the controller that owns them; --include-owned judges them too; '
      + '1 object (1 Pod) judged themselves: they differ from the pod template of the controller that owns them (see their audit-differs-from-owner findings)\n');
  });

  test('an exemption of the Deployment covers its Pod judged itself, as the admission policy\'s match condition does', async () => {
    const list = JSON.parse(readFileSync(RECORDED, 'utf8')) as { items: Array<{ kind: string; metadata: { name: string }; spec: { containers: unknown[] } }> };
    const pod = list.items.find((o) => o.kind === 'Pod' && o.metadata.name === 'web-5d8f9c-x7k2p')!;
    pod.spec.containers.push({ name: 'istio-proxy', image: 'docker.io/istio/proxyv2:1.20.0', securityContext: { privileged: true } });
    const env = fakeKubectl({ output: JSON.stringify(list) }).env;
    const privilegedOnPod = async (exemption: string[]) => {
      const dir = dirs.dir();
      writeFileSync(join(dir, '.cdk8s-hardened.yaml'), ['profile: pss-baseline', 'exemptions:', '  - rule: pss-baseline-privileged', ...exemption,
        '    reason: "MESH-1 the mesh sidecar needs privileged until the CNI plugin lands"', ''].join('\n'));
      const r = await cli(['audit', '--format', 'json'], { env, cwd: dir, now: NOW });
      const report = JSON.parse(r.stdout) as JsonReport & { suppressions: Array<{ findings: number; source: string }> };
      return { code: r.code, suppressions: report.suppressions, findings: report.findings.filter((f) => key(f.object) === 'Pod audit-shop/web-5d8f9c-x7k2p' && f.ruleId === 'pss-baseline-privileged') as unknown as Array<{ suppressed?: boolean; suppressionReason?: string }> };
    };
    const covered = await privilegedOnPod(['    namespace: audit-shop', '    kind: Deployment', '    name: web']);
    expect(covered.findings.length).toBeGreaterThan(0);
    expect(covered.findings.map((f) => [f.suppressed, f.suppressionReason]))
      .toEqual(covered.findings.map(() => [true, 'exemption: MESH-1 the mesh sidecar needs privileged until the CNI plugin lands']));
    expect(covered.suppressions.filter((s) => s.source === 'config').map((s) => s.findings)).toEqual([covered.findings.length]);
    // Another Deployment's exemption, or this one's in another namespace, covers nothing here.
    for (const other of [['    namespace: audit-shop', '    kind: Deployment', '    name: web-5d8f9c'], ['    namespace: default', '    kind: Deployment', '    name: web']]) {
      const r = await privilegedOnPod(other);
      expect(r.findings.length).toBeGreaterThan(0);
      expect(r.findings.some((f) => f.suppressed === true)).toBe(false);
    }
  });

  test('what the server adds (status, managedFields, uid, resourceVersion, ownerReferences, defaults) is no finding', async () => {
    const recorded = readFileSync(RECORDED, 'utf8');
    for (const field of ['"status"', '"resourceVersion"', '"uid"', '"ownerReferences"', '"creationTimestamp": null']) {
      expect(recorded).toContain(field);
    }
    // kubectl 1.28 prints managedFields only with --show-managed-fields; a kubectl that prints them changes nothing.
    const list = JSON.parse(recorded) as { items: Array<{ metadata: Record<string, unknown> }> };
    for (const item of list.items) {
      item.metadata.managedFields = [{ manager: 'kubectl-create', operation: 'Update', apiVersion: 'v1', time: '2026-12-01T00:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:metadata': {} } }];
    }
    const withManaged = await cli(['audit', '--format', 'json', '--include-owned'], { env: fakeKubectl({ output: JSON.stringify(list) }).env, now: NOW });
    const r = await cli(['audit', '--format', 'json', '--include-owned'], { env: fakeKubectl().env, now: NOW });
    expect(withManaged.stdout).toBe(r.stdout);
    const report = JSON.parse(r.stdout) as JsonReport;
    expect(report.summary.objects).toBe(25);
    expect(report.findings.filter((f) => f.ruleId === 'schema' && f.severity !== 'info')).toEqual([]);
    expect(report.findings.filter((f) => /^(status|metadata\.(managedFields|resourceVersion|uid|creationTimestamp|generation|ownerReferences))/.test(f.path))).toEqual([]);
    // Owned objects judged with --include-owned: the ReplicaSet repeats its Deployment's findings.
    const found = byObject(report);
    expect(found.get('ReplicaSet audit-shop/web-5d8f9c')?.length).toBeGreaterThan(0);
  });

  test('reports in every check format, deterministically, with profiles and the configuration file', async () => {
    const env = fakeKubectl().env;
    for (const format of ['text', 'sarif', 'junit']) {
      const a = await cli(['audit', '--format', format], { env, now: NOW });
      const b = await cli(['audit', '--format', format], { env, now: NOW });
      expect(a.code).toBe(1);
      expect(a.stdout).toBe(b.stdout);
    }
    const junit = await cli(['audit', '--format', 'junit'], { env, now: NOW });
    expect(junit.stdout).toContain('cluster:no-context');
    const baseline = JSON.parse((await cli(['audit', '--format', 'json', '--profile', 'pss-baseline'], { env, now: NOW })).stdout) as JsonReport;
    expect(new Set(baseline.findings.map((f) => f.ruleId.replace(/-.*/, '')))).toEqual(new Set(['pss']));
    // A suppression annotation on a live object suppresses as in check, and is listed in force.
    const full = JSON.parse((await cli(['audit', '--format', 'json'], { env, now: NOW })).stdout) as JsonReport & { suppressions: Array<{ ruleId?: string; rule?: string; reason: string }> };
    const host = full.findings.filter((f) => f.ruleId === 'pss-baseline-host-namespaces' && f.object.name === 'debug') as unknown as Array<{ suppressed: boolean; suppressionReason: string }>;
    expect(host.length).toBeGreaterThan(0);
    expect(host.every((f) => f.suppressed && f.suppressionReason === 'INC-7 the on-call engineer inspects node networking during the incident')).toBe(true);
    expect(JSON.stringify(full.suppressions)).toContain('INC-7 the on-call engineer inspects node networking during the incident');
    // The configuration's exemptions and failOn apply as in check.
    const dir = dirs.dir();
    writeFileSync(join(dir, '.cdk8s-hardened.yaml'), [
      'profile: pss-baseline',
      'exemptions:',
      '  - rule: pss-baseline-privileged',
      '    namespace: audit-shop',
      '    kind: Pod',
      '    name: debug',
      '    reason: "INC-7 a debugging pod the on-call engineer removes after the incident"',
      '',
    ].join('\n'));
    const exempted = JSON.parse((await cli(['audit', '--format', 'json'], { env, cwd: dir, now: NOW })).stdout) as JsonReport & { findings: Array<{ suppressed: boolean }> };
    const privileged = exempted.findings.filter((f) => f.ruleId === 'pss-baseline-privileged' && f.object.name === 'debug');
    expect(privileged.length).toBeGreaterThan(0);
    expect(privileged.every((f) => (f as unknown as { suppressed: boolean }).suppressed)).toBe(true);
  });

  test('kubectl absent, failing or not printing a List: one line, exit 2', async () => {
    const absent = await cli(['audit'], { env: { PATH: dirs.dir() }, now: NOW });
    expect(absent).toEqual({ code: 2, stdout: '', stderr: 'cdk8s-hardened: kubectl not found on PATH: audit reads the cluster with kubectl get; install kubectl (1.28) or put it on PATH\n' });

    const unauthorized = fakeKubectl({ context: 'prod', output: '', status: 1, stderr: 'E1201 10:00:00.000 memcache.go:265] couldn\'t get current server API group list: Unauthorized\nerror: You must be logged in to the server (Unauthorized)\n' });
    const u = await cli(['audit'], { env: unauthorized.env, now: NOW });
    expect(u).toEqual({ code: 2, stdout: '', stderr: 'cdk8s-hardened: kubectl get failed in context "prod" (exit 1): error: You must be logged in to the server (Unauthorized)\n' });

    const unreachable = fakeKubectl({ output: '', status: 1, stderr: 'The connection to the server 10.0.0.1:6443 was refused - did you specify the right host or port?\n' });
    const n = await cli(['audit'], { env: unreachable.env, now: NOW });
    expect(n.code).toBe(2);
    expect(n.stderr.trim().split('\n')).toEqual(['cdk8s-hardened: kubectl get failed in context "no-context" (exit 1): The connection to the server 10.0.0.1:6443 was refused - did you specify the right host or port?']);

    const notJson = await cli(['audit'], { env: fakeKubectl({ output: 'NAME READY\nweb 1/1\n' }).env, now: NOW });
    expect(notJson.code).toBe(2);
    expect(notJson.stderr).toMatch(/^cdk8s-hardened: kubectl get output: not JSON \(.*\); is "kubectl" on PATH really kubectl\?\n$/);
    const notList = await cli(['audit'], { env: fakeKubectl({ output: '{"kind":"Pod","apiVersion":"v1"}' }).env, now: NOW });
    expect(notList).toEqual({ code: 2, stdout: '', stderr: 'cdk8s-hardened: kubectl get output: not the List that kubectl get --output json prints; is "kubectl" on PATH really kubectl?\n' });
    const empty = await cli(['audit', '-n', 'nowhere'], { env: fakeKubectl({ output: '{"apiVersion":"v1","kind":"List","items":[]}' }).env, now: NOW });
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/^cdk8s-hardened: cluster:no-context\/nowhere: kubectl get returned no Namespace, .*\(does namespace "nowhere" exist\?\)\n$/);
  });

  test('kubectl\'s warnings reach stderr (unless --quiet); the report on stdout is unchanged', async () => {
    const warning = 'Warning: v1 ComponentStatus is deprecated in v1.19+\n';
    const plain = await cli(['audit', '--format', 'json'], { env: fakeKubectl().env, now: NOW });
    const warned = await cli(['audit', '--format', 'json'], { env: fakeKubectl({ stderr: warning }).env, now: NOW });
    expect(warned.code).toBe(1);
    expect(warned.stdout).toBe(plain.stdout);
    expect(warned.stderr.split('\n')[0]).toBe('cdk8s-hardened: kubectl: Warning: v1 ComponentStatus is deprecated in v1.19+');
    const quiet = await cli(['audit', '--format', 'json', '--quiet'], { env: fakeKubectl({ stderr: warning }).env, now: NOW });
    expect(quiet.stderr).toBe('');
  });

  test('an unknown option is a usage error, exit 2', async () => {
    const r = await cli(['audit', '--all'], { env: fakeKubectl().env, now: NOW });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown option '--all'/);
  });
});
