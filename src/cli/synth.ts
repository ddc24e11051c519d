import { spawn } from 'child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'fs';
import { tmpdir } from 'os';
import { dirname, extname, join, resolve, sep } from 'path';
import { parse as parseYaml } from 'yaml';
import { InputError, parseManifests } from '../input/parse';
import { OutputError } from '../output/atomic';
import { GitOpsGroup, GitOpsLayout, writeGitOpsTree } from '../output/tree';
import { CONFIG_ENV, configuredRules, exemptionSuppressions, suppressionPolicy } from '../config/config';
import { LoadedConfig } from '../input/config-file';
import { evaluateRun } from '../policy/engine';
import { field, objectField, stringField } from '../policy/json';
import { rulesForProfile } from '../policy/packs';
import { Manifest, Profile } from '../policy/rule';
import { summarize } from '../report/summary';
import { formatText } from '../report/text';

/** What `synth` writes to: the CLI's streams (a subset of the CLI's io, so tests can capture it). */
export interface SynthIo {
  stdout(text: string): void;
  stderr(text: string): void;
  readonly stdoutIsTTY?: boolean;
}

export interface SynthOptions {
  /**
   * The app: a `.js`/`.cjs`/`.mjs` or `.ts`/`.cts` file, or a project folder.
   * @default the `app` command of ./cdk8s.yaml, else main.ts, src/main.ts, lib/main.js or main.js
   */
  readonly entry?: string;
  /** The output folder of the GitOps tree; replaced as a whole on success. */
  readonly out: string;
  /** @default 'hardened' */
  readonly profile?: Profile;
  /** @default 'chart' (one folder per chart) */
  readonly layout?: GitOpsLayout;
  /** The folder that relative paths are read from. @default process.cwd() */
  readonly cwd?: string;
  /**
   * Where the app's raw output is kept while it is checked (a folder is made in it and always removed).
   * @default os.tmpdir()
   */
  readonly tempDir?: string;
  /** The configuration (`.cdk8s-hardened.yaml`): its profile (unless `profile` is given), rules, exemptions and suppression governance. */
  readonly config?: LoadedConfig;
  /** Today, for suppression expiry. @default new Date() */
  readonly now?: Date;
}

/** Exit codes: the same contract as `check`. */
export const SYNTH_OK = 0;
/** Error findings: from our evaluation, or from the app's own validation (HardenedApp, `node.addValidation`). */
export const SYNTH_FINDINGS = 1;
/** Bad usage or input: no app found, the app crashed or wrote nothing readable, the output cannot be written. */
export const SYNTH_BAD_INPUT = 2;

/** Entries tried, in order, when there is neither an APP_ENTRY nor a cdk8s.yaml. */
export const DEFAULT_ENTRIES = ['main.ts', 'src/main.ts', 'lib/main.js', 'main.js'];

const JS_EXTENSIONS = ['.js', '.cjs', '.mjs'];
const TS_EXTENSIONS = ['.ts', '.cts'];
/** Runners of a cdk8s.yaml `app` command that we replace by running the script ourselves. */
const RUNNERS = [['npx', 'ts-node'], ['npx', 'ts-node-script'], ['ts-node'], ['ts-node-script'], ['node']];
const RUNNER_FLAGS = new Set(['-T', '--transpile-only', '--files']);
/** At most this many lines of a failing app's error are shown. */
const MAX_ERROR_LINES = 60;
/** Output of the app kept in memory (the tail beyond is dropped). */
const MAX_CAPTURE = 1024 * 1024;

class UsageError extends Error {}

