import { readdirSync, readFileSync, symlinkSync, writeFileSync, mkdirSync, existsSync } from 'fs';
import { join } from 'path';
import { parse } from 'yaml';
import { parseManifests } from '../../src/input/parse';
import { kustomize, readTree, withKubectl } from '../output/helpers';
import { cli, synthHarness } from './helpers';

// The synth a user can trust (issue 16): every object judged is written, in its own chart's folder, with its
// construct path; type errors fail; a refused hardened app is the same report as ours; reports as check writes them.
jest.setTimeout(120_000);

const FIXTURES = join(__dirname, '..', 'fixtures', 'synth');
const { tmp, synth } = synthHarness({ cwd: FIXTURES });

function objectsIn(out: string): Array<{ file: string; object: any }> {
  return [...readTree(out).entries()]
    .filter(([file]) => file.endsWith('.yaml') && !file.endsWith('kustomization.yaml'))
    .map(([file, bytes]) => ({ file, object: parse(bytes.toString('utf8')) }));
}

describe('synth judges and writes every object of the construct tree', () => {
  test('FILE_PER_RESOURCE with two LockedDownNamespaces (cdk8s#2821): 12 objects judged, 12 written, none lost', async () => {
    const out = join(tmp.dir(), 'dist');
    const result = await synth({ entry: 'file-per-resource-app/main.ts', out, transpileOnly: true, profile: 'hardened' });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^PASS 12 objects checked with profile hardened: 0 errors/m);
    expect(result.stdout).toContain(`wrote 12 objects in 2 folders (backend, frontend) to ${out}\n`);
    const written = objectsIn(out);
    expect(written).toHaveLength(12);
    for (const ns of ['frontend', 'backend']) {
      const names = written.filter((w) => w.file.startsWith(`${ns}/`)).map((w) => `${w.object.kind}/${w.object.metadata.name}`).sort();
      expect(names).toEqual(expect.arrayContaining(['NetworkPolicy/default-deny', 'NetworkPolicy/allow-dns', 'ServiceAccount/default']));
      expect(names).toHaveLength(6);
      expect(written.filter((w) => w.file.startsWith(`${ns}/`)).every((w) => w.object.kind === 'Namespace' || w.object.metadata.namespace === ns)).toBe(true);
    }
  });

  withKubectl()('kubectl kustomize builds all 12', async () => {
    const out = join(tmp.dir(), 'dist');
    expect((await synth({ entry: 'file-per-resource-app/main.ts', out, transpileOnly: true })).code).toBe(0);
    expect(parseManifests(kustomize(out), 'kustomize-output.yaml')).toHaveLength(12);
  });

  test('a chart id with a dot and a same-name ConfigMap in another chart: each object in its own chart\'s folder', async () => {
    const out = join(tmp.dir(), 'dist');
    const result = await synth({ entry: 'dotted-chart-app/main.js', out, profile: 'pss-restricted' });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('wrote 4 objects in 2 folders (api, web-v2)');
    const byFile = new Map(objectsIn(out).map((w) => [w.file, w.object]));
    expect(byFile.get('web-v2/configmap-settings.yaml')?.metadata.namespace).toBe('web');
    expect(byFile.get('web-v2/configmap-settings.yaml')?.data).toEqual({ tier: 'web' });
    expect(byFile.get('api/configmap-settings.yaml')?.metadata.namespace).toBe('api');
    expect([...byFile.keys()].sort()).toEqual(['api/configmap-settings.yaml', 'api/namespace-api.yaml', 'web-v2/configmap-settings.yaml', 'web-v2/namespace-web.yaml']);
  });

  test('every finding names its own construct path, even when two charts use one object name', async () => {
    const out = join(tmp.dir(), 'dist');
    const result = await synth({ entry: 'same-name-app/main.js', out, profile: 'pss-restricted', format: 'json' });
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    const privileged = report.findings.filter((f: any) => f.ruleId === 'pss-baseline-privileged');
    expect(privileged.map((f: any) => [f.constructPath, f.object.namespace])).toEqual([['one/web', 'one'], ['two/web', 'two']]);
    expect(report.findings.every((f: any) => typeof f.constructPath === 'string')).toBe(true);
    expect(existsSync(out)).toBe(false);
  });

  test('an ES module app is recorded as well', async () => {
    const out = join(tmp.dir(), 'dist');
    const result = await synth({ entry: 'esm-app/main.mjs', out, profile: 'schema' });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`wrote 1 object in 1 folder (esm) to ${out}\n`);
  });

  test('two objects of one identity: exit 2, one line naming both construct paths, nothing written', async () => {
    const out = join(tmp.dir(), 'dist');
    const result = await synth({ entry: 'collision-app/main.js', out, profile: 'pss-restricted' });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('cdk8s-hardened synth: ConfigMap team/shared is defined twice, by first/shared (v1 ConfigMap) in first and by second/shared '
      + `(v1 ConfigMap) in second; give one of them another name or namespace; nothing written to ${out}\n`);
    expect(existsSync(out)).toBe(false);
  });
});

