import fc from 'fast-check';
import { parse } from 'yaml';
import { parseManifests } from '../../src/input/parse';
import { readings } from '../../src/input/read';
import { assertWritable, looksLikeNonString, toYaml, UnwritableValueError } from '../../src/output/yaml';
import { EDGE_SCALARS, EDGE_STRINGS } from '../input/generators';

/** Strings that some YAML reader (1.1: kubectl/go-yaml v2, PyYAML; 1.2: js-yaml, yaml.v3) reads as non-strings. */
const TRICKY = [
  'yes', 'Yes', 'YES', 'no', 'NO', 'on', 'On', 'off', 'OFF', 'y', 'Y', 'n', 'N', 'true', 'False', 'TRUE',
  'null', 'Null', '~', '', '1.10', '010', '0o17', '0x1F', '0b101', '1_000', '0x_1F', '1:20', '190:20:30',
  '08', '.5', '5.', '1e3', '+1', '-3', '-0', '.inf', '-.Inf', '.NaN', '2001-12-14', '2001-12-14t21:59:43.10-05:00',
  '=', '<<', '8080',
];

function kubectlRead(text: string): unknown {
  return parseManifests(`apiVersion: v1\nkind: ConfigMap\ndata:\n${text.replace(/^/gm, '  ')}`, 't.yaml')[0].object;
}

/** Both readings of a written object: kubectl's and kustomize's, as the reader models them (checked against the real ones in test/oracle). */
function readBoth(object: Record<string, unknown>): unknown[] {
  const manifest = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, ...object };
  const r = readings(toYaml(manifest));
  return [r.kubectl, r.kustomize].map((reading) => ('objects' in reading ? reading.objects[0] : reading.error));
}

