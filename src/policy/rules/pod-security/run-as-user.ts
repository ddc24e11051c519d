import { everyPod, is, not, podAndContainers, SC } from '../cel';
import { podRule, securityContexts } from '../../define';
import { field } from '../../json';

/** PSS restricted "Running as Non-root user" (PSA check runAsUser, v1.23+). */
export const runAsUser = podRule({
  id: 'pss-restricted-run-as-user',
  title: 'Containers may not set runAsUser to 0',
  severity: 'error',
  profiles: ['pss-restricted', 'hardened'],
  description: 'runAsUser: 0 runs the container as root whatever the image says. Pod Security Standards (restricted) '
    + 'forbid securityContext.runAsUser: 0 on the pod and on every container (leaving it unset is allowed).',
  remediation: 'Set securityContext.runAsUser to a non-zero UID (10000 or above avoids host UIDs), or remove it.',
  docsUrl: 'https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted',
  admission: {
    target: 'pods',
    get expression() {
      return everyPod((pod) => podAndContainers(`${pod}.spec`, (b) => not(is(b, [SC, 'runAsUser'], '0'))));
    },
  },
}, (pod) => securityContexts(pod)
  .filter((h) => field(h.securityContext, 'runAsUser') === 0)
  .map((h) => ({ path: [...h.path, 'runAsUser'], message: `${h.who} sets securityContext.runAsUser to 0` })));
