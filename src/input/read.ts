import { isObject, JsonObject } from '../policy/json';
import { Path } from '../policy/path';
import { KUSTOMIZE_READER, LIST_CARRIER_RULE_ID, Manifest, Origin, ReaderNote, READING_DIFFERS_RULE_ID } from '../policy/rule';
import type { AliasEvent, DocumentEvent, Event, MappingEvent, ScalarEvent, SequenceEvent } from 'js-yaml';
import { EVENT_ALIAS, EVENT_DOCUMENT, EVENT_MAPPING, EVENT_POP, EVENT_SCALAR, EVENT_SEQUENCE } from './events';
import { KustomizeReading, readKustomize } from './kyaml';
import { metadataProblem } from './meta';
import { InputError, NotKubernetesError } from './errors';
import { isJsonStream, JsonError, splitJsonStream } from './json';
import { documentLocator, LineIndex } from './locate';
import { Chunk, constructKubectl, DocumentFacts, parseDocumentEvents, ReadError, setKey, splitDocuments } from './yaml';

/** At most this many alias nodes per document: more is a "billion laughs" bomb. */
export const MAX_ALIAS_COUNT = 1000;

/**
 * Objects nested deeper than this are refused (a Kubernetes object, CRD schemas included, stays far below;
 * deeper input is an attack on the parser's or a rule's recursion).
 */
export const MAX_DEPTH = 200;

/**
 * A document whose aliases expand it to more values than this (and to more values than it has characters)
 * is refused: a small file that grows into millions of values is a resource exhaustion attack.
 */
export const MAX_EXPANDED_VALUES = 1_000_000;

const LIMITS = { maxDepth: MAX_DEPTH, maxAliases: MAX_ALIAS_COUNT };

/**
 * The characters YAML does not allow in a stream as kubectl's yaml.v2 reads it (C0 controls other than tab, line
 * feed and carriage return, DEL, the C1 controls, U+FFFE/U+FFFF), and, in the same scan, the line breaks only
 * yaml.v2 has (AMBIGUOUS_BREAK). Escapes such as `"\u0001"` in double quotes are fine: they are not raw.
 */
const FORBIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029\ufffe\uffff]/;

/**
 * Characters yaml.v2 (kubectl) takes for line breaks and YAML 1.2 readers (kustomize's yaml.v3, js-yaml) do not:
 * a file holding one raw reads differently in each, so it is refused. A carriage return that does not end a
 * line is one too: kubectl's document splitter does not see it as a line end, its YAML parser does.
 */
const AMBIGUOUS_BREAK = /[\u0085\u2028\u2029]|\r(?!\n)/;

const BREAK_NAMES: Record<string, string> = {
  '\u0085': 'U+0085 (NEXT LINE)',
  '\u2028': 'U+2028 (LINE SEPARATOR)',
  '\u2029': 'U+2029 (PARAGRAPH SEPARATOR)',
  '\r': 'a carriage return that does not end a line',
};

function lineOfOffset(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
  }
  return line;
}

function describe(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'a list' : isObject(value) ? 'a mapping' : `a ${typeof value}`;
}

/** One object a document holds, with its path inside the document's value (`['items', 2]` for a list item). */
interface Member {
  readonly object: JsonObject;
  readonly path: Path;
  /** The kind of the object carrying it in `items`, when that kind is not a List. */
  readonly carrier?: { readonly kind: string; readonly name: string; readonly count: number };
}

/** Why a document could not be read, with the path of the part that caused it. */
class ObjectError extends Error {
  /** The document is not meant as a Kubernetes object at all: not a mapping, or neither apiVersion nor kind. */
  readonly notKubernetes: boolean;
  constructor(message: string, readonly path: Path, document?: unknown) {
    super(message);
    this.notKubernetes = path.length === 0 && document !== undefined
      && (!isObject(document) || (!Object.prototype.hasOwnProperty.call(document, 'apiVersion') && !Object.prototype.hasOwnProperty.call(document, 'kind')));
  }
}

function requireIdentity(object: unknown, path: Path): JsonObject {
  if (!isObject(object)) {
    throw new ObjectError(`not a Kubernetes object (expected a mapping with apiVersion and kind, got ${describe(object)})`, path, object);
  }
  for (const key of ['apiVersion', 'kind']) {
    const value = object[key];
    if (typeof value !== 'string' || value === '') {
      const problem = value === undefined ? 'missing' : value === '' ? 'empty' : `${describe(value)}, not a string`;
      throw new ObjectError(`not a Kubernetes object (${key} is ${problem})`, path, object);
    }
  }
  return object;
}

