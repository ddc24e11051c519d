/**
 * What `cdk8s-hardened audit` reads from a cluster: one list, from which both the `kubectl get` resource list and
 * the read-only ClusterRole of `ClusterAuditCronJob` are derived (so the role grants exactly what the audit reads).
 */
export interface AuditedKind {
  /** The object's kind, e.g. `Deployment`. */
  readonly kind: string;
  /** The API group (`''` for the core group). */
  readonly group: string;
  /** The plural resource name RBAC and kubectl use, e.g. `deployments`. */
  readonly resource: string;
  /** Whether objects of the kind live in a namespace. */
  readonly namespaced: boolean;
  /** Whether the kind carries a pod template (or is a Pod). */
  readonly podBearing: boolean;
}

const kind = (k: string, group: string, resource: string, namespaced: boolean, podBearing: boolean): AuditedKind =>
  ({ kind: k, group, resource, namespaced, podBearing });

/** Every kind the audit reads, in the order it reports them (namespaces and RBAC first, as the GitOps tree orders them). */
export const AUDITED_KINDS: readonly AuditedKind[] = [
  kind('Namespace', '', 'namespaces', false, false),
  kind('ClusterRole', 'rbac.authorization.k8s.io', 'clusterroles', false, false),
  kind('ClusterRoleBinding', 'rbac.authorization.k8s.io', 'clusterrolebindings', false, false),
  kind('Role', 'rbac.authorization.k8s.io', 'roles', true, false),
  kind('RoleBinding', 'rbac.authorization.k8s.io', 'rolebindings', true, false),
  kind('NetworkPolicy', 'networking.k8s.io', 'networkpolicies', true, false),
  kind('Service', '', 'services', true, false),
  kind('Deployment', 'apps', 'deployments', true, true),
  kind('ReplicaSet', 'apps', 'replicasets', true, true),
  kind('StatefulSet', 'apps', 'statefulsets', true, true),
  kind('DaemonSet', 'apps', 'daemonsets', true, true),
  kind('ReplicationController', '', 'replicationcontrollers', true, true),
  kind('CronJob', 'batch', 'cronjobs', true, true),
  kind('Job', 'batch', 'jobs', true, true),
  kind('Pod', '', 'pods', true, true),
];

/** The verbs the audit needs on each kind: it lists them (and get is what `kubectl get NAME` would use). */
export const AUDIT_VERBS = ['get', 'list'] as const;

/**
 * The resource argument of `kubectl get`: every kind fully qualified (`deployments.apps`), so a custom resource
 * with the same plural name in another group is never read instead.
 */
export function kubectlResources(kinds: readonly AuditedKind[] = AUDITED_KINDS): string {
  return kinds.map((k) => (k.group ? `${k.resource}.${k.group}` : k.resource)).join(',');
}

/** What the audit passes through to kubectl. */
export interface KubectlTarget {
  /** `--context`: a context of the kubeconfig. @default - the kubeconfig's current context */
  readonly context?: string;
  /** `--kubeconfig`: the kubeconfig file. @default - kubectl's own choice ($KUBECONFIG, ~/.kube/config, in-cluster) */
  readonly kubeconfig?: string;
  /** `--namespace`: read only this namespace (cluster-scoped kinds are still read). @default - every namespace */
  readonly namespace?: string;
  /** `--request-timeout` of kubectl, e.g. `60s`. */
  readonly requestTimeout?: string;
}

/** The kubeconfig flags kubectl is given, in a fixed order. */
export function kubectlConnectionArgs(target: KubectlTarget): string[] {
  return [
    ...(target.kubeconfig !== undefined ? ['--kubeconfig', target.kubeconfig] : []),
    ...(target.context !== undefined ? ['--context', target.context] : []),
    ...(target.requestTimeout !== undefined ? ['--request-timeout', target.requestTimeout] : []),
  ];
}

/** The argument vector of the one `kubectl get` the audit runs. */
export function kubectlGetArgs(target: KubectlTarget): string[] {
  return [
    ...kubectlConnectionArgs(target),
    'get', kubectlResources(),
    ...(target.namespace !== undefined ? ['--namespace', target.namespace] : ['--all-namespaces']),
    '--output', 'json',
  ];
}
