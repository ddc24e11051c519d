import { cpSync, mkdirSync, writeFileSync } from 'fs';
import { join } from 'path';
import { cli, ROOT, scratch } from './helpers';

const NOT_DOCKER_OR_KUBERNETES_JSON = 'JSON that is neither Kubernetes objects (no apiVersion and kind), a Docker daemon.json (unknown key "name") '
  + 'nor docker inspect output (an array of containers); name a daemon configuration daemon.json, or give each Kubernetes object its apiVersion and kind';

jest.setTimeout(60_000);

const FIXTURE = join(ROOT, 'test', 'fixtures', 'repository');
const tmp = scratch();
afterEach(() => tmp.cleanup());

/**
 * A copy of test/fixtures/repository (manifests beside package.json, a Helm values file, a Prometheus rules file,
 * a Helm template under vendor/ that the configuration ignores, a dot-folder), plus a node_modules folder (which
 * git does not keep) holding a failing Pod that a folder walk must never read.
 */
function repository(): string {
  const dir = join(tmp.dir(), 'repo');
  cpSync(FIXTURE, dir, { recursive: true });
  mkdirSync(join(dir, 'node_modules', 'some-lib'), { recursive: true });
  writeFileSync(join(dir, 'node_modules', 'some-lib', 'pod.yaml'),
    'apiVersion: v1\nkind: Pod\nmetadata: { name: from-a-dependency }\nspec: { containers: [{ name: x, image: "x:1", securityContext: { privileged: true } }] }\n');
  return dir;
}

