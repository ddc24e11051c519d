/**
 * Checks of the pod template props (image, quantity, resources, probe, env and path): each refuses an unsafe or
 * malformed value with an error naming the prop, and returns the value as Kubernetes will read it.
 */
import * as k8s from '../imports/k8s';
import { checkInt, Refuse } from './common';
import { ContainerResources, EnvValue, ExecProbe, GrpcProbe, HttpGetProbe, SecureProbe, TcpSocketProbe } from './pod-props';

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

export function checkQuantity(refuse: Refuse, prop: string, value: string, fix: string): number {
  const n = quantityValue(value);
  if (n === undefined || n <= 0) {
    throw refuse.error(prop, `${prop} "${String(value)}" is not a positive Kubernetes quantity`, fix);
  }
  return n;
}

export function checkResources(refuse: Refuse, prop: string, resources: ContainerResources | undefined): k8s.ResourceRequirements {
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

export function isDnsLabelLike(value: unknown): boolean {
  return typeof value === 'string' && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(value) && value.length <= 15;
}

export function checkProbe(refuse: Refuse, prop: string, probe: SecureProbe, kind: 'liveness' | 'readiness' | 'startup', portNames: ReadonlySet<string>): k8s.Probe {
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

export function checkEnv(refuse: Refuse, prop: string, env: Readonly<Record<string, EnvValue>> | undefined): k8s.EnvVar[] | undefined {
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

export function checkPath(refuse: Refuse, prop: string, path: string): string {
  if (typeof path !== 'string' || !path.startsWith('/') || path === '/' || path.split('/').includes('..')) {
    throw refuse.error(prop, `${prop} "${String(path)}" is not an absolute directory below /`, 'use an absolute path such as "/tmp"');
  }
  return path.length > 1 ? path.replace(/\/+$/, '') : path;
}
