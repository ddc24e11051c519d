import { allOf, and, not, or, str, strList, whenSet } from '../cel';
import { arrayField, field, isObject, objectField, show, stringField } from '../../json';
import { Path } from '../../path';
import { apiGroup } from '../../pod-spec';
import { ObjectRule, Target, Violation } from '../../rule';

/** The API group of Role, ClusterRole, RoleBinding and ClusterRoleBinding. */
export const RBAC_GROUP = 'rbac.authorization.k8s.io';

/** True when the object is one of `kinds` served by the RBAC API group (any version). */
export function isRbacKind(target: Target, ...kinds: string[]): boolean {
  return kinds.includes(target.kind) && apiGroup(target.apiVersion) === RBAC_GROUP;
}

/** One string entry of a list field, with its index in the list (non-string entries are skipped). */
export interface Item {
  readonly value: string;
  readonly index: number;
}

function items(rule: unknown, key: string): Item[] {
  const out: Item[] = [];
  arrayField(rule, key).forEach((value, index) => {
    if (typeof value === 'string') {
      out.push({ value, index });
    }
  });
  return out;
}

/** One entry of a role's `rules`, with its string lists. */
export interface PolicyRuleView {
  /** Index in `rules`. */
  readonly index: number;
  /** `['rules', index]`. */
  readonly path: Path;
  readonly apiGroups: readonly Item[];
  readonly resources: readonly Item[];
  readonly verbs: readonly Item[];
  readonly resourceNames: readonly Item[];
  readonly nonResourceURLs: readonly Item[];
}

/** True for a ClusterRole whose rules the aggregation controller owns (any `aggregationRule` object). */
export function isAggregated(target: Target): boolean {
  return target.kind === 'ClusterRole' && isObject(field(target.object, 'aggregationRule'));
}

/**
 * The rules of a Role or ClusterRole. None for anything else, and none for an aggregated ClusterRole: the
 * controller replaces its `rules` with the union of the ClusterRoles its selectors pick, each judged on its own.
 */
export function policyRules(target: Target): PolicyRuleView[] {
  // Fifteen rules read the same views of every role: build them once per object.
  let views = VIEWS.get(target.object);
  if (!views) {
    views = buildPolicyRules(target);
    VIEWS.set(target.object, views);
  }
  return views;
}

const VIEWS = new WeakMap<object, PolicyRuleView[]>();

function buildPolicyRules(target: Target): PolicyRuleView[] {
  if (!isRbacKind(target, 'Role', 'ClusterRole') || isAggregated(target)) {
    return [];
  }
  const out: PolicyRuleView[] = [];
  arrayField(target.object, 'rules').forEach((rule, index) => {
    if (!isObject(rule)) {
      return;
    }
    out.push({
      index,
      path: ['rules', index],
      apiGroups: items(rule, 'apiGroups'),
      resources: items(rule, 'resources'),
      verbs: items(rule, 'verbs'),
      resourceNames: items(rule, 'resourceNames'),
      nonResourceURLs: items(rule, 'nonResourceURLs'),
    });
  });
  return out;
}

/**
 * True when the rule entry `item` covers the resource `wanted`, as the RBAC authorizer matches them: `*` covers
 * everything, an exact string covers itself, and `*\/sub` covers subresource `sub` of every resource. `pods`
 * does not cover `pods/exec`. `wanted` may end in `/*` to mean "any subresource of that resource" (impersonation
 * of `userextras/<key>`).
 */
export function resourceMatches(item: string, wanted: string): boolean {
  if (item === '*') {
    return true;
  }
  const slash = wanted.indexOf('/');
  if (slash < 0) {
    return item === wanted;
  }
  const base = wanted.slice(0, slash);
  const sub = wanted.slice(slash + 1);
  if (sub === '*') {
    return (item.startsWith(`${base}/`) && item.length > base.length + 1) || (item.startsWith('*/') && item.length > 2);
  }
  return item === wanted || item === `*/${sub}`;
}

/** True when the rule's apiGroups cover `group` (`""` is the core group, `*` every group). */
export function groupMatches(rule: PolicyRuleView, group: string): boolean {
  return rule.apiGroups.some((g) => g.value === '*' || g.value === group);
}

/** A permission to look for: some verbs on one resource of one API group. */
export interface Grant {
  readonly group: string;
  /** `secrets`, `pods/exec`, or `userextras/*` for any subresource. */
  readonly resource: string;
  /** The verbs that give the risk, or `any` when every verb does. `*` in the rule always matches. */
  readonly verbs: readonly string[] | 'any';
  /** The resource is cluster-scoped, so a (namespaced) Role granting it grants nothing. */
  readonly clusterOnly?: boolean;
}

/** What one rule entry grants of a list of {@link Grant}s: the matching verb and resource entries. */
export interface GrantMatch {
  readonly verbs: readonly Item[];
  readonly resources: readonly Item[];
}

