import { ApiObject } from 'cdk8s';
import * as k8s from '../imports/k8s';
import { Construct } from 'constructs';
import { checkDnsLabel, checkInt, checkLabels, emit, Labels, Refuse } from './common';
import {
  HardenedWorkload, LongRunningContainerProps, SecureContainerProps, SecurePodTemplateProps,
} from './pod-hardening';

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
  /** A ClusterIP Service selecting the pods. @default - no Service */
  readonly service?: WorkloadServiceProps;
}

/** A Deployment whose pods use the hardened template (see SecurePod), optionally with a ClusterIP Service. */
export class SecureDeployment extends HardenedWorkload {
  /** The Service, when `service` was given. */
  readonly service?: ApiObject;

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
    if (props.service) {
      this.service = workloadService(this, this.refuse, props.service, props.containers, { headless: false, workloadLabels: props.labels ?? {} });
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
}

/** A StatefulSet whose pods use the hardened template, with its governing Service and typed claim templates. */
export class SecureStatefulSet extends HardenedWorkload {
  /** The governing Service. */
  readonly service: ApiObject;

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
    this.service = workloadService(this, this.refuse, { ...props.service, name: serviceName, ports: props.service?.ports ?? [] }, props.containers, {
      headless: props.service?.headless ?? true,
      workloadLabels: props.labels ?? {},
    });
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