describe('TypeScript apps are type-checked', () => {
  test('a misspelt prop fails synth (exit 2) with the compiler\'s message and the way out', async () => {
    const out = join(tmp.dir(), 'dist');
    const result = await synth({ entry: 'typo-app/main.ts', out });
    expect(result.code).toBe(2);
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines[0]).toBe(`cdk8s-hardened synth: the app typo-app/main.ts exited with code 1; nothing written to ${out}`);
    expect(lines[1]).toBe('  TSError: ⨯ Unable to compile TypeScript:');
    expect(result.stderr).toMatch(/error TS\d+: Object literal may only specify known properties, but 'replica' does not exist in type 'WebProps'\. Did you mean to write 'replicas'\?/);
    expect(lines[lines.length - 1]).toBe('  (type errors: fix them, or pass --transpile-only to run the app without type checking)');
    expect(existsSync(out)).toBe(false);
  });

  test('--transpile-only runs it anyway', async () => {
    const out = join(tmp.dir(), 'dist');
    const result = await synth({ entry: 'typo-app/main.ts', out, transpileOnly: true, profile: 'schema' });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^PASS 1 object checked/m);
  });

  test('a project on TypeScript 7, which ts-node cannot load: exit 2 and the pin to TypeScript 5', async () => {
    const project = tmp.dir();
    mkdirSync(join(project, 'node_modules', 'typescript'), { recursive: true });
    writeFileSync(join(project, 'node_modules', 'typescript', 'package.json'), '{"name": "typescript", "version": "7.0.0"}\n');
    writeFileSync(join(project, 'main.ts'), 'export {};\n');
    const result = await synth({ cwd: project, out: join(project, 'dist') });
    expect(result).toEqual({ code: 2, stdout: '', stderr: 'cdk8s-hardened synth: main.ts: ts-node cannot run TypeScript 7.0.0 (TypeScript 7 has no JavaScript '
      + 'compiler API): npm install --save-dev typescript@5, or compile the app and pass its .js file\n' });
  });

  test('a cdk8s.yaml app command with ts-node -T keeps its own choice', async () => {
    const project = tmp.dir();
    writeFileSync(join(project, 'cdk8s.yaml'), `app: npx ts-node -T ${join(FIXTURES, 'typo-app', 'main.ts')}\n`);
    const result = await synth({ cwd: project, out: join(project, 'dist'), profile: 'schema' });
    expect(result.code).toBe(0);
    writeFileSync(join(project, 'cdk8s.yaml'), `app: npx ts-node ${join(FIXTURES, 'typo-app', 'main.ts')}\n`);
    expect((await synth({ cwd: project, out: join(project, 'dist'), profile: 'schema' })).code).toBe(2);
  });
});

