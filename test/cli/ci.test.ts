import { mkdirSync, readFileSync, writeFileSync } from 'fs';
import { join } from 'path';
import { DEFAULT_PIPELINE_FILES, GENERATED_MARKER } from '../../src/ci/pipeline';
import { cli, scratch } from './helpers';

const dirs = scratch();
afterAll(() => dirs.cleanup());
const IMAGE = ['--image', 'ghcr.io/acme/api:1.4.2'];

describe('cdk8s-hardened ci', () => {
  test('writes the default path of each system, and regenerates over its own file', async () => {
    const cwd = dirs.dir();
    const gh = await cli(['ci', '--github', ...IMAGE], { cwd });
    expect(gh).toEqual({ code: 0, stdout: '', stderr: `cdk8s-hardened: GitHub Actions workflow written to ${DEFAULT_PIPELINE_FILES.github}\n` });
    const first = readFileSync(join(cwd, DEFAULT_PIPELINE_FILES.github), 'utf8');
    expect(first.startsWith(`${GENERATED_MARKER} `)).toBe(true);
    expect((await cli(['ci', '--gitlab', ...IMAGE], { cwd })).code).toBe(0);
    expect(readFileSync(join(cwd, '.gitlab-ci.yml'), 'utf8')).toContain('stages:\n  - build\n  - security_scan\n  - test\n  - deploy\n');
    // Its own file is replaced without --force, byte for byte the same for the same options.
    expect((await cli(['ci', '--github', ...IMAGE], { cwd })).code).toBe(0);
    expect(readFileSync(join(cwd, DEFAULT_PIPELINE_FILES.github), 'utf8')).toBe(first);
    const out = await cli(['ci', '--github', ...IMAGE, '--out', '-'], { cwd });
    expect(out.stdout).toBe(first);
  });

  test('refuses to replace a file it did not write, unless --force', async () => {
    const cwd = dirs.dir();
    mkdirSync(join(cwd, '.github', 'workflows'), { recursive: true });
    const mine = join(cwd, '.github', 'workflows', 'cdk8s-hardened.yml');
    writeFileSync(mine, 'name: hand-written\non: push\n');
    const refused = await cli(['ci', '--github', ...IMAGE], { cwd });
    expect(refused).toEqual({ code: 2, stdout: '', stderr: `cdk8s-hardened: ${DEFAULT_PIPELINE_FILES.github} exists and was not written by cdk8s-hardened ci; pass --force to replace it, or --out another file\n` });
    expect(readFileSync(mine, 'utf8')).toBe('name: hand-written\non: push\n');
    expect((await cli(['ci', '--github', ...IMAGE, '--force'], { cwd })).code).toBe(0);
    expect(readFileSync(mine, 'utf8').startsWith(GENERATED_MARKER)).toBe(true);
    const other = await cli(['ci', '--gitlab', ...IMAGE, '--out', 'ci/pipeline.yml'], { cwd });
    expect(other.code).toBe(0);
    expect(readFileSync(join(cwd, 'ci', 'pipeline.yml'), 'utf8').startsWith(GENERATED_MARKER)).toBe(true);
  });

  test('usage errors are one line, exit 2', async () => {
    const cwd = dirs.dir();
    const cases: Array<[string[], RegExp]> = [
      [['ci', ...IMAGE], /^cdk8s-hardened: ci: give exactly one of --github and --gitlab\n$/],
      [['ci', '--github', '--gitlab', ...IMAGE], /^cdk8s-hardened: ci: give exactly one of --github and --gitlab\n$/],
      [['ci', '--github'], /^cdk8s-hardened: --image: give every image the app runs/],
      [['ci', '--gitlab', ...IMAGE, '--deploy', 'helm'], /option '--deploy <how>' argument 'helm' is invalid/],
      [['ci', '--gitlab', ...IMAGE, '--deploy', 'argocd'], /^cdk8s-hardened: --deploy argocd needs --argocd-app NAME/],
      [['ci', '--gitlab', '--image', '$(id)'], /^cdk8s-hardened: --image "\$\(id\)": only letters/],
      [['ci', '--gitlab', ...IMAGE, '--profile', 'strict'], /argument 'strict' is invalid/],
      [['ci', '--gitlab', ...IMAGE, '--sarif'], /unknown option '--sarif'/],
    ];
    for (const [argv, message] of cases) {
      const r = await cli(argv, { cwd });
      expect([argv.join(' '), r.code, r.stderr.trim().split('\n').length]).toEqual([argv.join(' '), 2, 1]);
      expect(r.stderr).toMatch(message);
    }
  });
});
