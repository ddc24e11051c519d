import { ApiObject, Chart } from 'cdk8s';
import * as k8s from '../imports/k8s';
import { Construct } from 'constructs';
import { ALL_RULES, evaluate } from '../catalogue';
import { Rule } from '../policy/rule';
import { annotateSuppression, checkDnsLabel, checkLabels, emit, ObjectMetaProps, Refuse, resolveNamespace } from './common';

/** RBAC verbs. `*` is a wildcard and needs an accepted risk. */
export type RbacVerb =
  | 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection'
  | 'escalate' | 'bind' | 'impersonate' | 'approve' | 'sign' | 'use' | '*';

/** One permission: verbs on one resource (or subresource, `pods/log`) of one API group (`''` = core). */
export interface RoleRule {
  readonly apiGroup: string;
  readonly resource: string;
  readonly verbs: readonly RbacVerb[];
  /** Restrict to these object names. @default - every object of the resource */
  readonly resourceNames?: readonly string[];
}

/** The privilege-escalation paths LeastPrivilegeRole refuses unless accepted, named by the rule id that flags them. */
export const RBAC_RISKS = [
  'rbac-wildcard', 'rbac-escalate', 'rbac-bind', 'rbac-impersonate', 'rbac-secrets-read', 'rbac-pods-exec-attach',
  'rbac-pods-portforward', 'rbac-nodes-proxy', 'rbac-sa-token-create', 'rbac-workload-create', 'rbac-csr-approval',
  'rbac-webhook-config-write', 'rbac-namespace-modify', 'rbac-pv-create',
  // Judged on the binding: binding a role that grants */*/*, and a ClusterRoleBinding a RoleBinding would do.
  'rbac-cluster-admin-binding', 'rbac-cluster-scope',
] as const;
/** The risks reported on the binding (their suppression annotation goes there). */
const BINDING_RISKS: readonly string[] = ['rbac-cluster-admin-binding', 'rbac-cluster-scope'];
export type RbacRisk = (typeof RBAC_RISKS)[number];

/** An explicit, reasoned acceptance of one risk. Written on the Role as a suppression annotation. */
export interface AcceptedRisk {
  readonly risk: RbacRisk;
  /** Why this grant is needed (at least 10 letters or digits). */
  readonly reason: string;
}

/** Who gets the role. */
export type RoleSubject =
  | { readonly kind: 'ServiceAccount'; readonly name: string; /** @default - the role's namespace */ readonly namespace?: string }
  | { readonly kind: 'User'; readonly name: string }
  | { readonly kind: 'Group'; readonly name: string }
  /** A Secure* workload: binds its ServiceAccount. */
  | { readonly serviceAccountName: string; readonly namespace: string };

export interface LeastPrivilegeRoleProps extends ObjectMetaProps {
  /** @default - the construct id */
  readonly name?: string;
  /** @default - the chart's namespace */
  readonly namespace?: string;
  /** At least one rule. */
  readonly rules: readonly RoleRule[];
  /** @default - no binding (add one later with `bind()`) */
  readonly subjects?: readonly RoleSubject[];
  /**
   * Emit a ClusterRole instead of a Role. It is still bound with a RoleBinding in `namespace` unless
   * `clusterWideBinding` is set too.
   * @default false
   */
  readonly clusterRole?: boolean;
  /** Bind the ClusterRole with a ClusterRoleBinding (grants it in every namespace). @default false */
  readonly clusterWideBinding?: boolean;
  /** Escape hatch: risky grants that are accepted, each with a reason. @default - none */
  readonly acceptRisks?: readonly AcceptedRisk[];
}

/** One risk found in one rule. */
export interface RbacRiskFinding {
  readonly risk: RbacRisk;
  /** Index of the rule in `rules`; undefined for a risk of the binding as a whole. */
  readonly rule?: number;
  /** True when the finding is about the binding (the annotation goes on the binding). */
  readonly onBinding: boolean;
  /** Why it is risky and what to do instead. */
  readonly problem: string;
  readonly fix: string;
  /** The catalogue rule's own message, e.g. `rule 0 grants verb "list" on resources ["secrets"]`. */
  readonly message: string;
}

