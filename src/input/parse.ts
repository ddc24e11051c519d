import { Document, isAlias, isMap, isScalar, isSeq, LineCounter, Node, parseAllDocuments, YAMLError } from 'yaml';
import { isObject } from '../policy/json';
import { Path } from '../policy/path';
import { Manifest } from '../policy/rule';

/** Bad input: the message is one line naming the file (and document and line where known). */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

/** At most this many alias expansions per document: more is a "billion laughs" bomb. */
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

/**
 * YAML 1.1 tags that kubectl's reader does not turn into plain JSON; without them a value such as
 * `2001-12-14` stays a string (as it does for kubectl) and `!!binary`/`!!set`/`!!omap`/`!!pairs` are refused.
 */
const NON_JSON_TAGS = new Set(['timestamp', 'binary', 'set', 'omap', 'pairs'].map((t) => `tag:yaml.org,2002:${t}`));

function firstLine(message: string): string {
  return message.split('\n')[0].trim();
}

function lineOfOffset(text: string | Uint8Array, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) {
    if ((typeof text === 'string' ? text.charCodeAt(i) : text[i]) === 0x0a) {
      line++;
    }
  }
  return line;
}

/** The length of the valid UTF-8 sequence starting at `i`, or 0 when the bytes there are not valid UTF-8. */
function utf8SequenceLength(bytes: Uint8Array, i: number): number {
  const b = bytes[i];
  if (b < 0x80) {
    return 1;
  }
  const cont = (j: number, lo = 0x80, hi = 0xbf) => j < bytes.length && bytes[j] >= lo && bytes[j] <= hi;
  if (b >= 0xc2 && b <= 0xdf) {
    return cont(i + 1) ? 2 : 0;
  }
  if (b >= 0xe0 && b <= 0xef) {
    const lo = b === 0xe0 ? 0xa0 : 0x80;
    const hi = b === 0xed ? 0x9f : 0xbf; // no UTF-16 surrogates
    return cont(i + 1, lo, hi) && cont(i + 2) ? 3 : 0;
  }
  if (b >= 0xf0 && b <= 0xf4) {
    const lo = b === 0xf0 ? 0x90 : 0x80;
    const hi = b === 0xf4 ? 0x8f : 0xbf;
    return cont(i + 1, lo, hi) && cont(i + 2) && cont(i + 3) ? 4 : 0;
  }
  return 0;
}

/**
 * Decodes the bytes of a manifest file as UTF-8 (the encoding Kubernetes tools read), refusing what is not
 * text: UTF-16/UTF-32 files, NUL bytes (binary files) and invalid UTF-8, each with the line where it starts.
 * A UTF-8 byte order mark is kept for `parseManifests` to drop.
 */
export function decodeManifestBytes(bytes: Uint8Array, file: string): string {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)
    || (bytes[0] === 0 && bytes[1] === 0 && bytes[2] === 0xfe && bytes[3] === 0xff)) {
    throw new InputError(`${file}: is UTF-16 or UTF-32 encoded; save it as UTF-8`);
  }
  const nul = bytes.indexOf(0);
  if (nul >= 0) {
    throw new InputError(`${file}, line ${lineOfOffset(bytes, nul)}: not a text file (it contains NUL bytes)`);
  }
  for (let i = 0; i < bytes.length;) {
    const n = utf8SequenceLength(bytes, i);
    if (n === 0) {
      throw new InputError(`${file}, line ${lineOfOffset(bytes, i)}: not UTF-8 text (invalid byte 0x${bytes[i].toString(16).padStart(2, '0')}); `
        + 'save it as UTF-8');
    }
    i += n;
  }
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}

/**
 * The first character YAML does not allow in a stream (C0 controls other than tab, line feed and carriage
 * return, and DEL), with its offset. Escapes such as `"\u0001"` in double quotes are fine: they are not raw.
 */
function forbiddenControl(text: string): number {
  const match = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.exec(text);
  return match ? match.index : -1;
}

