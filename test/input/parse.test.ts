import { decodeManifestBytes, InputError, MAX_ALIAS_COUNT, MAX_DEPTH, MAX_EXPANDED_VALUES, parseManifests } from '../../src/input/parse';

function parseError(text: string, file = 'f.yaml'): InputError {
  try {
    parseManifests(text, file);
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    const e = error as InputError;
    expect(e.message).not.toContain('\n');
    expect(e.message.startsWith(file)).toBe(true);
    return e;
  }
  throw new Error('expected an InputError');
}

function decodeError(bytes: number[] | Buffer, file = 'f.yaml'): InputError {
  try {
    decodeManifestBytes(Buffer.from(bytes), file);
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).not.toContain('\n');
    return error as InputError;
  }
  throw new Error('expected an InputError');
}

const POD = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n';

describe('parseManifests: what it reads', () => {
  test('multi-document streams, empty documents skipped, each object with its file, document and line', () => {
    const manifests = parseManifests(`${POD}---\n---\n# only a comment\n---\n${POD}`, 'x.yaml');
    expect(manifests).toHaveLength(2);
    expect(manifests.map((m) => [m.origin?.file, m.origin?.document, m.origin?.line])).toEqual([['x.yaml', 1, 1], ['x.yaml', 4, 9]]);
  });

  test('a v1 List (and any *List) is expanded into its items, each with its own line', () => {
    const text = 'apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: Namespace\n    metadata: {name: a}\n  - apiVersion: v1\n    kind: Namespace\n    metadata: {name: b}\n';
    const manifests = parseManifests(text, 'l.yaml');
    expect(manifests.map((m) => (m.object as { metadata: { name: string } }).metadata.name)).toEqual(['a', 'b']);
    expect(manifests.map((m) => m.origin?.line)).toEqual([4, 7]);
    expect(manifests[1].origin?.locate?.(['metadata', 'name'])).toBe(9);
    const typed = parseManifests(text.replace('kind: List', 'kind: PodList'), 'l.yaml');
    expect(typed).toHaveLength(2);
  });

  test('a byte order mark and CRLF line ends parse, with the same lines as LF', () => {
    const lf = `${POD}spec:\n  hostNetwork: true\n---\n${POD}`;
    const crlf = `\ufeff${lf.replace(/\n/g, '\r\n')}`;
    const a = parseManifests(lf, 'a.yaml');
    const b = parseManifests(crlf, 'b.yaml');
    expect(b.map((m) => m.object)).toEqual(a.map((m) => m.object));
    expect(b.map((m) => m.origin?.line)).toEqual([1, 8]);
    expect(b[0].origin?.locate?.(['spec', 'hostNetwork'])).toBe(6);
  });

  test('JSON, including tab-indented JSON', () => {
    const [m] = parseManifests('{\n\t"apiVersion": "v1",\n\t"kind": "Pod",\n\t"metadata": {"name": "j"}\n}\n', 'j.json');
    expect(m.object).toEqual({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'j' } });
    expect(m.origin?.locate?.(['metadata', 'name'])).toBe(4);
  });

  test('YAML 1.1 as kubectl reads it: yes is true, 0755 is octal, timestamps stay strings, merge keys work', () => {
    const [m] = parseManifests(`${POD}spec:\n  a: yes\n  b: 0755\n  c: 2001-12-14\n  d: &x {k: 1}\n  e:\n    <<: *x\n`, 'y.yaml');
    expect((m.object as { spec: unknown }).spec).toEqual({ a: true, b: 493, c: '2001-12-14', d: { k: 1 }, e: { k: 1 } });
  });

  test('escaped control characters in double quotes are fine', () => {
    const [m] = parseManifests(`${POD}spec:\n  x: "a\\u0001b\\x1b[31m"\n`, 'c.yaml');
    expect((m.object as { spec: { x: string } }).spec.x).toBe('a\u0001b\u001b[31m');
  });

  test('a __proto__ key is data, never the prototype', () => {
    const [m] = parseManifests(`${POD}__proto__:\n  polluted: true\n`, 'p.yaml');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(m.object)).toBe(Object.prototype);
    expect(Object.prototype.hasOwnProperty.call(m.object, '__proto__')).toBe(true);
  });

  test(`nesting up to ${MAX_DEPTH} levels is accepted`, () => {
    const depth = MAX_DEPTH - 2;
    const [m] = parseManifests(`${POD}spec: ${'['.repeat(depth)}${']'.repeat(depth)}\n`, 'd.yaml');
    expect(m).toBeDefined();
  });

  test('empty and comment-only input holds no objects', () => {
    expect(parseManifests('', 'e.yaml')).toEqual([]);
    expect(parseManifests('\ufeff', 'e.yaml')).toEqual([]);
    expect(parseManifests('# nothing\n---\n# still nothing\n...\n', 'e.yaml')).toEqual([]);
    expect(parseManifests('\n\n   \n', 'e.yaml')).toEqual([]);
  });
});

