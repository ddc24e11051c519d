import { ApiObject, Testing } from 'cdk8s';
import { LockedDownNamespace } from '../../../src/constructs';
import { evaluate } from '../../../src/catalogue';
import { Finding } from '../../../src/policy/rule';
import { NAMESPACE_RULES } from '../../../src/policy/rules/namespace';
import { NETWORK_RULES } from '../../../src/policy/rules/network';
import { PSA_POLICY_VERSION } from '../../../src/version';

function run(id: string, ...objects: unknown[]): Finding[] {
  return evaluate(objects.map((object) => ({ object })), NAMESPACE_RULES.filter((r) => r.id === id));
}

function namespace(name: string, labels?: Record<string, string>) {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, ...(labels ? { labels } : {}) } };
}

function psa(overrides: Record<string, string | undefined> = {}): Record<string, string> {
  const labels: Record<string, string | undefined> = {};
  for (const mode of ['enforce', 'audit', 'warn']) {
    labels[`pod-security.kubernetes.io/${mode}`] = 'restricted';
    labels[`pod-security.kubernetes.io/${mode}-version`] = PSA_POLICY_VERSION;
  }
  Object.assign(labels, overrides);
  return Object.fromEntries(Object.entries(labels).filter((e): e is [string, string] => e[1] !== undefined));
}

const pod = (name: string, ns?: string) => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, ...(ns ? { namespace: ns } : {}) }, spec: { containers: [{ name: 'app', image: 'a:1' }] },
});

describe('namespace-psa-labels', () => {
  const labels = (overrides: Record<string, string | undefined>) =>
    run('namespace-psa-labels', namespace('team-a', psa(overrides))).map((f) => `${f.severity} ${f.path}: ${f.message}`);

  test('restricted everywhere, pinned to the target version, passes', () => {
    expect(PSA_POLICY_VERSION).toBe('v1.28');
    expect(labels({})).toEqual([]);
  });

  test('no labels at all: enforce is an error, the other five are warnings', () => {
    const f = run('namespace-psa-labels', namespace('team-a'));
    expect(f.map((x) => `${x.severity} ${x.path}`)).toEqual([
      'error metadata.labels["pod-security.kubernetes.io/enforce"]',
      'warning metadata.labels["pod-security.kubernetes.io/enforce-version"]',
      'warning metadata.labels["pod-security.kubernetes.io/audit"]',
      'warning metadata.labels["pod-security.kubernetes.io/audit-version"]',
      'warning metadata.labels["pod-security.kubernetes.io/warn"]',
      'warning metadata.labels["pod-security.kubernetes.io/warn-version"]',
    ]);
    expect(f[0].message).toBe('namespace sets no pod-security.kubernetes.io/enforce label');
    expect(f[0].remediation).toBe('Set metadata.labels["pod-security.kubernetes.io/enforce"] to "restricted".');
    expect(f[1].message).toBe('namespace sets no pod-security.kubernetes.io/enforce-version label, so enforce follows "latest"');
  });

  test.each([
    ['baseline', 'error'],
    ['privileged', 'error'],
    ['Restricted', 'error'],
    ['', 'error'],
  ])('enforce=%j is %s', (value, severity) => {
    expect(labels({ 'pod-security.kubernetes.io/enforce': value })).toEqual([
      `${severity} metadata.labels["pod-security.kubernetes.io/enforce"]: namespace sets pod-security.kubernetes.io/enforce to ${JSON.stringify(value)}`,
    ]);
  });

  test('audit and warn below restricted are warnings', () => {
    expect(labels({ 'pod-security.kubernetes.io/audit': 'baseline', 'pod-security.kubernetes.io/warn': undefined })).toEqual([
      'warning metadata.labels["pod-security.kubernetes.io/audit"]: namespace sets pod-security.kubernetes.io/audit to "baseline"',
      'warning metadata.labels["pod-security.kubernetes.io/warn"]: namespace sets no pod-security.kubernetes.io/warn label',
    ]);
  });

  test.each(['latest', 'v1.27', 'v1.29', '1.28', ''])('version %j is not pinned to the target', (version) => {
    expect(labels({ 'pod-security.kubernetes.io/enforce-version': version })).toEqual([
      `warning metadata.labels["pod-security.kubernetes.io/enforce-version"]: namespace sets pod-security.kubernetes.io/enforce-version to ${JSON.stringify(version)}`,
    ]);
  });

  test('only core v1 Namespaces are judged; odd labels do not throw', () => {
    expect(run('namespace-psa-labels', { apiVersion: 'example.com/v1', kind: 'Namespace', metadata: { name: 'x' } })).toEqual([]);
    const odd = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x', labels: 'restricted' } };
    expect(run('namespace-psa-labels', odd)).toHaveLength(6);
  });
});

