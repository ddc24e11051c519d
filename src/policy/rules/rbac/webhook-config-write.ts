import { grantRule } from './rbac';

const GROUP = 'admissionregistration.k8s.io';
const WRITE = ['create', 'update', 'patch', 'delete', 'deletecollection'];

/** Writes to admission webhook and admission policy configuration (RBAC good practices: "Control admission webhooks"). */
export const webhookConfigWrite = grantRule({
  id: 'rbac-webhook-config-write',
  title: 'Roles must not grant writes to admission configuration',
  severity: 'error',
  profiles: ['hardened'],
  description: 'Whoever controls validatingwebhookconfigurations or mutatingwebhookconfigurations decides where the '
    + 'API server sends every admitted object: a webhook of theirs reads every Secret and Pod written to the '
    + 'cluster and, if mutating, rewrites them. The Kubernetes RBAC good practices list it as a privilege '
    + 'escalation risk. Deleting or editing them, or the validatingadmissionpolicies and bindings that this project '
    + 'generates, also switches off the guard rails, so create, update, patch, delete, deletecollection and "*" '
    + 'are all reported (Kyverno, Trivy KSV-0114 and Checkov CKV_K8S_155 check the webhook configurations only).',
  remediation: 'Remove the write verbs (create, update, patch, delete, deletecollection, "*") from the rules[] entry that covers apiGroups admissionregistration.k8s.io.',
  docsUrl: 'https://kubernetes.io/docs/concepts/security/rbac-good-practices/#control-admission-webhooks',
}, [
  'validatingwebhookconfigurations',
  'mutatingwebhookconfigurations',
  'validatingadmissionpolicies',
  'validatingadmissionpolicybindings',
].map((resource) => ({ group: GROUP, resource, verbs: WRITE, clusterOnly: true })));
