import { grantRule, RBAC_GROUP } from './rbac';

/** The `escalate` verb on roles and clusterroles (RBAC good practices: "Escalate verb"). */
export const escalate = grantRule({
  id: 'rbac-escalate',
  title: 'Roles must not grant the escalate verb',
  severity: 'error',
  profiles: ['hardened'],
  description: 'RBAC refuses to let a subject create or update a Role or ClusterRole that holds permissions the subject '
    + 'does not have, unless it has the escalate verb on roles or clusterroles: with it, the subject can write itself '
    + 'any permission, up to cluster-admin. The Kubernetes RBAC good practices list it as a privilege escalation '
    + 'risk. A "*" verb grants escalate too, and is reported here as well. Kyverno, Trivy (KSV-0050) and Checkov '
    + '(CKV_K8S_158) flag it.',
  remediation: 'Remove "escalate" (and "*") from the verbs of the rules[] entry that covers roles or clusterroles in apiGroups rbac.authorization.k8s.io.',
  docsUrl: 'https://kubernetes.io/docs/concepts/security/rbac-good-practices/#escalate-verb',
}, [
  { group: RBAC_GROUP, resource: 'roles', verbs: ['escalate'] },
  { group: RBAC_GROUP, resource: 'clusterroles', verbs: ['escalate'] },
]);
