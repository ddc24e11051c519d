import { and, is, nonBlank, not, or, str, whenSet } from '../cel';
import { arrayField, objectField, stringField } from '../../json';
import { ObjectRule } from '../../rule';

/** The legacy annotation that cloud providers read when the field is empty. */
export const SOURCE_RANGES_ANNOTATION = 'service.beta.kubernetes.io/load-balancer-source-ranges';

/** `type: LoadBalancer` must say who may connect. */
export const loadBalancerSourceRanges: ObjectRule = {
  id: 'service-load-balancer-source-ranges',
  title: 'LoadBalancer Services must restrict their source ranges',
  severity: 'error',
  profiles: ['hardened'],
  description: 'A LoadBalancer Service without spec.loadBalancerSourceRanges gets a cloud load balancer that accepts '
    + 'connections from anywhere, on most providers from the whole internet, which opens a path from outside into '
    + 'the cluster that nobody wrote down; hence an error. List the CIDRs allowed to connect ("Configure a Firewall '
    + 'for Your Cloud Provider"); a service that is meant to be public says so explicitly with 0.0.0.0/0 and ::/0. '
    + 'The legacy annotation service.beta.kubernetes.io/load-balancer-source-ranges is accepted too. Internal load '
    + 'balancer annotations are provider-specific and still expose the service to the whole network, so they do '
    + 'not count. Kyverno restrict-loadbalancer flags the type; Polaris and kube-linter only in optional checks.',
  remediation: 'Set spec.loadBalancerSourceRanges to the CIDRs allowed to connect (0.0.0.0/0 and ::/0 only for a deliberately public service).',
  docsUrl: 'https://kubernetes.io/docs/tasks/access-application-cluster/configure-cloud-provider-firewall/',
  admission: {
    target: 'services',
    get expression() {
      return or(
        not(is('object', ['spec', 'type'], "'LoadBalancer'")),
        whenSet('object', ['spec', 'loadBalancerSourceRanges'], (ranges) => `${ranges}.exists(range, ${nonBlank('range')})`),
        whenSet('object', ['metadata', 'annotations'], (a) => and(
          `${str(SOURCE_RANGES_ANNOTATION)} in ${a}`,
          nonBlank(`${a}[${str(SOURCE_RANGES_ANNOTATION)}]`),
        )),
      );
    },
  },
  scope: 'object',
  kinds: ['Service'],
  check(target) {
    if (target.kind !== 'Service' || target.apiVersion !== 'v1') {
      return [];
    }
    const spec = objectField(target.object, 'spec');
    if (stringField(spec, 'type') !== 'LoadBalancer') {
      return [];
    }
    const ranges = arrayField(spec, 'loadBalancerSourceRanges').filter((r) => typeof r === 'string' && r.trim() !== '');
    const annotation = stringField(objectField(objectField(target.object, 'metadata'), 'annotations'), SOURCE_RANGES_ANNOTATION);
    if (ranges.length > 0 || (annotation !== undefined && annotation.trim() !== '')) {
      return [];
    }
    return [{ path: ['spec', 'loadBalancerSourceRanges'], message: 'service of type "LoadBalancer" sets no loadBalancerSourceRanges' }];
  },
};
