import { basename } from 'path';
import { InputError, NotKubernetesError } from '../input/errors';
import { documentLocator } from '../input/locate';
import { MAX_DEPTH } from '../input/read';
import { isObject, JsonObject, stringField } from '../policy/json';
import { Path } from '../policy/path';
import { Manifest } from '../policy/rule';
import { CONTAINER_API_VERSION, CONTAINER_KIND, DAEMON_KIND } from '../policy/container-model';

/** Keys of dockerd's daemon.json (https://docs.docker.com/reference/cli/dockerd/#daemon-configuration-file). */
export const DAEMON_KEYS: ReadonlySet<string> = new Set([
  'allow-nondistributable-artifacts', 'api-cors-header', 'authorization-plugins', 'bip', 'bip6', 'bridge', 'builder',
  'cdi-spec-dirs', 'cgroup-parent', 'containerd', 'containerd-namespace', 'containerd-plugin-namespace', 'data-root',
  'debug', 'default-address-pools', 'default-cgroupns-mode', 'default-gateway', 'default-gateway-v6',
  'default-ipc-mode', 'default-network-opts', 'default-runtime', 'default-shm-size', 'default-ulimits', 'dns',
  'dns-opts', 'dns-search', 'exec-opts', 'exec-root', 'experimental', 'features', 'fixed-cidr', 'fixed-cidr-v6',
  'group', 'host-gateway-ip', 'hosts', 'icc', 'init', 'init-path', 'insecure-registries', 'ip', 'ip-forward',
  'ip-masq', 'ip6tables', 'iptables', 'ipv6', 'labels', 'live-restore', 'log-driver', 'log-format', 'log-level',
  'log-opts', 'max-concurrent-downloads', 'max-concurrent-uploads', 'max-download-attempts', 'mtu',
  'no-new-privileges', 'node-generic-resources', 'oom-score-adjust', 'pidfile', 'raw-logs', 'registry-mirrors',
  'runtimes', 'seccomp-profile', 'selinux-enabled', 'shutdown-timeout', 'storage-driver', 'storage-opts',
  'swarm-default-advertise-addr', 'tls', 'tlscacert', 'tlscert', 'tlskey', 'tlsverify', 'userland-proxy',
  'userland-proxy-path', 'userns-remap',
]);

/** True for one element of `docker inspect <container>` output (docker's ContainerJSON). */
function isInspectedContainer(value: unknown): value is JsonObject {
  return isObject(value) && typeof value.Id === 'string' && isObject(value.HostConfig) && isObject(value.Config);
}

/** `spec.HostConfig.Privileged` of the object is `HostConfig.Privileged` of the value at `prefix` in the file. */
function locator(text: string, prefix: Path): (path: Path) => number | undefined {
  const inFile = documentLocator(text, 1, prefix, MAX_DEPTH);
  return (path) => inFile(path[0] === 'spec' ? path.slice(1) : []);
}

/**
 * Reads a JSON file that is not Kubernetes objects: a Docker daemon.json (an object of dockerd's keys, or any
 * object in a file named daemon.json) or `docker inspect` output (an array of containers, one object each).
 * Returns undefined for Kubernetes JSON (an object with apiVersion, kind or items) and for text that is not one
 * JSON value (the Kubernetes reader reports it). Any other JSON is refused in one line (fail closed).
 */
export function readDockerJson(text: string, file: string): Manifest[] | undefined {
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (!/^[\s]*[[{]/.test(source)) {
    return undefined;
  }
  let value: unknown;
  try {
    value = JSON.parse(source);
  } catch {
    return undefined;
  }
  if (Array.isArray(value)) {
    if (value.length === 0 || !value.every(isInspectedContainer)) {
      const bad = value.findIndex((v) => !isInspectedContainer(v));
      if (value.length > 0 && value.slice(0, bad).some(isInspectedContainer)) {
        throw new InputError(`${file}, line ${locator(source, [bad])(['spec'])}: element ${bad} of this docker inspect output is not a container `
          + '(it needs Id, Config and HostConfig); pass the output of docker inspect <container>... unchanged');
      }
      return undefined;
    }
    return value.map((container, index) => {
      const name = (stringField(container, 'Name') ?? '').replace(/^\//, '') || String(container.Id).slice(0, 12);
      return {
        object: { apiVersion: CONTAINER_API_VERSION, kind: CONTAINER_KIND, metadata: { name }, spec: container },
        origin: { file, document: index + 1, line: locator(source, [index])(['spec']), locate: locator(source, [index]) },
      };
    });
  }
  if (!isObject(value) || 'apiVersion' in value || 'kind' in value || 'items' in value) {
    return undefined;
  }
  const keys = Object.keys(value);
  if (basename(file) === 'daemon.json' || (keys.length > 0 && keys.every((k) => DAEMON_KEYS.has(k)))) {
    return [{
      object: { apiVersion: CONTAINER_API_VERSION, kind: DAEMON_KIND, metadata: { name: file }, spec: value },
      origin: { file, line: 1, locate: locator(source, []) },
    }];
  }
  const unknown = keys.filter((k) => !DAEMON_KEYS.has(k));
  // NotKubernetesError: a folder walk skips such a file (package.json) with a notice; named, it is refused.
  throw new NotKubernetesError(`${file}: JSON that is neither Kubernetes objects (no apiVersion and kind), a Docker daemon.json `
    + `(${unknown.length ? `unknown key ${JSON.stringify(unknown[0])}` : 'no keys'}) nor docker inspect output (an array of containers); `
    + 'name a daemon configuration daemon.json, or give each Kubernetes object its apiVersion and kind');
}
