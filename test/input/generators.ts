import * as fc from 'fast-check';

/*
 * Random YAML and JSON streams for the differential tests against the real readers: a small document model
 * (mappings, lists, scalars, anchors, aliases, merge keys, list carriers) printed with random presentation
 * (block or flow, every scalar style, indentation and separator variants, comments, CRLF, BOM), drawing scalars
 * from the resolution-table edge cases of both YAML versions.
 */

/** Plain scalars at the edges of yaml.v2's and yaml.v3's resolution tables. */
export const EDGE_SCALARS: readonly string[] = [
  // booleans in YAML 1.1 and 1.2
  'y', 'Y', 'yes', 'Yes', 'YES', 'n', 'N', 'no', 'No', 'NO', 'true', 'True', 'TRUE', 'false', 'False', 'FALSE',
  'on', 'On', 'ON', 'off', 'Off', 'OFF', 'tRUE', 'yEs',
  // nulls
  '~', 'null', 'Null', 'NULL', 'nULL',
  // integers in every radix, signs, underscores, ranges
  '0', '-0', '+0', '7', '-7', '+7', '017', '08', '0o17', '0O17', '0x1F', '0X1f', '0b101', '0B11', '-0x1F', '+0o7', '-0o7', '-0b11',
  '1_000', '0x_1F', '0b1_1', '1__0', '_1', '1_', '00', '0x', '0o', '0b', '0b2', '0o8', '0xG',
  '9223372036854775807', '9223372036854775808', '-9223372036854775808', '-9223372036854775809', '18446744073709551615',
  '18446744073709551616', '9007199254740991', '9007199254740992', '9007199254740993', '0o-7', '0o+7', '0b-1', '0b+1', '-0o-7',
  '0x7FFFFFFFFFFFFFFF', '0xFFFFFFFFFFFFFFFF', '0x1FFFFFFFFFFFFFFFF', '0777777777777777777777', '0b' + '1'.repeat(64),
  // floats
  '1.0', '1.', '.5', '-.5', '+.5', '1e3', '1E3', '1e+3', '1e-3', '1.5e3', '.5e1', '1_0.5', '.5_0', '._5', '1e400', '-1e400', '1e-400',
  '6.02e23', '0.1', '1e21', '123456789.123456789', '.inf', '-.Inf', '+.INF', '.nan', '.NaN', '.Nan', 'inf', 'NaN', '1e', '.e3', '.',
  // timestamps
  '2001-12-14', '2001-12-14t21:59:43.10-05:00', '2001-12-14 21:59:43.10', '2001-12-14T21:59:43Z', '2001-1-2', '2001-13-01',
  '2001-02-29', '2000-02-29', '2001-12-14 5:3:2', '2001-12-14T21:59:43.123456789123Z', '2001-12-14T21:59:43+00:00',
  '2001-12-14T21:59:43,5Z', '2001-12-14T24:00:00Z', '20011-12-14', '2001-12-14T21:59Z',
  // base 60 and other lookalikes
  '10:30', '1:20:30', '-10:30', '190:20:30.15', '=', '<<', '-', '.', '..', '...', 'a:b', 'http://x.y/z', 'a#b', '-a', '?a', '%a',
  '@a', '`a`', '!a', '&a', '*a', '|a', '>a', 'a b', 'a  b', 'v1', 'Pod', 'web-1', 'x.y', 'nginx:1.25', '0.0.0.0', '1.2.3',
  '--', '---a', 'a---', '0x1p3', '1e+', 'Infinity', '-', '+', '+-1', '1+1',
];

/** Strings for quoted scalars: unicode, escapes, whitespace. */
export const EDGE_STRINGS: readonly string[] = [
  '', ' ', 'a', 'é', '日本', '😀', 'tab\there', 'line\nbreak', 'two\n\nbreaks', ' lead', 'trail ', '\u2028', '\u2029', '\u0085',
  '\u001b[31m', '\u0000', '\u007f', '\u00a0', '\ufeff', 'back\\slash', 'quote"d', "single'd", '#', ': ', '- ', '{a}', '[a]', '\ud83d\ude00',
  'yes', 'on', '1e3', '0o17', '<<', '~', 'null', '2001-12-14', '10:30',
];

const KEYS = ['a', 'b', 'c', 'name', 'value', 'hostPID', 'hostNetwork', 'privileged', 'runAsUser', 'spec', 'data', 'items', 'x_y', 'x-y', 'x.y', 'k8s.io/name'];
const EDGE_KEYS = ['1', '-1', '1.5', '1e3', 'true', 'yes', 'on', 'n', '~', 'null', '"1"', "'yes'", '"<<"', '2001-12-14', '0x1F', '.inf', '""', '?'];

