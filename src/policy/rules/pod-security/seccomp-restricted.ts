import { and, everyContainer, everyPod, isWindows, not, or, present, SC, select } from '../cel';
import { isSet, podRule } from '../../define';
import { field, objectField, show } from '../../json';
import { Violation } from '../../rule';
import { allowedSeccomp, celAllowedSeccomp } from './seccomp';

function typeOf(securityContext: unknown): string {
  return show(field(objectField(securityContext, 'seccompProfile'), 'type') ?? '');
}

/**
 * PSS restricted "Seccomp" (PSA check seccompProfile_restricted, v1.25+; replaces the baseline seccomp check).
 * The pod may set an allowed type for all its containers; a container that sets a bad type still fails.
 */
export const seccompRestricted = podRule({
  id: 'pss-restricted-seccomp',
  title: 'Seccomp must be RuntimeDefault or Localhost',
  severity: 'error',
  profiles: ['pss-restricted', 'hardened'],
  overrides: ['pss-baseline-seccomp'],
  description: 'Without a seccomp profile a container can make every system call the kernel offers, including the rare '
    + 'ones behind most container escapes. Pod Security Standards (restricted) require '
    + 'securityContext.seccompProfile.type RuntimeDefault or Localhost on the pod or on every container, and no container '
    + 'may set another type; pods with spec.os.name: windows are exempt.',
  remediation: 'Set spec.securityContext.seccompProfile.type: RuntimeDefault on the pod.',
  docsUrl: 'https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted',
  admission: {
    target: 'pods',
    // The pod may set an allowed type for all containers; a container that sets a type must use an allowed one.
    get expression() {
      return everyPod((pod) => {
        const spec = `${pod}.spec`;
        const podSet = present(spec, SC, 'seccompProfile');
        const podOk = and(podSet, celAllowedSeccomp(select(spec, SC, 'seccompProfile')));
        return or(isWindows(spec), and(
          or(not(podSet), podOk),
          everyContainer(spec, (c) => `(${present(c, SC, 'seccompProfile')} ? ${celAllowedSeccomp(select(c, SC, 'seccompProfile'))} : ${podOk})`),
        ));
      });
    },
  },
}, (pod) => {
  if (pod.windows) {
    return [];
  }
  const out: Violation[] = [];
  const podProfile = field(pod.securityContext, 'seccompProfile');
  const podOk = isSet(podProfile) && allowedSeccomp(podProfile);
  if (isSet(podProfile) && !podOk) {
    out.push({
      path: [...pod.specPath, 'securityContext', 'seccompProfile', 'type'],
      message: `pod sets securityContext.seccompProfile.type to ${typeOf(pod.securityContext)}`,
    });
  }
  for (const c of pod.containers) {
    const profile = field(c.securityContext, 'seccompProfile');
    if (isSet(profile) && !allowedSeccomp(profile)) {
      out.push({
        path: [...c.path, 'securityContext', 'seccompProfile', 'type'],
        message: `container "${c.name}" sets securityContext.seccompProfile.type to ${typeOf(c.securityContext)}`,
      });
    } else if (!isSet(profile) && !podOk) {
      out.push({
        path: [...c.path, 'securityContext', 'seccompProfile'],
        message: `container "${c.name}" has no seccompProfile, and the pod sets no RuntimeDefault or Localhost profile`,
      });
    }
  }
  return out;
});
