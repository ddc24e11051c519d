import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'fs';
import { join } from 'path';
import { parse } from 'yaml';
import { appErrorLines, isValidationFailure } from '../../src/cli/synth-report';
import { parseManifests } from '../../src/input/parse';
import { loadConfig } from '../../src/config/config-file';
import { kustomize, readTree, withKubectl } from '../output/helpers';
import { synthHarness } from './helpers';

jest.setTimeout(60_000);

const FIXTURES = join(__dirname, '..', 'fixtures', 'synth');

const { tmp, synth } = synthHarness({ cwd: FIXTURES, profile: 'pss-restricted' });

const OK_TREE = [
  '.cdk8s-hardened-tree',
  'backend/configmap-backend-settings.yaml',
  'backend/deployment-web.yaml',
  'backend/kustomization.yaml',
  'backend/namespace-backend.yaml',
  'backend/serviceaccount-web.yaml',
  'frontend/configmap-frontend-settings.yaml',
  'frontend/deployment-web.yaml',
  'frontend/kustomization.yaml',
  'frontend/namespace-frontend.yaml',
  'frontend/serviceaccount-web.yaml',
  'kustomization.yaml',
];

describe('runSynth: a compliant app', () => {
  test('runs the app, checks it, writes the GitOps tree and prints the report and a one-line summary', async () => {
    const base = tmp.dir();
    const out = join(base, 'dist');
    const result = await synth({ entry: 'ok-app/main.js', out });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      'PASS 8 objects checked with profile pss-restricted: 0 errors, 0 warnings, 0 info, 0 suppressed\n'
      + `wrote 8 objects in 2 folders (backend, frontend) to ${out}\n`,
    );
    const tree = readTree(out);
    expect([...tree.keys()]).toEqual(OK_TREE);
    expect(parse(tree.get('frontend/kustomization.yaml')!.toString()).resources).toEqual([
      'namespace-frontend.yaml', 'serviceaccount-web.yaml', 'configmap-frontend-settings.yaml', 'deployment-web.yaml',
    ]);
    const settings = parse(tree.get('frontend/configmap-frontend-settings.yaml')!.toString(), { version: '1.1' });
    expect(settings.data).toEqual({ enabled: 'yes', mode: '010', port: '8080', version: '1.10' });
    expect(settings.metadata.annotations).toEqual({ 'argocd.argoproj.io/sync-wave': '0' });
    // Nothing but the tree: no construct-metadata.json, no *.k8s.yaml, no temporary folders.
    expect(readdirSync(base)).toEqual(['dist']);
  });

  test('two runs give byte-identical trees', async () => {
    const base = tmp.dir();
    expect((await synth({ entry: 'ok-app/main.js', out: join(base, 'one') })).code).toBe(0);
    expect((await synth({ entry: 'ok-app/main.js', out: join(base, 'two') })).code).toBe(0);
    expect(readTree(join(base, 'two'))).toEqual(readTree(join(base, 'one')));
  });

  test('a second run replaces the previous tree (relative --out resolved against the working folder)', async () => {
    const base = tmp.dir();
    const entry = join(FIXTURES, 'ok-app', 'main.js');
    expect((await synth({ entry, out: 'dist', cwd: base })).code).toBe(0);
    mkdirSync(join(base, 'dist', 'stale'), { recursive: true });
    writeFileSync(join(base, 'dist', 'stale', 'old.k8s.yaml'), 'a: 1\n');
    const result = await synth({ entry, out: 'dist', cwd: base });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('to dist\n');
    expect([...readTree(join(base, 'dist')).keys()]).toEqual(OK_TREE);
  });

  test('the namespace layout', async () => {
    const out = join(tmp.dir(), 'dist');
    expect((await synth({ entry: 'ok-app/main.js', out, layout: 'namespace' })).code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['.cdk8s-hardened-tree', 'backend', 'frontend', 'kustomization.yaml']);
  });

  withKubectl()('kubectl kustomize builds the synthesized tree', async () => {
    const out = join(tmp.dir(), 'dist');
    expect((await synth({ entry: 'ok-app/main.js', out })).code).toBe(0);
    const objects = parseManifests(kustomize(out), 'kustomize-output.yaml');
    expect(objects).toHaveLength(8);
    expect(objects.filter((m) => (m.object as { kind: string }).kind === 'Namespace')).toHaveLength(2);
  });
});

