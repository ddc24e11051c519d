/**
 * How kubectl resolves a plain (unquoted, untagged) YAML scalar: gopkg.in/yaml.v2 v2.4.0's `resolve()`, as
 * sigs.k8s.io/yaml v1.3.0 hands its result to encoding/json (apimachinery v0.28's YAML path). The table below
 * is the one in yaml.v2's resolve.go: YAML 1.1 booleans (`y`, `yes`, `on`, ...), nulls, `.inf`/`.nan`, the merge
 * key, then integers through Go's `strconv.ParseInt(s, 0, 64)` after every `_` is removed (so `0o17`, `0x1F`,
 * `0b101` and `017` are numbers), floats by its regular expression, and no base 60 (`10:30` stays a string).
 * Timestamps resolve, but into an `interface{}` yaml.v2 keeps them as the original string, so they are strings.
 */

/** What a plain scalar is to kubectl: a JSON value, or a value JSON cannot carry (kubectl fails on it). */
export type Resolved =
  | { readonly kind: 'value'; readonly value: null | boolean | number | string }
  /** `.nan`, `.inf`: encoding/json refuses them, so kubectl fails on the document. */
  | { readonly kind: 'non-finite'; readonly text: string }
  /** An integer a JavaScript number cannot hold exactly (2^53 + 1, say): Go keeps it exactly. */
  | { readonly kind: 'unsafe-integer'; readonly text: string };

const TRUE = ['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON'];
const FALSE = ['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF'];
const NULL = ['', '~', 'null', 'Null', 'NULL'];
const NON_FINITE = ['.nan', '.NaN', '.NAN', '.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF', '-.inf', '-.Inf', '-.INF'];

const TABLE = new Map<string, Resolved>([
  ...TRUE.map((s): [string, Resolved] => [s, { kind: 'value', value: true }]),
  ...FALSE.map((s): [string, Resolved] => [s, { kind: 'value', value: false }]),
  ...NULL.map((s): [string, Resolved] => [s, { kind: 'value', value: null }]),
  ...NON_FINITE.map((s): [string, Resolved] => [s, { kind: 'non-finite', text: s }]),
]);

/** yaml.v2's `yamlStyleFloat`. */
const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
/** A decimal float after a leading `.` that Go's ParseFloat accepts once its underscores are checked. */
const DOT_FLOAT = /^\.[0-9]+(?:[eE][-+]?[0-9]+)?$/;
const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);
const UINT64_MAX = (1n << 64n) - 1n;

/** The first characters yaml.v2 tries to resolve (its `resolveTable`); a scalar starting otherwise is a string. */
function hint(c: number): 'sign' | 'digit' | 'map' | 'dot' | undefined {
  if (c === 0x2b || c === 0x2d) {
    return 'sign';
  }
  if (c >= 0x30 && c <= 0x39) {
    return 'digit';
  }
  if (c === 0x2e) {
    return 'dot';
  }
  // y Y n N t T f F o O ~
  return 'yYnNtTfFoO~'.includes(String.fromCharCode(c)) ? 'map' : undefined;
}

/** Go's strconv.ParseInt(s, 0, bits) / ParseUint for a string without underscores: the value, or undefined. */
export function goParseInt(s: string, unsigned = false): bigint | undefined {
  let i = 0;
  let negative = false;
  if (!unsigned && (s[0] === '+' || s[0] === '-')) {
    negative = s[0] === '-';
    i = 1;
  }
  let base = 10;
  let digits = s.slice(i);
  // A leading 0 is the octal prefix ("017"); 0x, 0o and 0b need digits after them ("0x" is no number).
  if (digits.length >= 2 && digits[0] === '0') {
    const p = digits[1].toLowerCase();
    if (p === 'x' || p === 'o' || p === 'b') {
      base = p === 'x' ? 16 : p === 'o' ? 8 : 2;
      digits = digits.slice(2);
    } else {
      base = 8;
      digits = digits.slice(1);
    }
  }
  const valid = base === 16 ? /^[0-9a-fA-F]+$/ : base === 8 ? /^[0-7]+$/ : base === 2 ? /^[01]+$/ : /^[0-9]+$/;
  if (!valid.test(digits)) {
    return undefined;
  }
  const prefix = base === 16 ? '0x' : base === 8 ? '0o' : base === 2 ? '0b' : '';
  let value = BigInt(`${prefix}${digits}`);
  if (negative) {
    value = -value;
  }
  if (unsigned ? value > UINT64_MAX : value > INT64_MAX || value < INT64_MIN) {
    return undefined;
  }
  return value;
}

