import { grantRule } from './rbac';

/** create on serviceaccounts/token (RBAC good practices: "Token request"). */
export const saTokenCreate = grantRule({
  id: 'rbac-sa-token-create',
  title: 'Roles must not grant creating ServiceAccount tokens',
  severity: 'error',
  profiles: ['hardened'],
  description: 'create on serviceaccounts/token issues a TokenRequest for an existing ServiceAccount: the subject '
    + 'gets a valid token of that account, with every permission bound to it, for as long as it asks. The '
    + 'Kubernetes RBAC good practices list it as a privilege escalation risk; none of the common checkers look for '
    + 'it. Reported for create and "*", including through "*" resources or apiGroups ("serviceaccounts" alone does '
    + 'not cover the subresource).',
  remediation: 'Remove create and "*" from the verbs of the rules[] entry that covers serviceaccounts/token; let the kubelet mount projected tokens through serviceAccountName instead.',
  docsUrl: 'https://kubernetes.io/docs/concepts/security/rbac-good-practices/#token-request',
}, [
  { group: '', resource: 'serviceaccounts/token', verbs: ['create'] },
]);
