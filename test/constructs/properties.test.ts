import * as fc from 'fast-check';
import {
  HardeningError, LeastPrivilegeRole, rbacRisks, RoleRule, SecureCronJob, SecureDeployment,
  SecureJob, SecurePod, SecureStatefulSet,
} from '../../src/constructs';
import { hardenedChart, problems } from './support';

/** 50 by default (fast); FC_RUNS=1000 for a deeper search. */
const RUNS = { numRuns: Number(process.env.FC_RUNS ?? 50) };

// ---------------------------------------------------------------------------------------------------------
// Arbitraries of valid props
// ---------------------------------------------------------------------------------------------------------

const dnsLabel = fc.stringMatching(/^[a-z][a-z0-9-]{0,18}[a-z0-9]$/);
const HEX = fc.constantFrom(...'0123456789abcdef'.split(''));
const digest = fc.string({ unit: HEX, minLength: 64, maxLength: 64 }).map((h) => `sha256:${h}`);
const repository = fc.constantFrom('nginx', 'registry.example.com/team/api', 'ghcr.io/acme/worker', 'localhost:5000/tools/cli');
const version = fc.tuple(fc.nat(30), fc.nat(30), fc.nat(30)).map(([a, b, c]) => `${a}.${b}.${c}`);
const image = fc.oneof(
  fc.tuple(repository, version).map(([r, v]) => `${r}:${v}`),
  fc.tuple(repository, digest).map(([r, d]) => `${r}@${d}`),
  fc.tuple(repository, version, digest).map(([r, v, d]) => `${r}:${v}@${d}`),
);
const resources = fc.record({
  cpu: fc.integer({ min: 10, max: 2000 }),
  cpuExtra: fc.integer({ min: 0, max: 2000 }),
  mem: fc.integer({ min: 16, max: 4096 }),
  memExtra: fc.integer({ min: 0, max: 4096 }),
}).map(({ cpu, cpuExtra, mem, memExtra }) => ({
  requests: { cpu: `${cpu}m`, memory: `${mem}Mi` },
  limits: { cpu: `${cpu + cpuExtra}m`, memory: `${mem + memExtra}Mi` },
}));
const port = fc.integer({ min: 1024, max: 65535 });
const probe = (p: number) => fc.oneof(
  fc.constant({ httpGet: { path: '/healthz', port: p } }),
  fc.constant({ tcpSocket: { port: p } }),
  fc.constant({ exec: { command: ['/bin/check', '--quick'] } }),
  fc.constant({ grpc: { port: p } }),
).chain((handler) => fc.record({ periodSeconds: fc.integer({ min: 1, max: 60 }) }).map((timing) => ({ ...handler, ...timing })));
const writablePaths = fc.subarray(['/tmp', '/var/cache/app', '/run/app', '/home/app/.cache']);
const env = fc.dictionary(fc.constantFrom('LOG_LEVEL', 'PORT', 'APP_MODE', 'FEATURE_FLAGS', 'REGION'), fc.stringMatching(/^[a-z0-9.-]{0,12}$/), { maxKeys: 3 });
const identity = fc.option(fc.record({
  runAsUser: fc.integer({ min: 10000, max: 2_000_000_000 }),
  runAsGroup: fc.integer({ min: 10000, max: 2_000_000_000 }),
  fsGroup: fc.integer({ min: 10000, max: 2_000_000_000 }),
}), { nil: undefined });

const longRunningContainer = (name: string) => port.chain((p) => fc.record({
  name: fc.constant(name),
  image,
  ports: fc.constant([{ containerPort: p, name: 'main' }]),
  resources,
  livenessProbe: probe(p),
  readinessProbe: probe(p),
  writablePaths,
  env,
  addCapabilities: fc.constantFrom(undefined, ['NET_BIND_SERVICE' as const]),
}));
const batchContainer = (name: string) => fc.record({ name: fc.constant(name), image, resources, writablePaths, env, command: fc.constant(['/bin/run']) });
const containers = <T>(make: (name: string) => fc.Arbitrary<T>) =>
  fc.uniqueArray(dnsLabel, { minLength: 1, maxLength: 3 }).chain((names) => fc.tuple(...names.map(make)));

const workload = fc.oneof(
  fc.record({ kind: fc.constant('Deployment' as const), name: dnsLabel, replicas: fc.integer({ min: 0, max: 5 }), identity, containers: containers(longRunningContainer), service: fc.boolean() }),
  fc.record({ kind: fc.constant('StatefulSet' as const), name: dnsLabel, replicas: fc.integer({ min: 0, max: 5 }), identity, containers: containers(longRunningContainer), storage: fc.integer({ min: 1, max: 100 }) }),
  fc.record({ kind: fc.constant('Job' as const), name: dnsLabel, identity, containers: containers(batchContainer), backoffLimit: fc.integer({ min: 0, max: 10 }) }),
  fc.record({ kind: fc.constant('CronJob' as const), name: dnsLabel, identity, containers: containers(batchContainer), schedule: fc.constantFrom('@daily', '*/5 * * * *', '0 3 * * 1-5') }),
  fc.record({ kind: fc.constant('Pod' as const), name: dnsLabel, identity, containers: containers(longRunningContainer) }),
);

