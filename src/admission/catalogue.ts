import { APPARMOR_ANNOTATION_PREFIX } from '../policy/rules/pod-security/apparmor';
import { BASELINE_ALLOWED_CAPABILITIES } from '../policy/rules/pod-security/capabilities-baseline';
import { ALLOWED_SECCOMP_TYPES } from '../policy/rules/pod-security/seccomp';
import { ALLOWED_SELINUX_TYPES } from '../policy/rules/pod-security/selinux';
import { ALLOWED_SYSCTLS } from '../policy/rules/pod-security/sysctls';
import { FORBIDDEN_VOLUME_SOURCES } from '../policy/rules/pod-security/volume-types';
import { SOURCE_RANGES_ANNOTATION } from '../policy/rules/service/load-balancer-source-ranges';
import {
  allOf, and, everyContainer, everyPod, is, isWindows, not, or, present, RUN_TO_COMPLETION_KINDS, select, str,
  strList, unsetOr, whenSet,
} from './cel';
import { Severity } from '../policy/rule';
import { CONTAINER_RULES } from '../policy/rules/container';
import { RBAC_RULES } from '../policy/rules/rbac';
import { Grant, isGrantRule, RBAC_GROUP } from '../policy/rules/rbac/rbac';
import { PSA_POLICY_VERSION } from '../version';
import { TargetName } from './targets';

/**
 * A rule the cluster can enforce: a CEL expression that is true when the object passes the rule. A rule whose
 * findings differ in severity (an error for one case, a warning for another) gives one expression per severity,
 * each true when the object has no finding of that severity; each becomes its own policy, so a binding can deny
 * the errors and only warn about the rest.
 */
export interface CelEntry {
  readonly target: TargetName;
  readonly expression: string | Readonly<Partial<Record<Severity, string>>>;
  /**
   * What the policy cannot check that the rule does (for a rule over the object set: the part that needs the
   * other objects). Printed in the YAML header and shown by `rules`.
   */
  readonly limitation?: string;
}

/** A rule no admission policy can enforce, and why. */
export interface NotExpressibleEntry {
  readonly notExpressible: string;
}

export type AdmissionEntry = CelEntry | NotExpressibleEntry;

// ---------------------------------------------------------------------------------------------------------
// Shared pieces. `b` is something with a `securityContext` (a pod spec or a container).

const SC = 'securityContext';

/** True for the pod's security context and every container's. */
function podAndContainers(spec: string, test: (holder: string) => string): string {
  return and(test(spec), everyContainer(spec, test));
}

/** A seccompProfile object that names RuntimeDefault or Localhost. */
function allowedSeccomp(profile: string): string {
  return whenSet(profile, ['type'], (type) => `${type} in ${strList(ALLOWED_SECCOMP_TYPES)}`);
}

/** What JavaScript's trim() and `\\s` count as whitespace: RE2's \\s, \\v, every Unicode separator (\\p{Z}), U+FEFF. */
const WHITESPACE = '[\\s\\x{000B}\\p{Z}\\x{FEFF}]';

/** A string with something other than whitespace in it (what `value.trim() !== ''` means in JavaScript). */
function nonBlank(value: string): string {
  return and(`type(${value}) == string`, `!${value}.matches(${str(`^${WHITESPACE}*$`)})`);
}

/** A quantity the way workload-resources counts it given: a non-blank string or a number. */
function quantityGiven(value: string): string {
  return or(nonBlank(value), `type(${value}) == int`, `type(${value}) == double`);
}

/** `resources.<kind>.<resource>` of container `c` is given. */
function resourceGiven(c: string, kind: 'requests' | 'limits', resource: string): string {
  return whenSet(c, ['resources', kind], (map) => and(`${str(resource)} in ${map}`, quantityGiven(`${map}[${str(resource)}]`)));
}

// Image references, read as src/policy/rules/workload/image-reference.ts reads them: the part before the first
// `@` is the name, the rest the digest; the tag is what follows the last `:` of the name when no `/` follows it.
const NAME = '^[^@]*';
const REST = '(@[\\s\\S]*)?$';
/** The name has a non-empty tag. */
const TAGGED = `${NAME}:[^:/@]+${REST}`;
/** The name's tag is `latest`. */
const LATEST = `${NAME}:latest${REST}`;

