import { readdirSync, readFileSync, statSync } from 'fs';
import { join } from 'path';
// @bufbuild/cel is ESM-first; its CommonJS build is what jest loads.
import { celEnv, isCelError, parse, plan } from '@bufbuild/cel';
import { AdmissionObject, generateAdmissionPolicies, SEVERITY_ANNOTATION } from '../../src/admission';
import { parseManifests } from '../../src/input/parse';
import { evaluate } from '../../src/catalogue';
import { Rule, Severity } from '../../src/policy/rule';
import { findRemoval } from '../../src/policy/rules/api/removed';

/**
 * A small model of how the API server runs a ValidatingAdmissionPolicy, on top of @bufbuild/cel, a CEL
 * implementation for JavaScript. Where it differs from Kubernetes' CEL (cel-go fed with the object as the API
 * server decodes it) the object is normalised here, never in the generated CEL:
 *
 * - Numbers: Kubernetes decodes integer fields as int64, so CEL sees `int`; JavaScript numbers would be CEL
 *   `double`. Integral numbers become BigInt (CEL int); others stay double.
 * - Nulls: the API server decodes into typed objects, where `null` means "not set", and hands admission the
 *   object without those fields; `has()` is then false. Keys whose value is null are dropped.
 * - Matching: the API server only runs a policy for requests its matchConstraints select (by API group and
 *   resource); objects of an apiVersion that 1.28 no longer serves never reach admission at all.
 */

/** The API group and resource (plural) of the kinds the policies match. */
const RESOURCES: Record<string, string> = {
  '/Pod': 'pods',
  '/PodTemplate': 'podtemplates',
  '/ReplicationController': 'replicationcontrollers',
  '/Service': 'services',
  '/Namespace': 'namespaces',
  'apps/Deployment': 'deployments',
  'apps/ReplicaSet': 'replicasets',
  'apps/StatefulSet': 'statefulsets',
  'apps/DaemonSet': 'daemonsets',
  'batch/Job': 'jobs',
  'batch/CronJob': 'cronjobs',
  'rbac.authorization.k8s.io/Role': 'roles',
  'rbac.authorization.k8s.io/ClusterRole': 'clusterroles',
  'rbac.authorization.k8s.io/RoleBinding': 'rolebindings',
  'rbac.authorization.k8s.io/ClusterRoleBinding': 'clusterrolebindings',
  'networking.k8s.io/NetworkPolicy': 'networkpolicies',
};

export function groupVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

/** The object as the API server hands it to CEL: integers as int, null fields absent. */
export function toCel(value: unknown): unknown {
  if (typeof value === 'number') {
    return Number.isInteger(value) ? BigInt(value) : value;
  }
  if (Array.isArray(value)) {
    return value.map(toCel);
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      if (v !== null && v !== undefined) {
        out[key] = toCel(v);
      }
    }
    return out;
  }
  return value;
}

const env = celEnv();
const programs = new Map<string, ReturnType<typeof plan>>();

/** Evaluates a CEL expression: its value, or an Error for a parse or evaluation error. */
export function runCel(expression: string, bindings: Record<string, unknown>): unknown {
  let program = programs.get(expression);
  if (!program) {
    program = plan(env, parse(expression));
    programs.set(expression, program);
  }
  const result = program(bindings as never);
  return isCelError(result) ? new Error(result.message) : result;
}

export interface Request {
  readonly object: Record<string, unknown>;
  readonly oldObject?: Record<string, unknown> | null;
  readonly operation?: 'CREATE' | 'UPDATE';
  readonly subResource?: string;
  /** The namespace the request is for (for `kubernetes.io/metadata.name` matching); default: the object's. */
  readonly namespace?: string;
  /** Labels of that namespace, beyond `kubernetes.io/metadata.name`. */
  readonly namespaceLabels?: Record<string, string>;
  /** Who sends the request. @default 'kubernetes-admin' */
  readonly username?: string;
}

