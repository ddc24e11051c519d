import { readFileSync } from 'fs';
import { basename, relative } from 'path';
import { configuredRules, exemptionSuppressions, suppressionPolicy } from '../config/config';
import { LoadedConfig, loadConfig } from '../config/config-file';
import { decodeManifestBytes, escapeControls, InputError, parseManifests } from '../input/parse';
import { evaluateRun, rulesForProfile } from '../catalogue';
import { isFailing } from '../policy/engine';
import { checkProfile } from '../policy/packs';
import { Finding, Manifest, Profile, Rule } from '../policy/rule';
import { suggest } from '../schema/suggest';
import { appendTo } from '../util/collections';

/**
 * The part of cdk8s-cli's `ValidationContext` (cdk8s-cli `lib/plugins/validation.d.ts`) the plugin uses. Declared here,
 * structurally, so the package does not depend on cdk8s-cli: cdk8s-cli hands its own object in.
 */
export interface ValidationContextLike {
  /** The manifest files cdk8s synthesized (absolute or relative to the working directory). */
  readonly manifests: readonly string[];
  /** Where the report goes: one violation per rule, then `submit('success' | 'failure')` exactly once. */
  readonly report: {
    addViolation(violation: PluginViolation): void;
    submit(status: 'success' | 'failure', metadata?: { readonly [key: string]: string }): void;
  };
  /** cdk8s-cli's logger (stdout). */
  readonly logger?: { log(message: string): void };
}

/** A violation as cdk8s-cli's `ValidationReport.addViolation` takes it. */
export interface PluginViolation {
  /** The rule id (`pss-restricted-capabilities`); a warning's id is followed by ` (warning)`. */
  readonly ruleName: string;
  /** The rule's title. */
  readonly recommendation: string;
  /** The rule's remediation: the field and the value to set. */
  readonly fix: string;
  readonly violatingResources: readonly PluginViolatingResource[];
}

/** One object of a violation. cdk8s-cli adds the construct path by looking `resourceName` up in construct-metadata.json. */
export interface PluginViolatingResource {
  /**
   * The object's `metadata.name`, the key of cdk8s's construct metadata. When several synthesized objects share the
   * name (cdk8s records only one construct path per name), `Kind namespace/name` instead, so that cdk8s-cli shows no
   * construct path rather than the wrong one.
   */
  readonly resourceName: string;
  /** One entry per finding: `Kind namespace/name: field.path: message`. */
  readonly locations: readonly string[];
  readonly manifestPath: string;
}

/** The `properties:` of the plugin's entry in cdk8s.yaml. Any other key is an error. */
export interface CdkHardenedValidationProps {
  /**
   * The rule pack.
   * @default - the configuration's profile, else 'hardened'
   */
  readonly profile?: Profile;
  /**
   * The configuration file (relative to the folder `cdk8s synth` runs in), or `false` to read none.
   * @default - `.cdk8s-hardened.yaml` found from the working directory upwards
   */
  readonly config?: string | false;
  /**
   * The lowest severity that fails synth.
   * @default - the configuration's failOn, else 'error'
   */
  readonly failOn?: 'error' | 'warning';
}

const PROPERTY_KEYS = ['profile', 'config', 'failOn'] as const;

/** The plugin's properties are wrong: one line naming the property and the fix. */
export class PluginPropertiesError extends Error {
  constructor(message: string) {
    super(`cdk8s-hardened validation plugin (cdk8s.yaml validations[].properties): ${message}`);
    this.name = 'PluginPropertiesError';
  }
}

/** The file cdk8s writes beside the manifests for plugins' construct paths: metadata, never a manifest. */
export const CONSTRUCT_METADATA_FILE = 'construct-metadata.json';

