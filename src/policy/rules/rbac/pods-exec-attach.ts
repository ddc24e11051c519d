import { grantRule } from './rbac';

/** pods/exec, pods/attach and pods/ephemeralcontainers: running commands inside existing pods. */
export const podsExecAttach = grantRule({
  id: 'rbac-pods-exec-attach',
  title: 'Roles must not grant exec or attach into pods',
  severity: 'error',
  profiles: ['hardened'],
  description: 'pods/exec and pods/attach run commands in, or attach to, a running container: the subject gets that '
    + 'container\'s files, mounted Secrets and ServiceAccount token. The API server authorizes the connection with '
    + 'create (SPDY, POST) and, for the WebSocket GET that newer kubectl versions use, with get, so both verbs are '
    + 'reported (Polaris counts get; Trivy KSV-0053 and Checkov only create). update or patch on '
    + 'pods/ephemeralcontainers (kubectl debug) adds a container of the subject\'s choosing to a running pod, which '
    + 'is the same access, and is reported too. See "Kubelet authentication/authorization" and the RBAC good '
    + 'practices on workload creation.',
  remediation: 'Remove create, get and "*" from the verbs of the rules[] entry whose apiGroups and resources cover pods/exec or pods/attach (and update, patch and "*" for pods/ephemeralcontainers).',
  docsUrl: 'https://kubernetes.io/docs/reference/access-authn-authz/rbac/#referring-to-resources',
}, [
  { group: '', resource: 'pods/exec', verbs: ['create', 'get'] },
  { group: '', resource: 'pods/attach', verbs: ['create', 'get'] },
  { group: '', resource: 'pods/ephemeralcontainers', verbs: ['update', 'patch'] },
]);
