import { getScalarValue } from 'js-yaml';
import type { Event, ScalarEvent } from 'js-yaml';
import { goTimestamp, resolvePlainKustomize } from './resolve';
import { setKey } from './yaml';
import { EVENT_SEQUENCE, EVENT_MAPPING, EVENT_SCALAR, EVENT_ALIAS, EVENT_POP, STYLE_PLAIN, STYLE_FLOW, YAML_TAG } from './events';

/*
 * kustomize's reading of a document (kubectl apply -k, Argo CD and Flux kustomizations): kyaml decodes it with
 * its fork of gopkg.in/yaml.v3 v3.0.1 into Go values, kustomize writes them back out as YAML, and the consumer
 * reads that with kubectl's reader. Measured against kustomize itself (test/oracle), the differences from
 * kubectl's reading are: the YAML 1.2 scalar table (resolvePlainKustomize), yaml.v3's merge keys (explicit keys
 * win over merged ones, the first of a list of merged mappings wins, only one `<<` per mapping), and refusals
 * (keys that are not strings, duplicate keys as yaml.v3 sees them). This module is only asked for documents
 * where such a difference can arise.
 */

type YNode =
  | { readonly t: 'scalar'; readonly event: ScalarEvent; readonly flow: boolean }
  | { readonly t: 'map'; readonly pairs: Array<[YNode, YNode]> }
  | { readonly t: 'seq'; readonly items: YNode[] }
  | { readonly t: 'alias'; readonly target: YNode };

/** One resource kustomize builds from a document, with its path in the document (`['items', 2]`). */
export interface KustomizeResource {
  readonly value: unknown;
  readonly path: ReadonlyArray<string | number>;
}

/** What kustomize reads from a document (its resources, Lists expanded), or why it refuses the document. */
export type KustomizeReading = { readonly ok: true; readonly resources: readonly KustomizeResource[] } | { readonly ok: false; readonly reason: string };

class Refusal extends Error {}


function tree(text: string, events: readonly Event[]): YNode | undefined {
  const anchors = new Map<string, YNode>();
  const stack: Array<{ node: YNode; pending?: YNode; flow: boolean }> = [];
  let root: YNode | undefined;
  const add = (node: YNode) => {
    const top = stack[stack.length - 1];
    if (!top) {
      root = node;
    } else if (top.node.t === 'seq') {
      top.node.items.push(node);
    } else if (top.node.t === 'map') {
      if (top.pending === undefined) {
        top.pending = node;
      } else {
        top.node.pairs.push([top.pending, node]);
        top.pending = undefined;
      }
    }
  };
  const anchor = (event: { anchorStart: number; anchorEnd: number }, node: YNode) => {
    if (event.anchorStart >= 0) {
      anchors.set(text.slice(event.anchorStart, event.anchorEnd), node);
    }
  };
  for (const event of events) {
    switch (event.type) {
      case EVENT_SCALAR: {
        const node: YNode = { t: 'scalar', event, flow: stack.length > 0 && stack[stack.length - 1].flow };
        anchor(event, node);
        add(node);
        break;
      }
      case EVENT_MAPPING:
      case EVENT_SEQUENCE: {
        const node: YNode = event.type === EVENT_MAPPING ? { t: 'map', pairs: [] } : { t: 'seq', items: [] };
        anchor(event, node);
        add(node);
        stack.push({ node, flow: event.style === STYLE_FLOW || (stack.length > 0 && stack[stack.length - 1].flow) });
        break;
      }
      case EVENT_ALIAS: {
        const target = anchors.get(text.slice(event.anchorStart, event.anchorEnd));
        if (!target) {
          throw new Refusal('unknown alias');
        }
        add({ t: 'alias', target });
        break;
      }
      case EVENT_POP:
        stack.pop();
        break;
      default:
        break;
    }
  }
  return root;
}

