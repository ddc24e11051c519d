import { createHash } from 'crypto';
import { ApiObject, App, AppProps, Chart, Yaml } from 'cdk8s';
import { IConstruct } from 'constructs';
import { checkCodeSuppressions, CONFIG_ENV, configuredRules, exemptionSuppressions, HardenedConfig, suppressionPolicy } from '../config/config';
import { loadConfig } from '../config/config-file';
import { evaluateRun, rulesForProfile } from '../catalogue';
import { assertWritable, toYaml, UnwritableValueError } from '../output/yaml';
import { isFailing, SuppressionInForce } from '../policy/engine';
import { checkProfile } from '../policy/packs';
import { Finding, Manifest, Profile, Rule } from '../policy/rule';
import { Suppression, SuppressionPolicy } from '../policy/suppressions';
import { summarize } from '../report/summary';
import { formatText } from '../report/text';

/**
 * Where a guard leaves its latest judgement on its App (a key of the global symbol registry, so any copy of this
 * package finds it): `cdk8s-hardened synth` reports a hardened app's refusal from it, as it reports its own.
 */
const REPORT_SYMBOL = Symbol.for('cdk8s-hardened.report');

/** cdk8s's message when a construct validation fails. */
const VALIDATION_FAILED = 'Validation failed with the following errors:';

/**
 * Thrown by a hardened app's synth when error findings remain: the whole report (errors, warnings, suppressions),
 * grouped by construct and object exactly as `cdk8s-hardened synth` prints it, then any other validation errors.
 */
class HardenedSynthError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HardenedSynthError';
  }
}

/** How synth judges the app. */
export interface HardenOptions {
  /**
   * The rule pack to run.
   * @default 'hardened'
   */
  readonly profile?: Profile;
  /**
   * Rules to run instead of the profile's (e.g. the profile's plus your own).
   * @default - rulesForProfile(profile)
   */
  readonly rules?: readonly Rule[];
  /**
   * Suppressions given in code, in addition to those annotated on objects. Each needs a reason.
   * @default - none
   */
  readonly suppressions?: readonly Suppression[];
  /**
   * The lowest severity that fails synth.
   * @default 'error'
   */
  readonly failOn?: 'error' | 'warning';
  /**
   * Receives each new evaluation (once per distinct set of objects, not once per chart).
   * @default - warnings are written to stderr, one line each, plus a count of info notes
   */
  readonly onReport?: (report: SynthReport) => void;
  /**
   * The configuration file (`.cdk8s-hardened.yaml`: profile, failOn, rules, exemptions, suppression governance), or
   * `false` to read none. Options given here win over the file's profile and failOn.
   * @default - $CDK8S_HARDENED_CONFIG (set by `cdk8s-hardened synth --config`), else the file found from the working directory upwards
   */
  readonly config?: string | false;
  /**
   * Today, for suppression expiry (tests pass a fixed date).
   * @default - the time of each evaluation
   */
  readonly now?: Date;
}

/** What one evaluation of the app found. */
export interface SynthReport {
  readonly profile: string;
  /** How many Kubernetes objects were judged. */
  readonly objects: number;
  /** Every finding, suppressed ones included, in engine order. */
  readonly findings: readonly Finding[];
  /** The findings that fail synth. */
  readonly failing: readonly Finding[];
  /** The suppressions in force: annotations, code suppressions and the configuration's exemptions. */
  readonly suppressions: readonly SuppressionInForce[];
}

/** One line per finding: construct path, object, rule id, field path, message and fix. */
export function formatFindingLine(finding: Finding): string {
  const o = finding.object;
  const object = `${o.kind} ${o.namespace ? `${o.namespace}/` : ''}${o.name || '(unnamed)'}`;
  const where = finding.constructPath ?? finding.file ?? '(input)';
  return `${where} (${object}): ${finding.ruleId} at ${finding.path || '(object)'}: ${finding.message}. Fix: ${finding.remediation}`;
}

function defaultReporter(report: SynthReport, inRun = false): void {
  if (inRun && report.failing.length > 0) {
    // The synth fails with the whole report (HardenedSynthError), warnings included.
    return;
  }
  const live = report.findings.filter((f) => !f.suppressed && !report.failing.includes(f));
  const warnings = live.filter((f) => f.severity === 'warning');
  const info = live.filter((f) => f.severity === 'info').length;
  if (warnings.length === 0 && info === 0) {
    return;
  }
  const lines = [`cdk8s-hardened: ${warnings.length} warning${warnings.length === 1 ? '' : 's'}, ${info} info (profile ${report.profile})`];
  for (const w of warnings) {
    lines.push(`  warning ${formatFindingLine(w)}`);
  }
  process.stderr.write(`${lines.join('\n')}\n`);
}

