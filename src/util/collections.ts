/**
 * Appends `value` to the list `map` holds under `key`, starting the list when there is none: grouping in one pass,
 * linear in the number of values (copying the list on every append, `[...(map.get(key) ?? []), value]`, is quadratic).
 */
export function appendTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) {
    list.push(value);
  } else {
    map.set(key, [value]);
  }
}
