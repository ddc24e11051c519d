import { everyContainer, everyPod, is, not, SC } from '../cel';
import { containerRule } from '../../define';
import { field } from '../../json';

/** PSS baseline "Privileged Containers" (PSA check privileged). */
export const privileged = containerRule({
  id: 'pss-baseline-privileged',
  title: 'Privileged containers are forbidden',
  severity: 'error',
  profiles: ['pss-baseline', 'pss-restricted', 'hardened'],
  description: 'A privileged container has every capability and every host device, so a compromise of it is a compromise '
    + 'of the node. Pod Security Standards (baseline) require securityContext.privileged to be unset or false on every '
    + 'container, init container and ephemeral container.',
  remediation: 'Remove securityContext.privileged from the container or set it to false.',
  docsUrl: 'https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline',
  admission: {
    target: 'pods',
    get expression() {
      return everyPod((pod) => everyContainer(`${pod}.spec`, (c) => not(is(c, [SC, 'privileged'], 'true'))));
    },
  },
}, (c) => field(c.securityContext, 'privileged') === true
  ? [{ path: [...c.path, 'securityContext', 'privileged'], message: `container "${c.name}" sets securityContext.privileged to true` }]
  : []);
