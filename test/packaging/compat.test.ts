/**
 * The peer ranges, proven: the packed tarball (`npm pack`) is installed in a fresh project with the OLDEST supported
 * cdk8s and constructs and again with the NEWEST, and a chart with LockedDownNamespace, a SecureDeployment and a
 * SecurePod type-checks (tsc --strict against the user's cdk8s types: no "App is not assignable to App") and
 * synthesizes (the constructs join the user's construct tree; HardenedApp extends the user's App); the installed
 * `cdk8s-hardened check` judges the output.
 *
 * Needs the npm registry, so it runs only with CDK8S_HARDENED_COMPAT=1 (`npm run test:compat`, which `.ci/run` runs
 * after `npm test`, sets it) and skips with a message when the registry is unreachable (fails, under test:compat). Projects, the tarball and npm's cache live in the system temp folder.
 */
import { spawnSync, SpawnSyncReturns } from 'child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

const ROOT = join(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));

/** The versions proven. OLDEST is the floor of the peer ranges (package.json); NEWEST is the registry's latest. */
// Measured (cdk8s-hardened 0.1.0): cdk8s 2.7.23 and every release before it lacks ApiObject.isApiObject (HardenedApp
// needs it), so 2.7.75, the next release, is the floor; constructs 10.0.0 works.
const OLDEST = { cdk8s: '2.7.75', constructs: '10.0.0' };
const NEWEST = { cdk8s: 'latest', constructs: 'latest' };

const enabled = process.env.CDK8S_HARDENED_COMPAT === '1';
const work = enabled ? mkdtempSync(join(tmpdir(), 'cdk8s-hardened-compat-')) : '';
const env = { ...process.env, npm_config_cache: join(tmpdir(), 'cdk8s-hardened-compat-npm-cache'), npm_config_update_notifier: 'false',
  npm_config_fund: 'false', npm_config_audit: 'false', CDK8S_CHECK_UPGRADE: 'false' };

function run(cmd: string, args: string[], cwd: string): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, { cwd, env, encoding: 'utf8', timeout: 300_000 });
}

function must(r: SpawnSyncReturns<string>, what: string): string {
  if (r.status !== 0) {
    throw new Error(`${what} failed (exit ${r.status}): ${r.stderr || r.stdout}`);
  }
  return r.stdout;
}

/** Each run's GitOps tree: relative path -> content. */
const trees: Record<string, Record<string, string>> = {};

function readTree(dir: string, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of readdirSync(join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    Object.assign(out, entry.isDirectory() ? readTree(dir, rel) : { [rel]: readFileSync(join(dir, rel), 'utf8') });
  }
  return out;
}

let skip: string | undefined = enabled ? undefined : 'CDK8S_HARDENED_COMPAT is not 1 (npm run test:compat sets it)';
let tarball = '';

beforeAll(() => {
  if (skip) {
    return;
  }
  const ping = run('npm', ['view', 'cdk8s@latest', 'version'], work);
  if (ping.status !== 0) {
    const why = `the npm registry is unreachable (${(ping.stderr || '').split('\n')[0]})`;
    if (process.env.CI_REQUIRES_COMPAT === '1') {
      // In CI (npm run test:compat) the registry is there by contract: a skip would be a silent pass.
      throw new Error(`compat: ${why}`);
    }
    skip = why;
    return;
  }
  must(run('npm', ['pack', '--ignore-scripts', '--pack-destination', work], ROOT), 'npm pack');
  tarball = join(work, readdirSync(work).find((f) => f.endsWith('.tgz'))!);
}, 120_000);

afterAll(() => {
  if (work) {
    rmSync(work, { recursive: true, force: true });
  }
});

test('the peer ranges start at the oldest versions proven here', () => {
  expect(pkg.peerDependencies.cdk8s).toBe(`^${OLDEST.cdk8s}`);
  expect(pkg.peerDependencies.constructs).toBe(`^${OLDEST.constructs}`);
});