/** True when the policy's matchConstraints select the request (API group, resource, operation). */
export function policyMatches(policy: AdmissionObject, request: Request): boolean {
  const { group } = groupVersion(String(request.object.apiVersion ?? ''));
  const resource = RESOURCES[`${group}/${String(request.object.kind ?? '')}`];
  if (!resource) {
    return false;
  }
  const wanted = request.subResource ? `${resource}/${request.subResource}` : resource;
  const rules = (policy.spec.matchConstraints as { resourceRules: Array<{ apiGroups: string[]; resources: string[]; operations: string[] }> }).resourceRules;
  return rules.some((r) => r.apiGroups.includes(group) && r.resources.includes(wanted) && r.operations.includes(request.operation ?? 'CREATE'));
}

/** True when the object could reach admission at all (its apiVersion is served by Kubernetes 1.28). */
export function servedBy128(object: Record<string, unknown>): boolean {
  return findRemoval(String(object.apiVersion ?? ''), String(object.kind ?? '')) === undefined;
}

function bindingsFor(request: Request): Record<string, unknown> {
  const object = request.object;
  const { group, version } = groupVersion(String(object.apiVersion ?? ''));
  const metadata = (object.metadata ?? {}) as Record<string, unknown>;
  return {
    object: toCel(object),
    oldObject: request.oldObject ? toCel(request.oldObject) : null,
    request: {
      operation: request.operation ?? 'CREATE',
      kind: { group, version, kind: String(object.kind ?? '') },
      subResource: request.subResource ?? '',
      name: String(metadata.name ?? ''),
      namespace: request.namespace ?? String(metadata.namespace ?? ''),
      userInfo: { username: request.username ?? 'kubernetes-admin', groups: ['system:authenticated'] },
    },
  };
}

export type Verdict =
  | { readonly outcome: 'not-matched' }
  | { readonly outcome: 'skipped'; readonly condition: string }
  | { readonly outcome: 'admitted' }
  | { readonly outcome: 'denied'; readonly message: string; readonly error?: string };

/**
 * What the API server does with a request for one policy (failurePolicy Fail): not matched, skipped by a match
 * condition, admitted, or denied (by a false validation or an evaluation error).
 */
export function admit(policy: AdmissionObject, request: Request): Verdict {
  if (!policyMatches(policy, request)) {
    return { outcome: 'not-matched' };
  }
  const bindings = bindingsFor(request);
  const spec = policy.spec as {
    matchConditions?: Array<{ name: string; expression: string }>;
    validations: Array<{ expression: string; message: string }>;
  };
  for (const condition of spec.matchConditions ?? []) {
    const value = runCel(condition.expression, bindings);
    if (value instanceof Error || typeof value !== 'boolean') {
      return { outcome: 'denied', message: `match condition ${condition.name} failed`, error: String(value) };
    }
    if (!value) {
      return { outcome: 'skipped', condition: condition.name };
    }
  }
  for (const validation of spec.validations) {
    const value = runCel(validation.expression, bindings);
    if (value instanceof Error || typeof value !== 'boolean') {
      return { outcome: 'denied', message: validation.message, error: String(value) };
    }
    if (!value) {
      return { outcome: 'denied', message: validation.message };
    }
  }
  return { outcome: 'admitted' };
}

/** True when a binding's namespaceSelector selects the request's namespace (matchExpressions only). */
export function bindingSelects(binding: AdmissionObject, request: Request): boolean {
  const selector = (binding.spec.matchResources as { namespaceSelector?: { matchExpressions?: Array<{ key: string; operator: string; values: string[] }> } } | undefined)
    ?.namespaceSelector;
  const metadata = (request.object.metadata ?? {}) as Record<string, unknown>;
  const namespaceName = request.object.kind === 'Namespace' ? String(metadata.name ?? '') : request.namespace ?? String(metadata.namespace ?? 'default');
  const labels: Record<string, string> = { ...request.namespaceLabels, 'kubernetes.io/metadata.name': namespaceName };
  return (selector?.matchExpressions ?? []).every((e) => {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    switch (e.operator) {
      case 'In': return has && e.values.includes(labels[e.key]);
      case 'NotIn': return !has || !e.values.includes(labels[e.key]);
      case 'Exists': return has;
      case 'DoesNotExist': return !has;
      default: throw new Error(`unknown operator ${e.operator}`);
    }
  });
}