/** Go's rule for underscores in a number (strconv's underscoreOK): only between digits or after a base prefix. */
export function goUnderscoresOk(s: string): boolean {
  let saw = '^';
  let i = 0;
  if (s[0] === '-' || s[0] === '+') {
    s = s.slice(1);
  }
  let hex = false;
  if (s.length >= 2 && s[0] === '0' && 'boxBOX'.includes(s[1])) {
    i = 2;
    saw = '0';
    hex = s[1] === 'x' || s[1] === 'X';
  }
  for (; i < s.length; i++) {
    const c = s[i];
    if ((c >= '0' && c <= '9') || (hex && /[a-fA-F]/.test(c))) {
      saw = '0';
      continue;
    }
    if (c === '_') {
      if (saw !== '0') {
        return false;
      }
      saw = '_';
      continue;
    }
    if (saw === '_') {
      return false;
    }
    saw = '!';
  }
  return saw !== '_';
}

/** An integer as a JavaScript number, unless the number would not be exactly that integer. */
function integer(value: bigint, text: string): Resolved {
  const n = Number(value);
  return Number.isSafeInteger(n) || BigInt(n) === value ? { kind: 'value', value: n } : { kind: 'unsafe-integer', text };
}

/** A decimal float as Go's ParseFloat reads it, or undefined when Go reports it out of range. */
function float(text: string): Resolved | undefined {
  const n = Number(text);
  if (!Number.isFinite(n)) {
    return undefined; // ParseFloat: "value out of range", so yaml.v2 falls through to a string
  }
  return { kind: 'value', value: n === 0 ? 0 : n };
}

/** kubectl's reading of a plain scalar (see the file comment). */
export function resolvePlainKubectl(s: string): Resolved {
  const first = s === '' ? 'map' : hint(s.charCodeAt(0));
  if (first === undefined) {
    return { kind: 'value', value: s };
  }
  const known = TABLE.get(s);
  if (known) {
    return known;
  }
  if (first === 'dot') {
    // ParseFloat(in) on the scalar as written: underscores between digits are allowed there.
    if (DOT_FLOAT.test(s.replace(/_/g, '')) && goUnderscoresOk(s)) {
      return float(s.replace(/_/g, '')) ?? { kind: 'value', value: s };
    }
    return { kind: 'value', value: s };
  }
  if (first === 'sign' || first === 'digit') {
    const plain = s.replace(/_/g, '');
    const int = goParseInt(plain);
    if (int !== undefined) {
      return integer(int, s);
    }
    const uint = goParseInt(plain, true);
    if (uint !== undefined) {
      return integer(uint, s);
    }
    if (YAML_STYLE_FLOAT.test(plain)) {
      const f = float(plain);
      if (f) {
        return f;
      }
    }
    if (plain.startsWith('0b')) {
      const bin = goParseBase2(plain.slice(2));
      if (bin !== undefined) {
        return integer(bin, s);
      }
    } else if (plain.startsWith('-0b')) {
      const bin = goParseBase2(`-${plain.slice(3)}`, true);
      if (bin !== undefined) {
        return integer(bin, s);
      }
    }
  }
  return { kind: 'value', value: s };
}

/** strconv.ParseInt(s, 2, 64) then ParseUint(s, 2, 64), as yaml.v2's `0b` fallback calls them. */
function goParseBase2(s: string, signedOnly = false): bigint | undefined {
  const m = /^([-+]?)([01]+)$/.exec(s);
  if (!m) {
    return undefined;
  }
  const magnitude = BigInt(`0b${m[2]}`);
  const value = m[1] === '-' ? -magnitude : magnitude;
  if (value <= INT64_MAX && value >= INT64_MIN) {
    return value;
  }
  if (!signedOnly && m[1] === '' && value <= UINT64_MAX) {
    return value;
  }
  return undefined;
}

/**
 * The string sigs.k8s.io/yaml makes of a float map key: Go's `strconv.FormatFloat(k, 'g', -1, 32)` (the
 * shortest decimal that round-trips the value as a float32), with Inf and NaN written as `.inf`/`.nan`.
 */
export function goFloatKey(value: number): string {
  const f = Math.fround(value);
  if (Number.isNaN(f)) {
    return '.nan';
  }
  if (!Number.isFinite(f)) {
    return f > 0 ? '.inf' : '-.inf';
  }
  if (f === 0) {
    return Object.is(f, -0) ? '-0' : '0';
  }
  let digits = '';
  let exponent = 0;
  for (let p = 1; p <= 9; p++) {
    const [mantissa, exp] = Math.abs(f).toExponential(p - 1).split('e');
    if (Math.fround(Number(`${mantissa}e${exp}`)) === Math.abs(f)) {
      digits = mantissa.replace('.', '').replace(/0+$/, '') || '0';
      exponent = Number(exp);
      break;
    }
  }
  const sign = f < 0 ? '-' : '';
  if (exponent < -4 || exponent >= 6) {
    const rest = digits.length > 1 ? `.${digits.slice(1)}` : '';
    const e = Math.abs(exponent).toString().padStart(2, '0');
    return `${sign}${digits[0]}${rest}e${exponent < 0 ? '-' : '+'}${e}`;
  }
  if (exponent < 0) {
    return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  }
  const whole = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0');
  const fraction = digits.slice(exponent + 1);
  return `${sign}${whole}${fraction ? `.${fraction}` : ''}`;
}

