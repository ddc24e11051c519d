import { evaluate } from '../../../src/catalogue';
import { Finding, Rule } from '../../../src/policy/rule';
import { RBAC_RULES } from '../../../src/policy/rules/rbac';
import { resourceMatches } from '../../../src/policy/rules/rbac/rbac';

const RBAC = 'rbac.authorization.k8s.io/v1';

function rule(id: string): Rule {
  const found = RBAC_RULES.find((r) => r.id === id);
  if (!found) {
    throw new Error(`no rule ${id}`);
  }
  return found;
}

/** Findings of one rule over plain objects. */
function run(id: string, ...objects: unknown[]): Finding[] {
  return evaluate(objects.map((object) => ({ object })), [rule(id)]).filter((f) => f.ruleId === id);
}

/** Every RBAC finding, as `rule-id path` strings. */
function all(...objects: unknown[]): string[] {
  return evaluate(objects.map((object) => ({ object })), RBAC_RULES).map((f) => `${f.ruleId} ${f.path}`);
}

function clusterRole(name: string, rules: unknown, extra: Record<string, unknown> = {}) {
  return { apiVersion: RBAC, kind: 'ClusterRole', metadata: { name }, rules, ...extra };
}

function role(name: string, rules: unknown, namespace = 'team-a') {
  return { apiVersion: RBAC, kind: 'Role', metadata: { name, namespace }, rules };
}

function binding(kind: 'RoleBinding' | 'ClusterRoleBinding', roleKind: 'Role' | 'ClusterRole', roleName: string, subjects: unknown[] = [], namespace?: string) {
  return {
    apiVersion: RBAC,
    kind,
    metadata: { name: `${roleName}-binding`, ...(namespace ? { namespace } : {}) },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: roleKind, name: roleName },
    subjects,
  };
}

const group = (name: string) => ({ kind: 'Group', name, apiGroup: 'rbac.authorization.k8s.io' });

describe('RBAC resource matching', () => {
  test.each([
    ['*', 'secrets', true],
    ['secrets', 'secrets', true],
    ['secret', 'secrets', false],
    ['pods', 'pods/exec', false],
    ['pods/exec', 'pods/exec', true],
    ['*/exec', 'pods/exec', true],
    ['*/attach', 'pods/exec', false],
    ['pods/*', 'pods/exec', false],
    ['*', 'pods/exec', true],
    ['userextras/scopes', 'userextras/*', true],
    ['userextras', 'userextras/*', false],
    ['*/scopes', 'userextras/*', true],
    ['*/', 'userextras/*', false],
  ])('%s covers %s: %s', (item, wanted, expected) => {
    expect(resourceMatches(item, wanted)).toBe(expected);
  });
});