const GUARDS = new WeakMap<App, SynthGuard>();

/** The construct at `path` (as `node.path` gives it, relative to the app; construct ids cannot hold a slash). */
function findByPath(app: App, path: string): IConstruct | undefined {
  let node: IConstruct | undefined = app;
  for (const id of path.split('/')) {
    node = node?.node.tryFindChild(id);
  }
  return node;
}

/**
 * Runs the policy engine over every object an app synthesizes (construct output, raw ApiObjects, cdk8s-plus
 * objects, `Include`d YAML, after every JSON patch), as a construct validation: `app.synth()`, `app.synthYaml()`,
 * `chart.toJson()` and `Testing.synth(chart)` throw before anything is written when an error finding remains,
 * listing one line per finding under the chart that holds the object.
 *
 * Set rules (e.g. "each namespace with workloads has a default-deny policy") see the objects of every chart.
 */
export class SynthGuard {
  /** The guard attached to `app`, if any. */
  static of(app: App): SynthGuard | undefined {
    return GUARDS.get(app);
  }

  readonly profile: string;
  /** The configuration in effect (undefined when none was found or `config: false`). */
  readonly config?: HardenedConfig;
  private readonly rules: readonly Rule[];
  private readonly options: HardenOptions;
  private readonly failOn: 'error' | 'warning';
  private readonly charts = new WeakSet<Chart>();
  /** A digest of the objects last judged (construct paths and JSON), to judge and report only what changed. */
  private fingerprint?: string;
  private current?: { report: SynthReport; lines: Map<Chart, string[]> };
  /** Inside HardenedApp.synth(): `pending` until the first evaluation of the run, then `done`. */
  private run_: 'idle' | 'pending' | 'done' = 'idle';
  /** Objects whose rendering is pinned for the current run (see `collect`), by the JSON pinned. */
  private pinned = new Map<unknown, ApiObject>();

  constructor(private readonly app: App, options: HardenOptions = {}) {
    if (GUARDS.has(app)) {
      throw new Error('this App is already hardened: call hardenApp(app) once (HardenedApp does it for you)');
    }
    GUARDS.set(app, this);
    this.options = options;
    const fromEnv = process.env[CONFIG_ENV];
    this.config = options.config === false ? undefined
      : loadConfig(options.config !== undefined ? { file: options.config } : fromEnv ? { file: fromEnv } : {})?.config;
    // An unknown profile (from JavaScript or `as any`) would select no rule and pass everything: refuse it, even
    // beside `rules`, where it is ignored but still a mistake.
    const profile = options.profile === undefined ? this.config?.profile ?? 'hardened' : checkProfile(options.profile, 'hardenApp: options.profile');
    this.profile = options.rules ? 'custom' : profile;
    this.rules = configuredRules(this.config, options.rules ?? rulesForProfile(profile));
    this.failOn = options.failOn ?? this.config?.failOn ?? 'error';
    // A code suppression the configuration forbids (or with a bad reason) fails here, as an insecure prop does.
    checkCodeSuppressions(options.suppressions ?? [], this.policy());
    app.node.addValidation({
      validate: () => {
        // The app validates before its charts (cdk8s walks the tree in pre-order): evaluate once per pass here,
        // and let each chart report the findings about its own objects. Within a run (cdk8s validates the whole
        // app again for every chart it renders) the first pass's judgement stands.
        if (this.run_ !== 'done') {
          this.refresh();
        }
        return [];
      },
    });
  }

  /** The latest evaluation (undefined before the first synth). */
  get lastReport(): SynthReport | undefined {
    return this.current?.report;
  }

  /** Judges the app's objects now and returns the report (no caching, no printing). */
  evaluate(): SynthReport {
    return this.judge(this.collect()).report;
  }

  /**
   * @internal Evaluates at most once for the duration of `body` (used by HardenedApp around a synth), and writes
   * exactly the JSON it judged: each object is rendered once, and that rendering is both judged and written.
   */
  _frozen<T>(body: () => T): T {
    if (this.run_ !== 'idle') {
      return body();
    }
    this.run_ = 'pending';
    try {
      return this.withSafeWriter(body);
    } catch (error) {
      throw this.grouped(error);
    } finally {
      this.run_ = 'idle';
      this.unpin();
    }
  }

