import { grantRule } from './rbac';

/** update or patch on namespaces (RBAC good practices: "Namespace modification"). */
export const namespaceModify = grantRule({
  id: 'rbac-namespace-modify',
  title: 'Roles must not grant modifying Namespaces',
  severity: 'error',
  profiles: ['hardened'],
  description: 'Labels on a Namespace drive Pod Security Admission (pod-security.kubernetes.io/enforce) and the '
    + 'namespaceSelectors of NetworkPolicies, so whoever may update or patch the Namespace can switch its pods to '
    + 'privileged, or move it into a set of namespaces another tenant\'s policy admits. The Kubernetes RBAC good '
    + 'practices list it as a privilege escalation risk, reachable even through a RoleBinding (a Namespace is '
    + 'authorized in its own namespace). Reported for update, patch and "*", including through "*" resources or '
    + 'apiGroups. No common checker looks for it.',
  remediation: 'Remove update, patch and "*" from the verbs of the rules[] entry whose apiGroups and resources cover namespaces; manage Namespace labels from the platform pipeline.',
  docsUrl: 'https://kubernetes.io/docs/concepts/security/rbac-good-practices/#namespace-modification',
}, [
  { group: '', resource: 'namespaces', verbs: ['update', 'patch'] },
]);