describe('parseManifests: bad input is one InputError line naming file, document and line', () => {
  test('malformed YAML', () => {
    expect(parseError('apiVersion: v1\nkind: Pod\nspec: [a, b\n').message).toMatch(/^f\.yaml: document 1, line \d+, column \d+: invalid YAML \(/);
    expect(parseError('a: "unterminated\n').message).toMatch(/invalid YAML/);
    expect(parseError('a: b: c\n').message).toMatch(/invalid YAML/);
  });

  test('tabs for indentation', () => {
    expect(parseError(`${POD}spec:\n\thostNetwork: true\n`).message).toBe('f.yaml: document 1, line 6, column 1: invalid YAML (tab characters must not be used in indentation)');
  });

  test.each([
    ['!!js/function', 'x: !!js/function "function () { throw new Error(\'executed\') }"'],
    ['!!js/undefined', 'x: !!js/undefined ""'],
    ['!!python/object/apply:os.system', 'x: !!python/object/apply:os.system ["true"]'],
    ['!!python/name:os.system', 'x: !!python/name:os.system ""'],
    ['!ruby/object:Gem::Installer', 'x: !ruby/object:Gem::Installer {a: 1}'],
    ['!custom', 'x: !custom value'],
    ['!!binary', 'x: !!binary aGVsbG8='],
    ['!!set', 'x: !!set {a, b}'],
    ['!!omap', 'x: !!omap [{a: 1}]'],
    ['!!timestamp', 'x: !!timestamp 2001-12-14'],
  ])('unknown or non-JSON tag %s is refused and never executed', (tag, line) => {
    const message = parseError(`${POD}${line}\n`).message;
    expect(message).toContain(`unsupported tag ${tag}`);
    expect(message).toMatch(/^f\.yaml: document 1, line 5, column \d+: /);
  });

  test('duplicate keys', () => {
    expect(parseError(`${POD}spec: {}\nspec: {}\n`).message).toBe('f.yaml: document 1, line 6, column 1: the key "spec" appears twice in this mapping (kubectl keeps the last, kustomize refuses the file); keep one');
  });

  test('documents that are not objects', () => {
    expect(parseError(`${POD}---\nhello\n`).message).toBe('f.yaml: document 2, line 6: not a Kubernetes object (expected a mapping with apiVersion and kind, got a string)');
    expect(parseError('- a\n- b\n').message).toMatch(/document 1, line 1: not a Kubernetes object \(.*got a list\)/);
    expect(parseError('42\n').message).toMatch(/got a number/);
    expect(parseError('true\n').message).toMatch(/got a boolean/);
    expect(parseError('apiVersion: v1\nkind: List\nitems: [5]\n').message).toMatch(/line 3 \(items\[0\]\): not a Kubernetes object/);
  });

  test('objects without kind or apiVersion, or with a non-string one', () => {
    expect(parseError('apiVersion: v1\nmetadata: {}\n').message).toBe('f.yaml: document 1, line 1: not a Kubernetes object (kind is missing)');
    expect(parseError('kind: Pod\n').message).toBe('f.yaml: document 1, line 1: not a Kubernetes object (apiVersion is missing)');
    expect(parseError('apiVersion: v1\nkind: 5\n').message).toMatch(/kind is a number, not a string/);
    expect(parseError('apiVersion: [v1]\nkind: Pod\n').message).toMatch(/apiVersion is a list, not a string/);
    expect(parseError('apiVersion: ""\nkind: Pod\n').message).toMatch(/apiVersion is empty/);
    expect(parseError('apiVersion: v1\nkind: ~\n').message).toMatch(/kind is null, not a string/);
  });

  test('a billion laughs alias bomb', () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      levels.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    const message = parseError(`${levels.join('\n')}\napiVersion: v1\nkind: ConfigMap\n`).message;
    expect(message).toBe(`f.yaml: document 1, line 1: its aliases expand to more than ${MAX_EXPANDED_VALUES} values (a YAML "billion laughs" alias bomb?)`);
  });

  test(`more than ${MAX_ALIAS_COUNT} alias nodes in one document`, () => {
    const message = parseError(`apiVersion: v1\nkind: ConfigMap\na: &a x\nb: [${Array(MAX_ALIAS_COUNT + 1).fill('*a').join(', ')}]\n`).message;
    expect(message).toBe(`f.yaml: document 1, line 1: too many alias expansions (more than ${MAX_ALIAS_COUNT}; a YAML "billion laughs" bomb?)`);
  });

  test('a wide alias fan-out that expands far beyond its size', () => {
    const items = Array.from({ length: 2000 }, (_, i) => i).join(',');
    const aliases = Array(600).fill('*big').join(',');
    const message = parseError(`apiVersion: v1\nkind: ConfigMap\nbig: &big [${items}]\nmany: [${aliases}]\n`).message;
    expect(message).toBe(`f.yaml: document 1, line 1: its aliases expand to more than ${MAX_EXPANDED_VALUES} values (a YAML "billion laughs" alias bomb?)`);
  });

  test.each([
    ['flow sequences', 20_000, (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`],
    ['JSON objects', 20_000, (n: number) => `${'{"a": '.repeat(n)}1${'}'.repeat(n)}`],
    ['flow mappings', 20_000, (n: number) => `a: ${'{a: '.repeat(n)}1${'}'.repeat(n)}`],
    ['flow mappings in a manifest', 20_000, (n: number) => `${POD}spec: ${'{a: '.repeat(n)}1${'}'.repeat(n)}`],
    // Block nesting needs n columns of indentation on line n: 1,500 levels is already ~1 MB of spaces.
    ['block mappings', 1_500, (n: number) => Array.from({ length: n }, (_, i) => `${' '.repeat(i)}a:`).join('\n') + ' 1'],
    ['block sequences', 1_500, (n: number) => Array.from({ length: n }, (_, i) => `${' '.repeat(i)}-`).join('\n') + ' 1'],
  ])('%s nested %i deep (and just past the limit): a one-line error, no stack overflow', (_, depth, make) => {
    for (const n of [MAX_DEPTH + 1, depth]) {
      expect(parseError(`${make(n)}\n`).message).toMatch(/^f\.yaml(: document 1)?, line \d+(, column \d+)?: nested too deeply \(at most 200 levels\)$/);
    }
  });

  test('raw control characters and NUL bytes', () => {
    expect(parseError(`${POD}x: a\u0001b\n`).message).toBe('f.yaml, line 5: contains the control character U+0001, which YAML does not allow (write it as an escape in a double-quoted string)');
    expect(parseError(`${POD}x: "\u001b[31m"\n`).message).toMatch(/U\+001B/);
    expect(parseError(`${POD}x: a\u0000b\n`).message).toBe('f.yaml, line 5: not a text file (it contains NUL bytes)');
  });
});

describe('decodeManifestBytes', () => {
  test('UTF-8, with multi-byte characters and a BOM kept for the parser', () => {
    const text = '\ufeffapiVersion: v1 # héllo 日本 😀\n';
    expect(decodeManifestBytes(Buffer.from(text, 'utf8'), 'f.yaml')).toBe(text);
    expect(decodeManifestBytes(Buffer.alloc(0), 'f.yaml')).toBe('');
  });

  test('NUL bytes: not a text file, with the line', () => {
    expect(decodeError([0x61, 0x0a, 0x62, 0x00]).message).toBe('f.yaml, line 2: not a text file (it contains NUL bytes)');
  });

  test('invalid UTF-8: the byte and the line', () => {
    expect(decodeError([...Buffer.from('a: 1\nb: caf'), 0xe9, 0x0a]).message).toBe('f.yaml, line 2: not UTF-8 text (invalid byte 0xe9); save it as UTF-8');
    expect(decodeError([0xff, 0x41]).message).toMatch(/invalid byte 0xff/);
    // Overlong encoding, UTF-16 surrogate, beyond U+10FFFF, truncated sequence.
    for (const bytes of [[0xc0, 0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0x41, 0xe6, 0x97]]) {
      expect(decodeError(bytes).message).toMatch(/not UTF-8 text/);
    }
  });

  test('UTF-16 and UTF-32 files', () => {
    expect(decodeError(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('a: 1', 'utf16le')])).message).toBe('f.yaml: is UTF-16 or UTF-32 encoded; save it as UTF-8');
    expect(decodeError([0xfe, 0xff, 0x00, 0x61]).message).toMatch(/UTF-16/);
  });

  test('random bytes never crash: an InputError or text', () => {
    let seed = 42;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % 256;
    };
    for (let i = 0; i < 200; i++) {
      const bytes = Buffer.from(Array.from({ length: 64 }, random));
      try {
        parseManifests(decodeManifestBytes(bytes, 'r.bin'), 'r.bin');
      } catch (error) {
        expect(error).toBeInstanceOf(InputError);
        expect((error as Error).message).not.toContain('\n');
      }
    }
  });
});