/**
 * The objects kubectl applies from one decoded document (apimachinery's unstructured decoder and
 * cli-runtime's FlattenListVisitor): a document with a top-level `items` field is a list whatever its kind,
 * its items are the objects (an item without apiVersion and kind takes the list's, less the `List` suffix of
 * the kind), and the carrier itself is not applied. kubectl cannot read a list inside a list.
 */
/**
 * cli-runtime's FilterNamespace, as it runs without a server: an object whose namespace is not a non-empty string
 * loses the field (kubectl then sends it without one).
 */
function filterNamespace(object: JsonObject): JsonObject {
  const metadata = object.metadata;
  if (!isObject(metadata) || !Object.prototype.hasOwnProperty.call(metadata, 'namespace') || (typeof metadata.namespace === 'string' && metadata.namespace !== '')) {
    return object;
  }
  const { namespace: _dropped, ...rest } = metadata;
  const copy = { ...object };
  setKey(copy, 'metadata', rest);
  return copy;
}

function kubectlMembers(value: unknown): Member[] {
  return kubectlDocumentMembers(value).map((m) => ({ ...m, object: filterNamespace(m.object) }));
}

function kubectlDocumentMembers(value: unknown): Member[] {
  if (!isObject(value) || !Object.prototype.hasOwnProperty.call(value, 'items')) {
    const object = requireIdentity(value, []);
    checkMetadata(object);
    return [{ object, path: [] }];
  }
  checkMetadata(value);
  const kind = value.kind;
  if (typeof kind !== 'string' || kind === '') {
    throw new ObjectError(`not a Kubernetes object (kind is ${kind === undefined ? 'missing' : kind === '' ? 'empty' : `${describe(kind)}, not a string`})`, [], value);
  }
  const items = value.items;
  if (items !== null && !Array.isArray(items)) {
    throw new ObjectError(`items is ${describe(items)}: kubectl reads any object with items as a list and refuses this one`, ['items']);
  }
  const listed: unknown[] = items ?? [];
  const isList = kind.endsWith('List');
  const metadata = isObject(value.metadata) ? value.metadata : {};
  const carrier = isList ? undefined : { kind, name: typeof metadata.name === 'string' ? metadata.name : '', count: listed.length };
  if (carrier && listed.length === 0) {
    throw new ObjectError(`this ${kind} has an empty items field, so kubectl reads it as an empty list and applies nothing from this document; `
      + 'remove the items field', ['items']);
  }
  const apiVersion = typeof value.apiVersion === 'string' ? value.apiVersion : '';
  const itemKind = isList ? kind.slice(0, -'List'.length) : kind;
  return listed.map((item, index) => {
    const path = ['items', index];
    if (!isObject(item)) {
      throw new ObjectError(`not a Kubernetes object (expected a mapping with apiVersion and kind, got ${describe(item)})`, path);
    }
    let object = item;
    const hasString = (key: string) => typeof item[key] === 'string' && item[key] !== '';
    if (!hasString('kind') && !hasString('apiVersion')) {
      // A typed list's items (a PodList's) carry no apiVersion and kind: kubectl gives them the list's.
      object = { ...item };
      setKey(object, 'kind', itemKind);
      setKey(object, 'apiVersion', apiVersion);
    }
    if (Array.isArray(object.items)) {
      throw new ObjectError('a list inside a list: kubectl apply -f stops on it ("is not a list"); put the inner list\'s items in the outer list', path);
    }
    return { object: requireIdentity(object, path), path, carrier };
  });
}

function carrierNote(carrier: NonNullable<Member['carrier']>): ReaderNote {
  const named = carrier.name ? ` "${carrier.name}"` : '';
  return {
    ruleId: LIST_CARRIER_RULE_ID,
    severity: 'error',
    path: [],
    message: `${carrier.count === 1 ? 'the only item' : `one of the ${carrier.count} items`} of the ${carrier.kind}${named}: `
      + `kubectl applies the items, not the ${carrier.kind} itself`,
    remediation: `Move the items of the ${carrier.kind}${named} into documents of their own (or into a kind: List) and remove its items field.`,
  };
}

/** kubectl's check that a document's apiVersion, kind and metadata have the types ObjectMeta declares. */
function checkMetadata(document: JsonObject): void {
  const problem = metadataProblem(document);
  if (problem) {
    throw new ObjectError(`kubectl refuses this document's metadata (${problem})`, ['metadata']);
  }
}

/** Where a document is: for messages and findings. */
interface DocumentPlace {
  readonly file: string;
  readonly index: number;
  /** The document's own text (a YAML document or a JSON value). */
  readonly text: string;
  /** 1-based line of the file where the text starts. */
  readonly line: number;
}

