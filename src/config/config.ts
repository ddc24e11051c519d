import picomatch from 'picomatch';
import { readYamlDocument } from '../input/read';
import { InputError } from '../input/errors';
import { isObject } from '../policy/json';
import { Path } from '../policy/path';
import { isProfile, Profile, PROFILES, Rule, Severity } from '../policy/rule';
import { ALL_RULES } from '../catalogue';
import { DEFAULT_EXPIRY_WARNING_DAYS, reasonProblem, Suppression, SuppressionPolicy } from '../policy/suppressions';
import { ENGINE_RULES, suggestRuleIds } from '../report/rules-doc';
import { suggest } from '../schema/suggest';

/** The configuration file's name, found by walking up from the working directory (as `.kube-linter.yaml` is). */
export const CONFIG_FILE = '.cdk8s-hardened.yaml';

/** The environment variable `synth` sets for the app it runs, naming the configuration file HardenedApp reads. */
export const CONFIG_ENV = 'CDK8S_HARDENED_CONFIG';

/** A platform team's acceptance of one rule's risk for the objects a selector picks (absent fields match any). */
export interface Exemption {
  readonly rule: string;
  readonly namespace?: string;
  readonly kind?: string;
  readonly name?: string;
  readonly reason: string;
}

/** `.cdk8s-hardened.yaml`, validated, as plain data (docs/configuration.md). */
export interface HardenedConfig {
  /** The file it was read from (for messages), when it was read from one. */
  readonly file?: string;
  readonly profile?: Profile;
  readonly failOn?: 'error' | 'warning';
  readonly rules?: {
    /** Only these rules of the profile run (ids or globs). */
    readonly include?: readonly string[];
    /** These rules of the profile do not run (ids or globs). */
    readonly exclude?: readonly string[];
    /** Per-rule severity overrides. */
    readonly severity?: Readonly<Record<string, Severity>>;
  };
  /** Files and folders `check` does not read (globs relative to the configuration file's folder). */
  readonly ignorePaths?: readonly string[];
  readonly exemptions?: readonly Exemption[];
  readonly suppressions?: {
    readonly forbid?: readonly string[];
    readonly reasonPattern?: string;
    readonly expiryWarningDays?: number;
  };
}

