import { readFileSync, writeFileSync } from 'fs';
import { join } from 'path';
import * as fc from 'fast-check';
import { AdmissionExemption, AdmissionObject, exemptionExpression, generateAdmissionPolicies } from '../../src/admission/generate';
import { evaluate } from '../../src/catalogue';
import { OWNED } from '../../src/policy/owners';
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

  test('check and audit skip what the cluster skips: an exemption covers the objects the admission policy exempts, and no other', () => {
    // A Pod of Deployment `web` as `audit` judges it (its template differs from the Deployment's), and look-alikes.
    const exemptions = [{ ruleId: RULE, reason: 'r', namespace: 'shop', kind: 'Deployment', name: 'web' }];
    const hash = { 'app': 'web', 'pod-template-hash': '5d8f7c9b4' };
    const suppressed = (object: Record<string, unknown>) => evaluate([{ object }], 'pss-baseline', { exemptions })
      .filter((f) => f.ruleId === RULE).map((f) => f.suppressed === true);
    expect(suppressed(hostPod('web-5d8f7c9b4-abcde', 'shop', { kind: 'ReplicaSet', name: 'web-5d8f7c9b4' }, hash))).toEqual([true]);
    expect(suppressed(hostPod('web-5d8f7c9b4-abcde', 'other', { kind: 'ReplicaSet', name: 'web-5d8f7c9b4' }, hash))).toEqual([false]);
    expect(suppressed(hostPod('web-abc-x1', 'shop', { kind: 'ReplicaSet', name: 'web-abc' }, hash))).toEqual([false]);
    expect(suppressed(hostPod('web-5d8f7c9b4-abcde', 'shop', { kind: 'ReplicaSet', name: 'web-5d8f7c9b4', controller: false }, hash))).toEqual([false]);
    // A code suppression (HardenOptions.suppressions) selects the object itself only: admission never sees it.
    expect(evaluate([{ object: hostPod('web-5d8f7c9b4-abcde', 'shop', { kind: 'ReplicaSet', name: 'web-5d8f7c9b4' }, hash) }], 'pss-baseline',
      { suppressions: exemptions }).filter((f) => f.ruleId === RULE).map((f) => f.suppressed === true)).toEqual([false]);
  });

  test('property: for any exemption and object, the engine suppresses the finding exactly when the admission policy skips the object', () => {
    const workloadKinds = ['Deployment', 'CronJob', 'DaemonSet', 'StatefulSet', 'ReplicaSet', 'ReplicationController', 'Job', 'Pod'];
    const names = ['web', 'web-api', 'a.b'];
    const objectNames = ['web', 'web-api', 'a.b', 'web-5d8f7c9b4', 'web-5d8f7c9b4-abcde', 'web-api-5d8f7c9b4', 'web-28000000', 'a.b-28000000', 'axb-28000000', 'web-x'];
    const ownerRef = fc.record({
      apiVersion: fc.constantFrom('apps/v1', 'batch/v1', 'v1', 'example.com/v1'),
      kind: fc.constantFrom('ReplicaSet', 'Deployment', 'Job', 'CronJob', 'DaemonSet', 'StatefulSet', 'ReplicationController'),
      name: fc.constantFrom(...objectNames),
      uid: fc.constant('u'),
      controller: fc.option(fc.boolean(), { nil: undefined }),
    }).map((r) => (r.controller === undefined ? { apiVersion: r.apiVersion, kind: r.kind, name: r.name, uid: r.uid } : r));
    const exemption = fc.record({
      kind: fc.option(fc.constantFrom(...workloadKinds), { nil: undefined }),
      name: fc.option(fc.constantFrom(...names), { nil: undefined }),
      namespace: fc.option(fc.constantFrom('shop', 'other'), { nil: undefined }),
    }).filter((e) => e.kind !== undefined || e.name !== undefined || e.namespace !== undefined);
    const podSpec = { hostNetwork: true, containers: [{ name: 'c', image: 'c:1' }] };
    const shape = (kind: string, name: string, namespace: string, hash: string | undefined, owners: unknown[]): Record<string, unknown> => {
      const apiVersion = ({ Pod: 'v1', ReplicationController: 'v1', Job: 'batch/v1', CronJob: 'batch/v1' } as Record<string, string>)[kind] ?? 'apps/v1';
      const template = { metadata: { labels: { a: 'b' } }, spec: podSpec };
      const spec = kind === 'Pod' ? podSpec
        : kind === 'CronJob' ? { schedule: '* * * * *', jobTemplate: { spec: { template: { ...template, spec: { ...podSpec, restartPolicy: 'Never' } } } } }
          : kind === 'Job' ? { template: { ...template, spec: { ...podSpec, restartPolicy: 'Never' } } }
            : { selector: { matchLabels: { a: 'b' } }, template, ...(kind === 'StatefulSet' ? { serviceName: 's' } : {}) };
      return {
        apiVersion, kind,
        metadata: { name, namespace, ...(hash !== undefined ? { labels: { 'pod-template-hash': hash } } : {}), ...(owners.length ? { ownerReferences: owners } : {}) },
        spec,
      };
    };
    const anyObject = fc.record({
      kind: fc.constantFrom(...workloadKinds),
      name: fc.constantFrom(...objectNames),
      namespace: fc.constantFrom('shop', 'other'),
      hash: fc.option(fc.constantFrom('5d8f7c9b4', 'ABC', 'x-y'), { nil: undefined }),
      owners: fc.array(ownerRef, { maxLength: 2 }),
    }).map(({ kind, name, namespace, hash, owners }) => shape(kind, name, namespace, hash, owners));
    // What a workload's controller creates (as the Deployment, CronJob, ... controllers name and label it), under
    // an exemption of that workload, then one near miss of it: another owner apiVersion, kind or a look-alike name,
    // no controller flag, no or a bad hash label, another kind of object, another namespace.
    // The table the engine and the CEL both read, so every kind a workload's controller creates is generated (the
    // property compares the two deciders; the table itself is pinned by the hand-written cases above).
    const table = OWNED;
    const lookAlikes = { 'pod-template-hash': ['-5d8f7c9b5', 'x-5d8f7c9b4', '-5d8f7c9b4-x'], schedule: ['-', '-28x', 'x-28000000'], direct: ['-x', 'x', '-1'] };
    const created = fc.record({
      workload: fc.constantFrom('Deployment', 'Deployment', 'CronJob', 'CronJob', 'DaemonSet', 'StatefulSet', 'ReplicaSet', 'Job', 'ReplicationController'),
      name: fc.option(fc.constantFrom(...names), { nil: undefined, freq: 4 }),
      namespace: fc.option(fc.constantFrom('shop', 'other'), { nil: undefined }),
      owned: fc.nat(1),
      mutation: fc.option(fc.constantFrom('apiVersion', 'ownerKind', 'ownerName', 'controller', 'hash', 'badHash', 'kind', 'namespace'), { nil: undefined, freq: 2 }),
      lookAlike: fc.nat(2),
    }).map(({ workload, name, namespace, owned, mutation, lookAlike }): [Record<string, string | undefined>, Record<string, unknown>] => {
      const entry = table[workload][owned % table[workload].length];
      const base = name ?? 'web';
      const ownerName = mutation === 'ownerName' ? `${base}${lookAlikes[entry.via ?? 'direct'][lookAlike]}`
        : entry.via === 'pod-template-hash' ? `${base}-5d8f7c9b4` : entry.via === 'schedule' ? `${base}-28000000` : base;
      const ref = {
        apiVersion: mutation === 'apiVersion' ? 'example.com/v1' : entry.ownerApiVersion,
        kind: mutation === 'ownerKind' ? (entry.owner === 'ReplicaSet' ? 'Deployment' : 'ReplicaSet') : entry.owner,
        name: ownerName, uid: 'u', ...(mutation === 'controller' ? {} : { controller: true }),
      };
      const hash = mutation === 'hash' ? undefined : mutation === 'badHash' ? 'Bad' : '5d8f7c9b4';
      const kind = mutation === 'kind' ? (entry.kind === 'Pod' ? 'ReplicaSet' : 'Pod') : entry.kind;
      const e = { kind: workload, ...(name !== undefined ? { name } : {}), ...(namespace !== undefined ? { namespace } : {}) };
      return [e, shape(kind, `${ownerName}-abcde`, mutation === 'namespace' ? 'elsewhere' : namespace ?? 'shop', hash, [ref])];
    });
    const pair = fc.oneof(exemption.chain((e) => fc.tuple(fc.constant(e), anyObject)), created);
    let skipped = 0;
    let owned = 0;
    fc.assert(fc.property(pair, ([e, o]) => {
      const admission: AdmissionExemption = { rule: RULE, ...e };
      const cluster = outcome(generateAdmissionPolicies({ profile: 'pss-baseline', exemptions: [admission] }), o);
      expect(['skipped', 'namespace excluded', 'denied']).toContain(cluster);
      const findings = evaluate([{ object: o }], 'pss-baseline', { exemptions: [{ ruleId: RULE, reason: 'r', ...e }] }).filter((f) => f.ruleId === RULE);
      expect(findings.length).toBeGreaterThan(0);
      const engine = findings.every((f) => f.suppressed === true);
      expect({ exemption: e, engine }).toEqual({ exemption: e, engine: cluster !== 'denied' });
      skipped += engine ? 1 : 0;
      owned += engine && e.kind !== undefined && e.kind !== o.kind ? 1 : 0;
    }), { numRuns: 2000 });
    // The generators reach both verdicts, and objects covered through their controller, often enough to mean something.
    expect(skipped).toBeGreaterThan(40);
    expect(owned).toBeGreaterThan(10);
  });
});
