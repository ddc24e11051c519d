import { evaluate } from '../../../src/catalogue';
import { API_RULES } from '../../../src/policy/rules/api';
import { findRemoval, REMOVED_APIS } from '../../../src/policy/rules/api/removed';

function run(id: string, object: unknown) {
  return evaluate([{ object }], API_RULES.filter((r) => r.id === id)).filter((f) => f.ruleId === id);
}

describe('api-removed', () => {
  const pairs = REMOVED_APIS.flatMap((r) => r.kinds.map((kind) => [r.apiVersion, kind, r.removedIn, r.replacement] as const));

  test('the table holds every pair the Deprecated API Migration Guide removes at or before 1.28', () => {
    expect(pairs).toHaveLength(46);
    expect(new Set(pairs.map(([v, k]) => `${v} ${k}`)).size).toBe(pairs.length);
    expect(new Set(REMOVED_APIS.map((r) => r.removedIn))).toEqual(new Set(['1.16', '1.22', '1.25', '1.26', '1.27']));
  });

  test.each(pairs)('%s %s (removed in %s) is reported with its replacement %s', (apiVersion, kind, removedIn, replacement) => {
    const findings = run('api-removed', { apiVersion, kind, metadata: { name: 'x', namespace: 'a' } });
    expect(findings).toHaveLength(1);
    expect(findings[0].path).toBe('apiVersion');
    expect(findings[0].message).toContain(`removed in Kubernetes ${removedIn}`);
    expect(findings[0].message).toContain(replacement);
    expect(findings[0].remediation).toContain(replacement);
  });

  test.each([
    ['apps/v1', 'Deployment'],
    ['networking.k8s.io/v1', 'Ingress'],
    ['batch/v1', 'CronJob'],
    ['policy/v1', 'PodDisruptionBudget'],
    ['autoscaling/v2', 'HorizontalPodAutoscaler'],
    ['autoscaling/v1', 'HorizontalPodAutoscaler'],
    // v1beta1 versions that 1.28 serves for other kinds
    ['admissionregistration.k8s.io/v1beta1', 'ValidatingAdmissionPolicy'],
    ['admissionregistration.k8s.io/v1beta1', 'ValidatingAdmissionPolicyBinding'],
    ['authentication.k8s.io/v1beta1', 'SelfSubjectReview'],
    // removed only in 1.29
    ['flowcontrol.apiserver.k8s.io/v1beta2', 'FlowSchema'],
    ['flowcontrol.apiserver.k8s.io/v1beta3', 'PriorityLevelConfiguration'],
    ['storage.k8s.io/v1', 'CSIStorageCapacity'],
    ['example.com/v1beta1', 'Ingress'],
  ])('%s %s is served by 1.28', (apiVersion, kind) => {
    expect(findRemoval(apiVersion, kind)).toBeUndefined();
    expect(run('api-removed', { apiVersion, kind, metadata: { name: 'x' } })).toEqual([]);
  });

  test('PodSecurityPolicy points at Pod Security Admission, not at another API', () => {
    const [finding] = run('api-removed', { apiVersion: 'policy/v1beta1', kind: 'PodSecurityPolicy', metadata: { name: 'x' } });
    expect(finding.message).toBe('apiVersion "policy/v1beta1" of PodSecurityPolicy was removed in Kubernetes 1.25 (replacement: Pod Security Admission)');
    expect(finding.remediation).toContain('pod-security.kubernetes.io/enforce');
  });
});

describe('api-secret-data', () => {
  const secret = (extra: Record<string, unknown>) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'a' }, ...extra });

  test.each([
    [{}, []],
    [{ data: {} }, []],
    [{ stringData: {} }, []],
    [{ data: null }, []],
    [{ data: { a: 'YQ==' } }, ['data']],
    [{ stringData: { a: 'a' } }, ['stringData']],
    [{ data: { a: 'YQ==' }, stringData: { b: 'b' } }, ['data', 'stringData']],
  ])('%j -> %j', (extra, paths) => {
    expect(run('api-secret-data', secret(extra)).map((f) => f.path)).toEqual(paths);
  });

  test('names keys, never values', () => {
    const [finding] = run('api-secret-data', secret({ stringData: { password: 'hunter2' } }));
    expect(finding.message).toBe('secret sets stringData for key "password"');
    expect(JSON.stringify(finding)).not.toContain('hunter2');
  });

  test('only core v1 Secrets are judged (SealedSecret, ExternalSecret pass)', () => {
    expect(run('api-secret-data', { apiVersion: 'bitnami.com/v1alpha1', kind: 'SealedSecret', metadata: { name: 's' }, spec: { encryptedData: { a: 'x' } } })).toEqual([]);
    expect(run('api-secret-data', { apiVersion: 'example.com/v1', kind: 'Secret', metadata: { name: 's' }, data: { a: 'x' } })).toEqual([]);
  });
});

describe('api-secret-data', () => {
  const secret = (data: Record<string, unknown>) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'a' }, data });

  test('empty values are placeholders, not secrets; only keys with a value are named', () => {
    expect(run('api-secret-data', secret({ csrf: '' }))).toEqual([]);
    expect(run('api-secret-data', secret({ csrf: '', blank: '  ' }))).toEqual([]);
    expect(run('api-secret-data', secret({ csrf: '', key: 'c2VjcmV0' })).map((f) => f.message)).toEqual(['secret sets data for key "key"']);
  });
});
