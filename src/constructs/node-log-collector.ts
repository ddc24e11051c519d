import { ApiObject, JsonPatch } from 'cdk8s';
import * as k8s from '../imports/k8s';
import { Construct } from 'constructs';
import { annotateSuppression, checkDnsLabel, checkInt, emit, Labels, Refuse } from './common';
import { EgressAllowProps } from './default-deny-network';
import { LeastPrivilegeRole } from './least-privilege-role';
import { LockedDownNamespace } from './locked-down-namespace';
import { HardenedWorkload } from './pod-hardening';
import { ContainerResources, SecureProbe, SecurePodTemplateProps, SecureContainerProps } from './pod-props';

/**
 * The hardening guide's fluentd configuration (tail the container logs, print them), with the position file moved
 * off the node into the pod (an emptyDir) and fluentd's monitor_agent on 24220 for the probes.
 */
export const DEFAULT_FLUENTD_CONFIG = `<source>
  @type tail
  path /var/log/containers/*.log
  pos_file /var/lib/fluentd/positions/containers.log.pos
  tag kubernetes.*
  read_from_head true
  <parse>
    @type json
    time_key time
    time_format %Y-%m-%dT%H:%M:%S.%LZ
  </parse>
</source>

<source>
  @type monitor_agent
  bind 0.0.0.0
  port 24220
</source>

<match kubernetes.**>
  @type stdout
</match>
`;

/** The log folders of a node that the kubelet and the container runtime write (`/var/log/containers` links into `/var/log/pods`). */
export const DEFAULT_LOG_PATHS: readonly string[] = ['/var/log/containers', '/var/log/pods'];

/** Why each exception of the collector is taken: recorded as suppressions on the objects, and in docs/node-log-collector.md. */
export const LOG_COLLECTOR_REASONS = {
  namespace: 'node log collection reads the nodes\' log files through hostPath volumes, which every Pod Security level '
    + 'below privileged forbids; this namespace holds only the collector, whose every other control is hardened',
  hostPath: 'the collector reads the container logs the kubelet writes on each node; the hostPath volumes are exactly '
    + 'the log folders, of type Directory, mounted read-only',
} as const;

export interface NodeLogCollectorProps {
  /** The collector's own namespace, created here at Pod Security `privileged`. @default 'logging' */
  readonly namespace?: string;
  /** Name of the DaemonSet, its ServiceAccount, ClusterRole and ConfigMap prefix. @default 'node-log-collector' */
  readonly name?: string;
  /** The collector image (fluentd), pinned by tag or digest, e.g. `fluent/fluentd:v1.16.2-1.0`. */
  readonly image: string;
  /**
   * Absolute host folders to read, each mounted read-only at the same path (exactly these, nothing above them).
   * @default DEFAULT_LOG_PATHS (/var/log/containers and /var/log/pods, which its links point into)
   */
  readonly logPaths?: readonly string[];
  /** fluent.conf. @default DEFAULT_FLUENTD_CONFIG */
  readonly config?: string;
  /** Where fluent.conf is mounted (the fluentd image reads /fluentd/etc/fluent.conf). @default '/fluentd/etc' */
  readonly configMountPath?: string;
  /**
   * The group that may read the log files on the node. containerd and CRI-O write them `root:root` mode 0640, so the
   * collector runs as the non-root UID 10001 with this group as a supplemental group rather than as root.
   * @default 0
   */
  readonly hostLogGroup?: number;
  /** @default - requests 100m CPU / 200Mi, limits 500m / 500Mi */
  readonly resources?: ContainerResources;
  /** @default - httpGet /api/plugins.json on 24220 (fluentd's monitor_agent of the default config) */
  readonly livenessProbe?: SecureProbe;
  /** @default - as livenessProbe */
  readonly readinessProbe?: SecureProbe;
  /** Node taints to tolerate (a log collector usually runs on every node). @default - none */
  readonly tolerations?: readonly k8s.Toleration[];
  /** Egress the collector needs (the log store; the API server for pod metadata), as DefaultDenyNetwork.allowEgress takes it. @default - none (DNS only) */
  readonly egress?: readonly Omit<EgressAllowProps, 'pods'>[];
  /** Labels on every object. @default - none */
  readonly labels?: Labels;
}

