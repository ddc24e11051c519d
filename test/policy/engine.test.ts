import { evaluate, rulesForProfile } from '../../src/catalogue';
import { INVALID_OBJECT_RULE_ID, isFailing, toTarget } from '../../src/policy/engine';
import { ObjectRule, SetRule } from '../../src/policy/rule';
import { parseManifests } from '../../src/input/parse';

const privilegedPod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web', namespace: 'team-a' },
  spec: { containers: [{ name: 'app', image: 'nginx:1.27', securityContext: { privileged: true } }] },
};

const meta = {
  title: 'a rule for engine tests',
  severity: 'error' as const,
  profiles: ['hardened' as const],
  description: 'x',
  remediation: 'Set spec.x.',
  docsUrl: 'https://kubernetes.io/',
};

describe('evaluate', () => {
  test('a finding names the rule, the object, the field path, the message, the fix, file and line', () => {
    const yaml = [
      'apiVersion: v1',
      'kind: Pod',
      'metadata: {name: web, namespace: team-a}',
      'spec:',
      '  containers:',
      '  - name: app',
      '    image: nginx:1.27',
      '    securityContext:',
      '      privileged: true',
    ].join('\n');
    const [finding] = evaluate(parseManifests(yaml, 'web.yaml'), rulesForProfile('pss-baseline'));
    expect(finding).toEqual({
      ruleId: 'pss-baseline-privileged',
      severity: 'error',
      object: { apiVersion: 'v1', kind: 'Pod', namespace: 'team-a', name: 'web' },
      path: 'spec.containers[0].securityContext.privileged',
      message: 'container "app" sets securityContext.privileged to true',
      remediation: 'Remove securityContext.privileged from the container or set it to false.',
      file: 'web.yaml',
      line: 9,
      suppressed: false,
    });
  });

  test('a rule that throws is reported as an error finding on the object, never a silent pass', () => {
    const broken: ObjectRule = { ...meta, id: 'broken', scope: 'object', check: () => { throw new Error('boom'); } };
    const findings = evaluate([{ object: privilegedPod }], [broken]);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ ruleId: 'broken', severity: 'error', path: '' });
    expect(findings[0].message).toContain('failed on this object (boom)');
    expect(isFailing(findings[0])).toBe(true);
  });

  test('a set rule sees every object and reports against the one it names', () => {
    const second: SetRule = {
      ...meta,
      id: 'second',
      scope: 'set',
      checkSet: (targets) => [{ index: targets.length - 1, path: ['metadata', 'name'], message: `saw ${targets.length} objects` }],
    };
    const other = { ...privilegedPod, metadata: { name: 'other' } };
    const findings = evaluate([{ object: privilegedPod }, { object: other }], [second]);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ ruleId: 'second', message: 'saw 2 objects', object: { name: 'other' }, path: 'metadata.name' });
  });

  test('values that are not Kubernetes objects get an invalid-object finding', () => {
    const findings = evaluate([{ object: 'just a string' }, { object: { kind: 'Pod' } }], rulesForProfile('pss-restricted'));
    expect(findings.map((f) => f.ruleId)).toEqual([INVALID_OBJECT_RULE_ID, INVALID_OBJECT_RULE_ID]);
  });

  test('findings come out by object, then in catalogue order, deterministically', () => {
    const pod = {
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' },
      spec: { hostPID: true, containers: [{ name: 'c', image: 'x:1', securityContext: { privileged: true } }] },
    };
    const a = evaluate([{ object: pod }, { object: privilegedPod }], rulesForProfile('pss-restricted'));
    const b = evaluate([{ object: pod }, { object: privilegedPod }], rulesForProfile('pss-restricted'));
    expect(a).toEqual(b);
    const firstWeb = a.findIndex((f) => f.object.name === 'web');
    expect(firstWeb).toBeGreaterThan(0);
    expect(a.slice(0, firstWeb).every((f) => f.object.name === 'p')).toBe(true);
    expect(a.slice(firstWeb).every((f) => f.object.name === 'web')).toBe(true);
    const ids = a.filter((f) => f.object.name === 'p').map((f) => f.ruleId);
    expect(ids.indexOf('pss-baseline-host-namespaces')).toBeLessThan(ids.indexOf('pss-baseline-privileged'));
  });

  test('toTarget memoises pod views and names objects', () => {
    const target = toTarget(privilegedPod)!;
    expect(target.pods).toBe(target.pods);
    expect(target).toMatchObject({ kind: 'Pod', name: 'web', namespace: 'team-a' });
    expect(toTarget([])).toBeUndefined();
  });
});