const RBAC_GROUP = 'rbac.authorization.k8s.io';

/** What each risk means for the user, and the safe alternative. */
const RISK_TEXT: Record<RbacRisk, { problem: string; fix: string }> = {
  'rbac-wildcard': { problem: 'uses "*", which grants every current and future resource, group or verb it matches', fix: 'list the exact apiGroup, resource and verbs the workload needs' },
  'rbac-escalate': { problem: 'grants "escalate", which lets the holder write roles with permissions it does not have', fix: 'remove escalate; let an administrator grant the needed permissions directly' },
  'rbac-bind': { problem: 'grants "bind", which lets the holder bind any role (cluster-admin included) to itself', fix: 'remove bind; create the bindings in the deployment pipeline instead' },
  'rbac-impersonate': { problem: 'grants "impersonate", which lets the holder act as another user, group or ServiceAccount', fix: 'remove impersonate; grant the needed permissions to the subject itself' },
  'rbac-secrets-read': { problem: 'reads Secrets (list and watch return their contents too), including other ServiceAccounts\' credentials', fix: 'mount the one Secret the workload needs as a volume instead of reading it through the API' },
  'rbac-pods-exec-attach': { problem: 'allows exec/attach (or ephemeral containers) into pods, i.e. running commands with their identity and secrets', fix: 'remove it; debug under a separate, audited role' },
  'rbac-pods-portforward': { problem: 'allows port-forwarding or the pod/service proxy, which bypass NetworkPolicy', fix: 'remove it; expose what is needed through a Service and a network rule' },
  'rbac-nodes-proxy': { problem: 'allows nodes/proxy, i.e. the kubelet API: command execution in every pod of the node, bypassing audit and admission', fix: 'remove nodes/proxy; read metrics through the metrics API' },
  'rbac-sa-token-create': { problem: 'creates tokens for existing ServiceAccounts, i.e. borrows their permissions', fix: 'remove serviceaccounts/token; give the workload its own ServiceAccount and a projected token' },
  'rbac-workload-create': { problem: 'creates or changes pods or pod controllers, which can run as any ServiceAccount and mount any Secret of the namespace', fix: 'remove create/update/patch on workloads; let the deployment pipeline manage them' },
  'rbac-csr-approval': { problem: 'approves certificate signing requests, which can mint client certificates for any user', fix: 'remove CSR approval; leave it to the cluster\'s approver' },
  'rbac-webhook-config-write': { problem: 'writes admission webhook configurations, which see (and can rewrite or wave through) every admitted object', fix: 'remove the write verbs; manage webhooks from the cluster\'s platform pipeline' },
  'rbac-namespace-modify': { problem: 'modifies namespaces, e.g. relabelling them out of Pod Security "restricted" or out of a network rule', fix: 'remove update/patch on namespaces' },
  'rbac-pv-create': { problem: 'creates PersistentVolumes, including hostPath volumes that expose the node\'s filesystem', fix: 'remove create on persistentvolumes; use PersistentVolumeClaims with a StorageClass' },
  'rbac-cluster-admin-binding': { problem: 'grants "*" verbs on "*" resources in "*" groups, so binding it is binding cluster-admin', fix: 'list the exact apiGroup, resource and verbs the subjects need' },
  'rbac-cluster-scope': { problem: 'binds with a ClusterRoleBinding a role whose rules are all namespaced, granting them in every namespace (kube-system included)', fix: 'drop clusterWideBinding: a RoleBinding grants the same in the namespace that needs it' },
};

function toPolicyRule(rule: RoleRule): k8s.PolicyRule {
  return {
    apiGroups: [rule.apiGroup],
    resources: [rule.resource],
    verbs: [...new Set(rule.verbs as readonly string[])],
    ...(rule.resourceNames?.length ? { resourceNames: [...rule.resourceNames] } : {}),
  };
}

