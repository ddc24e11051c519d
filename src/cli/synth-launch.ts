/**
 * Launching the app of `synth`: which command runs it (a script file, a project folder's cdk8s.yaml `app` or default
 * entry; TypeScript through ts-node, type-checked unless asked), and running it with the recorder of its construct
 * tree loaded (recorder.ts), its output captured.
 */
import { spawn } from 'child_process';
import { existsSync, readFileSync, statSync } from 'fs';
import { dirname, extname, join, resolve } from 'path';
import { field } from '../policy/json';

/** Entries tried, in order, when there is neither an APP_ENTRY nor a cdk8s.yaml. */
export const DEFAULT_ENTRIES = ['main.ts', 'src/main.ts', 'lib/main.js', 'main.js'];

const JS_EXTENSIONS = ['.js', '.cjs', '.mjs'];
const TS_EXTENSIONS = ['.ts', '.cts'];
/** Runners of a cdk8s.yaml `app` command that we replace by running the script ourselves. */
const RUNNERS = [['npx', 'ts-node'], ['npx', 'ts-node-script'], ['ts-node'], ['ts-node-script'], ['node']];
const TRANSPILE_ONLY_FLAGS = new Set(['-T', '--transpile-only']);
/** Output of the app kept in memory (the tail beyond is dropped). */
const MAX_CAPTURE = 1024 * 1024;

/** The app cannot be found or launched as given (synth reports it in one line, exit 2). */
export class LaunchError extends Error {}

/** How to run the app. */
export interface Launch {
  /** The output folder the project's cdk8s.yaml names (absolute), if any. */
  readonly output?: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly shell: boolean;
  readonly env: Readonly<Record<string, string>>;
  /** What the user would recognise: the file or the command. */
  readonly display: string;
}

function findUp(start: string, file: string): string | undefined {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, file))) {
      return join(dir, file);
    }
    if (dirname(dir) === dir) {
      return undefined;
    }
  }
}

function resolveTsNode(searchDirs: readonly string[], transpileOnly: boolean): string | undefined {
  for (const paths of [searchDirs, undefined]) {
    try {
      return require.resolve(transpileOnly ? 'ts-node/register/transpile-only' : 'ts-node/register', paths ? { paths: [...paths] } : undefined);
    } catch {
      // Try the next place.
    }
  }
  return undefined;
}

/** The version of the TypeScript that ts-node would load for a project in `searchDirs` (undefined: none found). */
function typescriptVersion(searchDirs: readonly string[]): string | undefined {
  try {
    const pkg = require.resolve('typescript/package.json', { paths: [...searchDirs] });
    const version: unknown = JSON.parse(readFileSync(pkg, 'utf8')).version;
    return typeof version === 'string' ? version : undefined;
  } catch {
    return undefined;
  }
}

/** How a TypeScript app is run. */
interface TsOptions {
  /** ts-node's tsconfig (`-P`). */
  readonly project?: string;
  /** No type checking. */
  readonly transpileOnly: boolean;
  /** ts-node's `--files` (load the tsconfig's files, include and exclude). */
  readonly files?: boolean;
}

/**
 * The launch of a script file: `node` for JavaScript, `node -r ts-node/register` for TypeScript (type-checked, so a
 * misspelt prop such as `replica` fails synth), or `ts-node/register/transpile-only` when asked.
 */
function scriptLaunch(script: string, cwd: string, display: string, ts: TsOptions): Launch {
  const ext = extname(script).toLowerCase();
  if (JS_EXTENSIONS.includes(ext)) {
    return { command: process.execPath, args: [script], cwd, shell: false, env: {}, display };
  }
  if (!TS_EXTENSIONS.includes(ext)) {
    throw new LaunchError(`${display}: not a JavaScript or TypeScript file (expected .js, .cjs, .mjs, .ts or .cts)`);
  }
  const register = resolveTsNode([cwd, dirname(script)], ts.transpileOnly);
  if (!register) {
    // ts-node 10 does not work with TypeScript 7 (the native compiler has no JavaScript API): pin TypeScript 5.
    throw new LaunchError(`${display}: running a TypeScript app needs ts-node: npm install --save-dev ts-node@10 typescript@5, or compile the app and pass its .js file`);
  }
  const tsVersion = typescriptVersion([cwd, dirname(script)]);
  const major = tsVersion === undefined ? undefined : Number(/^(\d+)\./.exec(tsVersion)?.[1]);
  if (major !== undefined && major >= 7) {
    throw new LaunchError(`${display}: ts-node cannot run TypeScript ${tsVersion} (TypeScript 7 has no JavaScript compiler API): `
      + 'npm install --save-dev typescript@5, or compile the app and pass its .js file');
  }
  const tsProject = ts.project;
  // With no tsconfig.json, ts-node 10 falls back to @tsconfig/node16 (module node16), which TypeScript 5
  // rejects without a matching moduleResolution; plain CommonJS is what a cdk8s app needs.
  const env: Record<string, string> = ts.files ? { TS_NODE_FILES: 'true' } : {};
  Object.assign(env, tsProject !== undefined
    ? { TS_NODE_PROJECT: tsProject }
    : !findUp(cwd, 'tsconfig.json') && process.env.TS_NODE_COMPILER_OPTIONS === undefined && process.env.TS_NODE_PROJECT === undefined
      ? { TS_NODE_COMPILER_OPTIONS: JSON.stringify({ module: 'commonjs', moduleResolution: 'node' }) }
      : {});
  return { command: process.execPath, args: ['-r', register, script], cwd, shell: false, env, display };
}

/**
 * A cdk8s.yaml `app` command: run as a script when it is a plain `node x.js` or `[npx] ts-node [-T] [-P tsconfig] x.ts`
 * (faster than npx, and never installs anything), else as given, in a shell.
 */