const REFERENCE = join(__dirname, '..', '..', 'examples', 'reference');

describe('runSynth: the reference example (HardenedApp, default hardened profile)', () => {
  (existsSync(join(REFERENCE, 'cdk8s.yaml')) ? test : test.skip)('synthesizes through its cdk8s.yaml (npx ts-node --project ... main.ts) into one folder per namespace', async () => {
    const out = join(tmp.dir(), 'dist');
    const result = await synth({ entry: REFERENCE, out, profile: undefined });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^PASS \d+ objects checked with profile hardened: 0 errors/m);
    const root = parse(readTree(out).get('kustomization.yaml')!.toString());
    expect([...root.resources].sort()).toEqual(['backend', 'frontend']);
    for (const folder of root.resources as string[]) {
      const files = parse(readTree(out).get(`${folder}/kustomization.yaml`)!.toString()).resources as string[];
      expect(files[0]).toBe(`namespace-${folder}.yaml`);
    }
  });
});

describe('runSynth: finding the app', () => {
  test('cdk8s.yaml "app: node app.js" in the project folder', async () => {
    const out = join(tmp.dir(), 'dist');
    const result = await synth({ cwd: join(FIXTURES, 'cdk8s-yaml-project'), out });
    expect(result.code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['.cdk8s-hardened-tree', 'kustomization.yaml', 'platform']);
  });

  test('APP_ENTRY may be a project folder; without cdk8s.yaml the default entry lib/main.js is used', async () => {
    const out = join(tmp.dir(), 'dist');
    const result = await synth({ entry: 'lib-project', out });
    expect(result.code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['.cdk8s-hardened-tree', 'compiled', 'kustomization.yaml']);
  });

  test('a TypeScript entry runs through ts-node', async () => {
    const out = join(tmp.dir(), 'dist');
    const result = await synth({ entry: 'ts-app/main.ts', out });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect([...readTree(out).keys()]).toEqual(['.cdk8s-hardened-tree', 'kustomization.yaml', 'typed/kustomization.yaml', 'typed/namespace-typed.yaml']);
  });

  test('no app: exit 2 and a one-line hint', async () => {
    const empty = tmp.dir();
    const result = await synth({ cwd: empty, out: join(empty, 'dist') });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('cdk8s-hardened synth: no cdk8s app found in the current folder: pass APP_ENTRY (e.g. main.ts), '
      + 'or add a cdk8s.yaml with app: or one of main.ts, src/main.ts, lib/main.js, main.js\n');
    expect(readdirSync(empty)).toEqual([]);
  });

  test('a missing APP_ENTRY, or one that is not a script: exit 2', async () => {
    const out = join(tmp.dir(), 'dist');
    expect(await synth({ entry: 'nope.ts', out })).toEqual({ code: 2, stdout: '', stderr: 'cdk8s-hardened synth: nope.ts: no such file or folder\n' });
    expect((await synth({ entry: 'cdk8s-yaml-project/cdk8s.yaml', out })).stderr).toMatch(/not a JavaScript or TypeScript file/);
  });

  test('cdk8s.yaml naming a script that does not exist (not compiled yet): exit 2', async () => {
    const project = tmp.dir();
    writeFileSync(join(project, 'cdk8s.yaml'), 'app: node lib/main.js\n');
    const result = await synth({ cwd: project, out: join(project, 'dist') });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('cdk8s-hardened synth: cdk8s.yaml: app "node lib/main.js" runs lib/main.js, which does not exist (compile the app first?)\n');
  });

  test('a cdk8s.yaml without an app command: exit 2', async () => {
    const project = tmp.dir();
    writeFileSync(join(project, 'cdk8s.yaml'), 'language: typescript\n');
    const result = await synth({ cwd: project, out: join(project, 'dist') });
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr: 'cdk8s-hardened synth: cdk8s.yaml: has no "app" command (e.g. app: node main.js); add one or pass APP_ENTRY\n',
    });
  });

  test('any other cdk8s.yaml app command runs in a shell, with CDK8S_OUTDIR set', async () => {
    const project = tmp.dir();
    writeFileSync(join(project, 'cdk8s.yaml'), `app: cd ${JSON.stringify(FIXTURES)} && node ok-app/main.js\n`);
    const out = join(project, 'dist');
    const result = await synth({ cwd: project, out });
    expect(result.code).toBe(0);
    expect([...readTree(out).keys()]).toEqual(OK_TREE);
  });
});

