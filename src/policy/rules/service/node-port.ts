import { is, not } from '../cel';
import { objectField, stringField } from '../../json';
import { ObjectRule } from '../../rule';

/** Services of `type: NodePort`. */
export const nodePort: ObjectRule = {
  id: 'service-node-port',
  title: 'Services should not be of type NodePort',
  severity: 'warning',
  profiles: ['hardened'],
  description: 'A NodePort Service opens the same port (30000-32767) on every node of the cluster, on every node '
    + 'address, outside any Ingress, TLS or NetworkPolicy-aware entry point, and node firewalls are often open '
    + 'inside the VPC. Expose workloads through a ClusterIP Service behind an Ingress or Gateway, or a LoadBalancer '
    + 'with source ranges ("Service": type NodePort). Kyverno restrict-node-port and kube-linter service-type flag '
    + 'it too.',
  remediation: 'Set spec.type to ClusterIP and expose the Service through an Ingress or Gateway.',
  docsUrl: 'https://kubernetes.io/docs/concepts/services-networking/service/#type-nodeport',
  admission: {
    target: 'services',
    get expression() {
      return not(is('object', ['spec', 'type'], "'NodePort'"));
    },
  },
  scope: 'object',
  kinds: ['Service'],
  check(target) {
    if (target.kind !== 'Service' || target.apiVersion !== 'v1') {
      return [];
    }
    return stringField(objectField(target.object, 'spec'), 'type') === 'NodePort'
      ? [{ path: ['spec', 'type'], message: 'service has type "NodePort"' }]
      : [];
  },
};
