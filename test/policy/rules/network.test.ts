import { evaluate } from '../../../src/catalogue';
import { Finding } from '../../../src/policy/rule';
import { NETWORK_RULES } from '../../../src/policy/rules/network';
import { isEverywhere, policyTypes, selectsAll } from '../../../src/policy/rules/network/network';

function run(id: string, ...objects: unknown[]): Finding[] {
  return evaluate(objects.map((object) => ({ object })), NETWORK_RULES.filter((r) => r.id === id));
}

const deny = (...objects: unknown[]) => run('network-default-deny', ...objects).map((f) => `${f.object.kind}/${f.object.name} ${f.path}: ${f.message}`);

function deployment(name: string, namespace?: string) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, ...(namespace ? { namespace } : {}) },
    spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name, image: 'registry.example.com/app:1.0.0' }] } } },
  };
}

function policy(name: string, spec: unknown, namespace = 'team-a') {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace }, spec };
}

const namespace = (name: string) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });

describe('NetworkPolicy semantics', () => {
  test.each([
    [{}, ['Ingress']],
    [{ policyTypes: [] }, ['Ingress']],
    [{ egress: [] }, ['Ingress']],
    [{ egress: [{ to: [{ podSelector: {} }] }] }, ['Ingress', 'Egress']],
    [{ egress: [{}] }, ['Ingress', 'Egress']],
    [{ policyTypes: ['Egress'] }, ['Egress']],
    [{ policyTypes: ['Egress', 'Ingress'] }, ['Ingress', 'Egress']],
    [{ policyTypes: ['Ingress'], egress: [{}] }, ['Ingress']],
    [{ policyTypes: ['ingress'] }, []],
    [undefined, ['Ingress']],
  ])('policyTypes of %j default to %j', (spec, expected) => {
    expect(policyTypes(spec)).toEqual(expected);
  });

  test.each([
    [undefined, true],
    [null, true],
    [{}, true],
    [{ matchLabels: {} }, true],
    [{ matchExpressions: [] }, true],
    [{ matchLabels: null, matchExpressions: null }, true],
    [{ matchLabels: { app: 'web' } }, false],
    [{ matchExpressions: [{ key: 'app', operator: 'Exists' }] }, false],
    ['all', false],
  ])('selector %j selects everything: %s', (selector, expected) => {
    expect(selectsAll(selector)).toBe(expected);
  });

  test.each([
    ['0.0.0.0/0', true],
    ['::/0', true],
    [' 10.0.0.0/0 ', true],
    ['10.0.0.0/8', false],
    ['192.168.0.0/20', false],
    [undefined, false],
  ])('cidr %s is everywhere: %s', (cidr, expected) => {
    expect(isEverywhere(cidr)).toBe(expected);
  });
});