/** The 1-based line of a field, or of its nearest existing ancestor. */
function locator(doc: Document, root: Node, lines: LineCounter, prefix: Path): (path: Path) => number | undefined {
  const lineOf = (offset: number | undefined) => (offset === undefined ? undefined : lines.linePos(offset).line);
  return (path: Path) => {
    let node: unknown = root;
    let line = lineOf((root as Node).range?.[0]);
    for (const segment of [...prefix, ...path]) {
      if (isAlias(node)) {
        node = node.resolve(doc);
      }
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
        if (!pair) {
          return line;
        }
        line = lineOf((pair.key as Node).range?.[0]) ?? line;
        node = pair.value;
      } else if (isSeq(node) && typeof segment === 'number' && segment < node.items.length) {
        node = node.items[segment];
        line = lineOf((node as Node | undefined)?.range?.[0]) ?? line;
      } else {
        return line;
      }
    }
    return line;
  };
}

/**
 * The nesting depth of a value and the number of values it holds once aliases are expanded. Iterative and
 * memoised on each (possibly shared) object, so it costs one visit per distinct value even for alias-heavy
 * input and never recurses.
 */
function measure(root: unknown): { depth: number; values: number } {
  const memo = new Map<object, { depth: number; values: number }>();
  const stack: Array<{ value: object; expanded: boolean }> = [];
  const children = (value: object): unknown[] => (Array.isArray(value) ? value : Object.values(value));
  if (typeof root !== 'object' || root === null) {
    return { depth: 0, values: 1 };
  }
  stack.push({ value: root, expanded: false });
  const onStack = new Set<object>();
  while (stack.length) {
    const top = stack[stack.length - 1];
    if (memo.has(top.value)) {
      stack.pop();
      continue;
    }
    if (!top.expanded) {
      top.expanded = true;
      onStack.add(top.value);
      for (const child of children(top.value)) {
        if (typeof child === 'object' && child !== null && !memo.has(child)) {
          if (onStack.has(child)) {
            // A cycle (a YAML alias to its own ancestor): infinitely deep.
            return { depth: Infinity, values: Infinity };
          }
          stack.push({ value: child, expanded: false });
        }
      }
      continue;
    }
    let depth = 1;
    let values = 1;
    for (const child of children(top.value)) {
      const m = typeof child === 'object' && child !== null ? memo.get(child)! : { depth: 0, values: 1 };
      depth = Math.max(depth, m.depth + 1);
      values += m.values;
    }
    memo.set(top.value, { depth, values });
    onStack.delete(top.value);
    stack.pop();
  }
  return memo.get(root)!;
}

/** The line (and column) of a YAML error or warning. */
function problemWhere(problem: YAMLError, lines: LineCounter): string {
  const offset = problem.pos?.[0];
  if (offset === undefined) {
    return '';
  }
  const pos = lines.linePos(offset);
  return `, line ${pos.line}, column ${pos.col}`;
}

function problemText(problem: YAMLError): string {
  const message = firstLine(problem.message);
  if (/maximum call stack/i.test(message)) {
    return `nested too deeply (at most ${MAX_DEPTH} levels)`;
  }
  const tag = /^Unresolved tag: (.*)$/.exec(message);
  if (tag) {
    const shown = tag[1].replace(/^tag:yaml\.org,2002:/, '!!');
    return `unsupported tag ${shown} (tags are never executed; Kubernetes manifests hold plain mappings, lists and scalars)`;
  }
  return `invalid YAML (${message.replace(/ at line \d+, column \d+:?$/, '')})`;
}

/**
 * Parses a YAML or JSON stream (one or many documents) into manifests, as kubectl reads them: YAML 1.1
 * (`yes` is true, timestamps stay strings), duplicate keys rejected, unknown tags rejected (never executed),
 * alias bombs and absurd nesting refused, empty documents skipped and `List` objects expanded into their
 * items. Pure: the caller reads the file. Every problem is an InputError with a one-line message naming the
 * file, the document and, where known, the line.
 */