describe('the app\'s own refusals', () => {
  test('a refused HardenedApp prints the same grouped report as synth\'s own judgement of a plain App, exit 1', async () => {
    const base = tmp.dir();
    const hardened = await synth({ entry: 'grouped-app/main.ts', out: join(base, 'a'), transpileOnly: true });
    process.env.FIXTURE_PLAIN = '1';
    let plain;
    try {
      plain = await synth({ entry: 'grouped-app/main.ts', out: join(base, 'b'), transpileOnly: true });
    } finally {
      delete process.env.FIXTURE_PLAIN;
    }
    expect(hardened.code).toBe(1);
    expect(plain.code).toBe(1);
    expect(hardened.stdout).toBe(plain.stdout);
    expect(hardened.stdout).toContain('frontend/web\n  Pod frontend/web\n    error pss-baseline-privileged: container "app" sets securityContext.privileged to true\n');
    // Warnings are part of it, not dropped.
    expect(hardened.stdout).toMatch(/\n {4}warning namespace-quota: /);
    expect(hardened.stdout).toMatch(/\nFAIL 2 objects checked with profile hardened: \d+ errors, \d+ warnings/);
    expect(hardened.stderr).toMatch(/^cdk8s-hardened synth: the app grouped-app\/main\.ts failed validation: \d+ errors found; nothing written to /);
    expect(hardened.stderr).not.toContain('Validation failed');
    expect(readdirSync(base)).toEqual([]);
  });

  test('other validation errors of a refused HardenedApp follow its report', async () => {
    process.env.FIXTURE_OTHER_VALIDATION = '1';
    try {
      const result = await synth({ entry: 'grouped-app/main.ts', out: join(tmp.dir(), 'dist'), transpileOnly: true });
      expect(result.code).toBe(1);
      expect(result.stdout).toContain('error pss-baseline-privileged');
      expect(result.stderr).toMatch(/^cdk8s-hardened synth: the app grouped-app\/main\.ts: other validation errors:\n {2}\[frontend\] the chart is incomplete\n/m);
    } finally {
      delete process.env.FIXTURE_OTHER_VALIDATION;
    }
  });

  test('the same report in the other formats and in a report file', async () => {
    const base = tmp.dir();
    const result = await synth({ entry: 'grouped-app/main.ts', out: join(base, 'dist'), transpileOnly: true, format: 'sarif', report: join(base, 'r.sarif') });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    const sarif = JSON.parse(readFileSync(join(base, 'r.sarif'), 'utf8'));
    expect(sarif.runs[0].results.map((r: any) => r.ruleId)).toContain('pss-baseline-privileged');
    expect(result.stderr).toMatch(/^FAIL 2 objects checked with profile hardened: .*; sarif report written to /m);
  });

  test('a construction refusal: exit 1, the construct path and the prop path', async () => {
    const out = join(tmp.dir(), 'dist');
    const result = await synth({ entry: 'refusing-app/main.ts', out, transpileOnly: true });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`cdk8s-hardened synth: the app refusing-app/main.ts refused an insecure or invalid construct; nothing written to ${out}\n`
      + '  HardeningError: SecureDeployment "api": port name "Http_Port" is not an IANA service name: use at most 15 lower-case letters, digits and "-" '
      + '(at backend/api, prop containers[0].ports[0].name)\n');
  });
});