describe('check on a real repository', () => {
  test('files that are YAML or JSON but not Kubernetes objects are skipped with one notice each; the report comes out', async () => {
    const dir = repository();
    const result = await cli(['check', '--format', 'json', dir], { cwd: dir });
    expect(result.code).toBe(1); // the Pod uses hostNetwork (pss-baseline, the configuration's profile)
    const json = JSON.parse(result.stdout);
    expect(json.summary).toMatchObject({ profile: 'pss-baseline', objects: 2, errors: 1 });
    expect(json.findings.map((f: { ruleId: string; file: string }) => [f.ruleId, f.file])).toEqual([['pss-baseline-host-namespaces', join(dir, 'k8s', 'web.yaml')]]);
    // In walk order: a folder's files, then its folders.
    expect(json.skipped).toEqual([
      // JSON is first tried as a Docker input (daemon.json, docker inspect output); the reason says so.
      { file: join(dir, 'package-lock.json'), reason: NOT_DOCKER_OR_KUBERNETES_JSON },
      { file: join(dir, 'package.json'), reason: NOT_DOCKER_OR_KUBERNETES_JSON },
      { file: join(dir, 'charts', 'web', 'values.yml'), reason: 'document 1, line 2: not a Kubernetes object (apiVersion is missing)' },
      { file: join(dir, 'monitoring', 'rules.yml'), reason: 'document 1, line 2: not a Kubernetes object (apiVersion is missing)' },
    ]);
    const notices = result.stderr.trimEnd().split('\n');
    expect(notices).toHaveLength(4);
    expect(notices[2]).toBe(`cdk8s-hardened: skipped ${join(dir, 'charts', 'web', 'values.yml')}, not Kubernetes objects `
      + '(document 1, line 2: not a Kubernetes object (apiVersion is missing)); --strict-inputs refuses such files');
  });

  test('JSON with comments (tsconfig.json) is skipped by a folder walk like other non-Kubernetes JSON; named, or a Kubernetes object, it fails in one line', async () => {
    const dir = tmp.dir();
    writeFileSync(join(dir, 'pod.yaml'), 'apiVersion: v1\nkind: Namespace\nmetadata: {name: web}\n');
    const tsconfig = join(dir, 'tsconfig.json');
    writeFileSync(tsconfig, '{\n  // the compiler\n  "compilerOptions": { "strict": true, /* "outDir": "lib" */ },\n  "include": ["src/**/*.ts", "a // not a comment"],\n}\n');
    const walked = await cli(['check', '--profile', 'schema', '--format', 'json', dir], { cwd: dir });
    expect(walked.code).toBe(0);
    const reason = 'JSON with comments or trailing commas (as tsconfig.json is) and no apiVersion or kind: not a Kubernetes object';
    expect(JSON.parse(walked.stdout).skipped).toEqual([{ file: tsconfig, reason }]);
    expect(walked.stderr).toBe(`cdk8s-hardened: skipped ${tsconfig}, not Kubernetes objects (${reason}); --strict-inputs refuses such files\n`);

    const named = await cli(['check', tsconfig], { cwd: dir });
    expect(named).toEqual({ code: 2, stdout: '', stderr: `cdk8s-hardened: ${tsconfig}: document 1, line 2, column 3: invalid JSON (an object key must be a double-quoted string)\n` });
    expect((await cli(['check', '--strict-inputs', dir], { cwd: dir })).code).toBe(2);

    // A Kubernetes object written with comments is a broken manifest, never skipped.
    writeFileSync(join(dir, 'service.json'), '{\n  // the web service\n  "apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"}\n}\n');
    const broken = await cli(['check', dir], { cwd: dir });
    expect(broken).toEqual({ code: 2, stdout: '', stderr: `cdk8s-hardened: ${join(dir, 'service.json')}: document 1, line 2, column 3: invalid JSON (an object key must be a double-quoted string)\n` });
  });

  test('the text report says how many files were skipped; --quiet drops the notices', async () => {
    const dir = repository();
    const result = await cli(['check', dir], { cwd: dir });
    expect(result.stdout).toMatch(/^FAIL 2 objects in 5 files \(4 skipped: not Kubernetes objects\) checked with profile pss-baseline/m);
    const quiet = await cli(['check', '--quiet', dir], { cwd: dir });
    expect(quiet.stderr).toBe('');
    expect(quiet.code).toBe(1);
  });

  test('--strict-inputs refuses the first such file (exit 2, one line)', async () => {
    const dir = repository();
    const result = await cli(['check', '--strict-inputs', dir], { cwd: dir });
    expect(result).toEqual({ code: 2, stdout: '', stderr: `cdk8s-hardened: ${join(dir, 'package-lock.json')}: ${NOT_DOCKER_OR_KUBERNETES_JSON}\n` });
  });

  test('without the configuration\'s ignorePaths the broken Helm template is an error: skipping is only for well-formed YAML', async () => {
    const dir = repository();
    const result = await cli(['check', '--config', join(ROOT, 'test', 'fixtures', 'governance', '.cdk8s-hardened.yaml'), dir], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(new RegExp(`^cdk8s-hardened: ${join(dir, 'vendor', 'broken', 'template.yaml').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: document 1, line \\d+`));
  });

  test('--exclude skips files and folders (globs relative to the working directory), repeatable', async () => {
    const dir = repository();
    const result = await cli(['check', '--format', 'json', '--exclude', 'k8s', '--exclude', '**/*.json', dir], { cwd: dir, now: () => new Date() });
    // Every remaining file is skipped: no Kubernetes objects is an error unless --allow-empty.
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/no Kubernetes objects \(2 of them skipped: YAML or JSON that is not Kubernetes objects\)/);
    const allowed = await cli(['check', '--format', 'json', '--allow-empty', '--exclude', 'k8s/web.yaml', dir], { cwd: dir });
    expect(allowed.code).toBe(0);
    expect(JSON.parse(allowed.stdout).summary.objects).toBe(0);
  });

  test('a bad --exclude glob is one line, exit 2', async () => {
    const dir = repository();
    const result = await cli(['check', '--exclude', 'k8s/[abc', dir], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^cdk8s-hardened: --exclude glob "k8s\/\[abc" is not a valid glob \(.*\)\n$/);
  });

  test('a file mixing Kubernetes objects with other documents is still an error', async () => {
    const dir = tmp.dir();
    writeFileSync(join(dir, 'mixed.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: a, namespace: b }\n---\nreplicaCount: 2\n');
    const result = await cli(['check', join(dir, 'mixed.yaml')]);
    expect(result).toEqual({ code: 2, stdout: '', stderr: `cdk8s-hardened: ${join(dir, 'mixed.yaml')}: document 2, line 5: not a Kubernetes object (apiVersion is missing)\n` });
  });

  test('an object with an apiVersion but no kind is a broken manifest, not a skipped file', async () => {
    const dir = tmp.dir();
    writeFileSync(join(dir, 'half.yaml'), 'apiVersion: v1\nmetadata: { name: a }\n');
    const result = await cli(['check', join(dir, 'half.yaml')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('not a Kubernetes object (kind is missing)');
  });

  test('a non-Kubernetes document on stdin is refused (nothing there is a repository file to skip)', async () => {
    const result = await cli(['check', '-'], { stdin: 'replicaCount: 2\n' });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('cdk8s-hardened: <stdin>: document 1, line 1: not a Kubernetes object (apiVersion is missing)\n');
  });
});