test.each([
  ['oldest', OLDEST],
  ['newest', NEWEST],
])('the packed library works with the %s cdk8s and constructs', (label, versions) => {
  if (skip) {
    process.stdout.write(`compat (${label}) skipped: ${skip}\n`);
    return;
  }
  const project = mkdtempSync(join(work, `${label}-`));
  writeFileSync(join(project, 'package.json'), JSON.stringify({
    name: `compat-${label}`, version: '1.0.0', private: true,
    dependencies: { 'cdk8s-hardened': `file:${tarball}`, cdk8s: versions.cdk8s, constructs: versions.constructs },
    devDependencies: { 'typescript': pkg.devDependencies.typescript, '@types/node': pkg.devDependencies['@types/node'] },
  }, null, 2));
  writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { target: 'ES2020', module: 'node16', moduleResolution: 'node16', strict: true, outDir: 'out', types: ['node'] },
    files: ['main.ts'],
  }));
  cpSync(join(ROOT, 'test', 'fixtures', 'compat', 'main.ts'), join(project, 'main.ts'));
  must(run('npm', ['install', '--no-audit', '--no-fund', '--no-package-lock'], project), `npm install (${label})`);

  const installed = (name: string) => JSON.parse(readFileSync(join(project, 'node_modules', name, 'package.json'), 'utf8')).version as string;
  const got = { cdk8s: installed('cdk8s'), constructs: installed('constructs') };
  if (versions.cdk8s !== 'latest') {
    expect(got).toEqual(versions);
  }
  // One copy of each: npm nested none under cdk8s-hardened (what broke before they were peers).
  expect(readdirSync(join(project, 'node_modules', 'cdk8s-hardened'))).not.toContain('node_modules');
  process.stdout.write(`compat (${label}): cdk8s ${got.cdk8s}, constructs ${got.constructs}\n`);

  must(run(process.execPath, [join(project, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', '.'], project), `tsc (${label})`);
  // The default of cdk8s and projen projects (module commonjs: node10 resolution, which ignores exports) finds the
  // subpaths' types too (typesVersions).
  writeFileSync(join(project, 'tsconfig.node10.json'), JSON.stringify({
    compilerOptions: { target: 'ES2020', module: 'commonjs', moduleResolution: 'node10', strict: true, noEmit: true, types: ['node'] },
    files: ['main.ts'],
  }));
  must(run(process.execPath, [join(project, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.node10.json'], project), `tsc node10 (${label})`);
  const out = JSON.parse(must(run(process.execPath, [join('out', 'main.js'), 'dist'], project), `node main.js (${label})`));
  expect(out.objects).toEqual(expect.arrayContaining(['Namespace/shop', 'NetworkPolicy/default-deny', 'Deployment/api', 'Pod/once', 'ServiceAccount/api']));
  expect(out.escapeHatch).toBe('Deployment/api');
  expect(out.plugin).toBe('function');
  // The bin npm linked from the tarball's package.json.
  const check = run(join(project, 'node_modules', '.bin', 'cdk8s-hardened'), ['check', '--format', 'json', 'dist'], project);
  expect(check.stderr).toBe('');
  expect(JSON.parse(check.stdout).summary).toMatchObject({ passed: true, errors: 0 });
  expect(check.status).toBe(0);
  // The installed command writes the GitOps tree (cdk8s-hardened synth of the compiled app).
  const synth = run(process.execPath, [join(project, 'node_modules', 'cdk8s-hardened', 'lib', 'cli', 'main.js'), 'synth', join('out', 'main.js'),
    '--out', 'gitops'], project);
  expect(synth.stdout).toMatch(/^PASS 10 objects checked with profile hardened: 0 errors, 0 warnings/m);
  expect(synth.status).toBe(0);
  trees[label] = readTree(join(project, 'gitops'));
}, 600_000);

/** The projen versions proven: the floor of the optional peer range, and the registry's newest release below 1. */
const PROJEN = { oldest: '0.103.0', newest: '<1' };

test('the projen peer range starts at the oldest projen proven here', () => {
  expect(pkg.peerDependencies.projen).toBe(`>=${PROJEN.oldest} <1`);
});

test.each([
  ['oldest', PROJEN.oldest],
  ['newest', PROJEN.newest],
])('the packed projen component (cdk8s-hardened/projen) works with the %s projen of its peer range', (label, version) => {
  if (skip) {
    process.stdout.write(`compat (projen ${label}) skipped: ${skip}\n`);
    return;
  }
  const project = mkdtempSync(join(work, `projen-${label}-`));
  writeFileSync(join(project, 'package.json'), JSON.stringify({
    name: `compat-projen-${label}`, version: '1.0.0', private: true,
    dependencies: { 'cdk8s-hardened': `file:${tarball}`, projen: version, cdk8s: 'latest', constructs: 'latest' },
  }, null, 2));
  must(run('npm', ['install', '--no-audit', '--no-fund', '--no-package-lock'], project), `npm install (projen ${label})`);
  const got = JSON.parse(readFileSync(join(project, 'node_modules', 'projen', 'package.json'), 'utf8')).version as string;
  if (label === 'oldest') {
    expect(got).toBe(PROJEN.oldest);
  }
  process.stdout.write(`compat (projen ${label}): projen ${got}\n`);
  // A cdk8s app project with the component, synthesized by projen itself (Testing.synth: no install, no post-synth).
  writeFileSync(join(project, 'synth.js'), [
    "const { cdk8s } = require('projen');",
    "const { Testing } = require('projen/lib/testing');",
    "const { HardenedSynth } = require('cdk8s-hardened/projen');",
    "const app = new cdk8s.Cdk8sTypeScriptApp({ name: 'shop', defaultReleaseBranch: 'main', cdk8sVersion: '2.70.106', outdir: process.argv[2],",
    "  github: false, appEntrypoint: 'app.ts' });",
    "new HardenedSynth(app, { profile: 'pss-restricted' });",
    'const files = Testing.synth(app);',
    "const tasks = files['.projen/tasks.json'].tasks;",
    "console.log(JSON.stringify({ synth: tasks.synth.steps, postCompile: tasks['post-compile'].steps, dependency: files['package.json'].dependencies['cdk8s-hardened'] }));",
    '',
  ].join('\n'));
  const out = JSON.parse(must(run(process.execPath, ['synth.js', mkdtempSync(join(work, `projen-${label}-out-`))], project), `projen synth (${label})`));
  expect(out.synth).toEqual([{ name: 'cdk8s-hardened synth', exec: 'cdk8s-hardened synth lib/app.js --out dist --profile pss-restricted' }]);
  expect(out.postCompile).toEqual([{ spawn: 'synth' }]);
  expect(out.dependency).toMatch(/^\^\d+\.\d+\.\d+$/);
}, 600_000);

test('the GitOps tree is byte-identical with the oldest and the newest cdk8s', () => {
  if (skip) {
    process.stdout.write(`compat (tree) skipped: ${skip}\n`);
    return;
  }
  expect(Object.keys(trees['oldest']).length).toBeGreaterThan(10);
  expect(trees['oldest']).toEqual(trees['newest']);
});
