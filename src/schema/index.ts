/** Strict, offline Kubernetes 1.28 schema validation: the public API of `src/schema`. */
export { createSchemaRule, SCHEMA_RULE, SCHEMA_RULE_ID, SchemaRuleOptions } from './rule';
export { SchemaValidator, SchemaOptions, normalise as normaliseForSchema } from './validate';
export { CrdError } from './crd';
export { isQuantity } from './formats';
