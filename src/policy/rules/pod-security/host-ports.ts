import { allOf, everyContainer, everyPod, unsetOr } from '../cel';
import { containerRule, isSet } from '../../define';
import { arrayField, field, show } from '../../json';

/** PSS baseline "Host Ports" (PSA check hostPorts). */
export const hostPorts = containerRule({
  id: 'pss-baseline-host-ports',
  title: 'Host ports are forbidden',
  severity: 'error',
  profiles: ['pss-baseline', 'pss-restricted', 'hardened'],
  description: 'A hostPort binds a port on the node\'s own network interfaces, bypassing NetworkPolicy and Service '
    + 'routing and limiting where the pod can be scheduled. Pod Security Standards (baseline) require '
    + 'ports[*].hostPort to be unset or 0 on every container.',
  remediation: 'Remove ports[*].hostPort from the container and expose it through a Service instead.',
  docsUrl: 'https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline',
  admission: {
    target: 'pods',
    expression: everyPod((pod) => everyContainer(`${pod}.spec`,
      (c) => allOf(c, ['ports'], 'port', (port) => unsetOr(port, ['hostPort'], (hp) => `${hp} == 0`)))),
  },
}, (c) => arrayField(c.container, 'ports').flatMap((port, i) => {
  const hostPort = field(port, 'hostPort');
  return isSet(hostPort) && hostPort !== 0 ? [{
    path: [...c.path, 'ports', i, 'hostPort'],
    message: `container "${c.name}" sets hostPort to ${show(hostPort)}`,
  }] : [];
}));