/** The image is pinned by a well-formed digest (sha256 and sha512 of exact length, lower-case). */
function digestPinned(image: string): string {
  return or(
    `${image}.matches(${str(`${NAME}@sha256:[0-9a-f]{64}$`)})`,
    `${image}.matches(${str(`${NAME}@sha512:[0-9a-f]{128}$`)})`,
    and(
      `${image}.matches(${str(`${NAME}@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$`)})`,
      `!${image}.matches(${str(`${NAME}@(sha256|sha512):`)})`,
    ),
  );
}

/** The pull policy Kubernetes defaults to for this image is Always (tag latest, or neither tag nor digest). */
function defaultsToAlways(image: string): string {
  return or(`${image}.matches(${str(LATEST)})`, and(`!${image}.matches(${str(TAGGED)})`, `!${image}.contains('@')`));
}

/** The container's image, when it is a non-empty string, satisfies `test`. */
function image(c: string, test: (image: string) => string): string {
  return unsetOr(c, ['image'], (img) => or(`type(${img}) != string`, `${img} == ''`, test(img)));
}

/** A non-empty string field. */
function nonEmptyString(base: string, field: string): string {
  return whenSet(base, [field], (v) => and(`type(${v}) == string`, `${v} != ''`));
}

// RBAC, read as src/policy/rules/rbac/rbac.ts reads roles: only string entries count, an aggregated ClusterRole
// (any aggregationRule) has no rules of its own, and a namespaced Role cannot grant cluster-scoped resources.