/** How to run the app. */
interface Launch {
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

function resolveTsNode(searchDirs: readonly string[]): string | undefined {
  for (const paths of [searchDirs, undefined]) {
    try {
      return require.resolve('ts-node/register/transpile-only', paths ? { paths: [...paths] } : undefined);
    } catch {
      // Try the next place.
    }
  }
  return undefined;
}

/** The launch of a script file: `node` for JavaScript, `node -r ts-node/register/transpile-only` for TypeScript. */
function scriptLaunch(script: string, cwd: string, display: string, tsProject?: string): Launch {
  const ext = extname(script).toLowerCase();
  if (JS_EXTENSIONS.includes(ext)) {
    return { command: process.execPath, args: [script], cwd, shell: false, env: {}, display };
  }
  if (!TS_EXTENSIONS.includes(ext)) {
    throw new UsageError(`${display}: not a JavaScript or TypeScript file (expected .js, .cjs, .mjs, .ts or .cts)`);
  }
  const register = resolveTsNode([cwd, dirname(script)]);
  if (!register) {
    throw new UsageError(`${display}: running a TypeScript app needs ts-node: npm install --save-dev ts-node typescript, or compile the app and pass its .js file`);
  }
  // With no tsconfig.json, ts-node 10 falls back to @tsconfig/node16 (module node16), which TypeScript 5
  // rejects without a matching moduleResolution; plain CommonJS is what a cdk8s app needs.
  const env: Record<string, string> = tsProject !== undefined
    ? { TS_NODE_PROJECT: tsProject }
    : !findUp(cwd, 'tsconfig.json') && process.env.TS_NODE_COMPILER_OPTIONS === undefined && process.env.TS_NODE_PROJECT === undefined
      ? { TS_NODE_COMPILER_OPTIONS: JSON.stringify({ module: 'commonjs', moduleResolution: 'node' }) }
      : {};
  return { command: process.execPath, args: ['-r', register, script], cwd, shell: false, env, display };
}

/**
 * A cdk8s.yaml `app` command: run as a script when it is a plain `node x.js` or `[npx] ts-node [-T] [-P tsconfig] x.ts`
 * (faster than npx, and never installs anything), else as given, in a shell.
 */
function appCommandLaunch(command: string, projectDir: string, shown: string): Launch {
  const tokens = command.trim().split(/\s+/);
  const runner = RUNNERS.find((r) => r.every((t, i) => tokens[i] === t));
  if (runner) {
    const tsNode = runner[runner.length - 1] !== 'node';
    const rest = tokens.slice(runner.length);
    let project: string | undefined;
    const scripts: string[] = [];
    let plain = true;
    for (let i = 0; i < rest.length; i++) {
      const t = rest[i];
      if (tsNode && RUNNER_FLAGS.has(t)) {
        continue;
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
        throw new UsageError(`${shown}: app "${command}" runs ${scripts[0]}, which does not exist (compile the app first?)`);
      }
      return scriptLaunch(script, projectDir, scripts[0], project === undefined ? undefined : resolve(projectDir, project));
    }
  }
  return { command, args: [], cwd: projectDir, shell: true, env: {}, display: command };
}

function projectLaunch(projectDir: string, where: string, shownDir: string): Launch {
  const config = join(projectDir, 'cdk8s.yaml');
  const shown = join(shownDir, 'cdk8s.yaml');
  if (existsSync(config)) {
    let app: unknown;
    try {
      app = field(parseYaml(readFileSync(config, 'utf8')), 'app');
    } catch (error) {
      throw new UsageError(`${shown}: cannot be parsed (${(error as Error).message.split('\n')[0]})`);
    }
    if (typeof app === 'string' && app.trim() !== '') {
      return appCommandLaunch(app, projectDir, shown);
    }
    throw new UsageError(`${shown}: has no "app" command (e.g. app: node main.js); add one or pass APP_ENTRY`);
  }
  for (const candidate of DEFAULT_ENTRIES) {
    const script = join(projectDir, candidate);
    if (existsSync(script)) {
      return scriptLaunch(script, projectDir, candidate);
    }
  }
  throw new UsageError(`no cdk8s app found in ${where}: pass APP_ENTRY (e.g. main.ts), or add a cdk8s.yaml with app: or one of ${DEFAULT_ENTRIES.join(', ')}`);
}

function resolveLaunch(entry: string | undefined, cwd: string): Launch {
  if (entry === undefined) {
    return projectLaunch(cwd, 'the current folder', '.');
  }
  const path = resolve(cwd, entry);
  let stat;
  try {
    stat = statSync(path);
  } catch {
    throw new UsageError(`${entry}: no such file or folder`);
  }
  return stat.isDirectory() ? projectLaunch(path, entry, entry) : scriptLaunch(path, cwd, entry);
}

interface AppRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly spawnError?: Error;
}