export type GNode =
  | { readonly k: 'plain'; readonly text: string }
  | { readonly k: 'quoted'; readonly value: string; readonly style: 'single' | 'double' | 'literal' | 'folded' }
  | { readonly k: 'tagged'; readonly tag: string; readonly text: string }
  | { readonly k: 'map'; readonly pairs: ReadonlyArray<readonly [string, GNode]>; readonly flow: boolean; readonly anchor?: string }
  | { readonly k: 'seq'; readonly items: readonly GNode[]; readonly flow: boolean; readonly anchor?: string }
  | { readonly k: 'alias'; readonly name: string };

const SAFE_PLAIN = /^[A-Za-z0-9_./+:@-](?:[A-Za-z0-9_./+:@ =-]*[A-Za-z0-9_./+:@=-])?$/;

function canBePlain(text: string, flow: boolean): boolean {
  if (text === '' || /^[-?:,[\]{}#&*!|>'"%@`]/.test(text) && !/^-[0-9.]/.test(text) && text !== '-' || /: |: ?$| #|\t/.test(text)) {
    return /^[-.][0-9.]/.test(text) || text === '-' ? !flow || !/[,[\]{}]/.test(text) : false;
  }
  if (flow && /[,[\]{}]/.test(text)) {
    return false;
  }
  return SAFE_PLAIN.test(text) || /^[-.][0-9]/.test(text);
}

function doubleQuote(value: string): string {
  let out = '"';
  for (const c of value) {
    const code = c.codePointAt(0)!;
    if (c === '"' || c === '\\') {
      out += `\\${c}`;
    } else if (c === '\n') {
      out += '\\n';
    } else if (c === '\t') {
      out += '\\t';
    } else if (code === 0x85) {
      out += '\\N';
    } else if (code === 0x2028) {
      out += '\\L';
    } else if (code === 0x2029) {
      out += '\\P';
    } else if (code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0xfeff) {
      out += `\\x${code.toString(16).padStart(2, '0')}`.replace(/^\\x(..)$/, (m) => (code > 0xff ? `\\u${code.toString(16).padStart(4, '0')}` : m));
    } else {
      out += c;
    }
  }
  return `${out}"`;
}

function singleQuote(value: string): string | undefined {
  if (/[\n\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\ufeff]/.test(value)) {
    return undefined;
  }
  return `'${value.replace(/'/g, "''")}'`;
}

export interface PrintStyle {
  /** Spaces per indentation level. */
  readonly indent: number;
  /** Lists under a mapping key are indented (`- ` below the key's column + indent) or not. */
  readonly indentSequences: boolean;
  /** Comments after some lines. */
  readonly comments: boolean;
}

function key(text: string, flow: boolean): string {
  if (text === '<<' || EDGE_KEYS.includes(text) || canBePlain(text, flow)) {
    return text;
  }
  return doubleQuote(text);
}

function scalarText(node: GNode, flow: boolean, indent: string, style: PrintStyle): string {
  switch (node.k) {
    case 'plain':
      return canBePlain(node.text, flow) ? node.text : doubleQuote(node.text);
    case 'tagged':
      return `${node.tag} ${canBePlain(node.text, flow) ? node.text : doubleQuote(node.text)}`;
    case 'quoted': {
      if (node.style === 'single') {
        return singleQuote(node.value) ?? doubleQuote(node.value);
      }
      if ((node.style === 'literal' || node.style === 'folded') && !flow && /^[^\s\u2028\u2029\u0085][^\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\ufeff]*$/.test(node.value)
        && !/[ \t]$/m.test(node.value) && !node.value.includes('\t')) {
        const body = node.value.split('\n').map((l) => (l === '' ? '' : `${indent}${' '.repeat(style.indent)}${l}`)).join('\n');
        const chomp = node.value.endsWith('\n') ? '' : '-';
        return `${node.style === 'literal' ? '|' : '>'}${chomp}\n${body.replace(/\n$/, '')}`;
      }
      return doubleQuote(node.value);
    }
    default:
      return '';
  }
}

function anchorPrefix(node: GNode): string {
  return (node.k === 'map' || node.k === 'seq') && node.anchor ? `&${node.anchor} ` : '';
}

function flowText(node: GNode): string {
  switch (node.k) {
    case 'map':
      return `${anchorPrefix(node)}{${node.pairs.map(([k, v]) => `${key(k, true)}: ${flowText(v)}`).join(', ')}}`;
    case 'seq':
      return `${anchorPrefix(node)}[${node.items.map(flowText).join(', ')}]`;
    case 'alias':
      return `*${node.name}`;
    default:
      return scalarText(node, true, '', { indent: 2, indentSequences: true, comments: false });
  }
}

/** Prints a node as the value of a block mapping key or list item: the text after `key:` or `- `. */
function blockValue(node: GNode, indent: string, style: PrintStyle, inSeq: boolean): string {
  if (node.k === 'alias') {
    return ` *${node.name}`;
  }
  if ((node.k === 'map' || node.k === 'seq') && (node.flow || (node.k === 'map' ? node.pairs.length === 0 : node.items.length === 0))) {
    return ` ${flowText(node)}`;
  }
  if (node.k === 'map') {
    const inner = indent + ' '.repeat(style.indent);
    return ` ${anchorPrefix(node)}`.trimEnd() + `\n${blockMap(node, inner, style)}`;
  }
  if (node.k === 'seq') {
    const inner = inSeq || style.indentSequences ? indent + ' '.repeat(style.indent) : indent;
    return ` ${anchorPrefix(node)}`.trimEnd() + `\n${blockSeq(node, inner, style)}`;
  }
  return ` ${scalarText(node, false, indent, style)}`;
}

function blockMap(node: Extract<GNode, { k: 'map' }>, indent: string, style: PrintStyle): string {
  return node.pairs.map(([k, v], i) => `${indent}${key(k, false)}:${blockValue(v, indent, style, false)}${style.comments && i % 3 === 1 ? ' # note' : ''}`).join('\n');
}

function blockSeq(node: Extract<GNode, { k: 'seq' }>, indent: string, style: PrintStyle): string {
  return node.items.map((item) => `${indent}-${blockValue(item, indent, style, true)}`).join('\n');
}

/** Prints a document's root mapping as block YAML (or flow, when the node says so). */
export function printDocument(root: GNode, style: PrintStyle): string {
  if (root.k === 'map' && !root.flow && root.pairs.length) {
    return `${anchorPrefix(root) ? `${anchorPrefix(root).trim()}\n` : ''}${blockMap(root, '', style)}\n`;
  }
  return `${flowText(root)}\n`;
}

const anchorName = fc.constantFrom('a', 'b', 'base', 'x1');

function scalarArb(): fc.Arbitrary<GNode> {
  return fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...EDGE_SCALARS).map((text): GNode => ({ k: 'plain', text })) },
    { weight: 2, arbitrary: fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/).map((text): GNode => ({ k: 'plain', text })) },
    {
      weight: 3,
      arbitrary: fc.record({
        value: fc.oneof(fc.constantFrom(...EDGE_STRINGS, ...EDGE_SCALARS), fc.string({ unit: 'binary', maxLength: 6 })),
        style: fc.constantFrom('single' as const, 'double' as const, 'literal' as const, 'folded' as const),
      }).map(({ value, style }): GNode => ({ k: 'quoted', value, style })),
    },
    {
      weight: 1,
      arbitrary: fc.record({ tag: fc.constantFrom('!!str', '!!int', '!!float', '!!bool', '!!null'), text: fc.constantFrom(...EDGE_SCALARS) })
        .map(({ tag, text }): GNode => ({ k: 'tagged', tag, text })),
    },
  );
}