function tagOf(text: string, event: ScalarEvent): string | undefined {
  if (event.tagStart < 0) {
    return undefined;
  }
  const raw = text.slice(event.tagStart, event.tagEnd);
  return raw.startsWith('!!') ? `${YAML_TAG}${raw.slice(2)}` : raw.startsWith('!<') ? raw.slice(2, -1) : raw;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function deref(node: YNode): YNode {
  let n = node;
  while (n.t === 'alias') {
    n = n.target;
  }
  return n;
}

/**
 * Reads one document's events as kustomize does (see the file comment): the resources it builds from it. kyaml
 * unwraps a `kind: List` that is the only document of its stream (`onlyDocument`, as kyaml splits streams) into
 * its items as YAML nodes; kustomize's resource factory then replaces every other kind ending in List by its
 * items, decoded into Go values and written back as JSON. A resource read from
 * YAML nodes is written out by kyaml's emitter (see `scalar`), one from JSON keeps its values; either way its
 * annotations are rewritten as strings. The caller has already read the document as kubectl does, so the
 * syntax, tags, limits and aliases are known to be fine.
 */
export function readKustomize(text: string, events: readonly Event[], onlyDocument: boolean): KustomizeReading {
  /** Decoded nodes, one cache per way of decoding (emitted again by kyaml, or decoded straight into Go values). */
  const caches = { emitted: new Map<YNode, unknown>(), decoded: new Map<YNode, unknown>() };
  let emitted = true;

  const isMergeKey = (node: YNode): boolean => {
    const n = deref(node);
    if (n.t !== 'scalar') {
      return false;
    }
    const tag = tagOf(text, n.event);
    return getScalarValue(text, n.event) === '<<' && (tag === undefined ? n.event.style === STYLE_PLAIN : tag === `${YAML_TAG}merge` || tag === '!');
  };

  const scalar = (event: ScalarEvent, flow = false): unknown => {
    const source = getScalarValue(text, event);
    const tag = tagOf(text, event);
    if (tag === `${YAML_TAG}str` || (tag === undefined && event.style !== STYLE_PLAIN)) {
      return source;
    }
    if (flow && emitted && tag === undefined && source.includes(':')) {
      // kustomize writes a resource's flow collections out again in flow style, where its YAML emitter quotes any
      // plain scalar holding a ":" (a timestamp with a time, say): read back, it is a string. The items of a
      // List kind other than List are decoded straight into Go values instead, so they keep their times.
      return source;
    }
    const resolved = resolvePlainKustomize(source);
    if (resolved.kind !== 'value') {
      throw new Refusal(`${source} cannot be written as JSON`);
    }
    const value = resolved.value;
    if (tag !== undefined) {
      const ok = tag.endsWith(':null') ? value === null : tag.endsWith(':bool') ? typeof value === 'boolean'
        : tag.endsWith(':int') || tag.endsWith(':float') ? typeof value === 'number' : false;
      if (!ok) {
        throw new Refusal(`cannot decode ${source} as ${tag}`);
      }
    }
    return value;
  };

  /**
   * A mapping key. kustomize decodes a resource into a map[string]interface{}, so its top-level keys are taken
   * as written (`1e3` is "1e3"); below it yaml.v3 makes a map[string]interface{} only when every key is a
   * string, and kustomize cannot write the other kind as JSON.
   */
  const key = (node: YNode, top: boolean): string => {
    const n = deref(node);
    if (n.t !== 'scalar') {
      throw new Refusal('a collection as a mapping key');
    }
    const source = getScalarValue(text, n.event);
    const tag = tagOf(text, n.event);
    if (top || tag === `${YAML_TAG}str` || (tag === undefined && n.event.style !== STYLE_PLAIN)) {
      return source;
    }
    const value = scalar(n.event);
    if (typeof value !== 'string' || goTimestamp(source) !== undefined) {
      throw new Refusal(`the mapping key ${source} is not a string (kustomize cannot write it as JSON)`);
    }
    return value;
  };

  const decode = (node: YNode): unknown => {
    if (node.t === 'alias') {
      return decode(node.target);
    }
    if (node.t === 'scalar') {
      return scalar(node.event, node.flow);
    }
    const cache = emitted ? caches.emitted : caches.decoded;
    if (cache.has(node)) {
      return cache.get(node);
    }
    let value: unknown;
    if (node.t === 'seq') {
      value = node.items.map(decode);
    } else {
      const out: Record<string, unknown> = {};
      mapInto(node, out, undefined, false);
      value = out;
    }
    cache.set(node, value);
    return value;
  };

  /** yaml.v3's decoder.mapping: explicit keys (skipping those a merge chain already set), then the merge. */
  const mapInto = (node: Extract<YNode, { t: 'map' }>, out: Record<string, unknown>, merged: Set<string> | undefined, top: boolean) => {
    // yaml.v3 refuses a mapping whose keys repeat as written (same kind and text), whatever they resolve to.
    const seen = new Set<string>();
    let mergeNode: YNode | undefined;
    for (const [k, v] of node.pairs) {
      const kn = deref(k);
      if (kn.t === 'scalar') {
        const raw = getScalarValue(text, kn.event);
        if (seen.has(raw)) {
          throw new Refusal(`mapping key ${JSON.stringify(raw)} already defined`);
        }
        seen.add(raw);
      }
      if (isMergeKey(k)) {
        if (mergeNode !== undefined) {
          throw new Refusal('duplicate merge key');
        }
        mergeNode = v;
        continue;
      }
      const name = key(k, top);
      if (name === '<<') {
        // kustomize drops a "<<" key that is not a merge key (quoted or tagged !!str), value and all.
        continue;
      }
      if (merged) {
        if (merged.has(name)) {
          continue;
        }
        merged.add(name);
      }
      setKey(out, name, decode(v));
    }
    if (mergeNode === undefined) {
      return;
    }
    const fields = merged ?? new Set(node.pairs.map(([k]) => (isMergeKey(k) ? '<<' : key(k, top))));
    const source = deref(mergeNode);
    const sources = source.t === 'seq' ? source.items.map(deref) : [source];
    for (const s of sources) {
      if (s.t !== 'map') {
        throw new Refusal('map merge requires map or sequence of maps as the value');
      }
      mapInto(s, out, fields, top);
    }
  };

  /**
   * kustomize rewrites a resource's annotations as strings: each value becomes its text as written in the YAML
   * (`null` is "null", an empty value ""), or, for a resource that came from JSON, the JSON text of the value; an
   * empty or null annotations field is dropped.
   */
  const rewriteAnnotations = (out: Record<string, unknown>, node: YNode | undefined): Record<string, unknown> => {
    const metadata = out.metadata;
    if (!isMapping(metadata) || !Object.prototype.hasOwnProperty.call(metadata, 'annotations')) {
      return out;
    }
    const annotations = metadata.annotations;
    const copy: Record<string, unknown> = { ...metadata };
    if (annotations === null || (isMapping(annotations) && Object.keys(annotations).length === 0)) {
      delete copy.annotations;
      return { ...out, metadata: copy };
    }
    if (!isMapping(annotations)) {
      return out;
    }
    const annotationsNode = pairValue(pairValue(node, 'metadata'), 'annotations');
    const rewritten: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(annotations)) {
      const valueNode = pairValue(annotationsNode, k);
      const textOf = valueNode?.t === 'scalar' ? getScalarValue(text, valueNode.event)
        : node === undefined && v !== null && typeof v !== 'object' ? String(v) : node === undefined && v === null ? 'null' : v;
      setKey(rewritten, k, textOf);
    }
    copy.annotations = rewritten;
    return { ...out, metadata: copy };
  };

  /** The value node of a key of a mapping node (explicit keys only). */
  const pairValue = (node: YNode | undefined, name: string): YNode | undefined => {
    const n = node && deref(node);
    if (!n || n.t !== 'map') {
      return undefined;
    }
    const pair = n.pairs.find(([k]) => {
      const kn = deref(k);
      return kn.t === 'scalar' && getScalarValue(text, kn.event) === name;
    });
    return pair && deref(pair[1]);
  };

  /** The text of a mapping's scalar value at `name` (explicit keys only), or undefined. */
  const scalarText = (node: YNode | undefined, name: string): string | undefined => {
    const value = pairValue(node, name);
    return value?.t === 'scalar' ? getScalarValue(text, value.event) : undefined;
  };

  /** A top-level mapping decoded as kustomize decodes a resource: into a map[string]interface{}. */
  const resourceValue = (node: Extract<YNode, { t: 'map' }>, asEmitted: boolean): Record<string, unknown> => {
    emitted = asEmitted;
    const out: Record<string, unknown> = {};
    mapInto(node, out, undefined, true);
    return out;
  };

  try {
    const root = tree(text, events);
    if (root === undefined) {
      return { ok: true, resources: [] };
    }
    const top = deref(root);
    if (top.t !== 'map') {
      throw new Refusal('a document that is not a mapping');
    }
    // kyaml's reader unwraps a kind: List or ResourceList (whatever its apiVersion) into its items, as nodes, when
    // it is the only document of the stream and has items (or a functionConfig).
    const nodes: Array<{ node: YNode; path: ReadonlyArray<string | number> }> = [];
    const kind = scalarText(top, 'kind');
    if (onlyDocument && (kind === 'List' || kind === 'ResourceList') && (pairValue(top, 'items') !== undefined || pairValue(top, 'functionConfig') !== undefined)) {
      const items = pairValue(top, 'items');
      (items?.t === 'seq' ? items.items : []).forEach((item, i) => nodes.push({ node: deref(item), path: ['items', i] }));
    } else {
      nodes.push({ node: top, path: [] });
    }
    const resources: KustomizeResource[] = [];
    const values: Array<{ value: unknown; path: ReadonlyArray<string | number> }> = [];
    for (const { node, path } of nodes) {
      if (node.t !== 'map') {
        throw new Refusal('a List item that is not a mapping');
      }
      const kind = scalarText(node, 'kind');
      if (kind !== undefined && kind.endsWith('List')) {
        // The resource factory decodes the list into Go values (Map) and its items go on as JSON.
        values.push({ value: resourceValue(node, false), path });
        continue;
      }
      resources.push({ value: rewriteAnnotations(resourceValue(node, true), node), path });
    }
    while (values.length) {
      const { value, path } = values.shift()!;
      if (!isMapping(value)) {
        throw new Refusal('an item that is not a mapping');
      }
      const kind = value.kind;
      if (typeof kind === 'string' && kind.endsWith('List')) {
        const items = value.items;
        if (items === undefined || items === null) {
          continue;
        }
        if (!Array.isArray(items)) {
          throw new Refusal(`expected array in ${kind}/items`);
        }
        items.forEach((item, i) => values.push({ value: item, path: [...path, 'items', i] }));
        continue;
      }
      resources.push({ value: rewriteAnnotations(value, undefined), path });
    }
    return { ok: true, resources };
  } catch (error) {
    if (error instanceof Refusal) {
      return { ok: false, reason: error.message };
    }
    throw error;
  }
}
