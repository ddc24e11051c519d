import { AUDITED_KINDS } from '../../src/audit/kinds';
import { declaredObject, liveObjects, ownedNotice } from '../../src/audit/live';

const pod = (name: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'a', uid: `uid-${name}`, ...extra }, spec: { containers: [{ name: 'c', image: 'x:1' }] },
});

describe('live objects', () => {
  test('declaredObject removes status and the server\'s metadata, and the null creationTimestamp of templates', () => {
    const live = {
      apiVersion: 'batch/v1', kind: 'CronJob',
      metadata: { name: 'r', namespace: 'a', uid: 'u', resourceVersion: '7', generation: 2, creationTimestamp: '2026-12-01T00:00:00Z', managedFields: [{}], labels: { x: 'y' } },
      spec: { schedule: '@daily', jobTemplate: { metadata: { creationTimestamp: null }, spec: { template: { metadata: { creationTimestamp: null, labels: { a: 'b' } }, spec: {} } } } },
      status: { lastScheduleTime: '2026-12-01T00:00:00Z' },
    };
    expect(declaredObject(live)).toEqual({
      apiVersion: 'batch/v1', kind: 'CronJob',
      metadata: { name: 'r', namespace: 'a', labels: { x: 'y' } },
      spec: { schedule: '@daily', jobTemplate: { metadata: {}, spec: { template: { metadata: { labels: { a: 'b' } }, spec: {} } } } },
    });
    // A creationTimestamp someone set on purpose in a template is kept (it is invalid only as null).
    expect(declaredObject({ kind: 'Deployment', spec: { template: { metadata: { creationTimestamp: 'x' } } } })).toEqual(
      { kind: 'Deployment', spec: { template: { metadata: { creationTimestamp: 'x' } } } });
  });

  test('an object is left out only when its controller is among the objects read', () => {
    const rs = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'w-1', namespace: 'a', uid: 'uid-rs' }, spec: {} };
    const owned = pod('w-1-x', { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'w-1', uid: 'uid-rs', controller: true }] });
    const notController = pod('w-1-y', { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'w-1', uid: 'uid-rs' }] });
    const staticPod = pod('kube-apiserver-node1', { ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: 'node1', uid: 'uid-node', controller: true }] });
    const read = [owned, notController, staticPod, rs].map((object) => ({ object }));
    const live = liveObjects(read, { origin: { file: 'cluster:x' } });
    expect(live.manifests.map((m) => (m.object as { metadata: { name: string } }).metadata.name)).toEqual(['w-1', 'kube-apiserver-node1', 'w-1-y']);
    expect(live.owned).toEqual([{ kind: 'Pod', namespace: 'a', name: 'w-1-x', owner: 'ReplicaSet w-1' }]);
    expect(live.manifests.every((m) => m.origin?.file === 'cluster:x')).toBe(true);
    expect(liveObjects(read, { includeOwned: true, origin: undefined }).manifests).toHaveLength(4);
    expect(ownedNotice(live.owned)).toBe('1 object (1 Pod) judged through the controller that owns them; --include-owned judges them too');
    expect(ownedNotice([])).toBeUndefined();
  });

  test('the order is by kind, namespace and name whatever the server listed; kinds not audited are dropped', () => {
    const objects = [pod('b'), { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a' } }, pod('a'), { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'a' } },
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'other' } }];
    const names = (ms: ReturnType<typeof liveObjects>) => ms.manifests.map((m) => `${(m.object as { kind: string }).kind} ${(m.object as { metadata: { name: string } }).metadata.name}`);
    expect(names(liveObjects(objects.map((object) => ({ object })), { origin: undefined }))).toEqual(['Namespace a', 'Namespace other', 'Pod a', 'Pod b']);
    expect(names(liveObjects([...objects].reverse().map((object) => ({ object })), { namespace: 'a', origin: undefined }))).toEqual(['Namespace a', 'Pod a', 'Pod b']);
  });

  test('the audited kinds are every pod-bearing kind, RBAC, NetworkPolicies, Namespaces and Services', () => {
    expect(AUDITED_KINDS.filter((k) => k.podBearing).map((k) => k.kind).sort()).toEqual(
      ['CronJob', 'DaemonSet', 'Deployment', 'Job', 'Pod', 'ReplicaSet', 'ReplicationController', 'StatefulSet']);
    expect(AUDITED_KINDS.filter((k) => !k.podBearing).map((k) => k.kind).sort()).toEqual(
      ['ClusterRole', 'ClusterRoleBinding', 'Namespace', 'NetworkPolicy', 'Role', 'RoleBinding', 'Service']);
  });
});