const MONITOR_PORT = 24220;
const POSITIONS_PATH = '/var/lib/fluentd/positions';

/** The DaemonSet of the collector: the hardened pod template, with its hostPath volumes added through the escape hatch. */
class CollectorDaemonSet extends HardenedWorkload {
  constructor(scope: Construct, id: string, props: SecurePodTemplateProps & { containers: readonly SecureContainerProps[]; hostVolumes: readonly string[] }) {
    super(scope, id, props, {
      kind: 'DaemonSet',
      apiVersion: 'apps/v1',
      context: { longRunning: true, extraVolumes: props.hostVolumes },
      body: (template, selector) => ({
        spec: k8s.toJson_DaemonSetSpec({
          selector: { matchLabels: { ...selector } },
          template,
          updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: k8s.IntOrString.fromNumber(1) } },
        }),
      }),
    });
  }
}

/**
 * The guide's fluentd log collection, done as an exception should be: a DaemonSet in its own namespace, which runs
 * at Pod Security `privileged` (hostPath volumes are forbidden below it), with every other control hardened and
 * each exception recorded as a reasoned suppression:
 *
 * - hostPath volumes of exactly `logPaths`, type Directory, mounted read-only (suppressions of
 *   pss-restricted-volume-types and pss-baseline-host-path-volumes on the DaemonSet, and of namespace-psa-labels on
 *   the Namespace, each with its reason);
 * - non-root UID 10001 reading the root-owned logs through the supplemental group `hostLogGroup`; drop ALL
 *   capabilities, no privilege escalation, seccomp RuntimeDefault, read-only root filesystem (the position file in an
 *   emptyDir);
 * - no automounted token: a projected, expiring token of its own ServiceAccount, bound to a ClusterRole of exactly
 *   get/list/watch on pods and namespaces (for the kubernetes metadata of each log line);
 * - requests and limits, probes, a ResourceQuota, LimitRange and default-deny network (DNS and the `egress` given).
 */
export class NodeLogCollector extends Construct {
  readonly namespace: LockedDownNamespace;
  readonly daemonSet: HardenedWorkload;
  readonly configMap: ApiObject;
  readonly role: LeastPrivilegeRole;
  readonly egressPolicies: readonly ApiObject[];

