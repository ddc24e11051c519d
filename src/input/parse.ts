import { Document, isMap, isScalar, isSeq, LineCounter, Node, parseAllDocuments, isAlias } from 'yaml';
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

function firstLine(message: string): string {
  return message.split('\n')[0].trim();
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
 * Parses a YAML or JSON stream (one or many documents) into manifests, as kubectl reads them: YAML 1.1
 * (`yes` is true), duplicate keys rejected, unknown tags rejected (never executed), alias bombs refused,
 * empty documents skipped and `List` objects expanded into their items. Pure: the caller reads the file.
 */
export function parseManifests(text: string, file: string): Manifest[] {
  if (text.includes('\u0000')) {
    throw new InputError(`${file}: not a text file (it contains NUL bytes)`);
  }
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const lines = new LineCounter();
  let docs;
  try {
    docs = parseAllDocuments(source, { version: '1.1', uniqueKeys: true, strict: true, prettyErrors: false, lineCounter: lines });
  } catch (error) {
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
      const line = problem.linePos?.[0]?.line;
      throw new InputError(`${where}${line ? `, line ${line}` : ''}: invalid YAML (${firstLine(problem.message)})`);
    }
    if (doc.contents === null) {
      return;
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (error) {
      throw new InputError(`${where}: cannot be read (${firstLine((error as Error).message)})`);
    }
    if (value === null || value === undefined) {
      return;
    }
    const root = doc.contents as Node;
    const startLine = root.range ? lines.linePos(root.range[0]).line : undefined;
    const objectWhere = `${where}${startLine ? `, line ${startLine}` : ''}`;
    if (!isObject(value)) {
      throw new InputError(`${objectWhere}: not a Kubernetes object (expected a mapping with apiVersion and kind, got ${Array.isArray(value) ? 'a list' : typeof value})`);
    }
    const items = value.items;
    if (typeof value.kind === 'string' && value.kind.endsWith('List') && Array.isArray(items)) {
      items.forEach((item, index) => {
        const locate = locator(doc, root, lines, ['items', index]);
        manifests.push(checked(item, `${where}, items[${index}]`, { file, document: i + 1, line: locate([]), locate }));
      });
      return;
    }
    manifests.push(checked(value, objectWhere, { file, document: i + 1, line: startLine, locate: locator(doc, root, lines, []) }));
  });
  return manifests;
}

function checked(object: unknown, where: string, origin: Manifest['origin']): Manifest {
  if (!isObject(object)) {
    throw new InputError(`${where}: not a Kubernetes object (expected a mapping with apiVersion and kind)`);
  }
  for (const key of ['apiVersion', 'kind']) {
    if (typeof object[key] !== 'string' || object[key] === '') {
      throw new InputError(`${where}: not a Kubernetes object (${key} is ${object[key] === undefined ? 'missing' : 'not a string'})`);
    }
  }
  return { object, origin };
}