function where(place: DocumentPlace, line?: number, column?: number): string {
  return `${place.file}: document ${place.index}${line !== undefined ? `, line ${line}` : ''}${column !== undefined ? `, column ${column}` : ''}`;
}

function objectErrorToInput(error: ObjectError, place: DocumentPlace): InputError {
  const line = documentLocator(place.text, place.line, [], MAX_DEPTH)(error.path);
  const index = error.path.length === 2 && typeof error.path[1] === 'number' ? ` (items[${error.path[1]}])` : '';
  const message = `${where(place, line)}${index}: ${error.message}`;
  return error.notKubernetes ? new NotKubernetesError(message) : new InputError(message);
}

function manifestOf(member: Member, place: DocumentPlace, notes: readonly ReaderNote[] = [], alternate?: JsonObject): Manifest {
  // The document's place names it for the locators of the objects it holds (a List's items share its positions).
  const locate = documentLocator(place.text, place.line, member.path, MAX_DEPTH, place);
  const all = member.carrier ? [carrierNote(member.carrier), ...notes] : notes;
  // A document's own object starts on its first line of content: found without parsing it again (every report
  // names the line of every object). An item of a list is found by the locator.
  let line: number | undefined | null = member.path.length === 0 ? firstContentLineOf(place.text, place.line) : null;
  // A document's own origin is plain data: one with a getter is a dictionary-mode object to V8 (about 450 bytes
  // where this is 40), and a run holds one per object. An item's keeps the lazy getter.
  const origin: Origin = line !== null ? { file: place.file, document: place.index, line, locate } : {
    file: place.file,
    document: place.index,
    get line() {
      if (line === null) {
        line = locate([]);
      }
      return line;
    },
    locate,
  };
  return {
    object: member.object,
    ...(all.length ? { notes: all } : {}),
    ...(alternate ? { alternate: { reader: KUSTOMIZE_READER, object: alternate } } : {}),
    origin,
  };
}

/**
 * The objects kustomize applies from the resources it builds of a document (readKustomize: Lists expanded): every
 * resource needs a kind and a metadata.name (kustomize refuses the build otherwise), and kubectl reads kustomize's
 * output, so each is then read as kubectl reads a document (a carrier of items, the metadata check, the namespace
 * filter). Undefined when kustomize refuses the document.
 */
function kustomizeMembers(reading: KustomizeReading | undefined): Member[] | undefined {
  if (!reading?.ok) {
    return undefined;
  }
  const out: Member[] = [];
  for (const resource of reading.resources) {
    const value = resource.value;
    if (!isObject(value)) {
      return undefined;
    }
    const metadata = value.metadata;
    if (typeof value.kind !== 'string' || value.kind === '' || !isObject(metadata) || typeof metadata.name !== 'string' || metadata.name === '') {
      return undefined;
    }
    try {
      for (const member of kubectlMembers(value)) {
        out.push({ ...member, path: [...resource.path, ...member.path] });
      }
    } catch (error) {
      if (error instanceof ObjectError) {
        return undefined;
      }
      throw error;
    }
  }
  return out;
}

/** Where two readings of an object differ: the paths and both values (at most `limit` of them). */
function differences(a: unknown, b: unknown, path: Path, out: Array<{ path: Path; a: unknown; b: unknown }>, limit: number): void {
  if (out.length >= limit) {
    return;
  }
  if (isObject(a) && isObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const key of keys) {
      const has = (o: JsonObject) => Object.prototype.hasOwnProperty.call(o, key);
      differences(has(a) ? a[key] : undefined, has(b) ? b[key] : undefined, [...path, key], out, limit);
    }
    return;
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    a.forEach((item, i) => differences(item, b[i], [...path, i], out, limit));
    return;
  }
  if (!sameJson(a, b)) {
    out.push({ path, a, b });
  }
}

function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) {
    return true;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, i) => sameJson(x, b[i]));
  }
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && sameJson(a[k], b[k]));
  }
  return false;
}

function shown(value: unknown): string {
  if (value === undefined) {
    return 'no such field';
  }
  const text = JSON.stringify(value);
  const short = text.length > 60 ? `${text.slice(0, 57)}...` : text;
  return `${short} (${value === null ? 'null' : Array.isArray(value) ? 'a list' : isObject(value) ? 'a mapping' : `a ${typeof value}`})`;
}

