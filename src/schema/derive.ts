/**
 * Turns the Kubernetes OpenAPI v2 definitions into strict JSON Schemas for ajv. Pure and fast (a few
 * milliseconds for the 570 definitions of 1.28), so it runs at first use rather than at build time.
 */
import { isObject, JsonObject } from '../policy/json';
import { isKnownFormat } from './formats';
import { applyServerRules, ServerRule } from './server-rules';

/** A JSON Schema (draft-07 subset) as ajv takes it. */
export type JsonSchema = { [keyword: string]: unknown };

/** `$id` of the schema that holds every derived definition; refs look like `<id>#/definitions/<name>`. */
export const DEFINITIONS_ID = 'kubernetes-1.28';

/** Full definition names of the types with special handling. */
export const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';
export const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
export const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';

/** The schema of an int-or-string field (`IntOrString`, `format: int-or-string`, `x-kubernetes-int-or-string`). */
export const INT_OR_STRING_SCHEMA: JsonSchema = { type: ['integer', 'string'] };
/** A quantity is a string in the quantity grammar or a plain JSON number (`resources.limits.cpu: 0.5`). */
export const QUANTITY_SCHEMA: JsonSchema = { type: ['string', 'number'], format: 'quantity' };

/**
 * Keyword on a derived definition: the fields later Kubernetes releases added to it, with the release
 * (`{ sleep: '1.29' }`). Validation ignores it; messages read it from the error's parent schema.
 */
export const LATER_FIELDS_KEYWORD = 'x-cdk8s-hardened-later-fields';

/** A reference to a derived definition, usable from any schema compiled by the same ajv instance. */
export function definitionRef(name: string): JsonSchema {
  return { $ref: `${DEFINITIONS_ID}#/definitions/${name}` };
}

/** `group/version/kind`, with the core group as the empty string: `/v1/Pod`, `apps/v1/Deployment`. */
export function gvkKey(group: string, version: string, kind: string): string {
  return `${group}/${version}/${kind}`;
}

export interface GroupVersionKind {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
}

export interface DerivedDefinitions {
  /** Strict schema of every definition, by full name (`io.k8s.api.apps.v1.Deployment`). */
  readonly definitions: Readonly<Record<string, JsonSchema>>;
  /** Definition name of every apiVersion/kind pair 1.28 serves, by {@link gvkKey}. */
  readonly kinds: ReadonlyMap<string, string>;
  /** Every served group/version/kind. */
  readonly served: readonly GroupVersionKind[];
  /** How many fields got enum values from `enums.json`. */
  readonly enumFields: number;
}

const LOCAL_REF = '#/definitions/';

/** Converts one OpenAPI v2 schema; `additionalProperties: false` on every object type that lists properties. */
function convert(schema: unknown): JsonSchema {
  if (!isObject(schema)) {
    return {};
  }
  if (typeof schema.$ref === 'string') {
    return schema.$ref.startsWith(LOCAL_REF) ? definitionRef(schema.$ref.slice(LOCAL_REF.length)) : {};
  }
  if (schema.format === 'int-or-string' || schema['x-kubernetes-int-or-string'] === true) {
    return { ...INT_OR_STRING_SCHEMA };
  }
  const out: JsonSchema = {};
  if (typeof schema.type === 'string' || Array.isArray(schema.type)) {
    out.type = schema.type;
  }
  if (isKnownFormat(schema.format)) {
    out.format = schema.format;
  }
  if (Array.isArray(schema.enum)) {
    out.enum = schema.enum;
  }
  if (isObject(schema.items)) {
    out.items = convert(schema.items);
  }
  const preserve = schema['x-kubernetes-preserve-unknown-fields'] === true;
  if (isObject(schema.properties)) {
    const properties: Record<string, JsonSchema> = {};
    for (const [name, property] of Object.entries(schema.properties)) {
      properties[name] = convert(property);
    }
    out.properties = properties;
  }
  if (isObject(schema.additionalProperties)) {
    out.additionalProperties = convert(schema.additionalProperties);
  } else if (schema.additionalProperties === false || (isObject(schema.properties) && !preserve && schema.additionalProperties === undefined)) {
    out.additionalProperties = false;
  }
  if (Array.isArray(schema.required) && schema.required.length > 0) {
    out.required = schema.required.filter((r) => typeof r === 'string');
  }
  for (const junctor of ['oneOf', 'anyOf', 'allOf'] as const) {
    const branches = schema[junctor];
    if (Array.isArray(branches)) {
      out[junctor] = branches.map(convert);
    }
  }
  return out;
}

