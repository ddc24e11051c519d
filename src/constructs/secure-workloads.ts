import { ApiObject } from 'cdk8s';
import * as k8s from '../imports/k8s';
import { Construct } from 'constructs';
import { checkDnsLabel, checkInt, checkLabels, emit, Labels, Refuse } from './common';
import { DefaultDenyNetwork } from './default-deny-network';
import { HardenedWorkload } from './pod-hardening';
import { LongRunningContainerProps, SecureContainerProps, SecurePodTemplateProps } from './pod-props';

// ---------------------------------------------------------------------------------------------------------
// Services
// ---------------------------------------------------------------------------------------------------------

export interface ServicePortProps {
  /** The port clients connect to. */
  readonly port: number;
  /** A container port number or name. @default - the same number as `port` */
  readonly targetPort?: number | string;
  /** Required when the Service has more than one port. @default - unnamed */
  readonly name?: string;
  /** @default 'TCP' */
  readonly protocol?: 'TCP' | 'UDP' | 'SCTP';
  /** e.g. `http`, `kubernetes.io/h2c`. @default - none */
  readonly appProtocol?: string;
}

/**
 * A Service in front of the workload's pods. Always `ClusterIP` (NodePort, LoadBalancer and externalIPs expose the
 * pods outside the cluster's network policy: put an Ingress or Gateway in front instead).
 */
export interface WorkloadServiceProps {
  /** @default - the workload's name */
  readonly name?: string;
  readonly ports: readonly ServicePortProps[];
  /** @default - the workload's labels */
  readonly labels?: Labels;
  /** @default - none */
  readonly annotations?: Labels;
}

function containerPorts(containers: readonly SecureContainerProps[]): { numbers: Set<number>; names: Set<string> } {
  const numbers = new Set<number>();
  const names = new Set<string>();
  for (const c of containers) {
    for (const p of c.ports ?? []) {
      numbers.add(p.containerPort);
      if (p.name) {
        names.add(p.name);
      }
    }
  }
  return { numbers, names };
}

/** Emits the ClusterIP (or headless) Service selecting a workload's pods. */
function workloadService(owner: HardenedWorkload, refuse: Refuse, props: WorkloadServiceProps, containers: readonly SecureContainerProps[], options: {
  headless: boolean;
  workloadLabels: Labels;
}): ApiObject {
  const name = checkDnsLabel(refuse, 'service.name', props.name ?? owner.name);
  const declared = containerPorts(containers);
  const ports = props.ports ?? [];
  if (ports.length === 0 && !options.headless) {
    throw refuse.error('service.ports', 'service.ports is empty', 'list the ports clients use, e.g. [{ port: 8080 }]');
  }
  const seen = new Set<string>();
  const kubePorts: k8s.ServicePort[] = ports.map((p, i) => {
    const where = `service.ports[${i}]`;
    checkInt(refuse, `${where}.port`, p.port, 1, 65535, 'use a port between 1 and 65535');
    if (ports.length > 1 && !p.name) {
      throw refuse.error(`${where}.name`, 'a Service with several ports needs a name on each', 'name every port, e.g. "http", "metrics"');
    }
    if (p.name !== undefined) {
      checkDnsLabel(refuse, `${where}.name`, p.name, 15);
    }
    const key = `${p.port}/${p.protocol ?? 'TCP'}`;
    if (seen.has(key)) {
      throw refuse.error(`${where}.port`, `port ${key} is listed twice`, 'list each port once');
    }
    seen.add(key);
    const target = p.targetPort ?? p.port;
    if (typeof target === 'number' ? !declared.numbers.has(target) : !declared.names.has(target)) {
      throw refuse.error(`${where}.targetPort`, `targetPort ${JSON.stringify(target)} is not a port any container declares, so the Service would send traffic nowhere`,
        'add it to a container\'s ports or point targetPort at a declared port');
    }
    return {
      port: p.port,
      targetPort: typeof target === 'number' ? k8s.IntOrString.fromNumber(target) : k8s.IntOrString.fromString(target),
      protocol: p.protocol ?? 'TCP',
      ...(p.name ? { name: p.name } : {}),
      ...(p.appProtocol ? { appProtocol: p.appProtocol } : {}),
    };
  });
  const spec: k8s.ServiceSpec = {
    type: 'ClusterIP',
    ...(options.headless ? { clusterIp: 'None' } : {}),
    selector: { ...owner.selectorLabels },
    ...(kubePorts.length ? { ports: kubePorts } : {}),
  };
  return emit(owner, 'Service', {
    apiVersion: 'v1',
    kind: 'Service',
    name,
    namespace: owner.namespace,
    labels: { ...checkLabels(refuse, 'service.labels', props.labels ?? options.workloadLabels), ...owner.selectorLabels },
    annotations: props.annotations,
    body: { spec: k8s.toJson_ServiceSpec(spec) },
  });
}