describe('runSynth: one serializer pass per object', () => {
  test('the app\'s own YAML is not serialized under synth (the tree is written from the record): its CDK8S_OUTDIR holds no .k8s.yaml', async () => {
    const project = tmp.dir();
    writeFileSync(join(project, 'cdk8s.yaml'), `app: cd ${JSON.stringify(FIXTURES)} && node ok-app/main.js && ls -A "$CDK8S_OUTDIR" && echo listed\n`);
    const out = join(project, 'dist');
    const result = await synth({ cwd: project, out });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^listed$/m);
    expect(result.stderr).not.toMatch(/\.k8s\.yaml/);
    expect([...readTree(out).keys()]).toEqual(OK_TREE);
  });

  test('the app\'s own Yaml.save outside synth\'s folder still writes during synth (a validation that checks a Yaml.tmp file)', async () => {
    const project = tmp.dir();
    writeFileSync(join(project, 'main.js'), `const fs = require('fs');
const { App, Chart, ApiObject, Yaml } = require(${JSON.stringify(require.resolve('cdk8s'))});
const app = new App();
const chart = new Chart(app, 'c', { namespace: 'lab' });
new ApiObject(chart, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' }, data: { a: 'b' } });
chart.node.addValidation({ validate: () => {
  const file = Yaml.tmp([{ checked: true }]);
  return fs.readFileSync(file, 'utf8') === 'checked: true\\n' ? [] : ['the Yaml.tmp file was not written'];
} });
app.synth();
`);
    const out = join(project, 'dist');
    const result = await synth({ cwd: project, entry: 'main.js', out, profile: 'schema' });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect([...readTree(out).keys()]).toContain('c/configmap-cm.yaml');
  });

  test('a value the writer cannot write (U+0085) fails with one line naming the object, exit 2, nothing written', async () => {
    const project = tmp.dir();
    writeFileSync(join(project, 'main.js'), `const { App, Chart, ApiObject } = require(${JSON.stringify(require.resolve('cdk8s'))});
const app = new App();
const chart = new Chart(app, 'c', { namespace: 'lab' });
new ApiObject(chart, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' }, data: { next: 'a\\u0085b' } });
app.synth();
`);
    const out = join(project, 'dist');
    const result = await synth({ cwd: project, entry: 'main.js', out, profile: 'schema' });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('cdk8s-hardened synth: c/cm (ConfigMap cm): a string holding U+0085 (NEXT LINE) cannot be written: kustomize writes it out raw '
      + `and kubectl then reads a space; use another character; nothing written to ${out}\n`);
    expect(existsSync(out)).toBe(false);
  });
});

