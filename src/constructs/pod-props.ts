/**
 * The props of every construct that owns a pod template: what a user may say about containers, probes, volumes,
 * identity and ServiceAccount (types only; checked in pod-checks.ts, built in pod-template.ts).
 */
import * as k8s from '../imports/k8s';
import { Labels, ObjectMetaProps } from './common';

/** CPU and memory, as Kubernetes quantities (`250m`, `1`, `256Mi`, `1Gi`). */
export interface ResourceQuantities {
  readonly cpu: string;
  readonly memory: string;
  /**
   * Scratch space the container may use on the node.
   * @default - not set
   */
  readonly ephemeralStorage?: string;
}

/** Requests and limits are both required: a container without them can starve its node. */
export interface ContainerResources {
  readonly requests: ResourceQuantities;
  readonly limits: ResourceQuantities;
}

/** Timing shared by every probe. */
export interface ProbeTiming {
  /** @default - Kubernetes default (0) */
  readonly initialDelaySeconds?: number;
  /** @default - Kubernetes default (10) */
  readonly periodSeconds?: number;
  /** @default - Kubernetes default (1) */
  readonly timeoutSeconds?: number;
  /** @default - Kubernetes default (3) */
  readonly failureThreshold?: number;
  /** Must be 1 for liveness and startup probes. @default - Kubernetes default (1) */
  readonly successThreshold?: number;
}

export interface HttpGetProbe extends ProbeTiming {
  readonly httpGet: { readonly path: string; readonly port: number | string; readonly scheme?: 'HTTP' | 'HTTPS' };
}
export interface TcpSocketProbe extends ProbeTiming {
  readonly tcpSocket: { readonly port: number | string };
}
export interface ExecProbe extends ProbeTiming {
  readonly exec: { readonly command: readonly string[] };
}
export interface GrpcProbe extends ProbeTiming {
  readonly grpc: { readonly port: number; readonly service?: string };
}
/** A probe with exactly one handler. */
export type SecureProbe = HttpGetProbe | TcpSocketProbe | ExecProbe | GrpcProbe;

export interface ContainerPortProps {
  readonly containerPort: number;
  /** IANA service name (at most 15 characters), referable from Services and probes. @default - unnamed */
  readonly name?: string;
  /** @default 'TCP' */
  readonly protocol?: 'TCP' | 'UDP' | 'SCTP';
}

/**
 * An environment variable's value: a literal, a ConfigMap key, or a field of the pod. Secret references are not
 * offered (they leak through `/proc/<pid>/environ`, crash dumps and logs): mount the Secret as a file instead.
 */
export type EnvValue =
  | string
  | { readonly configMapKeyRef: { readonly name: string; readonly key: string; readonly optional?: boolean } }
  | { readonly fieldRef: { readonly fieldPath: string } }
  | { readonly resourceFieldRef: { readonly resource: string; readonly containerName?: string } };

/** A writable directory on a read-only root filesystem: an `emptyDir` mounted at `path`. */
export interface WritablePath {
  readonly path: string;
  /** @default '512Mi' */
  readonly sizeLimit?: string;
  /** `Memory` for a tmpfs (counts against the memory limit). @default - node disk */
  readonly medium?: 'Memory';
}

/** Mounts a pod volume (from `volumes` or, in a StatefulSet, a claim template) into the container. */
export interface VolumeMountProps {
  /** The name of a volume in `volumes` (or `volumeClaimTemplates`). */
  readonly volume: string;
  readonly mountPath: string;
  /** @default false (true for secret, configMap and token volumes) */
  readonly readOnly?: boolean;
  /** @default - the whole volume */
  readonly subPath?: string;
}

/** A container of a Job, CronJob, init container list or run-to-completion Pod: probes are optional. */
export interface SecureContainerProps {
  /** DNS label, unique in the pod. */
  readonly name: string;
  /** `registry/app:tag` or `registry/app@sha256:<digest>`; `latest` and untagged images are refused. */
  readonly image: string;
  /**
   * `Always` re-resolves the tag on every start; `IfNotPresent` is accepted only for digest-pinned images.
   * @default - `IfNotPresent` for a digest, `Always` for a tag
   */
  readonly imagePullPolicy?: 'Always' | 'IfNotPresent';
  /** @default - the image's entrypoint */
  readonly command?: readonly string[];
  /** @default - the image's cmd */
  readonly args?: readonly string[];
  /** @default - the image's */
  readonly workingDir?: string;
  /** @default - no ports */
  readonly ports?: readonly ContainerPortProps[];
  /** @default - no variables */
  readonly env?: Readonly<Record<string, EnvValue>>;
  /** CPU and memory requests and limits: required. */
  readonly resources: ContainerResources;
  /** @default - none (required on long-running workloads) */
  readonly livenessProbe?: SecureProbe;
  /** @default - none (required on long-running workloads) */
  readonly readinessProbe?: SecureProbe;
  /** @default - none */
  readonly startupProbe?: SecureProbe;
  /**
   * Directories the app writes to. The root filesystem is read-only; each path gets its own `emptyDir`.
   * @default - none
   */
  readonly writablePaths?: readonly (string | WritablePath)[];
  /** @default - none */
  readonly volumeMounts?: readonly VolumeMountProps[];
  /**
   * Capabilities to add after dropping ALL. Only NET_BIND_SERVICE is allowed by Pod Security "restricted"
   * (and a non-root process needs it only for ports below 1024: prefer a port >= 1024).
   * @default - none
   */
  readonly addCapabilities?: readonly 'NET_BIND_SERVICE'[];
}

