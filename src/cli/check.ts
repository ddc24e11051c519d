import { exemptionSuppressions, suppressionPolicy } from '../config/config';
import { LoadedConfig } from '../config/config-file';
import { evaluateRun } from '../catalogue';
import { Evaluation, EvaluateOptions } from '../policy/engine';
import { CrdError } from '../schema';
import { Manifest, Profile, Rule } from '../policy/rule';
import { checkedObjects, Report, summarize } from '../report/summary';
import { formatText } from '../report/text';
import { decodeManifestBytes, escapeControls, InputError } from '../input/parse';
import { ScanGate } from '../policy/container-model';
import { readTrivyReports, scanSeverities } from '../container/trivy';
import { CollectedInputs, collectInputs, ExcludeGlobs, LoadedInputs, loadInputs, pathFilter, readManifestFile, resolveInputs } from './inputs';
import { checkInParallel, threadsFor } from './parallel';
import { readYamlChunks } from '../input/read';
import { CliIo, EXIT_FINDINGS, EXIT_OK, Progress, UsageError, useColor, writeFileAtomically } from './common';
import { CheckFormat, FailOn, renderReport } from './render';
import { checkRules } from './rule-set';

/** Progress is shown (on a TTY stderr) for more objects or files than this. */
export const PROGRESS_MIN_OBJECTS = 200;
export const PROGRESS_MIN_FILES = 20;

/** Wraps rules so each call reports progress; the findings are exactly those of the rules themselves. */
function counted(rules: readonly Rule[], objects: number, tick: (n: number) => void): Rule[] {
  const count = (rule: Rule): Rule => {
    if (rule.scope === 'set') {
      return Object.create(rule, { checkSet: { value: (...args: Parameters<typeof rule.checkSet>) => { tick(objects); return rule.checkSet(...args); } } });
    }
    const forSet = rule.forSet;
    return Object.create(rule, {
      check: { value: (target: Parameters<typeof rule.check>[0]) => { tick(1); return rule.check(target); } },
      ...(forSet ? { forSet: { value: (...args: Parameters<typeof forSet>) => count(forSet.apply(rule, args)) } } : {}),
    });
  };
  return rules.map(count);
}

export interface CheckOptions {
  /** @default 'hardened' */
  readonly profile?: Profile;
  /** @default 'text' */
  readonly format?: CheckFormat;
  /** Write the report to this file (atomically) instead of stdout. */
  readonly output?: string;
  /** @default 'error' */
  readonly failOn?: FailOn;
  /** @default MAX_FILE_BYTES */
  readonly maxFileBytes?: number;
  /** The folder SARIF file URIs are relative to. @default process.cwd() */
  readonly baseDir?: string;
  /** CustomResourceDefinition files: custom resources are schema-checked against them. */
  readonly crds?: readonly string[];
  /** Pass when the inputs hold no object (by default an error: a renderer that failed silently). */
  readonly allowEmpty?: boolean;
  /** The configuration (`.cdk8s-hardened.yaml`); the options given here win over its profile and failOn. */
  readonly config?: LoadedConfig;
  /** Globs (relative to `cwd`) of files and folders not to read, beside the configuration's ignorePaths. */
  readonly exclude?: readonly string[];
  /** The folder `exclude` globs are relative to. @default process.cwd() */
  readonly cwd?: string;
  /** Refuse files that are YAML but not Kubernetes objects instead of skipping them. */
  readonly strictInputs?: boolean;
  /** The text report lists only errors, and skipped files get no notice. */
  readonly quiet?: boolean;
  /** Today, for suppression expiry. @default new Date() */
  readonly now?: Date;
  /** Trivy JSON reports (SchemaVersion 2) to gate the checked images on. */
  readonly scan?: readonly string[];
  /** The severities that fail the scan gate: one name (and above) or a comma-separated list. @default 'HIGH' */
  readonly scanSeverity?: string;
  /** Skip vulnerabilities without a fixed version. */
  readonly ignoreUnfixed?: boolean;
  /** PodSecurityPolicy files: the controls migrate-psp carries over from them are judged too (psp-* rules). */
  readonly psp?: readonly string[];
  /**
   * Threads that read and judge (1: this thread only). The report is the same for any number.
   * @default - one per two cores (at most MAX_JOBS) from PARALLEL_MIN_DOCUMENTS YAML documents on, else 1 (parallel.ts)
   */
  readonly jobs?: number;
}

