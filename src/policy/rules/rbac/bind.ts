import { grantRule, RBAC_GROUP } from './rbac';

/** The `bind` verb on roles and clusterroles (RBAC good practices: "Bind verb"). */
export const bind = grantRule({
  id: 'rbac-bind',
  title: 'Roles must not grant the bind verb',
  severity: 'error',
  profiles: ['hardened'],
  description: 'RBAC refuses to let a subject create a RoleBinding or ClusterRoleBinding to a role whose permissions '
    + 'the subject does not hold, unless it has the bind verb on that role: with it (and create on bindings), the '
    + 'subject can bind itself to any role it may bind, cluster-admin included. The Kubernetes RBAC good practices '
    + 'list it as a privilege escalation risk. The verb is authorized on roles and clusterroles, not on the bindings '
    + '(Checkov CKV_K8S_157 and CKV2_K8S_1 look for it on rolebindings and miss it); resourceNames narrow it but '
    + 'still leave the named roles bindable, so they are reported too. A "*" verb grants bind as well.',
  remediation: 'Remove "bind" (and "*") from the verbs of the rules[] entry that covers roles or clusterroles in apiGroups rbac.authorization.k8s.io.',
  docsUrl: 'https://kubernetes.io/docs/concepts/security/rbac-good-practices/#bind-verb',
}, [
  { group: RBAC_GROUP, resource: 'roles', verbs: ['bind'] },
  { group: RBAC_GROUP, resource: 'clusterroles', verbs: ['bind'] },
]);
