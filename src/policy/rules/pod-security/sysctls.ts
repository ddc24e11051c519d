import { allOf, everyPod, SC, strList, whenSet } from '../cel';
import { podRule } from '../../define';
import { arrayField, field, show } from '../../json';

/** The "safe" sysctls baseline allows at policy version 1.28 (1.29 adds four tcp_keepalive/fin names). */
export const ALLOWED_SYSCTLS: ReadonlySet<string> = new Set([
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.ip_local_reserved_ports',
]);

/** PSS baseline "Sysctls" (PSA check sysctls, v1.27+ list). */
export const sysctls = podRule({
  id: 'pss-baseline-sysctls',
  title: 'Only namespaced, safe sysctls may be set',
  severity: 'error',
  profiles: ['pss-baseline', 'pss-restricted', 'hardened'],
  description: 'Sysctls outside the safe set can change kernel behaviour for every pod on the node or exhaust shared '
    + 'kernel resources. Pod Security Standards (baseline, v1.28) allow spec.securityContext.sysctls[*].name to be '
    + 'only kernel.shm_rmid_forced, net.ipv4.ip_local_port_range, net.ipv4.ip_unprivileged_port_start, '
    + 'net.ipv4.tcp_syncookies, net.ipv4.ping_group_range and net.ipv4.ip_local_reserved_ports.',
  remediation: 'Remove every other name from spec.securityContext.sysctls, or set it on the node instead of the pod.',
  docsUrl: 'https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline',
  admission: {
    target: 'pods',
    get expression() {
      return everyPod((pod) => allOf(`${pod}.spec`, [SC, 'sysctls'], 'sysctl',
        (s) => whenSet(s, ['name'], (name) => `${name} in ${strList(ALLOWED_SYSCTLS)}`)));
    },
  },
}, (pod) => arrayField(pod.securityContext, 'sysctls').flatMap((sysctl, i) => {
  const name = field(sysctl, 'name');
  return typeof name === 'string' && ALLOWED_SYSCTLS.has(name) ? [] : [{
    path: [...pod.specPath, 'securityContext', 'sysctls', i, 'name'],
    message: `pod sets sysctl ${show(name ?? '')}`,
  }];
}));
