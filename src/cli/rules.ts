import { ALL_RULES, findRule, rulesForProfile } from '../catalogue';
import { Profile } from '../policy/rule';
import {
  ENGINE_RULES,
  formatRuleExplanation,
  formatRuleList,
  formatRulesMarkdown,
  ruleArea,
  RuleInfo,
  suggestRuleIds,
} from '../report/rules-doc';
import { CliIo, EXIT_OK, UsageError, writeFileAtomically } from './common';

export const RULES_FORMATS = ['text', 'json', 'markdown'] as const;
export type RulesFormat = (typeof RULES_FORMATS)[number];

export interface RulesOptions {
  /** Only the rules of this pack (as `check --profile` runs them). @default every rule of the catalogue */
  readonly profile?: Profile;
  /** @default 'text' */
  readonly format?: RulesFormat;
  /** Write to this file (atomically) instead of stdout. */
  readonly output?: string;
}

function info(rule: RuleInfo) {
  return {
    id: rule.id,
    title: rule.title,
    severity: rule.severity,
    area: ruleArea(rule),
    profiles: [...rule.profiles],
    description: rule.description,
    remediation: rule.remediation,
    docsUrl: rule.docsUrl,
    ...(rule.overrides?.length ? { overrides: [...rule.overrides] } : {}),
  };
}

/** Looks a rule up in the catalogue and among the engine's own findings; an unknown id is a usage error with suggestions. */
export function lookupRule(id: string): RuleInfo {
  const rule = findRule(id) ?? ENGINE_RULES.find((r) => r.id === id);
  if (rule) {
    return rule;
  }
  const shown = id.length > 80 ? `${id.slice(0, 80)}...` : id;
  const close = suggestRuleIds(id, [...ALL_RULES, ...ENGINE_RULES]);
  throw new UsageError(`unknown rule "${JSON.stringify(shown).slice(1, -1)}"; `
    + `${close.length ? `did you mean ${close.join(', ')}? ` : ''}list every rule with: cdk8s-hardened rules`);
}

/**
 * `cdk8s-hardened rules [RULE_ID]`: lists the rules (id, severity, title; grouped by area), or explains one
 * (description with the risk, fix, reference, profiles). `--format markdown` writes docs/rules.md.
 */
export function runRules(id: string | undefined, options: RulesOptions, io: CliIo): number {
  const format = options.format ?? 'text';
  let text: string;
  if (id !== undefined) {
    const rule = lookupRule(id);
    text = format === 'json' ? `${JSON.stringify(info(rule), null, 2)}\n`
      : format === 'markdown' ? formatRulesMarkdown([rule]) : formatRuleExplanation(rule);
  } else {
    const rules = options.profile ? rulesForProfile(options.profile) : ALL_RULES;
    const heading = options.profile ? `Rules of profile ${options.profile}:` : 'Rules of the catalogue (check --profile picks a pack):';
    text = format === 'json' ? `${JSON.stringify(rules.map(info), null, 2)}\n`
      : format === 'markdown' ? formatRulesMarkdown(rules) : formatRuleList(rules, heading);
  }
  if (options.output !== undefined) {
    writeFileAtomically(options.output, text);
    io.stderr(`cdk8s-hardened: wrote ${options.output}\n`);
  } else {
    io.stdout(text);
  }
  return EXIT_OK;
}