  /**
   * cdk8s's validation error, when our findings caused it, as one grouped report (cdk8s lists one line per
   * finding under its chart and drops the warnings); validation errors of other constructs follow it.
   */
  private grouped(error: unknown): unknown {
    const current = this.current;
    if (!current || current.report.failing.length === 0 || !(error instanceof Error) || !error.message.startsWith(VALIDATION_FAILED)) {
      return error;
    }
    const ours = new Set<string>();
    for (const [chart, lines] of current.lines) {
      for (const line of lines) {
        ours.add(`[${chart.node.path}] ${line}`);
      }
    }
    const others = error.message.slice(VALIDATION_FAILED.length).split('\n').map((l) => l.trim()).filter((l) => l !== '' && !ours.has(l));
    const r = current.report;
    const text = formatText({ findings: r.findings, summary: summarize(r.findings, r.objects, r.profile, this.failOn), suppressions: r.suppressions });
    const n = r.failing.length;
    return new HardenedSynthError(`synth refused by cdk8s-hardened (${n} failing finding${n === 1 ? '' : 's'}); nothing was written:\n${text.trimEnd()}`
      + (others.length ? `\nother validation errors:\n${others.map((l) => `  ${l}`).join('\n')}` : ''));
  }

  private linesFor(chart: Chart): string[] {
    if (!this.current) {
      this.refresh();
    }
    return this.current!.lines.get(chart) ?? [];
  }

  /**
   * Renders every ApiObject of the app (and gives each new chart its validation, which reports the findings about
   * its objects). Inside a run, each object's rendering is pinned until the run ends (its `toJson` returns the same
   * JSON), so the output cdk8s writes is the very JSON that was judged, rendered once.
   */
  private collect(): Manifest[] {
    const pin = this.run_ !== 'idle';
    const manifests: Manifest[] = [];
    for (const c of this.app.node.findAll()) {
      if (Chart.isChart(c) && !this.charts.has(c)) {
        this.charts.add(c);
        c.node.addValidation({ validate: () => this.linesFor(c) });
      } else if (ApiObject.isApiObject(c)) {
        const object = c.toJson();
        if (pin && !Object.prototype.hasOwnProperty.call(c, 'toJson')) {
          Object.defineProperty(c, 'toJson', { value: () => object, configurable: true, writable: true, enumerable: false });
          this.pinned.set(object, c);
        }
        manifests.push({ object, origin: { constructPath: c.node.path } });
      }
    }
    return manifests;
  }

  /**
   * Runs `body` (the app's synth) with cdk8s's `Yaml.stringify`, through which `App.synth` and `synthYaml` write every
   * file, writing the judged objects with this package's writer (`toYaml`): every string kubectl or kustomize would
   * read as something else double-quoted, a value neither can read back refused, cdk8s's bytes for plain values, and
   * faster than the `yaml` package cdk8s uses. Before the first file is written, every judged object is checked
   * against the writer's refusals (`assertWritable`, one walk, no text kept), so a value the writer refuses fails the
   * synth (naming the construct) before anything is written; each object is then serialized when cdk8s writes it, and
   * its text is not held beyond that write (as cdk8s's own writer holds none). Any other call
   * (the app's own Yaml.stringify, Yaml.tmp) goes to cdk8s's writer unchanged. App.synth's layout stays cdk8s's own.
   * Restored when `body` ends, whatever happens; a cdk8s whose `Yaml.stringify` is not a plain writable method is left
   * alone.
   */
  private withSafeWriter<T>(body: () => T): T {
    const original = Object.getOwnPropertyDescriptor(Yaml, 'stringify');
    if (!original || typeof original.value !== 'function' || !original.writable || !original.configurable) {
      return body();
    }
    const cdk8sWriter = original.value as (...docs: unknown[]) => string;
    // Objects are only added to `pinned` during a run (in order), so those checked so far are its first ones: each
    // stringify (one per chart) checks only what was pinned since, not every object again.
    let checked = 0;
    const checkAll = () => {
      if (this.pinned.size === checked) {
        return;
      }
      let index = 0;
      for (const [json, construct] of this.pinned) {
        if (index++ < checked) {
          continue;
        }
        try {
          assertWritable(json);
        } catch (error) {
          if (error instanceof UnwritableValueError) {
            throw new UnwritableValueError(`${construct.node.path} (${construct.kind} ${construct.name}): ${error.message}; nothing was written`);
          }
          throw error;
        }
      }
      checked = this.pinned.size;
    };
    Object.defineProperty(Yaml, 'stringify', {
      ...original,
      value: (...docs: unknown[]): string => {
        const judged = docs.length > 0 && docs.every((d) => d === undefined || this.pinned.has(d));
        if (!judged) {
          return cdk8sWriter.apply(Yaml, docs);
        }
        checkAll();
        return docs.map((d) => (d === undefined ? '\n' : toYaml(d))).join('---\n');
      },
    });
    try {
      return body();
    } finally {
      Object.defineProperty(Yaml, 'stringify', original);
    }
  }

