import { ApiObject } from 'cdk8s';
import * as k8s from '../imports/k8s';
import { Construct } from 'constructs';
import {
  annotateSuppression, checkDnsLabel, checkInt, checkLabels, emit, Labels, NAME_LABEL, ObjectMetaProps, Refuse,
  resolveNamespace, slug,
} from './common';

// ---------------------------------------------------------------------------------------------------------
// Props
// ---------------------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------------------
// Defaults and checks
// ---------------------------------------------------------------------------------------------------------

/** UID/GID used when none is given: non-root and above 10000, so it collides with no account on the node. */
export const DEFAULT_RUN_AS_ID = 10001;
const DEFAULT_WRITABLE_SIZE = '512Mi';
const DEFAULT_TOKEN_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';
const SECRET_DEFAULT_MODE = 0o440;

interface ImageReference {
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: string;
}

function parseImage(image: string): ImageReference {
  const at = image.indexOf('@');
  const named = at < 0 ? image : image.slice(0, at);
  const colon = named.lastIndexOf(':');
  const hasTag = colon > named.lastIndexOf('/');
  return {
    repository: hasTag ? named.slice(0, colon) : named,
    ...(hasTag ? { tag: named.slice(colon + 1) } : {}),
    ...(at >= 0 ? { digest: image.slice(at + 1) } : {}),
  };
}

const DIGEST = /^(sha256:[0-9a-f]{64}|sha512:[0-9a-f]{128})$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const REPOSITORY = /^[a-z0-9]+([._-]+[a-z0-9]+)*(:[0-9]+)?(\/[a-z0-9]+([._-]+[a-z0-9]+)*)*$/;

/** Checks an image reference and returns the pull policy consistent with it. */
export function checkImage(refuse: Refuse, prop: string, image: string, pullPolicy: string | undefined): 'Always' | 'IfNotPresent' {
  if (typeof image !== 'string' || image.trim() === '' || /\s/.test(image)) {
    throw refuse.error(prop, `image "${String(image)}" is empty or contains spaces`, 'give registry/app:version or registry/app@sha256:<digest>');
  }
  const ref = parseImage(image);
  const example = `(${ref.repository}:1.2.3 or ${ref.repository}@sha256:...)`;
  if (!REPOSITORY.test(ref.repository)) {
    throw refuse.error(prop, `image "${image}" has an invalid repository name "${ref.repository}"`, 'use lower-case registry/path components');
  }
  if (ref.digest !== undefined) {
    if (!DIGEST.test(ref.digest)) {
      throw refuse.error(prop, `image "${image}" has a malformed digest "${ref.digest}", so it pins nothing`,
        'use @sha256: followed by the 64 lower-case hex digits of the image you tested');
    }
  } else if (ref.tag === undefined || ref.tag === '') {
    throw refuse.error(prop, `image "${image}" has no tag, so the runtime pulls the mutable tag latest`, `pin a version tag or a digest ${example}`);
  } else if (ref.tag.toLowerCase() === 'latest') {
    throw refuse.error(prop, `image "${image}" uses the mutable tag latest`, `pin a version tag or a digest ${example}`);
  }
  if (ref.tag !== undefined && ref.tag !== '' && !TAG.test(ref.tag)) {
    throw refuse.error(prop, `image "${image}" has the invalid tag "${ref.tag}"`, 'use letters, digits, "_", "." and "-" (at most 128)');
  }
  const pinned = ref.digest !== undefined;
  const policyProp = prop.replace(/image$/, 'imagePullPolicy');
  if (pullPolicy === undefined) {
    return pinned ? 'IfNotPresent' : 'Always';
  }
  if (pullPolicy === 'Always') {
    return 'Always';
  }
  if (pullPolicy === 'IfNotPresent') {
    if (!pinned) {
      throw refuse.error(policyProp, `imagePullPolicy "IfNotPresent" with the mutable tag "${ref.tag}" lets each node keep whatever the tag meant at its first pull`,
        `leave imagePullPolicy unset (Always) or pin the image by digest ${example}`);
    }
    return 'IfNotPresent';
  }
  throw refuse.error(policyProp, `imagePullPolicy "${String(pullPolicy)}" runs whatever image happens to be on the node`,
    'leave imagePullPolicy unset (Always for tags, IfNotPresent for digests)');
}