/** Reads the `--scan` reports into the scan gate; a bad report is an InputError, a bad option a UsageError. */
export function loadScanGate(options: Pick<CheckOptions, 'scan' | 'scanSeverity' | 'ignoreUnfixed' | 'maxFileBytes'>): ScanGate | undefined {
  if (!options.scan?.length) {
    if (options.scanSeverity !== undefined || options.ignoreUnfixed) {
      throw new UsageError(`${options.scanSeverity !== undefined ? '--scan-severity' : '--ignore-unfixed'} needs --scan REPORT.json (a Trivy JSON report)`);
    }
    return undefined;
  }
  const severities = scanSeverities(options.scanSeverity ?? 'HIGH');
  if (!severities) {
    throw new UsageError(`--scan-severity: unknown severity "${options.scanSeverity}"; use UNKNOWN, LOW, MEDIUM, HIGH or CRITICAL (or a comma-separated list)`);
  }
  const reports = options.scan.flatMap((file) => readTrivyReports(decodeManifestBytes(readManifestFile(file, options.maxFileBytes), file), file));
  return { reports, severities, ignoreUnfixed: Boolean(options.ignoreUnfixed) };
}

/**
 * The objects of the `--crd` files (read as any input is; a bundle may hold the operator's other objects too). A file
 * that holds no CustomResourceDefinition is a mistake (most often a path meant for checking): refused, naming what it holds.
 */
function loadCrds(files: readonly string[] | undefined, io: CliIo): unknown[] {
  return (files ?? []).flatMap((file) => {
    const objects = loadInputs([file], io.readStdin, { strictInputs: true }).manifests.map((m) => m.object);
    if (!objects.some((o) => (o as { kind?: unknown }).kind === 'CustomResourceDefinition')) {
      const kinds = [...new Set(objects.map((o) => String((o as { kind?: unknown }).kind)))];
      const held = kinds.length === 0 ? 'no Kubernetes object' : kinds.length > 3 ? `${kinds.slice(0, 3).join(', ')}, ...` : kinds.join(', ');
      throw new UsageError(`--crd ${file}: not a CustomResourceDefinition file (it holds ${held}); `
        + 'give --crd the file that defines the custom kinds, and the files to check as paths');
    }
    return objects;
  });
}

/**
 * The PodSecurityPolicies of the `--psp` files, checked as migrate-psp checks them (a bad one is an InputError), as
 * plain objects with their file and line: what checkRules (on this thread and the workers) derives psp-* rules from.
 * Loaded on demand: most runs give none.
 */
function loadPsps(files: readonly string[] | undefined, io: CliIo): Manifest[] {
  if (!files || files.length === 0) {
    return [];
  }
  const { migrationsOf } = require('./migrate-psp') as typeof import('./migrate-psp');
  const inputs = loadInputs(files, io.readStdin, { strictInputs: true });
  if (inputs.manifests.length === 0) {
    throw new InputError(`--psp ${inputs.files.join(', ') || files.join(', ')}: no PodSecurityPolicy objects`);
  }
  if (inputs.manifests.length > 1) {
    // A PSP admitted a pod when any one PSP it could use allowed it; judging against all at once would ask every pod
    // to pass every PSP's controls (and their rule ids would collide).
    throw new UsageError(`--psp ${inputs.files.join(', ')}: ${inputs.manifests.length} PodSecurityPolicies; check judges against one at a time `
      + '(run check once per PSP, on the namespaces that used it)');
  }
  migrationsOf(inputs.manifests);
  return inputs.manifests.map((m) => ({
    object: m.object,
    ...(m.origin ? { origin: { ...(m.origin.file !== undefined ? { file: m.origin.file } : {}), ...(m.origin.line !== undefined ? { line: m.origin.line } : {}) } } : {}),
  }));
}

/**
 * `cdk8s-hardened check`: reads the files, folders and stdin given, judges every object with the profile's
 * rules and writes the report to stdout (or `--output`). Returns the exit code; throws InputError,
 * UsageError or OutputFileError for the caller to report in one line.
 */
export function runCheck(paths: readonly string[], options: CheckOptions, io: CliIo): number {
  const config = options.config?.config;
  const excludes: ExcludeGlobs[] = [
    ...(options.exclude?.length ? [{ globs: options.exclude, baseDir: options.cwd ?? process.cwd(), source: '--exclude' }] : []),
    ...(config?.ignorePaths?.length ? [{ globs: config.ignorePaths, baseDir: options.config!.baseDir, source: `${config.file} ignorePaths` }] : []),
  ];
  const exclude = pathFilter(excludes);
  return judgeInputs((progress) => collectInputs(paths, io.readStdin, {
    maxFileBytes: options.maxFileBytes,
    exclude,
    strictInputs: options.strictInputs,
    onFile: (index, total) => {
      if (total > PROGRESS_MIN_FILES) {
        progress.update(`reading ${total} files`, index, total);
      }
    },
  }), paths.join(', '), options, io);
}

/** What `check` judges: the objects read, the files they came from and the files skipped. */
export interface CheckInputs {
  readonly manifests: readonly Manifest[];
  readonly files: readonly string[];
  readonly skipped: ReadonlyArray<{ readonly file: string; readonly reason: string }>;
}