function addUnique(into: Item[], from: readonly Item[]): void {
  for (const item of from) {
    if (!into.some((i) => i.index === item.index)) {
      into.push(item);
    }
  }
}

/** The entries of `rule` that grant any of `grants`, or undefined when it grants none of them. */
export function matchGrants(rule: PolicyRuleView, grants: readonly Grant[], namespacedRole: boolean): GrantMatch | undefined {
  let verbs: Item[] | undefined;
  let resources: Item[] | undefined;
  for (const grant of grants) {
    if ((grant.clusterOnly && namespacedRole) || !groupMatches(rule, grant.group)) {
      continue;
    }
    // Most entries grant none of a rule's grants: look before building the lists (this runs for every rule on every role).
    const wanted = grant.verbs;
    const verbMatches = (item: Item) => wanted === 'any' || item.value === '*' || wanted.includes(item.value);
    const resourceMatch = (item: Item) => resourceMatches(item.value, grant.resource);
    if (!rule.verbs.some(verbMatches) || !rule.resources.some(resourceMatch)) {
      continue;
    }
    addUnique(verbs ??= [], rule.verbs.filter(verbMatches));
    addUnique(resources ??= [], rule.resources.filter(resourceMatch));
  }
  if (verbs === undefined || resources === undefined) {
    return undefined;
  }
  const byIndex = (a: Item, b: Item) => a.index - b.index;
  return { verbs: verbs.sort(byIndex), resources: resources.sort(byIndex) };
}

/** `verb "get"` or `verbs ["get","list"]`. */
export function verbsText(verbs: readonly Item[]): string {
  return verbs.length === 1 ? `verb ${show(verbs[0].value)}` : `verbs ${show(verbs.map((v) => v.value))}`;
}

/** `rule 2 grants verbs ["get","list"] on resources ["secrets"]`, with the resourceNames when the rule has any. */
export function grantMessage(rule: PolicyRuleView, match: GrantMatch): string {
  const names = rule.resourceNames.length > 0 ? ` (resourceNames ${show(rule.resourceNames.map((n) => n.value))})` : '';
  return `rule ${rule.index} grants ${verbsText(match.verbs)} on resources ${show(match.resources.map((r) => r.value))}${names}`;
}

type Meta = Omit<ObjectRule, 'scope' | 'check'>;

/**
 * Defines a rule that flags every Role/ClusterRole rule entry granting any of `grants` (the factory behind the
 * "verbs V on resources R of group G" rules). One violation per entry, at its first matching verb.
 */
/** A rule made by {@link grantRule}: its grants stay readable; its admission CEL is built from the same list. */
export interface GrantRule extends ObjectRule {
  readonly grants: readonly Grant[];
}

export function grantRule(meta: Meta, grants: readonly Grant[]): GrantRule {
  return {
    ...meta,
    grants,
    admission: {
      target: 'roles',
      get expression() {
        return celGrantsNone(grants);
      },
    },
    scope: 'object',
    kinds: ['Role', 'ClusterRole'],
    check(target) {
      const namespacedRole = target.kind === 'Role';
      const out: Violation[] = [];
      for (const rule of policyRules(target)) {
        const match = matchGrants(rule, grants, namespacedRole);
        if (match) {
          out.push({ path: [...rule.path, 'verbs', match.verbs[0].index], message: grantMessage(rule, match) });
        }
      }
      return out;
    },
  };
}

// The same reading in CEL, for the admission policies: only string entries count, an aggregated ClusterRole (any
// aggregationRule) has no rules of its own, and a namespaced Role cannot grant cluster-scoped resources.

/** CEL: the rules[] entry's resource item `item` (a string) covers `wanted`, as `resourceMatches` decides. */
function celResourceCovers(item: string, wanted: string): string {
  const slash = wanted.indexOf('/');
  if (slash < 0) {
    return or(`${item} == '*'`, `${item} == ${str(wanted)}`);
  }
  const base = wanted.slice(0, slash);
  const sub = wanted.slice(slash + 1);
  if (sub === '*') {
    return or(`${item} == '*'`,
      and(`${item}.startsWith(${str(`${base}/`)})`, `size(${item}) > ${base.length + 1}`),
      and(`${item}.startsWith('*/')`, `size(${item}) > 2`));
  }
  return or(`${item} == '*'`, `${item} == ${str(wanted)}`, `${item} == ${str(`*/${sub}`)}`);
}

/** CEL: the rules[] entry `r` grants `grant`: its apiGroups, resources and verbs all cover it. */
function celGrantsOne(r: string, grant: Grant): string {
  return and(
    ...(grant.clusterOnly ? ["object.kind != 'Role'"] : []),
    whenSet(r, ['apiGroups'], (l) => `${l}.exists(g, g == '*' || g == ${str(grant.group)})`),
    whenSet(r, ['resources'], (l) => `${l}.exists(x, ${and('type(x) == string', celResourceCovers('x', grant.resource))})`),
    whenSet(r, ['verbs'], (l) => (grant.verbs === 'any'
      ? `${l}.exists(v, type(v) == string)`
      : `${l}.exists(v, v == '*' || v in ${strList(grant.verbs)})`)),
  );
}

