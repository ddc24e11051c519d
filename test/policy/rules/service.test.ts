import { evaluate } from '../../../src/catalogue';
import { SERVICE_RULES } from '../../../src/policy/rules/service';

function run(id: string, spec: unknown, extra: Record<string, unknown> = {}) {
  const object = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'team-a', ...extra }, spec };
  return evaluate([{ object }], SERVICE_RULES.filter((r) => r.id === id));
}

describe('service rules', () => {
  test.each([
    [{ type: 'NodePort' }, 1],
    [{ type: 'ClusterIP' }, 0],
    [{ type: 'LoadBalancer' }, 0],
    [{}, 0],
    [{ type: 'nodeport' }, 0],
  ])('service-node-port %j: %d', (spec, count) => {
    expect(run('service-node-port', spec)).toHaveLength(count);
  });

  test.each([
    [{ type: 'LoadBalancer' }, 1],
    [{ type: 'LoadBalancer', loadBalancerSourceRanges: [] }, 1],
    [{ type: 'LoadBalancer', loadBalancerSourceRanges: [''] }, 1],
    [{ type: 'LoadBalancer', loadBalancerSourceRanges: ['10.0.0.0/8'] }, 0],
    [{ type: 'LoadBalancer', loadBalancerSourceRanges: ['0.0.0.0/0'] }, 0],
    [{ type: 'NodePort' }, 0],
    [{ type: 'ClusterIP' }, 0],
  ])('service-load-balancer-source-ranges %j: %d', (spec, count) => {
    expect(run('service-load-balancer-source-ranges', spec)).toHaveLength(count);
  });

  test('the legacy source-ranges annotation counts when it is not empty', () => {
    const annotated = (value: string) => ({ annotations: { 'service.beta.kubernetes.io/load-balancer-source-ranges': value } });
    expect(run('service-load-balancer-source-ranges', { type: 'LoadBalancer' }, annotated('10.0.0.0/8'))).toEqual([]);
    expect(run('service-load-balancer-source-ranges', { type: 'LoadBalancer' }, annotated(' '))).toHaveLength(1);
  });

  test('internal load balancer annotations do not count', () => {
    const internal = { annotations: { 'networking.gke.io/load-balancer-type': 'Internal' } };
    expect(run('service-load-balancer-source-ranges', { type: 'LoadBalancer' }, internal)).toHaveLength(1);
  });

  test.each([
    [{ externalIPs: ['203.0.113.10'] }, 1],
    [{ externalIPs: [] }, 0],
    [{}, 0],
  ])('service-external-ips %j: %d', (spec, count) => {
    expect(run('service-external-ips', spec)).toHaveLength(count);
  });

  test('the external IPs are named in the message', () => {
    expect(run('service-external-ips', { externalIPs: ['203.0.113.10'] })[0].message).toBe('service sets externalIPs to ["203.0.113.10"]');
  });

  test('only core v1 Services are judged', () => {
    const object = { apiVersion: 'example.com/v1', kind: 'Service', metadata: { name: 'x' }, spec: { type: 'NodePort', externalIPs: ['1.2.3.4'] } };
    expect(evaluate([{ object }], SERVICE_RULES)).toEqual([]);
  });
});