describe('the classic "*"/"*"/"*" ClusterRole and its binding', () => {
  const root = clusterRole('root', [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }]);
  const rootBinding = binding('ClusterRoleBinding', 'ClusterRole', 'root', [group('ops')]);
  const findings = evaluate([{ object: root }, { object: rootBinding }], RBAC_RULES);
  const on = (name: string) => findings.filter((f) => f.object.name === name).map((f) => f.ruleId);

  test('the role fails the wildcard rule and every escalation it implies', () => {
    expect(new Set(on('root'))).toEqual(new Set([
      'rbac-wildcard', 'rbac-escalate', 'rbac-bind', 'rbac-impersonate', 'rbac-secrets-read', 'rbac-pods-exec-attach',
      'rbac-pods-portforward', 'rbac-nodes-proxy', 'rbac-sa-token-create', 'rbac-workload-create', 'rbac-csr-approval',
      'rbac-webhook-config-write', 'rbac-pv-create', 'rbac-namespace-modify',
    ]));
  });

  test('a "*" resource is an error, "*" apiGroups and verbs are warnings', () => {
    const wild = findings.filter((f) => f.ruleId === 'rbac-wildcard').map((f) => `${f.path} ${f.severity}`);
    expect(wild).toEqual(['rules[0].apiGroups[0] warning', 'rules[0].resources[0] error', 'rules[0].verbs[0] warning']);
  });

  test('the binding is cluster-admin under another name; the group is not a system group', () => {
    expect(on('root-binding')).toEqual(['rbac-cluster-admin-binding']);
    expect(findings.find((f) => f.ruleId === 'rbac-cluster-admin-binding')!.message)
      .toBe('binding refers to ClusterRole "root", whose rule 0 grants "*" verbs on "*" resources in "*" apiGroups');
  });

  test('every verb listed on "*"/"*" is cluster-admin too, in one entry or across entries; one verb short is not', () => {
    const every = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];
    const bind = binding('ClusterRoleBinding', 'ClusterRole', 'ops', [group('ops')]);
    const one = run('rbac-cluster-admin-binding', clusterRole('ops', [{ apiGroups: ['*'], resources: ['*'], verbs: every }]), bind);
    expect(one.map((f) => f.message)).toEqual([
      'binding refers to ClusterRole "ops", whose rule 0 grants every verb (get, list, watch, create, update, patch, delete) on "*" resources in "*" apiGroups',
    ]);
    const split = clusterRole('ops', [
      { apiGroups: ['*'], resources: ['*'], verbs: every.slice(0, 3) },
      { apiGroups: [''], resources: ['pods'], verbs: ['create'] },
      { apiGroups: ['*'], resources: ['*'], verbs: every.slice(3) },
    ]);
    expect(run('rbac-cluster-admin-binding', split, bind)).toHaveLength(1);
    for (const missing of every) {
      const short = clusterRole('ops', [{ apiGroups: ['*'], resources: ['*'], verbs: every.filter((v) => v !== missing) }]);
      expect(run('rbac-cluster-admin-binding', short, bind)).toEqual([]);
    }
    // Every verb, but on named resources only: not cluster-admin.
    expect(run('rbac-cluster-admin-binding', clusterRole('ops', [{ apiGroups: ['*'], resources: ['pods'], verbs: every }]), bind)).toEqual([]);
  });

  test('the same binding to the built-in cluster-admin is reported by name, with or without the role in the set', () => {
    const f = run('rbac-cluster-admin-binding', binding('ClusterRoleBinding', 'ClusterRole', 'cluster-admin', [group('ops')]));
    expect(f.map((x) => [x.path, x.message])).toEqual([['roleRef.name', 'binding refers to ClusterRole "cluster-admin"']]);
  });

  test('the message names the rule entry, the verbs and the resources', () => {
    const secrets = findings.find((f) => f.ruleId === 'rbac-secrets-read')!;
    expect(secrets.path).toBe('rules[0].verbs[0]');
    expect(secrets.message).toBe('rule 0 grants verb "*" on resources ["*"]');
  });
});

