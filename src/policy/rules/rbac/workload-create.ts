import { Grant, grantRule } from './rbac';

const WORKLOADS: ReadonlyArray<readonly [string, string]> = [
  ['', 'pods'],
  ['', 'replicationcontrollers'],
  ['apps', 'deployments'],
  ['apps', 'replicasets'],
  ['apps', 'statefulsets'],
  ['apps', 'daemonsets'],
  ['batch', 'jobs'],
  ['batch', 'cronjobs'],
];

const VERBS = ['create', 'update', 'patch'];

/**
 * Creating pods, or pod controllers, in a namespace (RBAC good practices: "Workload creation"). A warning: a
 * deployer needs it, and what it can reach is bounded by the namespace's Pod Security level (an error in
 * namespace-psa-labels) and by what its ServiceAccounts may do.
 */
export const workloadCreate = grantRule({
  id: 'rbac-workload-create',
  title: 'Roles that create workloads can act as any ServiceAccount of the namespace',
  severity: 'warning',
  profiles: ['hardened'],
  description: 'Whoever may create a Pod, or a Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob or '
    + 'ReplicationController, can run any image as any ServiceAccount of the namespace and mount its Secrets, '
    + 'ConfigMaps and volumes; update and patch give the same by rewriting a pod template or a pod\'s image. The '
    + 'Kubernetes RBAC good practices list it as a privilege escalation risk whose reach is bounded by the Pod '
    + 'Security Standard the namespace enforces. It is a warning because deployers need it: keep it to deployment '
    + 'identities, in namespaces that enforce restricted and hold no powerful ServiceAccounts. PodTemplate objects '
    + 'run nothing and are not included. Trivy (KSV-0048) also counts delete; kube-linter\'s check is off by default.',
  remediation: 'Grant create, update and patch on pods and workload resources only to deployment identities, through a RoleBinding in namespaces that set the pod-security.kubernetes.io/enforce label to "restricted".',
  docsUrl: 'https://kubernetes.io/docs/concepts/security/rbac-good-practices/#workload-creation',
}, WORKLOADS.map(([group, resource]): Grant => ({ group, resource, verbs: VERBS })));
