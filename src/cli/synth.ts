import { spawn } from 'child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { dirname, extname, join, relative, resolve, sep } from 'path';
import { parse as parseYaml } from 'yaml';
import { InputError } from '../input/parse';
import { acquireOutputLock, checkReplaceable, OutputError, recoverInterruptedReplace } from '../output/atomic';
import { GitOpsGroup, GitOpsLayout, writeGitOpsTree } from '../output/tree';
import { CONFIG_ENV, configuredRules, exemptionSuppressions, suppressionPolicy } from '../config/config';
import { LoadedConfig } from '../input/config-file';
import { evaluateRun } from '../policy/engine';
import { field } from '../policy/json';
import { rulesForProfile } from '../policy/packs';
import { Manifest, Profile, Rule } from '../policy/rule';
import { checkedObjects, Report, summarize } from '../report/summary';
import { formatText } from '../report/text';
import { OutputFileError, useColor, writeFileAtomically } from './common';
import { CheckFormat, renderReport } from './render';
import { parseRecord, RecordError, recorderSource, SynthRecord } from './recorder';

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
  /**
   * The output folder of the GitOps tree; replaced as a whole on success, and only when this tool wrote it (its
   * marker file) or it is empty.
   * @default the `output` of the cdk8s.yaml that names the app (relative to its folder), else 'dist'
   */
  readonly out?: string;
  /** @default 'text' */
  readonly format?: CheckFormat;
  /** Write the report to this file (atomically) instead of stdout, and a one-line summary to stderr. */
  readonly report?: string;
  /** Run a TypeScript app without type checking (ts-node's transpile-only mode). @default false: type errors fail synth */
  readonly transpileOnly?: boolean;
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
const TRANSPILE_ONLY_FLAGS = new Set(['-T', '--transpile-only']);
/** At most this many lines of a failing app's error are shown. */
const MAX_ERROR_LINES = 60;
/** Output of the app kept in memory (the tail beyond is dropped). */
const MAX_CAPTURE = 1024 * 1024;

class UsageError extends Error {}

/** How to run the app. */
interface Launch {
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
    throw new UsageError(`${display}: not a JavaScript or TypeScript file (expected .js, .cjs, .mjs, .ts or .cts)`);
  }
  const register = resolveTsNode([cwd, dirname(script)], ts.transpileOnly);
  if (!register) {
    // ts-node 10 does not work with TypeScript 7 (the native compiler has no JavaScript API): pin TypeScript 5.
    throw new UsageError(`${display}: running a TypeScript app needs ts-node: npm install --save-dev ts-node@10 typescript@5, or compile the app and pass its .js file`);
  }
  const tsVersion = typescriptVersion([cwd, dirname(script)]);
  const major = tsVersion === undefined ? undefined : Number(/^(\d+)\./.exec(tsVersion)?.[1]);
  if (major !== undefined && major >= 7) {
    throw new UsageError(`${display}: ts-node cannot run TypeScript ${tsVersion} (TypeScript 7 has no JavaScript compiler API): `
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
        throw new UsageError(`${shown}: app "${command}" runs ${scripts[0]}, which does not exist (compile the app first?)`);
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
      const parsed: unknown = parseYaml(readFileSync(config, 'utf8'));
      app = field(parsed, 'app');
      output = field(parsed, 'output');
    } catch (error) {
      throw new UsageError(`${shown}: cannot be parsed (${(error as Error).message.split('\n')[0]})`);
    }
    if (output !== undefined && (typeof output !== 'string' || output.trim() === '')) {
      throw new UsageError(`${shown}: "output" must be a folder name (e.g. output: dist), not ${JSON.stringify(output)}`);
    }
    if (typeof app === 'string' && app.trim() !== '') {
      const launch = appCommandLaunch(app, projectDir, shown, transpileOnly);
      return output === undefined ? launch : { ...launch, output: resolve(projectDir, output as string) };
    }
    throw new UsageError(`${shown}: has no "app" command (e.g. app: node main.js); add one or pass APP_ENTRY`);
  }
  for (const candidate of DEFAULT_ENTRIES) {
    const script = join(projectDir, candidate);
    if (existsSync(script)) {
      return scriptLaunch(script, projectDir, candidate, { transpileOnly });
    }
  }
  throw new UsageError(`no cdk8s app found in ${where}: pass APP_ENTRY (e.g. main.ts), or add a cdk8s.yaml with app: or one of ${DEFAULT_ENTRIES.join(', ')}`);
}

function resolveLaunch(entry: string | undefined, cwd: string, transpileOnly: boolean): Launch {
  if (entry === undefined) {
    return projectLaunch(cwd, 'the current folder', '.', transpileOnly);
  }
  const path = resolve(cwd, entry);
  let stat;
  try {
    stat = statSync(path);
  } catch {
    throw new UsageError(`${entry}: no such file or folder`);
  }
  return stat.isDirectory() ? projectLaunch(path, entry, entry, transpileOnly) : scriptLaunch(path, cwd, entry, { transpileOnly });
}

