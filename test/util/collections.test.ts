import { appendTo } from '../../src/util/collections';

describe('appendTo', () => {
  test('groups values under their keys in the order they come, appending to the list already there', () => {
    const groups = new Map<string, number[]>();
    const first = [0];
    groups.set('a', first);
    for (const [key, value] of [['a', 1], ['b', 2], ['a', 3]] as const) {
      appendTo(groups, key, value);
    }
    expect([...groups]).toEqual([['a', [0, 1, 3]], ['b', [2]]]);
    // The list is extended in place, not replaced by a copy.
    expect(groups.get('a')).toBe(first);
  });
});
