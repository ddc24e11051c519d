import { readFileSync, writeFileSync } from 'fs';
import { join } from 'path';
import { AdmissionObject, exemptionExpression, generateAdmissionPolicies } from '../../src/admission/generate';
import { cli, scratch } from '../cli/helpers';
import { admit, bindingSelects } from './harness';

const tmp = scratch();
afterEach(() => tmp.cleanup());

const RULE = 'pss-baseline-host-namespaces';

function hostPod(name: string, namespace: string, owner?: { kind: string; name: string; apiVersion?: string; controller?: boolean }, labels?: Record<string, string>): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name, namespace, ...(labels ? { labels } : {}),
      ...(owner ? { ownerReferences: [{ apiVersion: owner.apiVersion ?? 'apps/v1', kind: owner.kind, name: owner.name, uid: 'u', ...(owner.controller === false ? {} : { controller: true }) }] } : {}),
    },
    spec: { hostNetwork: true, containers: [{ name: 'c', image: 'c:1' }] },
  };
}

function daemonSet(name: string, namespace: string): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name, namespace },
    spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { hostNetwork: true, containers: [{ name: 'c', image: 'c:1' }] } } },
  };
}

function policyAndBinding(objects: AdmissionObject[]): { policy: AdmissionObject; binding: AdmissionObject } {
  const named = objects.filter((o) => o.metadata.annotations['cdk8s-hardened.io/rule'] === RULE);
  return { policy: named.find((o) => o.kind === 'ValidatingAdmissionPolicy')!, binding: named.find((o) => o.kind === 'ValidatingAdmissionPolicyBinding')! };
}

/** What the cluster does with the request: skipped by the binding's namespaces or a match condition, admitted, or denied. */
function outcome(objects: AdmissionObject[], object: Record<string, unknown>): string {
  const { policy, binding } = policyAndBinding(objects);
  const request = { object, namespace: String((object.metadata as { namespace: string }).namespace) };
  if (!bindingSelects(binding, request)) {
    return 'namespace excluded';
  }
  return admit(policy, request).outcome;
}

