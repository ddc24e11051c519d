import { and, everyPod, is, not } from '../cel';
import { podRule } from '../../define';
import { field } from '../../json';

const HOST_NAMESPACE_FIELDS = ['hostNetwork', 'hostPID', 'hostIPC'] as const;

/** PSS baseline "Host Namespaces" (PSA check hostNamespaces). */
export const hostNamespaces = podRule({
  id: 'pss-baseline-host-namespaces',
  title: 'Sharing the host network, PID or IPC namespace is forbidden',
  severity: 'error',
  profiles: ['pss-baseline', 'pss-restricted', 'hardened'],
  description: 'A pod that shares the node\'s network, process or IPC namespace can sniff host traffic, see and signal '
    + 'every process on the node and read shared memory of other workloads. Pod Security Standards (baseline) require '
    + 'spec.hostNetwork, spec.hostPID and spec.hostIPC to be unset or false.',
  remediation: 'Remove spec.hostNetwork, spec.hostPID and spec.hostIPC from the pod spec, or set them to false.',
  docsUrl: 'https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline',
  admission: {
    target: 'pods',
    get expression() {
      return everyPod((pod) => and(...['hostNetwork', 'hostPID', 'hostIPC'].map((f) => not(is(`${pod}.spec`, [f], 'true')))));
    },
  },
}, (pod) => HOST_NAMESPACE_FIELDS
  .filter((name) => field(pod.spec, name) === true)
  .map((name) => ({ path: [...pod.specPath, name], message: `pod sets ${name} to true` })));