let riskRules: readonly Rule[] | undefined;

/**
 * The escalation paths `rules` open, exactly as the rbac-* rules of the catalogue report them: the construct runs
 * those rules on the role (and a binding to it) it is about to emit, so construction and synth never disagree. A
 * ClusterRole is judged as one: cluster-scoped grants (nodes/proxy, CSR approval, webhooks, PersistentVolumes)
 * only count there.
 */
export function rbacRisks(rules: readonly RoleRule[], options: {
  readonly clusterRole?: boolean;
  readonly clusterWideBinding?: boolean;
} = {}): RbacRiskFinding[] {
  riskRules ??= ALL_RULES.filter((r) => (RBAC_RISKS as readonly string[]).includes(r.id));
  const clusterRole = options.clusterRole === true;
  const clusterBinding = clusterRole && options.clusterWideBinding === true;
  const role = {
    apiVersion: `${RBAC_GROUP}/v1`,
    kind: clusterRole ? 'ClusterRole' : 'Role',
    metadata: { name: 'candidate', ...(clusterRole ? {} : { namespace: 'candidate' }) },
    rules: rules.map((r) => k8s.toJson_PolicyRule(toPolicyRule(r))),
  };
  const binding = {
    apiVersion: `${RBAC_GROUP}/v1`,
    kind: clusterBinding ? 'ClusterRoleBinding' : 'RoleBinding',
    metadata: { name: 'candidate', ...(clusterBinding ? {} : { namespace: 'candidate' }) },
    roleRef: { apiGroup: RBAC_GROUP, kind: role.kind, name: 'candidate' },
    subjects: [{ apiGroup: RBAC_GROUP, kind: 'User', name: 'candidate' }],
  };
  const out: RbacRiskFinding[] = [];
  for (const finding of evaluate([{ object: role }, { object: binding }], riskRules)) {
    const risk = finding.ruleId as RbacRisk;
    if (!(RBAC_RISKS as readonly string[]).includes(risk)) {
      continue;
    }
    const onBinding = finding.object.kind === binding.kind;
    const match = onBinding ? /\brule (\d+)\b/.exec(finding.message) : /^rules\[(\d+)\]/.exec(finding.path);
    const rule = match ? Number(match[1]) : undefined;
    if (!out.some((f) => f.risk === risk && f.rule === rule)) {
      out.push({ risk, rule, onBinding, problem: RISK_TEXT[risk].problem, fix: RISK_TEXT[risk].fix, message: finding.message });
    }
  }
  return out.sort((a, b) => (a.rule ?? -1) - (b.rule ?? -1));
}

const VERB = /^([a-z]+|\*)$/;
const RESOURCE = /^([a-z][a-z0-9.-]*|\*)(\/([a-z][a-z0-9.-]*|\*))?$/;
const GROUP = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?|\*)?$/;

/**
 * A Role (or, by option, a ClusterRole) with typed rules and its binding. Wildcards and the privilege-escalation
 * paths of the Kubernetes "RBAC good practices" are refused at construction unless the caller accepts them with
 * a reason, which is written on the role as a suppression annotation for the matching rule id.
 */
export class LeastPrivilegeRole extends Construct {
  readonly name: string;
  /** The namespace of the Role / RoleBinding (undefined only for a ClusterRole with a cluster-wide binding). */
  readonly namespace?: string;
  /** The Role or ClusterRole. */
  readonly apiObject: ApiObject;
  /** The RoleBinding or ClusterRoleBinding, once there is a subject. */
  binding?: ApiObject;
  private readonly refuse: Refuse;
  private readonly props: LeastPrivilegeRoleProps;
  private readonly subjects: k8s.Subject[] = [];
  /** Accepted risks that the rules report on the binding: annotated there when it is created. */
  private readonly bindingSuppressions: Array<[string, string]> = [];