function checkProps(props: unknown): CdkHardenedValidationProps {
  if (props === undefined || props === null) {
    return {};
  }
  if (typeof props !== 'object' || Array.isArray(props)) {
    throw new PluginPropertiesError(`must be a mapping, not ${JSON.stringify(props)}`);
  }
  const p = props as Record<string, unknown>;
  for (const key of Object.keys(p).sort()) {
    if (!(PROPERTY_KEYS as readonly string[]).includes(key)) {
      const guess = suggest(key, PROPERTY_KEYS);
      throw new PluginPropertiesError(`unknown property "${key}"${guess ? ` (did you mean ${guess}?)` : ''}; use ${PROPERTY_KEYS.join(', ')}`);
    }
  }
  if (p.profile !== undefined) {
    try {
      checkProfile(p.profile, 'profile');
    } catch (error) {
      throw new PluginPropertiesError((error as Error).message);
    }
  }
  if (p.config !== undefined && p.config !== false && (typeof p.config !== 'string' || p.config === '')) {
    throw new PluginPropertiesError(`config: ${JSON.stringify(p.config)} is neither a file path nor false`);
  }
  if (p.failOn !== undefined && p.failOn !== 'error' && p.failOn !== 'warning') {
    throw new PluginPropertiesError(`failOn: ${JSON.stringify(p.failOn)} is not error or warning`);
  }
  return p as CdkHardenedValidationProps;
}

/** `Kind namespace/name` of a finding's object. */
function objectLabel(f: Finding): string {
  return `${f.object.kind} ${f.object.namespace ? `${f.object.namespace}/` : ''}${f.object.name || '(unnamed)'}`;
}

/** Reports a refusal (bad properties or input) as one failing violation with the one-line message. */
function refuse(context: ValidationContextLike, ruleName: string, message: string, fix: string): void {
  const line = escapeControls(message);
  context.report.addViolation({ ruleName, recommendation: line, fix, violatingResources: [] });
  context.report.submit('failure', { error: line });
}

/**
 * A cdk8s-cli validation plugin that judges the manifests `cdk8s synth` wrote with cdk8s-hardened's rules, exactly as
 * `cdk8s-hardened check` judges them (the same reader, rules, annotations, configuration and exemptions):
 *
 * ```yaml
 * # cdk8s.yaml
 * validations:
 *   - package: ./node_modules/cdk8s-hardened
 *     version: 0.1.0
 *     class: CdkHardenedValidation
 *     properties: { profile: hardened }
 * ```
 *
 * Each rule with findings becomes one violation (`ruleName` = the rule id) listing the objects, their construct paths
 * (cdk8s-cli adds them from construct-metadata.json) and one location per finding; the report fails when a finding
 * reaches `failOn`, and `cdk8s synth` then exits 2. Warnings are listed with the id followed by ` (warning)`.
 */
export class CdkHardenedValidation {
  private readonly props: CdkHardenedValidationProps;
  /**
   * Why the properties were refused. cdk8s-cli prints a stack trace for an error thrown while it loads a plugin, so
   * the refusal is reported by `validate()`: one line in the report, and synth fails (exit 2). Fail closed: bad
   * properties never judge with a default rule set.
   */
  readonly propertiesError?: PluginPropertiesError;

  constructor(properties: unknown = {}) {
    let props: CdkHardenedValidationProps = {};
    try {
      props = checkProps(properties);
    } catch (error) {
      if (!(error instanceof PluginPropertiesError)) {
        throw error;
      }
      this.propertiesError = error;
    }
    this.props = props;
  }

  /** cdk8s-cli's `Validation.validate(context)`. */
  async validate(context: ValidationContextLike): Promise<void> {
    if (this.propertiesError) {
      refuse(context, 'cdk8s-hardened-properties', this.propertiesError.message,
        `Use only ${PROPERTY_KEYS.join(', ')} under properties:, with the values docs/plugin.md lists.`);
      return;
    }
    try {
      this.judge(context);
    } catch (error) {
      if (!(error instanceof InputError)) {
        throw error;
      }
      // Bad input (a manifest kubectl would not read as written, a bad configuration): one line, and synth fails.
      refuse(context, 'cdk8s-hardened-input', error.message,
        'Correct the file named in the message; cdk8s-hardened judges nothing it cannot read as kubectl and kustomize do.');
    }
  }

