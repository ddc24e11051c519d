import { unsetOr } from '../cel';
import { arrayField, objectField, show } from '../../json';
import { ObjectRule } from '../../rule';

/** `spec.externalIPs` (CVE-2020-8554). */
export const externalIps: ObjectRule = {
  id: 'service-external-ips',
  title: 'Services must not set externalIPs',
  severity: 'error',
  profiles: ['hardened'],
  description: 'kube-proxy routes traffic for every address in a Service\'s spec.externalIPs to that Service\'s pods, '
    + 'on every node, without checking that the address belongs to the cluster. Anyone who can create a Service can '
    + 'thus intercept traffic meant for any IP, another tenant\'s or an external one (CVE-2020-8554, a design flaw '
    + 'with no patch: the mitigation is to refuse the field). A Service must not set spec.externalIPs ("Service": '
    + 'external IPs); use a LoadBalancer or an Ingress instead. Kyverno restrict-service-external-ips and Trivy '
    + 'KSV-0108 flag it too.',
  remediation: 'Remove spec.externalIPs from the Service and expose it through a LoadBalancer with loadBalancerSourceRanges or an Ingress.',
  docsUrl: 'https://kubernetes.io/docs/concepts/services-networking/service/#external-ips',
  admission: {
    target: 'services',
    get expression() {
      return unsetOr('object', ['spec', 'externalIPs'], (ips) => `size(${ips}) == 0`);
    },
  },
  scope: 'object',
  kinds: ['Service'],
  check(target) {
    if (target.kind !== 'Service' || target.apiVersion !== 'v1') {
      return [];
    }
    const ips = arrayField(objectField(target.object, 'spec'), 'externalIPs');
    return ips.length > 0
      ? [{ path: ['spec', 'externalIPs'], message: `service sets externalIPs to ${show(ips)}` }]
      : [];
  },
};
