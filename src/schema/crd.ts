/**
 * CustomResourceDefinitions (apiextensions.k8s.io/v1) -> strict JSON Schemas for their custom resources, following
 * the API server: structural schemas, unknown fields rejected unless `x-kubernetes-preserve-unknown-fields`,
 * `x-kubernetes-int-or-string`, `x-kubernetes-embedded-resource`, OpenAPI 3.0 `exclusiveMinimum`/`Maximum`.
 * Not checked: CEL rules (`x-kubernetes-validations`), formats other than those in `formats.ts`, and patterns
 * that JavaScript cannot read as Go does.
 */
import { arrayField, isObject, JsonObject, objectField, stringField } from '../policy/json';
import { definitionRef, gvkKey, INT_OR_STRING_SCHEMA, JsonSchema, OBJECT_META } from './derive';
import { isKnownFormat } from './formats';

/** One version of one custom resource kind, as its CRD defines it. */
export interface CrdVersion {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  /** `metadata.name` of the CRD, e.g. `servicemonitors.monitoring.coreos.com`. */
  readonly crdName: string;
  readonly served: boolean;
  /** The strict JSON Schema of the whole object, or undefined when the version has no `openAPIV3Schema`. */
  readonly schema?: JsonSchema;
  /** The version's `openAPIV3Schema` as the CRD gives it (its `default`s are applied before validation). */
  readonly openAPIV3Schema?: JsonObject;
  /** `spec.scope` of the CRD: `Namespaced` or `Cluster`. */
  readonly scope?: string;
}

/** Thrown by `createSchemaRule` for a `crds` entry it cannot use; the message names the CRD and the problem. */
export class CrdError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CrdError';
  }
}

const COPIED_KEYWORDS = [
  'enum', 'pattern', 'minLength', 'maxLength', 'minItems', 'maxItems', 'uniqueItems', 'minimum', 'maximum',
  'multipleOf', 'minProperties', 'maxProperties',
] as const;

const JUNCTORS = ['allOf', 'anyOf', 'oneOf'] as const;

/**
 * The API server reads `pattern` as a Go (RE2) regular expression; one that JavaScript cannot read the same way
 * (`(?i)...`) is left unchecked rather than failing every object of the kind.
 */
function isJsPattern(pattern: unknown): boolean {
  if (typeof pattern !== 'string') {
    return false;
  }
  try {
    new RegExp(pattern, 'u');
    return true;
  } catch {
    return false;
  }
}

/** A junctor branch that only restates a type, as `anyOf: [{type: integer}, {type: string}]` beside int-or-string. */
function onlyType(branch: unknown): boolean {
  return isObject(branch) && Object.keys(branch).every((k) => k === 'type' || k === 'description');
}

/**
 * Converts one structural OpenAPI v3 schema. Inside `allOf`/`anyOf`/`oneOf`/`not` (value validations that may not
 * declare new fields) nothing is made strict; everywhere else an object schema without
 * `x-kubernetes-preserve-unknown-fields` rejects the fields it does not list, as the API server prunes them and
 * kubectl's strict field validation rejects them.
 */
function convert(schema: unknown, inJunctor: boolean): JsonSchema {
  if (!isObject(schema)) {
    return {};
  }
  const out: JsonSchema = {};
  const intOrString = schema['x-kubernetes-int-or-string'] === true;
  if (intOrString) {
    Object.assign(out, INT_OR_STRING_SCHEMA);
  } else if (typeof schema.type === 'string') {
    out.type = schema.type;
  }
  if (isKnownFormat(schema.format)) {
    out.format = schema.format;
  }
  for (const keyword of COPIED_KEYWORDS) {
    if (schema[keyword] !== undefined && (keyword !== 'pattern' || isJsPattern(schema.pattern))) {
      out[keyword] = schema[keyword];
    }
  }
  // OpenAPI 3.0 spells exclusive bounds as booleans beside minimum/maximum; JSON Schema draft-07 as numbers.
  if (schema.exclusiveMinimum === true && typeof schema.minimum === 'number') {
    out.exclusiveMinimum = schema.minimum;
    delete out.minimum;
  }
  if (schema.exclusiveMaximum === true && typeof schema.maximum === 'number') {
    out.exclusiveMaximum = schema.maximum;
    delete out.maximum;
  }
  if (isObject(schema.items)) {
    out.items = convert(schema.items, inJunctor);
  }
  const properties: Record<string, JsonSchema> = {};
  if (isObject(schema.properties)) {
    for (const [name, property] of Object.entries(schema.properties)) {
      properties[name] = convert(property, inJunctor);
    }
  }
  if (schema['x-kubernetes-embedded-resource'] === true) {
    properties.apiVersion ??= { type: 'string' };
    properties.kind ??= { type: 'string' };
    properties.metadata = definitionRef(OBJECT_META);
  }
  if (Object.keys(properties).length > 0) {
    out.properties = properties;
  }
  const preserve = schema['x-kubernetes-preserve-unknown-fields'] === true;
  if (isObject(schema.additionalProperties)) {
    out.additionalProperties = convert(schema.additionalProperties, inJunctor);
  } else if (schema.additionalProperties === false) {
    out.additionalProperties = false;
  } else if (!inJunctor && !preserve && schema.additionalProperties === undefined
    && (schema.type === 'object' || out.properties !== undefined)) {
    out.additionalProperties = false;
  }
  if (Array.isArray(schema.required) && schema.required.length > 0) {
    out.required = schema.required.filter((r) => typeof r === 'string');
  }
  for (const junctor of JUNCTORS) {
    const branches = schema[junctor];
    if (Array.isArray(branches) && !(intOrString && branches.every(onlyType))) {
      out[junctor] = branches.map((b) => convert(b, true));
    }
  }
  if (isObject(schema.not)) {
    out.not = convert(schema.not, true);
  }
  return out;
}