/** The rules[] entry's resource item `item` (a string) covers `wanted`, as `resourceMatches` decides. */
function resourceCovers(item: string, wanted: string): string {
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

/** The rules[] entry `r` grants `grant`: its apiGroups, resources and verbs all cover it. */
function grantsOne(r: string, grant: Grant): string {
  return and(
    ...(grant.clusterOnly ? ["object.kind != 'Role'"] : []),
    whenSet(r, ['apiGroups'], (l) => `${l}.exists(g, g == '*' || g == ${str(grant.group)})`),
    whenSet(r, ['resources'], (l) => `${l}.exists(x, ${and('type(x) == string', resourceCovers('x', grant.resource))})`),
    whenSet(r, ['verbs'], (l) => (grant.verbs === 'any'
      ? `${l}.exists(v, type(v) == string)`
      : `${l}.exists(v, v == '*' || v in ${strList(grant.verbs)})`)),
  );
}

/** An aggregated ClusterRole: the controller owns its rules. */
const AGGREGATED = "(object.kind == 'ClusterRole' && has(object.aggregationRule))";

/** True when every rules[] entry (that is an object) satisfies `test`, or the role is aggregated. */
function everyRoleRule(test: (rule: string) => string): string {
  return or(AGGREGATED, allOf('object', ['rules'], 'rule', (r) => or(`type(${r}) != map`, test(r))));
}

/** The grants of a rule made by the rbac `grantRule` factory: one list judges synth and admission alike. */
function grantsOf(ruleId: string): readonly Grant[] {
  const rule = RBAC_RULES.find((r) => r.id === ruleId);
  if (!isGrantRule(rule)) {
    throw new Error(`${ruleId} is not a grant rule`);
  }
  return rule.grants;
}

/** No rules[] entry of the role grants any of `grants` (the `grantRule` factory's rules). */
function grantsNone(grants: readonly Grant[]): string {
  return everyRoleRule((r) => not(or(...grants.map((g) => grantsOne(r, g)))));
}

/** The label `key` of the object is `value`. */
function labelIs(key: string, value: string): string {
  return whenSet('object', ['metadata', 'labels'], (labels) => and(`${str(key)} in ${labels}`, `${labels}[${str(key)}] == ${str(value)}`));
}

/** A label selector that selects everything (`selectsAll` of src/policy/rules/network/network.ts), given it is set. */
function selectsAll(selector: string): string {
  return and(
    `type(${selector}) == map`,
    unsetOr(selector, ['matchLabels'], (l) => and(`type(${l}) == map`, `size(${l}) == 0`)),
    unsetOr(selector, ['matchExpressions'], (l) => and(`type(${l}) == list`, `size(${l}) == 0`)),
  );
}

/** A NetworkPolicy peer that admits everyone: an ipBlock of prefix length 0, or every pod of every namespace. */
function peerIsEveryone(peer: string): string {
  const everywhere = whenSet(peer, ['ipBlock'], (block) => and(`type(${block}) == map`,
    whenSet(block, ['cidr'], (cidr) => and(`type(${cidr}) == string`, `${cidr}.matches(${str(`/0+${WHITESPACE}*$`)})`))));
  const everyPodEverywhere = whenSet(peer, ['namespaceSelector'],
    (ns) => and(selectsAll(ns), unsetOr(peer, ['podSelector'], selectsAll)));
  return or(everywhere, everyPodEverywhere);
}

/** NetworkPolicy rules of one direction: every element names peers, and no peer is everyone. */
function directionNarrow(spec: string, rules: 'ingress' | 'egress', peers: 'from' | 'to'): string {
  return allOf(spec, [rules], 'element', (e) => {
    const named = whenSet(e, [peers], (l) => and(`type(${l}) == list`, `size(${l}) > 0`));
    const narrow = `${e}.${peers}.all(peer, ${or('type(peer) != map', not(peerIsEveryone('peer')))})`;
    return or(`type(${e}) != map`, and(named, narrow));
  });
}

// ---------------------------------------------------------------------------------------------------------

/**
 * The admission side of every rule, keyed by rule id: the CEL that enforces it, or why it cannot be enforced
 * at admission. Adding a rule to the catalogue means adding its entry here (a test fails otherwise), and the
 * equivalence test then holds the expression to the rule's fixtures.
 */
export const ADMISSION_CATALOGUE: Readonly<Record<string, AdmissionEntry>> = {
  'schema': {
    notExpressible: 'it checks manifests against the full Kubernetes 1.28 OpenAPI schema offline; in the cluster the '
      + 'API server itself decodes and validates every object against that schema, and refuses or drops unknown '
      + 'fields before admission, so a policy would never see what this rule looks for',
  },

  // --- Pod Security Standards (PSA v1.28) ------------------------------------------------------------------
  'pss-baseline-host-process': {
    target: 'pods',
    expression: everyPod((pod) => podAndContainers(`${pod}.spec`,
      (b) => not(is(b, [SC, 'windowsOptions', 'hostProcess'], 'true')))),
  },
  'pss-baseline-host-namespaces': {
    target: 'pods',
    expression: everyPod((pod) => and(...['hostNetwork', 'hostPID', 'hostIPC'].map((f) => not(is(`${pod}.spec`, [f], 'true'))))),
  },
  'pss-baseline-privileged': {
    target: 'pods',
    expression: everyPod((pod) => everyContainer(`${pod}.spec`, (c) => not(is(c, [SC, 'privileged'], 'true')))),
  },
  'pss-baseline-capabilities': {
    target: 'pods',
    expression: everyPod((pod) => everyContainer(`${pod}.spec`,
      (c) => allOf(c, [SC, 'capabilities', 'add'], 'cap', (cap) => `${cap} in ${strList(BASELINE_ALLOWED_CAPABILITIES)}`))),
  },
  'pss-baseline-host-path-volumes': {
    target: 'pods',
    expression: everyPod((pod) => allOf(`${pod}.spec`, ['volumes'], 'v', (v) => `!has(${v}.hostPath)`)),
  },
  'pss-baseline-host-ports': {
    target: 'pods',
    expression: everyPod((pod) => everyContainer(`${pod}.spec`,
      (c) => allOf(c, ['ports'], 'port', (port) => unsetOr(port, ['hostPort'], (hp) => `${hp} == 0`)))),
  },
  'pss-baseline-apparmor': {
    target: 'pods',
    expression: everyPod((pod) => unsetOr(pod, ['metadata', 'annotations'], (a) => `${a}.all(key, ${or(
      `!key.startsWith(${str(APPARMOR_ANNOTATION_PREFIX)})`,
      `${a}[key] == ''`,
      `${a}[key] == 'runtime/default'`,
      `${a}[key].startsWith('localhost/')`,
    )})`)),
  },
  'pss-baseline-selinux': {
    target: 'pods',
    expression: everyPod((pod) => podAndContainers(`${pod}.spec`, (b) => unsetOr(b, [SC, 'seLinuxOptions'], (o) => and(
      unsetOr(o, ['type'], (t) => `${t} in ${strList(ALLOWED_SELINUX_TYPES)}`),
      unsetOr(o, ['user'], (u) => `${u} == ''`),
      unsetOr(o, ['role'], (r) => `${r} == ''`),
    )))),
  },
  'pss-baseline-proc-mount': {
    target: 'pods',
    expression: everyPod((pod) => everyContainer(`${pod}.spec`,
      (c) => unsetOr(c, [SC, 'procMount'], (v) => `${v} == 'Default'`))),
  },
  'pss-baseline-seccomp': {
    target: 'pods',
    expression: everyPod((pod) => podAndContainers(`${pod}.spec`, (b) => unsetOr(b, [SC, 'seccompProfile'], allowedSeccomp))),
  },
  'pss-baseline-sysctls': {
    target: 'pods',
    expression: everyPod((pod) => allOf(`${pod}.spec`, [SC, 'sysctls'], 'sysctl',
      (s) => whenSet(s, ['name'], (name) => `${name} in ${strList(ALLOWED_SYSCTLS)}`))),
  },
  'pss-restricted-volume-types': {
    target: 'pods',
    // The same deny-list as the TypeScript rule: with the eight allowed sources it covers every source of the
    // 1.28 Volume type, and a volume with only a name is an emptyDir after defaulting.
    expression: everyPod((pod) => allOf(`${pod}.spec`, ['volumes'], 'v',
      (v) => and(...FORBIDDEN_VOLUME_SOURCES.map((source) => `!has(${v}.${source})`)))),
  },
  'pss-restricted-privilege-escalation': {
    target: 'pods',
    expression: everyPod((pod) => or(isWindows(`${pod}.spec`),
      everyContainer(`${pod}.spec`, (c) => is(c, [SC, 'allowPrivilegeEscalation'], 'false')))),
  },
  'pss-restricted-run-as-non-root': {
    target: 'pods',
    // Pod-level false fails outright; a container passes with its own true, or with the pod's true when it
    // does not say false itself.
    expression: everyPod((pod) => {
      const spec = `${pod}.spec`;
      const podSays = (value: string) => is(spec, [SC, 'runAsNonRoot'], value);
      return and(not(podSays('false')), everyContainer(spec, (c) => and(
        not(is(c, [SC, 'runAsNonRoot'], 'false')),
        or(is(c, [SC, 'runAsNonRoot'], 'true'), podSays('true')),
      )));
    }),
  },
  'pss-restricted-run-as-user': {
    target: 'pods',
    expression: everyPod((pod) => podAndContainers(`${pod}.spec`, (b) => not(is(b, [SC, 'runAsUser'], '0')))),
  },
  'pss-restricted-seccomp': {
    target: 'pods',
    // The pod may set an allowed type for all containers; a container that sets a type must use an allowed one.
    expression: everyPod((pod) => {
      const spec = `${pod}.spec`;
      const podSet = present(spec, SC, 'seccompProfile');
      const podOk = and(podSet, allowedSeccomp(select(spec, SC, 'seccompProfile')));
      return or(isWindows(spec), and(
        or(not(podSet), podOk),
        everyContainer(spec, (c) => `(${present(c, SC, 'seccompProfile')} ? ${allowedSeccomp(select(c, SC, 'seccompProfile'))} : ${podOk})`),
      ));
    }),
  },
  'pss-restricted-capabilities': {
    target: 'pods',
    expression: everyPod((pod) => or(isWindows(`${pod}.spec`), everyContainer(`${pod}.spec`, (c) => and(
      whenSet(c, [SC, 'capabilities', 'drop'], (drop) => `'ALL' in ${drop}`),
      allOf(c, [SC, 'capabilities', 'add'], 'cap', (cap) => `${cap} == 'NET_BIND_SERVICE'`),
    )))),
  },

  // --- Workload hardening ----------------------------------------------------------------------------------
  'workload-resources': {
    target: 'pods',
    expression: everyPod((pod) => everyContainer(`${pod}.spec`, (c) => and(
      ...['cpu', 'memory'].map((r) => or(resourceGiven(c, 'requests', r), resourceGiven(c, 'limits', r))),
      ...['cpu', 'memory'].map((r) => resourceGiven(c, 'limits', r)),
    ), ['initContainers', 'containers'])),
  },
  'workload-probes': {
    target: 'pods',
    expression: everyPod((pod) => or(
      `object.kind in ${strList(RUN_TO_COMPLETION_KINDS)}`,
      and("object.kind == 'Pod'", whenSet(`${pod}.spec`, ['restartPolicy'], (p) => `${p} in ['Never', 'OnFailure']`)),
      everyContainer(`${pod}.spec`, (c) => and(`has(${c}.livenessProbe)`, `has(${c}.readinessProbe)`), ['containers']),
    )),
  },
  'workload-image-tag': {
    target: 'pods',
    expression: everyPod((pod) => everyContainer(`${pod}.spec`, (c) => image(c, (img) => or(
      digestPinned(img),
      and(`${img}.matches(${str(TAGGED)})`, `!${img}.matches(${str(LATEST)})`),
    )))),
  },
  'workload-image-digest': {
    target: 'pods',
    expression: everyPod((pod) => everyContainer(`${pod}.spec`, (c) => image(c, digestPinned))),
  },
  'workload-image-pull-policy': {
    target: 'pods',
    // The effective policy: the given one, or the one Kubernetes defaults to. Never fails; anything but Always
    // needs a digest.
    expression: everyPod((pod) => everyContainer(`${pod}.spec`, (c) => image(c, (img) => {
      const given = select(c, 'imagePullPolicy');
      return `(${and(present(c, 'imagePullPolicy'), `${given} != ''`)}`
        + ` ? ${and(`${given} != 'Never'`, or(`${given} == 'Always'`, digestPinned(img)))}`
        + ` : ${or(defaultsToAlways(img), digestPinned(img))})`;
    }))),
  },
  'workload-read-only-root-fs': {
    target: 'pods',
    expression: everyPod((pod) => or(isWindows(`${pod}.spec`),
      everyContainer(`${pod}.spec`, (c) => is(c, [SC, 'readOnlyRootFilesystem'], 'true')))),
  },
  'workload-automount-token': {
    target: 'pods',
    expression: everyPod((pod) => is(`${pod}.spec`, ['automountServiceAccountToken'], 'false')),
  },
  'workload-default-service-account': {
    target: 'pods',
    // serviceAccountName decides when it is a non-empty string, else the deprecated serviceAccount.
    expression: everyPod((pod) => {
      const spec = `${pod}.spec`;
      return `(${nonEmptyString(spec, 'serviceAccountName')} ? ${spec}.serviceAccountName != 'default'`
        + ` : (${nonEmptyString(spec, 'serviceAccount')} ? ${spec}.serviceAccount != 'default' : false))`;
    }),
  },
  'workload-default-namespace': {
    notExpressible: 'it is judged over the object set (CustomResourceDefinitions in the set decide which custom kinds '
      + 'are cluster-scoped), and in the cluster the control plane itself writes into default (the kubernetes '
      + 'Service and its Endpoints, Events, Leases), so a policy on every namespaced kind would refuse those writes',
  },
  'workload-secret-env': {
    notExpressible: 'it recognises secret-looking variable names by splitting camelCase and separators into words '
      + 'and looking the last two up in word lists; standard CEL in Kubernetes 1.28 cannot split strings, and an '
      + 'equivalent single regular expression would be very large, while CEL charges each match by pattern size '
      + 'times string length, so a pod with many variables could exhaust the CEL cost budget and be refused',
  },

  // --- Services --------------------------------------------------------------------------------------------
  'service-node-port': {
    target: 'services',
    expression: not(is('object', ['spec', 'type'], "'NodePort'")),
  },
  'service-load-balancer-source-ranges': {
    target: 'services',
    expression: or(
      not(is('object', ['spec', 'type'], "'LoadBalancer'")),
      whenSet('object', ['spec', 'loadBalancerSourceRanges'], (ranges) => `${ranges}.exists(range, ${nonBlank('range')})`),
      whenSet('object', ['metadata', 'annotations'], (a) => and(
        `${str(SOURCE_RANGES_ANNOTATION)} in ${a}`,
        nonBlank(`${a}[${str(SOURCE_RANGES_ANNOTATION)}]`),
      )),
    ),
  },
  'service-external-ips': {
    target: 'services',
    expression: unsetOr('object', ['spec', 'externalIPs'], (ips) => `size(${ips}) == 0`),
  },

  // --- RBAC ----------------------------------------------------------------------------------------------
  // The grant lists are those of the rule files (src/policy/rules/rbac/*.ts), which do not export them.
  'rbac-wildcard': {
    target: 'roles',
    expression: {
      // A "*" resource is the error; "*" in apiGroups or verbs, or a "*/sub" resource alone, is a warning.
      error: everyRoleRule((r) => unsetOr(r, ['resources'], (l) => `!('*' in ${l})`)),
      warning: everyRoleRule((r) => and(
        unsetOr(r, ['apiGroups'], (l) => `!('*' in ${l})`),
        unsetOr(r, ['verbs'], (l) => `!('*' in ${l})`),
        unsetOr(r, ['resources'], (l) => or(`'*' in ${l}`, `!${l}.exists(x, type(x) == string && x.startsWith('*/'))`)),
      )),
    },
  },
  'rbac-escalate': { target: 'roles', expression: grantsNone(grantsOf('rbac-escalate')) },
  'rbac-bind': { target: 'roles', expression: grantsNone(grantsOf('rbac-bind')) },
  'rbac-impersonate': { target: 'roles', expression: grantsNone(grantsOf('rbac-impersonate')) },
  'rbac-secrets-read': { target: 'roles', expression: grantsNone(grantsOf('rbac-secrets-read')) },
  'rbac-pods-exec-attach': { target: 'roles', expression: grantsNone(grantsOf('rbac-pods-exec-attach')) },
  'rbac-pods-portforward': { target: 'roles', expression: grantsNone(grantsOf('rbac-pods-portforward')) },
  'rbac-nodes-proxy': { target: 'roles', expression: grantsNone(grantsOf('rbac-nodes-proxy')) },
  'rbac-sa-token-create': { target: 'roles', expression: grantsNone(grantsOf('rbac-sa-token-create')) },
  'rbac-workload-create': { target: 'roles', expression: grantsNone(grantsOf('rbac-workload-create')) },
  'rbac-csr-approval': { target: 'roles', expression: grantsNone(grantsOf('rbac-csr-approval')) },
  'rbac-webhook-config-write': { target: 'roles', expression: grantsNone(grantsOf('rbac-webhook-config-write')) },
  'rbac-pv-create': { target: 'roles', expression: grantsNone(grantsOf('rbac-pv-create')) },
  'rbac-namespace-modify': { target: 'roles', expression: grantsNone(grantsOf('rbac-namespace-modify')) },
  'rbac-cluster-admin-binding': {
    target: 'bindings',
    // The per-object part: a binding to cluster-admin, or a ClusterRoleBinding to admin or edit.
    expression: not(and(
      is('object', ['roleRef', 'kind'], "'ClusterRole'"),
      unsetOr('object', ['roleRef', 'apiGroup'], (g) => or(`type(${g}) != string`, `${g} == ${str(RBAC_GROUP)}`)),
      whenSet('object', ['roleRef', 'name'], (n) => or(
        `${n} == 'cluster-admin'`,
        and("object.kind == 'ClusterRoleBinding'", `${n} in ['admin', 'edit']`),
      )),
    )),
    limitation: 'a binding to a role of the same manifests that grants "*" verbs on "*" resources in "*" apiGroups '
      + '(cluster-admin in all but name) is caught by synth and check only: admission sees one object at a time and '
      + 'cannot look the role up',
  },
  'rbac-system-group-binding': {
    target: 'bindings',
    expression: allOf('object', ['subjects'], 'subject', (subject) => or(`type(${subject}) != map`, not(whenSet(subject, ['name'],
      (n) => `${n} in ${strList(['system:anonymous', 'system:unauthenticated', 'system:authenticated', 'system:serviceaccounts', 'system:masters'])}`)))),
  },
  'rbac-cluster-scope': {
    notExpressible: 'it judges a ClusterRoleBinding by the ClusterRole it names, found in the same manifests; admission '
      + 'sees one object at a time and cannot look the role up',
  },

  // --- Network -------------------------------------------------------------------------------------------
  'network-default-deny': {
    notExpressible: 'it is judged over the object set (every namespace with workloads needs a default-deny '
      + 'NetworkPolicy among the manifests); admission sees one object at a time and cannot tell what else a namespace holds',
  },
  'network-allow-all': {
    target: 'networkPolicies',
    // Only the directions the policy takes effect for: its policyTypes when it lists any, else Ingress, plus
    // Egress when it has egress rules.
    expression: or('!has(object.spec)', (() => {
      const spec = 'object.spec';
      const listsTypes = whenSet(spec, ['policyTypes'], (t) => and(`type(${t}) == list`, `size(${t}) > 0`));
      const ingressOn = `(${listsTypes} ? 'Ingress' in ${spec}.policyTypes : true)`;
      const egressOn = `(${listsTypes} ? 'Egress' in ${spec}.policyTypes : ${whenSet(spec, ['egress'], (e) => and(`type(${e}) == list`, `size(${e}) > 0`))})`;
      return and(
        or(`!${ingressOn}`, directionNarrow(spec, 'ingress', 'from')),
        or(`!${egressOn}`, directionNarrow(spec, 'egress', 'to')),
      );
    })()),
  },

  // --- Namespaces ----------------------------------------------------------------------------------------
  'namespace-psa-labels': {
    target: 'namespaces',
    expression: {
      // enforce below restricted is the error; audit, warn and unpinned versions are warnings.
      error: labelIs('pod-security.kubernetes.io/enforce', 'restricted'),
      warning: and(
        labelIs('pod-security.kubernetes.io/audit', 'restricted'),
        labelIs('pod-security.kubernetes.io/warn', 'restricted'),
        ...['enforce', 'audit', 'warn'].map((mode) => labelIs(`pod-security.kubernetes.io/${mode}-version`, PSA_POLICY_VERSION)),
      ),
    },
  },
  'namespace-quota': {
    notExpressible: 'it is judged over the object set (every namespace needs a ResourceQuota and a LimitRange among '
      + 'the manifests); admission sees one object at a time and cannot tell what else a namespace holds',
  },

  // --- API hygiene -----------------------------------------------------------------------------------------
  'api-removed': {
    notExpressible: 'an apiVersion the cluster no longer serves never reaches admission: the API server refuses the '
      + 'request itself ("no matches for kind")',
  },
  'api-secret-data': {
    notExpressible: 'it is about what is committed to the manifest tree; in the cluster every Secret carries data '
      + '(the controllers that unseal SealedSecrets or sync ExternalSecrets create exactly such Secrets), so a policy '
      + 'would refuse all of them',
  },

  // --- The image and runtime half of the guide --------------------------------------------------------------
  ...Object.fromEntries(CONTAINER_RULES.map((rule) => [rule.id, {
    notExpressible: 'it judges a Dockerfile, a Docker daemon.json or docker inspect output, which never reach the '
      + 'Kubernetes API server',
  }])),
};

export function isCelEntry(entry: AdmissionEntry | undefined): entry is CelEntry {
  return entry !== undefined && 'expression' in entry;
}
