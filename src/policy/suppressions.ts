import { suggest } from '../util/suggest';
import { isObject, JsonObject, objectField } from './json';
import { Path } from './path';
import { Violation } from './rule';

/** Annotation key prefix: `suppress.cdk8s-hardened.io/<rule-id>: "<reason>"`. */
export const SUPPRESSION_ANNOTATION_PREFIX = 'suppress.cdk8s-hardened.io/';

/**
 * A suppression must say why with at least this many letters or digits (as cdk-nag asks for 10 characters;
 * counted as Unicode letters and digits, so ten dots, ten spaces or five emoji are not a reason).
 */
export const MIN_REASON_LENGTH = 10;

/** The rule id of findings about suppressions themselves (missing reason, unknown rule, forbidden, expired). */
export const SUPPRESSION_RULE_ID = 'suppression-invalid';

/** The rule id of the warning that a suppression expires soon. */
export const SUPPRESSION_EXPIRING_RULE_ID = 'suppression-expiring';

/** A suppression expiring within this many days is a warning, unless the configuration says otherwise. */
export const DEFAULT_EXPIRY_WARNING_DAYS = 30;

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

/**
 * What a platform team decides about suppressions (the `suppressions` section of `.cdk8s-hardened.yaml`), as plain
 * data. The clock is a parameter, so expiry is judged the same way in every run of a test.
 */
export interface SuppressionPolicy {
  /** Rules no annotation, construct escape hatch or code suppression may suppress. */
  readonly forbid?: (ruleId: string) => boolean;
  /** Every reason must match this (e.g. a ticket reference). */
  readonly reasonPattern?: RegExp;
  /** The `reasonPattern` as written, for messages. */
  readonly reasonPatternSource?: string;
  /** Today, for expiry. @default - expiries are still parsed and checked for form, but none is judged expired */
  readonly now?: Date;
  /** A suppression that expires within this many days is a warning. @default DEFAULT_EXPIRY_WARNING_DAYS */
  readonly expiryWarningDays?: number;
}

/** A reason with its optional `; expires=YYYY-MM-DD` suffix taken apart. */
export interface ParsedReason {
  readonly reason: string;
  /** The expiry date as written (`2027-03-31`): the last day the suppression holds. */
  readonly expires?: string;
}

/** `<reason>; expires=<date>`; the date is checked by parseReason. */
const EXPIRY = /^([\s\S]*?);\s*expires=(\S*)\s*$/;
/** Control, format (zero-width, bidirectional), private-use, surrogate and unassigned code points, and line/paragraph separators. */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Co}\p{Cs}\p{Cn}\p{Zl}\p{Zp}]/u;
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/gu;

