import { createHash } from 'crypto';
import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import { suppressionAnnotation } from '../policy/suppressions';

/**
 * Thrown when a construct is asked for something insecure or invalid. The message is one line:
 * `<Construct> "<id>": <prop and value> <risk>: <safe alternative>`.
 */
export class HardeningError extends Error {
  constructor(
    /** `SecureDeployment "api"`. */
    readonly construct: string,
    /** The prop at fault, e.g. `containers[0].ports[0].name`. */
    readonly prop: string,
    message: string,
    /** The construct path of the construct that refused (`backend/api`), when its scope was given. */
    readonly constructPath?: string,
  ) {
    super(`${construct}: ${message}${constructPath !== undefined ? ` (at ${constructPath}, prop ${prop})` : ''}`);
    this.name = 'HardeningError';
  }
}

/** Builds errors for one construct. */
export class Refuse {
  readonly who: string;
  /** The construct path the construct will have (its scope's path and its id). */
  readonly path?: string;
  constructor(kind: string, id: string, scope?: Construct) {
    this.who = `${kind} "${id}"`;
    this.path = scope === undefined ? undefined : scope.node.path ? `${scope.node.path}/${id}` : id;
  }

  /** An error for `prop`: `problem` says what and why it is risky, `fix` the safe alternative. */
  error(prop: string, problem: string, fix: string): HardeningError {
    return new HardeningError(this.who, prop, `${problem}: ${fix}`, this.path);
  }
}

/** Labels that several objects share: a name to select by and the value. */
export type Labels = Readonly<Record<string, string>>;

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_NAME = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** True for an RFC 1123 DNS label (Service, Namespace and container names). */
export function isDnsLabel(value: string, maxLength = 63): boolean {
  return typeof value === 'string' && value.length <= maxLength && DNS_LABEL.test(value);
}

/** True for an RFC 1123 DNS subdomain (most object names). */
export function isDnsSubdomain(value: string): boolean {
  return typeof value === 'string' && value.length <= 253 && DNS_SUBDOMAIN.test(value);
}

/** Checks a name against RFC 1123 label rules and throws a construct error naming the prop. */
export function checkDnsLabel(refuse: Refuse, prop: string, value: string, maxLength = 63): string {
  if (!isDnsLabel(value, maxLength)) {
    throw refuse.error(prop, `${prop} "${value}" is not a valid name (lower-case letters, digits and "-", at most ${maxLength} characters, starting and ending alphanumeric)`,
      'use a stable, explicit name such as "api" or "web-frontend"');
  }
  return value;
}

/** Checks label keys and values (so a bad label fails here, not at the API server). */
export function checkLabels(refuse: Refuse, prop: string, labels: Labels | undefined): Labels {
  for (const [key, value] of Object.entries(labels ?? {})) {
    const slash = key.lastIndexOf('/');
    const prefix = slash < 0 ? undefined : key.slice(0, slash);
    const name = slash < 0 ? key : key.slice(slash + 1);
    if ((prefix !== undefined && !isDnsSubdomain(prefix)) || name.length > 63 || !LABEL_NAME.test(name)) {
      throw refuse.error(`${prop}`, `label key "${key}" is not a valid label name`, 'use [prefix/]name with alphanumerics, "-", "_" and "."');
    }
    if (typeof value !== 'string' || value.length > 63 || !LABEL_VALUE.test(value)) {
      throw refuse.error(`${prop}`, `label "${key}" has the invalid value "${String(value)}"`, 'use at most 63 alphanumerics, "-", "_" or "."');
    }
  }
  return labels ?? {};
}

/** Namespaces that are never a workload's home. */
const SYSTEM_NAMESPACES = ['kube-system', 'kube-public', 'kube-node-lease'];

/**
 * The namespace an object goes to: the prop, else the chart's. `default` and the system namespaces are
 * refused: a hardened object always lives in a namespace of its own that carries the PSA labels.
 */