const QUANTITY = /^(\d+(?:\.\d+)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/;
const SUFFIX: Record<string, number> = {
  '': 1, 'n': 1e-9, 'u': 1e-6, 'm': 1e-3, 'k': 1e3, 'M': 1e6, 'G': 1e9, 'T': 1e12, 'P': 1e15, 'E': 1e18,
  'Ki': 2 ** 10, 'Mi': 2 ** 20, 'Gi': 2 ** 30, 'Ti': 2 ** 40, 'Pi': 2 ** 50, 'Ei': 2 ** 60,
};

/** The numeric value of a Kubernetes quantity, or undefined when it is not one. */
export function quantityValue(quantity: string): number | undefined {
  const match = typeof quantity === 'string' ? QUANTITY.exec(quantity) : null;
  if (!match) {
    return undefined;
  }
  const suffix = match[2] ?? '';
  const multiplier = /^[eE]/.test(suffix) ? 10 ** Number(suffix.slice(1)) : SUFFIX[suffix];
  return Number(match[1]) * multiplier;
}

function checkQuantity(refuse: Refuse, prop: string, value: string, fix: string): number {
  const n = quantityValue(value);
  if (n === undefined || n <= 0) {
    throw refuse.error(prop, `${prop} "${String(value)}" is not a positive Kubernetes quantity`, fix);
  }
  return n;
}

function checkResources(refuse: Refuse, prop: string, resources: ContainerResources | undefined): k8s.ResourceRequirements {
  if (!resources || !resources.requests || !resources.limits) {
    throw refuse.error(prop, `${prop} must set requests and limits: a container without them can starve every other pod on its node`,
      'set resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } }');
  }
  const requests: Record<string, k8s.Quantity> = {};
  const limits: Record<string, k8s.Quantity> = {};
  for (const key of ['cpu', 'memory', 'ephemeralStorage'] as const) {
    const kube = key === 'ephemeralStorage' ? 'ephemeral-storage' : key;
    const request = resources.requests[key];
    const limit = resources.limits[key];
    const example = key === 'cpu' ? '"250m"' : '"256Mi"';
    if (key !== 'ephemeralStorage' && (request === undefined || limit === undefined)) {
      throw refuse.error(`${prop}.${request === undefined ? 'requests' : 'limits'}.${key}`,
        `${key} ${request === undefined ? 'request' : 'limit'} is missing: without it the scheduler or the kernel cannot bound the container`,
        `set ${prop}.${request === undefined ? 'requests' : 'limits'}.${key} (e.g. ${example})`);
    }
    const r = request === undefined ? undefined : checkQuantity(refuse, `${prop}.requests.${key}`, request, `use a quantity such as ${example}`);
    const l = limit === undefined ? undefined : checkQuantity(refuse, `${prop}.limits.${key}`, limit, `use a quantity such as ${example}`);
    if (r !== undefined && l !== undefined && r > l) {
      throw refuse.error(`${prop}.requests.${key}`, `${key} request ${request} exceeds the limit ${limit} (the API server rejects it)`,
        `raise ${prop}.limits.${key} or lower the request`);
    }
    if (request !== undefined) {
      requests[kube] = k8s.Quantity.fromString(request);
    }
    if (limit !== undefined) {
      limits[kube] = k8s.Quantity.fromString(limit);
    }
  }
  return { requests, limits };
}

function intOrString(refuse: Refuse, prop: string, port: number | string): k8s.IntOrString {
  if (typeof port === 'number') {
    return k8s.IntOrString.fromNumber(checkInt(refuse, prop, port, 1, 65535, 'use a port between 1 and 65535'));
  }
  if (!isDnsLabelLike(port)) {
    throw refuse.error(prop, `${prop} "${String(port)}" is neither a port number nor a port name`, 'use a number or the name of a container port');
  }
  return k8s.IntOrString.fromString(port);
}

function isDnsLabelLike(value: unknown): boolean {
  return typeof value === 'string' && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(value) && value.length <= 15;
}

function checkProbe(refuse: Refuse, prop: string, probe: SecureProbe, kind: 'liveness' | 'readiness' | 'startup', portNames: ReadonlySet<string>): k8s.Probe {
  const p = probe as Partial<HttpGetProbe & TcpSocketProbe & ExecProbe & GrpcProbe>;
  const handlers = (['httpGet', 'tcpSocket', 'exec', 'grpc'] as const).filter((h) => p[h] !== undefined);
  if (handlers.length !== 1) {
    throw refuse.error(prop, `${prop} must have exactly one handler (httpGet, tcpSocket, exec or grpc), it has ${handlers.length}`,
      `write e.g. { httpGet: { path: '/healthz', port: 8080 } }`);
  }
  const timing: Record<string, number> = {};
  for (const key of ['initialDelaySeconds', 'periodSeconds', 'timeoutSeconds', 'failureThreshold', 'successThreshold'] as const) {
    const value = probe[key];
    if (value !== undefined) {
      timing[key] = checkInt(refuse, `${prop}.${key}`, value, key === 'initialDelaySeconds' ? 0 : 1, 86400, 'use a small positive integer');
    }
  }
  if (kind !== 'readiness' && timing.successThreshold !== undefined && timing.successThreshold !== 1) {
    throw refuse.error(`${prop}.successThreshold`, `${kind} probes need successThreshold 1 (the API server rejects others)`, 'remove successThreshold or set it to 1');
  }
  const checkNamedPort = (port: number | string, where: string) => {
    if (typeof port === 'string' && !portNames.has(port)) {
      throw refuse.error(where, `${where} names the port "${port}" that the container does not declare`, 'use a port number or add the named port to ports');
    }
    return intOrString(refuse, where, port);
  };
  if (p.httpGet) {
    if (typeof p.httpGet.path !== 'string' || !p.httpGet.path.startsWith('/')) {
      throw refuse.error(`${prop}.httpGet.path`, `${prop}.httpGet.path "${String(p.httpGet.path)}" is not an absolute path`, 'use e.g. "/healthz"');
    }
    return { ...timing, httpGet: { path: p.httpGet.path, port: checkNamedPort(p.httpGet.port, `${prop}.httpGet.port`), ...(p.httpGet.scheme ? { scheme: p.httpGet.scheme } : {}) } };
  }
  if (p.tcpSocket) {
    return { ...timing, tcpSocket: { port: checkNamedPort(p.tcpSocket.port, `${prop}.tcpSocket.port`) } };
  }
  if (p.exec) {
    if (!Array.isArray(p.exec.command) || p.exec.command.length === 0) {
      throw refuse.error(`${prop}.exec.command`, `${prop}.exec.command is empty`, 'give the command and its arguments, e.g. ["pg_isready", "-U", "postgres"]');
    }
    return { ...timing, exec: { command: [...p.exec.command] } };
  }
  const grpc = p.grpc!;
  return { ...timing, grpc: { port: checkInt(refuse, `${prop}.grpc.port`, grpc.port, 1, 65535, 'use a port between 1 and 65535'), ...(grpc.service !== undefined ? { service: grpc.service } : {}) } };
}

const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

function checkEnv(refuse: Refuse, prop: string, env: Readonly<Record<string, EnvValue>> | undefined): k8s.EnvVar[] | undefined {
  if (!env || Object.keys(env).length === 0) {
    return undefined;
  }
  return Object.entries(env).map(([name, value]) => {
    const where = `${prop}.${name}`;
    if (!ENV_NAME.test(name)) {
      throw refuse.error(where, `environment variable name "${name}" is invalid`, 'use letters, digits, "_", "-" and "." not starting with a digit');
    }
    if (typeof value === 'string') {
      return { name, value };
    }
    const v = (value ?? {}) as Record<string, unknown>;
    if ('secretKeyRef' in v) {
      throw refuse.error(where, `${where} reads a Secret into an environment variable, which leaks through /proc, crash dumps and child processes`,
        'mount the Secret as a file: volumes: [{ name, secret: { secretName } }] and volumeMounts: [{ volume: name, mountPath }]');
    }
    const refs = ['configMapKeyRef', 'fieldRef', 'resourceFieldRef'].filter((k) => v[k] !== undefined);
    if (refs.length !== 1) {
      throw refuse.error(where, `${where} must be a string or exactly one of configMapKeyRef, fieldRef, resourceFieldRef`, 'give a literal value or one reference');
    }
    const valueFrom: k8s.EnvVarSource = 'configMapKeyRef' in v
      ? { configMapKeyRef: { ...(value as { configMapKeyRef: k8s.ConfigMapKeySelector }).configMapKeyRef } }
      : 'fieldRef' in v
        ? { fieldRef: { ...(value as { fieldRef: k8s.ObjectFieldSelector }).fieldRef } }
        : { resourceFieldRef: { ...(value as { resourceFieldRef: k8s.ResourceFieldSelector }).resourceFieldRef } };
    return { name, valueFrom };
  });
}

function checkPath(refuse: Refuse, prop: string, path: string): string {
  if (typeof path !== 'string' || !path.startsWith('/') || path === '/' || path.split('/').includes('..')) {
    throw refuse.error(prop, `${prop} "${String(path)}" is not an absolute directory below /`, 'use an absolute path such as "/tmp"');
  }
  return path.length > 1 ? path.replace(/\/+$/, '') : path;
}

// ---------------------------------------------------------------------------------------------------------
// The pod template
// ---------------------------------------------------------------------------------------------------------

/** What the template builder needs to know about the owning workload. */
export interface PodTemplateContext {
  /** True for Deployments, StatefulSets and Pods with restartPolicy Always: probes are required. */
  readonly longRunning: boolean;
  readonly serviceAccountName: string;
  /** Volume names the workload provides outside `volumes` (a StatefulSet's claim templates). */
  readonly extraVolumes?: readonly string[];
  readonly restartPolicy?: 'Always' | 'OnFailure' | 'Never';
}

/** The hardened pod spec (typed; convert with `k8s.toJson_PodSpec`). */
export function hardenedPodSpec(
  refuse: Refuse,
  props: SecurePodTemplateProps & { readonly containers: readonly SecureContainerProps[] },
  context: PodTemplateContext,
): k8s.PodSpec {
  if (!Array.isArray(props.containers) || props.containers.length === 0) {
    throw refuse.error('containers', 'containers is empty', 'give at least one container');
  }
  const identity = props.identity ?? {};
  const id = (key: 'runAsUser' | 'runAsGroup' | 'fsGroup') => {
    const value = identity[key] ?? DEFAULT_RUN_AS_ID;
    if (value === 0) {
      throw refuse.error(`identity.${key}`, `identity.${key} 0 runs the pod as root (or gives it the root group), so a container escape starts with root on the node`,
        `use a non-root id such as ${DEFAULT_RUN_AS_ID} (the default)`);
    }
    return checkInt(refuse, `identity.${key}`, value, 1, 2147483647, `use a non-root id such as ${DEFAULT_RUN_AS_ID}`);
  };
  const supplementalGroups = (identity.supplementalGroups ?? []).map((g, i) => {
    if (g === 0) {
      throw refuse.error(`identity.supplementalGroups[${i}]`, 'supplemental group 0 is the root group', 'remove it or use a non-root group');
    }
    return checkInt(refuse, `identity.supplementalGroups[${i}]`, g, 1, 2147483647, 'use a non-root group id');
  });
  const writableRoot = props.exceptions?.writableRootFilesystem !== undefined;

  // Volumes declared by the pod, by name.
  const volumes: k8s.Volume[] = [];
  const volumeKinds = new Map<string, 'config' | 'data'>();
  const addVolume = (prop: string, volume: k8s.Volume, kind: 'config' | 'data') => {
    checkDnsLabel(refuse, prop, volume.name);
    if (volumeKinds.has(volume.name)) {
      throw refuse.error(prop, `volume name "${volume.name}" is used twice`, 'give every volume (and writable path) a distinct name');
    }
    volumeKinds.set(volume.name, kind);
    volumes.push(volume);
  };
  for (const name of context.extraVolumes ?? []) {
    volumeKinds.set(name, 'data');
  }
  (props.volumes ?? []).forEach((v, i) => addVolume(`volumes[${i}].name`, toKubeVolume(refuse, `volumes[${i}]`, v), 'configMap' in v || 'secret' in v ? 'config' : 'data'));

  const tokenMount = props.serviceAccountToken ? serviceAccountTokenVolume(refuse, props.serviceAccountToken) : undefined;
  if (tokenMount) {
    addVolume('serviceAccountToken', tokenMount.volume, 'config');
  }

  const names = new Set<string>();
  const build = (c: SecureContainerProps, prop: string, list: 'containers' | 'initContainers'): k8s.Container => {
    checkDnsLabel(refuse, `${prop}.name`, c.name);
    if (names.has(c.name)) {
      throw refuse.error(`${prop}.name`, `container name "${c.name}" is used twice`, 'give every container a distinct name');
    }
    names.add(c.name);
    const imagePullPolicy = checkImage(refuse, `${prop}.image`, c.image, c.imagePullPolicy);
    const resources = checkResources(refuse, `${prop}.resources`, c.resources);

    const portNames = new Set<string>();
    const ports = (c.ports ?? []).map((p, i): k8s.ContainerPort => {
      const where = `${prop}.ports[${i}]`;
      checkInt(refuse, `${where}.containerPort`, p.containerPort, 1, 65535, 'use a port between 1 and 65535 (>= 1024 needs no capability)');
      if (p.name !== undefined) {
        if (!isDnsLabelLike(p.name) || !/[a-z]/.test(p.name)) {
          throw refuse.error(`${where}.name`, `port name "${p.name}" is not an IANA service name`, 'use at most 15 lower-case letters, digits and "-"');
        }
        portNames.add(p.name);
      }
      return { containerPort: p.containerPort, ...(p.name ? { name: p.name } : {}), protocol: p.protocol ?? 'TCP' };
    });

    const probes: Partial<Record<'livenessProbe' | 'readinessProbe' | 'startupProbe', k8s.Probe>> = {};
    for (const key of ['livenessProbe', 'readinessProbe', 'startupProbe'] as const) {
      const probe = (c as Partial<Record<typeof key, SecureProbe>>)[key];
      if (probe !== undefined) {
        if (list === 'initContainers') {
          throw refuse.error(`${prop}.${key}`, 'init containers cannot have probes (the API server rejects them)', `remove ${key}`);
        }
        probes[key] = checkProbe(refuse, `${prop}.${key}`, probe, key.replace('Probe', '') as 'liveness' | 'readiness' | 'startup', portNames);
      } else if (list === 'containers' && context.longRunning && key !== 'startupProbe') {
        throw refuse.error(`${prop}.${key}`, `${key} is missing on a long-running container: without it ${key === 'livenessProbe' ? 'a hung process is never restarted' : 'traffic reaches a container that is not ready'}`,
          `set ${key}, e.g. { httpGet: { path: '/healthz', port: 8080 } } or { tcpSocket: { port: 8080 } }`);
      }
    }

    const caps = c.addCapabilities ?? [];
    caps.forEach((cap, i) => {
      if (cap !== 'NET_BIND_SERVICE') {
        throw refuse.error(`${prop}.addCapabilities[${i}]`, `capability ${String(cap)} is not allowed by Pod Security "restricted" and widens what a compromised process can do`,
          'drop it; only NET_BIND_SERVICE may be added (better: listen on a port >= 1024)');
      }
    });

    const mounts: k8s.VolumeMount[] = [];
    const mountPaths = new Set<string>();
    const addMount = (where: string, mount: k8s.VolumeMount) => {
      if (mountPaths.has(mount.mountPath)) {
        throw refuse.error(where, `mount path "${mount.mountPath}" is mounted twice in container "${c.name}"`, 'mount each path once');
      }
      mountPaths.add(mount.mountPath);
      mounts.push(mount);
    };
    (c.writablePaths ?? []).forEach((w, i) => {
      const where = `${prop}.writablePaths[${i}]`;
      const spec: WritablePath = typeof w === 'string' ? { path: w } : w;
      const path = checkPath(refuse, where, spec.path);
      const sizeLimit = spec.sizeLimit ?? DEFAULT_WRITABLE_SIZE;
      checkQuantity(refuse, `${where}.sizeLimit`, sizeLimit, 'use a quantity such as "256Mi"');
      const name = slug(`${c.name}-${path}`);
      addVolume(where, { name, emptyDir: { sizeLimit: k8s.Quantity.fromString(sizeLimit), ...(spec.medium ? { medium: spec.medium } : {}) } }, 'data');
      addMount(where, { name, mountPath: path });
    });
    (c.volumeMounts ?? []).forEach((m, i) => {
      const where = `${prop}.volumeMounts[${i}]`;
      const kind = volumeKinds.get(m.volume);
      if (kind === undefined) {
        throw refuse.error(`${where}.volume`, `volume "${m.volume}" is not declared`, 'declare it in volumes (or volumeClaimTemplates)');
      }
      addMount(where, {
        name: m.volume,
        mountPath: checkPath(refuse, `${where}.mountPath`, m.mountPath),
        readOnly: m.readOnly ?? kind === 'config',
        ...(m.subPath !== undefined ? { subPath: m.subPath } : {}),
      });
    });
    if (tokenMount && list === 'containers') {
      addMount(`${prop}.serviceAccountToken`, { name: tokenMount.volume.name, mountPath: tokenMount.mountPath, readOnly: true });
    }

    const env = checkEnv(refuse, `${prop}.env`, c.env);
    return {
      name: c.name,
      image: c.image,
      imagePullPolicy,
      ...(c.command ? { command: [...c.command] } : {}),
      ...(c.args ? { args: [...c.args] } : {}),
      ...(c.workingDir ? { workingDir: checkPath(refuse, `${prop}.workingDir`, c.workingDir) } : {}),
      ...(ports.length ? { ports } : {}),
      ...(env ? { env } : {}),
      resources,
      ...probes,
      securityContext: {
        allowPrivilegeEscalation: false,
        privileged: false,
        readOnlyRootFilesystem: !writableRoot,
        runAsNonRoot: true,
        capabilities: { drop: ['ALL'], ...(caps.length ? { add: [...new Set(caps)] } : {}) },
      },
      ...(mounts.length ? { volumeMounts: mounts } : {}),
    };
  };

  const initContainers = (props.initContainers ?? []).map((c, i) => build(c as SecureContainerProps, `initContainers[${i}]`, 'initContainers'));
  const containers = props.containers.map((c, i) => build(c, `containers[${i}]`, 'containers'));

  if (props.terminationGracePeriodSeconds !== undefined) {
    checkInt(refuse, 'terminationGracePeriodSeconds', props.terminationGracePeriodSeconds, 0, 86400, 'use a number of seconds');
  }

  return {
    automountServiceAccountToken: false,
    serviceAccountName: context.serviceAccountName,
    enableServiceLinks: false,
    securityContext: {
      runAsNonRoot: true,
      runAsUser: id('runAsUser'),
      runAsGroup: id('runAsGroup'),
      fsGroup: id('fsGroup'),
      fsGroupChangePolicy: 'OnRootMismatch',
      seccompProfile: { type: 'RuntimeDefault' },
      ...(supplementalGroups.length ? { supplementalGroups } : {}),
    },
    ...(initContainers.length ? { initContainers } : {}),
    containers,
    ...(volumes.length ? { volumes } : {}),
    ...(context.restartPolicy ? { restartPolicy: context.restartPolicy } : {}),
    ...(props.terminationGracePeriodSeconds !== undefined ? { terminationGracePeriodSeconds: props.terminationGracePeriodSeconds } : {}),
    ...(props.nodeSelector ? { nodeSelector: { ...props.nodeSelector } } : {}),
    ...(props.tolerations ? { tolerations: [...props.tolerations] } : {}),
    ...(props.affinity ? { affinity: props.affinity } : {}),
    ...(props.topologySpreadConstraints ? { topologySpreadConstraints: [...props.topologySpreadConstraints] } : {}),
    ...(props.priorityClassName ? { priorityClassName: props.priorityClassName } : {}),
  };
}

function toKubeVolume(refuse: Refuse, prop: string, v: SecureVolume): k8s.Volume {
  const raw = v as unknown as Record<string, unknown>;
  const sources = ['configMap', 'secret', 'persistentVolumeClaim', 'emptyDir'].filter((k) => raw[k] !== undefined);
  const others = Object.keys(raw).filter((k) => k !== 'name' && !sources.includes(k));
  if (sources.length !== 1 || others.length > 0) {
    throw refuse.error(prop, `${prop} must have exactly one source of configMap, secret, persistentVolumeClaim or emptyDir${others.length ? ` (got ${others.join(', ')}, which Pod Security "restricted" or this library does not allow)` : ''}`,
      'use one of the four sources; hostPath and other node-level volumes are refused');
  }
  if ('configMap' in v) {
    return { name: v.name, configMap: { name: v.configMap.name, ...(v.configMap.items ? { items: [...v.configMap.items] } : {}), ...(v.configMap.defaultMode !== undefined ? { defaultMode: v.configMap.defaultMode } : {}) } };
  }
  if ('secret' in v) {
    return { name: v.name, secret: { secretName: v.secret.secretName, ...(v.secret.items ? { items: [...v.secret.items] } : {}), defaultMode: v.secret.defaultMode ?? SECRET_DEFAULT_MODE } };
  }
  if ('persistentVolumeClaim' in v) {
    return { name: v.name, persistentVolumeClaim: { claimName: v.persistentVolumeClaim.claimName, ...(v.persistentVolumeClaim.readOnly !== undefined ? { readOnly: v.persistentVolumeClaim.readOnly } : {}) } };
  }
  const sizeLimit = v.emptyDir.sizeLimit ?? DEFAULT_WRITABLE_SIZE;
  checkQuantity(refuse, `${prop}.emptyDir.sizeLimit`, sizeLimit, 'use a quantity such as "256Mi"');
  return { name: v.name, emptyDir: { sizeLimit: k8s.Quantity.fromString(sizeLimit), ...(v.emptyDir.medium ? { medium: v.emptyDir.medium } : {}) } };
}

function serviceAccountTokenVolume(refuse: Refuse, props: ServiceAccountTokenProps): { volume: k8s.Volume; mountPath: string } {
  const expirationSeconds = checkInt(refuse, 'serviceAccountToken.expirationSeconds', props.expirationSeconds ?? 3600, 600, 86400,
    'use between 600 and 86400 seconds (short-lived tokens limit what a leaked token is worth)');
  return {
    mountPath: checkPath(refuse, 'serviceAccountToken.mountPath', props.mountPath ?? DEFAULT_TOKEN_PATH),
    volume: {
      name: 'serviceaccount-token',
      projected: {
        defaultMode: SECRET_DEFAULT_MODE,
        sources: [
          { serviceAccountToken: { path: 'token', expirationSeconds, ...(props.audience ? { audience: props.audience } : {}) } },
          { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
          { downwardApi: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
        ],
      },
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// The shared base of every construct that owns a pod template
// ---------------------------------------------------------------------------------------------------------

/** What a subclass adds around the pod template. */
export interface WorkloadShape {
  readonly kind: string;
  readonly apiVersion: string;
  readonly context: Omit<PodTemplateContext, 'serviceAccountName'>;
  /** True for a bare Pod: the template's labels and annotations go on the object itself. */
  readonly podIsObject?: boolean;
  /** The object's body (typically `spec`), in Kubernetes JSON, given the typed pod template. */
  body(template: k8s.PodTemplateSpec, selector: Labels): Record<string, unknown>;
}

/**
 * The base of SecurePod and the Secure* workloads: resolves name and namespace, emits the dedicated
 * ServiceAccount, builds the hardened pod template and emits the main object (child id `Resource`, so
 * `ApiObject.of(construct)` returns it).
 */
export abstract class HardenedWorkload extends Construct {
  /** `metadata.name` of the main object. */
  readonly name: string;
  readonly namespace: string;
  /** The labels that select this workload's pods (`app.kubernetes.io/name`). */
  readonly selectorLabels: Labels;
  /** The ServiceAccount the pods run as. */
  readonly serviceAccountName: string;
  /** The emitted ServiceAccount, unless `serviceAccount.create` is false. */
  readonly serviceAccount?: ApiObject;
  /** The main object: the escape hatch (`addJsonPatch`); synth still judges the patched result. */
  readonly apiObject: ApiObject;
  /** The typed pod spec that was emitted (before any JSON patch). */
  readonly podSpec: k8s.PodSpec;
  protected readonly refuse: Refuse;

  protected constructor(scope: Construct, id: string, props: SecurePodTemplateProps & { readonly containers: readonly SecureContainerProps[] }, shape: WorkloadShape) {
    super(scope, id);
    const refuse = new Refuse(shape.kind === 'Pod' ? 'SecurePod' : `Secure${shape.kind}`, id, scope);
    this.refuse = refuse;
    this.name = checkDnsLabel(refuse, 'name', props.name ?? id, shape.kind === 'CronJob' ? 52 : 63);
    this.namespace = resolveNamespace(this, refuse, props.namespace);
    const labels = checkLabels(refuse, 'labels', props.labels);
    this.selectorLabels = { [NAME_LABEL]: this.name };
    const objectLabels = { ...labels, ...this.selectorLabels };

    const saName = checkDnsLabel(refuse, 'serviceAccount.name', props.serviceAccount?.name ?? this.name, 253);
    if (saName === 'default') {
      throw refuse.error('serviceAccount.name', 'the namespace\'s "default" ServiceAccount is shared by every pod that names none, so any RBAC granted to it leaks to them',
        'leave serviceAccount.name unset (a dedicated ServiceAccount is emitted) or name one that only this workload uses');
    }
    this.serviceAccountName = saName;
    if (props.serviceAccount?.create ?? true) {
      this.serviceAccount = emit(this, 'ServiceAccount', {
        apiVersion: 'v1', kind: 'ServiceAccount', name: saName, namespace: this.namespace, labels: objectLabels,
        body: { automountServiceAccountToken: false },
      });
    }

    this.podSpec = hardenedPodSpec(refuse, props, { ...shape.context, serviceAccountName: saName });
    const podLabels = { ...checkLabels(refuse, 'podLabels', props.podLabels), ...objectLabels };
    const template: k8s.PodTemplateSpec = {
      metadata: {
        labels: podLabels,
        ...(props.podAnnotations && Object.keys(props.podAnnotations).length ? { annotations: { ...props.podAnnotations } } : {}),
      },
      spec: this.podSpec,
    };
    this.apiObject = emit(this, 'Resource', {
      apiVersion: shape.apiVersion,
      kind: shape.kind,
      name: this.name,
      namespace: this.namespace,
      labels: shape.podIsObject ? podLabels : objectLabels,
      annotations: shape.podIsObject ? { ...props.podAnnotations, ...props.annotations } : props.annotations,
      body: shape.body(template, this.selectorLabels),
    });
    if (props.exceptions?.writableRootFilesystem !== undefined) {
      annotateSuppression(refuse, this.apiObject, 'workload-read-only-root-fs', props.exceptions.writableRootFilesystem);
    }
  }

  /**
   * Accepts a rule's findings on the main object, with a written reason (at least 10 letters or digits): writes the
   * annotation `suppress.cdk8s-hardened.io/<ruleId>` so the decision is visible in the manifest.
   */
  suppress(ruleId: string, reason: string): this {
    annotateSuppression(this.refuse, this.apiObject, ruleId, reason);
    return this;
  }
}

