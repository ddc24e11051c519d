import { grantRule } from './rbac';

/** Reading Secrets: get, list or watch (RBAC good practices: "Listing secrets"). */
export const secretsRead = grantRule({
  id: 'rbac-secrets-read',
  title: 'Roles must not grant read access to Secrets',
  severity: 'error',
  profiles: ['hardened'],
  description: 'Secrets hold credentials: ServiceAccount tokens, registry and database passwords, TLS keys, so reading '
    + 'them hands over the identities they belong to, in other namespaces too when granted by a ClusterRole. The '
    + 'Kubernetes RBAC good practices point out that list and watch reveal the contents just as get does (a List '
    + 'response carries every Secret in full), so all three verbs, and "*", are reported, including through "*" '
    + 'resources or apiGroups. resourceNames narrow get to named Secrets but are reported too: mount the Secret '
    + 'into the pod instead of reading it through the API. Kyverno and Trivy flag it; Checkov only for all secrets.',
  remediation: 'Remove get, list, watch and "*" from the verbs of the rules[] entry that covers secrets, and give the pod the Secret through a secret volume or env[].valueFrom.secretKeyRef instead.',
  docsUrl: 'https://kubernetes.io/docs/concepts/security/rbac-good-practices/#listing-secrets',
}, [
  { group: '', resource: 'secrets', verbs: ['get', 'list', 'watch'] },
]);
