import { spawnSync } from 'child_process';
import { Command, Option } from 'commander';
import { AUDITED_KINDS, KubectlTarget, kubectlConnectionArgs, kubectlGetArgs } from '../audit/kinds';
import { liveObjects, ownedNotice } from '../audit/live';
import { CONFIG_FILE as CONFIG_FILE_NAME } from '../config/config';
import { loadConfig } from '../config/config-file';
import { escapeControls, InputError } from '../input/parse';
import { Manifest } from '../policy/rule';
import { Profile } from '../policy/rule';
import { judgeInputs } from './check';
import type { CliIo } from './common';
import { CHECK_FORMATS, CheckFormat, FAIL_ON, FailOn } from './render';

/** kubectl's output is read into memory; a cluster whose listing exceeds this is refused rather than truncated. */
export const MAX_KUBECTL_OUTPUT_BYTES = 1024 * 1024 * 1024;

/** What `cdk8s-hardened audit` takes. */
export interface AuditOptions extends KubectlTarget {
  readonly profile?: Profile;
  readonly format?: CheckFormat;
  readonly output?: string;
  readonly failOn?: FailOn;
  readonly config?: string;
  readonly quiet?: boolean;
  readonly includeOwned?: boolean;
  readonly scan: readonly string[];
  readonly scanSeverity?: string;
  readonly ignoreUnfixed?: boolean;
  readonly crd?: readonly string[];
}

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function kubectl(args: readonly string[], io: CliIo): Run {
  const result = spawnSync('kubectl', [...args], {
    encoding: 'utf8',
    env: { ...(io.env ?? process.env) },
    maxBuffer: MAX_KUBECTL_OUTPUT_BYTES,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (result.error) {
    const code = (result.error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new InputError('kubectl not found on PATH: audit reads the cluster with kubectl get; install kubectl (1.28) or put it on PATH');
    }
    if (code === 'ENOBUFS') {
      throw new InputError(`kubectl get printed more than ${MAX_KUBECTL_OUTPUT_BYTES / 1024 / 1024} MiB; audit one namespace at a time with --namespace`);
    }
    throw new InputError(`kubectl could not be run (${code ?? result.error.message})`);
  }
  return { status: result.status, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
}

/** kubectl's own error, one line: its last line that says something (kubectl ends with the reason). */
function reason(stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.trim()).filter((l) => l && !/^Warning:/.test(l));
  return escapeControls(lines.length ? lines[lines.length - 1] : 'no error message');
}

/** The items of the List `kubectl get --output json` prints. */
function listItems(stdout: string): Manifest[] {
  let list: unknown;
  try {
    list = JSON.parse(stdout);
  } catch (error) {
    throw new InputError(`kubectl get output: not JSON (${(error as Error).message}); is "kubectl" on PATH really kubectl?`);
  }
  const items = typeof list === 'object' && list !== null ? (list as { kind?: unknown; items?: unknown }) : {};
  if (items.kind !== 'List' || !Array.isArray(items.items)) {
    throw new InputError('kubectl get output: not the List that kubectl get --output json prints; is "kubectl" on PATH really kubectl?');
  }
  return items.items.map((object) => ({ object }));
}

/** The context the audit reads: `--context`, else the kubeconfig's current one, else in-cluster or unknown. */
function contextName(target: KubectlTarget, io: CliIo): string {
  if (target.context !== undefined) {
    return target.context;
  }
  const current = kubectl([...kubectlConnectionArgs({ kubeconfig: target.kubeconfig }), 'config', 'current-context'], io);
  const name = current.status === 0 ? current.stdout.trim() : '';
  if (name) {
    return name;
  }
  // In a pod kubectl uses the ServiceAccount's credentials and has no kubeconfig context.
  return (io.env ?? process.env).KUBERNETES_SERVICE_HOST ? 'in-cluster' : 'no-context';
}

/**
 * `cdk8s-hardened audit`: reads every kind of AUDITED_KINDS from the cluster with one `kubectl get -o json` and
 * judges the objects as `check` judges files (see liveObjects for what is removed or left out, and why).
 */
export function runAudit(options: AuditOptions, io: CliIo): number {
  const cwd = io.cwd ?? process.cwd();
  const config = loadConfig({ file: options.config, cwd });
  const context = contextName(options, io);
  const source = `cluster:${context}${options.namespace !== undefined ? `/${options.namespace}` : ''}`;
  return judgeInputs(() => {
    const got = kubectl(kubectlGetArgs(options), io);
    if (got.status !== 0) {
      throw new InputError(`kubectl get failed in context "${escapeControls(context)}" (exit ${got.status ?? 'by signal'}): ${reason(got.stderr)}`);
    }
    if (!options.quiet) {
      for (const line of got.stderr.split('\n').map((l) => l.trim()).filter(Boolean)) {
        io.stderr(`cdk8s-hardened: kubectl: ${escapeControls(line)}\n`);
      }
    }
    const read = listItems(got.stdout);
    const live = liveObjects(read, { namespace: options.namespace, includeOwned: options.includeOwned, origin: { file: source } });
    const notice = ownedNotice(live.owned, live.differing);
    if (notice && !options.quiet) {
      io.stderr(`cdk8s-hardened: ${notice}\n`);
    }
    if (live.manifests.length === 0) {
      throw new InputError(`${source}: kubectl get returned no ${AUDITED_KINDS.map((k) => k.kind).join(', ')}`
        + `${options.namespace !== undefined ? ` (does namespace "${escapeControls(options.namespace)}" exist?)` : ''}`);
    }
    return { manifests: live.manifests, files: [source], skipped: [] };
  }, source, {
    profile: options.profile,
    format: options.format,
    output: options.output,
    failOn: options.failOn,
    crds: options.crd,
    config,
    cwd,
    quiet: options.quiet,
    now: (io.now ?? (() => new Date()))(),
    scan: options.scan,
    scanSeverity: options.scanSeverity,
    ignoreUnfixed: options.ignoreUnfixed,
  }, io);
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** Adds `audit` to the program; `done` receives the exit code. */
export function addAuditCommand(program: Command, io: CliIo, profile: (description: string) => Option, done: (code: number) => void): void {
  program.command('audit')
    .description('read what runs in a cluster (kubectl get, every namespace) and judge it as check judges files')
    .option('--context <name>', 'the kubeconfig context to read (default: the current context)')
    .option('--kubeconfig <file>', 'the kubeconfig file (default: kubectl\'s: $KUBECONFIG, ~/.kube/config or in-cluster)')
    .option('-n, --namespace <name>', 'read only this namespace (and the cluster-scoped RBAC); default: every namespace')
    .option('--request-timeout <duration>', 'kubectl\'s --request-timeout for the read, e.g. 60s', '60s')
    .option('--include-owned', 'also judge Pods, ReplicaSets and Jobs whose controller is judged (by default they are left out, with a notice, unless they differ from its pod template)')
    .addOption(profile('rule pack (default: the configuration\'s, else hardened)'))
    .addOption(new Option('--format <format>', 'report format').choices(CHECK_FORMATS).default('text'))
    .option('-o, --output <file>', 'write the report to this file (atomically) instead of stdout')
    .addOption(new Option('--fail-on <severity>', 'lowest severity that fails the run (exit 1; default: the configuration\'s, else error)').choices(FAIL_ON))
    .option('--crd <file...>', 'CustomResourceDefinition files whose schemas custom resources are validated against')
    .option('--config <file>', `the configuration file (default: ${CONFIG_FILE_NAME} in the working directory or the nearest folder above)`)
    .option('-q, --quiet', 'the text report lists only errors, and notices are not printed')
    .option('--scan <report>', 'a Trivy JSON report of an image that runs (repeatable): its vulnerabilities are findings', collect, [])
    .option('--scan-severity <severity>', 'severities the scan gate fails on: one (and above) or a comma-separated list (default HIGH)')
    .option('--ignore-unfixed', 'scan gate: skip vulnerabilities that have no fixed version')
    .action((opts: AuditOptions) => {
      done(runAudit(opts, io));
    });
}