describe('output folder and report options', () => {
  const OK = join(FIXTURES, 'ok-app', 'main.js');

  test('-o/--output names the output folder (as in cdk8s synth); --out is the same; both, differing, is a usage error', async () => {
    const base = tmp.dir();
    const a = await cli(['synth', OK, '-o', 'manifests', '--profile', 'pss-restricted'], { cwd: base });
    expect(a.code).toBe(0);
    expect(readdirSync(base)).toEqual(['manifests']);
    const b = await cli(['synth', OK, '--output', 'manifests', '--out', 'manifests', '--profile', 'pss-restricted'], { cwd: base });
    expect(b.code).toBe(0);
    const c = await cli(['synth', OK, '--output', 'one', '--out', 'two'], { cwd: base });
    expect(c).toEqual({ code: 2, stdout: '', stderr: 'cdk8s-hardened: synth: --output one and --out two name different folders; give one\n' });
  });

  test('without an option, the output: of cdk8s.yaml (relative to its folder), else dist', async () => {
    const project = tmp.dir();
    writeFileSync(join(project, 'cdk8s.yaml'), `app: node ${JSON.stringify(OK)}\noutput: gitops/tree\n`);
    const result = await synth({ cwd: project, profile: 'pss-restricted' });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('to gitops/tree\n');
    expect(readdirSync(join(project, 'gitops', 'tree'))).toContain('kustomization.yaml');
    writeFileSync(join(project, 'cdk8s.yaml'), `app: node ${JSON.stringify(OK)}\noutput: [a]\n`);
    expect((await synth({ cwd: project })).stderr).toBe('cdk8s-hardened synth: cdk8s.yaml: "output" must be a folder name (e.g. output: dist), not ["a"]\n');
    const other = tmp.dir();
    expect((await synth({ entry: OK, cwd: other, profile: 'pss-restricted' })).stdout).toContain('to dist\n');
    expect(readdirSync(other)).toEqual(['dist']);
  });

  test('--format json: the report alone on stdout (the summary line on stderr); --report writes it atomically', async () => {
    const base = tmp.dir();
    const json = await cli(['synth', OK, '--out', 'dist', '--profile', 'pss-restricted', '--format', 'json'], { cwd: base });
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout);
    expect(report.summary).toMatchObject({ profile: 'pss-restricted', objects: 8, passed: true });
    expect(json.stderr).toBe('wrote 8 objects in 2 folders (backend, frontend) to dist\n');
    const junit = await cli(['synth', OK, '--out', 'dist', '--profile', 'pss-restricted', '--format', 'junit', '--report', 'reports/synth.xml'], { cwd: base });
    expect(junit.code).toBe(0);
    expect(junit.stdout).toBe('');
    expect(readFileSync(join(base, 'reports', 'synth.xml'), 'utf8')).toMatch(/^<\?xml[^]*<testcase /);
    expect(junit.stderr).toBe('PASS 8 objects checked with profile pss-restricted: 0 errors, 0 warnings, 0 info, 0 suppressed; junit report written to reports/synth.xml\n'
      + 'wrote 8 objects in 2 folders (backend, frontend) to dist\n');
    expect((await cli(['synth', OK, '--format', 'yaml'], { cwd: base })).code).toBe(2);
  });

  test('--report inside the --out folder (which is replaced as a whole) is refused before the app runs: exit 2, one line, the tree untouched', async () => {
    const base = tmp.dir();
    expect((await synth({ entry: OK, cwd: base, out: 'dist', profile: 'pss-restricted' })).code).toBe(0);
    const before = readTree(join(base, 'dist'));
    symlinkSync('dist', join(base, 'dist-link'));
    for (const report of ['dist/report.json', join(base, 'dist', 'reports', 'synth.json'), 'dist', 'dist-link/report.json']) {
      const refused = await synth({ entry: OK, cwd: base, out: 'dist', profile: 'pss-restricted', format: 'json', report });
      expect(refused).toEqual({ code: 2, stdout: '', stderr: `cdk8s-hardened synth: --report ${report} is inside the output folder dist, which synth replaces `
        + 'as a whole; write the report outside it; nothing written to dist\n' });
      expect(readTree(join(base, 'dist'))).toEqual(before);
    }
    // Beside it (even with a name that starts like it) is fine.
    expect((await synth({ entry: OK, cwd: base, out: 'dist', profile: 'pss-restricted', format: 'json', report: 'dist-report.json' })).code).toBe(0);
    expect(existsSync(join(base, 'dist-report.json'))).toBe(true);
  });

  test('a passing app\'s stderr (its warnings) reaches the user\'s stderr', async () => {
    const base = tmp.dir();
    const result = await synth({ entry: join(FIXTURES, 'warning-app', 'main.js'), cwd: base, out: 'dist', profile: 'pss-restricted', format: 'json' });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('warning: the "replicas" default will change in the next release\n(node) a second warning line\n'
      + 'wrote 2 objects in 1 folder (web) to dist\n');
  });

  test('one run at a time per output folder: a live lock refuses (exit 2), a stale one (its process gone) is taken over', async () => {
    const base = tmp.dir();
    writeFileSync(join(base, '.dist.lock'), `${process.ppid}\n`);
    const busy = await synth({ entry: OK, cwd: base, out: 'dist', profile: 'pss-restricted' });
    expect(busy).toEqual({ code: 2, stdout: '', stderr: `cdk8s-hardened synth: dist: another cdk8s-hardened synth (pid ${process.ppid}) is writing this output; `
      + 'wait for it to finish; nothing written to dist\n' });
    writeFileSync(join(base, '.dist.lock'), '2147483646\n');
    expect((await synth({ entry: OK, cwd: base, out: 'dist', profile: 'pss-restricted' })).code).toBe(0);
    expect(readdirSync(base)).toEqual(['dist']);
  });

  test('--out on a folder of hand-written YAML: refused before the app runs, exit 2, nothing deleted', async () => {
    const base = tmp.dir();
    mkdirSync(join(base, 'manifests'));
    writeFileSync(join(base, 'manifests', 'web.yaml'), 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: web\n');
    const result = await synth({ entry: OK, cwd: base, out: 'manifests' });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('cdk8s-hardened synth: manifests: will not replace this folder: cdk8s-hardened did not write it (it has no .cdk8s-hardened-tree '
      + 'marker), so its YAML may be hand-written; choose an output folder of its own, or remove this one if it is only generated output; nothing written to manifests\n');
    expect(readTree(join(base, 'manifests'))).toEqual(new Map([['web.yaml', Buffer.from('apiVersion: v1\nkind: Namespace\nmetadata:\n  name: web\n')]]));
  });
});