/**
 * An enum's values plus `""`: Go decodes an empty string as the field's zero value, which the API server treats as
 * unset (defaulting fills it in: `protocol: ""` becomes TCP, `imagePullPolicy: ""` the default policy).
 */
function withUnset(values: readonly unknown[]): unknown[] {
  return values.includes('') ? [...values] : [...values, ''];
}

/**
 * Adds what the API server validates beyond the vendored definitions to the derived schemas: the enum values of
 * typed string fields (`enums.json`: `{ definitions: { [definition]: { [field]: { enum } | { items: { enum } } } } }`).
 * A patch for a definition or field the definitions lack is skipped (the extraction covers every group version the
 * generator knows, 1.28 serves fewer).
 */
function applyFieldPatches(definitions: Record<string, JsonSchema>, patches: unknown): number {
  const source = isObject(patches) && isObject(patches.definitions) ? patches.definitions : {};
  let applied = 0;
  for (const [name, fields] of Object.entries(source)) {
    const properties = definitions[name]?.properties as Record<string, JsonSchema> | undefined;
    if (!properties || !isObject(fields)) {
      continue;
    }
    for (const [fieldName, patch] of Object.entries(fields)) {
      const property = properties[fieldName];
      if (!property || !isObject(patch)) {
        continue;
      }
      if (Array.isArray(patch.enum) && property.type === 'string') {
        properties[fieldName] = { ...property, enum: withUnset(patch.enum) };
        applied++;
      } else if (isObject(patch.items) && Array.isArray(patch.items.enum) && property.type === 'array' && isObject(property.items)) {
        properties[fieldName] = { ...property, items: { ...(property.items as JsonSchema), enum: withUnset(patch.items.enum) } };
        applied++;
      }
    }
  }
  return applied;
}

/**
 * Derives the strict schemas and the served kinds from a parsed `_definitions.json`, with the enum values of
 * `enums` (a parsed `enums.json`) applied to the fields they belong to, and the later releases' fields of
 * `laterFields` (a parsed `later-fields.json`) noted on their definitions, and the API server's own required and
 * range rules of `serverRules` (see `server-rules.ts`) applied.
 */
export function deriveDefinitions(raw: unknown, enums?: unknown, laterFields?: unknown, serverRules?: readonly ServerRule[]): DerivedDefinitions {
  const source: JsonObject = isObject(raw) && isObject(raw.definitions) ? raw.definitions : {};
  const definitions: Record<string, JsonSchema> = {};
  const kinds = new Map<string, string>();
  const served: GroupVersionKind[] = [];
  for (const [name, schema] of Object.entries(source)) {
    definitions[name] = convert(schema);
    const gvks = isObject(schema) ? schema['x-kubernetes-group-version-kind'] : undefined;
    for (const gvk of Array.isArray(gvks) ? gvks : []) {
      if (isObject(gvk) && typeof gvk.group === 'string' && typeof gvk.version === 'string' && typeof gvk.kind === 'string') {
        const key = gvkKey(gvk.group, gvk.version, gvk.kind);
        if (!kinds.has(key)) {
          kinds.set(key, name);
          served.push({ group: gvk.group, version: gvk.version, kind: gvk.kind });
        }
      }
    }
  }
  definitions[INT_OR_STRING] = { ...INT_OR_STRING_SCHEMA };
  definitions[QUANTITY] = { ...QUANTITY_SCHEMA };
  const enumFields = enums === undefined ? 0 : applyFieldPatches(definitions, enums);
  const later = isObject(laterFields) && isObject(laterFields.definitions) ? laterFields.definitions : {};
  for (const [name, fields] of Object.entries(later)) {
    if (definitions[name] && isObject(fields)) {
      definitions[name] = { ...definitions[name], [LATER_FIELDS_KEYWORD]: fields };
    }
  }
  if (serverRules) {
    applyServerRules(definitions, serverRules);
  }
  return { definitions, kinds, served, enumFields };
}