const OLD_BOOLEANS = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'n', 'N', 'no', 'No', 'NO', 'on', 'On', 'ON', 'off', 'Off', 'OFF']);

/**
 * How kustomize resolves a plain scalar: gopkg.in/yaml.v3 v3.0.1 (kyaml's fork of it) decoding into an
 * `interface{}`, whose result kustomize writes back out for kubectl to read. It differs from kubectl's yaml.v2 in
 * three places: only true/false (and True, TRUE, ...) are booleans, a timestamp becomes a time (written out in
 * RFC 3339, `2001-12-14T00:00:00Z`), and `0o`/`-0o` followed by a signed octal is a number.
 */
export function resolvePlainKustomize(s: string): Resolved {
  if (OLD_BOOLEANS.has(s)) {
    return { kind: 'value', value: s };
  }
  if (/^[0-9]{4}-/.test(s)) {
    const time = goTimestamp(s);
    if (time !== undefined) {
      return { kind: 'value', value: time };
    }
  }
  const kubectl = resolvePlainKubectl(s);
  if (kubectl.kind === 'value' && typeof kubectl.value === 'string') {
    // yaml.v3's extra fallbacks: ParseInt(plain[2:], 8) after "0o" (then ParseUint), ParseInt("-" + plain[3:], 8) after "-0o".
    const plain = s.replace(/_/g, '');
    const octal = plain.startsWith('0o') ? goParseBase8(plain.slice(2), true) : plain.startsWith('-0o') ? goParseBase8(`-${plain.slice(3)}`, false) : undefined;
    if (octal !== undefined) {
      return integer(octal, s);
    }
  }
  return kubectl;
}

/** strconv.ParseInt(s, 8, 64), then (when `unsigned` is allowed) ParseUint(s, 8, 64). */
function goParseBase8(s: string, unsignedToo: boolean): bigint | undefined {
  const m = /^([-+]?)([0-7]+)$/.exec(s);
  if (!m) {
    return undefined;
  }
  const magnitude = BigInt(`0o${m[2]}`);
  const value = m[1] === '-' ? -magnitude : magnitude;
  if (value <= INT64_MAX && value >= INT64_MIN) {
    return value;
  }
  return unsignedToo && m[1] === '' && value <= UINT64_MAX ? value : undefined;
}

/** True when a plain scalar may read differently to kustomize than to kubectl (see resolvePlainKustomize). */
export function kustomizeMayDiffer(s: string): boolean {
  const c = s.charCodeAt(0);
  if (c >= 0x30 && c <= 0x39) {
    // A timestamp (2001-12-14), or 0o followed by a signed octal.
    return s.charCodeAt(4) === 0x2d || (c === 0x30 && /^0_*o/.test(s));
  }
  if (c === 0x2d) {
    return /^-_*0_*o/.test(s);
  }
  return s.length <= 3 && OLD_BOOLEANS.has(s);
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * A YAML timestamp as yaml.v3 parses it (Go's time.Parse with the layouts `2006-1-2T15:4:5.999999999Z07:00`,
 * the same with a lowercase `t`, `2006-1-2 15:4:5.999999999` and `2006-1-2`) and as encoding/json writes the
 * time (RFC 3339 with nanoseconds, trailing zeros dropped, `Z` for a zero offset); undefined when it is not one.
 */
export function goTimestamp(s: string): string | undefined {
  const m = /^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:([Tt ])([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2})(?:[.,]([0-9]+))?(Z|[-+][0-9]{2}:[0-9]{2})?)?$/.exec(s);
  if (!m) {
    return undefined;
  }
  const [, y, mo, d, sep, h, mi, se, frac, zone] = m;
  // The date-only layout has no time; the space layout has no zone; the T layouts need one.
  if (sep !== undefined && (sep === ' ') === (zone !== undefined)) {
    return undefined;
  }
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12) {
    return undefined;
  }
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1];
  if (day < 1 || day > days) {
    return undefined;
  }
  const pad = (n: number | string, w = 2) => String(n).padStart(w, '0');
  const date = `${y}-${pad(month)}-${pad(day)}`;
  if (sep === undefined) {
    return `${date}T00:00:00Z`;
  }
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(se);
  if (hour > 23 || minute > 59 || second > 59) {
    return undefined;
  }
  let zoneText = 'Z';
  if (zone !== undefined && zone !== 'Z') {
    const zh = Number(zone.slice(1, 3));
    const zm = Number(zone.slice(4, 6));
    if (zh > 24 || zm > 60) {
      return undefined;
    }
    zoneText = zh === 0 && zm === 0 ? 'Z' : zone;
  }
  const nanos = frac === undefined ? '' : frac.slice(0, 9).replace(/0+$/, '');
  return `${date}T${pad(hour)}:${pad(minute)}:${pad(second)}${nanos ? `.${nanos}` : ''}${zoneText}`;
}
