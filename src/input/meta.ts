import { isObject } from '../policy/json';

/*
 * kubectl checks that every document it decodes has metadata of the right types before it goes on
 * (cli-runtime v0.28's metadataValidatingDecoder decodes the document into TypeMeta and ObjectMeta with
 * encoding/json): `metadata.name: 1`, `labels: {a: true}` or `generation: 1.5` stop it. This is that check.
 */

type Check = (value: unknown, path: string) => string | undefined;

const describe = (value: unknown): string => (typeof value === 'number' ? `number ${value}` : Array.isArray(value) ? 'array' : isObject(value) ? 'object' : typeof value);

const string: Check = (v, path) => (v === null || typeof v === 'string' ? undefined : `cannot unmarshal ${describe(v)} into ${path} of type string`);

const bool: Check = (v, path) => (v === null || typeof v === 'boolean' ? undefined : `cannot unmarshal ${describe(v)} into ${path} of type bool`);

const int64: Check = (v, path) => (v === null || (typeof v === 'number' && Number.isInteger(v) && v >= -(2 ** 63) && v < 2 ** 63)
  ? undefined : `cannot unmarshal ${describe(v)} into ${path} of type int64`);

const DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** metav1.Time: null, or a string Go's time.Parse reads with the RFC 3339 layout. */
const time: Check = (v, path) => {
  if (v === null) {
    return undefined;
  }
  if (typeof v !== 'string') {
    return `cannot unmarshal ${describe(v)} into ${path} of type string`;
  }
  const m = /^([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{1,2}):([0-9]{2}):([0-9]{2})(?:[.,][0-9]+)?(?:Z|[-+]([0-9]{2}):([0-9]{2}))$/.exec(v);
  const ok = m !== null && (() => {
    const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
    const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
    const days = month === 2 && !leap ? 28 : DAYS[month - 1];
    return month >= 1 && month <= 12 && day >= 1 && day <= days && hour <= 23 && minute <= 59 && second <= 59
      && (m[7] === undefined || (Number(m[7]) <= 24 && Number(m[8]) <= 60));
  })();
  return ok ? undefined : `parsing time ${JSON.stringify(v)} as RFC 3339 failed at ${path}`;
};

const stringMap: Check = (v, path) => {
  if (v === null) {
    return undefined;
  }
  if (!isObject(v)) {
    return `cannot unmarshal ${describe(v)} into ${path} of type map[string]string`;
  }
  for (const [k, x] of Object.entries(v)) {
    const problem = string(x, `${path}.${k}`);
    if (problem) {
      return problem;
    }
  }
  return undefined;
};

const anything: Check = () => undefined;

function struct(fields: Record<string, Check>): Check {
  return (v, path) => {
    if (v === null) {
      return undefined;
    }
    if (!isObject(v)) {
      return `cannot unmarshal ${describe(v)} into ${path} of type struct`;
    }
    for (const [name, check] of Object.entries(fields)) {
      if (Object.prototype.hasOwnProperty.call(v, name)) {
        const problem = check(v[name], path ? `${path}.${name}` : name);
        if (problem) {
          return problem;
        }
      }
    }
    return undefined;
  };
}

function list(item: Check): Check {
  return (v, path) => {
    if (v === null) {
      return undefined;
    }
    if (!Array.isArray(v)) {
      return `cannot unmarshal ${describe(v)} into ${path} of type array`;
    }
    for (let i = 0; i < v.length; i++) {
      const problem = item(v[i], `${path}[${i}]`);
      if (problem) {
        return problem;
      }
    }
    return undefined;
  };
}

/** ObjectMeta as k8s.io/apimachinery v0.28 declares it. */
const OBJECT_META = struct({
  name: string,
  generateName: string,
  namespace: string,
  selfLink: string,
  uid: string,
  resourceVersion: string,
  generation: int64,
  creationTimestamp: time,
  deletionTimestamp: time,
  deletionGracePeriodSeconds: int64,
  labels: stringMap,
  annotations: stringMap,
  ownerReferences: list(struct({ apiVersion: string, kind: string, name: string, uid: string, controller: bool, blockOwnerDeletion: bool })),
  finalizers: list(string),
  managedFields: list(struct({ manager: string, operation: string, apiVersion: string, time, fieldsType: string, fieldsV1: anything, subresource: string })),
});

const METADATA_ONLY = struct({ apiVersion: string, kind: string, metadata: OBJECT_META });

/** Fields whose every value is a string (or null) in a well-formed ObjectMeta: the common case, checked first. */
const STRING_FIELDS = new Set(['name', 'generateName', 'namespace', 'selfLink', 'uid', 'resourceVersion']);

/** True for metadata of string fields and string maps only (no need for the full decode). */
function plainMetadata(metadata: Record<string, unknown>): boolean {
  for (const key in metadata) {
    const v = metadata[key];
    if (STRING_FIELDS.has(key)) {
      if (typeof v !== 'string' && v !== null) {
        return false;
      }
    } else if (key === 'labels' || key === 'annotations') {
      if (!isObject(v)) {
        return false;
      }
      for (const k in v) {
        if (typeof v[k] !== 'string') {
          return false;
        }
      }
    } else {
      return false;
    }
  }
  return true;
}

/** Why kubectl refuses this document's TypeMeta or ObjectMeta, or undefined when it accepts them. */
export function metadataProblem(document: unknown): string | undefined {
  if (isObject(document) && typeof document.apiVersion === 'string' && typeof document.kind === 'string'
    && (document.metadata === undefined || (isObject(document.metadata) && plainMetadata(document.metadata)))) {
    return undefined;
  }
  return METADATA_ONLY(document, '');
}