  constructor(scope: Construct, id: string, props: LeastPrivilegeRoleProps) {
    super(scope, id);
    const refuse = new Refuse('LeastPrivilegeRole', id, scope);
    this.refuse = refuse;
    this.props = props;
    this.name = checkDnsLabel(refuse, 'name', props.name ?? id, 253);
    if (props.clusterWideBinding && !props.clusterRole) {
      throw refuse.error('clusterWideBinding', 'clusterWideBinding needs clusterRole: true', 'set clusterRole: true as well, or drop clusterWideBinding to keep the grant in one namespace');
    }
    const clusterWide = props.clusterRole === true && props.clusterWideBinding === true;
    this.namespace = clusterWide
      ? (props.namespace ?? Chart.of(this).namespace)
      : resolveNamespace(this, refuse, props.namespace);
    const labels = checkLabels(refuse, 'labels', props.labels);

    if (!Array.isArray(props.rules) || props.rules.length === 0) {
      throw refuse.error('rules', 'rules is empty', 'list the permissions, e.g. [{ apiGroup: "", resource: "pods", verbs: ["get", "list", "watch"] }]');
    }
    props.rules.forEach((rule, i) => {
      const where = `rules[${i}]`;
      if (typeof rule.apiGroup !== 'string' || !GROUP.test(rule.apiGroup)) {
        throw refuse.error(`${where}.apiGroup`, `${where}.apiGroup "${String(rule.apiGroup)}" is not an API group`, 'use "" for the core group, or e.g. "apps"');
      }
      if (typeof rule.resource !== 'string' || !RESOURCE.test(rule.resource)) {
        throw refuse.error(`${where}.resource`, `${where}.resource "${String(rule.resource)}" is not a resource name`, 'use the plural lower-case resource, e.g. "pods" or "pods/log"');
      }
      const verbs: readonly string[] = Array.isArray(rule.verbs) ? rule.verbs : [];
      if (verbs.length === 0 || verbs.some((v) => typeof v !== 'string' || !VERB.test(v))) {
        throw refuse.error(`${where}.verbs`, `${where}.verbs must list lower-case verbs`, 'e.g. ["get", "list", "watch"]');
      }
    });
    const rules = props.rules.map(toPolicyRule);

    const accepted = new Map<string, string>();
    (props.acceptRisks ?? []).forEach((a, i) => {
      if (!(RBAC_RISKS as readonly string[]).includes(a.risk)) {
        throw refuse.error(`acceptRisks[${i}].risk`, `"${String(a.risk)}" is not a risk this construct checks`, `use one of ${RBAC_RISKS.join(', ')}`);
      }
      accepted.set(a.risk, a.reason);
    });
    const risks = rbacRisks(props.rules, { clusterRole: props.clusterRole, clusterWideBinding: props.clusterWideBinding });
    for (const r of risks) {
      if (!accepted.has(r.risk)) {
        const where = r.rule === undefined ? (r.risk === 'rbac-cluster-scope' ? 'clusterWideBinding' : 'rules') : `rules[${r.rule}]`;
        const what = r.rule === undefined ? where : `${where} (${describe(props.rules[r.rule])})`;
        throw refuse.error(where, `${what} ${r.problem} (${r.risk})`,
          `${r.fix}; if it is truly needed, add acceptRisks: [{ risk: '${r.risk}', reason: '<why>' }]`);
      }
    }
    for (const risk of accepted.keys()) {
      if (!risks.some((r) => r.risk === risk)) {
        throw refuse.error('acceptRisks', `acceptRisks lists ${risk}, but no rule needs it`, 'remove the unused acceptance so the manifest does not claim an exception it does not use');
      }
    }

    this.apiObject = emit(this, 'Resource', {
      apiVersion: `${RBAC_GROUP}/v1`,
      kind: props.clusterRole ? 'ClusterRole' : 'Role',
      name: this.name,
      ...(props.clusterRole ? {} : { namespace: this.namespace }),
      labels,
      annotations: props.annotations,
      body: { rules: rules.map((r) => k8s.toJson_PolicyRule(r)) },
      clusterScoped: props.clusterRole === true,
    });
    for (const [risk, reason] of accepted) {
      if (BINDING_RISKS.includes(risk)) {
        this.bindingSuppressions.push([risk, reason]);
      } else {
        annotateSuppression(refuse, this.apiObject, risk, reason);
      }
    }
    if (props.subjects?.length) {
      this.bind(...props.subjects);
    }
  }

