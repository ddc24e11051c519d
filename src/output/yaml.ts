import { DEFAULT_SCALAR_STYLE_RULES, DUMP_SCHEMA, jsToAst, mapTag, present, SCALAR_STYLE } from 'js-yaml';
import type { PresenterOptions, ScalarLayout, ScalarTagDefinition } from 'js-yaml';
import { resolvePlainKubectl, resolvePlainKustomize } from '../input/resolve';

/**
 * Strings that some Kubernetes reader would take for a number although a YAML 1.1 or 1.2 schema does not: kubectl
 * reads YAML with go-yaml v2 (via sigs.k8s.io/yaml), which removes underscores and then hands anything that starts
 * with a digit or a sign to Go's `strconv.ParseInt(s, 0, 64)`, and so accepts `0o17`, `0x_1F` and `1_000`.
 */
const GO_INT = /^[-+]?(?:0[bB][01]+|0[oO]?[0-7]+|0[xX][0-9a-fA-F]+|[0-9]+)$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;
const SPECIAL = /^(?:=|<<|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;
/** YAML 1.1's floats as the `yaml` package reads them, looser than 1.2's (`.`, `1.`, `1._5`, `e0`). */
const FLOAT_11 = /^[-+]?(?:[0-9][0-9_]*)?(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?$/;
/** YAML 1.1's sexagesimal numbers (`1:20`, `190:20:30.15`): strings to Go, numbers to PyYAML and the `yaml` package. */
const BASE_60 = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;

/**
 * True when a plain (unquoted) scalar `value` could be read as something other than that string by some
 * reader of the written files: kubectl (yaml.v2: YAML 1.1 booleans, Go integers in every radix), kustomize
 * (yaml.v3: timestamps become times), YAML 1.1 readers (sexagesimals) or YAML 1.2 readers.
 */
export function looksLikeNonString(value: string): boolean {
  if (SPECIAL.test(value) || BASE_60.test(value) || FLOAT_11.test(value)) {
    return true;
  }
  const bare = value.replace(/_/g, '');
  if (bare !== '' && (GO_INT.test(bare) || FLOAT.test(bare))) {
    return true;
  }
  const kubectl = resolvePlainKubectl(value);
  const kustomize = resolvePlainKustomize(value);
  return !(kubectl.kind === 'value' && kubectl.value === value && kustomize.kind === 'value' && kustomize.value === value);
}

/**
 * Verdicts of looksLikeNonString on recent short strings (manifests repeat their labels, ports and names); long
 * strings (a ConfigMap's file, a certificate) are judged afresh, so the cache never holds large payloads.
 */
const VERDICTS = new Map<string, boolean>();
const MAX_VERDICTS = 50_000;
const MAX_CACHED_LENGTH = 256;

function readsOtherwise(value: string): boolean {
  if (value.length > MAX_CACHED_LENGTH) {
    return looksLikeNonString(value);
  }
  let verdict = VERDICTS.get(value);
  if (verdict === undefined) {
    verdict = looksLikeNonString(value);
    if (VERDICTS.size >= MAX_VERDICTS) {
      VERDICTS.clear();
    }
    VERDICTS.set(value, verdict);
  }
  return verdict;
}

const STR_TAG = 'tag:yaml.org,2002:str';
const INT_TAG = 'tag:yaml.org,2002:int';
const FLOAT_TAG = 'tag:yaml.org,2002:float';

/** Why a string cannot be written so that both readers read it back (undefined: it can), as key or as value. */
function stringRefusal(value: string, isKey: boolean): string | undefined {
  if (isKey && value === '<<') {
    // kustomize drops every key named <<, quoted or not: there is no way to write one that both readers keep.
    return 'a key named "<<" cannot be written: kustomize drops it (it takes it for a YAML merge key); rename the key';
  }
  const raw = /[\u007f-\u009f]/.exec(value);
  if (raw) {
    // kustomize (kubectl -k, Flux, Argo CD) writes DEL and the C1 controls out raw, escaped or not, and kubectl then
    // refuses the stream ("control characters are not allowed"), or, for U+0085, reads a line break (a space).
    const code = raw[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
    const name = code === '0085' ? ' (NEXT LINE)' : code === '007F' ? ' (DELETE)' : ' (a C1 control character)';
    return `a string holding U+${code}${name} cannot be written: kustomize writes it out raw and kubectl then `
      + `${code === '0085' ? 'reads a space' : 'refuses the file'}; use another character`;
  }
  return undefined;
}

function numberRefusal(value: number): string | undefined {
  return Number.isFinite(value) ? undefined : `${value} cannot be written: JSON has no NaN or infinity, so kubectl would refuse the file`;
}

/** Whether js-yaml's dumper writes `value` at all (with skipInvalid it drops a mapping pair whose value it cannot represent). */
function represented(value: unknown): boolean {
  const type = typeof value;
  return value === null || type === 'string' || type === 'number' || type === 'boolean' || type === 'object';
}

/** The first value of `value`, in document order, that the writer refuses, as the reason; undefined when all can be written. */
function refusal(value: unknown): string | undefined {
  if (typeof value === 'string') {
    return stringRefusal(value, false);
  }
  if (typeof value === 'number') {
    return numberRefusal(value);
  }
  if (Array.isArray(value)) {
    for (const item of value) {
      const why = refusal(item);
      if (why !== undefined) {
        return why;
      }
    }
    return undefined;
  }
  if (value instanceof Set) {
    // js-yaml writes a Set as a mapping whose keys are its members.
    for (const member of value) {
      const why = typeof member === 'string' ? stringRefusal(member, true) : represented(member) ? refusal(member) : undefined;
      if (why !== undefined) {
        return why;
      }
    }
    return undefined;
  }
  if (value !== null && typeof value === 'object' && !(value instanceof Date) && !(value instanceof Uint8Array)) {
    for (const key of Object.keys(value)) {
      const item = (value as Record<string, unknown>)[key];
      if (!represented(item)) {
        continue;
      }
      const why = stringRefusal(key, true) ?? refusal(item);
      if (why !== undefined) {
        return why;
      }
    }
  }
  return undefined;
}

/**
 * Throws an UnwritableValueError when {@link toYaml} would throw one for `value`, without serializing it (one walk
 * over the value, no text kept): HardenedApp checks every judged object this way before cdk8s writes its first
 * file. The walk refuses what the writer refuses (the same checks, on the values the dumper writes); for a value
 * with several, it names the first in document order.
 */
export function assertWritable(value: unknown): void {
  const why = refusal(value);
  if (why !== undefined) {
    throw new UnwritableValueError(why);
  }
}

/**
 * Double-quotes every string a reader of the written file would read as something else (see looksLikeNonString),
 * and refuses a string no reader reads back (the check assertWritable makes without serializing).
 */
function quoteWhatReadsOtherwise(layout: ScalarLayout): void {
  if (layout.node.tag !== STR_TAG) {
    return;
  }
  const why = stringRefusal(layout.node.value, layout.isKey);
  if (why !== undefined) {
    throw new UnwritableValueError(why);
  }
  if (layout.style === SCALAR_STYLE.PLAIN && readsOtherwise(layout.node.value)) {
    layout.style = SCALAR_STYLE.DOUBLE_QUOTED;
  }
}

/** Thrown for a value JSON cannot carry (NaN, an infinity): kubectl would refuse the file. */
export class UnwritableValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnwritableValueError';
  }
}

const dumpInt = DUMP_SCHEMA.tags.find((t) => t.tagName === INT_TAG) as ScalarTagDefinition<number>;
const dumpFloat = DUMP_SCHEMA.tags.find((t) => t.tagName === FLOAT_TAG) as ScalarTagDefinition<number>;

/**
 * js-yaml's dumper schema (its implicit types are those of YAML 1.1 and 1.2 together, so it quotes what either
 * reads as a non-string), except that every non-array object is a mapping, whatever realm it was made in (a
 * structuredClone or a vm context makes objects whose prototype is another realm's Object.prototype), that an
 * integer beyond 2^53 is written with the exact digits of the number it is (JavaScript would print the shortest
 * digits that round to it, which Go reads as another integer), and that a non-finite number is refused instead of
 * written as `.nan`/`.inf`.
 */
const SCHEMA = DUMP_SCHEMA.withTags({
  ...mapTag,
  identify: (data: unknown) => typeof data === 'object' && data !== null && !Array.isArray(data) && !(data instanceof Date)
    && !(data instanceof Set) && !(data instanceof Uint8Array),
}, {
  ...dumpInt,
  represent: (value: number) => (Number.isSafeInteger(value) ? dumpInt.represent(value) : BigInt(value).toString()),
}, {
  ...dumpFloat,
  represent: (value: number) => {
    const why = numberRefusal(value);
    if (why !== undefined) {
      throw new UnwritableValueError(why);
    }
    return dumpFloat.represent(value);
  },
});

const RULES = [quoteWhatReadsOtherwise, ...Object.values(DEFAULT_SCALAR_STYLE_RULES)];

/**
 * What `dump(value, { schema, lineWidth: -1, noRefs: true, quoteStyle: 'double', scalarStyleRules, skipInvalid: true })`
 * does, in its two steps (js-yaml's exported AST builder and presenter), without rebuilding dump's option objects
 * for every object written.
 */
const FROM_JS = { noRefs: true, skipInvalid: true } as const;
const PRESENT: PresenterOptions = { schema: SCHEMA, lineWidth: -1, quoteStyle: 'double', scalarStyleRules: RULES };

/**
 * Serializes one Kubernetes object as a YAML document, deterministically: keys in the order given, no line
 * wrapping, no anchors or aliases, and every string double-quoted that kubectl (yaml.v2), kustomize (yaml.v3)
 * or another YAML 1.1 or 1.2 reader would take for a boolean, number, null or timestamp (`"yes"`, `"on"`,
 * `"0o17"`, `"2001-12-14"`), and every string holding a character some reader takes for a line break (U+0085,
 * U+2028, U+2029) or cannot read raw written as an escape. What it writes, both readers read back as `value`.
 */
export function toYaml(value: unknown): string {
  const text = present(jsToAst(value, SCHEMA, FROM_JS), PRESENT);
  return text.endsWith('\n') ? text : `${text}\n`;
}
