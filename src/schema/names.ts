/**
 * Object names and namespaces as the API server validates them (k8s.io/apimachinery/pkg/util/validation and the
 * per-resource `Validate*Name` functions of pkg/apis/<group>/validation): most kinds take a DNS-1123 subdomain,
 * Namespaces a DNS-1123 label, Services a DNS-1035 label, RBAC roles and bindings a path segment name, and every
 * `metadata.namespace` a DNS-1123 label. Custom resources take a DNS-1123 subdomain (apiextensions-apiserver).
 * The server refuses an object whose name breaks its rule: `../../etc/passwd`, `Web_Config`, `Team A`.
 */
import { isObject, JsonObject, objectField } from '../policy/json';
import { Violation } from '../policy/rule';

/** The naming rules of the API server. */
export type NameRule = 'dns1123-subdomain' | 'dns1123-label' | 'dns1035-label' | 'path-segment';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/** The apiserver's own explanation of each rule (validation.go's error messages), and its length limit. */
const RULES: Record<NameRule, { readonly test: (v: string) => boolean; readonly max?: number; readonly what: string }> = {
  'dns1123-subdomain': {
    test: (v) => DNS1123_SUBDOMAIN.test(v),
    max: 253,
    what: "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
  },
  'dns1123-label': {
    test: (v) => DNS1123_LABEL.test(v),
    max: 63,
    what: "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character",
  },
  'dns1035-label': {
    test: (v) => DNS1035_LABEL.test(v),
    max: 63,
    what: "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character",
  },
  'path-segment': {
    test: (v) => v !== '.' && v !== '..' && !v.includes('/') && !v.includes('%'),
    what: 'a path segment name may not be "." or ".." and may not contain "/" or "%"',
  },
};

/** Kinds whose names are not DNS-1123 subdomains, by `group/Kind` (`/Namespace` for the core group). */
const NAME_RULES: Readonly<Record<string, NameRule>> = {
  '/Namespace': 'dns1123-label',
  '/Service': 'dns1035-label',
  'rbac.authorization.k8s.io/Role': 'path-segment',
  'rbac.authorization.k8s.io/ClusterRole': 'path-segment',
  'rbac.authorization.k8s.io/RoleBinding': 'path-segment',
  'rbac.authorization.k8s.io/ClusterRoleBinding': 'path-segment',
};

/** The rule `metadata.name` of a kind must follow. */
export function nameRule(group: string, kind: string): NameRule {
  return NAME_RULES[`${group}/${kind}`] ?? 'dns1123-subdomain';
}

/** Why `value` breaks `rule`, or undefined when it follows it. */
export function nameProblem(value: string, rule: NameRule): string | undefined {
  const { test, max, what } = RULES[rule];
  if (max !== undefined && value.length > max) {
    return `must be no more than ${max} characters`;
  }
  return test(value) ? undefined : what;
}

/** A name the rule accepts, close to `value` (`Web_Config` -> `web-config`), for the remediation. */
export function suggestName(value: string, rule: NameRule): string | undefined {
  if (rule === 'path-segment') {
    const fixed = value.replace(/[/%]/g, '-');
    return fixed === '.' || fixed === '..' || fixed === '' ? undefined : fixed;
  }
  const dots = rule === 'dns1123-subdomain';
  let fixed = value.toLowerCase().replace(dots ? /[^a-z0-9.-]+/g : /[^a-z0-9-]+/g, '-');
  fixed = dots ? fixed.split('.').map((p) => p.replace(/^-+|-+$/g, '')).filter((p) => p !== '').join('.') : fixed.replace(/^-+|-+$/g, '');
  if (rule === 'dns1035-label') {
    fixed = fixed.replace(/^[0-9-]+/, '');
  }
  fixed = fixed.slice(0, RULES[rule].max ?? fixed.length).replace(/[-.]+$/, '');
  return fixed !== '' && nameProblem(fixed, rule) === undefined ? fixed : undefined;
}

function problemAt(path: string[], value: string, rule: NameRule, label: string): Violation | undefined {
  const problem = nameProblem(value, rule);
  if (problem === undefined) {
    return undefined;
  }
  const fix = suggestName(value, rule);
  return {
    path,
    message: `${path.join('.')} ${JSON.stringify(value)} is not a valid ${label}: ${problem}`,
    remediation: `Set ${path.join('.')} to a valid ${label}${fix ? `, e.g. ${JSON.stringify(fix)}` : ''}.`,
  };
}

/**
 * The name and namespace problems of one object, as the API server reports them on create: `metadata.name` by the
 * kind's rule (absent is allowed when `generateName` is given, whose prefix must then follow it), and
 * `metadata.namespace` as a DNS-1123 label for namespaced kinds. Values of the wrong type are left to the schema.
 */
export function nameViolations(object: JsonObject, group: string, kind: string, namespaced: boolean): Violation[] {
  const given = object.metadata;
  if (given !== undefined && given !== null && !isObject(given)) {
    return []; // the schema reports metadata of the wrong type
  }
  const metadata: JsonObject = objectField(object, 'metadata') ?? {};
  const out: Violation[] = [];
  const rule = nameRule(group, kind);
  const label = rule === 'path-segment' ? `${kind} name` : `${kind} name (${rule.replace('dns', 'DNS-').replace('-subdomain', ' subdomain').replace('-label', ' label')})`;
  if (typeof metadata.name === 'string' && metadata.name !== '') {
    const v = problemAt(['metadata', 'name'], metadata.name, rule, label);
    if (v) {
      out.push(v);
    }
  } else if (typeof metadata.generateName === 'string' && metadata.generateName !== '') {
    // The server appends 5 random characters to the prefix, then validates the name; a trailing "-" is the usual
    // separator and allowed.
    const v = problemAt(['metadata', 'generateName'], `${metadata.generateName.replace(/-$/, '')}-a0b1c`, rule, label);
    if (v) {
      out.push({ ...v, message: `metadata.generateName ${JSON.stringify(metadata.generateName)} does not make a valid ${label}: ${nameProblem(`${metadata.generateName.replace(/-$/, '')}-a0b1c`, rule)}` });
    }
  } else if (metadata.name === undefined && metadata.generateName === undefined) {
    out.push({
      path: ['metadata', 'name'],
      message: 'metadata.name is missing (the API server requires name or generateName)',
      remediation: 'Set metadata.name.',
    });
  }
  if (namespaced && typeof metadata.namespace === 'string' && metadata.namespace !== '') {
    const v = problemAt(['metadata', 'namespace'], metadata.namespace, 'dns1123-label', 'namespace name (DNS-1123 label)');
    if (v) {
      out.push(v);
    }
  }
  return out;
}
