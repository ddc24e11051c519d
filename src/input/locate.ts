import { getScalarValue, parseEvents } from 'js-yaml';
import type { Event } from 'js-yaml';
import { Path } from '../policy/path';
import { scalarKey } from './yaml';
import { EVENT_SEQUENCE, EVENT_MAPPING, EVENT_SCALAR, EVENT_ALIAS, EVENT_POP } from './events';

/*
 * Lines of fields, found when a finding asks for one: the document's text is parsed again (into js-yaml
 * events, cheap) and walked along the path. Documents without findings never pay for it, and nothing is
 * held per field in the meantime.
 */

interface Entry {
  /** Where the field is reported: its key, or the merge key (`<<`) that brought it in. */
  readonly offset: number;
  readonly node: PositionNode;
}

interface PositionNode {
  readonly offset: number;
  /** Mappings: their pairs in document order, merge keys included. */
  readonly pairs?: Array<{ readonly name?: string; readonly merge: boolean; readonly offset: number; readonly node: PositionNode }>;
  readonly items?: PositionNode[];
  /** Aliases: the anchor they name. */
  readonly alias?: string;
  /** Mappings: each key's entry as kubectl (yaml.v2) ends up with it, computed on first use. */
  keys?: Map<string, Entry>;
}


function eventStart(event: Event): number {
  if ('tagStart' in event && event.tagStart >= 0) {
    return event.tagStart;
  }
  if ('anchorStart' in event && event.anchorStart >= 0) {
    return event.anchorStart;
  }
  if ('valueStart' in event && event.valueStart >= 0) {
    return event.valueStart;
  }
  return 'start' in event ? event.start : 0;
}

/** The position tree of the first document of `text` (and its anchors), or undefined when it does not parse. */
function positions(text: string, maxDepth: number): { root: PositionNode; anchors: Map<string, PositionNode> } | undefined {
  let events: Event[];
  try {
    events = parseEvents(text, { maxDepth });
  } catch {
    return undefined;
  }
  let root: PositionNode | undefined;
  const anchors = new Map<string, PositionNode>();
  const stack: Array<{ node: PositionNode; key?: { name: string | undefined; offset: number; merge: boolean } }> = [];
  const add = (node: PositionNode, keyEvent?: Event) => {
    const top = stack[stack.length - 1];
    if (!top) {
      root ??= node;
      return;
    }
    if (top.node.items) {
      top.node.items.push(node);
      return;
    }
    if (!top.key) {
      const name = keyEvent && keyEvent.type === EVENT_SCALAR ? scalarKey(text, keyEvent) : undefined;
      const merge = keyEvent?.type === EVENT_SCALAR && keyEvent.style === 1 && getScalarValue(text, keyEvent) === '<<';
      top.key = { name, offset: node.offset, merge };
      return;
    }
    const key = top.key;
    top.key = undefined;
    top.node.pairs!.push({ name: key.name, merge: key.merge, offset: key.offset, node });
  };
  const anchor = (event: Event, node: PositionNode) => {
    if ('anchorStart' in event && event.anchorStart >= 0 && event.type !== EVENT_ALIAS) {
      anchors.set(text.slice(event.anchorStart, event.anchorEnd), node);
    }
  };
  for (const event of events) {
    switch (event.type) {
      case EVENT_SCALAR: {
        const node: PositionNode = { offset: eventStart(event) };
        anchor(event, node);
        add(node, event);
        break;
      }
      case EVENT_ALIAS:
        add({ offset: eventStart(event), alias: text.slice(event.anchorStart, event.anchorEnd) }, event);
        break;
      case EVENT_MAPPING:
      case EVENT_SEQUENCE: {
        const node: PositionNode = event.type === EVENT_MAPPING ? { offset: eventStart(event), pairs: [] } : { offset: eventStart(event), items: [] };
        anchor(event, node);
        const top = stack[stack.length - 1];
        if (top && top.node.pairs && !top.key) {
          // A collection used as a key: the reader refuses such documents; record nothing.
          top.key = { name: undefined, offset: node.offset, merge: false };
        } else if (top) {
          add(node);
        } else {
          root ??= node;
        }
        stack.push({ node });
        break;
      }
      case EVENT_POP:
        if (stack.length) {
          stack.pop();
        } else if (root) {
          return { root, anchors };
        }
        break;
      default:
        break;
    }
  }
  return root ? { root, anchors } : undefined;
}