/** Props as generated, plus whatever a mutation adds (loosely typed on purpose: mutations go beyond the types). */
type Workload = Record<string, any>;

function build(w: Workload) {
  const fixture = hardenedChart('team-a');
  const { chart } = fixture;
  const common = { name: w.name, identity: w.identity, volumes: w.volumes, namespace: w.namespace };
  switch (w.kind) {
    case 'Deployment': {
      const first = w.containers[0];
      new SecureDeployment(chart, 'w', {
        ...common, replicas: w.replicas, containers: w.containers,
        service: w.service && first.ports ? { ports: [{ port: 80, targetPort: first.ports[0].containerPort }] } : undefined,
      });
      break;
    }
    case 'StatefulSet': {
      const [first, ...rest] = w.containers;
      new SecureStatefulSet(chart, 'w', {
        ...common, replicas: w.replicas,
        containers: [{ ...first, volumeMounts: [{ volume: 'data', mountPath: '/data' }] }, ...rest],
        volumeClaimTemplates: [{ name: 'data', storage: `${w.storage}Gi` }],
      });
      break;
    }
    case 'Job':
      new SecureJob(chart, 'w', { ...common, containers: w.containers, backoffLimit: w.backoffLimit });
      break;
    case 'CronJob':
      new SecureCronJob(chart, 'w', { ...common, containers: w.containers, schedule: w.schedule });
      break;
    case 'Pod':
      new SecurePod(chart, 'w', { ...common, containers: w.containers });
      break;
  }
  return fixture;
}