function differenceNotes(a: JsonObject, b: JsonObject, merges: boolean): ReaderNote[] {
  const found: Array<{ path: Path; a: unknown; b: unknown }> = [];
  differences(a, b, [], found, 10);
  return found.map((d) => ({
    ruleId: READING_DIFFERS_RULE_ID,
    severity: 'error',
    path: d.path,
    message: `kubectl apply -f reads ${shown(d.a)}, kustomize reads ${shown(d.b)}${merges ? ' (the two apply merge keys (<<) differently)' : ''}`,
    remediation: typeof d.b === 'string' && typeof d.a !== 'string' && d.a !== undefined
      ? `Quote the value (${JSON.stringify(d.b)}) if it is a string, or write ${JSON.stringify(d.a)} if it is meant to be ${d.a === null ? 'null' : `a ${typeof d.a}`}.`
      : 'Write the value the way both readers read alike: quote strings, and set explicitly the keys a merge key (<<) would bring in.',
  }));
}

/**
 * The manifests of one document, from kubectl's reading and (where it can differ) kustomize's: objects both
 * read alike are plain manifests; an object read differently carries kustomize's reading as its alternate and
 * a finding at every field that differs; a document only kustomize can read is taken as kustomize reads it,
 * with a finding that kubectl apply -f refuses it.
 */
function documentManifests(value: unknown, place: DocumentPlace, kustomize: (() => KustomizeReading) | undefined, merges: boolean): Manifest[] {
  let members: Member[] | undefined;
  let kubectlError: ObjectError | undefined;
  try {
    members = kubectlMembers(value);
  } catch (error) {
    if (!(error instanceof ObjectError)) {
      throw error;
    }
    kubectlError = error;
  }
  if (!kustomize && !kubectlError) {
    return members!.map((m) => manifestOf(m, place));
  }
  const other = kustomizeMembers(kustomize ? kustomize() : { ok: true, resources: [{ value, path: [] }] });
  if (kubectlError) {
    if (!other) {
      throw objectErrorToInput(kubectlError, place);
    }
    const note: ReaderNote = {
      ruleId: READING_DIFFERS_RULE_ID,
      severity: 'error',
      path: [],
      message: `kubectl apply -f refuses this document (${kubectlError.message}); kustomize reads it, and this is one of the objects it applies`,
      remediation: 'Write the document so that kubectl reads it too (for a list inside a list, move the inner items into the outer list).',
    };
    return other.map((m) => manifestOf(m, place, [note]));
  }
  if (!other) {
    return members!.map((m) => manifestOf(m, place));
  }
  const byPath = new Map(other.map((m) => [JSON.stringify(m.path), m]));
  const manifests = members!.map((m) => {
    const key = JSON.stringify(m.path);
    const twin = byPath.get(key);
    byPath.delete(key);
    if (!twin) {
      return manifestOf(m, place, [{
        ruleId: READING_DIFFERS_RULE_ID,
        severity: 'error',
        path: [],
        message: 'only kubectl apply -f applies this object; kustomize does not (it reads a kind ending in List as a list of its items)',
        remediation: 'Give the object a kind that is not a List, or put what it holds into the items of a List.',
      }]);
    }
    if (sameJson(m.object, twin.object)) {
      return manifestOf(m, place);
    }
    return manifestOf(m, place, differenceNotes(m.object, twin.object, merges), twin.object);
  });
  for (const only of byPath.values()) {
    manifests.push(manifestOf(only, place, [{
      ruleId: READING_DIFFERS_RULE_ID,
      severity: 'error',
      path: [],
      message: 'only kustomize reads this object from the document; kubectl apply -f reads the document differently',
      remediation: 'Write the document so that both readers read the same objects from it.',
    }]));
  }
  return manifests;
}

/**
 * A YAML stream cut into kubectl's documents, after the checks that concern the whole stream (control characters,
 * ambiguous line breaks, separators): what `readYamlChunks` reads, all at once or in ranges (worker threads).
 */
export interface PreparedStream {
  readonly file: string;
  readonly chunks: readonly Chunk[];
  /** kyaml reads the stream as one document (no separator in it). */
  readonly single: boolean;
  /** The length of the stream's text (an alias bomb is measured against it). */
  readonly length: number;
}

/** The objects of a range of a stream's documents, and the first document in it that is not Kubernetes objects. */
export interface ChunkReading {
  readonly manifests: Manifest[];
  readonly skipped?: NotKubernetesError;
}

