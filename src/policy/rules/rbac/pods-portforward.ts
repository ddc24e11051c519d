import { grantRule } from './rbac';

/** pods/portforward and the pods/proxy, services/proxy subresources: reaching pod ports through the API server. */
export const podsPortforward = grantRule({
  id: 'rbac-pods-portforward',
  title: 'Roles should not grant port-forward or proxy to pods',
  severity: 'warning',
  profiles: ['hardened'],
  description: 'pods/portforward (create, or get for the WebSocket GET) tunnels a connection through the API server '
    + 'to any port of a pod, including ports bound to localhost and ports every NetworkPolicy denies; pods/proxy '
    + 'and services/proxy (any verb) do the same for HTTP. That bypasses network isolation but gives no code '
    + 'execution and no identity, so it is a warning: the harm depends on what the reached port serves. Only '
    + 'Kubescape (C-0063) checks port-forward; no checker looks at the proxy subresources. '
    + 'See "Use Port Forwarding to Access Applications in a Cluster" and the RBAC reference.',
  remediation: 'Remove the rules[] entry whose apiGroups and resources cover pods/portforward, pods/proxy or services/proxy; reach the application through a Service that a NetworkPolicy admits instead.',
  docsUrl: 'https://kubernetes.io/docs/tasks/access-application-cluster/port-forward-access-application-cluster/',
}, [
  { group: '', resource: 'pods/portforward', verbs: ['create', 'get'] },
  { group: '', resource: 'pods/proxy', verbs: 'any' },
  { group: '', resource: 'services/proxy', verbs: 'any' },
]);
