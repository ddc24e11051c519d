import * as fc from 'fast-check';
import { admissionSupport } from '../../src/admission';
import { POD_KINDS } from '../../src/policy/pod-spec';
import { Rule } from '../../src/policy/rule';
import { ALL_RULES } from '../../src/catalogue';
import { admit, expectsDenial, policiesOf, RulePolicy, wrapPod } from './harness';

/**
 * Property: on random objects built from the values the rules care about (every allowed and forbidden value,
 * unset fields, empty objects, Windows pods, ephemeral containers, odd image references), each policy admits
 * exactly what its rule passes. This reaches the corners the fixtures leave out (PSA's fixtures have no Windows
 * pod and no ephemeral container).
 */
const CEL_RULES: Rule[] = ALL_RULES.filter((r) => admissionSupport(r.id).expressible);
const POLICIES = new Map<string, RulePolicy[]>(CEL_RULES.map((rule) => [rule.id, policiesOf(rule)]));

/** A record whose keys are each present or absent. */
function some<T extends Record<string, fc.Arbitrary<unknown>>>(fields: T) {
  return fc.record(fields, { requiredKeys: [] });
}

const bool = fc.boolean();
const capability = fc.constantFrom('ALL', 'all', 'NET_BIND_SERVICE', 'CHOWN', 'NET_RAW', 'SYS_ADMIN', 'AUDIT_WRITE');
const seccomp = some({ type: fc.constantFrom('RuntimeDefault', 'Localhost', 'Unconfined'), localhostProfile: fc.constant('p.json') });
const seLinux = some({
  type: fc.constantFrom('', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t', 'spc_t'),
  user: fc.constantFrom('', 'system_u'),
  role: fc.constantFrom('', 'object_r'),
  level: fc.constant('s0:c1'),
});
const windowsOptions = some({ hostProcess: bool, runAsUserName: fc.constant('ContainerUser') });

const containerSecurityContext = some({
  privileged: bool,
  allowPrivilegeEscalation: bool,
  runAsNonRoot: bool,
  runAsUser: fc.constantFrom(0, 1000),
  procMount: fc.constantFrom('Default', 'Unmasked'),
  readOnlyRootFilesystem: bool,
  capabilities: some({ add: fc.uniqueArray(capability, { maxLength: 3 }), drop: fc.uniqueArray(capability, { maxLength: 3 }) }),
  seccompProfile: seccomp,
  seLinuxOptions: seLinux,
  windowsOptions,
});

const image = fc.constantFrom(
  'nginx', 'nginx:latest', 'nginx:1.25', 'registry:5000/app', 'registry:5000/app:2.0', 'app:', 'app@sha256:' + 'a'.repeat(64),
  'app:1.0@sha256:' + 'b'.repeat(64), 'app@sha256:' + 'A'.repeat(64), 'app@sha256:abc', 'app@sha512:' + 'c'.repeat(128),
  'app@sha384:' + 'd'.repeat(96), 'app:latest@sha256:' + 'e'.repeat(64), 'app@sha256+x:' + 'f'.repeat(32), '',
);
const quantity = fc.constantFrom('100m', '1Gi', '', ' ', 1, 0.5);
const resources = some({
  requests: some({ cpu: quantity, memory: quantity }),
  limits: some({ cpu: quantity, memory: quantity }),
});

const container = (name: string) => some({
  image,
  imagePullPolicy: fc.constantFrom('Always', 'IfNotPresent', 'Never', ''),
  securityContext: containerSecurityContext,
  ports: fc.array(some({ containerPort: fc.constant(8080), hostPort: fc.constantFrom(0, 8080) }), { maxLength: 2 }),
  resources,
  livenessProbe: fc.constant({ tcpSocket: { port: 8080 } }),
  readinessProbe: fc.constant({ httpGet: { path: '/', port: 8080 } }),
}).map((c) => ({ name, ...c }));

const volume = fc.constantFrom<Record<string, unknown>>(
  { name: 'v' }, { name: 'v', emptyDir: {} }, { name: 'v', hostPath: { path: '/' } }, { name: 'v', configMap: { name: 'c' } },
  { name: 'v', nfs: { server: 's', path: '/' } }, { name: 'v', projected: { sources: [] } }, { name: 'v', gitRepo: { repository: 'r' } },
  { name: 'v', csi: { driver: 'd' } }, { name: 'v', ephemeral: {} },
);
const sysctl = fc.constantFrom('kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.tcp_keepalive_time', 'kernel.msgmax');

const podSpec = fc.record({
  containers: fc.array(container('app'), { minLength: 1, maxLength: 2 }),
  rest: some({
    initContainers: fc.array(container('init'), { maxLength: 1 }),
    ephemeralContainers: fc.array(container('debug'), { maxLength: 1 }),
    hostNetwork: bool,
    hostPID: bool,
    hostIPC: bool,
    volumes: fc.array(volume, { maxLength: 2 }),
    os: fc.constantFrom({ name: 'linux' }, { name: 'windows' }),
    automountServiceAccountToken: bool,
    serviceAccountName: fc.constantFrom('', 'default', 'app'),
    serviceAccount: fc.constantFrom('', 'default', 'legacy'),
    restartPolicy: fc.constantFrom('Always', 'OnFailure', 'Never'),
    securityContext: some({
      runAsNonRoot: bool,
      runAsUser: fc.constantFrom(0, 1000),
      seccompProfile: seccomp,
      seLinuxOptions: seLinux,
      sysctls: fc.array(sysctl.map((name) => ({ name, value: '1' })), { maxLength: 2 }),
      windowsOptions,
    }),
  }),
}).map(({ containers, rest }) => ({ ...rest, containers }));

const annotations = some({
  'container.apparmor.security.beta.kubernetes.io/app': fc.constantFrom('runtime/default', 'localhost/custom', 'unconfined', ''),
  'example.com/other': fc.constant('x'),
});

const pod = fc.record({ spec: podSpec, annotations, kind: fc.constantFrom(...POD_KINDS) }).map(({ spec, annotations: a, kind }) =>
  wrapPod({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'app', annotations: a }, spec }, kind));

