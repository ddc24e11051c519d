/**
 * Rules the API server's own validation enforces (pkg/apis/<group>/validation of Kubernetes v1.28.0) that the OpenAPI
 * definitions cannot say: a field that must be given and not empty, and number ranges. The OpenAPI `required` lists
 * come from Go fields without `omitempty` and are not enforced by the server as such, so an explicit `null` satisfies
 * them (`scaleIO.secretRef: null` in Kubernetes' own PSA fixtures); the fields below are the ones the server refuses
 * as "Required value" when null or empty, each with the line of validation.go that does it.
 */
import type { JsonSchema } from './derive';

/**
 * The pattern of a string the server refuses when empty (`len(x) == 0` is Required): any one character. A pattern,
 * not `minLength: 1`, so the precompiled validators need no ajv runtime helper (ucs2length); for "not empty" the
 * two agree.
 */
export const NON_EMPTY_PATTERN = '[\\s\\S]';

/** Keyword on a derived definition: its fields that an explicit `null` does not satisfy (see `validate.ts`). */
export const NON_NULL_KEYWORD = 'x-cdk8s-hardened-non-null';

export interface ServerRule {
  /** Definition name, e.g. `io.k8s.api.core.v1.PodSpec`. */
  readonly definition: string;
  readonly field: string;
  /** Given and not null (added to `required` if the definition does not list it). */
  readonly required?: boolean;
  /** JSON Schema keywords the field's schema gets: `minItems`, `pattern` (non-empty), `minimum`, `maximum`. */
  readonly schema?: JsonSchema;
  /** Where Kubernetes v1.28.0 enforces it. */
  readonly source: string;
}

const CORE = 'pkg/apis/core/validation/validation.go';
const APPS = 'pkg/apis/apps/validation/validation.go';
const RBAC = 'pkg/apis/rbac/validation/validation.go';

export const SERVER_RULES: readonly ServerRule[] = [
  { definition: 'io.k8s.api.core.v1.PodSpec', field: 'containers', required: true, schema: { minItems: 1 }, source: `${CORE}:3395 validateContainers: len(containers) == 0 is Required` },
  { definition: 'io.k8s.api.core.v1.Container', field: 'name', required: true, schema: { pattern: NON_EMPTY_PATTERN }, source: `${CORE}:3324 validateContainerCommon` },
  { definition: 'io.k8s.api.core.v1.Container', field: 'image', required: true, schema: { pattern: NON_EMPTY_PATTERN }, source: `${CORE}:3333 validateContainerCommon` },
  { definition: 'io.k8s.api.core.v1.ContainerPort', field: 'containerPort', required: true, schema: { minimum: 1, maximum: 65535 }, source: `${CORE}:2390 validateContainerPorts, IsValidPortNum` },
  { definition: 'io.k8s.api.core.v1.ContainerPort', field: 'hostPort', schema: { minimum: 0, maximum: 65535 }, source: `${CORE}:2397 validateContainerPorts (0 is unset)` },
  { definition: 'io.k8s.api.core.v1.EnvVar', field: 'name', required: true, schema: { pattern: NON_EMPTY_PATTERN }, source: `${CORE}:2417 ValidateEnv` },
  { definition: 'io.k8s.api.core.v1.Volume', field: 'name', required: true, schema: { pattern: NON_EMPTY_PATTERN }, source: `${CORE}:407 ValidateVolumes` },
  { definition: 'io.k8s.api.core.v1.ServicePort', field: 'port', required: true, schema: { minimum: 1, maximum: 65535 }, source: `${CORE}:5307 validateServicePort, IsValidPortNum` },
  { definition: 'io.k8s.api.apps.v1.DeploymentSpec', field: 'selector', required: true, source: `${APPS}:555 ValidateDeploymentSpec` },
  { definition: 'io.k8s.api.apps.v1.ReplicaSetSpec', field: 'selector', required: true, source: `${APPS}:723 ValidateReplicaSetSpec` },
  { definition: 'io.k8s.api.apps.v1.StatefulSetSpec', field: 'selector', required: true, source: `${APPS}:136 ValidateStatefulSetSpec` },
  { definition: 'io.k8s.api.rbac.v1.PolicyRule', field: 'verbs', required: true, schema: { minItems: 1 }, source: `${RBAC}:105 ValidatePolicyRule: verbs must contain at least one value` },
];

/** Applies {@link SERVER_RULES} to derived definitions (in place); returns how many applied. */
export function applyServerRules(definitions: Record<string, JsonSchema>, rules: readonly ServerRule[] = SERVER_RULES): number {
  let applied = 0;
  for (const rule of rules) {
    const definition = definitions[rule.definition];
    const properties = definition?.properties as Record<string, JsonSchema> | undefined;
    if (!definition || !properties || !properties[rule.field]) {
      throw new Error(`server rule for ${rule.definition}.${rule.field}: no such field in the 1.28 definitions`);
    }
    const property = properties[rule.field];
    // A $ref (selector: LabelSelector) cannot take sibling keywords in draft-07; wrap it.
    properties[rule.field] = rule.schema ? (property.$ref ? { allOf: [property], ...rule.schema } : { ...property, ...rule.schema }) : property;
    if (rule.required) {
      const required = Array.isArray(definition.required) ? definition.required as string[] : [];
      const nonNull = Array.isArray(definition[NON_NULL_KEYWORD]) ? definition[NON_NULL_KEYWORD] as string[] : [];
      definitions[rule.definition] = {
        ...definition,
        required: required.includes(rule.field) ? required : [...required, rule.field],
        [NON_NULL_KEYWORD]: [...nonNull, rule.field],
      };
    }
    applied++;
  }
  return applied;
}
