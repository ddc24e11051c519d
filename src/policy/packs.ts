import { isProfile, Profile, PROFILES, Rule } from './rule';
import { suggest } from '../util/suggest';

/** Thrown for a profile name that is not one of {@link PROFILES}; the message says which were meant. */
export class UnknownProfileError extends Error {
  constructor(readonly profile: unknown, where?: string) {
    // The nearest by spelling, else the one it abbreviates (`restricted` for pss-restricted).
    const short = (p: string) => p.replace(/^pss-/, '');
    const guess = typeof profile === 'string'
      ? suggest(profile, PROFILES) ?? PROFILES.find((p) => p !== short(p) && (short(p) === profile || suggest(profile, [short(p)]) !== undefined))
      : undefined;
    const what = profile === undefined ? 'no profile given'
      : `unknown profile ${typeof profile === 'string' ? `"${profile}"` : String(JSON.stringify(profile))}`;
    super(`${where ? `${where}: ` : ''}${what}${guess ? ` (did you mean ${guess}?)` : ''}; use one of ${PROFILES.join(', ')}`);
    this.name = 'UnknownProfileError';
  }
}

/**
 * Returns `value` as a profile, or throws an {@link UnknownProfileError} with "did you mean": an unknown or
 * misspelled profile would otherwise select no rule at all and pass everything (fail closed).
 */
export function checkProfile(value: unknown, where?: string): Profile {
  if (typeof value === 'string' && isProfile(value)) {
    return value;
  }
  throw new UnknownProfileError(value, where);
}

/**
 * The rules of a named pack among `catalogue` (the whole catalogue is ALL_RULES of src/catalogue, which also
 * defaults this parameter for callers above policy): every rule that lists the profile, less the rules that another rule of the
 * pack overrides (as PSA's restricted checks replace their baseline counterparts). Throws an
 * {@link UnknownProfileError} for a name that is not a profile (from JavaScript or `as any`).
 */
export function rulesForProfile(profile: Profile, catalogue: readonly Rule[]): Rule[] {
  checkProfile(profile);
  const members = catalogue.filter((rule) => rule.profiles.includes(profile));
  const overridden = new Set(members.flatMap((rule) => rule.overrides ?? []));
  return members.filter((rule) => !overridden.has(rule.id));
}

/** Looks a rule up by id in `catalogue`. */
export function findRule(id: string, catalogue: readonly Rule[]): Rule | undefined {
  return catalogue.find((rule) => rule.id === id);
}
