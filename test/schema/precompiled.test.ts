/**
 * The precompiled validators (`precompile.ts`, written to lib/schema/builtin-validators.js by the compile task) must
 * judge exactly as the validators compiled at run time from the same definitions: same verdict, same errors.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { parseAllDocuments } from 'yaml';
import { isObject, JsonObject } from '../../src/policy/json';
import { _catalogueFor, Catalogue, KINDS_EXPORT, loadPrecompiled, Precompiled } from '../../src/schema/catalogue';
import { gvkKey } from '../../src/schema/derive';
import { precompiledSource } from '../../src/schema/precompile';
import { splitApiVersion } from '../../src/schema/api-groups';

const ROOT = join(__dirname, '..', '..');
const FIXTURES = join(ROOT, 'test', 'fixtures');

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = join(dir, e.name);
    return e.isDirectory() ? yamlFiles(full) : /\.ya?ml$/.test(e.name) ? [full] : [];
  });
}

/** Every Kubernetes object of the rule, Pod Security and CLI fixtures (bad-input excluded: most do not parse). */
function fixtureObjects(): JsonObject[] {
  const objects: JsonObject[] = [];
  for (const file of ['rules', 'pod-security', 'check', 'synth'].flatMap((d) => yamlFiles(join(FIXTURES, d)))) {
    for (const doc of parseAllDocuments(readFileSync(file, 'utf8'), { version: '1.1' })) {
      const value = doc.errors.length === 0 ? doc.toJS() : undefined;
      if (isObject(value) && typeof value.apiVersion === 'string' && typeof value.kind === 'string') {
        objects.push(value);
      }
    }
  }
  return objects;
}

/** Variants that take the validators down their error paths: unknown, mistyped and missing fields. */
function variants(object: JsonObject): JsonObject[] {
  const metadata = isObject(object.metadata) ? object.metadata : {};
  const out: JsonObject[] = [
    { ...object, spce: {} },
    { ...object, metadata: { ...metadata, name: 42, labels: { a: 1 } } },
    { ...object, metadata: { ...metadata, annotations: 'x' } },
  ];
  if (isObject(object.spec)) {
    const { spec, ...rest } = object;
    out.push(rest, { ...object, spec: { ...spec, unknownField: true, replicas: 'three' } });
  }
  return out;
}

function verdict(catalogue: Catalogue, object: JsonObject): unknown {
  const gv = splitApiVersion(String(object.apiVersion));
  const name = gv ? catalogue.kindDefinition(gvkKey(gv.group, gv.version, String(object.kind))) : undefined;
  if (name === undefined) {
    return 'not built in';
  }
  const validate = catalogue.definition(name);
  const valid = validate(object);
  return { name, valid, errors: validate.errors ?? null };
}

describe('precompiled built-in validators', () => {
  let dir: string;
  let precompiled: Precompiled;
  let source: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'precompiled-'));
    // Loaded from the TypeScript source here; the compile task's file loads `./formats` beside it.
    source = precompiledSource(join(ROOT, 'src', 'schema', 'formats'));
    writeFileSync(join(dir, 'builtin-validators.js'), source);
    precompiled = loadPrecompiled(() => require(join(dir, 'builtin-validators.js')))!;
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('index every served kind to the same definition as the derived catalogue', () => {
    const runtime = _catalogueFor(undefined);
    expect(precompiled.kinds).toEqual(Object.fromEntries(runtime.derived.kinds));
    expect(Object.keys(precompiled.kinds).length).toBeGreaterThan(200);
    for (const name of new Set(Object.values(precompiled.kinds))) {
      expect(typeof precompiled.validators[name]).toBe('function');
    }
    expect(typeof precompiled.validators[KINDS_EXPORT]).toBe('object');
  });

  test('give the same verdict and the same errors as run-time compiled validators on every fixture and its broken variants', () => {
    const runtime = _catalogueFor(undefined);
    const pre = _catalogueFor(precompiled);
    let invalid = 0;
    let compared = 0;
    for (const object of fixtureObjects()) {
      for (const candidate of [object, ...variants(object)]) {
        const expected = verdict(runtime, candidate);
        expect(verdict(pre, candidate)).toEqual(expected);
        compared++;
        invalid += isObject(expected) && expected.valid === false ? 1 : 0;
      }
    }
    expect(compared).toBeGreaterThan(1000);
    expect(invalid).toBeGreaterThan(500); // the error paths were exercised, not just the happy path
  });

  test('load only their formats (from ./formats) and are generated deterministically', () => {
    const requires = [...new Set(precompiledSource().match(/require\([^)]*\)/g))];
    expect(requires).toEqual(['require("./formats")']);
    expect(precompiledSource(join(ROOT, 'src', 'schema', 'formats'))).toBe(source);
  });

  test('are what a built lib/ uses, when it has them; a missing module means "compile at run time"', () => {
    expect(loadPrecompiled(() => {
      const error = new Error("Cannot find module './builtin-validators'") as Error & { code: string };
      error.code = 'MODULE_NOT_FOUND';
      throw error;
    })).toBeUndefined();
    expect(() => loadPrecompiled(() => {
      throw new SyntaxError('Unexpected token');
    })).toThrow(SyntaxError);
    const built = join(ROOT, 'lib', 'schema', 'builtin-validators.js');
    if (existsSync(join(ROOT, 'lib', 'schema', 'catalogue.js'))) {
      // npm test compiles first, and the compile task precompiles.
      expect(existsSync(built)).toBe(true);
    }
  });
});