describe('grant rules', () => {
  test('the example message: a "*" verb on secrets', () => {
    const f = run('rbac-secrets-read', role('r', [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }, { apiGroups: [''], resources: ['secrets'], verbs: ['*'] }]));
    expect(f.map((x) => [x.path, x.message])).toEqual([['rules[1].verbs[0]', 'rule 1 grants verb "*" on resources ["secrets"]']]);
  });

  test('every rule entry is judged, not only the first (Checkov CKV_K8S_49 reads rules[0])', () => {
    const f = run('rbac-secrets-read', role('r', [
      { apiGroups: [''], resources: ['pods'], verbs: ['get'] },
      { apiGroups: [''], resources: ['secrets'], verbs: ['list'] },
      { apiGroups: [''], resources: ['secrets'], verbs: ['watch', 'get'] },
    ]));
    expect(f.map((x) => x.path)).toEqual(['rules[1].verbs[0]', 'rules[2].verbs[0]']);
    expect(f[1].message).toBe('rule 2 grants verbs ["watch","get"] on resources ["secrets"]');
  });

  test('resourceNames are shown in the message', () => {
    const f = run('rbac-secrets-read', role('r', [{ apiGroups: [''], resources: ['secrets'], resourceNames: ['tls'], verbs: ['get'] }]));
    expect(f[0].message).toBe('rule 0 grants verb "get" on resources ["secrets"] (resourceNames ["tls"])');
  });

  test.each([
    [[''], 1],
    [['*'], 1],
    [['', 'apps'], 1],
    [['apps'], 0],
    [['core'], 0],
    [['v1'], 0],
    [[], 0],
  ])('secrets in apiGroups %j: %d finding', (apiGroups, count) => {
    expect(run('rbac-secrets-read', role('r', [{ apiGroups, resources: ['secrets'], verbs: ['get'] }]))).toHaveLength(count);
  });

  test('resources and verbs are case-sensitive, as the authorizer compares them', () => {
    expect(run('rbac-secrets-read', role('r', [{ apiGroups: [''], resources: ['Secrets'], verbs: ['get'] }]))).toEqual([]);
    expect(run('rbac-secrets-read', role('r', [{ apiGroups: [''], resources: ['secrets'], verbs: ['GET'] }]))).toEqual([]);
  });

  test('escalate, bind and impersonate come with a "*" verb; explicit ones on the wrong resource do not count', () => {
    const rbacStar = role('r', [{ apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles'], verbs: ['*'] }]);
    expect(run('rbac-escalate', rbacStar)).toHaveLength(1);
    expect(run('rbac-bind', rbacStar)).toHaveLength(1);
    // bind is authorized on roles, not on rolebindings (where Checkov looks for it).
    expect(run('rbac-bind', role('r', [{ apiGroups: ['rbac.authorization.k8s.io'], resources: ['rolebindings'], verbs: ['bind'] }]))).toEqual([]);
    expect(run('rbac-impersonate', role('r', [{ apiGroups: [''], resources: ['serviceaccounts'], verbs: ['*'] }]))).toHaveLength(1);
    expect(run('rbac-impersonate', role('r', [{ apiGroups: [''], resources: ['pods'], verbs: ['impersonate'] }]))).toEqual([]);
  });

  test('impersonation of uids and userextras needs authentication.k8s.io', () => {
    const extras = (apiGroups: string[]) => clusterRole('x', [{ apiGroups, resources: ['userextras/scopes'], verbs: ['impersonate'] }]);
    expect(run('rbac-impersonate', extras(['authentication.k8s.io']))).toHaveLength(1);
    expect(run('rbac-impersonate', extras(['']))).toEqual([]);
  });

  test('a namespaced Role cannot grant cluster-scoped resources: its "*"/"*"/"*" skips nodes/proxy, CSRs, webhooks and PVs', () => {
    const ids = new Set(all(role('ns-root', [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }])).map((s) => s.split(' ')[0]));
    expect(ids.has('rbac-nodes-proxy')).toBe(false);
    expect(ids.has('rbac-csr-approval')).toBe(false);
    expect(ids.has('rbac-webhook-config-write')).toBe(false);
    expect(ids.has('rbac-pv-create')).toBe(false);
    // ...but everything a namespace holds is still reported.
    for (const id of ['rbac-wildcard', 'rbac-secrets-read', 'rbac-pods-exec-attach', 'rbac-sa-token-create', 'rbac-workload-create',
      'rbac-impersonate', 'rbac-escalate', 'rbac-bind', 'rbac-namespace-modify']) {
      expect(ids.has(id)).toBe(true);
    }
  });

  test('exec and attach count get (WebSocket) and create; other verbs do not', () => {
    const exec = (verbs: string[]) => run('rbac-pods-exec-attach', role('r', [{ apiGroups: [''], resources: ['pods/exec'], verbs }]));
    expect(exec(['get'])).toHaveLength(1);
    expect(exec(['create'])).toHaveLength(1);
    expect(exec(['list', 'watch', 'delete'])).toEqual([]);
  });

  test('nodes/proxy counts every verb', () => {
    expect(run('rbac-nodes-proxy', clusterRole('n', [{ apiGroups: [''], resources: ['nodes/proxy'], verbs: ['watch'] }]))).toHaveLength(1);
    expect(run('rbac-nodes-proxy', clusterRole('n', [{ apiGroups: [''], resources: ['nodes/proxy'], verbs: [] }]))).toEqual([]);
  });

  test('workload creation counts create, update and patch on pods and pod controllers, not podtemplates or scale', () => {
    const grant = (apiGroups: string[], resources: string[], verbs: string[]) => run('rbac-workload-create', role('r', [{ apiGroups, resources, verbs }]));
    expect(grant(['apps'], ['daemonsets'], ['update'])).toHaveLength(1);
    expect(grant(['batch'], ['jobs'], ['create'])).toHaveLength(1);
    expect(grant([''], ['replicationcontrollers'], ['patch'])).toHaveLength(1);
    expect(grant([''], ['podtemplates'], ['create'])).toEqual([]);
    expect(grant(['apps'], ['deployments/scale'], ['update'])).toEqual([]);
    expect(grant(['batch'], ['deployments'], ['create'])).toEqual([]);
    expect(rule('rbac-workload-create').severity).toBe('warning');
  });

  test('CSR approval: each half on its own', () => {
    const approval = clusterRole('a', [{ apiGroups: ['certificates.k8s.io'], resources: ['certificatesigningrequests/approval'], verbs: ['patch'] }]);
    const signers = clusterRole('s', [{ apiGroups: ['certificates.k8s.io'], resources: ['signers'], resourceNames: ['example.com/signer'], verbs: ['approve'] }]);
    expect(run('rbac-csr-approval', approval)).toHaveLength(1);
    expect(run('rbac-csr-approval', signers)).toHaveLength(1);
    expect(run('rbac-csr-approval', clusterRole('c', [{ apiGroups: ['certificates.k8s.io'], resources: ['certificatesigningrequests'], verbs: ['update'] }]))).toEqual([]);
  });

  test('one finding per rule entry, even when several grants match it', () => {
    const f = run('rbac-webhook-config-write', clusterRole('w', [{
      apiGroups: ['admissionregistration.k8s.io'],
      resources: ['mutatingwebhookconfigurations', 'validatingwebhookconfigurations'],
      verbs: ['get', 'update', 'delete'],
    }]));
    expect(f.map((x) => [x.path, x.message])).toEqual([[
      'rules[0].verbs[1]',
      'rule 0 grants verbs ["update","delete"] on resources ["mutatingwebhookconfigurations","validatingwebhookconfigurations"]',
    ]]);
  });

  test('aggregated ClusterRoles have no rules of their own', () => {
    const aggregated = clusterRole('agg', [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }], {
      aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'example.com/aggregate': 'true' } }] },
    });
    expect(all(aggregated)).toEqual([]);
    // ...and binding one is not judged as cluster-admin: its rules are not known here.
    expect(run('rbac-cluster-admin-binding', aggregated, binding('ClusterRoleBinding', 'ClusterRole', 'agg'))).toEqual([]);
  });

  test('only the RBAC API group is judged', () => {
    const other = { apiVersion: 'example.com/v1', kind: 'ClusterRole', metadata: { name: 'x' }, rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }] };
    expect(all(other)).toEqual([]);
  });

  test('odd input never throws', () => {
    const odd = [
      clusterRole('a', 'not a list'),
      clusterRole('b', [null, 5, 'x', { verbs: 'get', resources: { secrets: true } }, { apiGroups: [1, ''], resources: [null, 'secrets'], verbs: [{}, 'get'] }]),
      { apiVersion: RBAC, kind: 'ClusterRoleBinding', metadata: { name: 'c' }, roleRef: 'cluster-admin', subjects: 'everyone' },
      { apiVersion: RBAC, kind: 'RoleBinding', metadata: { name: 'd' }, subjects: [null, { name: 7 }] },
      { apiVersion: RBAC, kind: 'ClusterRole', metadata: { name: 'e' }, aggregationRule: null },
    ];
    const findings = evaluate(odd.map((object) => ({ object })), RBAC_RULES);
    expect(findings.filter((f) => f.message.includes('failed on this object'))).toEqual([]);
    // the one real grant among the garbage: rules[4] of role b reads secrets (skipping non-string entries).
    expect(findings.map((f) => `${f.ruleId} ${f.object.name} ${f.path}`)).toEqual(['rbac-secrets-read b rules[4].verbs[1]']);
  });
});

