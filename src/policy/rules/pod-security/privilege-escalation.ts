import { everyContainer, everyPod, is, isWindows, or, SC } from '../cel';
import { containerRule } from '../../define';
import { field, show } from '../../json';

/** PSS restricted "Privilege Escalation" (PSA check allowPrivilegeEscalation, v1.25+: Windows pods exempt). */
export const privilegeEscalation = containerRule({
  id: 'pss-restricted-privilege-escalation',
  title: 'Containers must set allowPrivilegeEscalation: false',
  severity: 'error',
  profiles: ['pss-restricted', 'hardened'],
  description: 'Unless allowPrivilegeEscalation is false, a process can gain more privileges than its parent through '
    + 'setuid binaries or file capabilities (no_new_privs is off). Pod Security Standards (restricted) require every '
    + 'container to set securityContext.allowPrivilegeEscalation: false explicitly; pods with spec.os.name: windows are exempt.',
  remediation: 'Set securityContext.allowPrivilegeEscalation: false on the container.',
  docsUrl: 'https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted',
  admission: {
    target: 'pods',
    get expression() {
      return everyPod((pod) => or(isWindows(`${pod}.spec`),
        everyContainer(`${pod}.spec`, (c) => is(c, [SC, 'allowPrivilegeEscalation'], 'false'))));
    },
  },
}, (c, pod) => {
  const value = field(c.securityContext, 'allowPrivilegeEscalation');
  if (pod.windows || value === false) {
    return [];
  }
  return [{
    path: [...c.path, 'securityContext', 'allowPrivilegeEscalation'],
    message: value === undefined
      ? `container "${c.name}" does not set securityContext.allowPrivilegeEscalation to false`
      : `container "${c.name}" sets securityContext.allowPrivilegeEscalation to ${show(value)}`,
  }];
});
