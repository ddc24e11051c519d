import { Chart, Testing } from 'cdk8s';
import { LockedDownNamespace, podSecurityLabels } from '../../src/constructs';
import { HardenedApp } from '../../src/synth';
import { PSA_POLICY_VERSION } from '../../src/version';
import { json, only, problems, UNUSED_OUTDIR } from './support';

describe('LockedDownNamespace', () => {
  test('Namespace with PSA restricted enforce/audit/warn pinned to the project version, without a namespace of its own', () => {
    const app = new HardenedApp({ outdir: UNUSED_OUTDIR, onReport: () => undefined });
    const chart = new Chart(app, 'c', { namespace: 'shop' });
    const ns = new LockedDownNamespace(chart, 'ns', { name: 'shop', labels: { team: 'payments' } });
    const objects = Testing.synth(chart);
    const namespace = only(objects, 'Namespace', 'shop');
    expect(namespace.metadata).toEqual({
      name: 'shop',
      labels: {
        'team': 'payments',
        'pod-security.kubernetes.io/enforce': 'restricted',
        'pod-security.kubernetes.io/enforce-version': PSA_POLICY_VERSION,
        'pod-security.kubernetes.io/audit': 'restricted',
        'pod-security.kubernetes.io/audit-version': PSA_POLICY_VERSION,
        'pod-security.kubernetes.io/warn': 'restricted',
        'pod-security.kubernetes.io/warn-version': PSA_POLICY_VERSION,
      },
    });
    expect(PSA_POLICY_VERSION).toBe('v1.28');
    expect(podSecurityLabels()).toEqual(Object.fromEntries(Object.entries(namespace.metadata.labels).filter(([k]) => k.startsWith('pod-security'))));

    expect(only(objects, 'ServiceAccount', 'default')).toEqual({
      apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: 'shop', labels: { team: 'payments' } }, automountServiceAccountToken: false,
    });
    const quota = only(objects, 'ResourceQuota', 'shop-quota');
    expect(quota.metadata.namespace).toBe('shop');
    expect(quota.spec.hard).toMatchObject({
      'requests.cpu': '4', 'requests.memory': '8Gi', 'limits.cpu': '8', 'limits.memory': '16Gi', 'pods': '50',
      'services.nodeports': '0', 'services.loadbalancers': '0',
    });
    const limits = only(objects, 'LimitRange', 'shop-limits');
    expect(limits.spec.limits).toEqual([{
      type: 'Container',
      defaultRequest: { cpu: '100m', memory: '128Mi' },
      default: { cpu: '500m', memory: '512Mi' },
      max: { cpu: '4', memory: '8Gi' },
    }]);
    expect(only(objects, 'NetworkPolicy', 'default-deny').spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    expect(only(objects, 'NetworkPolicy', 'allow-dns').metadata.namespace).toBe('shop');
    expect(ns.network.namespace).toBe('shop');
    expect(problems(app)).toEqual([]);
  });

  test('quota and limits are configurable', () => {
    const chart = Testing.chart();
    const ns = new LockedDownNamespace(chart, 'ns', {
      name: 'tiny',
      quota: { requestsCpu: '500m', pods: 5 },
      limitRange: { max: { cpu: '1', memory: '1Gi' } },
      allowDns: false,
    });
    expect(json(ns.resourceQuota).spec.hard).toMatchObject({ 'requests.cpu': '500m', 'pods': '5' });
    expect(json(ns.limitRange).spec.limits[0].max).toEqual({ cpu: '1', memory: '1Gi' });
    expect(ns.network.dnsPolicy).toBeUndefined();
    expect(() => new LockedDownNamespace(chart, 'bad', { name: 'bad', quota: { limitsMemory: 'much' } })).toThrow(/quota.limitsMemory "much"/);
  });

  test('refuses default and kube- namespaces and PSA label overrides', () => {
    const chart = Testing.chart();
    expect(() => new LockedDownNamespace(chart, 'a', { name: 'default' })).toThrow(/LockedDownNamespace "a": namespace "default" is created and used by Kubernetes itself/);
    expect(() => new LockedDownNamespace(chart, 'b', { name: 'kube-system' })).toThrow(/kube-system/);
    expect(() => new LockedDownNamespace(chart, 'c', { name: 'Bad_Name' })).toThrow(/is not a valid name/);
    expect(() => new LockedDownNamespace(chart, 'd', { name: 'ok', labels: { 'pod-security.kubernetes.io/enforce': 'privileged' } }))
      .toThrow(/would weaken or unpin Pod Security "restricted"/);
  });
});
