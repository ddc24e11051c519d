/*
 * The JSON half of the reader. kubectl (apimachinery v0.28's YAMLOrJSONDecoder) reads a stream as JSON when
 * its first non-space character, within the first 4096 bytes, is `{`; it then decodes one JSON value after
 * another with encoding/json. This module finds those values, checks them as strictly as encoding/json
 * does, and refuses what the two kinds of reader would not read alike: duplicate keys (encoding/json keeps the
 * last, kustomize's YAML reader refuses the file), lone UTF-16 surrogates (Go writes U+FFFD, JavaScript keeps
 * them) and integers JavaScript cannot hold exactly.
 */

/** How far into the stream apimachinery looks for the `{` that makes it JSON. */
export const JSON_SNIFF_BYTES = 4096;

/** Go's unicode.IsSpace (the Latin-1 and Unicode White_Space characters). */
const GO_SPACE = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/;

/** True when kubectl reads `text` as a JSON stream. */
export function isJsonStream(text: string): boolean {
  let bytes = 0;
  for (const c of text) {
    if (bytes >= JSON_SNIFF_BYTES) {
      return false;
    }
    if (!GO_SPACE.test(c)) {
      return c === '{';
    }
    bytes += Buffer.byteLength(c);
  }
  return false;
}

/** One top-level value of a JSON stream. */
export interface JsonValue {
  /** The value's own text. */
  readonly text: string;
  /** Offset of its first character in the stream. */
  readonly start: number;
}

/** A JSON stream problem at an offset. */
export class JsonError extends Error {
  /** 1-based index of the value the problem is in. */
  document = 0;
  constructor(message: string, readonly offset: number) {
    super(message);
    this.name = 'JsonError';
  }
}

const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?/y;
const STRING_BODY = /(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
const LITERAL = /true|false|null/y;

/**
 * Splits a JSON stream into its top-level values, validating each (iteratively, so nesting depth cannot
 * overflow the stack; `maxDepth` bounds it). Throws JsonError at the offending offset.
 */
export function splitJsonStream(text: string, maxDepth: number): JsonValue[] {
  const values: JsonValue[] = [];
  let i = 0;
  const skip = () => {
    while (i < text.length && WS.has(text.charCodeAt(i))) {
      i++;
    }
  };
  const string = (): string => {
    STRING_BODY.lastIndex = i + 1;
    const m = STRING_BODY.exec(text);
    if (!m) {
      throw new JsonError('invalid JSON string (an unescaped control character, a bad escape or no closing quote)', i);
    }
    const raw = text.slice(i, STRING_BODY.lastIndex);
    const value = JSON.parse(raw) as string;
    if (/[\ud800-\udbff](?![\udc00-\udfff])|(?:^|[^\ud800-\udbff])[\udc00-\udfff]/.test(value)) {
      throw new JsonError('a string holds a lone UTF-16 surrogate escape (Go reads it as U+FFFD); remove it', i);
    }
    if (value.includes('\u0085')) {
      throw new JsonError('a string holds U+0085 (NEXT LINE), which reads as a space once kustomize has written the file out again; use another character', i);
    }
    i = STRING_BODY.lastIndex;
    return value;
  };
  const scalar = () => {
    const c = text[i];
    if (c === '"') {
      string();
      return;
    }
    for (const re of [NUMBER, LITERAL]) {
      re.lastIndex = i;
      const m = re.exec(text);
      if (m) {
        if (re === NUMBER) {
          const n = Number(m[0]);
          if (!Number.isFinite(n)) {
            throw new JsonError(`the number ${m[0]} is out of range (kubectl refuses it)`, i);
          }
          if (/^-?[0-9]+$/.test(m[0]) && !Number.isSafeInteger(n) && BigInt(n) !== BigInt(m[0])) {
            throw new JsonError(`the integer ${m[0]} is too large to be read exactly (beyond 2^53)`, i);
          }
        }
        i = re.lastIndex;
        return;
      }
    }
    throw new JsonError(`invalid JSON (unexpected ${c === undefined ? 'end of input' : JSON.stringify(c)})`, i);
  };

  for (;;) {
    skip();
    if (i >= text.length) {
      return values;
    }
    try {
      values.push(value());
    } catch (error) {
      if (error instanceof JsonError) {
        error.document = values.length + 1;
      }
      throw error;
    }
  }

  function value(): JsonValue {
    const start = i;
    // Containers on the stack: for objects, the keys seen so far.
    const stack: Array<{ object: boolean; keys: Set<string> | undefined; count: number }> = [];
    let expectValue = true;
    for (;;) {
      skip();
      if (expectValue) {
        const c = text[i];
        if (c === '{' || c === '[') {
          if (stack.length >= maxDepth) {
            throw new JsonError(`nested too deeply (at most ${maxDepth} levels)`, i);
          }
          i++;
          skip();
          const object = c === '{';
          const close = object ? '}' : ']';
          if (text[i] === close) {
            i++;
            expectValue = false;
          } else {
            stack.push({ object, keys: object ? new Set() : undefined, count: 0 });
            if (object) {
              readKey(stack[stack.length - 1]);
            }
            continue;
          }
        } else {
          scalar();
          expectValue = false;
        }
      }
      // After a value: close containers or go on to the next element.
      skip();
      const frame = stack[stack.length - 1];
      if (!frame) {
        break;
      }
      const c = text[i];
      if (c === ',') {
        i++;
        skip();
        if (frame.object) {
          readKey(frame);
        }
        expectValue = true;
        continue;
      }
      if (c === (frame.object ? '}' : ']')) {
        i++;
        stack.pop();
        expectValue = false;
        continue;
      }
      throw new JsonError(`invalid JSON (expected "," or "${frame.object ? '}' : ']'}", found ${c === undefined ? 'the end of the input' : JSON.stringify(c)})`, i);
    }
    return { text: text.slice(start, i), start };
  }

  function readKey(frame: { keys: Set<string> | undefined }): void {
    skip();
    if (text[i] !== '"') {
      throw new JsonError('invalid JSON (an object key must be a double-quoted string)', i);
    }
    const at = i;
    const key = string();
    if (frame.keys!.has(key)) {
      throw new JsonError(`the key ${JSON.stringify(key)} appears twice in this object (kubectl keeps the last, kustomize refuses the file); keep one`, at);
    }
    frame.keys!.add(key);
    skip();
    if (text[i] !== ':') {
      throw new JsonError('invalid JSON (expected ":" after an object key)', i);
    }
    i++;
  }
}