function runApp(launch: Launch, outdir: string): Promise<AppRun> {
  return new Promise((done) => {
    const child = spawn(launch.command, [...launch.args], {
      cwd: launch.cwd,
      shell: launch.shell,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        ...launch.env,
        CDK8S_OUTDIR: outdir,
        CDK8S_RECORD_CONSTRUCT_METADATA: 'true',
        CDK8S_CHECK_UPGRADE: 'false',
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

const ERROR_LINE = /^(?:[A-Za-z_$][\w$]*\.)*(?:[A-Z][\w$]*(?:Error|Exception)|Error)(?: \[[\w-]+\])?(?::|$)|^Uncaught\b/;
const STACK_LINE = /^\s+at\s/;
const NODE_VERSION_LINE = /^Node\.js v\d/;
const LOCATION_LINE = /^(?:\/|[A-Za-z]:\\|file:\/\/).*:\d+$/;

/**
 * The meaningful lines of a failed Node.js program's stderr: the error's name and message (all its lines),
 * without the stack trace and the source excerpt, plus `at file:line` when Node names a place in the user's
 * own code (a syntax error). Falls back to the last few non-stack lines.
 */
export function appErrorLines(stderr: string): string[] {
  const lines = stderr.replace(/\r/g, '').split('\n');
  const start = lines.findIndex((l) => ERROR_LINE.test(l));
  let out: string[];
  if (start >= 0) {
    out = [];
    for (const line of lines.slice(start)) {
      if (STACK_LINE.test(line) || NODE_VERSION_LINE.test(line)) {
        break;
      }
      out.push(line.trimEnd());
    }
    const location = lines.slice(0, start).find((l) => LOCATION_LINE.test(l) && !l.includes(`${sep}node_modules${sep}`));
    while (out.length && out[out.length - 1] === '') {
      out.pop();
    }
    if (location) {
      out.push(`at ${location}`);
    }
  } else {
    out = lines
      .filter((l) => l.trim() !== '' && !STACK_LINE.test(l) && !NODE_VERSION_LINE.test(l) && !/^\s*\^+\s*$/.test(l)
        && !l.startsWith('(Use `node --trace'))
      .map((l) => l.trimEnd())
      .slice(-10);
  }
  if (out.length > MAX_ERROR_LINES) {
    const more = out.length - MAX_ERROR_LINES;
    out = [...out.slice(0, MAX_ERROR_LINES), `... (${more} more line${more === 1 ? '' : 's'})`];
  }
  return out;
}

/**
 * True when the app failed its own validation (findings, not a crash): cdk8s reports every construct's
 * `node.addValidation()` failure, and so HardenedApp's, as "Validation failed with the following errors".
 */
export function isValidationFailure(stderr: string): boolean {
  return /Validation failed with the following errors/.test(stderr);
}

/** Every YAML file under `dir`, relative and `/`-separated, sorted. */
function yamlFiles(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  const entries = readdirSync(dir, { withFileTypes: true }).map((e) => e.name).sort();
  for (const name of entries) {
    const full = join(dir, name);
    const rel = prefix ? `${prefix}/${name}` : name;
    if (statSync(full).isDirectory()) {
      out.push(...yamlFiles(full, rel));
    } else if (/\.ya?ml$/i.test(name)) {
      out.push(rel);
    }
  }
  return out;
}

/** resource name -> construct path, from cdk8s's construct-metadata.json (absent or malformed: empty). */
function constructPaths(dir: string): Map<string, string> {
  const map = new Map<string, string>();
  const file = join(dir, 'construct-metadata.json');
  if (!existsSync(file)) {
    return map;
  }
  try {
    const resources = objectField(JSON.parse(readFileSync(file, 'utf8')), 'resources');
    for (const [name, value] of Object.entries(resources ?? {})) {
      const path = stringField(value, 'path');
      if (path) {
        map.set(name, path);
      }
    }
  } catch {
    // Construct paths only improve messages; without them findings still name the object.
  }
  return map;
}

function dnsLabel(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '');
}

/**
 * The chart a synthesized file belongs to: `<chart>.k8s.yaml` (FILE_PER_CHART, the default; `0000-<chart>`
 * when charts depend on each other) or `<chart>/...` (FOLDER_PER_CHART_FILE_PER_RESOURCE). Undefined for
 * FILE_PER_RESOURCE files (`Kind.name.k8s.yaml`), whose chart comes from the construct path.
 */
function chartOfFile(rel: string, indexed: boolean): string | undefined {
  const parts = rel.split('/');
  if (parts.length > 1) {
    return parts[0];
  }
  let stem = parts[0].replace(/(?:\.k8s)?\.ya?ml$/i, '');
  if (indexed) {
    stem = stem.replace(/^\d{4}-/, '');
  }
  return stem.includes('.') ? undefined : stem;
}

/** Reads what the app wrote into named groups of manifests, with construct paths where they are known. */
function readSynthesized(dir: string): Array<GitOpsGroup & { readonly objects: Manifest[] }> {
  const files = yamlFiles(dir);
  const topLevel = files.filter((f) => !f.includes('/'));
  const indexed = topLevel.length > 0 && topLevel.every((f) => /^\d{4}-/.test(f));
  const paths = constructPaths(dir);

  const parsed: Array<{ manifest: Manifest; group: string; name?: string }> = [];
  for (const rel of files) {
    for (const manifest of parseManifests(readFileSync(join(dir, rel), 'utf8'), rel)) {
      const name = stringField(objectField(manifest.object, 'metadata'), 'name');
      const path = name !== undefined ? paths.get(name) : undefined;
      const group = chartOfFile(rel, indexed) ?? (path ? dnsLabel(path.split('/')[0]) : undefined) ?? 'app';
      parsed.push({ manifest, group, name });
    }
  }

  // construct-metadata.json is keyed by name alone: a name used twice maps to one of the objects only, so
  // it is used for an object when the name is unique in the app, or unique in the chart its path starts with.
  const inApp = new Map<string, number>();
  const inChart = new Map<string, number>();
  for (const p of parsed) {
    if (p.name !== undefined) {
      inApp.set(p.name, (inApp.get(p.name) ?? 0) + 1);
      inChart.set(`${p.group}\n${p.name}`, (inChart.get(`${p.group}\n${p.name}`) ?? 0) + 1);
    }
  }
  const groups = new Map<string, Manifest[]>();
  for (const p of parsed) {
    let constructPath = p.name !== undefined ? paths.get(p.name) : undefined;
    if (constructPath !== undefined && inApp.get(p.name!)! > 1) {
      const chart = dnsLabel(constructPath.split('/')[0]);
      if (!(p.group === chart || p.group.startsWith(`${chart}-`)) || inChart.get(`${p.group}\n${p.name}`)! > 1) {
        constructPath = undefined;
      }
    }
    // The synthesized file is temporary, so its line numbers would point nowhere: a finding names the
    // construct path where it is known, else the chart's file name (`<chart>.k8s.yaml`), with the object.
    const origin = constructPath !== undefined ? { constructPath } : { file: p.manifest.origin?.file };
    const list = groups.get(p.group) ?? [];
    list.push({ object: p.manifest.object, origin });
    groups.set(p.group, list);
  }
  return [...groups.entries()].map(([name, objects]) => ({ name, objects }));
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * `cdk8s-hardened synth`: runs a cdk8s app with CDK8S_OUTDIR pointing at a temporary folder, reads the
 * manifests it wrote, judges them with the profile's rules, prints the report and, when nothing fails,
 * writes the GitOps tree to `out` atomically. Resolves to the exit code: 0 written, 1 error findings (ours
 * or the app's own validation; nothing written), 2 bad usage, app crash or unreadable output (nothing written).
 */
export async function runSynth(options: SynthOptions, io: SynthIo): Promise<number> {
  const cwd = resolve(options.cwd ?? process.cwd());
  const config = options.config?.config;
  const profile: Profile = options.profile ?? config?.profile ?? 'hardened';
  const out = options.out;
  const unchanged = `nothing written to ${out}`;

  let launch: Launch;
  try {
    launch = resolveLaunch(options.entry, cwd);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`cdk8s-hardened synth: ${error.message}\n`);
      return SYNTH_BAD_INPUT;
    }
    throw error;
  }

  const work = mkdtempSync(join(options.tempDir ?? tmpdir(), 'cdk8s-hardened-synth-'));
  try {
    // The app's HardenedApp reads the same configuration file as this judgement does.
    const configFile = options.config?.config.file;
    const run = await runApp(configFile !== undefined ? { ...launch, env: { ...launch.env, [CONFIG_ENV]: resolve(cwd, configFile) } } : launch, work);
    if (run.stdout.trim() !== '') {
      // The app's own output goes to stderr, so stdout carries only the report.
      io.stderr(run.stdout.endsWith('\n') ? run.stdout : `${run.stdout}\n`);
    }
    if (run.spawnError || run.code !== 0) {
      const how = run.spawnError ? `could not be started (${run.spawnError.message})`
        : run.signal ? `was killed by ${run.signal}` : `exited with code ${run.code}`;
      const validation = !run.spawnError && isValidationFailure(run.stderr);
      io.stderr(`cdk8s-hardened synth: the app ${launch.display} ${validation ? 'failed validation' : how}; ${unchanged}\n`);
      for (const line of run.spawnError ? [] : appErrorLines(run.stderr)) {
        io.stderr(`  ${line}\n`);
      }
      return validation ? SYNTH_FINDINGS : SYNTH_BAD_INPUT;
    }

    const groups = readSynthesized(work);
    const manifests = groups.flatMap((g) => g.objects);
    if (groups.length === 0) {
      io.stderr(`cdk8s-hardened synth: the app ${launch.display} wrote no Kubernetes objects; make sure it calls app.synth() and does not `
        + `set App({ outdir }), which overrides CDK8S_OUTDIR; ${unchanged}\n`);
      return SYNTH_BAD_INPUT;
    }

    const { findings, suppressions } = evaluateRun(manifests, configuredRules(config, rulesForProfile(profile)), {
      exemptions: exemptionSuppressions(config),
      suppressionPolicy: suppressionPolicy(config, options.now ?? new Date()),
    });
    const report = { findings, summary: summarize(findings, manifests.length, profile, config?.failOn ?? 'error'), suppressions };
    io.stdout(formatText(report, { color: Boolean(io.stdoutIsTTY) }));
    if (!report.summary.passed) {
      io.stderr(`cdk8s-hardened synth: ${plural(report.summary.errors, 'error')} found; ${unchanged} (its previous contents are unchanged)\n`);
      return SYNTH_FINDINGS;
    }

    const tree = writeGitOpsTree(groups, resolve(cwd, out), { layout: options.layout ?? 'chart' });
    io.stdout(`wrote ${plural(tree.objects, 'object')} in ${plural(tree.folders.length, 'folder')} `
      + `(${tree.folders.map((f) => f.name).join(', ')}) to ${out}\n`);
    return SYNTH_OK;
  } catch (error) {
    if (error instanceof InputError || error instanceof OutputError) {
      io.stderr(`cdk8s-hardened synth: ${error.message}; ${unchanged}\n`);
      return SYNTH_BAD_INPUT;
    }
    throw error;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