describe('runSynth: failures write nothing', () => {
  async function withPreviousTree() {
    const base = tmp.dir();
    const out = join(base, 'dist');
    expect((await synth({ entry: 'ok-app/main.js', out })).code).toBe(0);
    return { base, out, before: readTree(out) };
  }

  test('error findings (a privileged container): report with the construct path, exit 1, previous tree untouched', async () => {
    const { base, out, before } = await withPreviousTree();
    const result = await synth({ entry: 'privileged-app/main.js', out });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('frontend/web\n  Deployment frontend/web\n    error pss-baseline-privileged: container "app" sets securityContext.privileged to true\n');
    expect(result.stdout).toContain('FAIL 2 objects checked with profile pss-restricted: 1 error');
    expect(result.stderr).toBe(`cdk8s-hardened synth: 1 error found; nothing written to ${out} (its previous contents are unchanged)\n`);
    expect(readTree(out)).toEqual(before);
    expect(readdirSync(base)).toEqual(['dist']);
  });

  test('the configuration file is honoured: its exemption lets the privileged Deployment through, and is reported', async () => {
    const base = tmp.dir();
    const file = join(base, 'hardened.yaml');
    writeFileSync(file, 'exemptions:\n  - rule: pss-baseline-privileged\n    namespace: frontend\n    kind: Deployment\n    name: web\n    reason: the web tier needs device access, SEC-3\n');
    const result = await synth({ entry: 'privileged-app/main.js', out: join(base, 'dist'), config: loadConfig({ file })! });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('suppressed pss-baseline-privileged');
    expect(result.stdout).toContain('pss-baseline-privileged on exemption for kind Deployment, namespace frontend, name web: the web tier needs device access, SEC-3 (1 finding suppressed)');
    // The configuration's profile applies when no profile is given.
    writeFileSync(file, 'profile: schema\n');
    const schemaOnly = await synth({ entry: 'privileged-app/main.js', out: join(base, 'dist2'), config: loadConfig({ file })!, profile: undefined });
    expect(schemaOnly.code).toBe(0);
    expect(schemaOnly.stdout).toContain('checked with profile schema');
  });

  test('the app is told which configuration file to read (CDK8S_HARDENED_CONFIG)', async () => {
    const base = tmp.dir();
    const file = join(base, 'hardened.yaml');
    writeFileSync(file, 'profile: pss-baseline\n');
    const out = join(base, 'dist');
    expect((await synth({ entry: 'config-env-app/main.js', out, config: loadConfig({ file })! })).code).toBe(0);
    const written = [...readTree(out).entries()].find(([name]) => name.includes('configmap-seen'));
    expect(written).toBeDefined();
    expect(written![1].toString('utf8')).toContain(`config: ${file}`);
  });

  test('the app\'s own validation fails (as HardenedApp does): its message without the stack, exit 1', async () => {
    const { out, before } = await withPreviousTree();
    const result = await synth({ entry: 'validation-app/main.js', out });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `cdk8s-hardened synth: the app validation-app/main.js failed validation; nothing written to ${out}\n`
      + '  Error: Validation failed with the following errors:\n'
      + '    [frontend/web] container "app" sets securityContext.privileged to true\n',
    );
    expect(readTree(out)).toEqual(before);
  });

  test('a syntax error: the error and where it is, no stack trace, exit 2', async () => {
    const { out, before } = await withPreviousTree();
    const result = await synth({ entry: 'syntax-app/main.js', out });
    expect(result.code).toBe(2);
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines[0]).toBe(`cdk8s-hardened synth: the app syntax-app/main.js exited with code 1; nothing written to ${out}`);
    expect(lines[1]).toMatch(/^ {2}SyntaxError: /);
    expect(lines[2]).toBe(`  at ${join(FIXTURES, 'syntax-app', 'main.js')}:4`);
    expect(lines).toHaveLength(3);
    expect(readTree(out)).toEqual(before);
  });

  test('a crash while building the app: the error line only, exit 2', async () => {
    const { out, before } = await withPreviousTree();
    const result = await synth({ entry: 'crash-app/main.js', out });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`cdk8s-hardened synth: the app crash-app/main.js exited with code 1; nothing written to ${out}\n`
      + '  Error: There is already a Construct with name \'frontend\' in App\n');
    expect(readTree(out)).toEqual(before);
  });

  test('an app that synthesizes nothing (no app.synth()): exit 2', async () => {
    const { out, before } = await withPreviousTree();
    const result = await synth({ entry: 'no-synth-app/main.js', out });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/synthesized no Kubernetes objects; make sure it builds its charts with cdk8s and calls app\.synth\(\)/);
    expect(readTree(out)).toEqual(before);
  });

  test('an app with App({ outdir }) is judged and written all the same: the objects come from its construct tree, not its files', async () => {
    const elsewhere = tmp.dir();
    process.env.FIXTURE_OUTDIR = elsewhere;
    try {
      const out = join(tmp.dir(), 'dist');
      const result = await synth({ entry: 'outdir-app/main.js', out });
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/^PASS 1 object checked/m);
      expect(result.stderr).toBe(`cdk8s-hardened synth: note: the app sets App({ outdir: ${JSON.stringify(elsewhere)} }); under synth its YAML goes only to `
        + `${out}, after it is judged (cdk8s synth still writes to ${elsewhere})\n`);
      expect([...readTree(out).keys()]).toContain('kustomization.yaml');
      // Nothing unjudged is written anywhere else.
      expect(readdirSync(elsewhere)).toEqual([]);
    } finally {
      delete process.env.FIXTURE_OUTDIR;
    }
  });

  test('an app whose App({ outdir }) is the output folder itself: its unjudged YAML never lands there', async () => {
    const project = tmp.dir();
    const out = join(project, 'dist');
    process.env.FIXTURE_OUTDIR = out;
    try {
      for (let run = 0; run < 2; run++) {
        const result = await synth({ entry: 'outdir-app/main.js', out });
        expect(result.code).toBe(0);
        expect([...readTree(out).keys()].filter((f) => f.endsWith('.k8s.yaml'))).toEqual([]);
      }
    } finally {
      delete process.env.FIXTURE_OUTDIR;
    }
  });

  test('an app command of two node processes: both apps are judged and written', async () => {
    const out = join(tmp.dir(), 'dist');
    const result = await synth({ cwd: join(FIXTURES, 'two-process-project'), out });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^PASS 2 objects checked/m);
    const files = [...readTree(out).keys()];
    expect(files.some((f) => f.startsWith('alpha/'))).toBe(true);
    expect(files.some((f) => f.startsWith('beta/'))).toBe(true);
  });

  test('an output folder that is not ours (it holds sources): exit 2, nothing touched', async () => {
    const project = tmp.dir();
    writeFileSync(join(project, 'main.ts'), 'export {};\n');
    const result = await synth({ entry: join(FIXTURES, 'ok-app', 'main.js'), cwd: project, out: '.' });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/will not replace this folder: it holds main.ts/);
    expect(readdirSync(project)).toEqual(['main.ts']);
  });
});

