import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { escapeControls, InputError } from '../input/parse';
import { UnknownProfileError } from '../policy/packs';
import { Profile, PROFILES } from '../policy/rule';
import { KUBERNETES_VERSION } from '../version';
import { runCheck } from './check';
import { CliIo, EXIT_BAD_INPUT, EXIT_FINDINGS, EXIT_OK, OutputFileError, toolVersion, UsageError } from './common';
import { CHECK_FORMATS, CheckFormat, FAIL_ON, FailOn } from './render';
import { RULES_FORMATS, RulesFormat, runRules } from './rules';
import { addAuditCommand } from './audit';
import { addCiCommand } from './ci';
import { loadConfig } from '../config/config-file';
import { CONFIG_FILE as CONFIG_FILE_NAME } from '../config/config';
import { MAX_JOBS, PARALLEL_MIN_DOCUMENTS } from './parallel';

export { CliIo, EXIT_BAD_INPUT, EXIT_FINDINGS, EXIT_OK };

/** `--jobs`: a whole number of threads, 1 to MAX_JOBS. */
function jobsValue(value: string): number {
  const n = /^[0-9]+$/.test(value) ? Number(value) : NaN;
  if (!(n >= 1 && n <= MAX_JOBS)) {
    throw new InvalidArgumentError(`give a whole number of threads from 1 to ${MAX_JOBS}`);
  }
  return n;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/**
 * `--profile`: the allowed profiles in the help text, and an unknown one refused with "did you mean" (commander's
 * own choice check lists the choices but guesses none).
 */
function profileOption(description: string, allowed: readonly Profile[] = PROFILES): Option {
  return new Option('--profile <profile>', description).choices(allowed).argParser((value: string) => {
    if (!(allowed as readonly string[]).includes(value)) {
      const guess = /\(did you mean ([^?]+)\?\)/.exec(new UnknownProfileError(value).message)?.[1];
      const meant = guess !== undefined && (allowed as readonly string[]).includes(guess) ? ` (unknown profile "${value}": did you mean ${guess}?)` : '';
      throw new InvalidArgumentError(`Allowed choices are ${allowed.join(', ')}.${meant}`);
    }
    return value;
  });
}

/** Runs the `cdk8s-hardened` command line; resolves to the exit code (0 pass, 1 failing findings, 2 bad input or usage). */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let exitCode = EXIT_OK;
  const program = new Command('cdk8s-hardened')
    .description('Hardened cdk8s constructs and a Kubernetes 1.28 policy engine: prove manifests secure before they ship.')
    .version(toolVersion(), '-V, --version')
    .exitOverride()
    .configureOutput({
      writeOut: io.stdout,
      writeErr: io.stderr,
      // Error lines name what the user typed: no control character of it reaches the terminal raw.
      outputError: (text, write) => write(`${escapeControls(text.replace(/\n$/, ''))}\n`),
    })
    .showSuggestionAfterError(true)
    .addHelpText('after', '\nExit codes: 0 no failing finding, 1 failing findings, 2 bad input or usage.');

  program.command('check')
    .description('check Kubernetes YAML/JSON files and folders (multi-document; "-" reads stdin)')
    .argument('<paths...>', 'files, folders (searched recursively for .yaml, .yml, .json) or - for stdin')
    .addOption(profileOption('rule pack (default: the configuration\'s, else hardened)'))
    .addOption(new Option('--format <format>', 'report format').choices(CHECK_FORMATS).default('text'))
    .option('-o, --output <file>', 'write the report to this file (atomically) instead of stdout')
    .addOption(new Option('--fail-on <severity>', 'lowest severity that fails the run (exit 1; default: the configuration\'s, else error)').choices(FAIL_ON))
    // Repeatable rather than variadic: `--crd a.yaml dir/` must not read dir/ as CRDs.
    .option('--crd <file>', 'a file of CustomResourceDefinitions whose schemas custom resources are validated against (repeat for more)', collect, [])
    .option('--allow-empty', 'pass when the inputs hold no Kubernetes object (by default that is an error: a renderer that failed silently)')
    .option('--config <file>', `the configuration file (default: ${CONFIG_FILE_NAME} in the working directory or the nearest folder above)`)
    .option('--exclude <glob>', 'skip files and folders matching this glob, relative to the working directory (repeatable)', collect, [])
    .option('--strict-inputs', 'refuse YAML and JSON files that are not Kubernetes objects (by default each is skipped with a notice)')
    .option('-q, --quiet', 'the text report lists only errors, and skipped files get no notice (counts stay complete)')
    // Repeatable rather than variadic: a variadic option before the paths would swallow them.
    .option('--scan <report>', 'a Trivy JSON report (trivy image --format json; repeat for more): vulnerabilities of the images the inputs run are findings',
      collect, [])
    .option('--scan-severity <severity>', 'severities the scan gate fails on: one (and above) or a comma-separated list (default HIGH)')
    .option('--ignore-unfixed', 'scan gate: skip vulnerabilities that have no fixed version')
    .option('--psp <file>', 'a PodSecurityPolicy file (repeatable): also judge the controls migrate-psp carries over from it', collect, [])
    .option('-j, --jobs <n>', `threads that read and judge (default: one per two cores for ${PARALLEL_MIN_DOCUMENTS} YAML documents or more, else 1; the report is the same)`, jobsValue)
    .action((paths: string[], opts: {
      profile?: Profile; format: CheckFormat; output?: string; failOn?: FailOn; crd: string[]; allowEmpty?: boolean;
      config?: string; exclude: string[]; strictInputs?: boolean; quiet?: boolean;
      scan: string[]; scanSeverity?: string; ignoreUnfixed?: boolean; jobs?: number; psp: string[];
    }) => {
      const cwd = io.cwd ?? process.cwd();
      const config = loadConfig({ file: opts.config, cwd });
      exitCode = runCheck(paths, {
        profile: opts.profile,
        format: opts.format,
        output: opts.output,
        failOn: opts.failOn,
        crds: opts.crd,
        allowEmpty: opts.allowEmpty,
        config,
        exclude: opts.exclude,
        cwd,
        strictInputs: opts.strictInputs,
        quiet: opts.quiet,
        now: (io.now ?? (() => new Date()))(),
        scan: opts.scan,
        scanSeverity: opts.scanSeverity,
        ignoreUnfixed: opts.ignoreUnfixed,
        psp: opts.psp,
        jobs: opts.jobs,
      }, io);
    });

  program.command('synth')
    .description('run a cdk8s app, judge every object it synthesizes and write a GitOps tree (nothing on failure)')
    .argument('[app-entry]', 'the app: a .ts/.js file or a project folder (default: cdk8s.yaml app, main.ts, src/main.ts, lib/main.js)')
    .option('-o, --output <dir>', 'output folder of the GitOps tree, replaced atomically and only if this tool wrote it (default: cdk8s.yaml output, else dist)')
    .option('--out <dir>', 'the same as --output')
    .addOption(profileOption('rule pack (default: the configuration\'s, else hardened)'))
    .option('--config <file>', `the configuration file (default: ${CONFIG_FILE_NAME} in the working directory or the nearest folder above)`)
    .addOption(new Option('--format <format>', 'report format').choices(CHECK_FORMATS).default('text'))
    .option('--report <file>', 'write the report to this file (atomically) instead of stdout')
    .option('--transpile-only', 'run a TypeScript app without type checking (by default a type error, such as a misspelt prop, fails synth)')
    .action(async (entry: string | undefined, opts: {
      output?: string; out?: string; profile?: Profile; config?: string; format: CheckFormat; report?: string; transpileOnly?: boolean;
    }) => {
      if (opts.output !== undefined && opts.out !== undefined && opts.output !== opts.out) {
        throw new UsageError(`synth: --output ${opts.output} and --out ${opts.out} name different folders; give one`);
      }
      const cwd = io.cwd ?? process.cwd();
      const config = loadConfig({ file: opts.config, cwd });
      // Loaded on demand: synth needs cdk8s, which check, rules and admission do not (start-up time).
      const { runSynth } = await import('./synth');
      exitCode = await runSynth({
        entry, out: opts.output ?? opts.out, profile: opts.profile, config, cwd, now: (io.now ?? (() => new Date()))(),
        format: opts.format, report: opts.report, transpileOnly: opts.transpileOnly,
      }, io);
    });

  program.command('admission')
    .description('print ValidatingAdmissionPolicy manifests that make the cluster enforce the rules of a profile')
    .addOption(profileOption('rule pack (default: the configuration\'s, else hardened)', PROFILES.filter((p) => p !== 'schema' && p !== 'container')))
    .option('--config <file>', `the configuration file whose profile, rules and exemptions the policies follow (default: ${CONFIG_FILE_NAME} found upwards)`)
    .option('--kubernetes-version <version>', 'target version: v1beta1 policies for 1.28/1.29, v1 from 1.30', KUBERNETES_VERSION)
    .option('--validation-actions <actions>', 'binding actions for error rules: Deny, Warn, Audit (comma-separated)', 'Deny')
    .option('--exclude-namespaces <names>', 'namespaces the bindings skip (comma-separated)', 'kube-system')
    .option('-o, --output <file>', 'write to this file (atomically) instead of stdout')
    .action(async (opts: { profile?: Profile; kubernetesVersion: string; validationActions: string; excludeNamespaces: string; output?: string; config?: string }) => {
      const config = loadConfig({ file: opts.config, cwd: io.cwd ?? process.cwd() });
      // Loaded on demand, as synth is: check does not need the admission generator (start-up time).
      const { runAdmission } = await import('./admission');
      exitCode = runAdmission({ ...opts, config }, io);
    });

  program.command('migrate-psp')
    .description('print what replaces each PodSecurityPolicy: its Pod Security Standards level, namespace labels, admission policies')
    .argument('<paths...>', 'files or folders of policy/v1beta1 PodSecurityPolicy objects, or - for stdin')
    .addOption(new Option('--format <format>', 'output format').choices(['yaml', 'json']).default('yaml'))
    .option('--out <dir>', 'write <psp>.yaml per PSP and migration.json into this folder (replaced atomically)')
    .addOption(new Option('--level <level>', 'a level stricter than the mapping gives').choices(['baseline', 'restricted']))
    .option('--exclude-namespaces <names>', 'namespaces the bindings skip (comma-separated)', 'kube-system')
    .action(async (paths: string[], opts: { format: 'yaml' | 'json'; out?: string; level?: string; excludeNamespaces: string }) => {
      const { runMigratePsp } = await import('./migrate-psp');
      exitCode = runMigratePsp(paths, opts, io);
    });

  program.command('rules')
    .description('list the rules (grouped by area), or explain one')
    .argument('[rule-id]', 'the rule to explain')
    .addOption(profileOption('only the rules of this pack'))
    .addOption(new Option('--format <format>', 'output format (markdown: docs/rules.md)').choices(RULES_FORMATS).default('text'))
    .option('-o, --output <file>', 'write to this file (atomically) instead of stdout')
    .action((id: string | undefined, opts: { profile?: Profile; format: RulesFormat; output?: string }) => {
      exitCode = runRules(id, opts, io);
    });

  addAuditCommand(program, io, (description) => profileOption(description), (code) => { exitCode = code; });
  addCiCommand(program, io, (code) => { exitCode = code; });
  if (io.parseOnly) {
    program.hook('preAction', () => { throw new CommanderError(EXIT_OK, 'cdk8s-hardened.parseOnly', 'parsed'); });
  }

  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version exit 0; usage errors were already printed by commander.
      return error.exitCode === 0 ? EXIT_OK : EXIT_BAD_INPUT;
    }
    if (error instanceof InputError || error instanceof UsageError || error instanceof OutputFileError) {
      io.stderr(`cdk8s-hardened: ${escapeControls(error.message)}\n`);
      return EXIT_BAD_INPUT;
    }
    return internalError(error, io);
  }
  return exitCode;
}

/**
 * A bug or an environment failure: one line (no stack trace unless CDK8S_HARDENED_DEBUG=1), exit 2.
 * A stack overflow is named as such: it means input nested beyond what a rule can walk.
 */
export function internalError(error: unknown, io: Pick<CliIo, 'stderr' | 'env'>): number {
  const env = io.env ?? process.env;
  const message = error instanceof Error ? error.message : String(error);
  const hint = error instanceof RangeError && /call stack/i.test(message)
    ? 'input nested too deeply to check'
    : `internal error: ${escapeControls(message.split('\n')[0])}`;
  if (env.CDK8S_HARDENED_DEBUG === '1' && error instanceof Error && error.stack) {
    io.stderr(`cdk8s-hardened: ${hint}\n${error.stack}\n`);
  } else {
    io.stderr(`cdk8s-hardened: ${hint} (set CDK8S_HARDENED_DEBUG=1 for details)\n`);
  }
  return EXIT_BAD_INPUT;
}