/** CEL: an aggregated ClusterRole (the controller owns its rules). */
const CEL_AGGREGATED = "(object.kind == 'ClusterRole' && has(object.aggregationRule))";

/** CEL: every rules[] entry (that is an object) satisfies `test`, or the role is aggregated. */
export function celEveryRoleRule(test: (rule: string) => string): string {
  return or(CEL_AGGREGATED, allOf('object', ['rules'], 'rule', (r) => or(`type(${r}) != map`, test(r))));
}

/** CEL: no rules[] entry of the role grants any of `grants` (the admission side of every {@link grantRule}). */
export function celGrantsNone(grants: readonly Grant[]): string {
  return celEveryRoleRule((r) => not(or(...grants.map((g) => celGrantsOne(r, g)))));
}

/** A binding's `roleRef`, when it is well formed. */
export interface RoleRef {
  readonly kind: 'Role' | 'ClusterRole';
  readonly name: string;
}

/** The roleRef of a RoleBinding or ClusterRoleBinding (kind Role or ClusterRole of the RBAC group). */
export function roleRef(target: Target): RoleRef | undefined {
  if (!isRbacKind(target, 'RoleBinding', 'ClusterRoleBinding')) {
    return undefined;
  }
  const ref = objectField(target.object, 'roleRef');
  const kind = stringField(ref, 'kind');
  const name = stringField(ref, 'name');
  const group = stringField(ref, 'apiGroup');
  if ((kind !== 'Role' && kind !== 'ClusterRole') || !name || (group !== undefined && group !== RBAC_GROUP)) {
    return undefined;
  }
  return { kind, name };
}

/** The namespace of a namespaced object, absent counting as `default` (where kubectl puts it). */
export function namespaceOf(target: Target): string {
  return target.namespace || 'default';
}

/**
 * The role a binding refers to, when the object set holds it: a ClusterRole by name; a Role by name in the
 * binding's namespace (only a RoleBinding can refer to a Role).
 */
export function findRole(targets: readonly Target[], binding: Target, ref: RoleRef): Target | undefined {
  if (ref.kind === 'Role' && binding.kind !== 'RoleBinding') {
    return undefined;
  }
  // An index of the set's roles, built once per set (a scan per binding is quadratic in the set).
  let index = ROLE_INDEX.get(targets);
  if (!index) {
    index = new Map();
    for (const t of targets) {
      if (isRbacKind(t, 'Role', 'ClusterRole')) {
        const key = roleKey(t.kind, t.name, t.kind === 'ClusterRole' ? '' : namespaceOf(t));
        if (!index.has(key)) {
          index.set(key, t);
        }
      }
    }
    ROLE_INDEX.set(targets, index);
  }
  return index.get(roleKey(ref.kind, ref.name, ref.kind === 'ClusterRole' ? '' : namespaceOf(binding)));
}

const ROLE_INDEX = new WeakMap<readonly Target[], Map<string, Target>>();

function roleKey(kind: string, name: string, namespace: string | undefined): string {
  return `${kind}\u0000${namespace ?? ''}\u0000${name}`;
}

/**
 * The verbs of the API that together are every read and every write on an object: a role that grants all of them
 * on `*` resources in `*` apiGroups is cluster-admin in all but name, whether it spells them out or writes `*`.
 */
export const EVERY_OBJECT_VERB: readonly string[] = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];

/** What makes a role cluster-admin in all but name: the rule entries and the verbs they grant together. */
export interface FullWildcard {
  /** The first rule entry involved. */
  readonly rule: PolicyRuleView;
  /** `"*" verbs`, or the verbs listed across the entries. */
  readonly verbs: string;
}

/**
 * The rule entries of a role that grant every verb on every resource of every group, as cluster-admin does: one
 * entry with `*` apiGroups, `*` resources and `*` verbs, or `*`/`*` entries whose verbs together list every
 * verb of {@link EVERY_OBJECT_VERB} (`[get, list, watch, create, update, patch, delete]`).
 */
export function fullWildcardRule(role: Target): FullWildcard | undefined {
  const star = (list: readonly Item[]) => list.some((i) => i.value === '*');
  const everything = policyRules(role).filter((r) => star(r.apiGroups) && star(r.resources));
  const starred = everything.find((r) => star(r.verbs));
  if (starred) {
    return { rule: starred, verbs: '"*" verbs' };
  }
  const listed = new Set(everything.flatMap((r) => r.verbs.map((v) => v.value.toLowerCase())));
  if (everything.length > 0 && EVERY_OBJECT_VERB.every((v) => listed.has(v))) {
    return { rule: everything[0], verbs: `every verb (${EVERY_OBJECT_VERB.join(', ')})` };
  }
  return undefined;
}
