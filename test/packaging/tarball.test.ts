/**
 * The published tarball: `npm pack --dry-run` lists what `files` lets in. It must hold the compiled library, its
 * declarations, the data lib reads at run time and the licences, and nothing else (no sources, tests, benchmarks, CI
 * scripts or examples importing ../../src). Needs lib/ (`npm run compile`; `npm test` compiles first).
 */
import { spawnSync } from 'child_process';
import { existsSync, readdirSync, readFileSync } from 'fs';
import { join } from 'path';

const ROOT = join(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));

interface PackResult { size: number; unpackedSize: number; entryCount: number; files: Array<{ path: string }> }

let packed: PackResult;
let files: string[];
beforeAll(() => {
  const r = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' });
  expect(r.status).toBe(0);
  packed = (JSON.parse(r.stdout) as PackResult[])[0];
  files = packed.files.map((f) => f.path).sort();
  process.stdout.write(`tarball: ${packed.entryCount} files, ${packed.size} bytes packed, ${packed.unpackedSize} unpacked\n`);
}, 60_000);

test('holds only lib/ (JavaScript, declarations, data), docs, README, LICENSE and package.json', () => {
  const allowed = /^(lib\/.+\.(js|d\.ts|json)|lib\/schema\/builtin-validators\.v8-cache|lib\/schema\/data\/(kubernetes-1\.28|prometheus-operator)\/(LICENSE|README\.md)|docs\/[a-z-]+\.md|README\.md|LICENSE|package\.json)$/;
  expect(files.filter((f) => !allowed.test(f))).toEqual([]);
  for (const banned of [/^src\//, /^test\//, /^bench\//, /^\.ci\//, /^examples\//, /^\.projen/, /\.map$/, /tsbuildinfo/, /^lib\/.*\.test\./]) {
    expect(files.filter((f) => banned.test(f))).toEqual([]);
  }
});

test('holds what the package needs at run time: every entry point, the bin, the 1.28 data with its licence', () => {
  const targets = Object.values(pkg.exports as Record<string, string | { types: string; default: string }>)
    .flatMap((t) => (typeof t === 'string' ? [t] : [t.types, t.default])).map((t) => t.replace(/^\.\//, ''));
  for (const needed of [...targets, pkg.main, pkg.types, ...Object.values(pkg.bin as Record<string, string>), 'LICENSE', 'README.md',
    'lib/schema/builtin-validators.js', 'lib/schema/builtin-validators.v8-cache', 'lib/schema/data/kubernetes-1.28/_definitions.json', 'lib/schema/data/kubernetes-1.28/enums.json',
    'lib/schema/data/kubernetes-1.28/later-fields.json', 'lib/schema/data/kubernetes-1.28/LICENSE',
    'lib/schema/data/prometheus-operator/servicemonitors.json', 'lib/schema/data/prometheus-operator/LICENSE', 'lib/imports/k8s.js']) {
    expect(files).toContain(needed);
  }
  // Every compiled module is shipped with its declarations.
  const js = files.filter((f) => f.endsWith('.js'));
  expect(js.filter((f) => f !== 'lib/schema/builtin-validators.js' && !files.includes(f.replace(/\.js$/, '.d.ts')))).toEqual([]);
  // The docs the README links are shipped (relative links keep working in node_modules).
  const linked = [...readFileSync(join(ROOT, 'README.md'), 'utf8').matchAll(/\]\((docs\/[a-z-]+\.md)/g)].map((m) => m[1]);
  expect(linked.length).toBeGreaterThan(0);
  expect(linked.filter((d) => !files.includes(d))).toEqual([]);
});

test('package.json is publish-ready: licence, version, repository, keywords, peers, exports with types', () => {
  expect(pkg.license).toBe('Apache-2.0');
  expect(readFileSync(join(ROOT, 'LICENSE'), 'utf8')).toMatch(/^\s*Apache License\s+Version 2\.0, January 2004/);
  expect(pkg.version).toBe('0.1.0');
  expect(pkg.repository.url).toMatch(/^https:\/\/github\.com\/.+\.git$/);
  expect(pkg.keywords).toEqual(expect.arrayContaining(['cdk8s', 'kubernetes', 'security']));
  expect(pkg.dependencies.cdk8s).toBeUndefined();
  expect(pkg.dependencies.constructs).toBeUndefined();
  expect(pkg.dependencies['cdk8s-plus-28']).toBeUndefined();
  expect(pkg.peerDependencies).toMatchObject({ cdk8s: expect.any(String), constructs: expect.any(String), projen: expect.any(String) });
  expect(pkg.peerDependenciesMeta).toEqual({ projen: { optional: true } });
  for (const [subpath, target] of Object.entries(pkg.exports as Record<string, unknown>)) {
    if (subpath !== './package.json') {
      expect(target).toEqual({ types: expect.stringMatching(/\.d\.ts$/), default: expect.stringMatching(/\.js$/) });
    }
  }
  const bin = join(ROOT, pkg.bin['cdk8s-hardened']);
  expect(existsSync(bin) && readFileSync(bin, 'utf8').startsWith('#!/usr/bin/env node')).toBe(true);
});

test('every package the library imports is a dependency or a peer (a devDependency is absent where users install it)', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pkg = require('../../package.json') as { dependencies?: Record<string, string>; peerDependencies?: Record<string, string> };
  const allowed = new Set([...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {})]);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { builtinModules } = require('module') as { builtinModules: string[] };
  const walk = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory()
    ? walk(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
  const offending: string[] = [];
  for (const file of walk(join(ROOT, 'src'))) {
    const text = readFileSync(file, 'utf8');
    // Type-only imports count too: the declarations in lib/ keep them, and a user's tsc resolves them.
    const specs = [
      ...text.matchAll(/^\s*(?:import|export)\b[^';]*?\bfrom\s+'([^']+)'/gm),
      ...text.matchAll(/^\s*import\s+'([^']+)'/gm),
      ...text.matchAll(/\b(?:require|import)\(\s*'([^']+)'\s*\)/g),
    ].filter((m) => !m[1].startsWith('.'));
    for (const m of specs) {
      const spec = m[1];
      const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
      if (!allowed.has(name) && !builtinModules.includes(name.replace(/^node:/, ''))) {
        offending.push(`${file.slice(ROOT.length + 1)}: ${spec}`);
      }
    }
  }
  expect(offending).toEqual([]);
});
