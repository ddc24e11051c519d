import { readFileSync } from 'fs';
import { resolve } from 'path';
import { Command, Option } from 'commander';
import { CiSystem, DEFAULT_PIPELINE_FILES, DEPLOY_MODES, GENERATED_MARKER, PipelineOptionError, PipelineOptions, renderPipeline } from '../ci/pipeline';
import { PROFILES } from '../policy/rule';
import { CliIo, UsageError, writeFileAtomically } from './common';

/** The command's options: the pipeline's (PipelineOptions), with the system as a flag and the file handling. */
export interface CiCommandOptions extends Omit<PipelineOptions, 'system' | 'images'> {
  readonly github?: boolean;
  readonly gitlab?: boolean;
  readonly force?: boolean;
  readonly image: readonly string[];
}

/** The first line of `file`, or undefined when there is no such file. */
function firstLine(file: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return undefined;
    }
    throw new UsageError(`${file}: cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  return text.split('\n', 1)[0];
}

/**
 * `cdk8s-hardened ci --github | --gitlab`: writes the pipeline (to `--out`, else the system's default path, `-` for
 * stdout). A file that exists and was not written by `ci` (its first line is not the marker) is replaced only with
 * `--force`.
 */
export function runCi(opts: CiCommandOptions, io: CliIo): number {
  if (Boolean(opts.github) === Boolean(opts.gitlab)) {
    throw new UsageError('ci: give exactly one of --github and --gitlab');
  }
  const system: CiSystem = opts.github ? 'github' : 'gitlab';
  let text: string;
  try {
    const { github: _github, gitlab: _gitlab, force: _force, image, out: file, ...pipeline } = opts;
    text = renderPipeline({
      ...pipeline,
      system,
      images: image,
      ignoreUnfixed: Boolean(opts.ignoreUnfixed),
      // stdout has no file for the header's regenerate command to name.
      ...(file !== undefined && file !== '-' ? { out: file } : {}),
    });
  } catch (error) {
    if (error instanceof PipelineOptionError) {
      throw new UsageError(error.message);
    }
    throw error;
  }
  const out = opts.out ?? DEFAULT_PIPELINE_FILES[system];
  if (out === '-') {
    io.stdout(text);
    return 0;
  }
  const file = resolve(io.cwd ?? process.cwd(), out);
  const existing = firstLine(file);
  if (existing !== undefined && !existing.startsWith(GENERATED_MARKER) && !opts.force) {
    throw new UsageError(`${out} exists and was not written by cdk8s-hardened ci; pass --force to replace it, or --out another file`);
  }
  writeFileAtomically(file, text);
  io.stderr(`cdk8s-hardened: ${system === 'github' ? 'GitHub Actions workflow' : 'GitLab CI pipeline'} written to ${out}\n`);
  return 0;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** Adds `ci` to the program; `done` receives the exit code. */
export function addCiCommand(program: Command, io: CliIo, done: (code: number) => void): void {
  program.command('ci')
    .description('write the CI pipeline for this tool: install, synth, Trivy image scan, check (SARIF / JUnit report), deploy')
    .option('--github', `a GitHub Actions workflow (default file ${DEFAULT_PIPELINE_FILES.github})`)
    .option('--gitlab', `a GitLab CI pipeline (default file ${DEFAULT_PIPELINE_FILES.gitlab})`)
    .option('--out <file>', 'the file to write (- for stdout; default: the system\'s)')
    .option('--force', 'replace a file that cdk8s-hardened ci did not write')
    .option('--app <entry>', 'the cdk8s app synth runs (default: synth\'s lookup: cdk8s.yaml, main.ts, ...)')
    .option('--out-dir <dir>', 'the folder synth writes and check reads (default dist)')
    .addOption(new Option('--profile <profile>', 'rule pack of synth and check (default: the configuration\'s, else hardened)').choices(PROFILES))
    .option('--image <ref>', 'an image the app runs, scanned with Trivy and gated by check --scan (repeat for each; at least one)', collect, [])
    .option('--scan-severity <severity>', 'check --scan-severity (default HIGH)')
    .option('--ignore-unfixed', 'check --ignore-unfixed: vulnerabilities without a fixed version do not fail')
    .addOption(new Option('--deploy <how>', 'deploy with kubectl apply -k, an Argo CD sync, or not at all (default kubectl)').choices(DEPLOY_MODES))
    .option('--argocd-app <name>', 'the Argo CD Application to sync (--deploy argocd)')
    .option('--branch <name>', 'the branch that deploys (GitHub; GitLab deploys the default branch; default main)')
    .option('--node-version <version>', 'Node.js version of the jobs (default 20)')
    .option('--trivy-version <version>', 'aquasec/trivy image tag (default 0.58.1)')
    .option('--kubectl-image <image>', 'image with kubectl for GitLab\'s deploy job (default bitnami/kubectl:1.28)')
    .option('--argocd-image <image>', 'Argo CD CLI image (default quay.io/argoproj/argocd:v2.13.2)')
    .action((opts: CiCommandOptions) => {
      done(runCi(opts, io));
    });
}