// ---------------------------------------------------------------------------------------------------------
// Metrics: a prometheus-operator ServiceMonitor, the Service port it scrapes, and the network rule that lets it in
// ---------------------------------------------------------------------------------------------------------

/**
 * Prometheus scrapes the workload through a `monitoring.coreos.com/v1` ServiceMonitor (prometheus-operator). The
 * metrics port becomes a named port of the workload's Service (the Service is created when the workload has none),
 * and the namespace's DefaultDenyNetwork (a LockedDownNamespace's) gets an ingress rule from the Prometheus namespace
 * to that port only.
 */
export interface WorkloadMetricsProps {
  /** The container port serving metrics: its name, or its number (the port must then have a name). */
  readonly port: string | number;
  /** HTTP path of the metrics. @default '/metrics' */
  readonly path?: string;
  /** Scrape interval, a Prometheus duration such as `30s` or `1m`. @default '30s' */
  readonly interval?: string;
  /** The namespace Prometheus runs in (allowed to reach the port). @default 'monitoring' */
  readonly prometheusNamespace?: string;
  /** Labels of the Prometheus pods there. @default - every pod of prometheusNamespace */
  readonly prometheusPods?: Labels;
  /** Labels of the ServiceMonitor (what the Prometheus' serviceMonitorSelector matches). @default - the workload's labels */
  readonly labels?: Labels;
  /**
   * The default-deny network the scrape rule is added to.
   * @default - the DefaultDenyNetwork (or LockedDownNamespace's) of the workload's namespace in this app, if one was created before the workload
   */
  readonly network?: DefaultDenyNetwork;
}