describe('namespace-quota', () => {
  const quota = (ns: string, hard: unknown = { pods: '10' }) => ({ apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'q', namespace: ns }, spec: { hard } });
  const limits = (ns: string, items: unknown = [{ type: 'Container', default: { cpu: '1' } }]) => ({ apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'l', namespace: ns }, spec: { limits: items } });
  const messages = (...objects: unknown[]) => run('namespace-quota', ...objects).map((f) => `${f.object.kind}/${f.object.name} ${f.path}: ${f.message}`);

  test('a declared namespace without either is reported on the Namespace, twice', () => {
    expect(messages(namespace('team-a'), pod('web', 'team-a'))).toEqual([
      'Namespace/team-a metadata.name: namespace "team-a" has no ResourceQuota',
      'Namespace/team-a metadata.name: namespace "team-a" has no LimitRange',
    ]);
  });

  test('a namespace known only from workloads is reported on each workload', () => {
    expect(messages(pod('a', 'team-b'), pod('b', 'team-b'), quota('team-b'))).toEqual([
      'Pod/a metadata.namespace: namespace "team-b" has no LimitRange',
      'Pod/b metadata.namespace: namespace "team-b" has no LimitRange',
    ]);
  });

  test('no metadata.namespace counts as default', () => {
    expect(messages(pod('a'), quota('default'), limits('default'))).toEqual([]);
    expect(messages(pod('a'), quota('team-a'), limits('team-a'))).toHaveLength(2);
  });

  test('an empty quota or LimitRange does not count', () => {
    expect(messages(namespace('team-a'), quota('team-a', {}), limits('team-a', []))).toHaveLength(2);
  });

  test('each missing object has its own remediation', () => {
    const f = run('namespace-quota', namespace('team-a'));
    expect(f.map((x) => x.remediation)).toEqual([
      'Add a ResourceQuota with spec.hard (cpu, memory and object counts) in namespace "team-a".',
      'Add a LimitRange with spec.limits of type Container (default and defaultRequest) in namespace "team-a".',
    ]);
  });

  test('objects of other namespaces, and sets without namespaces or workloads, give nothing', () => {
    expect(messages({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'team-a' } })).toEqual([]);
    expect(messages(namespace('team-a'), quota('team-a'), limits('team-a'), pod('x', 'team-a'))).toEqual([]);
  });
});

describe('LockedDownNamespace meets the namespace and network rules', () => {
  test('a locked-down namespace with a workload gives no finding', () => {
    const chart = Testing.chart();
    new LockedDownNamespace(chart, 'ns', { name: 'team-a' });
    new ApiObject(chart, 'web', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'team-a' }, spec: { containers: [{ name: 'web', image: 'a:1' }] } });
    const objects = Testing.synth(chart);
    const findings = evaluate(objects.map((object) => ({ object })), [...NAMESPACE_RULES, ...NETWORK_RULES]);
    expect(findings.map((f) => `${f.ruleId} ${f.object.kind}/${f.object.name} ${f.path}`)).toEqual([]);
  });
});