  constructor(scope: Construct, id: string, props: NodeLogCollectorProps) {
    super(scope, id);
    const refuse = new Refuse('NodeLogCollector', id);
    const namespace = checkDnsLabel(refuse, 'namespace', props.namespace ?? 'logging');
    const name = checkDnsLabel(refuse, 'name', props.name ?? 'node-log-collector');
    const labels = props.labels ?? {};
    const logPaths = props.logPaths ?? DEFAULT_LOG_PATHS;
    if (!Array.isArray(logPaths) || logPaths.length === 0) {
      throw refuse.error('logPaths', 'logPaths is empty, so the collector would read nothing', 'list the host folders to read, e.g. ["/var/log/containers", "/var/log/pods"]');
    }
    logPaths.forEach((p, i) => {
      if (typeof p !== 'string' || !/^\/[^\0]*[^/]$/.test(p) || p.split('/').some((s) => s === '..' || s === '.') || /\/\//.test(p)) {
        throw refuse.error(`logPaths[${i}]`, `logPaths[${i}] ${JSON.stringify(p)} is not a normalised absolute path`, 'use e.g. "/var/log/pods" (no trailing slash, no "..")');
      }
      if (['/', '/var', '/etc', '/var/lib', '/var/run', '/run', '/proc', '/sys', '/root', '/home'].includes(p) || /^\/(etc|proc|sys|dev|root|run|var\/run|var\/lib\/kubelet)(\/|$)/.test(p)) {
        throw refuse.error(`logPaths[${i}]`, `logPaths[${i}] "${p}" reaches beyond log files (node configuration, credentials or sockets)`, 'mount only the log folders, e.g. "/var/log/pods"');
      }
      if (logPaths.indexOf(p) !== i) {
        throw refuse.error(`logPaths[${i}]`, `logPaths[${i}] "${p}" is listed twice`, 'list each folder once');
      }
    });
    const config = props.config ?? DEFAULT_FLUENTD_CONFIG;
    if (typeof config !== 'string' || config.trim() === '') {
      throw refuse.error('config', 'config is empty', 'give fluent.conf, or leave config unset for the default');
    }
    const hostLogGroup = checkInt(refuse, 'hostLogGroup', props.hostLogGroup ?? 0, 0, 2147483647, 'use the group that owns the node\'s log files (0 for containerd and CRI-O)');

    this.namespace = new LockedDownNamespace(this, 'Namespace', {
      name: namespace,
      labels,
      podSecurityException: { level: 'privileged', reason: LOG_COLLECTOR_REASONS.namespace },
    });

    const configName = `${name}-config`;
    this.configMap = emit(this, 'Config', {
      apiVersion: 'v1', kind: 'ConfigMap', name: configName, namespace, labels,
      body: { data: { 'fluent.conf': config } },
    });

    const hostVolumes = logPaths.map((_, i) => `host-log-${i}`);
    const probe: SecureProbe = { httpGet: { path: '/api/plugins.json', port: MONITOR_PORT }, initialDelaySeconds: 10, periodSeconds: 30 };
    this.daemonSet = new CollectorDaemonSet(this, 'DaemonSet', {
      name,
      namespace,
      labels,
      hostVolumes,
      volumes: [{ name: 'config', configMap: { name: configName } }],
      serviceAccountToken: { expirationSeconds: 3600 },
      ...(props.tolerations ? { tolerations: props.tolerations } : {}),
      containers: [{
        name: 'fluentd',
        image: props.image,
        ports: [{ name: 'monitor', containerPort: MONITOR_PORT }],
        resources: props.resources ?? { requests: { cpu: '100m', memory: '200Mi' }, limits: { cpu: '500m', memory: '500Mi' } },
        livenessProbe: props.livenessProbe ?? probe,
        readinessProbe: props.readinessProbe ?? props.livenessProbe ?? probe,
        writablePaths: ['/tmp', { path: POSITIONS_PATH, sizeLimit: '64Mi' }],
        volumeMounts: [
          { volume: 'config', mountPath: props.configMountPath ?? '/fluentd/etc', readOnly: true },
          ...logPaths.map((p, i) => ({ volume: hostVolumes[i], mountPath: p, readOnly: true })),
        ],
      }],
    });
    const ds = this.daemonSet.apiObject;
    // The exception, through the escape hatch: the hostPath volumes (exactly the log folders, read-only mounts
    // above) and the supplemental group that reads the root-owned log files. Synth judges the patched object.
    logPaths.forEach((p, i) => ds.addJsonPatch(JsonPatch.add('/spec/template/spec/volumes/-', { name: hostVolumes[i], hostPath: { path: p, type: 'Directory' } })));
    ds.addJsonPatch(JsonPatch.add('/spec/template/spec/securityContext/supplementalGroups', [hostLogGroup]));
    for (const rule of ['pss-restricted-volume-types', 'pss-baseline-host-path-volumes']) {
      annotateSuppression(refuse, ds, rule, LOG_COLLECTOR_REASONS.hostPath);
    }

    this.role = new LeastPrivilegeRole(this, 'Role', {
      name,
      namespace,
      labels,
      clusterRole: true,
      clusterWideBinding: true,
      rules: [
        { apiGroup: '', resource: 'pods', verbs: ['get', 'list', 'watch'] },
        { apiGroup: '', resource: 'namespaces', verbs: ['get', 'list', 'watch'] },
      ],
      subjects: [{ serviceAccountName: this.daemonSet.serviceAccountName, namespace }],
    });

    this.egressPolicies = (props.egress ?? []).map((e, i) => this.namespace.network.allowEgress(`${name}-egress-${i}`, { ...e, pods: this.daemonSet.selectorLabels }));
  }
}