export function parseManifests(text: string, file: string): Manifest[] {
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (source.includes('\u0000')) {
    throw new InputError(`${file}, line ${lineOfOffset(source, source.indexOf('\u0000'))}: not a text file (it contains NUL bytes)`);
  }
  const control = forbiddenControl(source);
  if (control >= 0) {
    const code = source.charCodeAt(control).toString(16).padStart(4, '0').toUpperCase();
    throw new InputError(`${file}, line ${lineOfOffset(source, control)}: contains the control character U+${code}, which YAML does not allow `
      + '(write it as an escape in a double-quoted string)');
  }
  const lines = new LineCounter();
  let docs;
  try {
    docs = parseAllDocuments(source, {
      version: '1.1',
      customTags: (tags) => tags.filter((t) => typeof t === 'string' || !NON_JSON_TAGS.has(t.tag)),
      uniqueKeys: true,
      strict: true,
      prettyErrors: false,
      lineCounter: lines,
    });
  } catch (error) {
    if (error instanceof RangeError) {
      throw new InputError(`${file}: cannot be parsed as YAML (nested too deeply; at most ${MAX_DEPTH} levels)`);
    }
    throw new InputError(`${file}: cannot be parsed as YAML (${firstLine((error as Error).message)})`);
  }
  if (!Array.isArray(docs)) {
    // An empty stream.
    return [];
  }
  const manifests: Manifest[] = [];
  docs.forEach((doc, i) => {
    const where = `${file}: document ${i + 1}`;
    const problem = doc.errors[0] ?? doc.warnings.find((w) => w.code === 'TAG_RESOLVE_FAILED');
    if (problem) {
      throw new InputError(`${where}${problemWhere(problem, lines)}: ${problemText(problem)}`);
    }
    if (doc.contents === null) {
      return;
    }
    const root = doc.contents as Node;
    const startLine = root.range ? lines.linePos(root.range[0]).line : undefined;
    const objectWhere = `${where}${startLine ? `, line ${startLine}` : ''}`;
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (error) {
      if (error instanceof RangeError && /call stack/i.test(error.message)) {
        throw new InputError(`${objectWhere}: nested too deeply (at most ${MAX_DEPTH} levels)`);
      }
      if (/alias/i.test((error as Error).message)) {
        throw new InputError(`${objectWhere}: too many alias expansions (more than ${MAX_ALIAS_COUNT}; a YAML "billion laughs" bomb?)`);
      }
      throw new InputError(`${objectWhere}: cannot be read (${firstLine((error as Error).message)})`);
    }
    if (value === null || value === undefined) {
      return;
    }
    const size = measure(value);
    if (size.depth > MAX_DEPTH) {
      throw new InputError(`${objectWhere}: nested too deeply (${size.depth === Infinity ? 'an alias refers to its own parent' : `at most ${MAX_DEPTH} levels`})`);
    }
    if (size.values > MAX_EXPANDED_VALUES && size.values > source.length) {
      throw new InputError(`${objectWhere}: its aliases expand to more than ${MAX_EXPANDED_VALUES} values (a YAML alias bomb?)`);
    }
    if (!isObject(value)) {
      throw new InputError(`${objectWhere}: not a Kubernetes object (expected a mapping with apiVersion and kind, got ${Array.isArray(value) ? 'a list' : `a ${typeof value}`})`);
    }
    const items = value.items;
    if (typeof value.kind === 'string' && value.kind.endsWith('List') && Array.isArray(items)) {
      items.forEach((item, index) => {
        const locate = locator(doc, root, lines, ['items', index]);
        const line = locate([]);
        manifests.push(checked(item, `${where}${line ? `, line ${line}` : ''} (items[${index}])`, { file, document: i + 1, line, locate }));
      });
      return;
    }
    manifests.push(checked(value, objectWhere, { file, document: i + 1, line: startLine, locate: locator(doc, root, lines, []) }));
  });
  return manifests;
}

function checked(object: unknown, where: string, origin: Manifest['origin']): Manifest {
  if (!isObject(object)) {
    throw new InputError(`${where}: not a Kubernetes object (expected a mapping with apiVersion and kind, got ${describe(object)})`);
  }
  for (const key of ['apiVersion', 'kind']) {
    if (typeof object[key] !== 'string' || object[key] === '') {
      const problem = object[key] === undefined ? 'missing' : object[key] === '' ? 'empty' : `${describe(object[key])}, not a string`;
      throw new InputError(`${where}: not a Kubernetes object (${key} is ${problem})`);
    }
  }
  return { object, origin };
}

function describe(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'a list' : isObject(value) ? 'a mapping' : `a ${typeof value}`;
}
