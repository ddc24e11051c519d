/**
 * The value formats of the Kubernetes API that the schema checks, as plain predicates, and the ajv format table
 * built from them (`AJV_FORMATS`, used by `catalogue.ts` and by the precompiled validators). Each follows the Go
 * decoder that the API server uses.
 */
import type { FormatDefinition } from 'ajv';
import { isIP } from 'net';

/**
 * A resource quantity, as `resource.ParseQuantity` reads it (k8s.io/apimachinery/pkg/api/resource):
 * an optionally signed decimal number followed by a binary SI suffix (`Ki` `Mi` `Gi` `Ti` `Pi` `Ei`), a decimal SI
 * suffix (`n` `u` `m` `k` `M` `G` `T` `P` `E`) or a decimal exponent (`e3`, `E-2`). `500m`, `1Gi`, `1e3` and `0.5`
 * are quantities; `1GB`, `1K`, `1 Gi` and `""` are not.
 */
const QUANTITY = /^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[KMGTPE]i|[numkMGTPE]|[eE][+-]?[0-9]+)?$/;

export function isQuantity(value: string): boolean {
  return QUANTITY.test(value);
}

/** An integer that fits Go's `int32`. */
export function isInt32(value: number): boolean {
  return Number.isInteger(value) && value >= -2147483648 && value <= 2147483647;
}

/** An integer that fits Go's `int64` (as far as a JavaScript number can tell). */
export function isInt64(value: number): boolean {
  return Number.isInteger(value) && Math.abs(value) <= 9223372036854775807;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Standard padded base64, as Go's `base64.StdEncoding` decodes `[]byte` fields (it skips line breaks). */
export function isBase64(value: string): boolean {
  return BASE64.test(value.replace(/[\r\n]/g, ''));
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:Z|[+-](\d{2}):(\d{2}))$/;

/** An RFC 3339 date-time, as `metav1.Time` reads it (Go's `time.RFC3339` layout, fractional seconds allowed). */
export function isDateTime(value: string): boolean {
  const m = RFC3339.exec(value);
  if (!m) {
    return false;
  }
  const [month, day, hour, minute, second] = [m[2], m[3], m[4], m[5], m[6]].map(Number);
  const offsetOk = m[7] === undefined || (Number(m[7]) <= 23 && Number(m[8]) <= 59);
  return month >= 1 && month <= 12 && day >= 1 && day <= 31 && hour <= 23 && minute <= 59 && second <= 60 && offsetOk;
}

/**
 * `ipv4` and `ipv6` as the API server's OpenAPI validation (kube-openapi strfmt) reads them: an address Go's
 * `net.ParseIP` accepts, containing a `.` (ipv4) or a `:` (ipv6). CRDs use them (Gateway API addresses).
 */
export function isIpv4(value: string): boolean {
  return isIP(value) !== 0 && value.includes('.');
}

export function isIpv6(value: string): boolean {
  return isIP(value) !== 0 && value.includes(':');
}

/** The formats the derived schemas keep; any other `format` is dropped (not checked), as the API server ignores it. */
export const KNOWN_FORMATS = ['int32', 'int64', 'float', 'double', 'byte', 'date-time', 'quantity', 'ipv4', 'ipv6'] as const;
export type KnownFormat = (typeof KNOWN_FORMATS)[number];

export function isKnownFormat(format: unknown): format is KnownFormat {
  return typeof format === 'string' && (KNOWN_FORMATS as readonly string[]).includes(format);
}

/**
 * The ajv format of each known format. The precompiled validators (`precompile.ts`) load this table by name from
 * this module at run time, so it must stay an export of `formats`.
 */
export const AJV_FORMATS: Readonly<Record<KnownFormat, FormatDefinition<string> | FormatDefinition<number>>> = {
  'int32': { type: 'number', validate: isInt32 },
  'int64': { type: 'number', validate: isInt64 },
  'float': { type: 'number', validate: () => true },
  'double': { type: 'number', validate: () => true },
  'byte': { type: 'string', validate: isBase64 },
  'date-time': { type: 'string', validate: isDateTime },
  'quantity': { type: 'string', validate: isQuantity },
  'ipv4': { type: 'string', validate: isIpv4 },
  'ipv6': { type: 'string', validate: isIpv6 },
};
