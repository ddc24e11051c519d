import { getScalarValue, parseEvents, YAMLException } from 'js-yaml';
import type { Event, ScalarEvent } from 'js-yaml';
import { goFloatKey, goParseInt, kustomizeMayDiffer, resolvePlainKubectl, Resolved } from './resolve';
import { EVENT_DOCUMENT, EVENT_SEQUENCE, EVENT_MAPPING, EVENT_SCALAR, EVENT_ALIAS, EVENT_POP, STYLE_PLAIN, STYLE_FLOW, STYLE_DOUBLE_QUOTED, YAML_TAG } from './events';

/*
 * The YAML half of the reader: a stream is cut into documents as apimachinery v0.28's YAMLReader cuts it, each
 * document is parsed into events by js-yaml, and the events are built into JSON with the semantics of the
 * reader kubectl uses (gopkg.in/yaml.v2 v2.4.0 through sigs.k8s.io/yaml v1.3.0): its scalar resolution, its
 * merge-key order, its key conversion. Whatever this module cannot read exactly as kubectl does is refused
 * with a ReadError that says where and why; it never guesses.
 */

/** Refusal at an offset of the document text. */
export class ReadError extends Error {
  constructor(message: string, readonly offset: number | undefined) {
    super(message);
    this.name = 'ReadError';
  }
}

