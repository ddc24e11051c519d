/**
 * The compiled Kubernetes 1.28 schema. The built-in kinds' validators are precompiled when the package is built
 * (`precompile.ts` writes `builtin-validators.js` next to this file), so a process neither parses the 1 MB of
 * definitions nor compiles a validator before judging built-in objects: that cost about 300 ms of every start-up.
 * Without that file (running from source), and for custom resources, the definitions are derived into one ajv
 * instance on first use and each validator is compiled lazily and cached. Requiring the library loads none of it.
 */
import { existsSync } from 'fs';
import { join } from 'path';
import type { default as AjvClass, CodeOptions, ValidateFunction } from 'ajv';
import { loadWithCodeCache } from './code-cache';
import { DEFINITIONS_ID, deriveDefinitions, DerivedDefinitions, JsonSchema } from './derive';
import { AJV_FORMATS } from './formats';

export type Validator = ValidateFunction;

export interface Catalogue {
  /** The definition name (`io.k8s.api.apps.v1.Deployment`) of a group/version/kind 1.28 serves, by `gvkKey`. */
  kindDefinition(key: string): string | undefined;
  /** The validator of a built-in definition (`io.k8s.api.apps.v1.Deployment`), precompiled or compiled on first use. */
  definition(name: string): Validator;
  /** Compiles a schema (a custom resource's) that may reference the built-in definitions. Throws on a bad schema. */
  compile(schema: JsonSchema): Validator;
  /** The derived definitions (derived on first use). */
  readonly derived: DerivedDefinitions;
  /** Every API group 1.28 serves (`""` for core). */
  readonly servedGroups: ReadonlySet<string>;
  /** Every kind 1.28 serves, in any group. */
  readonly servedKinds: ReadonlySet<string>;
}

/** What `builtin-validators.js` exports: a validator per definition name, plus the kind index under `KINDS_EXPORT`. */
export const KINDS_EXPORT = '#kinds';
export interface Precompiled {
  readonly kinds: Readonly<Record<string, string>>;
  readonly validators: Readonly<Record<string, Validator>>;
}

/** The ajv instance of the built-in definitions; `code` adds code options (the precompiler asks for source). */
export function newAjv(code: CodeOptions = {}): AjvClass {
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
    code: { optimize: false, ...code }, // halves compile time; validation speed is the same
  });
  for (const [name, format] of Object.entries(AJV_FORMATS)) {
    ajv.addFormat(name, format);
  }
  return ajv;
}

/** The derived 1.28 definitions in a fresh ajv instance. */
export function builtinAjv(code: CodeOptions = {}): { ajv: AjvClass; derived: DerivedDefinitions } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const data = require('./k8s-definitions') as typeof import('./k8s-definitions');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { SERVER_RULES } = require('./server-rules') as typeof import('./server-rules');
  const derived = deriveDefinitions(data.RAW_DEFINITIONS, data.RAW_ENUMS, data.RAW_LATER_FIELDS, SERVER_RULES);
  const ajv = newAjv(code);
  ajv.addSchema({ $id: DEFINITIONS_ID, definitions: derived.definitions });
  return { ajv, derived };
}

/** `builtin-validators.js` beside this module, with its V8 code cache (see code-cache.ts). */
function loadBuiltinValidators(): unknown {
  const file = join(__dirname, 'builtin-validators.js');
  if (!existsSync(file)) {
    // Running from source: what require would say, so that loadPrecompiled falls back to compiling.
    return require('./builtin-validators');
  }
  return loadWithCodeCache(file, join(__dirname, CODE_CACHE_FILE)).exports;
}

/** The V8 code cache of `builtin-validators.js`, written beside it by the compile task. */
export const CODE_CACHE_FILE = 'builtin-validators.v8-cache';

/** The precompiled validators, or undefined when the package was not built with them (e.g. running from source). */
export function loadPrecompiled(load: () => unknown = loadBuiltinValidators): Precompiled | undefined {
  let loaded: unknown;
  try {
    loaded = load();
  } catch (error) {
    if ((error as { code?: string }).code === 'MODULE_NOT_FOUND' && String((error as Error).message).includes('builtin-validators')) {
      return undefined;
    }
    throw error;
  }
  const members = loaded as Record<string, unknown>;
  return { kinds: members[KINDS_EXPORT] as Record<string, string>, validators: members as Record<string, Validator> };
}

function createCatalogue(precompiled: Precompiled | undefined): Catalogue {
  let built: { ajv: AjvClass; derived: DerivedDefinitions } | undefined;
  const build = () => (built ??= builtinAjv());
  let served: { groups: ReadonlySet<string>; kinds: ReadonlySet<string> } | undefined;
  const servedSets = () => (served ??= {
    groups: new Set(build().derived.served.map((s) => s.group)),
    kinds: new Set(build().derived.served.map((s) => s.kind)),
  });
  const validators = new Map<string, Validator>();
  return {
    kindDefinition(key) {
      if (precompiled) {
        return Object.prototype.hasOwnProperty.call(precompiled.kinds, key) ? precompiled.kinds[key] : undefined;
      }
      return build().derived.kinds.get(key);
    },
    definition(name) {
      let validate = validators.get(name);
      if (!validate) {
        validate = precompiled && Object.prototype.hasOwnProperty.call(precompiled.validators, name) && name !== KINDS_EXPORT
          ? precompiled.validators[name]
          : build().ajv.getSchema(`${DEFINITIONS_ID}#/definitions/${name}`);
        if (!validate) {
          throw new Error(`no Kubernetes definition ${name}`);
        }
        validators.set(name, validate);
      }
      return validate;
    },
    compile(schema) {
      return build().ajv.compile(schema);
    },
    get derived() {
      return build().derived;
    },
    get servedGroups() {
      return servedSets().groups;
    },
    get servedKinds() {
      return servedSets().kinds;
    },
  };
}

let shared: Catalogue | undefined;

/** The process-wide catalogue (a memoised, read-only cache: compiled validators never change). */
export function kubernetesCatalogue(): Catalogue {
  shared ??= createCatalogue(loadPrecompiled());
  return shared;
}

/** @internal A catalogue over the given precompiled validators (tests compare it with the compiled one). */
export function _catalogueFor(precompiled: Precompiled | undefined): Catalogue {
  return createCatalogue(precompiled);
}