/** The schema of a whole custom resource: the CRD's schema with apiVersion, kind and ObjectMeta metadata implied. */
export function customResourceSchema(openAPIV3Schema: JsonObject): JsonSchema {
  const root = convert({ type: 'object', ...openAPIV3Schema }, false);
  const properties = { ...(root.properties as Record<string, JsonSchema> | undefined) };
  properties.apiVersion = { type: 'string' };
  properties.kind = { type: 'string' };
  properties.metadata = definitionRef(OBJECT_META);
  return { ...root, type: 'object', properties };
}

function describe(crd: JsonObject, index: number): string {
  return `crds[${index}] (CustomResourceDefinition ${stringField(objectField(crd, 'metadata'), 'name') ?? '<unnamed>'})`;
}

/**
 * Reads the versions of every CustomResourceDefinition in `crds`, keyed by {@link gvkKey}; later CRDs replace
 * earlier ones for the same kind. Entries that are not CRDs are skipped, so a whole bundle (CRDs plus the
 * operator's Deployment) can be passed. Throws a {@link CrdError} for a CRD that cannot be used, or skips it with
 * `skipInvalid`.
 */
export function indexCrds(crds: readonly unknown[], options: { skipInvalid?: boolean } = {}): Map<string, CrdVersion> {
  const index = new Map<string, CrdVersion>();
  crds.forEach((crd, i) => {
    if (!isObject(crd) || crd.kind !== 'CustomResourceDefinition') {
      return;
    }
    if (options.skipInvalid) {
      // A CRD of the checked set: one that cannot be used is reported by the schema rule on the CRD itself.
      try {
        indexCrds([crd]).forEach((version, key) => index.set(key, version));
      } catch (error) {
        if (!(error instanceof CrdError)) {
          throw error;
        }
      }
      return;
    }
    const where = describe(crd, i);
    if (crd.apiVersion !== 'apiextensions.k8s.io/v1') {
      throw new CrdError(`${where}: apiVersion ${String(crd.apiVersion)} is not served by Kubernetes 1.28; convert it to apiextensions.k8s.io/v1`);
    }
    const spec = objectField(crd, 'spec');
    const group = stringField(spec, 'group');
    const kind = stringField(objectField(spec, 'names'), 'kind');
    const versions = arrayField(spec, 'versions');
    if (!group || !kind || versions.length === 0) {
      throw new CrdError(`${where}: spec.group, spec.names.kind and spec.versions are required`);
    }
    const crdName = stringField(objectField(crd, 'metadata'), 'name') ?? `${kind.toLowerCase()}s.${group}`;
    versions.forEach((v, j) => {
      const version = stringField(v, 'name');
      if (!version) {
        throw new CrdError(`${where}: spec.versions[${j}].name is required`);
      }
      const openAPIV3Schema = objectField(objectField(v, 'schema'), 'openAPIV3Schema');
      index.set(gvkKey(group, version, kind), {
        group,
        version,
        kind,
        crdName,
        served: isObject(v) && v.served !== false,
        schema: openAPIV3Schema ? customResourceSchema(openAPIV3Schema) : undefined,
        openAPIV3Schema,
        scope: stringField(spec, 'scope'),
      });
    });
  });
  return index;
}

/**
 * Applies the `default`s of a structural schema to a value as the API server does before it validates a custom
 * resource: at every object the schema describes, a property that is absent (nulls are already dropped, as the
 * server prunes them) and has a `default` gets a copy of it, and the defaulted value is defaulted in turn; list
 * items and `additionalProperties` values are visited too. Defaults inside `allOf`/`anyOf`/`oneOf`/`not` are not
 * allowed in structural schemas and are ignored. The input is never changed: a copy is made along changed paths.
 */
export function applyCrdDefaults(value: unknown, schema: unknown): unknown {
  if (!isObject(schema)) {
    return value;
  }
  if (Array.isArray(value)) {
    if (!isObject(schema.items)) {
      return value;
    }
    let copy: unknown[] | undefined;
    value.forEach((item, i) => {
      const next = applyCrdDefaults(item, schema.items);
      if (next !== item) {
        copy ??= value.slice();
        copy[i] = next;
      }
    });
    return copy ?? value;
  }
  if (!isObject(value)) {
    return value;
  }
  let copy: Record<string, unknown> | undefined;
  const set = (key: string, next: unknown) => {
    copy ??= { ...value };
    copy[key] = next;
  };
  const properties = isObject(schema.properties) ? schema.properties : {};
  for (const [key, property] of Object.entries(properties)) {
    if (!isObject(property)) {
      continue;
    }
    const current = value[key];
    if (current === undefined && property.default !== undefined) {
      set(key, applyCrdDefaults(structuredClone(property.default), property));
    } else if (current !== undefined) {
      const next = applyCrdDefaults(current, property);
      if (next !== current) {
        set(key, next);
      }
    }
  }
  if (isObject(schema.additionalProperties)) {
    for (const key of Object.keys(value)) {
      if (Object.prototype.hasOwnProperty.call(properties, key)) {
        continue;
      }
      const next = applyCrdDefaults(value[key], schema.additionalProperties);
      if (next !== value[key]) {
        set(key, next);
      }
    }
  }
  return copy ?? value;
}
