import { and, everyPod, podAndContainers, SC, strList, unsetOr } from '../cel';
import { podRule, securityContexts } from '../../define';
import { field, objectField, show } from '../../json';
import { Violation } from '../../rule';

/** The SELinux types baseline allows at policy version 1.28 (container_engine_t arrives in 1.31). */
export const ALLOWED_SELINUX_TYPES: ReadonlySet<string> = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t']);

/** PSS baseline "SELinux" (PSA check seLinuxOptions). */
export const selinux = podRule({
  id: 'pss-baseline-selinux',
  title: 'SELinux options may not set a custom user, role or type',
  severity: 'error',
  profiles: ['pss-baseline', 'pss-restricted', 'hardened'],
  description: 'A custom SELinux user, role or type can lift the confinement the container runtime applies. Pod Security '
    + 'Standards (baseline, v1.28) allow seLinuxOptions.type to be only empty, container_t, container_init_t or '
    + 'container_kvm_t, and forbid seLinuxOptions.user and seLinuxOptions.role, on the pod and every container.',
  remediation: 'Remove seLinuxOptions.user and seLinuxOptions.role and set seLinuxOptions.type to container_t (or remove it).',
  docsUrl: 'https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline',
  admission: {
    target: 'pods',
    get expression() {
      return everyPod((pod) => podAndContainers(`${pod}.spec`, (b) => unsetOr(b, [SC, 'seLinuxOptions'], (o) => and(
        unsetOr(o, ['type'], (t) => `${t} in ${strList(ALLOWED_SELINUX_TYPES)}`),
        unsetOr(o, ['user'], (u) => `${u} == ''`),
        unsetOr(o, ['role'], (r) => `${r} == ''`),
      ))));
    },
  },
}, (pod) => securityContexts(pod).flatMap((h) => {
  const options = objectField(h.securityContext, 'seLinuxOptions');
  if (!options) {
    return [];
  }
  const out: Violation[] = [];
  const type = field(options, 'type') ?? '';
  if (typeof type !== 'string' || !ALLOWED_SELINUX_TYPES.has(type)) {
    out.push({ path: [...h.path, 'seLinuxOptions', 'type'], message: `${h.who} sets seLinuxOptions.type to ${show(type)}` });
  }
  for (const key of ['user', 'role']) {
    const value = field(options, key);
    if (value !== undefined && value !== null && value !== '') {
      out.push({ path: [...h.path, 'seLinuxOptions', key], message: `${h.who} sets seLinuxOptions.${key} to ${show(value)}` });
    }
  }
  return out;
}));