describe('binding rules', () => {
  test('a RoleBinding to a "*"/"*"/"*" Role in its own namespace is reported, one in another namespace is not', () => {
    const nsRoot = role('root', [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }], 'team-a');
    expect(run('rbac-cluster-admin-binding', nsRoot, binding('RoleBinding', 'Role', 'root', [], 'team-a'))).toHaveLength(1);
    expect(run('rbac-cluster-admin-binding', nsRoot, binding('RoleBinding', 'Role', 'root', [], 'team-b'))).toEqual([]);
    // A ClusterRoleBinding cannot refer to a Role.
    expect(run('rbac-cluster-admin-binding', nsRoot, binding('ClusterRoleBinding', 'Role', 'root'))).toEqual([]);
  });

  test('a role that is "*" only in some fields is not cluster-admin', () => {
    const almost = clusterRole('almost', [{ apiGroups: ['*'], resources: ['*'], verbs: ['get', 'list', 'watch'] }]);
    expect(run('rbac-cluster-admin-binding', almost, binding('ClusterRoleBinding', 'ClusterRole', 'almost'))).toEqual([]);
  });

  test('admin and edit: cluster-wide is reported, in one namespace is not', () => {
    expect(run('rbac-cluster-admin-binding', binding('ClusterRoleBinding', 'ClusterRole', 'admin'))[0].message)
      .toBe('binding grants ClusterRole "admin" in every namespace, kube-system included');
    expect(run('rbac-cluster-admin-binding', binding('RoleBinding', 'ClusterRole', 'admin', [], 'team-a'))).toEqual([]);
    expect(run('rbac-cluster-admin-binding', binding('ClusterRoleBinding', 'ClusterRole', 'view'))).toEqual([]);
  });

  test.each([
    ['system:anonymous', 'User', 1],
    ['system:unauthenticated', 'Group', 1],
    ['system:authenticated', 'Group', 1],
    ['system:masters', 'Group', 1],
    ['system:serviceaccounts', 'Group', 1],
    ['system:serviceaccounts:team-a', 'Group', 0],
    ['system:authenticated-users', 'Group', 0],
    ['ops', 'Group', 0],
  ])('subject %s (%s): %d finding', (name, kind, count) => {
    const f = run('rbac-system-group-binding', binding('RoleBinding', 'Role', 'reader', [{ kind, name }], 'team-a'));
    expect(f).toHaveLength(count);
  });

  test('the system subject message names the subject and its kind', () => {
    const f = run('rbac-system-group-binding', binding('ClusterRoleBinding', 'ClusterRole', 'view', [group('ops'), group('system:unauthenticated')]));
    expect(f.map((x) => [x.path, x.message])).toEqual([['subjects[1].name', 'subject 1 is group "system:unauthenticated", every request without credentials']]);
  });
});

