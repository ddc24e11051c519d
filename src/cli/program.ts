import { Command, CommanderError, Option } from 'commander';
import { InputError } from '../input/parse';
import { evaluate } from '../policy/engine';
import { rulesForProfile } from '../policy/packs';
import { Profile, PROFILES } from '../policy/rule';
import { formatJson } from '../report/json';
import { summarize } from '../report/summary';
import { formatText } from '../report/text';
import { loadManifests } from './inputs';

/** What the CLI touches of the outside world, so tests can run it in-process. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  readStdin(): string;
  readonly stdoutIsTTY: boolean;
}

/** Exit codes CI can gate on. */
export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_BAD_INPUT = 2;

const FORMATS = ['text', 'json'] as const;
type Format = (typeof FORMATS)[number];

/** Runs the `cdk8s-hardened` command line; resolves to the exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let exitCode = EXIT_OK;
  const program = new Command('cdk8s-hardened')
    .description('Hardened cdk8s constructs and a Kubernetes 1.28 policy engine: prove manifests secure before they ship.')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });

  program.command('check')
    .description('check Kubernetes YAML/JSON files and folders (multi-document; "-" reads stdin)')
    .argument('<paths...>', 'files, folders (searched for .yaml, .yml, .json) or - for stdin')
    .addOption(new Option('--profile <profile>', 'rule pack').choices(PROFILES.filter((p) => p !== 'schema')).default('hardened'))
    .addOption(new Option('--format <format>', 'report format').choices(FORMATS).default('text'))
    .action((paths: string[], opts: { profile: Profile; format: Format }) => {
      const manifests = loadManifests(paths, io.readStdin);
      const findings = evaluate(manifests, rulesForProfile(opts.profile));
      const report = { findings, summary: summarize(findings, manifests.length, opts.profile) };
      io.stdout(opts.format === 'json' ? formatJson(report) : formatText(report, { color: io.stdoutIsTTY }));
      exitCode = report.summary.passed ? EXIT_OK : EXIT_FINDINGS;
    });

  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version exit 0; usage errors were already printed by commander.
      return error.exitCode === 0 ? EXIT_OK : EXIT_BAD_INPUT;
    }
    if (error instanceof InputError) {
      io.stderr(`cdk8s-hardened: ${error.message}\n`);
      return EXIT_BAD_INPUT;
    }
    throw error;
  }
  return exitCode;
}