/** The stream-level part of reading a YAML stream; an InputError names the file and line. */
export function prepareYamlStream(text: string, file: string): PreparedStream {
  const forbidden = FORBIDDEN.exec(text);
  if (forbidden && !AMBIGUOUS_BREAK.test(forbidden[0])) {
    const code = text.charCodeAt(forbidden.index).toString(16).padStart(4, '0').toUpperCase();
    throw new InputError(`${file}, line ${lineOfOffset(text, forbidden.index)}: contains the control character U+${code}, which YAML does not allow `
      + '(write it as an escape in a double-quoted string)');
  }
  // One scan finds both kinds of character (FORBIDDEN includes the breaks); a carriage return needs a look ahead.
  const ambiguous = forbidden ?? (text.includes('\r') ? /\r(?!\n)/.exec(text) : null);
  if (ambiguous) {
    throw new InputError(`${file}, line ${lineOfOffset(text, ambiguous.index)}: contains ${BREAK_NAMES[ambiguous[0]]}, which kubectl reads as a line break and `
      + 'kustomize does not; write it as an escape in a double-quoted string (\\u2028), or remove it');
  }
  let chunks: Chunk[];
  try {
    chunks = splitDocuments(text);
  } catch (error) {
    if (error instanceof ReadError) {
      throw new InputError(`${file}, ${error.message}`);
    }
    throw error;
  }
  return { file, chunks, single: kyamlSingleDocument(text), length: text.length };
}

/**
 * Reads documents `from` (inclusive) to `to` (exclusive) of a prepared stream. Reading every range in order and
 * joining the results is reading the stream: the first InputError in stream order is the stream's error.
 */
export function readYamlChunks(stream: PreparedStream, from = 0, to = stream.chunks.length): ChunkReading {
  const { file, single } = stream;
  let skipped: NotKubernetesError | undefined;
  const manifests: Manifest[] = [];
  for (const { chunk, source, events, base } of parsedChunks(stream.chunks.slice(from, to))) {
    const place: DocumentPlace = { file, index: chunk.index, text: chunk.text, line: chunk.line };
    const facts: DocumentFacts = { merges: false, versionSensitive: false, aliases: false };
    let value: unknown;
    try {
      value = constructKubectl(source, events(), LIMITS, facts);
    } catch (error) {
      if (error instanceof ReadError) {
        const lines = new LineIndex(chunk.text, chunk.line);
        const at = error.offset === undefined ? undefined : error.offset - base;
        throw new InputError(`${where(place, at === undefined ? chunk.line : lines.line(at), at === undefined ? undefined : lines.column(at))}: ${error.message}`);
      }
      throw error;
    }
    if (value === null || value === undefined) {
      continue;
    }
    if (facts.aliases && typeof value === 'object') {
      // Counted while the value was built: aliases expanded, so a small file that grows into millions of values,
      // or nests beyond the limit through them, is caught without walking the value.
      const size = { values: facts.values ?? 0, depth: facts.depth ?? 0 };
      if (size.depth > MAX_DEPTH) {
        throw new InputError(`${where(place, firstContentLine(place))}: nested too deeply (at most ${MAX_DEPTH} levels)`);
      }
      if (size.values > MAX_EXPANDED_VALUES && size.values > stream.length) {
        throw new InputError(`${where(place, firstContentLine(place))}: its aliases expand to more than ${MAX_EXPANDED_VALUES} values (a YAML "billion laughs" alias bomb?)`);
      }
    }
    const kustomize = facts.merges || facts.versionSensitive || kustomizeMayDiffer(value) ? () => readKustomize(source, events(), single) : undefined;
    let read: Manifest[];
    try {
      read = documentManifests(value, place, kustomize, facts.merges);
    } catch (error) {
      if (error instanceof NotKubernetesError) {
        skipped ??= error;
        continue;
      }
      throw error;
    }
    for (const manifest of read) {
      manifests.push(manifest);
    }
  }
  return { manifests, ...(skipped ? { skipped } : {}) };
}

function readYamlStream(stream: PreparedStream): Manifest[] {
  const { manifests, skipped } = readYamlChunks(stream);
  return notKubernetesCheck(manifests, skipped);
}

/**
 * Reads a YAML (or JSON) file that is one document of plain data, not a Kubernetes object (the configuration file),
 * with the same strict reader: kubectl's scalar resolution, the same refusals of control characters, ambiguous
 * line breaks, aliases bombs and depth. Returns the value (null for an empty file) and a locator giving the line
 * of a path in it.
 */