describe('admission: exemptions of the configuration, so the cluster and CI agree', () => {
  test('a namespace-only exemption excludes the namespace from that rule\'s binding only', () => {
    const objects = generateAdmissionPolicies({ profile: 'pss-baseline', exemptions: [{ rule: RULE, namespace: 'monitoring' }] });
    expect(outcome(objects, hostPod('x', 'monitoring'))).toBe('namespace excluded');
    expect(outcome(objects, hostPod('x', 'shop'))).toBe('denied');
    const privileged = objects.find((o) => o.kind === 'ValidatingAdmissionPolicyBinding' && o.metadata.annotations['cdk8s-hardened.io/rule'] === 'pss-baseline-privileged')!;
    expect(JSON.stringify(privileged.spec)).not.toContain('monitoring');
  });

  test('a kind + name exemption skips the workload and the Pods its controller creates, nothing else', () => {
    const objects = generateAdmissionPolicies({ profile: 'pss-baseline', exemptions: [{ rule: RULE, namespace: 'monitoring', kind: 'DaemonSet', name: 'node-exporter' }] });
    expect(outcome(objects, daemonSet('node-exporter', 'monitoring'))).toBe('skipped');
    expect(outcome(objects, hostPod('node-exporter-7xk2p', 'monitoring', { kind: 'DaemonSet', name: 'node-exporter' }))).toBe('skipped');
    expect(outcome(objects, daemonSet('other', 'monitoring'))).toBe('denied');
    expect(outcome(objects, daemonSet('node-exporter', 'shop'))).toBe('denied');
    expect(outcome(objects, hostPod('node-exporter', 'monitoring'))).toBe('denied');
    expect(outcome(objects, hostPod('y', 'monitoring', { kind: 'DaemonSet', name: 'other' }))).toBe('denied');
  });

  test('a Deployment exemption covers its ReplicaSets (by owner reference) and their Pods (owner `<name>-<pod-template-hash>`), nothing else', () => {
    const objects = generateAdmissionPolicies({ profile: 'pss-baseline', exemptions: [{ rule: RULE, namespace: 'shop', kind: 'Deployment', name: 'web' }] });
    const hash = { 'app': 'web', 'pod-template-hash': '5d8f7c9b4' };
    expect(outcome(objects, hostPod('web-5d8f7c9b4-abcde', 'shop', { kind: 'ReplicaSet', name: 'web-5d8f7c9b4' }, hash))).toBe('skipped');
    expect(outcome(objects, hostPod('web-api-5d8f7c9b4-abcde', 'shop', { kind: 'ReplicaSet', name: 'web-api-5d8f7c9b4' }, hash))).toBe('denied');
    // An unrelated ReplicaSet `web-abc` (not the Deployment's: its Pods carry no pod-template-hash, or another one).
    expect(outcome(objects, hostPod('web-abc-x1', 'shop', { kind: 'ReplicaSet', name: 'web-abc' }))).toBe('denied');
    expect(outcome(objects, hostPod('web-abc-x1', 'shop', { kind: 'ReplicaSet', name: 'web-abc' }, hash))).toBe('denied');
    // Only a controller reference of apps/v1 counts.
    expect(outcome(objects, hostPod('web-5d8f7c9b4-abcde', 'shop', { kind: 'ReplicaSet', name: 'web-5d8f7c9b4', controller: false }, hash))).toBe('denied');
    expect(outcome(objects, hostPod('web-5d8f7c9b4-abcde', 'shop', { kind: 'ReplicaSet', name: 'web-5d8f7c9b4', apiVersion: 'example.com/v1' }, hash))).toBe('denied');
    // The ReplicaSets: by their controller reference to the Deployment, whatever their name.
    const rs = (name: string, owner?: string) => ({
      apiVersion: 'apps/v1', kind: 'ReplicaSet',
      metadata: { name, namespace: 'shop', ...(owner ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: owner, uid: 'u', controller: true }] } : {}) },
      spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { hostNetwork: true, containers: [{ name: 'c', image: 'c:1' }] } } },
    });
    expect(outcome(objects, rs('web-5d8f7c9b4', 'web'))).toBe('skipped');
    expect(outcome(objects, rs('web-abc'))).toBe('denied');
    expect(outcome(objects, rs('web-abc', 'web-abc'))).toBe('denied');
  });

  test('a Pod exemption is the object alone (Pods own nothing)', () => {
    expect(exemptionExpression({ rule: RULE, kind: 'Pod', name: 'a.b' })).toBe("(object.kind == 'Pod' && (has(object.metadata.name) ? object.metadata.name : '') == 'a.b')");
  });

  test('rules.severity of the configuration: a rule demoted to warning warns instead of denying', async () => {
    const dir = tmp.dir();
    writeFileSync(join(dir, '.cdk8s-hardened.yaml'), `profile: pss-baseline\nrules:\n  severity:\n    ${RULE}: warning\n`);
    const result = await cli(['admission', '--output', join(dir, 'out.yaml')], { cwd: dir });
    expect(result.code).toBe(0);
    const text = readFileSync(join(dir, 'out.yaml'), 'utf8');
    const binding = text.split('\n---\n').find((d) => d.includes('kind: ValidatingAdmissionPolicyBinding') && d.includes(`name: cdk8s-hardened-${RULE}\n`))!;
    expect(binding).toMatch(/validationActions:\n\s+- Warn\n/);
    const other = text.split('\n---\n').find((d) => d.includes('kind: ValidatingAdmissionPolicyBinding') && d.includes('name: cdk8s-hardened-pss-baseline-privileged\n'))!;
    expect(other).toMatch(/validationActions:\n\s+- Deny\n/);
  });

  test('the admission command reads the configuration: profile, rules.exclude and exemptions', async () => {
    const dir = tmp.dir();
    const file = join(dir, '.cdk8s-hardened.yaml');
    writeFileSync(file, [
      'profile: pss-baseline',
      'rules:',
      '  exclude: [pss-baseline-sysctls]',
      'exemptions:',
      `  - rule: ${RULE}`,
      '    namespace: monitoring',
      '    reason: node exporter reads host network metrics',
      '',
    ].join('\n'));
    const result = await cli(['admission'], { cwd: dir });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('cdk8s-hardened-pss-baseline-privileged');
    expect(result.stdout).not.toContain('cdk8s-hardened-pss-baseline-sysctls');
    expect(result.stdout).not.toContain('pss-restricted');
    expect(result.stdout).toMatch(/name: cdk8s-hardened-pss-baseline-host-namespaces\n[\s\S]*?values:\n\s+- kube-system\n\s+- monitoring\n/);
  });
});
