/** The `schema` rule: every object must match the Kubernetes 1.28 API (or its CRD), strictly. */
import { ObjectRule } from '../policy/rule';
import { SchemaOptions, SchemaValidator } from './validate';

export const SCHEMA_RULE_ID = 'schema';

export type SchemaRuleOptions = SchemaOptions;

/**
 * Creates the `schema` rule. Custom resources are checked against the CustomResourceDefinitions of the object set
 * being judged, and against those in `crds` (`--crd` files). The 1.28 definitions and the compiled
 * validators are loaded on the first object checked and shared by every schema rule of the process.
 * Throws a `CrdError` for a CustomResourceDefinition in `crds` that cannot be used.
 */
export function createSchemaRule(options: SchemaRuleOptions = {}): ObjectRule {
  const validator = new SchemaValidator(options);
  const given = new Set(options.crds ?? []);
  // The validator for the last object set's own CRDs (HardenedApp judges the same set again and again).
  let last: { key: string; rule: ObjectRule } | undefined;
  const rule: ObjectRule = {
    id: SCHEMA_RULE_ID,
    title: 'Objects match the Kubernetes 1.28 API schema',
    severity: 'error',
    profiles: ['schema', 'hardened'],
    description:
      'Checks every object against the Kubernetes 1.28 OpenAPI definitions strictly, as kubectl\'s strict server-side '
      + 'field validation and kubeconform -strict do: unknown (misspelled or misplaced) fields, values of the wrong type, '
      + 'malformed quantities, missing required fields and apiVersion/kind pairs that 1.28 does not serve. The API server '
      + 'drops unknown fields from custom resources and refuses the rest, so a typo such as securityContext.runAsNonroot '
      + 'silently loses the hardening it was meant to add, and an unserved apiVersion fails the whole deploy. Custom '
      + 'resources are checked against the CustomResourceDefinitions among the checked objects and those passed with '
      + '--crd, after their schemas\' defaults are applied (as the API server defaults before it validates), and noted as '
      + 'not schema-checked otherwise. See https://kubernetes.io/docs/reference/using-api/api-concepts/#field-validation.',
    remediation:
      'Fix the field the finding names so the object matches the Kubernetes 1.28 API: correct the spelling '
      + '(securityContext.runAsNonRoot, not runAsNonroot), give the value the documented type, add required fields, '
      + 'and use an apiVersion that 1.28 serves.',
    docsUrl: 'https://kubernetes.io/docs/reference/using-api/api-concepts/#field-validation',
    scope: 'object',
    check: (target) => validator.validate(target.object),
    forSetReadsContextOnly: true,
    forSet(_targets, context) {
      const own = context.crds.filter((crd) => !given.has(crd));
      if (own.length === 0) {
        return rule;
      }
      const key = JSON.stringify(own);
      if (last?.key !== key) {
        const forSet = new SchemaValidator(options, own);
        last = { key, rule: { ...rule, check: (target) => forSet.validate(target.object), forSet: undefined } };
      }
      return last.rule;
    },
  };
  return rule;
}

/** The `schema` rule for built-in kinds only (custom resources are noted as not schema-checked). */
export const SCHEMA_RULE: ObjectRule = createSchemaRule();
