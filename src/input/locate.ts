import { getScalarValue, parseEvents } from 'js-yaml';
import type { Event } from 'js-yaml';
import { Path } from '../policy/path';
import { scalarKey } from './yaml';
import { EVENT_SEQUENCE, EVENT_MAPPING, EVENT_SCALAR, EVENT_ALIAS, EVENT_POP, STYLE_PLAIN } from './events';

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

/** The events of `text`, or undefined when it does not parse. */
function eventsOf(text: string, maxDepth: number): Event[] | undefined {
  try {
    return parseEvents(text, { maxDepth });
  } catch {
    return undefined;
  }
}

/** The position tree of the first document of `events` (and its anchors). */
function positions(text: string, events: readonly Event[]): { root: PositionNode; anchors: Map<string, PositionNode> } | undefined {
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

/** The index of the event after the node that starts at `i` (a scalar, an alias, or a collection up to its end). */
function skipNode(events: readonly Event[], i: number): number {
  const type = events[i].type;
  if (type !== EVENT_MAPPING && type !== EVENT_SEQUENCE) {
    return i + 1;
  }
  let depth = 0;
  for (let j = i; j < events.length; j++) {
    const t = events[j].type;
    if (t === EVENT_MAPPING || t === EVENT_SEQUENCE) {
      depth++;
    } else if (t === EVENT_POP && --depth === 0) {
      return j + 1;
    }
  }
  return events.length;
}

/**
 * The offset `path` leads to, walked on the events themselves: what the position tree gives, without building it.
 * Undefined where only the tree can tell: an alias on the way, or a merge key in a mapping the path goes through
 * (its fields come from elsewhere).
 */
function walk(text: string, events: readonly Event[], path: Path): number | undefined {
  let i = 0;
  while (i < events.length && events[i].type !== EVENT_MAPPING && events[i].type !== EVENT_SEQUENCE && events[i].type !== EVENT_SCALAR
    && events[i].type !== EVENT_ALIAS) {
    i++;
  }
  if (i === events.length) {
    return undefined;
  }
  let offset = eventStart(events[i]);
  for (const segment of path) {
    const node = events[i];
    if (node.type === EVENT_ALIAS) {
      return undefined;
    }
    if (node.type === EVENT_MAPPING) {
      const name = String(segment);
      let found = -1;
      let keyOffset = 0;
      for (let j = i + 1; j < events.length && events[j].type !== EVENT_POP;) {
        const key = events[j];
        const value = skipNode(events, j);
        if (key.type === EVENT_SCALAR) {
          if (key.style === STYLE_PLAIN && getScalarValue(text, key) === '<<') {
            return undefined;
          }
          if (scalarKey(text, key) === name) {
            // The last of equal keys, as the tree's map keeps it (the reader refuses duplicates anyway).
            found = value;
            keyOffset = eventStart(key);
          }
        }
        j = value < events.length ? skipNode(events, value) : value;
      }
      if (found < 0 || found >= events.length) {
        break;
      }
      offset = keyOffset;
      i = found;
    } else if (node.type === EVENT_SEQUENCE && typeof segment === 'number') {
      let j = i + 1;
      for (let k = 0; k < segment && j < events.length && events[j].type !== EVENT_POP; k++) {
        j = skipNode(events, j);
      }
      if (j >= events.length || events[j].type === EVENT_POP) {
        break;
      }
      offset = eventStart(events[j]);
      i = j;
    } else {
      break;
    }
  }
  return offset;
}

/** A parsed document, as the locators ask it: its events, and its position tree when a path needed it. */
interface Located {
  readonly key: unknown;
  readonly text: string;
  readonly firstLine: number;
  readonly maxDepth: number;
  readonly events: Event[] | undefined;
  tree?: ReturnType<typeof positions> | null;
  readonly lines: LineIndex;
}

/**
 * The document located last. Only one is kept: its events are garbage as soon as the next document is asked for,
 * so a run that locates the findings of thousands of documents holds one document's at a time, not thousands
 * (the trees they were once built into made the collector copy every one of them to old space). The engine asks
 * for every line of one object in a row (`judge`), so no document is parsed twice there.
 */
let last: Located | undefined;

/**
 * A function giving the line of a field of the object at `prefix` inside the document `text` (whose first line
 * is `firstLine` of its file): the line of the field's key, or of its nearest existing ancestor (a field a merge
 * key brought in is reported at the merge key). `shared` names the document when several objects come from it.
 * Most paths are walked on the document's events; one through an alias or a mapping with a merge key is looked
 * up in the position tree, built for it.
 */
export function documentLocator(text: string, firstLine: number, prefix: Path, maxDepth: number, shared?: PositionCache): (path: Path) => number | undefined {
  const key: unknown = shared ?? text;
  return (path: Path) => {
    if (!last || last.key !== key || last.text !== text || last.firstLine !== firstLine || last.maxDepth !== maxDepth) {
      last = { key, text, firstLine, maxDepth, events: eventsOf(text, maxDepth), lines: new LineIndex(text, firstLine) };
    }
    const located = last;
    if (!located.events) {
      return firstLine;
    }
    const full = prefix.length ? [...prefix, ...path] : path;
    const walked = walk(text, located.events, full);
    return located.lines.line(walked ?? treeOffset(located, full));
  };
}

/** The offset `path` leads to in the document's position tree (built on first use), following aliases and merge keys. */
function treeOffset(located: Located, path: Path): number {
  if (located.tree === undefined) {
    located.tree = positions(located.text, located.events!) ?? null;
  }
  const tree = located.tree;
  if (!tree) {
    return 0;
  }
  const { anchors } = tree;
  const deref = (n: PositionNode) => (n.alias !== undefined ? anchors.get(n.alias) ?? n : n);
  let node: PositionNode = tree.root;
  let offset = node.offset;
  for (const segment of path) {
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
  return offset;
}

/**
 * The offset `path` leads to in `text` by each of the two ways the locator has: walked on the events (undefined
 * where it hands over to the tree) and looked up in the position tree. Exported for the test that holds them to
 * the same answer.
 */
export function locateBothWays(text: string, path: Path, maxDepth: number): { walked: number | undefined; tree: number } | undefined {
  const events = eventsOf(text, maxDepth);
  if (!events) {
    return undefined;
  }
  const located: Located = { key: undefined, text, firstLine: 1, maxDepth, events, lines: new LineIndex(text, 1) };
  return { walked: walk(text, events, path), tree: treeOffset(located, path) };
}