describe('network-default-deny', () => {
  const both = policy('default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });

  test('one deny-all policy isolates the namespace', () => {
    expect(deny(deployment('web', 'team-a'), both)).toEqual([]);
  });

  test('two one-direction deny policies isolate it too', () => {
    const ingress = policy('deny-ingress', { podSelector: {}, policyTypes: ['Ingress'] });
    const egress = policy('deny-egress', { podSelector: {}, policyTypes: ['Egress'] });
    expect(deny(deployment('web', 'team-a'), ingress, egress)).toEqual([]);
    expect(deny(deployment('web', 'team-a'), ingress)).toEqual([
      'Deployment/web metadata.namespace: namespace "team-a" has workloads but no default-deny NetworkPolicy for egress',
    ]);
  });

  test('policyTypes defaulting: without policyTypes a rule-less policy denies ingress only', () => {
    expect(deny(deployment('web', 'team-a'), policy('deny', { podSelector: {} }))).toEqual([
      'Deployment/web metadata.namespace: namespace "team-a" has workloads but no default-deny NetworkPolicy for egress',
    ]);
    // With egress rules, Egress is defaulted in and the namespace is isolated both ways (rules allow named peers).
    expect(deny(deployment('web', 'team-a'), policy('ns', { podSelector: {}, egress: [{ to: [{ podSelector: {} }] }] }))).toEqual([]);
  });

  test('a policy in another namespace, or with a pod selector, does not count', () => {
    const elsewhere = policy('default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }, 'team-b');
    const selected = policy('deny-web', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Ingress', 'Egress'] });
    expect(deny(deployment('web', 'team-a'), elsewhere, selected)).toEqual([
      'Deployment/web metadata.namespace: namespace "team-a" has workloads but no default-deny NetworkPolicy for ingress and egress',
    ]);
  });

  test('objects without a namespace count as "default", for workloads and policies alike', () => {
    const noNamespacePolicy = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'deny' }, spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] } };
    expect(deny(deployment('web'), noNamespacePolicy)).toEqual([]);
    expect(deny(deployment('web'), both)[0]).toContain('namespace "default" has workloads');
  });

  test('reported once on the Namespace when the set declares it, else on every workload', () => {
    expect(deny(namespace('team-a'), deployment('web', 'team-a'), deployment('api', 'team-a'))).toEqual([
      'Namespace/team-a metadata.name: namespace "team-a" has workloads but no default-deny NetworkPolicy for ingress and egress',
    ]);
    expect(deny(deployment('web', 'team-a'), deployment('api', 'team-a')).map((s) => s.split(' ')[0])).toEqual(['Deployment/web', 'Deployment/api']);
  });

  test('a namespace-wide allow-all rule reopens the direction', () => {
    const allowAll = policy('allow-all-egress', { podSelector: {}, policyTypes: ['Egress'], egress: [{}] });
    expect(deny(deployment('web', 'team-a'), both, allowAll)).toEqual([
      'Deployment/web metadata.namespace: namespace "team-a" is open to all egress through NetworkPolicy "allow-all-egress"',
    ]);
    // An allow-all for selected pods only, or one limited to ports, leaves the namespace isolated.
    const someAllowAll = policy('web-any', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{}] });
    const portOnly = policy('https', { podSelector: {}, ingress: [{ ports: [{ port: 443 }] }] });
    expect(deny(deployment('web', 'team-a'), both, someAllowAll, portOnly)).toEqual([]);
  });

  test('namespaces without workloads, PodTemplates and non-networking kinds named NetworkPolicy are ignored', () => {
    const template = { apiVersion: 'v1', kind: 'PodTemplate', metadata: { name: 't', namespace: 'team-a' }, template: { spec: { containers: [{ name: 'a', image: 'a:1' }] } } };
    expect(deny(namespace('empty'), template)).toEqual([]);
    const fake = { apiVersion: 'example.com/v1', kind: 'NetworkPolicy', metadata: { name: 'deny', namespace: 'team-a' }, spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] } };
    expect(deny(deployment('web', 'team-a'), fake)).toHaveLength(1);
  });

  test('a NetworkPolicy without spec selects every pod and denies ingress (API defaults)', () => {
    const bare = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'bare', namespace: 'team-a' } };
    expect(deny(deployment('web', 'team-a'), bare)).toEqual([
      'Deployment/web metadata.namespace: namespace "team-a" has workloads but no default-deny NetworkPolicy for egress',
    ]);
  });
});

describe('network-allow-all', () => {
  const allow = (spec: unknown) => run('network-allow-all', policy('p', spec)).map((f) => `${f.path}: ${f.message}`);

  test('the "allow all" recipes', () => {
    expect(allow({ podSelector: {}, ingress: [{}], policyTypes: ['Ingress'] })).toEqual(['spec.ingress[0]: ingress rule 0 allows every source on every port']);
    expect(allow({ podSelector: {}, egress: [{}], policyTypes: ['Egress'] })).toEqual(['spec.egress[0]: egress rule 0 allows every destination on every port']);
  });

  test('an element with ports and no peers allows every peer on those ports', () => {
    expect(allow({ podSelector: {}, policyTypes: ['Egress'], egress: [{ ports: [{ protocol: 'UDP', port: 53 }] }] }))
      .toEqual(['spec.egress[0]: egress rule 0 allows every destination on ports [53]']);
  });

  test('/0 blocks and every-namespace selectors, peer by peer', () => {
    expect(allow({
      podSelector: {},
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [{ podSelector: { matchLabels: { app: 'a' } } }, { namespaceSelector: {}, podSelector: {} }] }],
      egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8' } }, { ipBlock: { cidr: '::/0' } }] }],
    })).toEqual([
      'spec.ingress[0].from[1].namespaceSelector: ingress rule 0 allows every pod of every namespace',
      'spec.egress[0].to[1].ipBlock.cidr: egress rule 0 allows ipBlock "::/0"',
    ]);
  });

  test('a namespaceSelector narrowed by labels, or by a pod selector, is fine', () => {
    expect(allow({ podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'a' } } }, { namespaceSelector: {}, podSelector: { matchLabels: { app: 'prometheus' } } }] }] })).toEqual([]);
  });

  test('directions the policy does not take effect for are not judged', () => {
    expect(allow({ podSelector: {}, policyTypes: ['Ingress'], egress: [{}] })).toEqual([]);
    // Without policyTypes, egress rules turn Egress on, so they are judged.
    expect(allow({ podSelector: {}, egress: [{}] })).toHaveLength(1);
  });

  test('a deny-all policy passes, odd input does not throw', () => {
    expect(allow({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] })).toEqual([]);
    expect(allow({ ingress: 'all', egress: [null, 3, { to: 'x' }], policyTypes: ['Ingress', 'Egress'] })).toEqual(['spec.egress[2]: egress rule 2 allows every destination on every port']);
    expect(run('network-allow-all', policy('p', 'nonsense'))).toEqual([]);
  });

  test('a warning', () => {
    expect(NETWORK_RULES.map((r) => `${r.id} ${r.severity}`)).toEqual(['network-default-deny error', 'network-allow-all warning']);
  });
});
