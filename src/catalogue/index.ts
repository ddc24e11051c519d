/**
 * The whole rule catalogue, composed above its two sources: policy's rules and the schema rule (a peer of policy,
 * which policy does not import). The engine and the packs take the catalogue as a parameter; the functions here are
 * theirs with this catalogue given, which is what every stage above policy and schema (and the public API) uses.
 */
import * as engine from '../policy/engine';
import { Evaluation, EvaluateOptions, ShardContext, ShardEvaluation } from '../policy/engine';
import * as packs from '../policy/packs';
import { Finding, Manifest, Profile, Rule } from '../policy/rule';
import { POLICY_RULES } from '../policy/rules';
import { SCHEMA_RULE } from '../schema';

/** Every rule of the catalogue, in report order: the schema rule, then policy's areas, each in its own order. */
export const ALL_RULES: readonly Rule[] = [SCHEMA_RULE, ...POLICY_RULES];

/**
 * The rules of a named pack: every rule that lists the profile, less the rules that another rule of the
 * pack overrides (as PSA's restricted checks replace their baseline counterparts). Throws an
 * {@link UnknownProfileError} for a name that is not a profile (from JavaScript or `as any`).
 */
export function rulesForProfile(profile: Profile, catalogue: readonly Rule[] = ALL_RULES): Rule[] {
  return packs.rulesForProfile(profile, catalogue);
}

/** Looks a rule up by id. */
export function findRule(id: string, catalogue: readonly Rule[] = ALL_RULES): Rule | undefined {
  return packs.findRule(id, catalogue);
}

/**
 * Runs `rules` (or the rules of a profile) over every manifest and returns the findings in a stable order: by object
 * (input order), then by rule (catalogue order), then in the order the rule reported them. A rule that throws is
 * reported as an error finding on that object, never as a silent pass.
 */
export function evaluate(manifests: readonly Manifest[], rulesOrProfile: readonly Rule[] | Profile, options: EvaluateOptions = {}): Finding[] {
  return engine.evaluate(manifests, rulesOrProfile, options, ALL_RULES);
}

/** `evaluate`, with the suppressions in force (annotations, code suppressions and exemptions) beside the findings. */
export function evaluateRun(manifests: readonly Manifest[], rulesOrProfile: readonly Rule[] | Profile, options: EvaluateOptions = {}): Evaluation {
  return engine.evaluateRun(manifests, rulesOrProfile, options, ALL_RULES);
}

/** The set rules' outcomes over the whole object set, split by shard (`engine.setOutcomes` with this catalogue). */
export function setOutcomes(manifests: readonly Manifest[], rulesOrProfile: readonly Rule[] | Profile, options: EvaluateOptions, shards: readonly number[]): ShardContext[] {
  return engine.setOutcomes(manifests, rulesOrProfile, options, shards, ALL_RULES);
}

/** Judges one shard of an object set (`engine.evaluateShard` with this catalogue). */
export function evaluateShard(manifests: readonly Manifest[], rules: readonly Rule[], options: EvaluateOptions, shard: ShardContext): ShardEvaluation {
  return engine.evaluateShard(manifests, rules, options, shard, ALL_RULES);
}
