import * as jsYaml from 'js-yaml';

// Counts js-yaml parses (its CommonJS exports cannot be spied on in place).
jest.mock('js-yaml', () => {
  const actual = jest.requireActual('js-yaml');
  return { ...actual, parseEvents: jest.fn(actual.parseEvents) };
});
import { documentLocator, PositionCache } from '../../src/input/locate';
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
