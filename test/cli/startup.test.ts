/**
 * Start-up cost: `check`, `rules` and `admission` must not load cdk8s or cdk8s-plus-28 (about 100 ms of module
 * loading on every CI run). Only `synth` needs them, and loads them on demand. Nor does `check` load dockerfile-ast
 * unless it reads a Dockerfile. Here any load of them throws.
 */
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
    jest.doMock('cdk8s-plus-28', refuse('cdk8s-plus-28'));
    jest.doMock('dockerfile-ast', refuse('dockerfile-ast'));
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
  jest.dontMock('cdk8s-plus-28');
  jest.dontMock('dockerfile-ast');
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

test('the guard works: a Dockerfile loads dockerfile-ast, and so fails here', async () => {
  const result = await run(['check', join(__dirname, '..', 'fixtures', 'rules', 'dockerfile-healthcheck', 'fail.none.Dockerfile')]);
  expect(result.stderr).toMatch(/dockerfile-ast was loaded at CLI start-up/);
});

test('the guard works: synth does load cdk8s, and so fails here', async () => {
  const result = await run(['synth', join(__dirname, 'no-such-app.ts'), '--out', join(__dirname, 'never')]);
  expect(result.code).toBe(2);
  expect(result.stderr).toMatch(/cdk8s was loaded at CLI start-up/);
});