describe('appErrorLines', () => {
  test('keeps the error and its message lines, drops the source excerpt, the stack and the Node.js banner', () => {
    const stderr = [
      '/app/node_modules/cdk8s/lib/app.js:250',
      '        throw new Error(`Validation failed`);',
      '        ^',
      '',
      'Error: Validation failed with the following errors:',
      '  [c] first',
      '  [c/web] second',
      '    at validate (/app/node_modules/cdk8s/lib/app.js:250:15)',
      '    at App.synth (/app/node_modules/cdk8s/lib/app.js:100:9)',
      '',
      'Node.js v20.20.2',
    ].join('\n');
    expect(appErrorLines(stderr)).toEqual(['Error: Validation failed with the following errors:', '  [c] first', '  [c/web] second']);
    expect(isValidationFailure(stderr)).toBe(true);
    expect(isValidationFailure('TypeError: x is not a function')).toBe(false);
  });

  test('errors with a code, TypeScript compile errors, and thrown non-errors', () => {
    expect(appErrorLines("node:internal/modules/cjs/loader:1228\n  throw err;\n  ^\n\nError: Cannot find module 'cdk8s-plus-99'\nRequire stack:\n- /app/main.js\n    at Module._resolveFilename (node:internal)\n"))
      .toEqual(["Error: Cannot find module 'cdk8s-plus-99'", 'Require stack:', '- /app/main.js']);
    expect(appErrorLines('TSError: ⨯ Unable to compile TypeScript:\nmain.ts(3,5): error TS1005: \';\' expected.\n\n    at createTSError (x)\n'))
      .toEqual(['TSError: ⨯ Unable to compile TypeScript:', 'main.ts(3,5): error TS1005: \';\' expected.']);
    expect(appErrorLines("/app/main.js:1\nthrow 'boom';\n^\nboom\n(Use `node --trace-uncaught ...` to show where the exception was thrown)\n\nNode.js v20.20.2\n"))
      .toEqual(['/app/main.js:1', "throw 'boom';", 'boom']);
  });

  test('a very long message is cut with a count of what was left out', () => {
    const stderr = `Error: many\n${Array.from({ length: 100 }, (_, i) => `  [c/x${i}] problem`).join('\n')}\n    at x (y)\n`;
    const lines = appErrorLines(stderr);
    expect(lines).toHaveLength(61);
    expect(lines[60]).toBe('... (41 more lines)');
  });
});
