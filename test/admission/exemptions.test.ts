import { readFileSync, writeFileSync } from 'fs';
import { join } from 'path';
import { AdmissionObject, exemptionExpression, generateAdmissionPolicies } from '../../src/admission/generate';
import { cli, scratch } from '../cli/helpers';
import { admit, bindingSelects } from './harness';

const tmp = scratch();
afterEach(() => tmp.cleanup());

const RULE = 'pss-baseline-host-namespaces';

function hostPod(name: string, namespace: string, owner?: { kind: string; name: string }): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, ...(owner ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: owner.kind, name: owner.name, uid: 'u', controller: true }] } : {}) },
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

  test('a Deployment exemption covers its ReplicaSets and their Pods by name, not another Deployment\'s', () => {
    const objects = generateAdmissionPolicies({ profile: 'pss-baseline', exemptions: [{ rule: RULE, namespace: 'shop', kind: 'Deployment', name: 'web' }] });
    expect(outcome(objects, hostPod('web-5d8f7c9b4-abcde', 'shop', { kind: 'ReplicaSet', name: 'web-5d8f7c9b4' }))).toBe('skipped');
    expect(outcome(objects, hostPod('web-api-5d8f7c9b4-abcde', 'shop', { kind: 'ReplicaSet', name: 'web-api-5d8f7c9b4' }))).toBe('denied');
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
