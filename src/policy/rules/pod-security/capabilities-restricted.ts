import { allOf, and, everyContainer, everyPod, isWindows, or, SC, whenSet } from '../cel';
import { containerRule } from '../../define';
import { arrayField, objectField, show } from '../../json';
import { Violation } from '../../rule';

/** PSS restricted "Capabilities" (PSA check capabilities_restricted, v1.25+; replaces the baseline capabilities check). */
export const capabilitiesRestricted = containerRule({
  id: 'pss-restricted-capabilities',
  title: 'Containers must drop ALL capabilities and add back only NET_BIND_SERVICE',
  severity: 'error',
  profiles: ['pss-restricted', 'hardened'],
  overrides: ['pss-baseline-capabilities'],
  description: 'The runtime\'s default capabilities (NET_RAW for spoofing, CHOWN, SETUID, ...) are rarely needed and widen '
    + 'what a compromised process can do. Pod Security Standards (restricted) require securityContext.capabilities.drop '
    + 'to contain exactly "ALL" and allow only NET_BIND_SERVICE in capabilities.add, on every container; pods with '
    + 'spec.os.name: windows are exempt.',
  remediation: 'Set securityContext.capabilities.drop: ["ALL"] on the container and add back at most NET_BIND_SERVICE.',
  docsUrl: 'https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted',
  admission: {
    target: 'pods',
    get expression() {
      return everyPod((pod) => or(isWindows(`${pod}.spec`), everyContainer(`${pod}.spec`, (c) => and(
        whenSet(c, [SC, 'capabilities', 'drop'], (drop) => `'ALL' in ${drop}`),
        allOf(c, [SC, 'capabilities', 'add'], 'cap', (cap) => `${cap} == 'NET_BIND_SERVICE'`),
      ))));
    },
  },
}, (c, pod) => {
  if (pod.windows) {
    return [];
  }
  const capabilities = objectField(c.securityContext, 'capabilities');
  const out: Violation[] = [];
  if (!arrayField(capabilities, 'drop').includes('ALL')) {
    out.push({
      path: [...c.path, 'securityContext', 'capabilities', 'drop'],
      message: `container "${c.name}" does not drop capability "ALL"`,
    });
  }
  arrayField(capabilities, 'add').forEach((cap, i) => {
    if (cap !== 'NET_BIND_SERVICE') {
      out.push({
        path: [...c.path, 'securityContext', 'capabilities', 'add', i],
        message: `container "${c.name}" adds capability ${show(cap)}`,
      });
    }
  });
  return out;
});
