/**
 * ajv errors -> findings a person understands: one per field, in document order, `oneOf`/`anyOf` noise collapsed,
 * "did you mean" for misspelled fields, values shown with their type (`not the string "three"`).
 */
import type { ErrorObject } from 'ajv';
import { isObject } from '../policy/json';
import { formatPath, Path } from '../policy/path';
import { Violation } from '../policy/rule';
import { KUBERNETES_VERSION } from '../version';
import { LATER_FIELDS_KEYWORD } from './derive';
import { NON_EMPTY_PATTERN } from './server-rules';
import { suggest } from '../util/suggest';

/** At most this many findings per object; the rest are counted in one last finding. */
export const MAX_FINDINGS_PER_OBJECT = 20;

type AjvError = ErrorObject;

/** Synthetic keywords for collapsed junctors. */
const ONE_OF_MANY = 'x-one-of-many';
const REQUIRED_ONE_OF = 'x-required-one-of';

function within(instancePath: string, parent: string): boolean {
  return instancePath === parent || instancePath.startsWith(`${parent}/`);
}

function typesOf(schemaType: unknown): string[] {
  if (Array.isArray(schemaType)) {
    return schemaType.filter((t): t is string => typeof t === 'string');
  }
  return typeof schemaType === 'string' ? schemaType.split(',') : [];
}

/** One failed `anyOf`/`oneOf` and the errors of its branches -> the few errors worth showing. */
function summarise(junctor: AjvError, members: readonly AjvError[]): AjvError[] {
  if (junctor.keyword === 'oneOf' && Array.isArray(junctor.params.passingSchemas)) {
    return [{ ...junctor, keyword: ONE_OF_MANY }];
  }
  const prefix = `${junctor.schemaPath}/`;
  const count = Array.isArray(junctor.schema) ? junctor.schema.length : 0;
  const branches: AjvError[][] = Array.from({ length: count }, () => []);
  for (const m of members) {
    const index = Number(m.schemaPath.slice(prefix.length).split('/')[0]);
    if (Number.isInteger(index) && index >= 0 && index < count) {
      branches[index].push(m);
    }
  }
  if (count === 0 || branches.some((b) => b.length === 0)) {
    return [junctor];
  }
  const atRoot = (e: AjvError) => e.instancePath === junctor.instancePath;
  const rootType = (b: AjvError[]) => b.find((e) => e.keyword === 'type' && atRoot(e));
  if (branches.every(rootType)) {
    const types = [...new Set(branches.flatMap((b) => typesOf(rootType(b)!.schema)))];
    return [{ ...junctor, keyword: 'type', schema: types, params: { type: types.join(',') } }];
  }
  if (branches.every((b) => b.every((e) => e.keyword === 'required' && atRoot(e)))) {
    const alternatives = branches.map((b) => b.map((e) => String(e.params.missingProperty)));
    return [{ ...junctor, keyword: REQUIRED_ONE_OF, params: { alternatives } }];
  }
  // Show the branch the value came closest to: one whose type matched, with the fewest errors.
  const candidates = branches.filter((b) => !rootType(b));
  return candidates.reduce((best, b) => (b.length < best.length ? b : best));
}

/** Replaces every failed `anyOf`/`oneOf` (innermost first) by the errors of its most relevant branch. */
export function collapseJunctors(errors: readonly AjvError[]): AjvError[] {
  let list = [...errors];
  for (;;) {
    const junctors = list.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf');
    if (junctors.length === 0) {
      return list;
    }
    const junctor = junctors.reduce((a, b) => (b.schemaPath.length > a.schemaPath.length ? b : a));
    const prefix = `${junctor.schemaPath}/`;
    const inside = (e: AjvError) => e !== junctor && e.schemaPath.startsWith(prefix) && within(e.instancePath, junctor.instancePath);
    const at = list.indexOf(junctor);
    const replacement = summarise(junctor, list.filter(inside)).map((e) => (e === junctor ? { ...e, keyword: `x-${e.keyword}` } : e));
    list = [...list.slice(0, at).filter((e) => !inside(e)), ...replacement, ...list.slice(at + 1).filter((e) => !inside(e))];
  }
}

