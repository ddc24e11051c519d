/** Helpers to read untrusted JSON without throwing: every accessor answers `undefined` on a wrong type. */

export type JsonObject = { readonly [key: string]: unknown };

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `value[key]` when `value` is a plain object, else `undefined`. */
export function field(value: unknown, key: string): unknown {
  return isObject(value) && Object.prototype.hasOwnProperty.call(value, key) ? value[key] : undefined;
}

/** `value[key]` when it is a plain object. */
export function objectField(value: unknown, key: string): JsonObject | undefined {
  const v = field(value, key);
  return isObject(v) ? v : undefined;
}

/** The one empty list arrayField answers with (read-only, so no caller can fill it for the next). */
const NO_ITEMS: readonly unknown[] = Object.freeze([]);

/** `value[key]` when it is an array, else an empty array. */
export function arrayField(value: unknown, key: string): readonly unknown[] {
  const v = field(value, key);
  return Array.isArray(v) ? v : NO_ITEMS;
}

/** `value[key]` when it is a string. */
export function stringField(value: unknown, key: string): string | undefined {
  const v = field(value, key);
  return typeof v === 'string' ? v : undefined;
}

/** Shows a value in a message: strings quoted, everything else as JSON. */
export function show(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}