  private judge(context: ValidationContextLike): void {
    const loaded: LoadedConfig | undefined = this.props.config === false ? undefined
      : loadConfig(this.props.config !== undefined ? { file: this.props.config } : {});
    const config = loaded?.config;
    const profile = this.props.profile ?? config?.profile ?? 'hardened';
    const failOn = this.props.failOn ?? config?.failOn ?? 'error';
    const rules: Rule[] = configuredRules(config, rulesForProfile(profile));

    const manifests: Manifest[] = [];
    const shownFile = new Map<string, string>();
    for (const file of context.manifests) {
      if (basename(file) === CONSTRUCT_METADATA_FILE) {
        continue;
      }
      const shown = relative(process.cwd(), file) || file;
      shownFile.set(shown, file);
      let bytes: Buffer;
      try {
        bytes = readFileSync(file);
      } catch (error) {
        throw new InputError(`${shown}: cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
      }
      manifests.push(...parseManifests(decodeManifestBytes(bytes, shown), shown));
    }
    if (manifests.length === 0) {
      // Fail closed, as `check` does without --allow-empty: an app that synthesized nothing most often failed silently.
      const files = context.manifests.filter((f) => basename(f) !== CONSTRUCT_METADATA_FILE);
      throw new InputError(`${files.length ? files.map((f) => relative(process.cwd(), f) || f).join(', ') : 'cdk8s synth'}: no Kubernetes objects to judge`);
    }
    const { findings } = evaluateRun(manifests, rules, {
      exemptions: exemptionSuppressions(config),
      suppressionPolicy: suppressionPolicy(config, new Date()),
    });

    const names = new Map<string, number>();
    for (const m of manifests) {
      const name = (m.object as { metadata?: { name?: unknown } } | null)?.metadata?.name;
      if (typeof name === 'string') {
        names.set(name, (names.get(name) ?? 0) + 1);
      }
    }
    const live = findings.filter((f) => !f.suppressed && (f.severity === 'error' || f.severity === 'warning'));
    const failing = live.filter((f) => isFailing(f, failOn));
    const byRule = new Map<string, Finding[]>();
    for (const f of live) {
      const key = `${f.ruleId}\u0000${isFailing(f, failOn) ? 'fail' : 'warn'}`;
      appendTo(byRule, key, f);
    }
    const catalogue = new Map(rules.map((r) => [r.id, r]));
    for (const [key, group] of byRule) {
      const [ruleId, kind] = key.split('\u0000');
      const rule = catalogue.get(ruleId);
      const resources = new Map<string, { resourceName: string; locations: string[]; manifestPath: string }>();
      for (const f of group) {
        const manifestPath = shownFile.get(f.file ?? '') ?? f.file ?? '(unknown)';
        const id = `${manifestPath}\u0000${objectLabel(f)}`;
        let entry = resources.get(id);
        if (!entry) {
          const unique = f.object.name !== '' && names.get(f.object.name) === 1;
          entry = { resourceName: unique ? f.object.name : objectLabel(f), locations: [], manifestPath };
          resources.set(id, entry);
        }
        entry.locations.push(`${objectLabel(f)}: ${f.path || '(object)'}: ${f.message}${f.line !== undefined ? ` (line ${f.line})` : ''}`);
      }
      context.report.addViolation({
        ruleName: kind === 'fail' ? ruleId : `${ruleId} (${group[0].severity})`,
        recommendation: rule?.title ?? group[0].message,
        fix: rule?.remediation ?? group[0].remediation,
        violatingResources: [...resources.values()],
      });
    }
    const count = (severity: string) => String(live.filter((f) => f.severity === severity).length);
    context.report.submit(failing.length > 0 ? 'failure' : 'success', {
      profile,
      failOn,
      objects: String(manifests.length),
      errors: count('error'),
      warnings: count('warning'),
      info: String(findings.filter((f) => !f.suppressed && f.severity === 'info').length),
      suppressed: String(findings.filter((f) => f.suppressed).length),
      ...(config ? { config: config.file } : {}),
    });
  }
}
