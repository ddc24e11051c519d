/**
 * The compiled Kubernetes 1.28 schema: derived definitions in one ajv instance, a validator compiled lazily per
 * kind and cached. Nothing is loaded until the first object is judged: requiring the library costs neither the
 * 1 MB of definitions nor ajv itself.
 */
import type { default as AjvClass, ValidateFunction } from 'ajv';
import { DEFINITIONS_ID, deriveDefinitions, DerivedDefinitions, JsonSchema } from './derive';
import { isBase64, isDateTime, isInt32, isInt64, isQuantity } from './formats';

export type Validator = ValidateFunction;

export interface Catalogue {
  readonly derived: DerivedDefinitions;
  /** Every API group 1.28 serves (`""` for core). */
  readonly servedGroups: ReadonlySet<string>;
  /** Every kind 1.28 serves, in any group. */
  readonly servedKinds: ReadonlySet<string>;
  /** The validator of a built-in definition (`io.k8s.api.apps.v1.Deployment`), compiled on first use. */
  definition(name: string): Validator;
  /** Compiles a schema (a custom resource's) that may reference the built-in definitions. Throws on a bad schema. */
  compile(schema: JsonSchema): Validator;
}

function newAjv(): AjvClass {
  // Loaded here, not imported at the top, to keep ajv out of the library's start-up.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Ajv = (require('ajv') as typeof import('ajv')).default;
  const ajv = new Ajv({
    allErrors: true, // every unknown field of an object, not just the first
    verbose: true, // errors carry the value and the parent schema (for "did you mean" and type names)
    messages: false, // messages are written by messages.ts
    strict: false, // CRD schemas carry keywords ajv does not know; the built-in ones are clean
    validateSchema: false, // the definitions are data we ship; skip meta-validating 200 KB of schema
    inlineRefs: false, // compile each definition once and share it between kinds (PodSpec for every workload)
    addUsedSchema: false,
    code: { optimize: false }, // halves compile time; validation speed is the same
  });
  ajv.addFormat('int32', { type: 'number', validate: isInt32 });
  ajv.addFormat('int64', { type: 'number', validate: isInt64 });
  ajv.addFormat('float', { type: 'number', validate: () => true });
  ajv.addFormat('double', { type: 'number', validate: () => true });
  ajv.addFormat('byte', { type: 'string', validate: isBase64 });
  ajv.addFormat('date-time', { type: 'string', validate: isDateTime });
  ajv.addFormat('quantity', { type: 'string', validate: isQuantity });
  return ajv;
}

function createCatalogue(): Catalogue {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const raw = (require('./k8s-definitions') as typeof import('./k8s-definitions')).RAW_DEFINITIONS;
  const derived = deriveDefinitions(raw);
  const ajv = newAjv();
  ajv.addSchema({ $id: DEFINITIONS_ID, definitions: derived.definitions });
  const validators = new Map<string, Validator>();
  return {
    derived,
    servedGroups: new Set(derived.served.map((s) => s.group)),
    servedKinds: new Set(derived.served.map((s) => s.kind)),
    definition(name) {
      let validate = validators.get(name);
      if (!validate) {
        validate = ajv.getSchema(`${DEFINITIONS_ID}#/definitions/${name}`);
        if (!validate) {
          throw new Error(`no Kubernetes definition ${name}`);
        }
        validators.set(name, validate);
      }
      return validate;
    },
    compile(schema) {
      return ajv.compile(schema);
    },
  };
}

let shared: Catalogue | undefined;

/** The process-wide catalogue (a memoised, read-only cache: compiled validators never change). */
export function kubernetesCatalogue(): Catalogue {
  shared ??= createCatalogue();
  return shared;
}