/** A configuration file that cannot be used: the message names the file and line. */
export class ConfigError extends InputError {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

const TOP_KEYS = ['profile', 'failOn', 'rules', 'ignorePaths', 'exemptions', 'suppressions'] as const;
const RULES_KEYS = ['include', 'exclude', 'severity'] as const;
const EXEMPTION_KEYS = ['rule', 'namespace', 'kind', 'name', 'reason'] as const;
const SUPPRESSIONS_KEYS = ['forbid', 'reasonPattern', 'expiryWarningDays'] as const;
const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const KIND = /^[A-Za-z][A-Za-z0-9]*$/;

/** Whether a pattern has glob syntax (else it is an exact rule id or path). */
export function isGlob(pattern: string): boolean {
  return picomatch.scan(pattern).isGlob;
}

/**
 * Compiles a glob, refusing what picomatch would read leniently (unbalanced brackets, braces or parentheses) and
 * what can never match a repository path (empty, absolute, `..`, backslashes).
 */
export function compileGlob(pattern: string, what: string): (path: string) => boolean {
  if (pattern.trim() === '') {
    throw new Error(`${what} is empty`);
  }
  if (pattern.startsWith('/') || /^[A-Za-z]:/.test(pattern) || pattern.includes('\\') || pattern.split('/').includes('..')) {
    throw new Error(`${what} "${pattern}" must be a relative path with forward slashes and no ".." (e.g. "charts/**" or "**/values.yaml")`);
  }
  try {
    return picomatch(pattern.replace(/\/+$/, ''), { dot: true, strictBrackets: true });
  } catch (error) {
    throw new Error(`${what} "${pattern}" is not a valid glob (${(error as Error).message})`);
  }
}

/** Rule ids a catalogue entry of the configuration may name: the catalogue's and the engine's own. */
function catalogueIds(): string[] {
  return [...ALL_RULES.map((r) => r.id), ...ENGINE_RULES.map((r) => r.id)];
}

/** The rule ids a list of ids and globs selects; an unknown id or a glob that matches nothing is an error. */
export function selectRuleIds(patterns: readonly string[], ids: readonly string[], what: string): Set<string> {
  const out = new Set<string>();
  for (const pattern of patterns) {
    if (isGlob(pattern)) {
      const match = picomatch(pattern, { strictBrackets: true });
      const found = ids.filter((id) => match(id));
      if (found.length === 0) {
        throw new Error(`${what}: "${pattern}" matches no rule; list the rules with: cdk8s-hardened rules`);
      }
      found.forEach((id) => out.add(id));
    } else if (ids.includes(pattern)) {
      out.add(pattern);
    } else {
      const near = suggestRuleIds(pattern, ids.map((id) => ({ id })));
      throw new Error(`${what}: unknown rule "${pattern}"${near.length ? `; did you mean ${near.join(', ')}?` : ''}`);
    }
  }
  return out;
}

/** Parses and validates `.cdk8s-hardened.yaml`. Every problem is a ConfigError naming the file and line. */
export function parseConfig(text: string, file: string): HardenedConfig {
  const { value, line } = readYamlDocument(text, file);
  const fail = (path: Path, message: string): never => {
    const at = line(path);
    throw new ConfigError(`${file}${at !== undefined ? `, line ${at}` : ''}: ${message}`);
  };
  const name = (path: Path) => path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
  const keys = (obj: Record<string, unknown>, allowed: readonly string[], path: Path) => {
    for (const key of Object.keys(obj)) {
      if (!allowed.includes(key)) {
        const near = suggest(key, allowed);
        fail([...path, key], `unknown key "${path.length ? `${name(path)}.` : ''}${key}"${near ? `; did you mean ${near}?` : ''} (the keys are ${allowed.join(', ')})`);
      }
    }
  };
  const mapping = (v: unknown, path: Path): Record<string, unknown> => (isObject(v) ? v : fail(path, `${name(path)} must be a mapping`));
  const string = (v: unknown, path: Path): string => (typeof v === 'string' && v !== '' ? v : fail(path, `${name(path)} must be a non-empty string`));
  const strings = (v: unknown, path: Path): string[] => {
    if (!Array.isArray(v)) {
      return fail(path, `${name(path)} must be a list of strings`);
    }
    return v.map((item, i) => string(item, [...path, i]));
  };
  const ids = catalogueIds();
  const ruleIds = ALL_RULES.map((r) => r.id);
  const guard = <T>(path: Path, body: () => T): T => {
    try {
      return body();
    } catch (error) {
      if (error instanceof ConfigError) {
        throw error;
      }
      return fail(path, (error as Error).message);
    }
  };

  if (value === null) {
    return { file };
  }
  const top = mapping(value, []);
  keys(top, TOP_KEYS, []);
  const config: { -readonly [K in keyof HardenedConfig]: HardenedConfig[K] } = { file };

  if (top.profile !== undefined) {
    const profile = string(top.profile, ['profile']);
    if (!isProfile(profile)) {
      const near = suggest(profile, PROFILES);
      fail(['profile'], `unknown profile "${profile}"${near ? `; did you mean ${near}?` : ''} (the profiles are ${PROFILES.join(', ')})`);
    }
    config.profile = profile as Profile;
  }
  if (top.failOn !== undefined) {
    const failOn = string(top.failOn, ['failOn']);
    if (failOn !== 'error' && failOn !== 'warning') {
      fail(['failOn'], `failOn must be error or warning (got "${failOn}")`);
    }
    config.failOn = failOn as 'error' | 'warning';
  }
  if (top.rules !== undefined) {
    const rules = mapping(top.rules, ['rules']);
    keys(rules, RULES_KEYS, ['rules']);
    const include = rules.include === undefined ? undefined : strings(rules.include, ['rules', 'include']);
    const exclude = rules.exclude === undefined ? undefined : strings(rules.exclude, ['rules', 'exclude']);
    include?.forEach((p, i) => guard(['rules', 'include', i], () => selectRuleIds([p], ruleIds, 'rules.include')));
    exclude?.forEach((p, i) => guard(['rules', 'exclude', i], () => selectRuleIds([p], ruleIds, 'rules.exclude')));
    let severity: Record<string, Severity> | undefined;
    if (rules.severity !== undefined) {
      const map = mapping(rules.severity, ['rules', 'severity']);
      severity = {};
      for (const [id, level] of Object.entries(map)) {
        guard(['rules', 'severity', id], () => selectRuleIds([id], ruleIds, 'rules.severity'));
        if (isGlob(id)) {
          fail(['rules', 'severity', id], `rules.severity takes rule ids, not globs ("${id}")`);
        }
        if (typeof level !== 'string' || !(SEVERITIES as readonly string[]).includes(level)) {
          fail(['rules', 'severity', id], `rules.severity.${id} must be error, warning or info (got ${JSON.stringify(level)})`);
        }
        severity[id] = level as Severity;
      }
    }
    config.rules = { ...(include ? { include } : {}), ...(exclude ? { exclude } : {}), ...(severity ? { severity } : {}) };
  }
  if (top.ignorePaths !== undefined) {
    const globs = strings(top.ignorePaths, ['ignorePaths']);
    globs.forEach((g, i) => guard(['ignorePaths', i], () => compileGlob(g, 'ignorePaths entry')));
    config.ignorePaths = globs;
  }
  if (top.exemptions !== undefined) {
    if (!Array.isArray(top.exemptions)) {
      fail(['exemptions'], 'exemptions must be a list of {rule, namespace, kind, name, reason}');
    }
    config.exemptions = (top.exemptions as unknown[]).map((item, i) => {
      const path: Path = ['exemptions', i];
      const e = mapping(item, path);
      keys(e, EXEMPTION_KEYS, path);
      if (e.rule === undefined) {
        fail(path, `${name(path)} needs a rule`);
      }
      const rule = string(e.rule, [...path, 'rule']);
      if (isGlob(rule)) {
        fail([...path, 'rule'], `${name(path)}.rule takes one rule id, not a glob ("${rule}"): an exemption accepts one risk`);
      }
      guard([...path, 'rule'], () => selectRuleIds([rule], ruleIds, `${name(path)}.rule`));
      const pick = (key: 'namespace' | 'kind' | 'name', form: RegExp, hint: string) => {
        if (e[key] === undefined) {
          return {};
        }
        const v = string(e[key], [...path, key]);
        if (!form.test(v)) {
          fail([...path, key], `${name(path)}.${key} "${v}" is not ${hint} (exemptions select exact names, not patterns)`);
        }
        return { [key]: v };
      };
      const selector = {
        ...pick('namespace', DNS_LABEL, 'a namespace name'),
        ...pick('kind', KIND, 'a kind (e.g. DaemonSet)'),
        ...pick('name', DNS_SUBDOMAIN, 'an object name'),
      };
      if (Object.keys(selector).length === 0) {
        fail(path, `${name(path)} selects every object: give a namespace, kind or name (to turn a rule off everywhere, use rules.exclude)`);
      }
      if (e.reason === undefined) {
        fail(path, `${name(path)} needs a reason: why the platform team accepts this risk`);
      }
      const problem = reasonProblem(e.reason);
      if (problem) {
        fail([...path, 'reason'], `${name(path)} ${problem}`);
      }
      return { rule, ...selector, reason: (e.reason as string).trim() } as Exemption;
    });
  }
  if (top.suppressions !== undefined) {
    const s = mapping(top.suppressions, ['suppressions']);
    keys(s, SUPPRESSIONS_KEYS, ['suppressions']);
    const out: { forbid?: string[]; reasonPattern?: string; expiryWarningDays?: number } = {};
    if (s.forbid !== undefined) {
      out.forbid = strings(s.forbid, ['suppressions', 'forbid']);
      out.forbid.forEach((p, i) => guard(['suppressions', 'forbid', i], () => selectRuleIds([p], ids, 'suppressions.forbid')));
    }
    if (s.reasonPattern !== undefined) {
      const pattern = string(s.reasonPattern, ['suppressions', 'reasonPattern']);
      guard(['suppressions', 'reasonPattern'], () => {
        try {
          return new RegExp(pattern, 'u');
        } catch (error) {
          throw new Error(`suppressions.reasonPattern is not a valid regular expression (${(error as Error).message})`);
        }
      });
      out.reasonPattern = pattern;
    }
    if (s.expiryWarningDays !== undefined) {
      const days = s.expiryWarningDays;
      if (typeof days !== 'number' || !Number.isInteger(days) || days < 0 || days > 3650) {
        fail(['suppressions', 'expiryWarningDays'], `suppressions.expiryWarningDays must be a whole number of days from 0 to 3650 (got ${JSON.stringify(days)})`);
      }
      out.expiryWarningDays = days as number;
    }
    config.suppressions = out;
  }
  if (config.exemptions && config.suppressions?.reasonPattern) {
    const pattern = new RegExp(config.suppressions.reasonPattern, 'u');
    config.exemptions.forEach((e, i) => {
      if (!pattern.test(e.reason)) {
        fail(['exemptions', i, 'reason'], `exemptions[${i}].reason does not match suppressions.reasonPattern ${config.suppressions!.reasonPattern}`);
      }
    });
  }
  return config;
}

/**
 * The rules a run uses: the profile's (or `base`), less `rules.exclude`, only `rules.include` when given, each
 * with its `rules.severity` override (a rule's case-specific severities, such as the schema's info notes, stay).
 */
export function configuredRules(config: HardenedConfig | undefined, base: readonly Rule[]): Rule[] {
  const ids = ALL_RULES.map((r) => r.id);
  const include = config?.rules?.include ? selectRuleIds(config.rules.include, ids, 'rules.include') : undefined;
  const exclude = config?.rules?.exclude ? selectRuleIds(config.rules.exclude, ids, 'rules.exclude') : new Set<string>();
  const severity = config?.rules?.severity ?? {};
  const selected = base.filter((r) => (include === undefined || include.has(r.id)) && !exclude.has(r.id));
  if (selected.length === 0 && base.length > 0) {
    // Fail closed: a selection that leaves nothing to run would pass everything.
    throw new ConfigError(`${config?.file ?? 'the configuration'}: rules.include and rules.exclude leave none of the profile's ${base.length} rules to run `
      + '(include ids of the profile being run, or choose another profile)');
  }
  return selected.map((r) => (Object.prototype.hasOwnProperty.call(severity, r.id) && severity[r.id] !== r.severity
    ? Object.create(r, { severity: { value: severity[r.id], enumerable: true } }) as Rule
    : r));
}

/** The suppression policy of a configuration, judged against `now` (the clock is a parameter, for tests). */
export function suppressionPolicy(config: HardenedConfig | undefined, now: Date): SuppressionPolicy {
  const s = config?.suppressions;
  const forbidden = s?.forbid ? selectRuleIds(s.forbid, catalogueIds(), 'suppressions.forbid') : undefined;
  return {
    ...(forbidden ? { forbid: (id: string) => forbidden.has(id) } : {}),
    ...(s?.reasonPattern ? { reasonPattern: new RegExp(s.reasonPattern, 'u'), reasonPatternSource: s.reasonPattern } : {}),
    now,
    expiryWarningDays: s?.expiryWarningDays ?? DEFAULT_EXPIRY_WARNING_DAYS,
  };
}

/** The configuration's exemptions, as the suppressions the engine applies. */
export function exemptionSuppressions(config: HardenedConfig | undefined): Suppression[] {
  return (config?.exemptions ?? []).map((e) => ({
    ruleId: e.rule,
    reason: e.reason,
    ...(e.kind !== undefined ? { kind: e.kind } : {}),
    ...(e.namespace !== undefined ? { namespace: e.namespace } : {}),
    ...(e.name !== undefined ? { name: e.name } : {}),
  }));
}

/**
 * Code suppressions (HardenOptions.suppressions) under the configuration's governance: a forbidden or unknown rule
 * or a bad reason is an Error naming the suppression (construction fails, as an insecure construct prop does).
 */
export function checkCodeSuppressions(suppressions: readonly Suppression[], policy: SuppressionPolicy): void {
  const known = new Set(ALL_RULES.map((r) => r.id));
  for (const s of suppressions) {
    if (!known.has(s.ruleId)) {
      const near = suggestRuleIds(s.ruleId, ALL_RULES);
      throw new Error(`suppression of unknown rule "${s.ruleId}"${near.length ? `; did you mean ${near.join(', ')}?` : ''}`);
    }
    if (policy.forbid?.(s.ruleId)) {
      throw new Error(`suppression of "${s.ruleId}" is forbidden by suppressions.forbid of the configuration; fix the finding instead`);
    }
    const problem = reasonProblem(s.reason, policy);
    if (problem) {
      throw new Error(`suppression of "${s.ruleId}" ${problem}: write why the risk is acceptable here`);
    }
  }
}