export function readYamlDocument(text: string, file: string): { value: unknown; line: (path: Path) => number | undefined } {
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const forbidden = FORBIDDEN.exec(source) ?? (source.includes('\r') ? /\r(?!\n)/.exec(source) : null) ?? (source.includes('\u0000') ? /\u0000/.exec(source) : null);
  if (forbidden) {
    const code = source.charCodeAt(forbidden.index).toString(16).padStart(4, '0').toUpperCase();
    throw new InputError(`${file}, line ${lineOfOffset(source, forbidden.index)}: contains the character U+${code}, which the reader refuses`);
  }
  let chunks: Chunk[];
  try {
    chunks = splitDocuments(source);
  } catch (error) {
    if (error instanceof ReadError) {
      throw new InputError(`${file}, ${error.message}`);
    }
    throw error;
  }
  const present = chunks.filter((c) => c.text.split('\n').some((l) => l.trim() !== '' && !l.trim().startsWith('#') && !l.trim().startsWith('---')));
  if (present.length > 1) {
    throw new InputError(`${file}, line ${present[1].line}: holds more than one YAML document; write one`);
  }
  const chunk = present[0];
  if (!chunk) {
    return { value: null, line: () => undefined };
  }
  let value: unknown;
  const facts: DocumentFacts = { merges: false, versionSensitive: false, aliases: false };
  try {
    value = constructKubectl(chunk.text, parseDocumentEvents(chunk.text, LIMITS), LIMITS, facts);
  } catch (error) {
    if (error instanceof ReadError) {
      const lines = new LineIndex(chunk.text, chunk.line);
      throw new InputError(`${file}, line ${error.offset === undefined ? chunk.line : lines.line(error.offset)}: ${error.message}`);
    }
    throw error;
  }
  if (facts.aliases && (facts.values ?? 0) > MAX_EXPANDED_VALUES) {
    throw new InputError(`${file}: its aliases expand to more than ${MAX_EXPANDED_VALUES} values`);
  }
  return { value, line: documentLocator(chunk.text, chunk.line, [], MAX_DEPTH) };
}

/** Documents per js-yaml call: one call per document costs its set-up each time, one call per stream holds every event at once. */
const BATCH_DOCUMENTS = 256;

/**
 * The js-yaml events of each of kubectl's documents. Documents are parsed in batches (one js-yaml call for many
 * documents, their texts joined with "---" lines) when the batch's YAML documents are exactly kubectl's: each
 * document inside one of kubectl's, at most one per piece. Otherwise (a syntax error, a "---" js-yaml does not see
 * as kubectl does, "..." followed by more) each document of the batch is parsed on its own, as kubectl reads it.
 * `events` parses a document that was not batched when asked; `source` is the text the events' offsets point
 * into, `base` where the document's own text starts in it.
 */
function* parsedChunks(chunks: readonly Chunk[]): Generator<{ chunk: Chunk; source: string; base: number; events: () => Event[] }> {
  for (let start = 0; start < chunks.length; start += BATCH_DOCUMENTS) {
    const batch = chunks.slice(start, start + BATCH_DOCUMENTS);
    const joined = batched(batch);
    for (let i = 0; i < batch.length; i++) {
      const chunk = batch[i];
      if (joined) {
        const events = joined.events[i];
        yield { chunk, source: joined.text, base: joined.starts[i], events: () => events };
      } else {
        let events: Event[] | undefined;
        yield { chunk, source: chunk.text, base: 0, events: () => (events ??= parseDocumentEvents(chunk.text, LIMITS)) };
      }
    }
  }
}

const EMPTY_DOCUMENT: Event[] = [];

function batched(batch: readonly Chunk[]): { text: string; starts: number[]; events: Event[][] } | undefined {
  if (batch.length < 2) {
    return undefined;
  }
  const starts: number[] = [];
  let text = '';
  for (const chunk of batch) {
    text += starts.length ? '---\n' : '';
    starts.push(text.length);
    text += chunk.text;
  }
  let all: Event[];
  try {
    all = parseDocumentEvents(text, LIMITS);
  } catch {
    return undefined;
  }
  const events: Event[][] = batch.map(() => EMPTY_DOCUMENT);
  const chunkOf = (offset: number) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  };
  for (let i = 0; i < all.length;) {
    // One document: from its DOCUMENT event to the POP that closes it.
    const first = i;
    let depth = 0;
    let firstOffset = -1;
    let lastOffset = -1;
    do {
      // One test of the type per event (not `in` tests, which see every event type at one place).
      const event = all[i++];
      let offset = -1;
      let end = -1;
      switch (event.type) {
        case EVENT_SCALAR: {
          const scalar = event as ScalarEvent;
          offset = scalar.valueStart >= 0 ? scalar.valueStart : scalar.anchorStart;
          end = scalar.valueEnd - 1;
          break;
        }
        case EVENT_SEQUENCE:
        case EVENT_MAPPING:
          depth++;
          offset = (event as SequenceEvent | MappingEvent).start;
          end = offset;
          break;
        case EVENT_ALIAS:
          offset = (event as AliasEvent).anchorStart;
          end = offset;
          break;
        case EVENT_DOCUMENT:
          depth++;
          if ((event as DocumentEvent).directives.length) {
            return undefined;
          }
          break;
        case EVENT_POP:
          depth--;
          break;
      }
      if (offset >= 0) {
        firstOffset = firstOffset < 0 ? offset : firstOffset;
        lastOffset = Math.max(lastOffset, end);
      }
    } while (depth > 0 && i < all.length);
    if (firstOffset < 0) {
      continue; // an empty document: kubectl skips it too
    }
    const k = chunkOf(firstOffset);
    if (chunkOf(lastOffset) !== k || events[k] !== EMPTY_DOCUMENT) {
      return undefined;
    }
    events[k] = all.slice(first, i);
  }
  return { text, starts, events };
}

