import { Testing } from 'cdk8s';
import { LeastPrivilegeRole, RbacRisk, rbacRisks, RoleRule, SecureDeployment } from '../../src/constructs';
import { SUPPRESSION_ANNOTATION_PREFIX } from '../../src/policy/suppressions';
import { container, findings, hardenedChart, json, only, problems, synth } from './support';

const READ_PODS: RoleRule = { apiGroup: '', resource: 'pods', verbs: ['get', 'list', 'watch'] };

describe('LeastPrivilegeRole', () => {
  test('Role and RoleBinding to a workload\'s ServiceAccount, named explicitly', () => {
    const { app, chart } = hardenedChart();
    const api = new SecureDeployment(chart, 'api', { containers: [container()] });
    const role = new LeastPrivilegeRole(chart, 'pod-reader', { rules: [READ_PODS, { apiGroup: '', resource: 'configmaps', verbs: ['get'], resourceNames: ['api-config'] }], subjects: [api] });
    const objects = synth(chart);
    expect(only(objects, 'Role', 'pod-reader')).toEqual({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'pod-reader', namespace: 'team-a' },
      rules: [
        { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] },
        { apiGroups: [''], resources: ['configmaps'], verbs: ['get'], resourceNames: ['api-config'] },
      ],
    });
    expect(only(objects, 'RoleBinding', 'pod-reader')).toEqual({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'pod-reader', namespace: 'team-a' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'pod-reader' },
      subjects: [{ kind: 'ServiceAccount', name: 'api', namespace: 'team-a' }],
    });
    role.bind({ kind: 'Group', name: 'team-a-oncall' });
    expect(json(role.binding!).subjects).toEqual([
      { kind: 'ServiceAccount', name: 'api', namespace: 'team-a' },
      { apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'team-a-oncall' },
    ]);
    expect(problems(app)).toEqual([]);
  });

  /** [risk, rule, ClusterRole?]: cluster-scoped grants only count in a ClusterRole (in a Role they grant nothing). */
  const RISKY: Array<[RbacRisk, RoleRule, boolean]> = [
    ['rbac-wildcard', { apiGroup: '', resource: 'configmaps', verbs: ['*'] }, false],
    ['rbac-wildcard', { apiGroup: 'apps', resource: '*', verbs: ['get'] }, false],
    ['rbac-escalate', { apiGroup: 'rbac.authorization.k8s.io', resource: 'roles', verbs: ['escalate'] }, false],
    ['rbac-bind', { apiGroup: 'rbac.authorization.k8s.io', resource: 'clusterroles', verbs: ['bind'] }, false],
    ['rbac-impersonate', { apiGroup: '', resource: 'serviceaccounts', verbs: ['impersonate'] }, false],
    ['rbac-impersonate', { apiGroup: '', resource: 'users', verbs: ['impersonate'] }, true],
    ['rbac-secrets-read', { apiGroup: '', resource: 'secrets', verbs: ['list'] }, false],
    ['rbac-pods-exec-attach', { apiGroup: '', resource: 'pods/exec', verbs: ['create'] }, false],
    ['rbac-pods-exec-attach', { apiGroup: '', resource: 'pods/attach', verbs: ['get'] }, false],
    ['rbac-pods-exec-attach', { apiGroup: '', resource: 'pods/ephemeralcontainers', verbs: ['patch'] }, false],
    ['rbac-pods-portforward', { apiGroup: '', resource: 'pods/portforward', verbs: ['create'] }, false],
    ['rbac-pods-portforward', { apiGroup: '', resource: 'services/proxy', verbs: ['get'] }, false],
    ['rbac-nodes-proxy', { apiGroup: '', resource: 'nodes/proxy', verbs: ['get'] }, true],
    ['rbac-sa-token-create', { apiGroup: '', resource: 'serviceaccounts/token', verbs: ['create'] }, false],
    ['rbac-workload-create', { apiGroup: '', resource: 'pods', verbs: ['create'] }, false],
    ['rbac-workload-create', { apiGroup: 'batch', resource: 'cronjobs', verbs: ['create'] }, false],
    ['rbac-workload-create', { apiGroup: 'apps', resource: 'deployments', verbs: ['patch'] }, false],
    ['rbac-csr-approval', { apiGroup: 'certificates.k8s.io', resource: 'certificatesigningrequests/approval', verbs: ['update'] }, true],
    ['rbac-csr-approval', { apiGroup: 'certificates.k8s.io', resource: 'signers', verbs: ['approve'] }, true],
    ['rbac-webhook-config-write', { apiGroup: 'admissionregistration.k8s.io', resource: 'validatingwebhookconfigurations', verbs: ['patch'] }, true],
    ['rbac-namespace-modify', { apiGroup: '', resource: 'namespaces', verbs: ['patch'] }, false],
    ['rbac-pv-create', { apiGroup: '', resource: 'persistentvolumes', verbs: ['create'] }, true],
  ];

  test.each(RISKY)('refuses %s (%j, ClusterRole %s) unless accepted with a reason', (risk, rule, clusterRole) => {
    const { app, chart } = hardenedChart();
    expect(rbacRisks([rule], { clusterRole }).map((r) => r.risk)).toContain(risk);
    expect(() => new LeastPrivilegeRole(chart, 'r', { rules: [rule], clusterRole }))
      .toThrow(new RegExp(`^LeastPrivilegeRole "r": rules\\[0\\] .*\\(${risk}\\): .*acceptRisks: \\[\\{ risk: '${risk}'`));

    const acceptRisks = [...new Set(rbacRisks([rule], { clusterRole }).map((r) => r.risk))].map((r) => ({ risk: r, reason: `ticket OPS-1234 requires ${r}` }));
    const role = new LeastPrivilegeRole(chart, 'accepted', { rules: [rule], clusterRole, acceptRisks });
    const annotations = json(role.apiObject).metadata.annotations;
    expect(annotations[`${SUPPRESSION_ANNOTATION_PREFIX}${risk}`]).toBe(`ticket OPS-1234 requires ${risk}`);
    // The accepted grant passes synth: the rbac rules' findings are suppressed with the written reason.
    expect(findings(app).filter((f) => f.severity === 'error' && !f.suppressed)).toEqual([]);
    expect(findings(app).filter((f) => f.constructPath === 'c/accepted/Resource' && f.ruleId === risk).every((f) => f.suppressed)).toBe(true);
  });

  test('a role granting */*/* is cluster-admin: binding it needs its own accepted risk, written on the binding', () => {
    const { app, chart } = hardenedChart();
    const all: RoleRule = { apiGroup: '*', resource: '*', verbs: ['*'] };
    const risks = [...new Set(rbacRisks([all]).map((r) => r.risk))];
    expect(risks).toContain('rbac-cluster-admin-binding');
    const acceptRisks = risks.map((risk) => ({ risk, reason: `break-glass role approved in SEC-7 (${risk})` }));
    expect(() => new LeastPrivilegeRole(chart, 'partial', { rules: [all], acceptRisks: acceptRisks.filter((a) => a.risk !== 'rbac-cluster-admin-binding') }))
      .toThrow(/\(rbac-cluster-admin-binding\)/);
    const role = new LeastPrivilegeRole(chart, 'break-glass', { rules: [all], acceptRisks, subjects: [{ kind: 'Group', name: 'sre-oncall' }] });
    expect(json(role.binding!).metadata.annotations).toEqual({
      [`${SUPPRESSION_ANNOTATION_PREFIX}rbac-cluster-admin-binding`]: 'break-glass role approved in SEC-7 (rbac-cluster-admin-binding)',
    });
    expect(json(role.apiObject).metadata.annotations[`${SUPPRESSION_ANNOTATION_PREFIX}rbac-cluster-admin-binding`]).toBeUndefined();
    expect(findings(app).filter((f) => f.severity === 'error' && !f.suppressed)).toEqual([]);
  });

  test('a ClusterRoleBinding of namespaced-only rules is refused (a RoleBinding would do)', () => {
    const { chart } = hardenedChart();
    expect(() => new LeastPrivilegeRole(chart, 'r', { clusterRole: true, clusterWideBinding: true, rules: [READ_PODS] }))
      .toThrow(/LeastPrivilegeRole "r": clusterWideBinding binds with a ClusterRoleBinding .*\(rbac-cluster-scope\): drop clusterWideBinding/);
  });

  test('construction and synth agree: a cluster-scoped grant in a namespaced Role grants nothing and is not refused', () => {
    expect(rbacRisks([{ apiGroup: '', resource: 'nodes/proxy', verbs: ['get'] }])).toEqual([]);
    expect(rbacRisks([{ apiGroup: '', resource: 'nodes/proxy', verbs: ['get'] }], { clusterRole: true }).map((r) => r.risk)).toEqual(['rbac-nodes-proxy']);
  });

  test('a wildcard verb also counts as every risky verb it covers', () => {
    expect(rbacRisks([{ apiGroup: '', resource: 'secrets', verbs: ['*'] }]).map((r) => r.risk)).toEqual(['rbac-wildcard', 'rbac-secrets-read']);
    expect(rbacRisks([{ apiGroup: '', resource: '*/exec', verbs: ['create'] }]).map((r) => r.risk)).toEqual(['rbac-wildcard', 'rbac-pods-exec-attach']);
    expect(rbacRisks([READ_PODS, { apiGroup: '', resource: 'configmaps', verbs: ['get', 'update', 'patch'] }])).toEqual([]);
  });

  test('an acceptance no rule needs is refused', () => {
    const chart = Testing.chart();
    expect(() => new LeastPrivilegeRole(chart, 'r', { namespace: 'x', rules: [READ_PODS], acceptRisks: [{ risk: 'rbac-bind', reason: 'just in case we need it' }] }))
      .toThrow(/acceptRisks lists rbac-bind, but no rule needs it/);
    expect(() => new LeastPrivilegeRole(chart, 's', { namespace: 'x', rules: [{ apiGroup: '', resource: 'secrets', verbs: ['get'] }], acceptRisks: [{ risk: 'rbac-secrets-read', reason: 'short' }] }))
      .toThrow(/reason shorter than 10 letters or digits/);
  });

  test('subjects: default ServiceAccount and system groups are refused', () => {
    const chart = Testing.chart();
    expect(() => new LeastPrivilegeRole(chart, 'a', { namespace: 'x', rules: [READ_PODS], subjects: [{ kind: 'ServiceAccount', name: 'default' }] }))
      .toThrow(/"default" ServiceAccount/);
    expect(() => new LeastPrivilegeRole(chart, 'b', { namespace: 'x', rules: [READ_PODS], subjects: [{ kind: 'Group', name: 'system:authenticated' }] }))
      .toThrow(/system group "system:authenticated"/);
    expect(() => new LeastPrivilegeRole(chart, 'c', { namespace: 'x', rules: [READ_PODS], subjects: [{ kind: 'User', name: 'system:anonymous' }] }))
      .toThrow(/system:anonymous/);
  });

  test('ClusterRole only by option; bound per namespace unless clusterWideBinding', () => {
    const chart = Testing.chart();
    const scoped = new LeastPrivilegeRole(chart, 'node-reader', {
      namespace: 'ops', clusterRole: true, rules: [{ apiGroup: '', resource: 'nodes', verbs: ['get', 'list'] }],
      subjects: [{ kind: 'ServiceAccount', name: 'agent' }],
    });
    expect(json(scoped.apiObject)).toMatchObject({ kind: 'ClusterRole', metadata: { name: 'node-reader' } });
    expect(json(scoped.apiObject).metadata.namespace).toBeUndefined();
    expect(json(scoped.binding!)).toMatchObject({ kind: 'RoleBinding', metadata: { namespace: 'ops' }, roleRef: { kind: 'ClusterRole', name: 'node-reader' } });

    const wide = new LeastPrivilegeRole(chart, 'node-lister', {
      clusterRole: true, clusterWideBinding: true, rules: [{ apiGroup: '', resource: 'nodes', verbs: ['list'] }],
      subjects: [{ kind: 'ServiceAccount', name: 'agent', namespace: 'ops' }],
    });
    expect(json(wide.binding!)).toMatchObject({ kind: 'ClusterRoleBinding', roleRef: { kind: 'ClusterRole' } });
    expect(json(wide.binding!).metadata.namespace).toBeUndefined();
    expect(() => new LeastPrivilegeRole(chart, 'x', { namespace: 'ops', clusterWideBinding: true, rules: [READ_PODS] })).toThrow(/needs clusterRole: true/);
  });

  test('a ClusterRole in a namespaced chart carries no namespace', () => {
    const { chart } = hardenedChart('team-b');
    const role = new LeastPrivilegeRole(chart, 'viewer', { clusterRole: true, rules: [READ_PODS] });
    expect(json(role.apiObject).metadata).toEqual({ name: 'viewer' });
  });
});