export function resolveNamespace(scope: Construct, refuse: Refuse, given: string | undefined): string {
  const namespace = given ?? Chart.of(scope).namespace;
  if (namespace === undefined || namespace === '') {
    throw refuse.error('namespace', 'has no namespace (neither props.namespace nor the chart\'s namespace is set), so it would land in "default"',
      'set props.namespace or new Chart(app, id, { namespace }) to a LockedDownNamespace');
  }
  if (namespace === 'default') {
    throw refuse.error('namespace', 'namespace "default" has no Pod Security labels, quota or default-deny network policy',
      'create a LockedDownNamespace and set props.namespace (or the chart\'s namespace) to its name');
  }
  if (SYSTEM_NAMESPACES.includes(namespace)) {
    throw refuse.error('namespace', `namespace "${namespace}" is reserved for the cluster's own components`,
      'create a LockedDownNamespace for the app and use it');
  }
  return checkDnsLabel(refuse, 'namespace', namespace);
}

/** Props every hardened object accepts. */
export interface ObjectMetaProps {
  /**
   * Extra labels on every object the construct emits.
   * @default - only the construct's own labels
   */
  readonly labels?: Labels;
  /**
   * Extra annotations on the construct's main object.
   * @default - none
   */
  readonly annotations?: Labels;
}

/**
 * Emits a plain `ApiObject` whose body was built with the typed `k8s` interfaces and their `toJson_*`
 * converters. Unlike `k8s.Kube*`, a plain ApiObject emits exactly what it holds, so `addJsonPatch` takes real
 * Kubernetes field names (`/spec/template/spec/hostPID`) and nothing is silently dropped.
 */
export function emit(scope: Construct, id: string, props: {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
  labels?: Labels;
  annotations?: Labels;
  body?: Record<string, unknown>;
  clusterScoped?: boolean;
}): ApiObject {
  const annotations = props.annotations && Object.keys(props.annotations).length ? { ...props.annotations } : undefined;
  const object = new ApiObject(scope, id, {
    apiVersion: props.apiVersion,
    kind: props.kind,
    metadata: {
      name: props.name,
      ...(props.namespace !== undefined ? { namespace: props.namespace } : {}),
      ...(props.labels && Object.keys(props.labels).length ? { labels: { ...props.labels } } : {}),
      ...(annotations ? { annotations } : {}),
    },
    ...(props.body ?? {}),
  });
  if (props.clusterScoped && Chart.of(scope).namespace !== undefined) {
    // ApiObject copies the chart's namespace onto every object; a cluster-scoped object must not carry one.
    object.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
  }
  return object;
}

/** Writes the suppression annotation for `ruleId` on `object` (the reason needs at least 10 letters or digits). */
export function annotateSuppression(refuse: Refuse, object: ApiObject, ruleId: string, reason: string): void {
  let annotation: Record<string, string>;
  try {
    annotation = suppressionAnnotation(ruleId, reason);
  } catch (error) {
    throw refuse.error('suppress', (error as Error).message, 'give a reason of at least 10 letters or digits');
  }
  for (const [key, value] of Object.entries(annotation)) {
    object.metadata.addAnnotation(key, value);
  }
}

/** A DNS-label-safe slug of `text` that stays unique and at most `max` characters (a short stable hash when cut). */
export function slug(text: string, max = 63): string {
  const base = text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'root';
  if (base.length <= max) {
    return base;
  }
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 8);
  return `${base.slice(0, max - 9).replace(/-+$/, '')}-${hash}`;
}

/** The recommended label naming the application, used to select pods. */
export const NAME_LABEL = 'app.kubernetes.io/name';

/** Throws unless `value` is an integer within [min, max]. */
export function checkInt(refuse: Refuse, prop: string, value: number, min: number, max: number, fix: string): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw refuse.error(prop, `${prop} ${String(value)} is not an integer between ${min} and ${max}`, fix);
  }
  return value;
}