/** Go's strings.TrimSpace (unicode.IsSpace at both ends). */
const GO_TRIM_SPACE = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+|[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/g;

/** One document as kubectl's YAMLReader cuts the stream. */
export interface Chunk {
  /** The document text, lines joined with `\n` (kubectl's line reader drops the `\r` of CRLF). */
  readonly text: string;
  /** 1-based line of the stream where the document's first line is. */
  readonly line: number;
  /** 1-based index of the document in the stream. */
  readonly index: number;
}

/**
 * Cuts a YAML stream into documents exactly where kubectl does: at lines that start with `---` followed by
 * nothing but spaces or a comment. A separator line followed by anything else (`--- {a: 1}`, `--- |`, `----`)
 * is an error to kubectl, and so it is here. A separator line at the start of a document is part of it.
 */
export function splitDocuments(text: string): Chunk[] {
  const chunks: Chunk[] = [];
  // Without a carriage return in the stream, a document's text is a slice of the stream; with one, its lines are
  // joined again without the \r of each CRLF.
  const crlf = text.includes('\r');
  let lines: string[] = [];
  /** Where the current document's first line starts (-1: no line yet), and where its last line ends. */
  let bufferStart = -1;
  let bufferEnd = 0;
  let bufferLine = 1;
  let bufferIndex = 1;
  let lineNo = 0;
  let start = 0;
  // Documents are numbered as YAML numbers them: a "---" line starts the next one, unless nothing but
  // comments came before it (then it starts the first).
  let documentNo = 1;
  let started = false;
  const flush = () => {
    chunks.push({ text: crlf ? `${lines.join('\n')}\n` : `${text.slice(bufferStart, bufferEnd)}\n`, line: bufferLine, index: bufferIndex });
    lines = [];
    bufferStart = -1;
  };
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    const last = end === -1;
    if (last) {
      end = text.length;
    }
    lineNo++;
    const lineStart = start;
    const lineEnd = !last && end > start && text.charCodeAt(end - 1) === 0x0d ? end - 1 : end;
    start = end + 1;
    if (lineEnd - lineStart >= 3 && text.startsWith('---', lineStart)) {
      const after = text.slice(lineStart + 3, lineEnd).replace(GO_TRIM_SPACE, '');
      if (after !== '' && !after.startsWith('#')) {
        throw new ReadError(`line ${lineNo}: "---" followed by "${after.slice(0, 40)}" is not a document separator kubectl accepts `
          + '(it stops with "invalid Yaml document separator"); put the content on the next line', undefined);
      }
      if (started) {
        documentNo++;
      }
      started = true;
      if (bufferStart >= 0) {
        flush();
        continue;
      }
    } else if (!started && !/^\s*(#.*)?$/.test(text.slice(lineStart, lineEnd))) {
      started = true;
    }
    if (bufferStart < 0) {
      bufferStart = lineStart;
      bufferLine = lineNo;
      bufferIndex = documentNo;
    }
    bufferEnd = lineEnd;
    if (crlf) {
      lines.push(text.slice(lineStart, lineEnd));
    }
  }
  if (bufferStart >= 0) {
    flush();
  }
  return chunks;
}

/** Limits that keep a small file from growing into an attack on memory or the stack. */
export interface ReadLimits {
  /** Deepest nesting accepted. */
  readonly maxDepth: number;
  /** Most alias nodes per document. */
  readonly maxAliases: number;
}

const NO_RANGE = -1;
/** In a flow collection, libyaml (yaml.v2, yaml.v3) ends a plain scalar at "?" and refuses ":" before a flow indicator. */
const FLOW_AMBIGUOUS = /\?|:[,?[\]{}]/;

/** What the events of one document hold beyond its value, for the kustomize reading. */
export interface DocumentFacts {
  /** The document uses merge keys (`<<`). */
  merges: boolean;
  /** Something kustomize may read differently: a plain `yes` or timestamp, a quoted `"<<"` key, ... */
  versionSensitive: boolean;
  /** The document uses aliases (its value may share, and so expand to far more than it holds). */
  aliases: boolean;
  /** How many values the document's value holds with its aliases expanded, and how deep it nests (set at its end). */
  values?: number;
  depth?: number;
}

/** Parses one document's text into js-yaml events; a syntax error becomes a ReadError at its offset. */
export function parseDocumentEvents(text: string, limits: ReadLimits): Event[] {
  try {
    return parseEvents(text, { maxDepth: limits.maxDepth });
  } catch (error) {
    if (error instanceof YAMLException) {
      const reason = error.reason ?? error.message;
      if (/maxDepth/.test(reason)) {
        throw new ReadError(`nested too deeply (at most ${limits.maxDepth} levels)`, error.mark?.position);
      }
      throw new ReadError(`invalid YAML (${reason})`, error.mark?.position);
    }
    if (error instanceof RangeError) {
      throw new ReadError(`nested too deeply (at most ${limits.maxDepth} levels)`, undefined);
    }
    throw error;
  }
}

function eventOffset(event: Event): number | undefined {
  if ('tagStart' in event && event.tagStart !== NO_RANGE) {
    return event.tagStart;
  }
  if ('anchorStart' in event && event.anchorStart !== NO_RANGE) {
    return event.anchorStart;
  }
  if ('valueStart' in event && event.valueStart !== NO_RANGE) {
    return event.valueStart;
  }
  if ('start' in event) {
    return event.start;
  }
  return undefined;
}

/** The full name of an explicit tag (`!!int` is `tag:yaml.org,2002:int`), or undefined when there is none. */
function tagOf(text: string, event: { tagStart: number; tagEnd: number }): string | undefined {
  if (event.tagStart === NO_RANGE) {
    return undefined;
  }
  const raw = text.slice(event.tagStart, event.tagEnd);
  if (raw.startsWith('!<') && raw.endsWith('>')) {
    return raw.slice(2, -1);
  }
  if (raw.startsWith('!!')) {
    return `${YAML_TAG}${raw.slice(2)}`;
  }
  return raw;
}

function shortTag(tag: string): string {
  return tag.startsWith(YAML_TAG) ? `!!${tag.slice(YAML_TAG.length)}` : tag;
}

function unsupportedTag(tag: string, offset: number | undefined): ReadError {
  return new ReadError(`unsupported tag ${shortTag(tag)} (tags are never executed; Kubernetes manifests hold plain mappings, lists and scalars)`, offset);
}

/** A scalar as kubectl reads it, before it becomes a key or a value. */
interface Scalar {
  /** The JSON value; undefined for an integer beyond JavaScript's safe range (`int` holds it). */
  readonly value: unknown;
  /** A plain `<<` (or `!!merge <<`): the merge key. */
  readonly merge: boolean;
  /** yaml.v2 read it as a float (a key is then written as Go formats a float32). */
  readonly float: boolean;
  /** The exact value of an integer beyond JavaScript's safe range. */
  readonly int?: bigint;
  /** The text of a non-finite float (`.inf`, `-.Inf`, `.nan`). */
  readonly text?: string;
}

type Anchor = { readonly kind: 'scalar'; readonly scalar: Scalar } | { readonly kind: 'node'; readonly value: unknown; readonly values: number; readonly depth: number } | { readonly kind: 'open' };

const MERGE = Symbol('merge');

interface Frame {
  readonly kind: 'map' | 'seq' | 'doc';
  readonly value: Record<string, unknown> | unknown[] | undefined;
  readonly anchor?: string;
  readonly offset: number | undefined;
  /** Map frames: the key waiting for its value (MERGE for `<<`). */
  key?: string | typeof MERGE;
  keyOffset?: number;
  /** Map frames that merged something: the keys given explicitly, for duplicate detection. */
  explicit?: Set<string>;
  /** Document frames: the root value. */
  root?: unknown;
  /** A flow collection (`{...}`, `[...]`). */
  readonly flow?: boolean;
  /** Values the collection holds, itself included, with aliases expanded; its nesting depth (1 when flat). */
  values: number;
  depth: number;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Sets a key on a plain object; `__proto__` becomes an own property, never the prototype. */
export function setKey(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  } else {
    target[key] = value;
  }
}

const INT64_MAX = (1n << 63n) - 1n;

/** Quick path for the common case of a plain decimal that is obviously a safe integer. */
const SIMPLE_INT = /^[1-9][0-9]{0,14}$/;

/** True for a plain number that yaml.v2 reads as a float rather than an integer (`1.0`, `1e3`, `.5`). */
function readAsFloat(source: string): boolean {
  const plain = source.replace(/_/g, '');
  return goParseInt(plain) === undefined && goParseInt(plain, true) === undefined && !/^-?0b/.test(plain);
}

/**
 * Plain scalars read already, by their text: a manifest repeats its keys and many values (`name`, `image`,
 * `true`, `80`), and a Scalar is immutable, so each is resolved and allocated once. Only texts shorter than 13
 * characters: a longer one may be a slice of its document's text to V8, which a cache entry would keep alive
 * after its file is done.
 */
const PLAIN_SCALARS = new Map<string, Scalar>();
const MAX_PLAIN_SCALARS = 10_000;
const MAX_CACHED_PLAIN = 12;

function plainScalar(source: string): Scalar {
  const short = source.length <= MAX_CACHED_PLAIN;
  if (short) {
    const known = PLAIN_SCALARS.get(source);
    if (known !== undefined) {
      return known;
    }
  }
  const scalar: Scalar = SIMPLE_INT.test(source) ? { value: Number(source), merge: false, float: false } : scalarFrom(resolvePlainKubectl(source), source);
  if (short) {
    if (PLAIN_SCALARS.size >= MAX_PLAIN_SCALARS) {
      PLAIN_SCALARS.clear();
    }
    PLAIN_SCALARS.set(source, scalar);
  }
  return scalar;
}

function scalarFrom(resolved: Resolved, source: string): Scalar {
  switch (resolved.kind) {
    case 'value':
      return { value: resolved.value, merge: false, float: typeof resolved.value === 'number' && readAsFloat(source) };
    case 'non-finite':
      return { value: NON_FINITE, merge: false, float: true, text: source };
    default: {
      const plain = source.replace(/_/g, '');
      return { value: undefined, merge: false, float: false, int: goParseInt(plain) ?? goParseInt(plain, true) ?? 0n };
    }
  }
}

/** The value of a non-finite float (`.inf`, `.nan`): fine as a key (`.inf`), refused as a value. */
const NON_FINITE = Symbol('non-finite');

/** The JSON value of a scalar in value position, refusing what kubectl cannot send or JavaScript cannot hold exactly. */
function valueOf(scalar: Scalar, source: string, offset: number | undefined): unknown {
  if (scalar.value === NON_FINITE) {
    throw new ReadError(`the value ${source} is a float that JSON cannot carry, so kubectl refuses the document; quote it ("${source}") if it is a string`, offset);
  }
  if (scalar.int !== undefined) {
    throw new ReadError(`the integer ${source} cannot be read exactly (a JavaScript number holds integers exactly only up to 2^53); quote it if it is a string`, offset);
  }
  return scalar.value;
}

/**
 * The JSON key sigs.k8s.io/yaml makes of a scalar key: strings as they are, integers in decimal, booleans as
 * `true`/`false`, floats as Go formats a float32 (`.inf`, `.nan` included); a null or an unsigned 64-bit key
 * is an error to it ("Unsupported map key").
 */
function keyOf(scalar: Scalar, offset: number | undefined): string {
  if (scalar.int !== undefined) {
    if (scalar.int > INT64_MAX) {
      throw new ReadError(`the mapping key ${scalar.int} is an unsigned 64-bit integer, which kubectl refuses ("Unsupported map key"); quote it`, offset);
    }
    return scalar.int.toString();
  }
  const value = scalar.value;
  if (value === NON_FINITE) {
    // Go formats the float as +Inf, -Inf or NaN, which sigs.k8s.io/yaml writes as .inf, -.inf and .nan.
    const text = scalar.text?.toLowerCase() ?? '';
    return text.includes('nan') ? '.nan' : text.startsWith('-') ? '-.inf' : '.inf';
  }
  if (typeof value === 'string') {
    return value;
  }
  if (value === null) {
    throw new ReadError('a null mapping key (kubectl refuses it: "Unsupported map key"); quote the key', offset);
  }
  if (typeof value === 'boolean') {
    return value ? 'true' : 'false';
  }
  return scalar.float ? goFloatKey(value as number) : String(value);
}

/**
 * Builds the value of one document from its events as kubectl reads it (see the file comment). `facts`
 * collects what the kustomize reading needs to know. Returns undefined for an empty document.
 */
export function constructKubectl(text: string, events: readonly Event[], limits: ReadLimits, facts: DocumentFacts): unknown {
  const frames: Frame[] = [];
  const anchors = new Map<string, Anchor>();
  let aliases = 0;
  let documents = 0;
  let result: unknown;

  const scalarOf = (event: ScalarEvent, offset: number | undefined): Scalar => {
    const source = getScalarValue(text, event);
    if (event.style === STYLE_DOUBLE_QUOTED && source.includes('\u0085')) {
      // Raw, it is refused with the stream; escaped, kustomize writes it out raw and reads it back as a space.
      throw new ReadError('the escape \\N (U+0085, NEXT LINE) reads as a space once kustomize has written the file out again; '
        + 'use another character', offset);
    }
    const tag = tagOf(text, event);
    if (tag === undefined) {
      if (event.style !== STYLE_PLAIN) {
        return { value: source, merge: false, float: false };
      }
      if (source === '<<') {
        return { value: source, merge: true, float: false };
      }
      if (!facts.versionSensitive && kustomizeMayDiffer(source)) {
        facts.versionSensitive = true;
      }
      return plainScalar(source);
    }
    switch (tag) {
      case `${YAML_TAG}str`:
        return { value: source, merge: false, float: false };
      case `${YAML_TAG}null`:
      case `${YAML_TAG}bool`:
      case `${YAML_TAG}int`:
      case `${YAML_TAG}float`: {
        const scalar = plainScalar(source);
        const v = scalar.value;
        const ok = tag.endsWith('null') ? v === null
          : tag.endsWith('bool') ? typeof v === 'boolean'
            : tag.endsWith('int') ? (typeof v === 'number' || scalar.int !== undefined) && !scalar.float
              // yaml.v2 turns an int into a float for !!float, but not an unsigned 64-bit one (2^63 and up).
            : (typeof v === 'number' && (scalar.float || v < 2 ** 63)) || v === NON_FINITE;
        if (!ok) {
          throw new ReadError(`cannot read ${JSON.stringify(source)} as ${shortTag(tag)} (kubectl refuses it)`, offset);
        }
        return tag.endsWith('float') ? { ...scalar, float: true } : scalar;
      }
      case `${YAML_TAG}merge`:
        if (source === '<<') {
          return { value: source, merge: true, float: false };
        }
        throw unsupportedTag(tag, offset);
      default:
        throw unsupportedTag(tag, offset);
    }
  };

  const top = () => frames[frames.length - 1];
  const wantsKey = () => {
    const frame = top();
    return frame.kind === 'map' && frame.key === undefined;
  };

  const addKey = (scalar: Scalar, offset: number | undefined) => {
    const frame = top();
    frame.keyOffset = offset;
    if (scalar.merge) {
      facts.merges = true;
      frame.key = MERGE;
    } else {
      frame.key = keyOf(scalar, offset);
      if (frame.key === '<<') {
        facts.versionSensitive = true; // a quoted "<<" key, which kustomize drops
      }
    }
  };

  /** Adds a value to the open collection; `values` and `depth` are what it weighs (a scalar: 1 and 0). */
  const addValue = (value: unknown, values = 1, depth = 0) => {
    const frame = top();
    frame.values += values;
    if (depth + 1 > frame.depth) {
      frame.depth = depth + 1;
    }
    if (frame.kind === 'doc') {
      frame.root = value;
      return;
    }
    if (frame.kind === 'seq') {
      (frame.value as unknown[]).push(value);
      return;
    }
    const map = frame.value as Record<string, unknown>;
    const key = frame.key!;
    frame.key = undefined;
    if (key === MERGE) {
      merge(map, value, frame.keyOffset);
      return;
    }
    // A key already in the mapping is a duplicate, unless a merge key put it there (explicit keys are only
    // tracked apart once a mapping has merged something: most never do).
    if (frame.explicit ? frame.explicit.has(key) : Object.prototype.hasOwnProperty.call(map, key)) {
      throw new ReadError(`the key ${JSON.stringify(key)} appears twice in this mapping (kubectl keeps the last, kustomize refuses the file); keep one`, frame.keyOffset);
    }
    frame.explicit?.add(key);
    setKey(map, key, value);
  };

  const merge = (map: Record<string, unknown>, value: unknown, offset: number | undefined) => {
    // yaml.v2: a merge writes the merged mapping's keys over what the mapping holds so far (a later explicit
    // key overwrites them again); a list of mappings is merged from its last element to its first, so the
    // earlier elements win.
    const sources = Array.isArray(value) ? [...value].reverse() : [value];
    if (!sources.every(isMapping)) {
      throw new ReadError('a merge key (<<) needs a mapping or a list of mappings as its value (kubectl refuses anything else)', offset);
    }
    const frame = top();
    frame.explicit ??= new Set(Object.keys(map));
    for (const source of sources as Record<string, unknown>[]) {
      for (const k of Object.keys(source)) {
        setKey(map, k, source[k]);
      }
    }
  };

  for (const event of events) {
    switch (event.type) {
      case EVENT_DOCUMENT:
        if (++documents > 1) {
          throw new ReadError('a second YAML document without a "---" line before it (after "..."): kubectl reads only the first of them; '
            + 'separate documents with a line holding only "---"', undefined);
        }
        if (event.directives.length) {
          throw new ReadError('YAML directives (%YAML, %TAG) are not read alike by kubectl and kustomize; remove them', 0);
        }
        frames.push({ kind: 'doc', value: undefined, offset: 0, values: 0, depth: 0 });
        break;
      case EVENT_SCALAR: {
        const offset = eventOffset(event);
        if (top().flow && event.style === STYLE_PLAIN && FLOW_AMBIGUOUS.test(text.slice(event.valueStart, event.valueEnd))) {
          throw new ReadError(`the unquoted value ${JSON.stringify(text.slice(event.valueStart, event.valueEnd))} inside a flow collection ({...} or [...]) is read `
            + 'differently by kubectl\'s YAML 1.1 parser (a "?" ends it there, ":" before ",[]{}?" is an error); quote it', offset);
        }
        const scalar = scalarOf(event, offset);
        if (event.anchorStart !== NO_RANGE) {
          anchors.set(text.slice(event.anchorStart, event.anchorEnd), { kind: 'scalar', scalar });
        }
        if (wantsKey()) {
          addKey(scalar, offset);
        } else {
          addValue(valueOf(scalar, getScalarValue(text, event), offset));
        }
        break;
      }
      case EVENT_SEQUENCE:
      case EVENT_MAPPING: {
        const offset = eventOffset(event);
        const tag = tagOf(text, event);
        const isSeq = event.type === EVENT_SEQUENCE;
        if (tag !== undefined && tag !== `${YAML_TAG}${isSeq ? 'seq' : 'map'}`) {
          throw unsupportedTag(tag, offset);
        }
        if (wantsKey()) {
          throw new ReadError(`a ${isSeq ? 'list' : 'mapping'} used as a mapping key (kubectl refuses it: "invalid map key")`, offset);
        }
        const anchor = event.anchorStart !== NO_RANGE ? text.slice(event.anchorStart, event.anchorEnd) : undefined;
        if (anchor !== undefined) {
          anchors.set(anchor, { kind: 'open' });
        }
        frames.push({ kind: isSeq ? 'seq' : 'map', value: isSeq ? [] : {}, anchor, offset, flow: event.style === STYLE_FLOW || top().flow, values: 1, depth: 1 });
        break;
      }
      case EVENT_ALIAS: {
        const offset = event.anchorStart;
        facts.aliases = true;
        if (++aliases > limits.maxAliases) {
          throw new ReadError(`too many alias expansions (more than ${limits.maxAliases}; a YAML "billion laughs" bomb?)`, undefined);
        }
        const name = text.slice(event.anchorStart, event.anchorEnd);
        const target = anchors.get(name);
        if (target === undefined) {
          throw new ReadError(`the alias *${name} refers to no anchor before it`, offset);
        }
        if (target.kind === 'open') {
          throw new ReadError('nested too deeply (an alias refers to its own parent)', offset);
        }
        if (target.kind === 'scalar') {
          if (wantsKey()) {
            addKey(target.scalar, offset);
          } else {
            addValue(valueOf(target.scalar, `*${name}`, offset));
          }
        } else if (wantsKey()) {
          throw new ReadError(`the alias *${name} used as a mapping key is a ${Array.isArray(target.value) ? 'list' : 'mapping'} `
            + '(kubectl refuses it: "invalid map key")', offset);
        } else {
          addValue(target.value, target.values, target.depth);
        }
        break;
      }
      case EVENT_POP: {
        const frame = frames.pop()!;
        if (frame.kind === 'doc') {
          result = frame.root;
          facts.values = frame.values;
          facts.depth = frame.depth - 1;
          break;
        }
        if (frame.kind === 'map' && frame.key !== undefined) {
          throw new ReadError('a mapping key without a value', frame.keyOffset);
        }
        if (frame.anchor !== undefined) {
          anchors.set(frame.anchor, { kind: 'node', value: frame.value, values: frame.values, depth: frame.depth });
        }
        addValue(frame.value, frame.values, frame.depth);
        break;
      }
    }
  }
  return result;
}

/** The JSON key a scalar key event becomes (as `constructKubectl` makes it), or undefined when it has none. */
export function scalarKey(text: string, event: ScalarEvent): string | undefined {
  const source = getScalarValue(text, event);
  const tag = tagOf(text, event);
  if (tag === `${YAML_TAG}str` || (tag === undefined && event.style !== STYLE_PLAIN)) {
    return source;
  }
  try {
    return keyOf(plainScalar(source), undefined);
  } catch {
    return undefined;
  }
}