/** `/spec/containers/0/name` -> `['spec', 'containers', 0, 'name']`, with indices as numbers where the data has lists. */
export function pointerToPath(pointer: string, data: unknown): Path {
  if (pointer === '') {
    return [];
  }
  const path: Array<string | number> = [];
  let node: unknown = data;
  for (const raw of pointer.slice(1).split('/')) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node) && /^\d+$/.test(segment)) {
      path.push(Number(segment));
      node = node[Number(segment)];
    } else {
      path.push(segment);
      node = isObject(node) ? node[segment] : undefined;
    }
  }
  return path;
}

function where(path: Path): string {
  return path.length === 0 ? 'the object' : formatPath(path);
}

function truncate(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** A value as a message shows it: `the string "three"`, `the number 1.5`, `a list`. */
export function describeValue(value: unknown): string {
  if (value === null) {
    return 'null';
  }
  if (typeof value === 'string') {
    return `the string ${JSON.stringify(truncate(value))}`;
  }
  if (typeof value === 'number' || typeof value === 'boolean') {
    return `the ${typeof value} ${String(value)}`;
  }
  if (Array.isArray(value)) {
    return 'a list';
  }
  return typeof value === 'object' ? 'an object' : typeof value;
}

const TYPE_NAMES: Record<string, string> = {
  integer: 'an integer',
  number: 'a number',
  string: 'a string',
  boolean: 'a boolean (true or false)',
  object: 'an object',
  array: 'a list',
  null: 'null',
};

function typePhrase(types: readonly string[], parentSchema: unknown): string {
  if (isObject(parentSchema) && parentSchema.format === 'quantity') {
    return 'a quantity (a string such as 500m or 1Gi, or a number)';
  }
  const names = types.map((t) => TYPE_NAMES[t] ?? t);
  return names.length <= 1 ? (names[0] ?? 'something else') : `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
}

function typeRemedy(field: string, types: readonly string[]): string {
  if (types.every((t) => t === 'integer' || t === 'number')) {
    return `Write ${field} as a bare number, without quotes.`;
  }
  if (types.includes('string') && types.length === 1) {
    return `Write ${field} as a string: in YAML, quote values that would read as numbers or booleans ("8080", "true", "yes").`;
  }
  if (types.length === 1 && types[0] === 'boolean') {
    return `Write ${field} as true or false, without quotes.`;
  }
  if (types.length === 1 && types[0] === 'array') {
    return `Write ${field} as a list (YAML items starting with "- ").`;
  }
  if (types.length === 1 && types[0] === 'object') {
    return `Write ${field} as a mapping of fields, as the Kubernetes API reference shows.`;
  }
  return `Give ${field} ${typePhrase(types, undefined)}.`;
}

function list(values: readonly unknown[]): string {
  return values.map((v) => JSON.stringify(v)).join(', ');
}

const FORMAT_TEXT: Record<string, { what: string; remedy: string }> = {
  'quantity': {
    what: 'is not a valid quantity',
    remedy: 'Write a number with an optional suffix: binary Ki, Mi, Gi, Ti, Pi, Ei, decimal m, k, M, G, T, P, E, or an exponent such as 1e3 (1GB is not a quantity; use 1G or 1Gi).',
  },
  'int32': { what: 'does not fit a 32-bit integer', remedy: 'Use a whole number between -2147483648 and 2147483647.' },
  'int64': { what: 'does not fit a 64-bit integer', remedy: 'Use a whole number that fits 64 bits.' },
  'byte': { what: 'is not base64-encoded', remedy: 'Base64-encode the value (for a Secret, or put plain text under stringData instead of data).' },
  'date-time': { what: 'is not an RFC 3339 date-time', remedy: 'Write the time as RFC 3339, e.g. 2024-01-31T12:00:00Z.' },
  'ipv4': { what: 'is not an IPv4 address', remedy: 'Write an IPv4 address such as 192.0.2.10.' },
  'ipv6': { what: 'is not an IPv6 address', remedy: 'Write an IPv6 address such as 2001:db8::10.' },
};

interface Problem {
  readonly path: Path;
  readonly message: string;
  readonly remediation: string;
}

function explainOne(e: AjvError, data: unknown): Problem {
  const path = pointerToPath(e.instancePath, data);
  const field = where(path);
  const value = e.data;
  switch (e.keyword) {
    case 'additionalProperties': {
      const name = String(e.params.additionalProperty);
      const full = [...path, name];
      const properties = isObject(e.parentSchema) && isObject(e.parentSchema.properties) ? Object.keys(e.parentSchema.properties) : [];
      const later = isObject(e.parentSchema) && isObject(e.parentSchema[LATER_FIELDS_KEYWORD]) ? e.parentSchema[LATER_FIELDS_KEYWORD][name] : undefined;
      if (typeof later === 'string') {
        return {
          path: full,
          message: `unknown field ${formatPath(full)}: it exists from Kubernetes ${later}; this project targets ${KUBERNETES_VERSION}`,
          remediation: `Remove ${formatPath(full)}: the Kubernetes ${KUBERNETES_VERSION} API server refuses it (it came in ${later}).`,
        };
      }
      const guess = suggest(name, properties);
      return {
        path: full,
        message: `unknown field ${formatPath(full)}${guess ? ` (did you mean ${guess}?)` : ''}`,
        remediation: guess
          ? `Rename ${formatPath(full)} to ${guess}.`
          : `Remove ${formatPath(full)}: the Kubernetes 1.28 API has no such field here (check its spelling and indentation).`,
      };
    }
    case 'required': {
      const full = [...path, String(e.params.missingProperty)];
      return { path: full, message: `missing required field ${formatPath(full)}`, remediation: `Add the required field ${formatPath(full)}.` };
    }
    case 'type': {
      const types = typesOf(e.schema ?? e.params.type);
      return {
        path,
        message: `${field} must be ${typePhrase(types, e.parentSchema)}, not ${describeValue(value)}`,
        remediation: typeRemedy(field, types),
      };
    }
    case 'format': {
      const text = FORMAT_TEXT[String(e.params.format)] ?? { what: `is not in the format ${String(e.params.format)}`, remedy: `Fix the value of ${field}.` };
      const shown = typeof value === 'string' ? JSON.stringify(truncate(value)) : String(value);
      return { path, message: `${field} ${text.what}: ${shown}`, remediation: text.remedy };
    }
    case 'enum': {
      // `""` (unset, see derive.ts) is accepted but not offered.
      const allowed = (Array.isArray(e.schema) ? e.schema : []).filter((v) => v !== '');
      const guess = typeof value === 'string' ? allowed.find((v) => typeof v === 'string' && v.toLowerCase() === value.toLowerCase()) : undefined;
      return {
        path,
        message: `${field} must be one of ${list(allowed)}, not ${describeValue(value)}${guess !== undefined ? ` (did you mean ${JSON.stringify(guess)}?)` : ''}`,
        remediation: guess !== undefined ? `Set ${field} to ${JSON.stringify(guess)} (values are case-sensitive).` : `Set ${field} to one of ${list(allowed)}.`,
      };
    }
    case 'const':
      return { path, message: `${field} must be ${JSON.stringify(e.params.allowedValue)}, not ${describeValue(value)}`, remediation: `Set ${field} to ${JSON.stringify(e.params.allowedValue)}.` };
    case 'pattern':
      if (e.params.pattern === NON_EMPTY_PATTERN) {
        return { path, message: `${field} must not be empty (the API server requires a value)`, remediation: `Give ${field} a value.` };
      }
      return { path, message: `${field} must match the pattern ${String(e.params.pattern)}, not ${describeValue(value)}`, remediation: `Change ${field} to match ${String(e.params.pattern)}.` };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return {
        path,
        message: `${field} must be ${String(e.params.comparison)} ${String(e.params.limit)}, not ${String(value)}`,
        remediation: `Set ${field} to a value ${String(e.params.comparison)} ${String(e.params.limit)}.`,
      };
    case 'minLength':
    case 'maxLength': {
      const bound = e.keyword === 'minLength' ? 'at least' : 'at most';
      return { path, message: `${field} must be ${bound} ${String(e.params.limit)} characters long`, remediation: `Make ${field} ${bound} ${String(e.params.limit)} characters long.` };
    }
    case 'minItems':
    case 'maxItems':
    case 'minProperties':
    case 'maxProperties': {
      const bound = e.keyword.startsWith('min') ? 'at least' : 'at most';
      const unit = (e.keyword.endsWith('Items') ? 'item' : 'field') + (Number(e.params.limit) === 1 ? '' : 's');
      return { path, message: `${field} must have ${bound} ${String(e.params.limit)} ${unit}`, remediation: `Give ${field} ${bound} ${String(e.params.limit)} ${unit}.` };
    }
    case 'uniqueItems':
      return {
        path,
        message: `${field} must not repeat items (items ${String(e.params.j)} and ${String(e.params.i)} are equal)`,
        remediation: `Remove the duplicate items from ${field}.`,
      };
    case 'multipleOf':
      return { path, message: `${field} must be a multiple of ${String(e.params.multipleOf)}`, remediation: `Set ${field} to a multiple of ${String(e.params.multipleOf)}.` };
    case REQUIRED_ONE_OF: {
      const alternatives = (e.params.alternatives as string[][]).map((a) => a.join(' and ')).join(', or ');
      return { path, message: `${field} needs ${alternatives}`, remediation: `Add ${alternatives} to ${field}.` };
    }
    case ONE_OF_MANY:
      return { path, message: `${field} matches more than one of the forms its schema allows`, remediation: `Keep only the fields of one form in ${field}.` };
    case 'not':
    case 'x-not':
      return { path, message: `${field} has a value its schema forbids`, remediation: `Change ${field} as its CustomResourceDefinition describes.` };
    default:
      return {
        path,
        message: `${field} does not match its schema (${e.keyword.replace(/^x-/, '')})`,
        remediation: `Change ${field} as the API reference for this kind describes.`,
      };
  }
}

/** Document order of a path: the position of each key among its siblings (missing keys last). */
function orderKey(path: Path, data: unknown): number[] {
  const key: number[] = [];
  let node = data;
  for (const segment of path) {
    if (Array.isArray(node) && typeof segment === 'number') {
      key.push(segment);
      node = node[segment];
    } else if (isObject(node)) {
      const index = Object.keys(node).indexOf(String(segment));
      key.push(index < 0 ? Number.MAX_SAFE_INTEGER : index);
      node = index < 0 ? undefined : node[String(segment)];
    } else {
      key.push(Number.MAX_SAFE_INTEGER);
      node = undefined;
    }
  }
  return key;
}

function compareKeys(a: number[], b: number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] !== b[i]) {
      return a[i] - b[i];
    }
  }
  return a.length - b.length;
}

/**
 * Turns ajv's errors for one object into violations: junctors collapsed, one violation per field (the first
 * error wins), sorted in document order, at most {@link MAX_FINDINGS_PER_OBJECT} plus a count of the rest.
 */
export function explain(errors: readonly AjvError[], data: unknown): Violation[] {
  const seen = new Set<string>();
  const problems: Array<Problem & { order: number[] }> = [];
  for (const e of collapseJunctors(errors)) {
    const problem = explainOne(e, data);
    const id = formatPath(problem.path);
    if (!seen.has(id)) {
      seen.add(id);
      problems.push({ ...problem, order: orderKey(problem.path, data) });
    }
  }
  problems.sort((a, b) => compareKeys(a.order, b.order));
  const shown: Violation[] = problems.slice(0, MAX_FINDINGS_PER_OBJECT).map(({ path, message, remediation }) => ({ path, message, remediation }));
  if (problems.length > MAX_FINDINGS_PER_OBJECT) {
    shown.push({
      path: [],
      message: `and ${problems.length - MAX_FINDINGS_PER_OBJECT} more schema problems in this object`,
      remediation: 'Fix the problems above and check again to see the rest.',
    });
  }
  return shown;
}