interface AppRun {
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

function runApp(launch: Launch, outdir: string, recorder: string): Promise<AppRun> {
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

/** True when a construct of this library refused its props (a HardeningError: an insecure or invalid request). */
export function isConstructionRefusal(stderr: string): boolean {
  return /^HardeningError: /m.test(stderr);
}

/**
 * The charts the app synthesized, from our record of its construct tree: one group per chart, named by its construct
 * path (`web.v2`, `parent-child`; the tree makes folder names safe), each object with its construct path. Charts are
 * in name order, or in cdk8s's dependency order when charts depend on each other (as cdk8s numbers its files then).
 */
export function groupsFromRecord(record: SynthRecord): Array<GitOpsGroup & { readonly objects: Manifest[] }> {
  const charts = record.apps.filter((a) => a.ok).flatMap((a) => a.charts);
  const ordered = charts.some((c) => c.dependsOn.length > 0)
    ? charts
    : charts.map((c, i) => ({ c, i })).sort((a, b) => (a.c.path < b.c.path ? -1 : a.c.path > b.c.path ? 1 : a.i - b.i)).map(({ c }) => c);
  return ordered.map((chart) => ({
    name: chart.path.split('/').join('-'),
    objects: chart.objects.map((o) => ({ object: o.json, origin: { constructPath: o.path } })),
  }));
}

/** Reads the record the app's recorder wrote (undefined: it wrote none, so no App of a cdk8s we could see ran synth()). */
function readRecord(file: string): SynthRecord | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  return parseRecord(text);
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}


/** The findings of a report that fail the run. */
function failingCount(report: Report): number {
  return report.summary.errors + (report.summary.failOn === 'warning' ? report.summary.warnings : 0);
}

/**
 * Prints a report as `check` does: in the chosen format to stdout, or to the report file with a one-line summary on
 * stderr.
 */
function emitReport(report: Report, rules: readonly Rule[], options: SynthOptions, cwd: string, io: SynthIo): void {
  const format = options.format ?? 'text';
  if (options.report !== undefined) {
    writeFileAtomically(resolve(cwd, options.report), renderReport(report, format, rules, { color: false, baseDir: cwd }));
    const summary = formatText({ findings: [], summary: report.summary }, { color: false }).trimEnd();
    io.stderr(`${summary}; ${format} report written to ${options.report}\n`);
  } else {
    io.stdout(renderReport(report, format, rules, { color: useColor(io.stdoutIsTTY, process.env), baseDir: cwd }));
  }
}

/** A line for people that is not the report: stdout in the text format (after the report), else stderr. */
function note(options: SynthOptions, io: SynthIo, text: string): void {
  if ((options.format ?? 'text') === 'text' && options.report === undefined) {
    io.stdout(text);
  } else {
    io.stderr(text);
  }
}

/**
 * `cdk8s-hardened synth`: runs a cdk8s app with a recorder of its construct tree, judges every object the app
 * synthesized (as its construct tree renders it, with its construct path), prints the report and, when nothing
 * fails, writes the GitOps tree to `out` atomically. Resolves to the exit code: 0 written, 1 error findings (ours
 * or the app's own validation; nothing written), 2 bad usage, app crash or unusable output (nothing written).
 */
export async function runSynth(options: SynthOptions, io: SynthIo): Promise<number> {
  const cwd = resolve(options.cwd ?? process.cwd());
  const config = options.config?.config;
  const profile: Profile = options.profile ?? config?.profile ?? 'hardened';
  const failOn = config?.failOn ?? 'error';

  let launch: Launch;
  try {
    launch = resolveLaunch(options.entry, cwd, Boolean(options.transpileOnly));
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`cdk8s-hardened synth: ${error.message}\n`);
      return SYNTH_BAD_INPUT;
    }
    throw error;
  }
  const out = options.out ?? (launch.output !== undefined ? relative(cwd, launch.output) || '.' : 'dist');
  const outDir = resolve(cwd, out);
  const unchanged = `nothing written to ${out}`;

  let work: string | undefined;
  let release: (() => void) | undefined;
  try {
    // One run at a time per output folder, from recovery to the last rename.
    release = acquireOutputLock(outDir, out);
    // A run killed while it replaced the tree is finished (or undone) first, and the tree must be ours to replace.
    for (const line of recoverInterruptedReplace(outDir)) {
      io.stderr(`cdk8s-hardened synth: ${out}: ${line}\n`);
    }
    checkReplaceable(outDir, out);

    work = mkdtempSync(join(options.tempDir ?? tmpdir(), 'cdk8s-hardened-synth-'));
    const recordFile = join(work, 'record.json');
    const recorder = join(work, 'recorder.cjs');
    writeFileSync(recorder, recorderSource(recordFile));
    const appOut = join(work, 'out');
    // The app's HardenedApp reads the same configuration file as this judgement does.
    const configFile = options.config?.config.file;
    const run = await runApp(configFile !== undefined ? { ...launch, env: { ...launch.env, [CONFIG_ENV]: resolve(cwd, configFile) } } : launch, appOut, recorder);
    if (run.stdout.trim() !== '') {
      // The app's own output goes to stderr, so stdout carries only the report.
      io.stderr(run.stdout.endsWith('\n') ? run.stdout : `${run.stdout}\n`);
    }
    const record = readRecord(recordFile);

    if (run.spawnError || run.code !== 0) {
      // A hardened app that refused its objects: its own judgement, reported as ours would be.
      const refused = record?.apps.map((a) => a.report).find((r, i) => r !== undefined && !record.apps[i].ok);
      if (refused && !run.spawnError) {
        const report: Report = {
          findings: refused.findings,
          summary: summarize(refused.findings, refused.objects, refused.profile, refused.failOn),
          suppressions: refused.suppressions,
        };
        if (!report.summary.passed) {
          emitReport(report, [], options, cwd, io);
          // Validation errors of the app's other constructs (HardenedSynthError lists them after the report).
          const lines = run.stderr.replace(/\r/g, '').split('\n');
          const others = lines.indexOf('other validation errors:');
          if (others >= 0) {
            io.stderr(`cdk8s-hardened synth: the app ${launch.display}: other validation errors:\n`);
            for (const line of lines.slice(others + 1)) {
              if (!/^ {2}\[/.test(line)) {
                break;
              }
              io.stderr(`${line.trimEnd()}\n`);
            }
          }
          io.stderr(`cdk8s-hardened synth: the app ${launch.display} failed validation: ${plural(failingCount(report), 'error')} found; ${unchanged} `
            + '(its previous contents are unchanged)\n');
          return SYNTH_FINDINGS;
        }
      }
      const how = run.spawnError ? `could not be started (${run.spawnError.message})`
        : run.signal ? `was killed by ${run.signal}` : `exited with code ${run.code}`;
      const validation = !run.spawnError && isValidationFailure(run.stderr);
      const insecure = !run.spawnError && isConstructionRefusal(run.stderr);
      const typeErrors = !run.spawnError && /^TSError: /m.test(run.stderr);
      const what = validation ? 'failed validation' : insecure ? 'refused an insecure or invalid construct' : how;
      io.stderr(`cdk8s-hardened synth: the app ${launch.display} ${what}; ${unchanged}\n`);
      // A refusal names the construct path; where in this library it was thrown is of no use.
      for (const line of run.spawnError ? [] : appErrorLines(run.stderr).filter((l) => !(insecure && l.startsWith('at ')))) {
        io.stderr(`  ${line}\n`);
      }
      if (typeErrors) {
        io.stderr('  (type errors: fix them, or pass --transpile-only to run the app without type checking)\n');
      }
      return validation || insecure ? SYNTH_FINDINGS : SYNTH_BAD_INPUT;
    }

    for (const app of record?.apps ?? []) {
      if (app.ok && typeof app.outdir === 'string' && resolve(launch.cwd, app.outdir) !== appOut) {
        io.stderr(`cdk8s-hardened synth: note: the app sets App({ outdir }), so cdk8s also wrote its own YAML to ${app.outdir}; `
          + `${out} gets the construct tree all the same (drop outdir to write only there)\n`);
      }
    }
    const groups = record ? groupsFromRecord(record) : [];
    const manifests = groups.flatMap((g) => g.objects);
    if (manifests.length === 0) {
      io.stderr(`cdk8s-hardened synth: the app ${launch.display} synthesized no Kubernetes objects; make sure it builds its charts with cdk8s `
        + `and calls app.synth(); ${unchanged}\n`);
      return SYNTH_BAD_INPUT;
    }

    const rules = configuredRules(config, rulesForProfile(profile));
    const { findings, suppressions } = evaluateRun(manifests, rules, {
      exemptions: exemptionSuppressions(config),
      suppressionPolicy: suppressionPolicy(config, options.now ?? new Date()),
    });
    const report: Report = {
      findings,
      summary: summarize(findings, manifests.length, profile, failOn),
      objects: checkedObjects(manifests),
      suppressions,
    };
    emitReport(report, rules, options, cwd, io);
    if (!report.summary.passed) {
      io.stderr(`cdk8s-hardened synth: ${plural(failingCount(report), 'error')} found; ${unchanged} (its previous contents are unchanged)\n`);
      return SYNTH_FINDINGS;
    }

    const tree = writeGitOpsTree(groups, outDir, { layout: options.layout ?? 'chart' });
    if (tree.objects !== manifests.length) {
      // planGitOpsTree refuses collisions, so this cannot happen; if it ever did, the run must not pass.
      throw new OutputError(`${out}: ${tree.objects} objects written for ${manifests.length} judged`);
    }
    note(options, io, `wrote ${plural(tree.objects, 'object')} in ${plural(tree.folders.length, 'folder')} `
      + `(${tree.folders.map((f) => f.name).join(', ')}) to ${out}\n`);
    return SYNTH_OK;
  } catch (error) {
    if (error instanceof InputError || error instanceof OutputError || error instanceof RecordError || error instanceof OutputFileError) {
      io.stderr(`cdk8s-hardened synth: ${error.message}; ${unchanged}\n`);
      return SYNTH_BAD_INPUT;
    }
    throw error;
  } finally {
    release?.();
    if (work !== undefined) {
      rmSync(work, { recursive: true, force: true });
    }
  }
}
