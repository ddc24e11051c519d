import { grantRule } from './rbac';

/** Any verb on nodes/proxy (RBAC good practices: "Access to proxy subresource of Nodes"). */
export const nodesProxy = grantRule({
  id: 'rbac-nodes-proxy',
  title: 'Roles must not grant access to nodes/proxy',
  severity: 'error',
  profiles: ['hardened'],
  description: 'nodes/proxy gives access to the kubelet API, which runs commands in every pod of the node, out of '
    + 'reach of audit logging and admission control. The Kubernetes RBAC good practices warn that the kubelet '
    + 'endpoints can be used through a WebSocket GET, so get on nodes/proxy is not read-only: every verb is '
    + 'reported, including through "*" resources or apiGroups (as Kyverno does; Trivy checks get and create, '
    + 'Checkov only create). A namespaced Role cannot grant it (nodes are cluster-scoped) and is not reported.',
  remediation: 'Remove the rules[] entry whose apiGroups and resources cover nodes/proxy; for metrics, grant get on nodes/metrics or nodes/stats instead.',
  docsUrl: 'https://kubernetes.io/docs/concepts/security/rbac-good-practices/#access-to-proxy-subresource-of-nodes',
}, [
  { group: '', resource: 'nodes/proxy', verbs: 'any', clusterOnly: true },
]);
