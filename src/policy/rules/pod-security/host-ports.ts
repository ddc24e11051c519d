import { allOf, and, everyContainer, everyPod, not, or, unsetOr } from '../cel';
import { containerRule, isSet } from '../../define';
import { arrayField, field, show } from '../../json';
import { ContainerList, ContainerView, PodView } from '../../pod-spec';
import { Target } from '../../rule';

/** The container lists whose ports the API server defaults in a hostNetwork Pod (ephemeral containers have no ports). */
const DEFAULTED_LISTS: readonly ContainerList[] = ['initContainers', 'containers'];

/**
 * The hostPort the API server stores for a container port. Kubernetes 1.28 defaults a **Pod** with
 * `hostNetwork: true` before admission: every port of its containers and init containers whose hostPort is unset
 * or 0 gets its containerPort (pkg/apis/core/v1/defaults.go, SetDefaults_Pod -> defaultHostNetworkPorts). Pod
 * templates are not defaulted so in 1.28 (the DefaultHostNetworkHostPortsInPodTemplates gate is off), so a
 * Deployment's template keeps what it says; its Pods get the default when they are created. Pod Security Admission
 * and ValidatingAdmissionPolicies see the defaulted Pod, so the hostPort rules judge this value.
 */
export function storedHostPort(port: unknown, container: ContainerView, pod: PodView, target: Target): { value: unknown; defaulted: boolean } {
  const hostPort = field(port, 'hostPort');
  if (isSet(hostPort) && hostPort !== 0) {
    return { value: hostPort, defaulted: false };
  }
  const containerPort = field(port, 'containerPort');
  if (target.kind === 'Pod' && field(pod.spec, 'hostNetwork') === true && DEFAULTED_LISTS.includes(container.list) && isSet(containerPort) && containerPort !== 0) {
    return { value: containerPort, defaulted: true };
  }
  return { value: hostPort, defaulted: false };
}

/** The message clause for a stored hostPort, saying where a defaulted one comes from. */
export function hostPortClause(container: ContainerView, stored: { value: unknown; defaulted: boolean }): string {
  return stored.defaulted
    ? `container "${container.name}" gets hostPort ${show(stored.value)} (hostNetwork: the API server sets an unset hostPort of a Pod to its containerPort)`
    : `container "${container.name}" sets hostPort to ${show(stored.value)}`;
}

/**
 * CEL: every port of every container of the pod template satisfies `ok(hostPort)`, where hostPort is what the API
 * server stores (see storedHostPort; at admission a Pod is defaulted already, so this only makes the expression
 * agree with the rule on a Pod as written). `ok` is also given the expression of an unset hostPort's value, 0.
 */
export function everyStoredHostPort(ok: (hostPort: string) => string): string {
  const defaulted = (pod: string) => `object.kind == 'Pod' && has(${pod}.spec.hostNetwork) && ${pod}.spec.hostNetwork == true`;
  const plain = (port: string) => unsetOr(port, ['hostPort'], ok);
  return everyPod((pod) => and(
    everyContainer(`${pod}.spec`, (c) => allOf(c, ['ports'], 'port', (port) => and(plain(port),
      or(not(`(${defaulted(pod)})`), `has(${port}.hostPort) && ${port}.hostPort != 0`, `!has(${port}.containerPort)`, `${port}.containerPort == 0`, ok(`${port}.containerPort`)))),
    DEFAULTED_LISTS),
    everyContainer(`${pod}.spec`, (c) => allOf(c, ['ports'], 'port', plain), ['ephemeralContainers']),
  ));
}

/** PSS baseline "Host Ports" (PSA check hostPorts). */
export const hostPorts = containerRule({
  id: 'pss-baseline-host-ports',
  title: 'Host ports are forbidden',
  severity: 'error',
  profiles: ['pss-baseline', 'pss-restricted', 'hardened'],
  description: 'A hostPort binds a port on the node\'s own network interfaces, bypassing NetworkPolicy and Service '
    + 'routing and limiting where the pod can be scheduled. Pod Security Standards (baseline) require '
    + 'ports[*].hostPort to be unset or 0 on every container. In a Pod with hostNetwork: true the API server sets '
    + 'every unset hostPort to its containerPort before admission (Pod Security Admission sees that value), so '
    + 'such a Pod fails for each container port.',
  remediation: 'Remove ports[*].hostPort from the container and expose it through a Service instead (and, in a hostNetwork Pod, remove hostNetwork or the ports).',
  docsUrl: 'https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline',
  admission: {
    target: 'pods',
    get expression() {
      return everyStoredHostPort((hp) => `${hp} == 0`);
    },
  },
}, (c, pod, target) => arrayField(c.container, 'ports').flatMap((port, i) => {
  const stored = storedHostPort(port, c, pod, target);
  return isSet(stored.value) && stored.value !== 0 ? [{
    path: [...c.path, 'ports', i, 'hostPort'],
    message: hostPortClause(c, stored),
  }] : [];
}));