/** A Prometheus duration (prometheus-operator's pattern), not zero. */
const PROMETHEUS_DURATION = /^(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?$/;

interface ResolvedMetrics {
  readonly portName: string;
  readonly containerPort: number;
  readonly protocol: 'TCP' | 'UDP' | 'SCTP';
  readonly path: string;
  readonly interval: string;
  readonly prometheusNamespace: string;
  readonly prometheusPods?: Labels;
  readonly labels?: Labels;
  readonly network?: DefaultDenyNetwork;
}

function resolveMetrics(refuse: Refuse, metrics: WorkloadMetricsProps, containers: readonly SecureContainerProps[]): ResolvedMetrics {
  const ports = containers.flatMap((c) => c.ports ?? []);
  const port = typeof metrics.port === 'number' ? ports.find((p) => p.containerPort === metrics.port) : ports.find((p) => p.name === metrics.port);
  if (!port) {
    throw refuse.error('metrics.port', `metrics.port ${JSON.stringify(metrics.port)} is not a port any container declares, so Prometheus would scrape nothing`,
      'declare it in a container\'s ports, e.g. { name: "metrics", containerPort: 9090 }, and name it here');
  }
  if (!port.name) {
    throw refuse.error('metrics.port', `container port ${port.containerPort} has no name, and a ServiceMonitor selects the Service port by name`,
      'name the container port, e.g. { name: "metrics", containerPort: 9090 }');
  }
  if ((port.protocol ?? 'TCP') !== 'TCP') {
    throw refuse.error('metrics.port', `port "${port.name}" is ${port.protocol}, and Prometheus scrapes over TCP (HTTP)`, 'serve metrics on a TCP port');
  }
  const path = metrics.path ?? '/metrics';
  if (typeof path !== 'string' || !/^\/[\x21-\x7e]*$/.test(path)) {
    throw refuse.error('metrics.path', `metrics.path ${JSON.stringify(path)} is not an absolute URL path`, 'use e.g. "/metrics"');
  }
  const interval = metrics.interval ?? '30s';
  if (typeof interval !== 'string' || interval === '' || !PROMETHEUS_DURATION.test(interval) || !/[1-9]/.test(interval)) {
    throw refuse.error('metrics.interval', `metrics.interval ${JSON.stringify(interval)} is not a non-zero Prometheus duration`, 'use e.g. "30s" or "1m"');
  }
  const prometheusNamespace = checkDnsLabel(refuse, 'metrics.prometheusNamespace', metrics.prometheusNamespace ?? 'monitoring');
  return {
    portName: port.name,
    containerPort: port.containerPort,
    protocol: 'TCP',
    path,
    interval,
    prometheusNamespace,
    ...(metrics.prometheusPods !== undefined ? { prometheusPods: checkLabels(refuse, 'metrics.prometheusPods', metrics.prometheusPods) } : {}),
    ...(metrics.labels !== undefined ? { labels: checkLabels(refuse, 'metrics.labels', metrics.labels) } : {}),
    ...(metrics.network !== undefined ? { network: metrics.network } : {}),
  };
}

/** The Service props with the metrics port among the ports (added, named like the container port, when none targets it). */
function withMetricsPort(refuse: Refuse, service: WorkloadServiceProps | undefined, metrics: ResolvedMetrics): WorkloadServiceProps {
  const ports = service?.ports ?? [];
  const targeting = ports.find((p) => {
    const target = p.targetPort ?? p.port;
    return target === metrics.portName || target === metrics.containerPort;
  });
  if (targeting) {
    if (targeting.name === undefined) {
      throw refuse.error('service.ports', `the Service port ${targeting.port} that serves metrics has no name, and a ServiceMonitor selects Service ports by name`,
        `name it "${metrics.portName}"`);
    }
    return { ...service, ports };
  }
  if (ports.length === 1 && ports[0].name === undefined) {
    throw refuse.error('service.ports', 'adding the metrics port makes the Service have two ports, and each then needs a name', 'name the Service\'s port, e.g. "http"');
  }
  return { ...service, ports: [...ports, { name: metrics.portName, port: metrics.containerPort, targetPort: metrics.portName }] };
}

/** The metrics port's name on the Service. */
function servicePortName(service: WorkloadServiceProps, metrics: ResolvedMetrics): string {
  const port = service.ports.find((p) => (p.targetPort ?? p.port) === metrics.portName || (p.targetPort ?? p.port) === metrics.containerPort);
  return port!.name!;
}

/** Emits the ServiceMonitor and the network rule that lets Prometheus scrape. */
function emitMetrics(owner: HardenedWorkload, refuse: Refuse, metrics: ResolvedMetrics, service: WorkloadServiceProps, workloadLabels: Labels): { serviceMonitor: ApiObject; scrapePolicy?: ApiObject } {
  const serviceMonitor = emit(owner, 'ServiceMonitor', {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'ServiceMonitor',
    name: owner.name,
    namespace: owner.namespace,
    labels: { ...(metrics.labels ?? workloadLabels), ...owner.selectorLabels },
    body: {
      spec: {
        selector: { matchLabels: { ...owner.selectorLabels } },
        namespaceSelector: { matchNames: [owner.namespace] },
        endpoints: [{ port: servicePortName(service, metrics), path: metrics.path, interval: metrics.interval, scheme: 'http' }],
      },
    },
  });
  const network = metrics.network ?? findNetwork(owner, refuse);
  if (network !== undefined && network.namespace !== owner.namespace) {
    throw refuse.error('metrics.network',
      `metrics.network is the network of namespace "${network.namespace}", not of the workload's "${owner.namespace}"`, "pass the DefaultDenyNetwork of the workload's namespace");
  }
  const scrapePolicy = network?.allowIngress(`allow-prometheus-${owner.name}`.slice(0, 253), {
    pods: owner.selectorLabels,
    from: [{ namespace: metrics.prometheusNamespace, ...(metrics.prometheusPods ? { pods: metrics.prometheusPods } : {}) }],
    ports: [{ port: metrics.containerPort, protocol: metrics.protocol }],
  });
  return { serviceMonitor, ...(scrapePolicy ? { scrapePolicy } : {}) };
}

/** The DefaultDenyNetwork created (before `owner`) for the owner's namespace anywhere in the app. */
function findNetwork(owner: HardenedWorkload, refuse: Refuse): DefaultDenyNetwork | undefined {
  const found = owner.node.root.node.findAll().filter((c): c is DefaultDenyNetwork => c instanceof DefaultDenyNetwork && c.namespace === owner.namespace);
  if (found.length > 1) {
    throw refuse.error('metrics.network', `namespace "${owner.namespace}" has ${found.length} DefaultDenyNetworks, so which one gets the scrape rule is not clear`,
      'pass the one to use as metrics.network');
  }
  return found[0];
}

function checkReplicas(refuse: Refuse, replicas: number | undefined, fallback: number): number {
  return checkInt(refuse, 'replicas', replicas ?? fallback, 0, 10000, 'use a whole number of replicas');
}

// ---------------------------------------------------------------------------------------------------------
// Deployment
// ---------------------------------------------------------------------------------------------------------

export interface SecureDeploymentProps extends SecurePodTemplateProps {
  /** Each container needs livenessProbe and readinessProbe. */
  readonly containers: readonly LongRunningContainerProps[];
  /** @default 2 (one replica makes every rollout and node drain an outage) */
  readonly replicas?: number;
  /** @default - Kubernetes default (10) */
  readonly revisionHistoryLimit?: number;
  /** @default - Kubernetes default (0) */
  readonly minReadySeconds?: number;
  /** A ClusterIP Service selecting the pods. @default - no Service (one is created for `metrics`) */
  readonly service?: WorkloadServiceProps;
  /** Scrape the pods with Prometheus: a ServiceMonitor, the Service port and the network rule. @default - none */
  readonly metrics?: WorkloadMetricsProps;
}

/** A Deployment whose pods use the hardened template (see SecurePod), optionally with a ClusterIP Service. */
export class SecureDeployment extends HardenedWorkload {
  /** The Service, when `service` or `metrics` was given. */
  readonly service?: ApiObject;
  /** The ServiceMonitor, when `metrics` was given. */
  readonly serviceMonitor?: ApiObject;
  /** The NetworkPolicy letting Prometheus scrape, when `metrics` was given and the namespace has a DefaultDenyNetwork. */
  readonly scrapePolicy?: ApiObject;

  constructor(scope: Construct, id: string, props: SecureDeploymentProps) {
    const refuse = new Refuse('SecureDeployment', id, scope);
    const replicas = checkReplicas(refuse, props.replicas, 2);
    super(scope, id, props, {
      kind: 'Deployment',
      apiVersion: 'apps/v1',
      context: { longRunning: true },
      body: (template, selector) => ({
        spec: k8s.toJson_DeploymentSpec({
          replicas,
          selector: { matchLabels: { ...selector } },
          template,
          ...(props.revisionHistoryLimit !== undefined ? { revisionHistoryLimit: checkInt(refuse, 'revisionHistoryLimit', props.revisionHistoryLimit, 0, 1000, 'use a small whole number') } : {}),
          ...(props.minReadySeconds !== undefined ? { minReadySeconds: checkInt(refuse, 'minReadySeconds', props.minReadySeconds, 0, 86400, 'use a number of seconds') } : {}),
        }),
      }),
    });
    const metrics = props.metrics !== undefined ? resolveMetrics(this.refuse, props.metrics, props.containers) : undefined;
    const service = metrics !== undefined ? withMetricsPort(this.refuse, props.service, metrics) : props.service;
    if (service) {
      this.service = workloadService(this, this.refuse, service, props.containers, { headless: false, workloadLabels: props.labels ?? {} });
    }
    if (metrics !== undefined && service !== undefined) {
      const out = emitMetrics(this, this.refuse, metrics, service, props.labels ?? {});
      this.serviceMonitor = out.serviceMonitor;
      this.scrapePolicy = out.scrapePolicy;
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// StatefulSet
// ---------------------------------------------------------------------------------------------------------

/** A PersistentVolumeClaim template: each replica gets its own volume, mountable by `volumeMounts[].volume`. */
export interface VolumeClaimTemplateProps {
  /** The volume name containers mount. */
  readonly name: string;
  /** Requested size, e.g. `10Gi`. */
  readonly storage: string;
  /** @default - the cluster's default StorageClass */
  readonly storageClassName?: string;
  /** @default ['ReadWriteOnce'] */
  readonly accessModes?: readonly ('ReadWriteOnce' | 'ReadOnlyMany' | 'ReadWriteMany' | 'ReadWriteOncePod')[];
}

export interface SecureStatefulSetProps extends SecurePodTemplateProps {
  /** Each container needs livenessProbe and readinessProbe. */
  readonly containers: readonly LongRunningContainerProps[];
  /** @default 1 */
  readonly replicas?: number;
  /** @default - none */
  readonly volumeClaimTemplates?: readonly VolumeClaimTemplateProps[];
  /**
   * The governing Service (always emitted: `spec.serviceName` names it). Headless by default, so each replica
   * gets a stable DNS name.
   * @default - a headless Service named like the StatefulSet, without ports
   */
  readonly service?: WorkloadServiceProps & {
    /** @default true */
    readonly headless?: boolean;
  };
  /** @default - Kubernetes default (OrderedReady) */
  readonly podManagementPolicy?: 'OrderedReady' | 'Parallel';
  /** Scrape the pods with Prometheus: a ServiceMonitor, the governing Service's port and the network rule. @default - none */
  readonly metrics?: WorkloadMetricsProps;
}

/** A StatefulSet whose pods use the hardened template, with its governing Service and typed claim templates. */
export class SecureStatefulSet extends HardenedWorkload {
  /** The governing Service. */
  readonly service: ApiObject;
  /** The ServiceMonitor, when `metrics` was given. */
  readonly serviceMonitor?: ApiObject;
  /** The NetworkPolicy letting Prometheus scrape, when `metrics` was given and the namespace has a DefaultDenyNetwork. */
  readonly scrapePolicy?: ApiObject;

  constructor(scope: Construct, id: string, props: SecureStatefulSetProps) {
    const refuse = new Refuse('SecureStatefulSet', id, scope);
    const replicas = checkReplicas(refuse, props.replicas, 1);
    const serviceName = checkDnsLabel(refuse, 'service.name', props.service?.name ?? props.name ?? id);
    const claims = (props.volumeClaimTemplates ?? []).map((c, i): k8s.KubePersistentVolumeClaimProps => {
      const where = `volumeClaimTemplates[${i}]`;
      checkDnsLabel(refuse, `${where}.name`, c.name);
      if (!/^\d+(\.\d+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$/.test(String(c.storage))) {
        throw refuse.error(`${where}.storage`, `${where}.storage "${String(c.storage)}" is not a quantity`, 'use e.g. "10Gi"');
      }
      return {
        metadata: { name: c.name },
        spec: {
          accessModes: [...(c.accessModes ?? ['ReadWriteOnce'])],
          resources: { requests: { storage: k8s.Quantity.fromString(c.storage) } },
          ...(c.storageClassName ? { storageClassName: c.storageClassName } : {}),
        },
      };
    });
    super(scope, id, props, {
      kind: 'StatefulSet',
      apiVersion: 'apps/v1',
      context: { longRunning: true, extraVolumes: claims.map((c) => c.metadata!.name!) },
      body: (template, selector) => ({
        spec: k8s.toJson_StatefulSetSpec({
          replicas,
          serviceName,
          selector: { matchLabels: { ...selector } },
          template,
          ...(claims.length ? { volumeClaimTemplates: claims } : {}),
          ...(props.podManagementPolicy ? { podManagementPolicy: props.podManagementPolicy } : {}),
        }),
      }),
    });
    const metrics = props.metrics !== undefined ? resolveMetrics(this.refuse, props.metrics, props.containers) : undefined;
    const base: WorkloadServiceProps = { ...props.service, name: serviceName, ports: props.service?.ports ?? [] };
    const service = metrics !== undefined ? withMetricsPort(this.refuse, base, metrics) : base;
    this.service = workloadService(this, this.refuse, service, props.containers, {
      headless: props.service?.headless ?? true,
      workloadLabels: props.labels ?? {},
    });
    if (metrics !== undefined) {
      const out = emitMetrics(this, this.refuse, metrics, service, props.labels ?? {});
      this.serviceMonitor = out.serviceMonitor;
      this.scrapePolicy = out.scrapePolicy;
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// Job and CronJob
// ---------------------------------------------------------------------------------------------------------

export interface SecureJobOptions {
  /** @default 'Never' */
  readonly restartPolicy?: 'Never' | 'OnFailure';
  /** @default 3 */
  readonly backoffLimit?: number;
  /** A deadline for the whole Job. @default - none */
  readonly activeDeadlineSeconds?: number;
  /** Delete the finished Job (and its pods) after this many seconds. @default - kept */
  readonly ttlSecondsAfterFinished?: number;
}

export interface SecureJobProps extends SecurePodTemplateProps, SecureJobOptions {
  /** Probes are optional: a Job runs to completion. */
  readonly containers: readonly SecureContainerProps[];
}

function jobSpec(refuse: Refuse, props: SecureJobOptions, template: k8s.PodTemplateSpec): k8s.JobSpec {
  return {
    backoffLimit: checkInt(refuse, 'backoffLimit', props.backoffLimit ?? 3, 0, 1000, 'use a small whole number'),
    ...(props.activeDeadlineSeconds !== undefined ? { activeDeadlineSeconds: checkInt(refuse, 'activeDeadlineSeconds', props.activeDeadlineSeconds, 1, 31536000, 'use a number of seconds') } : {}),
    ...(props.ttlSecondsAfterFinished !== undefined ? { ttlSecondsAfterFinished: checkInt(refuse, 'ttlSecondsAfterFinished', props.ttlSecondsAfterFinished, 0, 31536000, 'use a number of seconds') } : {}),
    template,
  };
}

function checkRestartPolicy(refuse: Refuse, policy: string | undefined): 'Never' | 'OnFailure' {
  const value = policy ?? 'Never';
  if (value !== 'Never' && value !== 'OnFailure') {
    throw refuse.error('restartPolicy', `restartPolicy "${value}" is not allowed for Job pods`, 'use "Never" (the default) or "OnFailure"');
  }
  return value;
}

/** A Job whose pod uses the hardened template. */
export class SecureJob extends HardenedWorkload {
  constructor(scope: Construct, id: string, props: SecureJobProps) {
    const refuse = new Refuse('SecureJob', id, scope);
    const restartPolicy = checkRestartPolicy(refuse, props.restartPolicy);
    super(scope, id, props, {
      kind: 'Job',
      apiVersion: 'batch/v1',
      context: { longRunning: false, restartPolicy },
      body: (template) => ({ spec: k8s.toJson_JobSpec(jobSpec(refuse, props, template)) }),
    });
  }
}

export interface SecureCronJobProps extends SecureJobProps {
  /** Cron schedule (`"0 3 * * *"` or `@daily`); use `timeZone`, not `TZ=`, for a time zone. */
  readonly schedule: string;
  /** IANA time zone, e.g. `Europe/Berlin`. @default - the controller's time zone */
  readonly timeZone?: string;
  /** @default 'Forbid' (overlapping runs of a batch job rarely do what anyone wants) */
  readonly concurrencyPolicy?: 'Forbid' | 'Replace' | 'Allow';
  /** @default - Kubernetes default (3) */
  readonly successfulJobsHistoryLimit?: number;
  /** @default - Kubernetes default (1) */
  readonly failedJobsHistoryLimit?: number;
  /** @default - none */
  readonly startingDeadlineSeconds?: number;
  /** @default false */
  readonly suspend?: boolean;
}

const MACROS = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'];

/** A CronJob whose job pods use the hardened template. Its name is at most 52 characters. */
export class SecureCronJob extends HardenedWorkload {
  constructor(scope: Construct, id: string, props: SecureCronJobProps) {
    const refuse = new Refuse('SecureCronJob', id, scope);
    const restartPolicy = checkRestartPolicy(refuse, props.restartPolicy);
    const schedule = typeof props.schedule === 'string' ? props.schedule.trim() : '';
    if (/TZ=/.test(schedule)) {
      throw refuse.error('schedule', `schedule "${schedule}" sets a time zone inline, which Kubernetes 1.28 rejects`, 'move it to timeZone, e.g. timeZone: "Europe/Berlin"');
    }
    if (!(MACROS.includes(schedule) || /^@every\s+\S+$/.test(schedule) || schedule.split(/\s+/).length === 5)) {
      throw refuse.error('schedule', `schedule "${schedule}" is not a cron expression`, 'use five fields ("0 3 * * *") or a macro such as @daily');
    }
    const limit = (prop: 'successfulJobsHistoryLimit' | 'failedJobsHistoryLimit') =>
      (props[prop] !== undefined ? { [prop]: checkInt(refuse, prop, props[prop]!, 0, 100, 'use a small whole number') } : {});
    super(scope, id, props, {
      kind: 'CronJob',
      apiVersion: 'batch/v1',
      context: { longRunning: false, restartPolicy },
      body: (template, selector) => ({
        spec: k8s.toJson_CronJobSpec({
          schedule,
          concurrencyPolicy: props.concurrencyPolicy ?? 'Forbid',
          ...(props.timeZone ? { timeZone: props.timeZone } : {}),
          ...limit('successfulJobsHistoryLimit'),
          ...limit('failedJobsHistoryLimit'),
          ...(props.startingDeadlineSeconds !== undefined ? { startingDeadlineSeconds: checkInt(refuse, 'startingDeadlineSeconds', props.startingDeadlineSeconds, 1, 31536000, 'use a number of seconds') } : {}),
          ...(props.suspend !== undefined ? { suspend: props.suspend } : {}),
          jobTemplate: { metadata: { labels: { ...selector } }, spec: jobSpec(refuse, props, template) },
        }),
      }),
    });
  }
}
