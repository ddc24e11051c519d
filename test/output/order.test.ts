import { applyRank, compareApplyOrder, syncWave, syncWaveTable } from '../../src/output/order';

describe('apply order', () => {
  test('namespaces, then quotas and limits, service accounts, roles, bindings, network policies, config, claims, services, workloads', () => {
    const order = [
      'Namespace', 'ResourceQuota', 'ServiceAccount', 'Role', 'RoleBinding', 'NetworkPolicy',
      'ConfigMap', 'PersistentVolumeClaim', 'Service', 'Deployment',
    ];
    for (let i = 1; i < order.length; i++) {
      expect(applyRank(order[i - 1])).toBeLessThan(applyRank(order[i]));
    }
    expect(applyRank('LimitRange')).toBe(applyRank('ResourceQuota'));
    expect(applyRank('ClusterRole')).toBe(applyRank('Role'));
    expect(applyRank('ClusterRoleBinding')).toBe(applyRank('RoleBinding'));
    expect(applyRank('Secret')).toBe(applyRank('ConfigMap'));
    expect(applyRank('StatefulSet')).toBe(applyRank('Deployment'));
  });

  test('custom resources come after the built-in kinds, webhooks and API services last', () => {
    expect(applyRank('Widget')).toBeGreaterThan(applyRank('Ingress'));
    expect(applyRank('Widget')).toBe(applyRank('Gadget'));
    expect(applyRank('ValidatingWebhookConfiguration')).toBeGreaterThan(applyRank('Widget'));
  });

  test('ties: kind, then namespace, then name, then apiVersion', () => {
    const key = (kind: string, namespace: string, name: string, apiVersion = 'v1') => ({ kind, namespace, name, apiVersion });
    const sorted = [
      key('Role', 'b', 'x'),
      key('ClusterRole', '', 'z'),
      key('Role', 'a', 'y'),
      key('Role', 'a', 'x', 'rbac.authorization.k8s.io/v1'),
      key('Role', 'a', 'x', 'rbac.authorization.k8s.io/v1beta1'),
    ].sort(compareApplyOrder);
    expect(sorted.map((k) => `${k.kind}/${k.namespace}/${k.name}/${k.apiVersion}`)).toEqual([
      'ClusterRole//z/v1',
      'Role/a/x/rbac.authorization.k8s.io/v1',
      'Role/a/x/rbac.authorization.k8s.io/v1beta1',
      'Role/a/y/v1',
      'Role/b/x/v1',
    ]);
  });
});

describe('sync waves', () => {
  test('the documented table (a change here is a change in how ArgoCD rolls clusters out: update docs/gitops.md)', () => {
    expect(syncWaveTable()).toEqual([
      { wave: -3, kinds: ['Namespace', 'CustomResourceDefinition'] },
      { wave: -2, kinds: ['PriorityClass', 'RuntimeClass', 'StorageClass', 'IngressClass', 'ResourceQuota', 'LimitRange'] },
      {
        wave: -1,
        kinds: ['ServiceAccount', 'ClusterRole', 'Role', 'ClusterRoleBinding', 'RoleBinding', 'NetworkPolicy',
          'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding'],
      },
      {
        wave: 0,
        kinds: ['ConfigMap', 'Secret', 'PersistentVolume', 'PersistentVolumeClaim', 'Service',
          'CronJob', 'DaemonSet', 'Deployment', 'Job', 'Pod', 'ReplicaSet', 'ReplicationController', 'StatefulSet',
          'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'Ingress', '*'],
      },
      { wave: 1, kinds: ['APIService', 'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'] },
    ]);
  });

  test('waves never decrease along the apply order, and guardrails come before workloads', () => {
    const kinds = syncWaveTable().flatMap((row) => row.kinds).filter((k) => k !== '*');
    for (let i = 1; i < kinds.length; i++) {
      expect(syncWave(kinds[i - 1])).toBeLessThanOrEqual(syncWave(kinds[i]));
    }
    for (const guardrail of ['Namespace', 'ResourceQuota', 'LimitRange', 'ServiceAccount', 'Role', 'RoleBinding', 'NetworkPolicy']) {
      expect(syncWave(guardrail)).toBeLessThan(syncWave('Deployment'));
    }
    // A claim on a WaitForFirstConsumer class is Pending until a pod uses it: same wave as the pods.
    expect(syncWave('PersistentVolumeClaim')).toBe(syncWave('Deployment'));
    expect(syncWave('Widget')).toBe(0);
  });
});
