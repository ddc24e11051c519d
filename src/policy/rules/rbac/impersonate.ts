import { grantRule } from './rbac';

/** The `impersonate` verb on users, groups, serviceaccounts, uids and userextras (RBAC good practices). */
export const impersonate = grantRule({
  id: 'rbac-impersonate',
  title: 'Roles must not grant the impersonate verb',
  severity: 'error',
  profiles: ['hardened'],
  description: 'The impersonate verb lets a subject send requests as another user, group, ServiceAccount, UID or '
    + 'user extra (Impersonate-User, Impersonate-Group headers) and so act with every permission of the identity it '
    + 'picks: impersonating group system:masters bypasses RBAC entirely. The Kubernetes RBAC good practices list it '
    + 'as a privilege escalation risk. Checked on users, groups and serviceaccounts (core group) and uids and '
    + 'userextras/<key> (authentication.k8s.io), including through "*" verbs, resources or apiGroups; a namespaced Role '
    + 'can only grant it on serviceaccounts. Kyverno only checks it on roles and Trivy only with apiGroups "*".',
  remediation: 'Remove "impersonate" (and "*") from the verbs of the rules[] entry whose apiGroups and resources cover users, groups, serviceaccounts, uids or userextras.',
  docsUrl: 'https://kubernetes.io/docs/concepts/security/rbac-good-practices/#impersonate-verb',
}, [
  { group: '', resource: 'users', verbs: ['impersonate'], clusterOnly: true },
  { group: '', resource: 'groups', verbs: ['impersonate'], clusterOnly: true },
  { group: '', resource: 'serviceaccounts', verbs: ['impersonate'] },
  { group: 'authentication.k8s.io', resource: 'uids', verbs: ['impersonate'], clusterOnly: true },
  { group: 'authentication.k8s.io', resource: 'userextras/*', verbs: ['impersonate'], clusterOnly: true },
]);