/**
 * The line of a document's first content (skipping blank and comment lines and "---" separators), or null when
 * that line starts with an anchor or a tag (the locator then finds where the content itself starts).
 */
function firstContentLineOf(text: string, firstLine: number): number | null {
  let line = firstLine;
  for (let start = 0; start < text.length; line++) {
    let end = text.indexOf('\n', start);
    if (end < 0) {
      end = text.length;
    }
    const content = text.slice(start, end).trim();
    if (content !== '' && !content.startsWith('#') && !content.startsWith('---')) {
      return /^[&!]/.test(content) ? null : line;
    }
    start = end + 1;
  }
  return null;
}

function firstContentLine(place: DocumentPlace): number | undefined {
  return documentLocator(place.text, place.line, [], MAX_DEPTH)([]);
}

const JSON_TAIL_NOTE: ReaderNote = {
  ruleId: READING_DIFFERS_RULE_ID,
  severity: 'error',
  path: [],
  message: 'kubectl apply -f applies this object, kustomize does not: it reads only the first JSON value of a file',
  remediation: 'Put each JSON object in a file of its own, or write the file as YAML documents separated by ---.',
};

function readJsonStream(text: string, file: string): Manifest[] {
  let values;
  try {
    values = splitJsonStream(text, MAX_DEPTH);
  } catch (error) {
    if (error instanceof JsonError) {
      const lines = new LineIndex(text);
      throw new InputError(`${file}: document ${error.document}, line ${lines.line(error.offset)}, column ${lines.column(error.offset)}: ${error.message}`);
    }
    throw error;
  }
  const manifests: Manifest[] = [];
  const lines = new LineIndex(text);
  let skipped: NotKubernetesError | undefined;
  values.forEach((value, i) => {
    const parsed: unknown = JSON.parse(value.text);
    if (parsed === null) {
      return;
    }
    // kustomize reads the first value as it reads a YAML document of the same content (JSON is YAML).
    const kustomize = i === 0 && kustomizeMayDiffer(parsed) ? () => readKustomize(value.text, parseDocumentEvents(value.text, LIMITS), kyamlSingleDocument(text)) : undefined;
    let read: Manifest[];
    try {
      read = documentManifests(parsed, { file, index: i + 1, text: value.text, line: lines.line(value.start) }, kustomize, false);
    } catch (error) {
      if (error instanceof NotKubernetesError) {
        skipped ??= error;
        return;
      }
      throw error;
    }
    // kustomize reads a JSON file as one YAML document: the values after the first are not applied by it.
    manifests.push(...(i === 0 ? read : read.map((m) => ({ ...m, notes: [...(m.notes ?? []), JSON_TAIL_NOTE] }))));
  });
  return notKubernetesCheck(manifests, skipped);
}

/**
 * A stream none of whose documents is a Kubernetes object is a NotKubernetesError (the first document's); one
 * that mixes Kubernetes objects with other documents is a plain InputError, as kubectl refuses it.
 */
export function notKubernetesCheck(manifests: Manifest[], skipped: NotKubernetesError | undefined): Manifest[] {
  if (!skipped) {
    return manifests;
  }
  if (manifests.length > 0) {
    throw new InputError(skipped.message);
  }
  throw skipped;
}

/**
 * Reads a YAML or JSON stream into the objects kubectl 1.28 applies from it (see docs/reader.md), each with its
 * file, document and line. Pure: the caller reads the file. Whatever cannot be read exactly as kubectl reads it
 * is an InputError with a one-line message naming the file, the document and, where known, the line.
 */
export function readManifests(text: string, file: string): Manifest[] {
  const prepared = prepareManifests(text, file);
  return 'stream' in prepared ? readYamlStream(prepared.stream) : prepared.manifests;
}

/**
 * `readManifests` in two steps: a JSON stream is read at once; a YAML stream is checked and cut into documents, for
 * `readYamlChunks` to read (in ranges, on several threads, when it is large). Reading every range in order and
 * passing the result to `notKubernetesCheck` is `readManifests`.
 */
