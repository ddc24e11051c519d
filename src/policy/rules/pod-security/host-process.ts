import { everyPod, is, not, podAndContainers, SC } from '../cel';
import { securityContexts, podRule } from '../../define';
import { field, objectField } from '../../json';

/** PSS baseline "HostProcess" (PSA check windowsHostProcess). */
export const hostProcess = podRule({
  id: 'pss-baseline-host-process',
  title: 'Windows HostProcess containers are forbidden',
  severity: 'error',
  profiles: ['pss-baseline', 'pss-restricted', 'hardened'],
  description: 'A Windows HostProcess container runs directly on the host with the privileges of the node, '
    + 'outside any container isolation. Pod Security Standards (baseline) forbid securityContext.windowsOptions.hostProcess: true '
    + 'on the pod and on every container.',
  remediation: 'Remove securityContext.windowsOptions.hostProcess or set it to false on the pod and every container.',
  docsUrl: 'https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline',
  admission: {
    target: 'pods',
    get expression() {
      return everyPod((pod) => podAndContainers(`${pod}.spec`,
        (b) => not(is(b, [SC, 'windowsOptions', 'hostProcess'], 'true'))));
    },
  },
}, (pod) => securityContexts(pod)
  .filter((h) => field(objectField(h.securityContext, 'windowsOptions'), 'hostProcess') === true)
  .map((h) => ({
    path: [...h.path, 'windowsOptions', 'hostProcess'],
    message: `${h.who} sets securityContext.windowsOptions.hostProcess to true`,
  })));