const service = fc.record({
  spec: some({
    type: fc.constantFrom('ClusterIP', 'NodePort', 'LoadBalancer'),
    loadBalancerSourceRanges: fc.array(fc.constantFrom('10.0.0.0/8', '', ' '), { maxLength: 2 }),
    externalIPs: fc.array(fc.constant('203.0.113.7'), { maxLength: 1 }),
  }),
  annotations: some({ 'service.beta.kubernetes.io/load-balancer-source-ranges': fc.constantFrom('10.0.0.0/8', '', ' ') }),
}).map(({ spec, annotations: a }) => ({
  apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'app', annotations: a }, spec: { ports: [{ port: 80 }], ...spec },
}));

function agree(object: Record<string, unknown>): string[] {
  return CEL_RULES.flatMap((rule) => POLICIES.get(rule.id)!.flatMap((part) => {
    const verdict = admit(part.policy, { object });
    const denied = verdict.outcome === 'denied';
    const fails = expectsDenial(rule, part, object);
    return denied === fails ? [] : [`${part.policy.metadata.name}: rule ${fails ? 'fails' : 'passes'}, policy ${verdict.outcome}${denied && verdict.error ? ` (${verdict.error})` : ''}`];
  }));
}

// RBAC: roles built from the groups, resources and verbs the RBAC rules name, plus wildcards and near misses.
const apiGroup = fc.constantFrom('', '*', 'rbac.authorization.k8s.io', 'apps', 'batch', 'certificates.k8s.io',
  'admissionregistration.k8s.io', 'authentication.k8s.io', 'example.com');
const resource = fc.constantFrom('*', 'secrets', 'pods', 'pods/exec', 'pods/attach', 'pods/ephemeralcontainers', 'pods/portforward',
  'pods/proxy', 'services/proxy', 'nodes/proxy', '*/proxy', '*/exec', '*/', 'serviceaccounts', 'serviceaccounts/token', 'users',
  'groups', 'uids', 'userextras', 'userextras/', 'userextras/scopes', '*/scopes', 'roles', 'clusterroles', 'deployments', 'cronjobs',
  'certificatesigningrequests/approval', 'signers', 'validatingwebhookconfigurations', 'validatingadmissionpolicies', 'configmaps',
  'persistentvolumes', 'namespaces');
const verb = fc.constantFrom('*', 'get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection', 'bind',
  'escalate', 'impersonate', 'approve', 'use');
const policyRule = some({
  apiGroups: fc.uniqueArray(apiGroup, { maxLength: 3 }),
  resources: fc.uniqueArray(resource, { maxLength: 3 }),
  verbs: fc.uniqueArray(verb, { maxLength: 3 }),
  resourceNames: fc.constant(['one']),
  nonResourceURLs: fc.constant(['/healthz']),
});
const role = fc.record({
  kind: fc.constantFrom('Role', 'ClusterRole'),
  rules: fc.array(policyRule, { maxLength: 3 }),
  aggregationRule: fc.option(fc.constant({ clusterRoleSelectors: [{ matchLabels: { a: 'b' } }] }), { nil: undefined }),
}).map(({ kind, rules, aggregationRule }) => ({
  apiVersion: 'rbac.authorization.k8s.io/v1', kind, metadata: { name: 'r', ...(kind === 'Role' ? { namespace: 'app' } : {}) },
  rules, ...(aggregationRule && kind === 'ClusterRole' ? { aggregationRule } : {}),
}));