/** A container of a long-running workload (Deployment, StatefulSet, restartPolicy Always Pod): probes required. */
export interface LongRunningContainerProps extends SecureContainerProps {
  readonly livenessProbe: SecureProbe;
  readonly readinessProbe: SecureProbe;
}

/** Init containers run to completion before the app: no probes, no ports. */
export type SecureInitContainerProps = Omit<SecureContainerProps, 'livenessProbe' | 'readinessProbe' | 'startupProbe' | 'ports'>;

/** Pod volumes of the kinds Pod Security "restricted" allows. */
export type SecureVolume =
  | { readonly name: string; readonly configMap: { readonly name: string; readonly items?: readonly k8s.KeyToPath[]; readonly defaultMode?: number } }
  | { readonly name: string; readonly secret: { readonly secretName: string; readonly items?: readonly k8s.KeyToPath[]; readonly defaultMode?: number } }
  | { readonly name: string; readonly persistentVolumeClaim: { readonly claimName: string; readonly readOnly?: boolean } }
  | { readonly name: string; readonly emptyDir: { readonly sizeLimit?: string; readonly medium?: 'Memory' } };

/** The non-root identity the pod runs as. Never 0. */
export interface PodIdentity {
  /** @default 10001 */
  readonly runAsUser?: number;
  /** @default 10001 */
  readonly runAsGroup?: number;
  /** Group owner of mounted volumes. @default 10001 */
  readonly fsGroup?: number;
  /** @default - none */
  readonly supplementalGroups?: readonly number[];
}

/** Which ServiceAccount the pod runs as. */
export interface ServiceAccountOptions {
  /** @default - the workload's name */
  readonly name?: string;
  /**
   * Emit the ServiceAccount (with automountServiceAccountToken: false). Set false to use one defined elsewhere.
   * @default true
   */
  readonly create?: boolean;
}

/**
 * A short-lived, audience-bound ServiceAccount token mounted as a projected volume, for pods that call the
 * Kubernetes API. The pod keeps `automountServiceAccountToken: false`; only this explicit mount exists.
 */
export interface ServiceAccountTokenProps {
  /** @default - the API server's audience */
  readonly audience?: string;
  /** @default 3600 (minimum 600) */
  readonly expirationSeconds?: number;
  /** @default '/var/run/secrets/kubernetes.io/serviceaccount' (where client libraries look) */
  readonly mountPath?: string;
}

/** Typed exceptions to the hardened pod defaults. Each writes a suppression annotation with its reason. */
export interface PodExceptions {
  /** Why the root filesystem must be writable (at least 10 letters or digits). @default - read-only root filesystem */
  readonly writableRootFilesystem?: string;
}

/** Everything a hardened pod template takes, apart from its containers. */
export interface SecurePodTemplateProps extends ObjectMetaProps {
  /** `metadata.name` of the main object (and the ServiceAccount, and the `app.kubernetes.io/name` label). @default - the construct id */
  readonly name?: string;
  /** @default - the chart's namespace (refused when unset or `default`) */
  readonly namespace?: string;
  /** @default - none */
  readonly initContainers?: readonly SecureInitContainerProps[];
  /** @default - none (writable paths add their own emptyDirs) */
  readonly volumes?: readonly SecureVolume[];
  /** @default - runAsUser, runAsGroup and fsGroup 10001 */
  readonly identity?: PodIdentity;
  /** @default - a dedicated ServiceAccount named like the workload */
  readonly serviceAccount?: ServiceAccountOptions;
  /** @default - no token in the pod */
  readonly serviceAccountToken?: ServiceAccountTokenProps;
  /** Extra labels on the pods (not used to select). @default - none */
  readonly podLabels?: Labels;
  /** @default - none */
  readonly podAnnotations?: Labels;
  /** @default - Kubernetes default (30) */
  readonly terminationGracePeriodSeconds?: number;
  /** @default - none */
  readonly nodeSelector?: Labels;
  /** @default - none */
  readonly tolerations?: readonly k8s.Toleration[];
  /** @default - none */
  readonly affinity?: k8s.Affinity;
  /** @default - none */
  readonly topologySpreadConstraints?: readonly k8s.TopologySpreadConstraint[];
  /** @default - none */
  readonly priorityClassName?: string;
  /** @default - no exceptions */
  readonly exceptions?: PodExceptions;
}