/** A value tree; anchors and aliases are placed afterwards so aliases only follow their anchors. */
export const valueArb: fc.Arbitrary<GNode> = fc.letrec<{ node: GNode }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 5, arbitrary: scalarArb() },
    {
      weight: 2,
      arbitrary: fc.record({
        pairs: fc.uniqueArray(fc.tuple(fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...KEYS) }, { weight: 1, arbitrary: fc.constantFrom(...EDGE_KEYS) }),
          tie('node')), { maxLength: 4, selector: ([k]) => k }),
        flow: fc.boolean(),
      }).map(({ pairs, flow }): GNode => ({ k: 'map', pairs, flow })),
    },
    { weight: 1, arbitrary: fc.record({ items: fc.array(tie('node'), { maxLength: 3 }), flow: fc.boolean() }).map(({ items, flow }): GNode => ({ k: 'seq', items, flow })) },
  ),
})).node;

/** Merge-key permutations: explicit keys before and after a `<<` of a mapping, an alias or a list of them. */
const mergeArb: fc.Arbitrary<ReadonlyArray<readonly [string, GNode]>> = fc.record({
  before: fc.subarray(['hostPID', 'hostNetwork', 'a']),
  after: fc.subarray(['hostPID', 'hostIPC', 'b']),
  merged: fc.array(fc.subarray(['hostPID', 'hostNetwork', 'hostIPC', 'a', 'b'], { minLength: 1 }), { minLength: 1, maxLength: 3 }),
  asSequence: fc.boolean(),
  values: fc.array(fc.constantFrom('true', 'false', 'yes', '~', '1'), { minLength: 16, maxLength: 16 }),
}).map(({ before, after, merged, asSequence, values }) => {
  let v = 0;
  const next = (): GNode => ({ k: 'plain', text: values[v++ % values.length] });
  const maps: GNode[] = merged.map((keys) => ({ k: 'map', pairs: keys.map((k) => [k, next()] as const), flow: true }));
  const mergeValue: GNode = asSequence || maps.length > 1 ? { k: 'seq', items: maps, flow: true } : maps[0];
  return [...before.map((k) => [k, next()] as const), ['<<', mergeValue] as const, ...after.filter((k) => !before.includes(k)).map((k) => [k, next()] as const)];
});

