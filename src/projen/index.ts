/**
 * `cdk8s-hardened/projen`: a projen component for cdk8s app projects (`cdk8s.Cdk8sTypeScriptApp`, `cdk8s-app-ts`).
 * projen is an optional peer dependency: only this subpath loads it, and the main entry never does.
 */
import { posix } from 'path';
import { Component, DependencyType, Project } from 'projen';
import type { Profile } from '../policy/rule';
import { checkProfile } from '../policy/packs';

export interface HardenedSynthOptions {
  /**
   * The app entry `cdk8s-hardened synth` runs: the compiled JavaScript of the project's `appEntrypoint` (synth runs
   * after compile, as projen's `cdk8s synth` step does).
   * @default - `lib/<appEntrypoint without .ts>.js` of a Cdk8sTypeScriptApp, else `lib/main.js`
   */
  readonly app?: string;
  /**
   * The folder the GitOps tree is written to.
   * @default 'dist'
   */
  readonly out?: string;
  /**
   * The rule pack.
   * @default - the configuration's profile, else 'hardened'
   */
  readonly profile?: Profile;
  /**
   * The configuration file.
   * @default - `.cdk8s-hardened.yaml` found from the project folder upwards
   */
  readonly config?: string;
  /**
   * Commit the GitOps tree: `out` is no longer gitignored (Argo CD and Flux read it from the repository).
   * @default false
   */
  readonly commitOutput?: boolean;
  /**
   * The version range of cdk8s-hardened added to the project's dependencies, or `false` to add none.
   * @default '^0.1.0'
   */
  readonly version?: string | false;
}

/** Options are checked as the CLI checks its flags: an unknown key or value is an error, never ignored. */
const OPTION_KEYS = ['app', 'out', 'profile', 'config', 'commitOutput', 'version'];

/** A path in a task command: relative, inside the project, no shell metacharacters. */
function checkPath(value: unknown, what: string): string {
  if (typeof value !== 'string' || value === '' || posix.isAbsolute(value) || value.split('/').includes('..') || !/^[A-Za-z0-9._\/-]+$/.test(value)) {
    throw new Error(`HardenedSynth: ${what} ${JSON.stringify(value)} must be a relative path inside the project (letters, digits, . _ - /)`);
  }
  return posix.normalize(value).replace(/\/$/, '');
}

/**
 * Replaces the project's `synth` task (projen's `cdk8s synth`) with `cdk8s-hardened synth`, which judges every object
 * and writes the GitOps tree only when all pass, and, with `commitOutput`, stops gitignoring that tree.
 *
 * ```ts
 * const project = new cdk8s.Cdk8sTypeScriptApp({ ... });
 * new HardenedSynth(project, { commitOutput: true, out: 'manifests' });
 * ```
 */
export class HardenedSynth extends Component {
  /** The command the synth task runs. */
  readonly command: string;
  /** The folder the tree is written to. */
  readonly out: string;

  constructor(project: Project, options: HardenedSynthOptions = {}) {
    super(project);
    for (const key of Object.keys(options)) {
      if (!OPTION_KEYS.includes(key)) {
        throw new Error(`HardenedSynth: unknown option "${key}"; use ${OPTION_KEYS.join(', ')}`);
      }
    }
    const entrypoint = (project as Project & { appEntrypoint?: unknown }).appEntrypoint;
    const app = checkPath(options.app ?? `lib/${typeof entrypoint === 'string' ? posix.basename(entrypoint, '.ts') : 'main'}.js`, 'app');
    this.out = checkPath(options.out ?? 'dist', 'out');
    const profile = options.profile === undefined ? undefined : checkProfile(options.profile, 'HardenedSynth: profile');
    const config = options.config === undefined ? undefined : checkPath(options.config, 'config');
    if (options.commitOutput !== undefined && typeof options.commitOutput !== 'boolean') {
      throw new Error(`HardenedSynth: commitOutput ${JSON.stringify(options.commitOutput)} must be true or false`);
    }
    this.command = ['cdk8s-hardened synth', app, '--out', this.out, ...(profile ? ['--profile', profile] : []), ...(config ? ['--config', config] : [])].join(' ');

    const synth = project.tasks.tryFind('synth');
    if (!synth) {
      throw new Error('HardenedSynth: the project has no synth task; use it with a cdk8s app project (cdk8s.Cdk8sTypeScriptApp)');
    }
    synth.reset(this.command, { name: 'cdk8s-hardened synth' });
    synth.description = `Synthesizes the app, judges every object (cdk8s-hardened) and writes the GitOps tree to ${this.out}`;
    synth.env('CDK8S_CHECK_UPGRADE', 'false');

    if (options.commitOutput) {
      project.gitignore.removePatterns(`/${this.out}/`, `/${this.out}`, this.out, `${this.out}/`);
      project.gitignore.include(`/${this.out}/`);
    }
    if (options.version !== false) {
      const version = options.version ?? '^0.1.0';
      if (typeof version !== 'string' || version === '') {
        throw new Error(`HardenedSynth: version ${JSON.stringify(version)} must be a version range or false`);
      }
      project.deps.addDependency(`cdk8s-hardened@${version}`, DependencyType.RUNTIME);
    }
  }
}