describe('properties', () => {
  test('valid props never yield an error or warning finding under the hardened profile', () => {
    fc.assert(fc.property(workload, (w) => {
      const { app } = build(w);
      expect(problems(app)).toEqual([]);
    }), RUNS);
  });

  // -------------------------------------------------------------------------------------------------------
  // Forbidden props always throw, naming the prop
  // -------------------------------------------------------------------------------------------------------

  type Mutation = { readonly name: string; readonly prop: RegExp; apply(w: Workload): Workload };
  const onFirstContainer = (patch: Record<string, unknown>) => (w: Workload): Workload =>
    ({ ...w, containers: [{ ...w.containers[0], ...patch }, ...w.containers.slice(1)] });
  const mutations: Mutation[] = [
    { name: 'latest tag', prop: /image ".*:latest" uses the mutable tag latest/, apply: onFirstContainer({ image: 'nginx:latest' }) },
    { name: 'no tag', prop: /image "registry.example.com\/app" has no tag/, apply: onFirstContainer({ image: 'registry.example.com/app' }) },
    { name: 'malformed digest', prop: /malformed digest/, apply: onFirstContainer({ image: 'nginx@sha256:1234' }) },
    { name: 'pull IfNotPresent on a tag', prop: /imagePullPolicy "IfNotPresent" with the mutable tag/, apply: onFirstContainer({ image: 'nginx:1.27.2', imagePullPolicy: 'IfNotPresent' }) },
    { name: 'pull Never', prop: /imagePullPolicy "Never"/, apply: onFirstContainer({ imagePullPolicy: 'Never' }) },
    { name: 'root user', prop: /identity\.runAsUser 0/, apply: (w) => ({ ...w, identity: { runAsUser: 0 } }) },
    { name: 'root group', prop: /identity\.runAsGroup 0/, apply: (w) => ({ ...w, identity: { runAsGroup: 0 } }) },
    { name: 'root fsGroup', prop: /identity\.fsGroup 0/, apply: (w) => ({ ...w, identity: { fsGroup: 0 } }) },
    { name: 'dangerous capability', prop: /containers\[0\]\.addCapabilities|capability (SYS_ADMIN|NET_ADMIN|NET_RAW|ALL) is not allowed/, apply: onFirstContainer({ addCapabilities: ['SYS_ADMIN'] }) },
    { name: 'no resources', prop: /containers\[0\]\.resources must set requests and limits/, apply: onFirstContainer({ resources: undefined }) },
    { name: 'no cpu limit', prop: /cpu limit is missing/, apply: (w) => onFirstContainer({ resources: { requests: w.containers[0].resources.requests, limits: { memory: '1Gi' } } })(w) },
    { name: 'secret in env', prop: /reads a Secret into an environment variable/, apply: onFirstContainer({ env: { TOKEN: { secretKeyRef: { name: 's', key: 'k' } } } }) },
    { name: 'hostPath volume', prop: /hostPath and other node-level volumes are refused/, apply: (w) => ({ ...w, volumes: [{ name: 'h', hostPath: { path: '/var/run' } }] }) },
  ];

  test('forbidden props always throw a HardeningError naming the prop and the risk', () => {
    fc.assert(fc.property(workload, fc.constantFrom(...mutations), (w, mutation) => {
      expect(() => build(mutation.apply(w))).toThrow(HardeningError);
      expect(() => build(mutation.apply(w))).toThrow(mutation.prop);
    }), RUNS);
  });

  test('long-running workloads without a probe always throw', () => {
    const longRunning = workload.filter((w) => w.kind === 'Deployment' || w.kind === 'StatefulSet' || w.kind === 'Pod');
    fc.assert(fc.property(longRunning, fc.constantFrom('livenessProbe', 'readinessProbe'), (w, probeName) => {
      expect(() => build(onFirstContainer({ [probeName]: undefined })(w))).toThrow(new RegExp(`${probeName} is missing on a long-running container`));
    }), RUNS);
  });

  test('the default namespace is always refused', () => {
    fc.assert(fc.property(workload, (w) => {
      expect(() => build({ ...w, namespace: 'default' })).toThrow(/namespace "default" has no Pod Security labels/);
    }), { numRuns: 20 });
  });

  // -------------------------------------------------------------------------------------------------------
  // RBAC and network
  // -------------------------------------------------------------------------------------------------------

  const safeRule: fc.Arbitrary<RoleRule> = fc.oneof(
    fc.record({ apiGroup: fc.constant(''), resource: fc.constantFrom('pods', 'services', 'configmaps', 'endpoints', 'pods/log', 'events'), verbs: fc.subarray(['get', 'list', 'watch'] as const, { minLength: 1 }) }),
    fc.record({ apiGroup: fc.constant(''), resource: fc.constant('configmaps'), verbs: fc.subarray(['get', 'update', 'patch'] as const, { minLength: 1 }), resourceNames: fc.constant(['app-config']) }),
    fc.record({ apiGroup: fc.constantFrom('apps', 'batch'), resource: fc.constantFrom('deployments', 'jobs', 'statefulsets'), verbs: fc.subarray(['get', 'list', 'watch'] as const, { minLength: 1 }) }),
  );
  const anyRule: fc.Arbitrary<RoleRule> = fc.record({
    apiGroup: fc.constantFrom('', '*', 'apps', 'batch', 'rbac.authorization.k8s.io', 'certificates.k8s.io', 'admissionregistration.k8s.io'),
    resource: fc.constantFrom('*', 'pods', 'secrets', 'pods/exec', 'pods/attach', 'pods/portforward', 'nodes/proxy', 'serviceaccounts', 'serviceaccounts/token',
      'deployments', 'roles', 'clusterroles', 'certificatesigningrequests/approval', 'signers', 'mutatingwebhookconfigurations', 'namespaces', 'persistentvolumes'),
    verbs: fc.subarray(['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'escalate', 'bind', 'impersonate', 'approve', '*'] as const, { minLength: 1 }),
  });

  test('roles of safe rules pass; risky rules throw unless every risk is accepted, and then pass', () => {
    fc.assert(fc.property(fc.array(safeRule, { minLength: 1, maxLength: 4 }), fc.array(anyRule, { maxLength: 2 }), (safe, extra) => {
      const { app, chart } = hardenedChart();
      const api = new SecureDeployment(chart, 'api', {
        containers: [{ name: 'api', image: 'nginx:1.27.2', resources: { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } }, livenessProbe: { tcpSocket: { port: 8080 } }, readinessProbe: { tcpSocket: { port: 8080 } } }],
      });
      new LeastPrivilegeRole(chart, 'safe', { rules: safe, subjects: [api] });
      const rules = [...safe, ...extra];
      const risks = [...new Set(rbacRisks(rules).map((r) => r.risk))];
      if (risks.length) {
        expect(() => new LeastPrivilegeRole(chart, 'risky', { rules, subjects: [api] })).toThrow(/acceptRisks/);
        new LeastPrivilegeRole(chart, 'accepted', { rules, subjects: [api], acceptRisks: risks.map((risk) => ({ risk, reason: `reviewed in SEC-42 for ${risk}` })) });
      }
      expect(problems(app).filter((p) => p.startsWith('error'))).toEqual([]);
    }), RUNS);
  });

  test('typed allow rules between random namespaces and pods pass the hardened profile', () => {
    const labels = fc.dictionary(fc.constantFrom('app', 'tier', 'app.kubernetes.io/name'), dnsLabel, { minKeys: 1, maxKeys: 2 });
    fc.assert(fc.property(dnsLabel, labels, fc.array(fc.record({ port, protocol: fc.constantFrom('TCP' as const, 'UDP' as const) }), { minLength: 1, maxLength: 3 }), fc.boolean(),
      (peerNamespace, peerPods, ports, withCidr) => {
        const { app, chart, ns } = hardenedChart();
        const api = new SecureDeployment(chart, 'api', {
          containers: [{ name: 'api', image: 'nginx:1.27.2', resources: { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } }, livenessProbe: { tcpSocket: { port: 8080 } }, readinessProbe: { tcpSocket: { port: 8080 } } }],
        });
        ns.network.allowIngress('in', { pods: api.selectorLabels, from: [{ namespace: peerNamespace, pods: peerPods }], ports });
        ns.network.allowEgress('out', { pods: api.selectorLabels, to: withCidr ? [{ cidr: '10.20.0.0/16' }] : [{ namespace: peerNamespace }], ports });
        expect(problems(app).filter((p) => p.startsWith('error'))).toEqual([]);
      }), RUNS);
  });
});
