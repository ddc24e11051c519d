import { documentLocator, PositionCache } from '../../src/input/locate';
import { parseManifests } from '../../src/input/parse';

const LIST = ['apiVersion: v1', 'kind: List', 'items:',
  ...Array.from({ length: 3 }, (_, i) => [`- apiVersion: v1`, `  kind: ConfigMap`, `  metadata:`, `    name: c${i}`, `  data: {k: v}`]).flat(), ''].join('\n');

test('the locators of one document share one parse of it (a List of 600 items was located in 600 parses)', () => {
  const shared: PositionCache = {};
  const first = documentLocator(LIST, 1, ['items', 0], 200, shared);
  expect(shared.computed).toBeUndefined();
  expect(first(['metadata', 'name'])).toBe(7);
  expect(shared.computed).toBe(true);
  const tree = shared.tree;
  expect(tree).toBeDefined();
  expect(documentLocator(LIST, 1, ['items', 2], 200, shared)(['metadata', 'name'])).toBe(17);
  expect(shared.tree).toBe(tree);
});

test('the items of a List keep their exact lines with the shared positions', () => {
  const manifests = parseManifests(LIST, 'list.yaml');
  expect(manifests.map((m) => m.origin?.locate?.(['data', 'k']))).toEqual([8, 13, 18]);
  expect(manifests.map((m) => m.origin?.line)).toEqual([4, 9, 14]);
});
