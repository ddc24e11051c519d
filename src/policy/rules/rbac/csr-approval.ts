import { grantRule } from './rbac';

/** Approving CertificateSigningRequests (RBAC good practices: "CSRs and certificate issuing"). */
export const csrApproval = grantRule({
  id: 'rbac-csr-approval',
  title: 'Roles must not grant approving certificate signing requests',
  severity: 'error',
  profiles: ['hardened'],
  description: 'A subject that can update (or patch) certificatesigningrequests/approval and approve for a signer '
    + 'can have the cluster sign any certificate that signer issues; for kubernetes.io/kube-apiserver-client that is '
    + 'a client certificate with any user and group name, system:masters included. The Kubernetes RBAC good '
    + 'practices list it as a privilege escalation risk. Each half is reported on its own (another role may hold '
    + 'the other): update, patch or "*" on certificatesigningrequests/approval, and approve or "*" on signers '
    + '(certificates.k8s.io), resourceNames or not. Kyverno and Checkov (CKV_K8S_156) flag it too.',
  remediation: 'Remove update, patch and "*" on certificatesigningrequests/approval, and approve on signers, from the rules[] entry with apiGroups certificates.k8s.io; leave CSR approval to the cluster\'s own approvers.',
  docsUrl: 'https://kubernetes.io/docs/concepts/security/rbac-good-practices/#csrs-and-certificate-issuing',
}, [
  { group: 'certificates.k8s.io', resource: 'certificatesigningrequests/approval', verbs: ['update', 'patch'], clusterOnly: true },
  { group: 'certificates.k8s.io', resource: 'signers', verbs: ['approve'], clusterOnly: true },
]);
