import * as jsYaml from 'js-yaml';

// Counts js-yaml parses (its CommonJS exports cannot be spied on in place).
jest.mock('js-yaml', () => {
  const actual = jest.requireActual('js-yaml');
  return { ...actual, parseEvents: jest.fn(actual.parseEvents) };
});
import * as fc from 'fast-check';
import { documentLocator, locateBothWays, PositionCache } from '../../src/input/locate';
import { parseManifests } from '../../src/input/parse';
import { evaluate } from '../../src/catalogue';

const LIST = ['apiVersion: v1', 'kind: List', 'items:',
  ...Array.from({ length: 3 }, (_, i) => [`- apiVersion: v1`, `  kind: ConfigMap`, `  metadata:`, `    name: c${i}`, `  data: {k: v}`]).flat(), ''].join('\n');

test('the locators of one document share one parse of it while asked in a row, and only the last document\'s positions are held', () => {
  const parses = jsYaml.parseEvents as jest.Mock;
  parses.mockClear();
  const shared: PositionCache = {};
  const first = documentLocator(LIST, 1, ['items', 0], 200, shared);
  expect(parses).toHaveBeenCalledTimes(0);
  expect(first(['metadata', 'name'])).toBe(7);
  expect(documentLocator(LIST, 1, ['items', 2], 200, shared)(['metadata', 'name'])).toBe(17);
  expect(first(['data', 'k'])).toBe(8);
  expect(parses).toHaveBeenCalledTimes(1);
  // Another document: parsed, and the List's positions are let go (a run holds one document's at a time).
  expect(documentLocator('a: 1\nb:\n  c: 2\n', 10, [], 200)(['b', 'c'])).toBe(12);
  expect(parses).toHaveBeenCalledTimes(2);
  expect(first(['metadata', 'name'])).toBe(7);
  expect(parses).toHaveBeenCalledTimes(3);
});

test('the items of a List keep their exact lines with the shared positions', () => {
  const manifests = parseManifests(LIST, 'list.yaml');
  expect(manifests.map((m) => m.origin?.locate?.(['data', 'k']))).toEqual([8, 13, 18]);
  expect(manifests.map((m) => m.origin?.line)).toEqual([4, 9, 14]);
});

test('the engine finds every line of one object in a row: each document with findings is parsed once for its lines, however many rules report on it', () => {
  const pod = (i: number) => [`apiVersion: v1`, `kind: Pod`, `metadata:`, `  name: p${i}`, `spec:`, `  hostNetwork: true`, `  hostPID: true`,
    `  containers:`, `  - name: c`, `    image: c:1`, `    securityContext:`, `      privileged: true`, `      capabilities: {add: [SYS_ADMIN]}`].join('\n');
  const manifests = parseManifests(Array.from({ length: 4 }, (_, i) => pod(i)).join('\n---\n'), 'pods.yaml');
  const parses = jsYaml.parseEvents as jest.Mock;
  parses.mockClear();
  const findings = evaluate(manifests, 'pss-baseline');
  const rules = new Set(findings.filter((f) => f.object.name === 'p0').map((f) => f.ruleId));
  expect(rules.size).toBeGreaterThanOrEqual(3);
  expect(parses).toHaveBeenCalledTimes(4);
  expect(findings.filter((f) => f.object.name === 'p2').map((f) => [f.path, f.line])).toEqual(expect.arrayContaining([
    ['spec.hostNetwork', 34], ['spec.containers[0].securityContext.privileged', 40], ['spec.containers[0].securityContext.capabilities.add[0]', 41],
  ]));
});

describe('the walk on the events finds what the position tree finds', () => {
  // Documents as js-yaml writes random values (block and flow styles, quoted keys, keys that resolve to numbers
  // and booleans), then hand-written ones with anchors, aliases, merge keys, collection keys and comments.
  const key = fc.oneof(fc.constantFrom('a', 'b', 'spec', 'name', '1', 'true', 'yes', '0x1', '~', 'a b', '<<x'), fc.string({ maxLength: 4 }));
  const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
    node: fc.oneof({ depthSize: 'small' }, fc.constantFrom(1, 'x', true, null, 'multi\nline', ''), fc.array(tie('node'), { maxLength: 4 }),
      fc.dictionary(key, tie('node'), { maxKeys: 5 })),
  })).node;
  const pathOf = (v: unknown, picks: number[]): Array<string | number> => {
    const out: Array<string | number> = [];
    let node = v;
    for (const pick of picks) {
      if (Array.isArray(node) && node.length) {
        const i = pick % (node.length + 1);
        out.push(i);
        node = node[i];
      } else if (node !== null && typeof node === 'object' && Object.keys(node).length) {
        const keys = Object.keys(node);
        const k = keys[pick % keys.length] ?? 'missing';
        out.push(pick % 7 === 0 ? 'missing' : k);
        node = (node as Record<string, unknown>)[k];
      } else {
        out.push(pick % 2 ? 'beyond' : 0);
      }
    }
    return out;
  };

  test('property: random documents and paths, existing or not', () => {
    fc.assert(fc.property(value, fc.array(fc.nat(20), { maxLength: 5 }), fc.integer({ min: -1, max: 3 }), (v, picks, flowLevel) => {
      const text = jsYaml.dump(v, { flowLevel });
      const both = locateBothWays(text, pathOf(v, picks), 200);
      expect(both).toBeDefined();
      expect(both!.walked).toBe(both!.tree);
    }), { numRuns: 1500 });
  });

  test.each([
    ['base: &b {x: 1}\nm:\n  <<: *b\n  y: 2\n', [['m', 'x'], ['m', 'y'], ['base', 'x']]],
    ['a: &a\n  b: 1\nc: *a\n', [['c', 'b'], ['a', 'b'], ['c']]],
    ['? [k]\n: v\nq: 1\n', [['q'], ['k']]],
    ['# c\nlist:\n  - &i {n: 1}\n  - *i\n', [['list', 1, 'n'], ['list', 0, 'n'], ['list', 2]]],
    ['a: 1\na: 2\n', [['a']]],
    ['', [['a']]],
    ['just a scalar\n', [['a', 0]]],
  ])('%j', (text, paths) => {
    for (const path of paths as Array<Array<string | number>>) {
      const both = locateBothWays(text, path, 200);
      if (both) {
        expect([path, both.walked ?? both.tree]).toEqual([path, both.tree]);
      }
    }
  });
});