/** Adds an anchor to the first collection of a tree and aliases to it after it, when `anchor` is set. */
function withAnchors(pairs: ReadonlyArray<readonly [string, GNode]>, anchor: string | undefined): ReadonlyArray<readonly [string, GNode]> {
  if (!anchor) {
    return pairs;
  }
  const index = pairs.findIndex(([, v]) => v.k === 'map' || v.k === 'seq');
  if (index < 0) {
    return pairs;
  }
  const anchored = { ...pairs[index][1], anchor } as GNode;
  return [...pairs.slice(0, index), [pairs[index][0], anchored], ...pairs.slice(index + 1), ['copy', { k: 'alias', name: anchor }]];
}

/** One Kubernetes-like document: identity, a body of random fields, optionally merge keys, anchors or items. */
export const documentArb: fc.Arbitrary<GNode> = fc.record({
  kind: fc.constantFrom('ConfigMap', 'Pod', 'List', 'PodList', 'Widget'),
  name: fc.constantFrom('web', 'a', 'yes', '1', 'x.y'),
  withName: fc.oneof({ weight: 9, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
  body: fc.uniqueArray(fc.tuple(fc.constantFrom('data', 'spec', 'status', 'extra', 'items'), valueArb), { maxLength: 3, selector: ([k]) => k }),
  merge: fc.option(mergeArb, { freq: 3 }),
  anchor: fc.option(anchorName, { freq: 4 }),
  items: fc.option(fc.array(fc.record({ kind: fc.constantFrom('Pod', 'ConfigMap', 'PodList', ''), body: valueArb }), { maxLength: 3 }), { freq: 3 }),
  flowRoot: fc.oneof({ weight: 9, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
  extraMetadata: fc.subarray([
    ['namespace', fc.constantFrom<GNode>({ k: 'plain', text: 'team-a' }, { k: 'plain', text: '~' }, { k: 'quoted', value: '', style: 'double' }, { k: 'plain', text: 'yes' })],
    ['annotations', fc.constantFrom<GNode>({ k: 'map', pairs: [], flow: true }, { k: 'plain', text: '~' },
      { k: 'map', pairs: [['a', { k: 'plain', text: 'null' }], ['b', { k: 'quoted', value: 'x', style: 'single' }]], flow: true },
      { k: 'map', pairs: [['example.com/when', { k: 'plain', text: '2001-12-14' }], ['c', { k: 'plain', text: 'yes' }]], flow: false })],
    ['labels', fc.constantFrom<GNode>({ k: 'map', pairs: [], flow: true }, { k: 'map', pairs: [['app', { k: 'plain', text: 'web' }], ['on', { k: 'plain', text: '~' }]], flow: true })],
  ] as const).chain((entries) => fc.tuple(...entries.map(([k, arb]) => arb.map((v) => [k, v] as const)))),
}).map(({ kind, name, withName, body, merge, anchor, items, flowRoot, extraMetadata }): GNode => {
  const metadata: GNode = { k: 'map', pairs: [...(withName ? [['name', { k: 'plain', text: name }] as const] : []), ...extraMetadata], flow: true };
  const pairs: Array<readonly [string, GNode]> = [['apiVersion', { k: 'plain', text: 'v1' }], ['kind', { k: 'plain', text: kind }], ['metadata', metadata]];
  pairs.push(...body.filter(([k]) => k !== 'items'));
  if (merge) {
    pairs.push(['spec', { k: 'map', pairs: merge, flow: false }]);
  }
  if (items) {
    pairs.push(['items', {
      k: 'seq',
      flow: false,
      items: items.map((item, i): GNode => ({
        k: 'map',
        flow: false,
        pairs: [
          ...(item.kind ? [['apiVersion', { k: 'plain', text: 'v1' }] as const, ['kind', { k: 'plain', text: item.kind }] as const] : []),
          ['metadata', { k: 'map', flow: true, pairs: [['name', { k: 'plain', text: `item${i}` }]] }],
          ['spec', item.body],
        ],
      })),
    }]);
  }
  const unique = pairs.filter(([k], i) => pairs.findIndex(([j]) => j === k) === i);
  return { k: 'map', pairs: withAnchors(unique, anchor ?? undefined), flow: flowRoot };
});

const styleArb: fc.Arbitrary<PrintStyle> = fc.record({ indent: fc.constantFrom(2, 2, 4, 3), indentSequences: fc.boolean(), comments: fc.boolean() });

/** How documents are separated and the stream is dressed. */
const separatorArb = fc.constantFrom('---\n', '---\n', '--- # next\n', '\n---\n', '---   \n', '...\n---\n');

/** A YAML stream of one to three documents, with random presentation. */
export const yamlStreamArb: fc.Arbitrary<string> = fc.record({
  documents: fc.array(fc.tuple(documentArb, styleArb), { minLength: 1, maxLength: 3 }),
  separators: fc.array(separatorArb, { minLength: 3, maxLength: 3 }),
  leading: fc.constantFrom('', '', '---\n', '# header\n', '\ufeff', '\n'),
  trailing: fc.constantFrom('', '', '...\n', '# end\n', '---\n'),
  crlf: fc.oneof({ weight: 9, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
}).map(({ documents, separators, leading, trailing, crlf }) => {
  const text = leading + documents.map(([doc, style], i) => (i ? separators[i - 1] : '') + printDocument(doc, style)).join('') + trailing;
  return crlf ? text.replace(/\n/g, '\r\n') : text;
});

const jsonScalarArb = fc.oneof(
  fc.constantFrom('0', '-0', '1.0', '1e2', '1E-2', '-1.5e+3', '9007199254740993', '12345678901234567890', '1e400', 'true', 'false', 'null', '0.1'),
  fc.constantFrom(...EDGE_STRINGS).map((s) => JSON.stringify(s)),
  fc.constantFrom('"\\u2028"', '"\\ud800"', '"\\/"', '"\\u00e9"', '"a\\u0000b"'),
);

const jsonValueArb: fc.Arbitrary<string> = fc.letrec<{ v: string }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small' },
    { weight: 4, arbitrary: jsonScalarArb },
    { weight: 1, arbitrary: fc.array(tie('v'), { maxLength: 3 }).map((xs) => `[${xs.join(',')}]`) },
    { weight: 1, arbitrary: fc.array(fc.tuple(fc.constantFrom(...KEYS), tie('v')), { maxLength: 3 }).map((ps) => `{${ps.map(([k, v]) => `${JSON.stringify(k)}: ${v}`).join(', ')}}`) },
  ),
})).v;

/** A JSON stream: one or more objects, with whitespace variants (and sometimes a trailing YAML document). */
export const jsonStreamArb: fc.Arbitrary<string> = fc.record({
  objects: fc.array(fc.tuple(fc.constantFrom('ConfigMap', 'Pod', 'List'), jsonValueArb, fc.boolean()), { minLength: 1, maxLength: 3 }),
  joiner: fc.constantFrom('\n', '', ' ', '\n\n', '\t'),
  leading: fc.constantFrom('', ' ', '\n', '\ufeff', '\u00a0'),
}).map(({ objects, joiner, leading }) => leading + objects.map(([kind, body, hasItems]) => `{"apiVersion": "v1", "kind": "${kind}", "metadata": {"name": "j"}, "${hasItems ? 'items' : 'data'}": ${body}}`).join(joiner));

/** Any stream the differential tests feed both readers. */
export const streamArb: fc.Arbitrary<string> = fc.oneof({ weight: 9, arbitrary: yamlStreamArb }, { weight: 1, arbitrary: jsonStreamArb });