/**
 * Judges the objects `load` returns (or, for check's files, collects: then the documents of large YAML streams are
 * read and judged on several threads, see parallel.ts) and writes the report as `check` does (formats, profiles, configuration,
 * suppressions, scan gate, exit code); `check` reads files, `audit` a cluster. `what` names the input when there
 * is no file to name (the "no Kubernetes objects" error).
 */
export function judgeInputs(load: (progress: Progress) => CheckInputs | CollectedInputs, what: string, options: CheckOptions, io: CliIo): number {
  const config = options.config?.config;
  const profile = options.profile ?? config?.profile ?? 'hardened';
  const format = options.format ?? 'text';
  const failOn = options.failOn ?? config?.failOn ?? 'error';
  const env = io.env ?? process.env;
  const progress = new Progress(io, Boolean(io.stderrIsTTY));
  let report: Report;
  let rules: Rule[];
  try {
    const scan = loadScanGate(options);
    const loaded = load(progress);
    // Objects read already (audit) are one part; check's files come collected, their YAML documents still to read.
    const collected: CollectedInputs = 'parts' in loaded ? loaded
      : { files: loaded.files, parts: [...loaded.skipped.map((skipped) => ({ skipped })), { manifests: loaded.manifests }] };
    // A bad --crd file is reported after the inputs (a bad input, empty input), as the rules come after them.
    let crds: unknown[] = [];
    let psps: Manifest[] = [];
    let rulesError: unknown;
    try {
      crds = loadCrds(options.crds, io);
      psps = loadPsps(options.psp, io);
      rules = checkRules(profile, config, crds, psps);
    } catch (error) {
      rulesError = error instanceof CrdError ? new UsageError(`--crd: ${error.message}`) : error;
      rules = [];
    }
    const evaluateOptions: EvaluateOptions = {
      crds,
      exemptions: exemptionSuppressions(config),
      suppressionPolicy: suppressionPolicy(config, options.now ?? new Date()),
      ...(scan ? { scan } : {}),
    };
    const threads = rulesError === undefined ? threadsFor(collected, rules, options.jobs) : 1;
    let inputs: LoadedInputs;
    let evaluation: Evaluation | undefined;
    if (threads > 1) {
      progress.clear();
      ({ inputs, evaluation } = checkInParallel(collected, threads, rules, {
        profile, config, crds, now: (options.now ?? new Date()).getTime(), ...(scan ? { scan } : {}), ...(psps.length ? { psps } : {}),
      }, evaluateOptions));
    } else {
      inputs = resolveInputs(collected, (pending) => [readYamlChunks(pending.stream)]);
    }
    const manifests = inputs.manifests;
    progress.clear();
    if (!options.quiet) {
      for (const skip of inputs.skipped) {
        io.stderr(`cdk8s-hardened: skipped ${escapeControls(skip.file)}, not Kubernetes objects (${escapeControls(skip.reason)}); --strict-inputs refuses such files\n`);
      }
    }
    if (manifests.length === 0 && !options.allowEmpty) {
      const skipped = inputs.skipped.length ? ` (${inputs.skipped.length} of them skipped: YAML or JSON that is not Kubernetes objects)` : '';
      throw new InputError(`${inputs.files.join(', ') || what}: no Kubernetes objects${skipped} (empty input most often means a renderer failed; `
        + 'pass --allow-empty if nothing is expected)');
    }
    if (rulesError !== undefined) {
      throw rulesError;
    }
    if (!evaluation) {
      let judged = rules;
      if (io.stderrIsTTY && (manifests.length > PROGRESS_MIN_OBJECTS || inputs.files.length > PROGRESS_MIN_FILES)) {
        const total = rules.length * manifests.length;
        let done = 0;
        judged = counted(rules, manifests.length, (n) => {
          done += n;
          progress.update(`checking ${manifests.length} objects`, done, total);
        });
      }
      evaluation = evaluateRun(manifests, judged, evaluateOptions);
    }
    const { findings, suppressions } = evaluation;
    report = {
      findings,
      summary: summarize(findings, manifests.length, profile, failOn),
      objects: checkedObjects(manifests),
      files: inputs.files,
      skipped: inputs.skipped,
      suppressions,
    };
  } finally {
    progress.clear();
  }

  if (options.output !== undefined) {
    writeFileAtomically(options.output, renderReport(report, format, rules, { color: false, baseDir: options.baseDir, quiet: options.quiet }));
    const summary = formatText({ findings: [], summary: report.summary, files: report.files, skipped: report.skipped }, { color: useColor(io.stderrIsTTY, env) }).trimEnd();
    io.stderr(`${summary}; ${format} report written to ${options.output}\n`);
  } else {
    io.stdout(renderReport(report, format, rules, { color: useColor(io.stdoutIsTTY, env), baseDir: options.baseDir, quiet: options.quiet }));
  }
  return report.summary.passed ? EXIT_OK : EXIT_FINDINGS;
}
