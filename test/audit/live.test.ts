import { readFileSync } from 'fs';
import { join } from 'path';
import { AUDITED_KINDS } from '../../src/audit/kinds';
import { declaredObject, liveObjects, ownedNotice } from '../../src/audit/live';
import { evaluate, rulesForProfile } from '../../src/catalogue';

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
    const rs = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'w-1', namespace: 'a', uid: 'uid-rs' }, spec: { template: { spec: { containers: [{ name: 'c', image: 'x:1' }] } } } };
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
    // Fail closed: a controller without a pod template to compare with, and the Pod is judged itself.
    const bare = { ...rs, spec: {} };
    const withBare = liveObjects([owned, bare].map((object) => ({ object })), { origin: undefined });
    expect(withBare.manifests.map((m) => (m.object as { metadata: { name: string } }).metadata.name)).toEqual(['w-1', 'w-1-x']);
    expect(withBare.manifests[1].notes?.[0].message).toMatch(/no pod template to compare with the ReplicaSet's/);
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

/** A Deployment `web`, its ReplicaSet and a Pod of it, as a real API server prints them (defaults applied). */
function family() {
  const template = {
    metadata: { creationTimestamp: null, labels: { app: 'web' } },
    spec: {
      containers: [{
        name: 'nginx', image: 'nginx:1.25.3', imagePullPolicy: 'IfNotPresent', ports: [{ containerPort: 80, protocol: 'TCP' }], resources: {},
        command: ['nginx'], terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File',
        securityContext: { runAsNonRoot: true },
      }],
      dnsPolicy: 'ClusterFirst', restartPolicy: 'Always', schedulerName: 'default-scheduler', securityContext: {}, terminationGracePeriodSeconds: 30,
    },
  };
  const copy = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
  const deployment: any = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'a', uid: 'uid-d' }, spec: { selector: { matchLabels: { app: 'web' } }, template: copy(template) } };
  const rsTemplate = copy(template) as any;
  rsTemplate.metadata.labels['pod-template-hash'] = '5d8f9c';
  const rs: any = {
    apiVersion: 'apps/v1', kind: 'ReplicaSet',
    metadata: { name: 'web-5d8f9c', namespace: 'a', uid: 'uid-rs', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'uid-d', controller: true }] },
    spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template: rsTemplate },
  };
  const podSpec = copy(template.spec) as any;
  // What the API server and the cluster add to every Pod, and are no difference of what runs.
  Object.assign(podSpec, {
    enableServiceLinks: true, preemptionPolicy: 'PreemptLowerPriority', priority: 0, nodeName: 'node-1', serviceAccount: 'default', serviceAccountName: 'default',
    tolerations: [{ effect: 'NoExecute', key: 'node.kubernetes.io/not-ready', operator: 'Exists', tolerationSeconds: 300 }],
    volumes: [{ name: 'kube-api-access-x7k2p', projected: { defaultMode: 420, sources: [{ serviceAccountToken: { expirationSeconds: 3607, path: 'token' } }, { configMap: { name: 'kube-root-ca.crt' } }] } }],
  });
  podSpec.containers[0].resources = { limits: { cpu: '500m' }, requests: { cpu: '500m' } }; // a LimitRange's defaults
  podSpec.containers[0].volumeMounts = [{ name: 'kube-api-access-x7k2p', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true }];
  const pod: any = {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name: 'web-5d8f9c-x7k2p', namespace: 'a', uid: 'uid-pod', labels: { 'app': 'web', 'pod-template-hash': '5d8f9c' }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-5d8f9c', uid: 'uid-rs', controller: true }] },
    spec: podSpec,
    status: { phase: 'Running' },
  };
  return { deployment, rs, pod };
}

const judged = (objects: unknown[], includeOwned = false) => liveObjects(objects.map((object) => ({ object })), { includeOwned, origin: undefined });
const names = (live: ReturnType<typeof liveObjects>) => live.manifests.map((m) => `${(m.object as any).kind} ${(m.object as any).metadata.name}`);
const differsNotes = (live: ReturnType<typeof liveObjects>) => live.manifests.flatMap((m) => (m.notes ?? []).filter((n) => n.ruleId === 'audit-differs-from-owner')
  .map((n) => `${(m.object as any).kind} ${(m.object as any).metadata.name}: ${n.message}`));