describe('toYaml', () => {
  test.each(TRICKY)('the string %j is quoted and reads back as the same string in YAML 1.1 and 1.2', (value) => {
    const text = toYaml({ key: value });
    expect(text).toMatch(/^key: ["']/);
    expect(parse(text, { version: '1.1' })).toEqual({ key: value });
    expect(parse(text, { version: '1.2' })).toEqual({ key: value });
    expect((kubectlRead(text) as { data: unknown }).data).toEqual({ key: value });
  });

  test('tricky strings are quoted as map keys too (go-yaml v2 would read a bare y: as the boolean true)', () => {
    const object = Object.fromEntries(TRICKY.filter((k) => k !== '' && k !== '<<').map((k) => [k, k]));
    const text = toYaml(object);
    expect(parse(text, { version: '1.1' })).toEqual(object);
    expect(parse(text, { version: '1.2' })).toEqual(object);
    expect(text).toContain('"y": "y"\n');
    expect(text).toContain('"=": "="\n');
  });

  test('a key named << is refused: kustomize drops it whether it is quoted or not', () => {
    expect(() => toYaml({ '<<': 'x' })).toThrow(UnwritableValueError);
    expect(() => toYaml({ a: { '<<': 'x' } })).toThrow(/kustomize drops it/);
    expect(toYaml({ a: '<<' })).toBe('a: "<<"\n');
  });

  test('NaN and the infinities are refused: JSON has no such values, and kubectl refuses .nan and .inf', () => {
    for (const n of [NaN, Infinity, -Infinity]) {
      expect(() => toYaml({ a: n })).toThrow(UnwritableValueError);
    }
  });

  test('assertWritable refuses what toYaml refuses, with its message, without serializing; a pair the writer drops is not judged', () => {
    const refused = [
      { '<<': 'x' }, { a: [1, { b: { '<<': null } }] }, { a: NaN }, { a: [0, -Infinity] }, { a: 'x\u0085y' },
      { ['k\u009b']: 'v' }, { a: [{ b: ['ok', 'x\u007f'] }] }, { a: new Set(['ok', '<<']) }, { a: new Set(['x\u0085']) },
    ];
    for (const value of refused) {
      let expected: unknown;
      try {
        toYaml(value);
      } catch (error) {
        expected = error;
      }
      expect(expected).toBeInstanceOf(UnwritableValueError);
      expect(() => assertWritable(value)).toThrow((expected as Error).message);
    }
    // The first refusal in document order is the one named: a key before its value, earlier members first.
    expect(() => assertWritable({ a: 'x\u0085', b: NaN })).toThrow(/U\+0085/);
    expect(() => assertWritable({ '<<': NaN })).toThrow(/kustomize drops it/);
    // js-yaml drops a pair whose value it cannot write (undefined, a function), key and all; a Date is a timestamp.
    for (const value of [{ '<<': undefined }, { ['k\u0085']: () => 1 }, { a: [undefined] }, { a: new Date(0) }, { a: '<<', b: [null, true, 1.5] }]) {
      expect(() => assertWritable(value)).not.toThrow();
      expect(() => toYaml(value)).not.toThrow();
    }
  });

  test('the characters some reader takes for a line break are written as escapes, never raw', () => {
    const text = toYaml({ a: 'x\u2028y', b: 'x\u2029y', d: '\u00a0', e: 'a\u001bb' });
    expect(text).toBe('a: "x\\Ly"\nb: "x\\Py"\nd: "\\_"\ne: "a\\eb"\n');
    expect(text).not.toMatch(/[\u2028\u2029\u001b]/);
    // U+0085 cannot be written so that both read it back: kustomize writes it raw and kubectl reads a line break.
    expect(() => toYaml({ c: 'x\u0085y' })).toThrow(/U\+0085/);
    // DEL and the C1 controls: kustomize writes them raw, and kubectl then refuses the file (measured by the oracle).
    expect(() => toYaml({ c: 'x\u007fy' })).toThrow(/U\+007F \(DELETE\)/);
    expect(() => toYaml({ ['k\u009b']: 'v' })).toThrow(/U\+009B/);
    expect(toYaml({ c: 'x\u00a0\u001fy' })).toBe('c: "x\\_\\x1Fy"\n');
  });

  test.each([...EDGE_SCALARS, ...EDGE_STRINGS].filter((s) => s !== '<<' && !/[\ud800-\udfff\u007f-\u009f]/.test(s)))(
    'kubectl and kustomize read the string %j back as the same string, as a value and as a key',
    (value) => {
      const object = { data: { k: value, [value === '' ? 'empty' : value]: 'v' } };
      expect(readBoth(object)).toEqual([expect.objectContaining(object), expect.objectContaining(object)]);
    },
  );

  test('ordinary strings stay plain; numbers, booleans and null stay typed', () => {
    expect(toYaml({ memory: '512Mi', cpu: '100m', image: 'nginx:1.25', name: 'web', port: 8080, ratio: 0.5, on: true, none: null }))
      .toBe('memory: 512Mi\ncpu: 100m\nimage: nginx:1.25\nname: web\nport: 8080\nratio: 0.5\n"on": true\nnone: null\n');
  });

  test('keys keep the order given; long strings are never wrapped; multi-line strings are block literals', () => {
    const long = 'x '.repeat(300).trim();
    const text = toYaml({ z: 1, a: { long, script: 'set -e\necho hi\n' } });
    expect(text.split('\n')[0]).toBe('z: 1');
    expect(text).toContain(`  long: ${long}\n`);
    expect(text).toContain('  script: |\n    set -e\n    echo hi\n');
  });

  test('property: assertWritable throws exactly when toYaml throws, for any JSON value with keys, strings and numbers it refuses', () => {
    const text = fc.oneof(fc.constantFrom('<<', 'x\u0085', '\u007f', 'a\u009b', 'ok', 'yes', ''), fc.string({ maxLength: 4 }));
    const scalar = fc.oneof(text, fc.constantFrom(NaN, Infinity, -Infinity, 0, 1.5), fc.integer(), fc.boolean(), fc.constant(null),
      fc.constant(undefined));
    const value = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, scalar, fc.array(tie('node'), { maxLength: 3 }),
        fc.dictionary(text.filter((k) => k !== '__proto__'), tie('node'), { maxKeys: 3 })),
    })).node;
    const throws = (f: () => unknown) => {
      try {
        f();
        return false;
      } catch (error) {
        expect(error).toBeInstanceOf(UnwritableValueError);
        return true;
      }
    };
    fc.assert(fc.property(value, (v) => {
      expect(throws(() => assertWritable(v))).toBe(throws(() => toYaml(v)));
    }), { numRuns: 2000 });
  });

  test('an object used twice is written twice, never as an anchor and alias', () => {
    const shared = { app: 'web' };
    const text = toYaml({ selector: { matchLabels: shared }, template: { metadata: { labels: shared } } });
    expect(text).not.toMatch(/[&*]a\d/);
    expect(text.match(/app: web/g)).toHaveLength(2);
  });

  test('no directive, no document marker; always ends with one newline', () => {
    expect(toYaml({ a: 1 })).toBe('a: 1\n');
    expect(toYaml({})).toBe('{}\n');
  });

  test('property: any object of strings, numbers and booleans reads back equal in YAML 1.1 and 1.2', () => {
    const scalar = fc.oneof(
      fc.constantFrom(...TRICKY),
      fc.string(),
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
    );
    const key = fc.oneof(fc.constantFrom(...TRICKY.filter((k) => k !== '')), fc.string({ minLength: 1 }))
      .filter((k) => k !== '__proto__' && k !== '<<');
    const value = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, scalar, fc.array(tie('node'), { maxLength: 4 }), fc.dictionary(key, tie('node'), { maxKeys: 4 })),
    })).node;
    fc.assert(fc.property(fc.dictionary(key, value, { maxKeys: 6 }), (object) => {
      const text = toYaml(object);
      expect(parse(text, { version: '1.1' })).toEqual(object);
      expect(parse(text, { version: '1.2' })).toEqual(object);
    }), { numRuns: 300 });
  });

  test('property: random strings (any code point) and the resolution-table edge cases read back through both readers', () => {
    const text = fc.oneof(fc.constantFrom(...EDGE_SCALARS, ...EDGE_STRINGS), fc.string({ unit: 'grapheme', maxLength: 12 }), fc.string({ unit: 'binary', maxLength: 12 }))
      .filter((s) => s !== '<<' && !/[\ud800-\udfff\u007f-\u009f]/.test(s) && !s.includes('\u0000'));
    const leaf = fc.oneof({ weight: 4, arbitrary: text }, fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null));
    const tree = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('node'), { maxLength: 3 }), fc.dictionary(text.filter((k) => k !== '__proto__' && k !== ''), tie('node'), { maxKeys: 3 })),
    })).node;
    fc.assert(fc.property(fc.dictionary(text.filter((k) => k !== '' && k !== '__proto__' && !['apiVersion', 'kind', 'metadata', 'items'].includes(k)), tree, { maxKeys: 4 }), (body) => {
      const object = JSON.parse(JSON.stringify({ data: body }));
      expect(readBoth(object)).toEqual([expect.objectContaining(object), expect.objectContaining(object)]);
    }), { numRuns: 500 });
  });
});

describe('looksLikeNonString', () => {
  test('numbers as Go reads them (underscores, 0o/0x/0b prefixes) and YAML floats', () => {
    // e3 too: the yaml package's YAML 1.1 schema reads it as a float (null).
    for (const s of ['0o17', '1_000', '0x_1F', '0b1', '+12', '1.5e3', '.5', '=', '<<', '.inf', 'e3', 'yes', '2001-12-14', '0o-7']) {
      expect(looksLikeNonString(s)).toBe(true);
    }
    for (const s of ['512Mi', '100m', 'v1.28', '1.2.3', 'web-1', '_', '0xZ', 'e3x', 'nginx:1.25']) {
      expect(looksLikeNonString(s)).toBe(false);
    }
  });
});
