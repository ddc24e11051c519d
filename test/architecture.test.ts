import { readdirSync, readFileSync, statSync } from 'fs';
import { dirname, join, normalize, relative, sep } from 'path';
import * as ts from 'typescript';

/**
 * The stages of src/ import one way only (docs/architecture.md, "Who may import whom"): a stage imports only the
 * stages listed for it below, and the listed graph has no cycle. A stage is a folder of src/ (`src/policy/...` is
 * `policy`) or a file at its root (`src/version.ts` is `version`). Type-only imports count: they are design
 * dependencies even though the compiler erases them.
 */
const MAY_IMPORT: Record<string, readonly string[]> = {
  // Leaves: import no other stage.
  version: [],
  util: [],
  imports: [],
  // The vocabulary (Manifest, Rule, Finding, Path, JSON helpers), the rules and the engine.
  policy: ['util', 'version'],
  // Peers of policy's engine: they use policy's types, and policy does not import them.
  schema: ['policy', 'util', 'version'],
  input: ['policy', 'util', 'version'],
  // The whole rule catalogue (policy's rules and the schema rule), and the engine and packs given it.
  catalogue: ['policy', 'schema', 'util', 'version'],
  // Container inputs (Dockerfile, daemon.json, docker inspect, trivy) are read with the reader's helpers.
  container: ['input', 'policy', 'util', 'version'],
  // Downstream of the verdict.
  report: ['input', 'policy', 'util', 'version'],
  output: ['input', 'policy', 'util', 'version'],
  // `.cdk8s-hardened.yaml`, read with the reader and checked against the catalogue.
  config: ['catalogue', 'input', 'policy', 'report', 'schema', 'util', 'version'],
  audit: ['policy', 'util', 'version'],
  // The pipeline refuses what check would refuse in CI (the scan severities).
  ci: ['container', 'policy', 'util', 'version'],
  // HardenedApp: judges a cdk8s app on synth.
  synth: ['catalogue', 'config', 'input', 'output', 'policy', 'report', 'schema', 'util', 'version'],
  // Rules -> ValidatingAdmissionPolicy (its construct guards synth like HardenedApp).
  admission: ['catalogue', 'config', 'output', 'policy', 'synth', 'util', 'version'],
  migrate: ['admission', 'catalogue', 'input', 'policy', 'util', 'version'],
  plugin: ['catalogue', 'config', 'input', 'policy', 'schema', 'util', 'version'],
  projen: ['policy', 'util', 'version'],
  constructs: ['admission', 'audit', 'catalogue', 'imports', 'migrate', 'policy', 'util', 'version'],
  // The command and the public API sit on top.
  cli: ['admission', 'audit', 'catalogue', 'ci', 'config', 'container', 'input', 'migrate', 'output', 'policy', 'report',
    'schema', 'synth', 'util', 'version'],
  // Not projen: it is an optional peer dependency, loaded only by the `cdk8s-hardened/projen` subpath.
  index: ['admission', 'audit', 'catalogue', 'ci', 'config', 'constructs', 'container', 'input', 'migrate', 'output',
    'plugin', 'policy', 'report', 'schema', 'synth', 'util', 'version'],
};

const SRC = join(__dirname, '..', 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).sort().flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : name.endsWith('.ts') ? [path] : [];
  });
}

/** `policy/rules/index` for src/policy/rules/index.ts. */
function moduleId(file: string): string {
  return relative(SRC, file).split(sep).join('/').replace(/\.ts$/, '');
}

function stageOf(id: string): string {
  return id.split('/')[0];
}

/**
 * The src/ module a relative specifier names (a folder means its index; a module generated at build time, such as
 * schema/builtin-validators, by its path), or undefined outside src/.
 */
function resolve(from: string, specifier: string): string | undefined {
  const base = normalize(join(dirname(from), specifier));
  if (relative(SRC, base).startsWith('..')) {
    return undefined;
  }
  const isFile = (path: string) => {
    try {
      return statSync(path).isFile();
    } catch {
      return false;
    }
  };
  return moduleId(!isFile(`${base}.ts`) && isFile(join(base, 'index.ts')) ? join(base, 'index.ts') : `${base}.ts`);
}

/** Every relative import of a file: import, export ... from, import type, import() and require(). */
function importsOf(file: string): string[] {
  const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  return info.importedFiles.map((f) => f.fileName).filter((s) => s.startsWith('.'));
}

interface Edge { readonly from: string; readonly to: string; readonly specifier: string }

function edges(): Edge[] {
  return sourceFiles(SRC).flatMap((file) => importsOf(file).map((specifier) => {
    const to = resolve(file, specifier);
    if (to === undefined) {
      throw new Error(`${moduleId(file)}: import '${specifier}' leaves src/ (src/ must not import test/ or bench/)`);
    }
    return { from: moduleId(file), to, specifier };
  }));
}

function against(edge: Edge): boolean {
  const from = stageOf(edge.from);
  const to = stageOf(edge.to);
  return from !== to && !(MAY_IMPORT[from] ?? []).includes(to);
}

describe('architecture: the stages import one way', () => {
  const all = edges();

  test('the parser sees imports (sanity: known edges are found)', () => {
    const pairs = all.map((e) => `${e.from} -> ${e.to}`);
    expect(pairs).toContain('schema/rule -> policy/rule');
    expect(pairs).toContain('cli/check -> policy/engine');
    expect(pairs).toContain('policy/rule -> policy/container-model'); // `import type`
    expect(pairs).toContain('cli/program -> cli/synth'); // `await import()`
  });

  test('every stage of src/ has its place in the direction', () => {
    const stages = [...new Set(sourceFiles(SRC).map((f) => stageOf(moduleId(f))))].sort();
    expect(stages.filter((s) => !(s in MAY_IMPORT))).toEqual([]);
    for (const [stage, allowed] of Object.entries(MAY_IMPORT)) {
      expect(allowed.filter((s) => !(s in MAY_IMPORT) || s === stage).map((s) => `${stage} -> ${s}`)).toEqual([]);
    }
  });

  test('the direction has no cycle', () => {
    const state = new Map<string, 'open' | 'done'>();
    const cycles: string[] = [];
    const visit = (stage: string, trail: string[]) => {
      if (state.get(stage) === 'done') {
        return;
      }
      if (state.get(stage) === 'open') {
        cycles.push([...trail.slice(trail.indexOf(stage)), stage].join(' -> '));
        return;
      }
      state.set(stage, 'open');
      for (const next of MAY_IMPORT[stage]) {
        visit(next, [...trail, stage]);
      }
      state.set(stage, 'done');
    };
    Object.keys(MAY_IMPORT).forEach((stage) => visit(stage, []));
    expect(cycles).toEqual([]);
  });

  test('policy does not import schema (schema uses policy\'s types, not the other way round)', () => {
    const found = all.filter((e) => stageOf(e.from) === 'policy' && stageOf(e.to) === 'schema').map((e) => `${e.from} -> ${e.to}`);
    expect(found).toEqual([]);
  });

  test('no import goes against the direction', () => {
    const wrong = all.filter(against).map((e) => `${e.from} -> ${e.to} ('${e.specifier}')`);
    expect(wrong).toEqual([]);
  });
});
