import { CONTAINER_LISTS, ContainerList } from '../pod-spec';

/**
 * Small builders for CEL text that Kubernetes 1.28 accepts in a ValidatingAdmissionPolicy: standard CEL
 * (`has()`, `all()`, `exists()`, `in`, `size()`, `startsWith`, `endsWith`, `contains`, `matches`, `? :`) and
 * nothing newer (no optional syntax `?.`/`.?`, no `cel.bind`, no sets, ip, cidr, quantity or format libraries).
 *
 * Every field access is guarded by `has()`, because a field the object does not set is absent in admission
 * (reading it is an error, and with failurePolicy Fail an error refuses the request). Each builder returns a
 * parenthesised expression so the results compose without precedence surprises.
 */

/** A CEL string literal (single-quoted, with `\` and `'` escaped). */
export function str(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** A CEL list literal of strings. */
export function strList(values: Iterable<string>): string {
  return `[${[...values].map(str).join(', ')}]`;
}

/** `(a && b && ...)`; `true` for no terms. */
export function and(...terms: string[]): string {
  return terms.length === 0 ? 'true' : terms.length === 1 ? terms[0] : `(${terms.join(' && ')})`;
}

/** `(a || b || ...)`; `false` for no terms. */
export function or(...terms: string[]): string {
  return terms.length === 0 ? 'false' : terms.length === 1 ? terms[0] : `(${terms.join(' || ')})`;
}

/** `!term`, parenthesised unless `term` is already one parenthesised group or call (`has(x)`). */
export function not(term: string): string {
  const call = /^[A-Za-z_][A-Za-z0-9_.]*(?=\()/.exec(term);
  const group = call ? term.slice(call[0].length) : term;
  return `!${group.startsWith('(') && balanced(group) ? term : `(${term})`}`;
}

/** True when the outer parentheses of `term` enclose all of it (so `!` can be put in front as is). */
function balanced(term: string): boolean {
  let depth = 0;
  let quote = false;
  for (let i = 0; i < term.length; i++) {
    const ch = term[i];
    if (quote) {
      if (ch === '\\') {
        i++;
      } else if (ch === "'") {
        quote = false;
      }
      continue;
    }
    if (ch === "'") {
      quote = true;
    } else if (ch === '(') {
      depth++;
    } else if (ch === ')') {
      depth--;
      if (depth === 0 && i < term.length - 1) {
        return false;
      }
    }
  }
  return depth === 0;
}

/** `base.a.b.c` for `select(base, 'a', 'b', 'c')`. */
export function select(base: string, ...path: string[]): string {
  return [base, ...path].join('.');
}

/**
 * `has(base.a) && has(base.a.b) && ...`: true when every field along `path` is set. `base` itself must exist
 * (a variable, or something already guarded).
 */
export function present(base: string, ...path: string[]): string {
  return and(...path.map((_, i) => `has(${select(base, ...path.slice(0, i + 1))})`));
}

/** True when the field at `path` is set and `test` (given the field's expression) holds for it. */
export function whenSet(base: string, path: string[], test: (value: string) => string): string {
  return and(present(base, ...path), test(select(base, ...path)));
}

/** True when the field at `path` is absent, or set and `test` holds for it. */
export function unsetOr(base: string, path: string[], test: (value: string) => string): string {
  return or(not(present(base, ...path)), test(select(base, ...path)));
}

/** True when the list at `path` is absent or every element `v` satisfies `test(v)`. */
export function allOf(base: string, path: string[], variable: string, test: (item: string) => string): string {
  return unsetOr(base, path, (list) => `${list}.all(${variable}, ${test(variable)})`);
}

/** True when the field at `path` is set and equals `value` (a CEL literal). */
export function is(base: string, path: string[], value: string): string {
  return whenSet(base, path, (v) => `${v} == ${value}`);
}


/**
 * True when every container of `spec` (init, regular and ephemeral, or only the `lists` given) satisfies
 * `test(c)`. One `all()` per list rather than a concatenation: `+` on typed lists merges list-map entries.
 */
export function everyContainer(
  spec: string,
  test: (container: string) => string,
  lists: readonly ContainerList[] = CONTAINER_LISTS,
): string {
  return and(...lists.map((list) => allOf(spec, [list], 'c', test)));
}

/** Where a kind keeps its pod template (the object that holds `metadata` and `spec` of the pod). */
export interface PodTemplateLocation {
  readonly kinds: readonly string[];
  /** Path from the object to the template; empty for a Pod, whose own metadata and spec are the pod's. */
  readonly template: readonly string[];
}

/** Every kind that carries a pod spec and where, as in `src/policy/pod-spec.ts`. */
export const POD_TEMPLATE_LOCATIONS: readonly PodTemplateLocation[] = [
  { kinds: ['Pod'], template: [] },
  { kinds: ['PodTemplate'], template: ['template'] },
  { kinds: ['ReplicationController', 'Deployment', 'ReplicaSet', 'DaemonSet', 'StatefulSet', 'Job'], template: ['spec', 'template'] },
  { kinds: ['CronJob'], template: ['spec', 'jobTemplate', 'spec', 'template'] },
];

/** The kinds whose pods run to completion whatever their restartPolicy. */
export const RUN_TO_COMPLETION_KINDS: readonly string[] = ['Job', 'CronJob'];

/**
 * A list of the pod templates in `object`: `[object]` for a Pod, `[object.spec.template]` for a Deployment,
 * and so on; `[]` when the template is missing or the kind carries none. Iterating it with `all()` binds the
 * template to a name without `cel.bind` or policy variables, and an absent template yields no pod, as in the
 * TypeScript rules.
 */
export function podTemplates(object = 'object'): string {
  let out = '[]';
  for (const location of [...POD_TEMPLATE_LOCATIONS].reverse()) {
    const kindTest = location.kinds.length === 1
      ? `${object}.kind == ${str(location.kinds[0])}`
      : `${object}.kind in ${strList(location.kinds)}`;
    const template = select(object, ...location.template);
    const list = location.template.length === 0
      ? `[${object}]`
      : `(${present(object, ...location.template)} ? [${template}] : [])`;
    out = `(${kindTest} ? ${list} : ${out})`;
  }
  return out;
}

/**
 * True when every pod template of the object satisfies `test(pod)`, where `pod.spec` is the pod spec and
 * `pod.metadata` its metadata. Templates without a spec hold no pod and pass.
 */
export function everyPod(test: (pod: string) => string): string {
  return `${podTemplates()}.all(pod, ${or('!has(pod.spec)', test('pod'))})`;
}

/** True when the pod spec says `os.name: windows` (PSA exempts such pods from three restricted checks). */
export function isWindows(spec: string): string {
  return is(spec, ['os', 'name'], str('windows'));
}

/** `securityContext`, the field the pod-security rules' CEL reads most. */
export const SC = 'securityContext';

/** True for the pod's security context and every container's (`test` gets something with a `securityContext`). */
export function podAndContainers(spec: string, test: (holder: string) => string): string {
  return and(test(spec), everyContainer(spec, test));
}

/** What JavaScript's trim() and `\\s` count as whitespace: RE2's \\s, \\v, every Unicode separator (\\p{Z}), U+FEFF. */
export const WHITESPACE = '[\\s\\x{000B}\\p{Z}\\x{FEFF}]';

/** A string with something other than whitespace in it (what `value.trim() !== ''` means in JavaScript). */
export function nonBlank(value: string): string {
  return and(`type(${value}) == string`, `!${value}.matches(${str(`^${WHITESPACE}*$`)})`);
}