describe('rbac-cluster-scope', () => {
  const crb = (name: string) => binding('ClusterRoleBinding', 'ClusterRole', name, [group('ops')]);

  test('a ClusterRole granting only namespaced resources, bound cluster-wide', () => {
    const f = run('rbac-cluster-scope', clusterRole('cm', [{ apiGroups: [''], resources: ['configmaps', 'pods/log'], verbs: ['get'] }]), crb('cm'));
    expect(f.map((x) => [x.object.kind, x.path, x.message])).toEqual([[
      'ClusterRoleBinding', 'roleRef.name', 'binding grants ClusterRole "cm" in every namespace, but it grants only namespaced resources',
    ]]);
    expect(f[0].severity).toBe('warning');
  });

  test('pairs that name no built-in resource ("" deployments) grant nothing and do not block the finding', () => {
    expect(run('rbac-cluster-scope', clusterRole('mixed', [{ apiGroups: ['', 'apps'], resources: ['configmaps', 'deployments'], verbs: ['get'] }]), crb('mixed'))).toHaveLength(1);
  });

  test.each([
    ['a cluster-scoped resource', [{ apiGroups: [''], resources: ['configmaps', 'namespaces'], verbs: ['get'] }]],
    ['nonResourceURLs', [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }, { nonResourceURLs: ['/metrics'], verbs: ['get'] }]],
    ['a "*" apiGroup', [{ apiGroups: ['*'], resources: ['pods'], verbs: ['get'] }]],
    ['a "*" resource', [{ apiGroups: ['apps'], resources: ['*'], verbs: ['get'] }]],
    ['a custom resource of unknown scope', [{ apiGroups: ['example.com'], resources: ['widgets'], verbs: ['get'] }]],
    ['no rules', []],
  ])('%s: not reported', (_what, rules) => {
    expect(run('rbac-cluster-scope', clusterRole('r', rules), crb('r'))).toEqual([]);
  });

  test('a CRD of the set decides the scope of its custom resource', () => {
    const crd = (scope: string) => ({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.example.com' },
      spec: { group: 'example.com', scope, names: { plural: 'widgets', kind: 'Widget' } },
    });
    const widgets = clusterRole('w', [{ apiGroups: ['example.com'], resources: ['widgets'], verbs: ['get'] }]);
    expect(run('rbac-cluster-scope', crd('Namespaced'), widgets, crb('w'))).toHaveLength(1);
    expect(run('rbac-cluster-scope', crd('Cluster'), widgets, crb('w'))).toEqual([]);
  });

  test('RoleBindings and roles outside the set are not judged', () => {
    const cm = clusterRole('cm', [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }]);
    expect(run('rbac-cluster-scope', cm, binding('RoleBinding', 'ClusterRole', 'cm', [], 'team-a'))).toEqual([]);
    expect(run('rbac-cluster-scope', crb('view'))).toEqual([]);
  });
});