function codePoint(c: string): string {
  return `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** Splits `reason; expires=2027-03-31`; throws (with the problem) on an expiry that is not a real YYYY-MM-DD date. */
export function parseReason(text: string): ParsedReason | { readonly problem: string } {
  const match = EXPIRY.exec(text);
  if (!match) {
    if (/expires=/.test(text)) {
      return { problem: 'has an expiry that is not at the end of the reason (write "<reason>; expires=YYYY-MM-DD")' };
    }
    return { reason: text.trim() };
  }
  const date = match[2];
  const parts = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const valid = parts && (() => {
    const d = new Date(Date.UTC(Number(parts[1]), Number(parts[2]) - 1, Number(parts[3])));
    return d.getUTCFullYear() === Number(parts[1]) && d.getUTCMonth() === Number(parts[2]) - 1 && d.getUTCDate() === Number(parts[3]);
  })();
  if (!valid) {
    return { problem: `has an expiry "${date}" that is not a date (write expires=YYYY-MM-DD, e.g. expires=2027-03-31)` };
  }
  return { reason: match[1].trim(), expires: date };
}

/** Why a reason is not acceptable, or undefined when it is. The `; expires=` suffix, if any, is not part of the reason. */
export function reasonProblem(reason: unknown, policy: SuppressionPolicy = {}): string | undefined {
  if (typeof reason !== 'string' || reason.trim() === '') {
    return 'has no reason';
  }
  const invisible = INVISIBLE.exec(reason);
  if (invisible) {
    return `has a reason holding the invisible or control character ${codePoint(invisible[0])} (write the reason in plain visible text)`;
  }
  const parsed = parseReason(reason);
  if ('problem' in parsed) {
    return parsed.problem;
  }
  const letters = parsed.reason.match(LETTER_OR_DIGIT)?.length ?? 0;
  if (letters < MIN_REASON_LENGTH) {
    return `has a reason shorter than ${MIN_REASON_LENGTH} letters or digits ("${parsed.reason}")`;
  }
  if (policy.reasonPattern && !policy.reasonPattern.test(parsed.reason)) {
    return `has a reason that does not match the reasonPattern ${policy.reasonPatternSource ?? String(policy.reasonPattern)} of the configuration ("${parsed.reason}")`;
  }
  return undefined;
}

/** The annotation that suppresses `ruleId` on an object, for constructs and escape hatches to write. */
export function suppressionAnnotation(ruleId: string, reason: string): Record<string, string> {
  const problem = reasonProblem(reason);
  if (problem) {
    throw new Error(`suppression of "${ruleId}" ${problem}: write why the risk is acceptable here`);
  }
  return { [SUPPRESSION_ANNOTATION_PREFIX + ruleId]: reason.trim() };
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Whole days from `now` (its UTC date) to the expiry date: 0 on the last day it holds, negative once expired.
 */
export function daysUntil(expires: string, now: Date): number {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const [y, m, d] = expires.split('-').map(Number);
  return Math.round((Date.UTC(y, m - 1, d) - today) / DAY_MS);
}

/** A suppression in force on an object: what reports list. */
export interface AnnotatedSuppression {
  readonly reason: string;
  readonly expires?: string;
  /** The annotation's path on the object, for its line. */
  readonly path: Path;
}

/**
 * Problems with a suppression (annotation or code) that governance decides, before its reason is looked at:
 * an unknown rule (with "did you mean"), a forbidden rule. Undefined when it may stand.
 */
export function governanceProblem(
  ruleId: string,
  knownRuleIds: ReadonlySet<string>,
  policy: SuppressionPolicy,
  engineRuleIds: ReadonlySet<string> = new Set(),
): { message: string; remediation: string } | undefined {
  if (engineRuleIds.has(ruleId)) {
    return {
      message: `suppression names the engine finding "${ruleId}", which no suppression can silence`,
      remediation: `Fix what ${ruleId} reports (it is about the input or its suppressions, not a risk to accept), and remove the annotation.`,
    };
  }
  if (!knownRuleIds.has(ruleId)) {
    const near = suggest(ruleId, knownRuleIds);
    return {
      message: `suppression names unknown rule "${ruleId}"${near ? `; did you mean ${near}?` : ''}`,
      remediation: 'Use a rule id that `cdk8s-hardened rules` lists, or remove the suppression.',
    };
  }
  if (policy.forbid?.(ruleId)) {
    return {
      message: `suppression of "${ruleId}" is forbidden by suppressions.forbid of the configuration: this risk may not be accepted per object`,
      remediation: `Fix the finding of ${ruleId} instead, or ask the platform team for an exemption in .cdk8s-hardened.yaml.`,
    };
  }
  return undefined;
}

/**
 * The suppressions written as annotations on an object, and the problems with malformed, unknown, forbidden,
 * expired or soon expiring ones. A suppression with a problem that is an error suppresses nothing.
 */
export function annotationSuppressions(
  object: JsonObject,
  knownRuleIds: ReadonlySet<string>,
  policy: SuppressionPolicy = {},
  engineRuleIds: ReadonlySet<string> = new Set(),
): {
  suppressions: Map<string, AnnotatedSuppression>;
  problems: Array<Violation & { ruleId: string }>;
} {
  const suppressions = new Map<string, AnnotatedSuppression>();
  const problems: Array<Violation & { ruleId: string }> = [];
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
    const governed = governanceProblem(ruleId, knownRuleIds, policy, engineRuleIds);
    if (governed) {
      problems.push({ ruleId: SUPPRESSION_RULE_ID, severity: 'error', path, ...governed });
      continue;
    }
    const problem = reasonProblem(value, policy);
    if (problem) {
      problems.push({
        ruleId: SUPPRESSION_RULE_ID,
        severity: 'error',
        path,
        message: `suppression of "${ruleId}" ${problem}`,
        remediation: `Write why the risk is acceptable as the value of annotation ${key} (at least ${MIN_REASON_LENGTH} letters or digits`
          + `${policy.reasonPatternSource ? `, matching ${policy.reasonPatternSource}` : ''}), or remove the annotation.`,
      });
      continue;
    }
    const parsed = parseReason(value as string) as ParsedReason;
    if (parsed.expires !== undefined && policy.now) {
      const days = daysUntil(parsed.expires, policy.now);
      if (days < 0) {
        problems.push({
          ruleId: SUPPRESSION_RULE_ID,
          severity: 'error',
          path,
          message: `suppression of "${ruleId}" expired on ${parsed.expires}`,
          remediation: `Fix the finding of ${ruleId}, or renew the acceptance with a new expires= date in annotation ${key}.`,
        });
        continue;
      }
      const warnDays = policy.expiryWarningDays ?? DEFAULT_EXPIRY_WARNING_DAYS;
      if (days <= warnDays) {
        problems.push({
          ruleId: SUPPRESSION_EXPIRING_RULE_ID,
          severity: 'warning',
          path,
          message: `suppression of "${ruleId}" expires on ${parsed.expires} (${days === 0 ? 'today' : `in ${days} day${days === 1 ? '' : 's'}`})`,
          remediation: `Fix the finding of ${ruleId} before ${parsed.expires}, or renew the acceptance with a later expires= date.`,
        });
      }
    }
    suppressions.set(ruleId, { reason: parsed.reason, ...(parsed.expires !== undefined ? { expires: parsed.expires } : {}), path });
  }
  return { suppressions, problems };
}
