import { READING_DIFFERS_RULE_ID } from '../../src/policy/rule';
import { readings, readManifests, Reading } from '../../src/input/read';
import type { OracleAnswer, OracleReading } from '../support/reader-oracle';

/*
 * The parity contract between our reader and the real ones (test/oracle): for every stream and each reader,
 * the same objects, or we refuse the stream. The Go-backed differential test and the golden-vector test (which
 * replays committed oracle answers where Go is absent) both judge with this module.
 */

export type Verdict =
  /** Both read the same objects, or both refuse. */
  | 'agree'
  /** We refuse what the real reader reads (allowed: "or we refuse it"). */
  | 'refused'
  /** kustomize refuses what we read as kustomize would (we do not model every kustomize build check). */
  | 'lenient'
  /** Different objects, or we read what kubectl refuses: a bug in us. */
  | 'DISAGREE';

/** JSON with sorted keys: equal objects give equal text whatever their key order. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (v && typeof v === 'object' && !Array.isArray(v)
    ? Object.fromEntries(Object.keys(v as object).sort().map((k) => [k, (v as Record<string, unknown>)[k]]))
    : v));
}

/**
 * True when an integer literal of the oracle's answer is an integer Go holds exactly and a JavaScript number
 * cannot (9007199254740993). An integer a double holds exactly (-2^63), or a literal that is how Go prints a float
 * (9223372036854776000, the shortest digits of 2^63), is that same number to JavaScript.
 */
function inexact(reading: OracleReading): boolean {
  return reading.unsafeIntegerLiterals.some((literal) => {
    const n = Number(literal);
    return BigInt(n) !== BigInt(literal) && String(n) !== literal.replace(/^\+/, '');
  });
}

export interface Comparison {
  readonly kubectl: Verdict;
  readonly kustomize: Verdict;
  /** What differed, for the report of a disagreement. */
  readonly detail?: string;
}

function judge(ours: Reading, theirs: OracleReading | undefined, reader: 'kubectl' | 'kustomize'): { verdict: Verdict; detail?: string } {
  if (!theirs) {
    return { verdict: 'agree' };
  }
  const theyRefuse = theirs.errors.length > 0;
  if ('error' in ours) {
    return { verdict: theyRefuse ? 'agree' : 'refused', detail: ours.error };
  }
  if (theyRefuse) {
    return reader === 'kustomize'
      ? { verdict: 'lenient', detail: theirs.errors.join('; ') }
      : { verdict: 'DISAGREE', detail: `we read ${ours.objects.length} objects, kubectl refuses: ${theirs.errors.join('; ')}` };
  }
  if (inexact(theirs)) {
    return { verdict: 'DISAGREE', detail: `kubectl holds the integers ${theirs.unsafeIntegerLiterals.join(', ')} exactly; we read numbers` };
  }
  const a = ours.objects.map(canonical);
  const b = theirs.objects.map(canonical);
  if (reader === 'kustomize') {
    // kustomize orders its output (by kind); the set of objects is what counts.
    a.sort();
    b.sort();
  }
  return JSON.stringify(a) === JSON.stringify(b)
    ? { verdict: 'agree' }
    : { verdict: 'DISAGREE', detail: `ours ${JSON.stringify(a).slice(0, 600)}\ntheirs ${JSON.stringify(b).slice(0, 600)}` };
}

/**
 * Compares our readings of `text` with the oracle's answer, and checks that what the tools use
 * (`readManifests`) agrees with those readings: the same objects as kubectl where kubectl reads the stream, and
 * a finding wherever kustomize reads it differently.
 */
export function compare(text: string, answer: OracleAnswer): Comparison {
  const ours = readings(text);
  const k = judge(ours.kubectl, answer.kubectl, 'kubectl');
  const z = judge(ours.kustomize, answer.kustomize, 'kustomize');
  const consistency = consistent(text, ours);
  if (consistency) {
    return { kubectl: 'DISAGREE', kustomize: z.verdict, detail: consistency };
  }
  return { kubectl: k.verdict, kustomize: z.verdict, detail: k.verdict === 'DISAGREE' ? k.detail : z.verdict === 'DISAGREE' ? z.detail : k.detail ?? z.detail };
}

/** Why readManifests disagrees with the full readings of the stream, or undefined when it agrees. */
function consistent(text: string, ours: ReturnType<typeof readings>): string | undefined {
  if ('error' in ours.kubectl) {
    return undefined;
  }
  let manifests;
  try {
    manifests = readManifests(text, 'input');
  } catch (error) {
    return `readManifests refuses what kubectl reads: ${(error as Error).message}`;
  }
  const objects = manifests.map((m) => canonical(m.object));
  if (JSON.stringify(objects) !== JSON.stringify(ours.kubectl.objects.map(canonical))) {
    return `readManifests objects differ from the kubectl reading:\n${objects.join('\n').slice(0, 600)}`;
  }
  if ('objects' in ours.kustomize) {
    const a = ours.kubectl.objects.map(canonical).sort();
    const b = ours.kustomize.objects.map(canonical).sort();
    const differs = JSON.stringify(a) !== JSON.stringify(b);
    const flagged = manifests.some((m) => m.notes?.some((n) => n.ruleId === READING_DIFFERS_RULE_ID));
    if (differs && !flagged) {
      return 'kubectl and kustomize read the stream differently, and readManifests reports no input-reading-differs finding';
    }
  }
  return undefined;
}

/** Counts of verdicts over many comparisons, with the disagreements listed. */
export class Tally {
  readonly counts: Record<'kubectl' | 'kustomize', Record<Verdict, number>> = {
    kubectl: { agree: 0, refused: 0, lenient: 0, DISAGREE: 0 },
    kustomize: { agree: 0, refused: 0, lenient: 0, DISAGREE: 0 },
  };
  readonly disagreements: string[] = [];
  /** Refusal reasons (numbers and quoted parts elided), most frequent first when reported. */
  readonly refusals = new Map<string, number>();

  add(id: string, text: string, comparison: Comparison): void {
    for (const reader of ['kubectl', 'kustomize'] as const) {
      this.counts[reader][comparison[reader]]++;
      if (comparison[reader] === 'DISAGREE') {
        this.disagreements.push(`${id} (${reader}): ${JSON.stringify(text).slice(0, 400)}\n${comparison.detail}`);
      }
      if (comparison[reader] === 'refused') {
        const reason = (comparison.detail ?? '').replace(/^[^:]*: document \d+(, line \d+)?(, column \d+)?: /, '').replace(/"[^"]*"|\d+/g, '#').slice(0, 100);
        this.refusals.set(reason, (this.refusals.get(reason) ?? 0) + 1);
      }
    }
  }

  summary(): string {
    const top = [...this.refusals].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([r, n]) => `    ${n} ${r}`).join('\n');
    return `kubectl ${JSON.stringify(this.counts.kubectl)}\nkustomize ${JSON.stringify(this.counts.kustomize)}\nmost frequent refusals:\n${top}`;
  }
}