describe('owned objects that differ from their owner\'s pod template are judged themselves', () => {
  test('what the server and the cluster add to every Pod is no difference: the ReplicaSet and Pod are judged through the Deployment', () => {
    const { deployment, rs, pod } = family();
    const live = judged([pod, rs, deployment]);
    expect(names(live)).toEqual(['Deployment web']);
    expect(live.owned.map((o) => o.name)).toEqual(['web-5d8f9c', 'web-5d8f9c-x7k2p']);
    expect(live.differing).toEqual([]);
  });

  test.each<[string, (f: ReturnType<typeof family>) => void, string, string]>([
    ['an injected sidecar', ({ pod }) => { pod.spec.containers.push({ name: 'istio-proxy', image: 'istio/proxyv2:1.20.0', securityContext: { runAsUser: 0 } }); },
      'Pod web-5d8f9c-x7k2p', 'containers "istio-proxy" added'],
    ['an ephemeral debug container', ({ pod }) => { pod.spec.ephemeralContainers = [{ name: 'debugger-abc', image: 'busybox:1.36', securityContext: { privileged: true } }]; },
      'Pod web-5d8f9c-x7k2p', 'ephemeralContainers "debugger-abc" added'],
    ['an injected init container', ({ pod }) => { pod.spec.initContainers = [{ name: 'istio-init', image: 'istio/proxyv2:1.20.0', securityContext: { capabilities: { add: ['NET_ADMIN'] } } }]; },
      'Pod web-5d8f9c-x7k2p', 'initContainers "istio-init" added'],
    ['a container\'s securityContext changed', ({ pod }) => { pod.spec.containers[0].securityContext = { privileged: true }; },
      'Pod web-5d8f9c-x7k2p', 'containers "nginx" securityContext'],
    ['a changed image', ({ pod }) => { pod.spec.containers[0].image = 'nginx:latest'; }, 'Pod web-5d8f9c-x7k2p', 'containers "nginx" image'],
    ['a host namespace', ({ pod }) => { pod.spec.hostPID = true; }, 'Pod web-5d8f9c-x7k2p', 'hostPID'],
    ['a volume added', ({ pod }) => { pod.spec.volumes.push({ name: 'host', hostPath: { path: '/' } }); }, 'Pod web-5d8f9c-x7k2p', 'volumes "host"'],
    ['another ServiceAccount', ({ pod }) => { pod.spec.serviceAccountName = 'admin'; }, 'Pod web-5d8f9c-x7k2p', 'serviceAccountName'],
    ['an AppArmor annotation', ({ pod }) => { pod.metadata.annotations = { 'container.apparmor.security.beta.kubernetes.io/nginx': 'unconfined' }; }, 'Pod web-5d8f9c-x7k2p', 'AppArmor annotations'],
    ['an old ReplicaSet', ({ deployment }) => { deployment.spec.template.spec.containers[0].image = 'nginx:1.25.4'; }, 'ReplicaSet web-5d8f9c', 'containers "nginx" image'],
  ])('%s', (_what, change, object, difference) => {
    const f = family();
    change(f);
    const live = judged([f.deployment, f.rs, f.pod]);
    expect(names(live)).toEqual(['Deployment web', object]);
    const notes = differsNotes(live);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toContain(`${object}: ${object.split(' ')[0]} "${object.split(' ')[1]}" differs from the pod template of its owner`);
    expect(notes[0]).toContain(difference);
    expect(live.differing.map((o) => `${o.kind} ${o.name}`)).toEqual([object]);
    expect(ownedNotice(live.owned, live.differing)).toBe('1 object (1 ' + (object.startsWith('Pod') ? 'ReplicaSet' : 'Pod')
      + ') judged through the controller that owns them; --include-owned judges them too; 1 object (1 ' + object.split(' ')[0]
      + ') judged themselves: they differ from the pod template of the controller that owns them (see their audit-differs-from-owner findings)');
  });

  test('the sidecar is judged: its findings are reported on the Pod, with the finding that says it differs', () => {
    const f = family();
    f.pod.spec.containers.push({ name: 'istio-proxy', image: 'istio/proxyv2:1.20.0', securityContext: { privileged: true } });
    const live = judged([f.deployment, f.rs, f.pod]);
    const findings = evaluate(live.manifests, rulesForProfile('pss-baseline'));
    const onPod = findings.filter((x) => x.object.kind === 'Pod').map((x) => `${x.ruleId} ${x.severity}`);
    expect(onPod).toContain('pss-baseline-privileged error');
    expect(onPod).toContain('audit-differs-from-owner info');
    expect(findings.filter((x) => x.object.kind === 'Deployment').map((x) => x.ruleId)).not.toContain('pss-baseline-privileged');
  });

  test('a hostNetwork Pod: the hostPort the server defaults from containerPort is no difference', () => {
    const f = family();
    f.deployment.spec.template.spec.hostNetwork = true;
    f.rs.spec.template.spec.hostNetwork = true;
    f.pod.spec.hostNetwork = true;
    f.pod.spec.containers[0].ports = [{ containerPort: 80, hostPort: 80, protocol: 'TCP' }];
    expect(names(judged([f.deployment, f.rs, f.pod]))).toEqual(['Deployment web']);
    f.pod.spec.containers[0].ports = [{ containerPort: 80, hostPort: 8080, protocol: 'TCP' }];
    expect(differsNotes(judged([f.deployment, f.rs, f.pod]))[0]).toContain('containers "nginx" ports');
  });

  test('a StatefulSet\'s Pod: the volumes of its volumeClaimTemplates, which the controller adds, are no difference', () => {
    const containers = [{ name: 'db', image: 'postgres:16.1', volumeMounts: [{ name: 'data', mountPath: '/var/lib/postgresql' }] }];
    const sts = {
      apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db', namespace: 'a', uid: 'uid-sts' },
      spec: { selector: { matchLabels: { app: 'db' } }, template: { metadata: { labels: { app: 'db' } }, spec: { containers } }, volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: {} }] },
    };
    const pod = (volumes: unknown[]) => ({
      apiVersion: 'v1', kind: 'Pod',
      metadata: { name: 'db-0', namespace: 'a', uid: 'uid-db-0', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'db', uid: 'uid-sts', controller: true }] },
      spec: { containers, hostname: 'db-0', volumes },
    });
    const claim = { name: 'data', persistentVolumeClaim: { claimName: 'data-db-0' } };
    expect(names(judged([sts, pod([claim])]))).toEqual(['StatefulSet db']);
    expect(differsNotes(judged([sts, pod([claim, { name: 'other', persistentVolumeClaim: { claimName: 'x' } }])]))[0]).toContain('volumes "other"');
    expect(differsNotes(judged([sts, pod([{ name: 'data', hostPath: { path: '/' } }])]))[0]).toContain('volumes "data"');
  });

  test('--include-owned judges every owned object; only those that differ get the finding', () => {
    const f = family();
    f.pod.spec.containers.push({ name: 'sidecar', image: 'x:1' });
    const live = judged([f.deployment, f.rs, f.pod], true);
    expect(names(live)).toEqual(['Deployment web', 'ReplicaSet web-5d8f9c', 'Pod web-5d8f9c-x7k2p']);
    expect(differsNotes(live).map((n) => n.split(':')[0])).toEqual(['Pod web-5d8f9c-x7k2p']);
    expect(live.owned).toEqual([]);
  });

  test('the objects a real API server printed (test/fixtures/audit/cluster.json): the owned ones agree with their controllers', () => {
    const recorded = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'audit', 'cluster.json'), 'utf8')) as { items: unknown[] };
    const live = judged(recorded.items);
    expect(live.owned.map((o) => `${o.kind} ${o.name}`)).toEqual(['ReplicaSet web-5d8f9c', 'Job report-28000000', 'Pod report-28000000-q9z4m', 'Pod web-5d8f9c-x7k2p']);
    expect(live.differing).toEqual([]);
  });
});