  private unpin(): void {
    for (const c of this.pinned.values()) {
      delete (c as { toJson?: unknown }).toJson;
    }
    this.pinned = new Map();
  }

  private policy(): SuppressionPolicy {
    return suppressionPolicy(this.config, this.options.now ?? new Date());
  }

  private judge(manifests: Manifest[]): { report: SynthReport; lines: Map<Chart, string[]> } {
    const { findings, suppressions } = evaluateRun(manifests, this.rules, {
      suppressions: this.options.suppressions ?? [],
      exemptions: exemptionSuppressions(this.config),
      suppressionPolicy: this.policy(),
    });
    const failOn = this.failOn;
    const failing = findings.filter((f) => isFailing(f, failOn));
    // Each failing finding is reported by the validation of the chart that holds its object.
    const lines = new Map<Chart, string[]>();
    for (const f of failing) {
      const construct = f.constructPath === undefined ? undefined : findByPath(this.app, f.constructPath);
      const chart = construct ? Chart.of(construct) : undefined;
      if (chart) {
        const list = lines.get(chart) ?? [];
        list.push(formatFindingLine(f));
        lines.set(chart, list);
      }
    }
    const report = { profile: this.profile, objects: manifests.length, findings, failing, suppressions };
    (this.app as unknown as Record<symbol, unknown>)[REPORT_SYMBOL] = { profile: this.profile, objects: manifests.length, failOn, findings, suppressions };
    return { report, lines };
  }

  private refresh(): void {
    if (this.run_ === 'pending') {
      this.run_ = 'done';
    }
    const manifests = this.collect();
    const hash = createHash('sha256');
    for (const m of manifests) {
      hash.update(`${m.origin?.constructPath}\0${JSON.stringify(m.object)}\0`);
    }
    const fingerprint = hash.digest('base64');
    if (fingerprint === this.fingerprint && this.current) {
      return;
    }
    this.fingerprint = fingerprint;
    this.current = this.judge(manifests);
    if (this.options.onReport) {
      this.options.onReport(this.current.report);
    } else {
      defaultReporter(this.current.report, this.run_ !== 'idle');
    }
  }
}

/**
 * Hardens an existing App in one line: from now on its synth runs the policy engine and fails on error findings.
 * Returns the guard (its `lastReport` holds the findings of the last synth).
 */
export function hardenApp(app: App, options: HardenOptions = {}): SynthGuard {
  const guard = new SynthGuard(app, options);
  if (!(app instanceof HardenedApp)) {
    // cdk8s validates the whole app again for every chart it synthesizes: judge once per synth, as HardenedApp does.
    const synth = app.synth.bind(app);
    const synthYaml = app.synthYaml.bind(app);
    app.synth = () => guard._frozen(synth);
    app.synthYaml = () => guard._frozen(synthYaml);
  }
  return guard;
}

export interface HardenedAppProps extends AppProps, HardenOptions {}

/**
 * A cdk8s App whose synth refuses insecure or invalid output: every object of every chart is judged by the
 * `hardened` profile (configurable) and any error finding fails `synth()` / `synthYaml()` before a file is written.
 * Output location and layout follow `App` (outdir from props, else `CDK8S_OUTDIR`, else `dist`); the YAML is written by
 * this package's writer (see `withSafeWriter`): cdk8s's bytes for plain values, double quotes where a reader would
 * differ or cdk8s would single-quote.
 */
export class HardenedApp extends App {
  readonly guard: SynthGuard;

  constructor(props: HardenedAppProps = {}) {
    const { profile, rules, suppressions, failOn, onReport, config, now, ...appProps } = props;
    super(appProps);
    this.guard = hardenApp(this, { profile, rules, suppressions, failOn, onReport, config, now });
  }

  override synth(): void {
    this.guard._frozen(() => super.synth());
  }

  override synthYaml(): string {
    return this.guard._frozen(() => super.synthYaml());
  }
}
