import { isObject, JsonObject, objectField } from './json';
import { Path } from './path';
import { Violation } from './rule';

/** Annotation key prefix: `suppress.cdk8s-hardened.io/<rule-id>: "<reason>"`. */
export const SUPPRESSION_ANNOTATION_PREFIX = 'suppress.cdk8s-hardened.io/';

/** A suppression must say why in at least this many characters (as cdk-nag asks). */
export const MIN_REASON_LENGTH = 10;

/** The rule id of findings about suppressions themselves (missing reason, unknown rule). */
export const SUPPRESSION_RULE_ID = 'suppression-invalid';

/**
 * Silences one rule's findings, with a written reason. Without `kind`/`name`/`namespace` it applies to every
 * object; with `path` only to findings at that field path or below it.
 */
export interface Suppression {
  readonly ruleId: string;
  readonly reason: string;
  readonly kind?: string;
  readonly namespace?: string;
  readonly name?: string;
  readonly path?: string;
}

/** The annotation that suppresses `ruleId` on an object, for constructs and escape hatches to write. */
export function suppressionAnnotation(ruleId: string, reason: string): Record<string, string> {
  const problem = reasonProblem(reason);
  if (problem) {
    throw new Error(`suppression of "${ruleId}" ${problem}: write why the risk is acceptable here`);
  }
  return { [SUPPRESSION_ANNOTATION_PREFIX + ruleId]: reason.trim() };
}

/** Why a reason is not acceptable, or undefined when it is. */
export function reasonProblem(reason: unknown): string | undefined {
  if (typeof reason !== 'string' || reason.trim() === '') {
    return 'has no reason';
  }
  if (reason.trim().length < MIN_REASON_LENGTH) {
    return `has a reason shorter than ${MIN_REASON_LENGTH} characters ("${reason.trim()}")`;
  }
  return undefined;
}

/** The suppressions written as annotations on an object, and the problems with malformed ones. */
export function annotationSuppressions(object: JsonObject, knownRuleIds: ReadonlySet<string>): {
  suppressions: Map<string, string>;
  problems: Violation[];
} {
  const suppressions = new Map<string, string>();
  const problems: Violation[] = [];
  const annotations = objectField(objectField(object, 'metadata'), 'annotations');
  if (!isObject(annotations)) {
    return { suppressions, problems };
  }
  for (const [key, value] of Object.entries(annotations)) {
    if (!key.startsWith(SUPPRESSION_ANNOTATION_PREFIX)) {
      continue;
    }
    const ruleId = key.slice(SUPPRESSION_ANNOTATION_PREFIX.length);
    const path: Path = ['metadata', 'annotations', key];
    const problem = reasonProblem(value);
    if (problem) {
      problems.push({
        severity: 'error',
        path,
        message: `suppression of "${ruleId}" ${problem}`,
        remediation: `Write why the risk is acceptable as the value of annotation ${key} (at least ${MIN_REASON_LENGTH} characters), or remove the annotation.`,
      });
      continue;
    }
    if (!knownRuleIds.has(ruleId)) {
      problems.push({
        severity: 'warning',
        path,
        message: `suppression names unknown rule "${ruleId}"`,
        remediation: 'Use a rule id that `cdk8s-hardened rules` lists, or remove the annotation.',
      });
      continue;
    }
    suppressions.set(ruleId, (value as string).trim());
  }
  return { suppressions, problems };
}
