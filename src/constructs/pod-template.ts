/**
 * The hardened pod template: applies the defaults to the checked props and builds the typed pod spec.
 */
import * as k8s from '../imports/k8s';
import { checkDnsLabel, checkInt, Refuse, slug } from './common';
import { checkEnv, checkImage, checkPath, checkProbe, checkQuantity, checkResources, isDnsLabelLike } from './pod-checks';
import { SecureContainerProps, SecurePodTemplateProps, SecureProbe, SecureVolume, ServiceAccountTokenProps, WritablePath } from './pod-props';

/** UID/GID used when none is given: non-root and above 10000, so it collides with no account on the node. */
export const DEFAULT_RUN_AS_ID = 10001;
const DEFAULT_WRITABLE_SIZE = '512Mi';
const DEFAULT_TOKEN_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';
const SECRET_DEFAULT_MODE = 0o440;

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
