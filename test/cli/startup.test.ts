/**
 * Start-up cost: no command loads cdk8s or the generated Kubernetes types (src/imports/k8s) in its own process:
 * `synth` runs the app (which loads them) in a child process and writes the tree from its record. Nor does `check` load dockerfile-ast unless
 * it reads a Dockerfile, nor the SARIF or JUnit formatter unless asked for. Here any load of them throws.
 */
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import type { CliIo } from '../../src/cli/program';

const FIXTURE = join(__dirname, '..', 'fixtures', 'check');

function refuse(name: string): () => never {
  return () => {
    throw new Error(`${name} was loaded at CLI start-up`);
  };
}

async function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let code = -1;
  let stdout = '';
  let stderr = '';
  await jest.isolateModulesAsync(async () => {
    jest.doMock('cdk8s', refuse('cdk8s'));
    jest.doMock('../../src/imports/k8s', refuse('src/imports/k8s'));
    jest.doMock('dockerfile-ast', refuse('dockerfile-ast'));
    jest.doMock('../../src/report/sarif', refuse('the SARIF formatter'));
    jest.doMock('../../src/report/junit', refuse('the JUnit formatter'));
    const { runCli } = await import('../../src/cli/program');
    const io: CliIo = {
      stdout: (s) => { stdout += s; },
      stderr: (s) => { stderr += s; },
      readStdin: () => '',
      stdoutIsTTY: false,
      env: {},
    };
    code = await runCli(argv, io);
  });
  return { code, stdout, stderr };
}

afterEach(() => {
  jest.dontMock('cdk8s');
  jest.dontMock('../../src/imports/k8s');
  jest.dontMock('dockerfile-ast');
  jest.dontMock('../../src/report/sarif');
  jest.dontMock('../../src/report/junit');
});

test.each([
  ['check', ['check', '--format', 'json', FIXTURE]],
  ['rules', ['rules', '--format', 'json']],
  ['admission', ['admission', '--profile', 'pss-baseline']],
  ['ci', ['ci', '--gitlab', '--image', 'ghcr.io/acme/api:1.4.2', '--out', '-']],
])('%s runs without loading cdk8s', async (_name, argv) => {
  const result = await run(argv);
  expect(result.stderr).not.toMatch(/was loaded at CLI start-up/);
  expect([0, 1]).toContain(result.code);
  expect(result.stdout.length).toBeGreaterThan(100);
});

test.each([['sarif', 'the SARIF formatter'], ['junit', 'the JUnit formatter']])('the guard works: --format %s loads its formatter (only then)', async (format, name) => {
  const result = await run(['check', '--format', format, FIXTURE]);
  expect(result.stderr).toMatch(new RegExp(`${name} was loaded at CLI start-up`));
});

test('the guard works: a Dockerfile loads dockerfile-ast, and so fails here', async () => {
  const result = await run(['check', join(__dirname, '..', 'fixtures', 'rules', 'dockerfile-healthcheck', 'fail.none.Dockerfile')]);
  expect(result.stderr).toMatch(/dockerfile-ast was loaded at CLI start-up/);
});

test('synth runs without loading cdk8s in its own process (the app loads it, in the app\'s process)', async () => {
  const out = mkdtempSync(join(tmpdir(), 'cdk8s-hardened-startup-'));
  try {
    const app = join(__dirname, '..', 'fixtures', 'synth', 'ok-app', 'main.js');
    const result = await run(['synth', app, '--profile', 'pss-restricted', '--out', join(out, 'dist')]);
    expect(result.stderr).not.toMatch(/was loaded at CLI start-up/);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^wrote 8 objects in 2 folders/m);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('the guard works: writing a tree of cdk8s Charts (not of recorded groups) loads cdk8s, and so fails here', async () => {
  let error: unknown;
  await jest.isolateModulesAsync(async () => {
    jest.doMock('cdk8s', refuse('cdk8s'));
    const { planGitOpsTree } = await import('../../src/output/tree');
    const chart = { [Symbol.for('cdk8s.Chart')]: true, toJson: () => [] };
    try {
      planGitOpsTree([chart as never]);
    } catch (e) {
      error = e;
    }
  });
  expect(String(error)).toMatch(/cdk8s was loaded at CLI start-up/);
});