  /** Grants the role to more subjects (creates the binding on first use). */
  bind(...subjects: RoleSubject[]): this {
    for (const subject of subjects) {
      this.subjects.push(this.subject(subject, this.subjects.length));
    }
    if (!this.binding && this.subjects.length) {
      const clusterWide = this.props.clusterWideBinding === true;
      const roleRef: k8s.RoleRef = { apiGroup: RBAC_GROUP, kind: this.props.clusterRole ? 'ClusterRole' : 'Role', name: this.name };
      this.binding = emit(this, 'Binding', {
        apiVersion: `${RBAC_GROUP}/v1`,
        kind: clusterWide ? 'ClusterRoleBinding' : 'RoleBinding',
        name: this.name,
        ...(clusterWide ? {} : { namespace: this.namespace }),
        labels: this.props.labels,
        body: { roleRef: k8s.toJson_RoleRef(roleRef), subjects: this.subjects },
        clusterScoped: clusterWide,
      });
      for (const [risk, reason] of this.bindingSuppressions) {
        annotateSuppression(this.refuse, this.binding, risk, reason);
      }
    }
    return this;
  }

  private subject(subject: RoleSubject, index: number): k8s.Subject {
    const where = `subjects[${index}]`;
    if ('serviceAccountName' in subject) {
      return this.subject({ kind: 'ServiceAccount', name: subject.serviceAccountName, namespace: subject.namespace }, index);
    }
    if (typeof subject.name !== 'string' || subject.name === '') {
      throw this.refuse.error(`${where}.name`, `${where}.name is empty`, 'name the subject');
    }
    if (subject.kind === 'ServiceAccount') {
      const namespace = subject.namespace ?? this.namespace;
      if (namespace === undefined) {
        throw this.refuse.error(`${where}.namespace`, `${where} has no namespace`, 'give the ServiceAccount\'s namespace');
      }
      if (subject.name === 'default') {
        throw this.refuse.error(`${where}.name`, 'binds the namespace\'s "default" ServiceAccount, which every pod that names no ServiceAccount runs as',
          'bind the workload\'s own ServiceAccount (Secure* constructs emit one)');
      }
      return { kind: 'ServiceAccount', name: checkDnsLabel(this.refuse, `${where}.name`, subject.name, 253), namespace };
    }
    if (subject.kind === 'Group' && subject.name.startsWith('system:')) {
      throw this.refuse.error(`${where}.name`, `binds the system group "${subject.name}", which holds many or all identities of the cluster (even anonymous ones)`,
        'bind a specific ServiceAccount, User or team Group');
    }
    if (subject.kind === 'User' && subject.name === 'system:anonymous') {
      throw this.refuse.error(`${where}.name`, 'binds system:anonymous, i.e. every unauthenticated request', 'bind a specific ServiceAccount, User or team Group');
    }
    if (subject.kind !== 'User' && subject.kind !== 'Group') {
      throw this.refuse.error(`${where}.kind`, `${where}.kind "${String((subject as { kind: unknown }).kind)}" is unknown`, 'use ServiceAccount, User or Group');
    }
    return { apiGroup: RBAC_GROUP, kind: subject.kind, name: subject.name };
  }
}

function describe(rule: RoleRule): string {
  return `${rule.verbs.join(',')} on ${rule.apiGroup === '' ? '' : `${rule.apiGroup}/`}${rule.resource}`;
}
