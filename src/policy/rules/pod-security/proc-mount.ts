import { everyContainer, everyPod, SC, unsetOr } from '../cel';
import { containerRule, isSet } from '../../define';
import { field, show } from '../../json';

/** PSS baseline "/proc Mount Type" (PSA check procMount). */
export const procMount = containerRule({
  id: 'pss-baseline-proc-mount',
  title: 'The /proc mount must keep its default masks',
  severity: 'error',
  profiles: ['pss-baseline', 'pss-restricted', 'hardened'],
  description: 'procMount: Unmasked exposes the host\'s /proc paths that the runtime normally masks (kernel memory, '
    + 'sysrq, timers). Pod Security Standards (baseline, v1.28) require securityContext.procMount to be unset or '
    + 'Default on every container.',
  remediation: 'Remove securityContext.procMount from the container or set it to Default.',
  docsUrl: 'https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline',
  admission: {
    target: 'pods',
    get expression() {
      return everyPod((pod) => everyContainer(`${pod}.spec`,
        (c) => unsetOr(c, [SC, 'procMount'], (v) => `${v} == 'Default'`)));
    },
  },
}, (c) => {
  const value = field(c.securityContext, 'procMount');
  return isSet(value) && value !== 'Default'
    ? [{ path: [...c.path, 'securityContext', 'procMount'], message: `container "${c.name}" sets securityContext.procMount to ${show(value)}` }]
    : [];
});