export function prepareManifests(text: string, file: string): { readonly stream: PreparedStream } | { readonly manifests: Manifest[] } {
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (source.includes('\u0000')) {
    throw new InputError(`${file}, line ${lineOfOffset(source, source.indexOf('\u0000'))}: not a text file (it contains NUL bytes)`);
  }
  return isJsonStream(source) ? { manifests: readJsonStream(source, file) } : { stream: prepareYamlStream(source, file) };
}

/**
 * Whether kyaml's reader sees one document in the stream: it splits at every match of `\n---.*\n` (CRLF read as
 * LF), so a separator on the first line does not count and a trailing one does.
 */
function kyamlSingleDocument(text: string): boolean {
  return !/\n---.*\n/.test(text.includes('\r') ? text.replace(/\r\n/g, '\n') : text);
}

/**
 * Whether kustomize's structure can differ from kubectl's for a document: a kind ending in List, an items field
 * (anywhere kustomize expands lists), or annotations kustomize rewrites (not all strings, or empty).
 */
function kustomizeMayDiffer(value: unknown): boolean {
  if (!isObject(value)) {
    return false;
  }
  if ((typeof value.kind === 'string' && value.kind.endsWith('List')) || Object.prototype.hasOwnProperty.call(value, 'items')) {
    return true;
  }
  const metadata = value.metadata;
  if (!isObject(metadata) || !Object.prototype.hasOwnProperty.call(metadata, 'annotations')) {
    return false;
  }
  const annotations = metadata.annotations;
  return !isObject(annotations) || Object.keys(annotations).length === 0 || !Object.values(annotations).every((v) => typeof v === 'string');
}

/** One reader's reading of a stream: its objects, or why it refuses the stream. */
export type Reading = { readonly objects: readonly JsonObject[] } | { readonly error: string };

/**
 * Both readings of a stream in full, document by document: kubectl's (`kubectl apply -f`) and kustomize's
 * (`kubectl apply -k`), each the objects it applies or the reason it refuses. The differential tests compare
 * these with the real readers; `readManifests` is what the tools use.
 * @internal
 */
export function readings(text: string): { readonly kubectl: Reading; readonly kustomize: Reading } {
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const kubectl: JsonObject[] = [];
  const kustomize: JsonObject[] = [];
  let kubectlError: string | undefined;
  let kustomizeError: string | undefined;
  const fail = (error: unknown) => (error instanceof InputError || error instanceof ReadError || error instanceof JsonError ? error.message : `${error}`);
  try {
    if (source.includes('\u0000')) {
      throw new InputError('NUL bytes');
    }
    const documents: Array<{ value: unknown; b: () => KustomizeReading }> = [];
    if (isJsonStream(source)) {
      splitJsonStream(source, MAX_DEPTH).forEach((value, i) => {
        const parsed: unknown = JSON.parse(value.text);
        // kustomize reads only the first JSON value of a file.
        documents.push({ value: parsed, b: () => (i === 0 ? readKustomize(value.text, parseDocumentEvents(value.text, LIMITS), kyamlSingleDocument(source)) : { ok: true, resources: [] }) });
      });
    } else {
      readYamlStream(prepareYamlStream(source, 'input')); // the checks and refusals of the stream as a whole
      const single = kyamlSingleDocument(source);
      for (const chunk of splitDocuments(source)) {
        const events = parseDocumentEvents(chunk.text, LIMITS);
        const value = constructKubectl(chunk.text, events, LIMITS, { merges: false, versionSensitive: false, aliases: false });
        documents.push({ value, b: () => readKustomize(chunk.text, events, single) });
      }
    }
    for (const { value, b } of documents) {
      if (value === null || value === undefined) {
        continue;
      }
      if (kubectlError === undefined) {
        try {
          kubectl.push(...kubectlMembers(value).map((m) => m.object));
        } catch (error) {
          kubectlError = fail(error);
        }
      }
      if (kustomizeError === undefined) {
        const reading = b();
        const members = kustomizeMembers(reading);
        if (members) {
          kustomize.push(...members.map((m) => m.object));
        } else {
          kustomizeError = reading.ok ? 'kustomize refuses an object of this document' : reading.reason;
        }
      }
    }
  } catch (error) {
    kubectlError ??= fail(error);
    kustomizeError ??= fail(error);
  }
  return {
    kubectl: kubectlError === undefined ? { objects: kubectl } : { error: kubectlError },
    kustomize: kustomizeError === undefined ? { objects: kustomize } : { error: kustomizeError },
  };
}