/**
 * The entries of a mapping as kubectl (yaml.v2) builds it: pairs in document order, each explicit key
 * overwriting, each merge key writing the merged mappings' keys (a list of them from the last to the first, so
 * the first wins). A field a merge brought in is reported at that merge key.
 */
function entries(node: PositionNode, anchors: Map<string, PositionNode>, seen = new Set<PositionNode>()): Map<string, Entry> {
  if (node.keys) {
    return node.keys;
  }
  const keys = new Map<string, Entry>();
  if (seen.has(node)) {
    return keys;
  }
  seen.add(node);
  const deref = (n: PositionNode) => (n.alias !== undefined ? anchors.get(n.alias) ?? n : n);
  for (const pair of node.pairs ?? []) {
    if (pair.merge) {
      const value = deref(pair.node);
      const sources = value.items ? value.items.map(deref).reverse() : [value];
      for (const source of sources) {
        for (const [name, entry] of entries(source, anchors, seen)) {
          keys.set(name, { offset: pair.offset, node: entry.node });
        }
      }
    } else if (pair.name !== undefined) {
      keys.set(pair.name, { offset: pair.offset, node: pair.node });
    }
  }
  seen.delete(node);
  node.keys = keys;
  return keys;
}

/** Line numbers of a text: the 1-based line of an offset. */
export class LineIndex {
  private readonly starts: number[] = [0];
  constructor(text: string, private readonly firstLine = 1) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) {
      this.starts.push(i + 1);
    }
  }

  line(offset: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return this.firstLine + lo;
  }

  column(offset: number): number {
    return offset - this.starts[this.line(offset) - this.firstLine] + 1;
  }
}

/**
 * A key naming one document for the locators of the objects it holds (the items of a List): they share its
 * positions, parsed once for all of them while they are asked in a row, not once per item.
 */
export type PositionCache = object;

/**
 * The positions of the document located last. Only one is kept: a tree is garbage as soon as the next document is
 * asked for, so a run that locates the findings of thousands of documents holds one tree at a time, not thousands
 * (they made the collector copy every tree from young to old space). The engine asks for every line of one
 * object in a row (`judge`), so no document is parsed twice there.
 */
let last: { readonly key: unknown; readonly text: string; readonly firstLine: number; readonly maxDepth: number; readonly tree: ReturnType<typeof positions>; readonly lines: LineIndex } | undefined;

/**
 * A function giving the line of a field of the object at `prefix` inside the document `text` (whose first line
 * is `firstLine` of its file): the line of the field's key, or of its nearest existing ancestor (a field a merge
 * key brought in is reported at the merge key). `shared` names the document when several objects come from it.
 */
export function documentLocator(text: string, firstLine: number, prefix: Path, maxDepth: number, shared?: PositionCache): (path: Path) => number | undefined {
  const key: unknown = shared ?? text;
  return (path: Path) => {
    if (!last || last.key !== key || last.text !== text || last.firstLine !== firstLine || last.maxDepth !== maxDepth) {
      last = { key, text, firstLine, maxDepth, tree: positions(text, maxDepth), lines: new LineIndex(text, firstLine) };
    }
    const { tree, lines } = last;
    if (!tree) {
      return firstLine;
    }
    const { anchors } = tree;
    const deref = (n: PositionNode) => (n.alias !== undefined ? anchors.get(n.alias) ?? n : n);
    let node: PositionNode = tree.root;
    let offset = node.offset;
    for (const segment of [...prefix, ...path]) {
      node = deref(node);
      if (node.pairs) {
        const entry = entries(node, anchors).get(String(segment));
        if (!entry) {
          break;
        }
        offset = entry.offset;
        node = entry.node;
      } else if (node.items && typeof segment === 'number' && segment < node.items.length) {
        node = node.items[segment];
        offset = node.offset;
      } else {
        break;
      }
    }
    return lines.line(offset);
  };
}
