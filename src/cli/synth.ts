/**
 * `synth` in three parts: launching the app (synth-launch.ts), collecting the objects it synthesized from the record
 * of its construct tree (recorder.ts), and reporting (synth-report.ts); this file runs them in order, judges the
 * objects and writes the GitOps tree.
 */
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'path';
import { InputError } from '../input/parse';
import { acquireOutputLock, checkReplaceable, OutputError, recoverInterruptedReplace } from '../output/atomic';
import { GitOpsLayout, planGitOpsTree, writePlannedTree } from '../output/tree';
import { CONFIG_ENV, configuredRules, exemptionSuppressions, suppressionPolicy } from '../config/config';
import { LoadedConfig } from '../config/config-file';
import { evaluateRun, rulesForProfile } from '../catalogue';
import { Profile } from '../policy/rule';
import { checkedObjects, Report, summarize } from '../report/summary';
import { EXIT_BAD_INPUT, EXIT_FINDINGS, EXIT_OK, OutputFileError } from './common';
import { CheckFormat } from './render';
import { groupsFromRecord, readRecord, RecordError, recorderSource } from './recorder';
import { Launch, LaunchError, resolveLaunch, runApp } from './synth-launch';
import { appErrorLines, appNotes, emitReport, failingCount, isConstructionRefusal, isValidationFailure, note, plural, SynthIo } from './synth-report';

export { SynthIo };

/** The real path of `path`, or of its nearest existing folder with the rest appended (symbolic links resolved). */
function realish(path: string): string {
  const rest: string[] = [];
  for (let p = path; ; p = dirname(p)) {
    try {
      return join(realpathSync(p), ...rest.reverse());
    } catch {
      if (dirname(p) === p) {
        return path;
      }
      rest.push(basename(p));
    }
  }
}

/** Whether `path` is `dir` or inside it, as written or once symbolic links are resolved. */
function isWithin(dir: string, path: string): boolean {
  return [[dir, path], [realish(dir), realish(path)]].some(([d, p]) => {
    const rel = relative(d, p);
    return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
  });
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
    if (error instanceof LaunchError) {
      io.stderr(`cdk8s-hardened synth: ${error.message}\n`);
      return EXIT_BAD_INPUT;
    }
    throw error;
  }
  const out = options.out ?? (launch.output !== undefined ? relative(cwd, launch.output) || '.' : 'dist');
  const outDir = resolve(cwd, out);
  const unchanged = `nothing written to ${out}`;
  if (options.report !== undefined && isWithin(outDir, resolve(cwd, options.report))) {
    // The tree is replaced as a whole: a report inside it would be deleted by this run or the next.
    io.stderr(`cdk8s-hardened synth: --report ${options.report} is inside the output folder ${out}, which synth replaces as a whole; `
      + `write the report outside it; ${unchanged}\n`);
    return EXIT_BAD_INPUT;
  }

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
    if (!run.spawnError && run.code === 0) {
      // A passing app's warnings (deprecations, its own notes) are the user's to see; a failing app's are summed up below.
      const notes = appNotes(run.stderr);
      if (notes !== '') {
        io.stderr(notes);
      }
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
          return EXIT_FINDINGS;
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
      return validation || insecure ? EXIT_FINDINGS : EXIT_BAD_INPUT;
    }

    for (const app of record?.apps ?? []) {
      if (app.ok && typeof app.outdir === 'string' && resolve(launch.cwd, app.outdir) !== appOut) {
        io.stderr(`cdk8s-hardened synth: note: the app sets App({ outdir: ${JSON.stringify(app.outdir)} }); under synth its YAML goes only to `
          + `${out}, after it is judged (cdk8s synth still writes to ${app.outdir})\n`);
      }
    }
    const groups = record ? groupsFromRecord(record) : [];
    const manifests = groups.flatMap((g) => g.objects);
    if (manifests.length === 0) {
      io.stderr(`cdk8s-hardened synth: the app ${launch.display} synthesized no Kubernetes objects; make sure it builds its charts with cdk8s `
        + `and calls app.synth(); ${unchanged}\n`);
      return EXIT_BAD_INPUT;
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
      return EXIT_FINDINGS;
    }

    // The tree is planned and held to the judgement before anything replaces the previous one: its objects are the
    // objects judged (planGitOpsTree refuses collisions, so the count cannot differ; if it ever did, nothing is
    // written), and its files read back, byte for byte, as planned before the previous tree is moved aside.
    const tree = planGitOpsTree(groups, { layout: options.layout ?? 'chart' });
    if (tree.objects !== manifests.length) {
      throw new OutputError(`${out}: ${tree.objects} objects would be written for ${manifests.length} judged`);
    }
    writePlannedTree(tree, outDir, out);
    note(options, io, `wrote ${plural(tree.objects, 'object')} in ${plural(tree.folders.length, 'folder')} `
      + `(${tree.folders.map((f) => f.name).join(', ')}) to ${out}\n`);
    return EXIT_OK;
  } catch (error) {
    if (error instanceof InputError || error instanceof OutputError || error instanceof RecordError || error instanceof OutputFileError) {
      io.stderr(`cdk8s-hardened synth: ${error.message}; ${unchanged}\n`);
      return EXIT_BAD_INPUT;
    }
    throw error;
  } finally {
    release?.();
    if (work !== undefined) {
      rmSync(work, { recursive: true, force: true });
    }
  }
}
