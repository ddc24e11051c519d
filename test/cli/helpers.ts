import { spawnSync } from 'child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'fs';
import { tmpdir } from 'os';
import { join, relative } from 'path';
import { CliIo, runCli } from '../../src/cli/program';
import { runSynth, SynthOptions } from '../../src/cli/synth';
import { scratch as newScratch } from '../output/helpers';

export const ROOT = join(__dirname, '..', '..');
export const CHECK_FIXTURES = join(ROOT, 'test', 'fixtures', 'check');
export const BAD_INPUT = join(ROOT, 'test', 'fixtures', 'bad-input');

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliOptions {
  readonly stdin?: string | Uint8Array;
  readonly stdoutIsTTY?: boolean;
  readonly stderrIsTTY?: boolean;
  readonly env?: Record<string, string | undefined>;
  readonly readStdin?: () => string | Uint8Array;
  /** The working directory the CLI sees (configuration lookup, --exclude). */
  readonly cwd?: string;
  /** The clock (suppression expiry). */
  readonly now?: () => Date;
}

/** Runs the CLI in-process and captures its streams. */
export async function cli(argv: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (s) => {
      stdout += s;
    },
    stderr: (s) => {
      stderr += s;
    },
    readStdin: options.readStdin ?? (() => options.stdin ?? ''),
    stdoutIsTTY: options.stdoutIsTTY ?? false,
    stderrIsTTY: options.stderrIsTTY ?? false,
    env: options.env ?? {},
    ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
    ...(options.now !== undefined ? { now: options.now } : {}),
  };
  const code = await runCli(argv, io);
  return { code, stdout, stderr };
}

/** Fresh scratch folders, removed by `cleanup()` (shared with the output tests). */
export { scratch } from '../output/helpers';

/**
 * `runSynth` with captured streams, for a test file: `synth(options)` runs with `defaults` under the options given.
 * Registers the file's hooks: runSynth keeps the app's raw output in a temporary folder, given a parent of the
 * file's own so that every test checks its run removed its folder; `tmp` is cleaned after each test.
 */
export function synthHarness(defaults: Partial<SynthOptions>) {
  const tmp = newScratch();
  let privateTmp: string;
  beforeAll(() => {
    privateTmp = mkdtempSync(join(tmpdir(), 'cdk8s-hardened-synth-test-'));
  });
  afterAll(() => {
    rmSync(privateTmp, { recursive: true, force: true });
  });
  afterEach(() => {
    tmp.cleanup();
    expect(readdirSync(privateTmp)).toEqual([]);
  });
  async function synth(options: Partial<SynthOptions>): Promise<CliResult> {
    let stdout = '';
    let stderr = '';
    const code = await runSynth({ ...defaults, tempDir: privateTmp, ...options }, {
      stdout: (s) => {
        stdout += s;
      },
      stderr: (s) => {
        stderr += s;
      },
    });
    return { code, stdout, stderr };
  }
  return { tmp, synth };
}

function newestMtime(dir: string, ext: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) {
      newest = Math.max(newest, newestMtime(full, ext));
    } else if (entry.name.endsWith(ext)) {
      newest = Math.max(newest, statSync(full).mtimeMs);
    }
  }
  return newest;
}

let compiled: string | undefined;
let compiledDir: string | undefined;

/** Removes the temporary build `binary()` may have made. */
export function cleanupBinary(): void {
  if (compiledDir) {
    rmSync(compiledDir, { recursive: true, force: true });
    compiledDir = undefined;
    compiled = undefined;
  }
}

/**
 * The compiled CLI entry. `npm test` compiles to lib/ first; when lib/ is missing or older than src/ (jest
 * run directly), the sources are compiled once into a temporary folder instead, leaving lib/ alone.
 */
export function binary(): string {
  if (compiled) {
    return compiled;
  }
  const lib = join(ROOT, 'lib', 'cli', 'main.js');
  if (existsSync(lib) && statSync(lib).mtimeMs >= newestMtime(join(ROOT, 'src'), '.ts')
    && newestMtime(join(ROOT, 'lib'), '.js') >= newestMtime(join(ROOT, 'src'), '.ts')) {
    compiled = lib;
    return lib;
  }
  const out = mkdtempSync(join(tmpdir(), 'cdk8s-hardened-lib-'));
  const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', ROOT, '--outDir', out, '--inlineSourceMap', 'false', '--inlineSources', 'false', '--declaration', 'false'], { encoding: 'utf8' });
  if (tsc.status !== 0) {
    throw new Error(`tsc failed: ${tsc.stdout}${tsc.stderr}`);
  }
  compiledDir = out;
  compiled = join(out, 'cli', 'main.js');
  return compiled;
}

/** Runs the real binary (`node lib/cli/main.js ...`), bounded in time and output. */
export function runBinary(args: readonly string[], options: { input?: string | Buffer; env?: Record<string, string>; cwd?: string } = {}): CliResult {
  const result = spawnSync(process.execPath, [binary(), ...args], {
    cwd: options.cwd ?? ROOT,
    input: options.input ?? '',
    // NODE_PATH finds the dependencies when the sources were compiled to a temporary folder.
    env: { PATH: process.env.PATH ?? '', NODE_PATH: join(ROOT, 'node_modules'), ...options.env },
    encoding: 'utf8',
    timeout: 60_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  if (result.error) {
    throw result.error;
  }
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** A path relative to the repository root, as a user in it would type it. */
export function rel(path: string): string {
  return relative(ROOT, path);
}

/** True when `text` holds nothing that looks like a stack trace. */
export function noStackTrace(text: string): boolean {
  return !/^\s+at .+\(.+:\d+:\d+\)$/m.test(text) && !/^\s+at .+:\d+:\d+$/m.test(text) && !/node:internal/.test(text);
}