function appCommandLaunch(command: string, projectDir: string, shown: string, transpileOnly: boolean): Launch {
  const tokens = command.trim().split(/\s+/);
  const runner = RUNNERS.find((r) => r.every((t, i) => tokens[i] === t));
  if (runner) {
    const tsNode = runner[runner.length - 1] !== 'node';
    const rest = tokens.slice(runner.length);
    let project: string | undefined;
    // The command's own -T is the user's choice, as `cdk8s synth` would honour it.
    let noTypeCheck = transpileOnly;
    let files = false;
    const scripts: string[] = [];
    let plain = true;
    for (let i = 0; i < rest.length; i++) {
      const t = rest[i];
      if (tsNode && TRANSPILE_ONLY_FLAGS.has(t)) {
        noTypeCheck = true;
      } else if (tsNode && t === '--files') {
        files = true;
      } else if (tsNode && (t === '-P' || t === '--project') && i + 1 < rest.length) {
        project = rest[++i];
      } else if (tsNode && t.startsWith('--project=')) {
        project = t.slice('--project='.length);
      } else if (t.startsWith('-')) {
        plain = false;
      } else {
        scripts.push(t);
      }
    }
    const ext = scripts.length === 1 ? extname(scripts[0]).toLowerCase() : '';
    if (plain && [...JS_EXTENSIONS, ...TS_EXTENSIONS].includes(ext)) {
      const script = resolve(projectDir, scripts[0]);
      if (!existsSync(script)) {
        throw new LaunchError(`${shown}: app "${command}" runs ${scripts[0]}, which does not exist (compile the app first?)`);
      }
      return scriptLaunch(script, projectDir, scripts[0], { project: project === undefined ? undefined : resolve(projectDir, project), transpileOnly: noTypeCheck, files });
    }
  }
  return { command, args: [], cwd: projectDir, shell: true, env: {}, display: command };
}

function projectLaunch(projectDir: string, where: string, shownDir: string, transpileOnly: boolean): Launch {
  const config = join(projectDir, 'cdk8s.yaml');
  const shown = join(shownDir, 'cdk8s.yaml');
  if (existsSync(config)) {
    let app: unknown;
    let output: unknown;
    try {
      // The yaml package (cdk8s-cli's reader of cdk8s.yaml) loads only when there is a cdk8s.yaml to read.
      const parsed: unknown = (require('yaml') as typeof import('yaml')).parse(readFileSync(config, 'utf8'));
      app = field(parsed, 'app');
      output = field(parsed, 'output');
    } catch (error) {
      throw new LaunchError(`${shown}: cannot be parsed (${(error as Error).message.split('\n')[0]})`);
    }
    if (output !== undefined && (typeof output !== 'string' || output.trim() === '')) {
      throw new LaunchError(`${shown}: "output" must be a folder name (e.g. output: dist), not ${JSON.stringify(output)}`);
    }
    if (typeof app === 'string' && app.trim() !== '') {
      const launch = appCommandLaunch(app, projectDir, shown, transpileOnly);
      return output === undefined ? launch : { ...launch, output: resolve(projectDir, output as string) };
    }
    throw new LaunchError(`${shown}: has no "app" command (e.g. app: node main.js); add one or pass APP_ENTRY`);
  }
  for (const candidate of DEFAULT_ENTRIES) {
    const script = join(projectDir, candidate);
    if (existsSync(script)) {
      return scriptLaunch(script, projectDir, candidate, { transpileOnly });
    }
  }
  throw new LaunchError(`no cdk8s app found in ${where}: pass APP_ENTRY (e.g. main.ts), or add a cdk8s.yaml with app: or one of ${DEFAULT_ENTRIES.join(', ')}`);
}

export function resolveLaunch(entry: string | undefined, cwd: string, transpileOnly: boolean): Launch {
  if (entry === undefined) {
    return projectLaunch(cwd, 'the current folder', '.', transpileOnly);
  }
  const path = resolve(cwd, entry);
  let stat;
  try {
    stat = statSync(path);
  } catch {
    throw new LaunchError(`${entry}: no such file or folder`);
  }
  return stat.isDirectory() ? projectLaunch(path, entry, entry, transpileOnly) : scriptLaunch(path, cwd, entry, { transpileOnly });
}

export interface AppRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly spawnError?: Error;
}

/** `--require FILE` as NODE_OPTIONS reads it (double quotes, backslash escapes), after the options already set. */
function withRequire(nodeOptions: string | undefined, file: string): string {
  const quoted = `"${file.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  return `${nodeOptions ? `${nodeOptions} ` : ''}--require ${quoted}`;
}

export function runApp(launch: Launch, outdir: string, recorder: string): Promise<AppRun> {
  return new Promise((done) => {
    const child = spawn(launch.command, [...launch.args], {
      cwd: launch.cwd,
      shell: launch.shell,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        ...launch.env,
        CDK8S_OUTDIR: outdir,
        CDK8S_CHECK_UPGRADE: 'false',
        // Every node the app command starts (a shell, npx, ts-node) loads the recorder of the construct tree.
        NODE_OPTIONS: withRequire(launch.env.NODE_OPTIONS ?? process.env.NODE_OPTIONS, recorder),
      },
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const keep = (into: Buffer[]) => (chunk: Buffer) => {
      if (into.reduce((n, b) => n + b.length, 0) < MAX_CAPTURE) {
        into.push(chunk);
      }
    };
    child.stdout.on('data', keep(out));
    child.stderr.on('data', keep(err));
    let spawnError: Error | undefined;
    child.on('error', (error) => {
      spawnError = error;
    });
    child.on('close', (code, signal) => {
      done({ code, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), spawnError });
    });
  });
}