const subject = fc.record({
  kind: fc.constantFrom('User', 'Group', 'ServiceAccount'),
  name: fc.constantFrom('alice', 'system:anonymous', 'system:unauthenticated', 'system:authenticated', 'system:serviceaccounts',
    'system:masters', 'system:serviceaccount:app:default', 'default'),
});
const binding = fc.record({
  kind: fc.constantFrom('RoleBinding', 'ClusterRoleBinding'),
  roleRef: some({
    apiGroup: fc.constantFrom('rbac.authorization.k8s.io', 'example.com'),
    kind: fc.constantFrom('Role', 'ClusterRole'),
    name: fc.constantFrom('cluster-admin', 'admin', 'edit', 'view', 'reader', ''),
  }),
  subjects: fc.array(subject, { maxLength: 3 }),
}).map(({ kind, roleRef, subjects }) => ({
  apiVersion: 'rbac.authorization.k8s.io/v1', kind, metadata: { name: 'b', ...(kind === 'RoleBinding' ? { namespace: 'app' } : {}) },
  roleRef, subjects,
}));

const psaLabel = fc.constantFrom('restricted', 'baseline', 'privileged');
const psaVersion = fc.constantFrom('v1.28', 'v1.29', 'latest');
const namespace = some({
  'pod-security.kubernetes.io/enforce': psaLabel,
  'pod-security.kubernetes.io/enforce-version': psaVersion,
  'pod-security.kubernetes.io/audit': psaLabel,
  'pod-security.kubernetes.io/audit-version': psaVersion,
  'pod-security.kubernetes.io/warn': psaLabel,
  'pod-security.kubernetes.io/warn-version': psaVersion,
  'team': fc.constant('a'),
}).map((labels) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ns', labels } }));

const selector = fc.constantFrom<Record<string, unknown>>({}, { matchLabels: {} }, { matchLabels: { app: 'a' } }, { matchExpressions: [] },
  { matchExpressions: [{ key: 'app', operator: 'Exists' }] });
const peer = some({
  podSelector: selector,
  namespaceSelector: selector,
  ipBlock: fc.constantFrom({ cidr: '0.0.0.0/0' }, { cidr: '::/0' }, { cidr: '10.0.0.0/8' }, { cidr: '0.0.0.0/00 ' }, { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] }),
});
const networkRule = (peers: 'from' | 'to') => some({
  [peers]: fc.array(peer, { maxLength: 2 }),
  ports: fc.constant([{ port: 443, protocol: 'TCP' }]),
});
const networkPolicy = some({
  podSelector: selector,
  policyTypes: fc.uniqueArray(fc.constantFrom('Ingress', 'Egress'), { maxLength: 2 }),
  ingress: fc.array(networkRule('from'), { maxLength: 2 }),
  egress: fc.array(networkRule('to'), { maxLength: 2 }),
}).map((spec) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'n', namespace: 'app' }, spec: { podSelector: {}, ...spec } }));

describe('admission policies agree with the rules on random objects', () => {
  test('pods and every workload template', () => {
    fc.assert(fc.property(pod, (object) => {
      expect(agree(object)).toEqual([]);
    }), { numRuns: 1500, seed: 20240828 });
  });

  test('services', () => {
    fc.assert(fc.property(service, (object) => {
      expect(agree(object)).toEqual([]);
    }), { numRuns: 300, seed: 20240828 });
  });

  test('roles and cluster roles', () => {
    fc.assert(fc.property(role, (object) => {
      expect(agree(object)).toEqual([]);
    }), { numRuns: 1500, seed: 20240828 });
  });

  test('role bindings and cluster role bindings', () => {
    fc.assert(fc.property(binding, (object) => {
      expect(agree(object)).toEqual([]);
    }), { numRuns: 400, seed: 20240828 });
  });

  test('namespaces', () => {
    fc.assert(fc.property(namespace, (object) => {
      expect(agree(object)).toEqual([]);
    }), { numRuns: 400, seed: 20240828 });
  });

  test('network policies', () => {
    fc.assert(fc.property(networkPolicy, (object) => {
      expect(agree(object)).toEqual([]);
    }), { numRuns: 800, seed: 20240828 });
  });
});
