import { Profile, Rule } from './rule';
import { ALL_RULES } from './rules';

/**
 * The rules of a named pack: every rule that lists the profile, less the rules that another rule of the
 * pack overrides (as PSA's restricted checks replace their baseline counterparts).
 */
export function rulesForProfile(profile: Profile, catalogue: readonly Rule[] = ALL_RULES): Rule[] {
  const members = catalogue.filter((rule) => rule.profiles.includes(profile));
  const overridden = new Set(members.flatMap((rule) => rule.overrides ?? []));
  return members.filter((rule) => !overridden.has(rule.id));
}

/** Looks a rule up by id. */
export function findRule(id: string, catalogue: readonly Rule[] = ALL_RULES): Rule | undefined {
  return catalogue.find((rule) => rule.id === id);
}
