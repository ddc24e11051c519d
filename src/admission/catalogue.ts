import { AdmissionEntry } from '../policy/rule';
import { ALL_RULES } from '../catalogue';

export { AdmissionEntry, CelEntry, isCelEntry, NotExpressibleEntry } from '../policy/rule';

/**
 * The admission entry of the schema rule, which lives with the schema stage (src/schema) rather than among the
 * rules of src/policy/rules.
 */
const SCHEMA_ENTRY: AdmissionEntry = {
  notExpressible: 'it checks manifests against the full Kubernetes 1.28 OpenAPI schema offline; in the cluster the '
    + 'API server itself decodes and validates every object against that schema, and refuses or drops unknown '
    + 'fields before admission, so a policy would never see what this rule looks for',
};

/**
 * The admission side of every rule, keyed by rule id: the CEL that enforces it, or why it cannot be enforced at
 * admission. Each rule writes its entry in its own file, beside its logic (`admission` of the rule definition); this
 * index only collects them. A rule without one fails a test, and the equivalence test holds each expression to the
 * rule's fixtures.
 */
export const ADMISSION_CATALOGUE: Readonly<Record<string, AdmissionEntry>> = Object.fromEntries([
  ['schema', SCHEMA_ENTRY],
  ...ALL_RULES.flatMap((rule) => (rule.admission === undefined ? [] : [[rule.id, rule.admission] as const])),
]);
