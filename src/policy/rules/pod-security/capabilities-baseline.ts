import { allOf, everyContainer, everyPod, SC, strList } from '../cel';
import { containerRule } from '../../define';
import { arrayField, objectField, show } from '../../json';

/** The capabilities a container runtime grants by default, which baseline allows to be added (exact strings). */
export const BASELINE_ALLOWED_CAPABILITIES: ReadonlySet<string> = new Set([
  'AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE',
  'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT',
]);

/** PSS baseline "Capabilities" (PSA check capabilities_baseline). */
export const capabilitiesBaseline = containerRule({
  id: 'pss-baseline-capabilities',
  title: 'Only the default capabilities may be added',
  severity: 'error',
  profiles: ['pss-baseline', 'pss-restricted', 'hardened'],
  description: 'Capabilities beyond the container runtime\'s defaults (SYS_ADMIN, NET_ADMIN, NET_RAW, SYS_PTRACE, ...) '
    + 'give a container kernel powers that lead to node compromise. Pod Security Standards (baseline) allow '
    + 'securityContext.capabilities.add to hold only AUDIT_WRITE, CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, MKNOD, '
    + 'NET_BIND_SERVICE, SETFCAP, SETGID, SETPCAP, SETUID and SYS_CHROOT.',
  remediation: 'Remove every other capability from securityContext.capabilities.add of the container.',
  docsUrl: 'https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline',
  admission: {
    target: 'pods',
    get expression() {
      return everyPod((pod) => everyContainer(`${pod}.spec`,
        (c) => allOf(c, [SC, 'capabilities', 'add'], 'cap', (cap) => `${cap} in ${strList(BASELINE_ALLOWED_CAPABILITIES)}`)));
    },
  },
}, (c) => arrayField(objectField(c.securityContext, 'capabilities'), 'add').flatMap((cap, i) =>
  typeof cap === 'string' && BASELINE_ALLOWED_CAPABILITIES.has(cap) ? [] : [{
    path: [...c.path, 'securityContext', 'capabilities', 'add', i],
    message: `container "${c.name}" adds capability ${show(cap)}`,
  }]));
