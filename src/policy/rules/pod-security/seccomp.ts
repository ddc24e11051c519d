import { everyPod, podAndContainers, SC, strList, unsetOr, whenSet } from '../cel';
import { isSet, podRule, securityContexts } from '../../define';
import { field, objectField, show } from '../../json';

/** The seccomp profile types that keep syscall filtering on. */
export const ALLOWED_SECCOMP_TYPES: ReadonlySet<string> = new Set(['RuntimeDefault', 'Localhost']);

/** True when a seccompProfile object names an allowed type. */
export function allowedSeccomp(profile: unknown): boolean {
  const type = field(profile, 'type');
  return typeof type === 'string' && ALLOWED_SECCOMP_TYPES.has(type);
}

/** CEL: a seccompProfile object that names RuntimeDefault or Localhost. */
export function celAllowedSeccomp(profile: string): string {
  return whenSet(profile, ['type'], (type) => `${type} in ${strList(ALLOWED_SECCOMP_TYPES)}`);
}

/** PSS baseline "Seccomp" (PSA check seccompProfile_baseline, v1.19+ semantics: the field, not annotations). */
export const seccompBaseline = podRule({
  id: 'pss-baseline-seccomp',
  title: 'Seccomp may not be set to Unconfined',
  severity: 'error',
  profiles: ['pss-baseline', 'pss-restricted', 'hardened'],
  description: 'A seccomp profile of Unconfined lets the container make every system call, the widest kernel attack '
    + 'surface. Pod Security Standards (baseline) allow securityContext.seccompProfile.type, where it is set on the '
    + 'pod or a container, to be only RuntimeDefault or Localhost.',
  remediation: 'Set securityContext.seccompProfile.type to RuntimeDefault (or Localhost with a localhostProfile).',
  docsUrl: 'https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline',
  admission: {
    target: 'pods',
    get expression() {
      return everyPod((pod) => podAndContainers(`${pod}.spec`, (b) => unsetOr(b, [SC, 'seccompProfile'], celAllowedSeccomp)));
    },
  },
}, (pod) => securityContexts(pod).flatMap((h) => {
  const profile = field(h.securityContext, 'seccompProfile');
  return isSet(profile) && !allowedSeccomp(profile) ? [{
    path: [...h.path, 'seccompProfile', 'type'],
    message: `${h.who} sets securityContext.seccompProfile.type to ${show(field(objectField(h.securityContext, 'seccompProfile'), 'type') ?? '')}`,
  }] : [];
}));