/** True when the TypeScript rule reports anything on the object on its own (suppressed or not). */
export function ruleFails(rule: Rule, object: unknown): boolean {
  return evaluate([{ object }], [rule]).some((f) => f.ruleId === rule.id);
}

/** One generated policy of a rule, with the findings it stands for. */
export interface RulePolicy {
  readonly policy: AdmissionObject;
  /** The severity of the findings it stands for. */
  readonly severity: Severity;
  /** True when the rule has one policy per severity (then each answers for its severity only). */
  readonly split: boolean;
}

/** The policies of one rule on its own (its pack may replace it, as restricted replaces baseline checks). */
export function policiesOf(rule: Rule): RulePolicy[] {
  const objects = generateAdmissionPolicies({ profile: rule.profiles[0] }, [rule]).filter((o) => o.kind === 'ValidatingAdmissionPolicy');
  return objects.map((policy) => ({
    policy,
    severity: policy.metadata.annotations[SEVERITY_ANNOTATION] as Severity,
    split: objects.length > 1,
  }));
}

/** True when the rule reports, on the object on its own, a finding the policy should deny (or warn about). */
export function expectsDenial(rule: Rule, part: RulePolicy, object: unknown): boolean {
  return evaluate([{ object }], [rule]).some((f) => f.ruleId === rule.id && (!part.split || f.severity === part.severity));
}

/** Every `.yaml` file under `dir`, sorted, with paths relative to `dir`. */
export function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (sub: string) => {
    for (const entry of readdirSync(join(dir, sub)).sort()) {
      const rel = sub ? `${sub}/${entry}` : entry;
      if (statSync(join(dir, rel)).isDirectory()) {
        walk(rel);
      } else if (/\.ya?ml$/.test(entry)) {
        out.push(rel);
      }
    }
  };
  walk('');
  return out;
}

/** The objects of a YAML file. */
export function loadObjects(path: string): Record<string, unknown>[] {
  return parseManifests(readFileSync(path, 'utf8'), path).map((m) => m.object as Record<string, unknown>);
}

/** Pod -> the same pod as the template of each workload kind (metadata annotations and labels kept). */
export function wrapPod(pod: Record<string, unknown>, kind: string): Record<string, unknown> {
  const metadata = (pod.metadata ?? {}) as Record<string, unknown>;
  const name = String(metadata.name ?? 'pod');
  const template = {
    metadata: { labels: { app: name }, ...(metadata.annotations ? { annotations: metadata.annotations } : {}) },
    spec: pod.spec,
  };
  const selector = { matchLabels: { app: name } };
  const meta = { name, namespace: 'app' };
  switch (kind) {
    case 'Pod': return pod;
    case 'PodTemplate': return { apiVersion: 'v1', kind, metadata: meta, template };
    case 'ReplicationController': return { apiVersion: 'v1', kind, metadata: meta, spec: { selector: { app: name }, template } };
    case 'Deployment':
    case 'ReplicaSet':
    case 'DaemonSet':
      return { apiVersion: 'apps/v1', kind, metadata: meta, spec: { selector, template } };
    case 'StatefulSet': return { apiVersion: 'apps/v1', kind, metadata: meta, spec: { selector, serviceName: name, template } };
    case 'Job': return { apiVersion: 'batch/v1', kind, metadata: meta, spec: { template } };
    case 'CronJob': return { apiVersion: 'batch/v1', kind, metadata: meta, spec: { schedule: '0 * * * *', jobTemplate: { spec: { template } } } };
    default: throw new Error(`cannot wrap a pod as ${kind}`);
  }
}
