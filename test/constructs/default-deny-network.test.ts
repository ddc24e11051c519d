import { App, Chart, Testing } from 'cdk8s';
import { DefaultDenyNetwork, LockedDownNamespace, SecureDeployment } from '../../src/constructs';
import { HardenedApp } from '../../src/synth';
import { container, json, only, problems, UNUSED_OUTDIR } from './support';

describe('DefaultDenyNetwork', () => {
  test('the deny-all policy has no rules; DNS egress is a separate policy to kube-dns only', () => {
    const chart = Testing.chart();
    const net = new DefaultDenyNetwork(chart, 'net', { namespace: 'shop' });
    expect(json(net.apiObject)).toEqual({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'default-deny', namespace: 'shop' },
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    });
    expect(json(net.dnsPolicy!).spec).toEqual({
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [{
        to: [{
          namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
          podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
        }],
        ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }],
      }],
    });
    const quiet = new DefaultDenyNetwork(chart, 'quiet', { namespace: 'other', allowDns: false });
    expect(quiet.dnsPolicy).toBeUndefined();
  });

  test('frontend namespace -> backend pods on TCP 5432 is one call: egress in the source, ingress in the destination', () => {
    const app = new App({ outdir: UNUSED_OUTDIR });
    const front = new Chart(app, 'front', { namespace: 'frontend' });
    const back = new Chart(app, 'back', { namespace: 'backend' });
    const frontNet = new DefaultDenyNetwork(front, 'net');
    const backNet = new DefaultDenyNetwork(back, 'net');
    const { egress, ingress } = DefaultDenyNetwork.allowTraffic('web-to-db', {
      from: { network: frontNet, pods: { 'app.kubernetes.io/name': 'web' } },
      to: { network: backNet, pods: { 'app.kubernetes.io/name': 'db' } },
      ports: [{ port: 5432 }],
    });
    expect(Chart.of(egress)).toBe(front);
    expect(Chart.of(ingress)).toBe(back);
    expect(json(egress)).toEqual({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'web-to-db-egress', namespace: 'frontend' },
      spec: {
        podSelector: { matchLabels: { 'app.kubernetes.io/name': 'web' } },
        policyTypes: ['Egress'],
        egress: [{
          to: [{
            namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'backend' } },
            podSelector: { matchLabels: { 'app.kubernetes.io/name': 'db' } },
          }],
          ports: [{ protocol: 'TCP', port: 5432 }],
        }],
      },
    });
    expect(json(ingress).metadata).toEqual({ name: 'web-to-db-ingress', namespace: 'backend' });
    expect(json(ingress).spec).toEqual({
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'db' } },
      policyTypes: ['Ingress'],
      ingress: [{
        from: [{
          namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'frontend' } },
          podSelector: { matchLabels: { 'app.kubernetes.io/name': 'web' } },
        }],
        ports: [{ protocol: 'TCP', port: 5432 }],
      }],
    });
    // The default-deny policies stay rule-free.
    expect(json(frontNet.apiObject).spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
  });

  test('within one namespace the peers are pod selectors only', () => {
    const chart = Testing.chart();
    const net = new DefaultDenyNetwork(chart, 'net', { namespace: 'shop' });
    const { ingress } = DefaultDenyNetwork.allowTraffic('api-to-db', {
      from: { network: net, pods: { app: 'api' } },
      to: { network: net, pods: { app: 'db' } },
      ports: [{ port: 5432 }, { port: 9187, protocol: 'TCP' }],
    });
    expect(json(ingress).spec.ingress[0].from).toEqual([{ podSelector: { matchLabels: { app: 'api' } } }]);
    expect(json(ingress).spec.ingress[0].ports).toHaveLength(2);
  });

  test('ip blocks, port ranges and UDP are typed; allow-all shapes are refused', () => {
    const chart = Testing.chart();
    const net = new DefaultDenyNetwork(chart, 'net', { namespace: 'shop' });
    const p = net.allowEgress('to-partner', { pods: { app: 'api' }, to: [{ cidr: '203.0.113.0/24', except: ['203.0.113.7/32'] }], ports: [{ port: 8000, endPort: 8010, protocol: 'UDP' }] });
    expect(json(p).spec.egress).toEqual([{ to: [{ ipBlock: { cidr: '203.0.113.0/24', except: ['203.0.113.7/32'] } }], ports: [{ protocol: 'UDP', port: 8000, endPort: 8010 }] }]);

    expect(() => net.allowEgress('a', { pods: {}, to: [{ cidr: '0.0.0.0/0' }], ports: [{ port: 443 }] })).toThrow(/matches every address, which undoes the default deny/);
    expect(() => net.allowEgress('b', { pods: {}, to: [{ cidr: '::/0' }], ports: [{ port: 443 }] })).toThrow(/matches every address/);
    expect(() => net.allowIngress('c', { pods: {}, from: [], ports: [{ port: 80 }] })).toThrow(/is empty, which Kubernetes reads as "every source and destination"/);
    expect(() => net.allowIngress('d', { pods: {}, from: [{}], ports: [{ port: 80 }] })).toThrow(/selects nothing specific/);
    expect(() => net.allowIngress('e', { pods: {}, from: [{ namespace: 'x' }], ports: [] })).toThrow(/which allows every port/);
    expect(() => net.allowIngress('f', { pods: {}, from: [{ pods: {} }], ports: [{ port: 80 }] })).toThrow(/matches every pod/);
    expect(() => net.allowIngress('g', { pods: {}, from: [{ namespace: 'x' }], ports: [{ port: 70000 }] })).toThrow(/between 1 and 65535/);
    expect(() => net.allowIngress('allow-dns', { pods: {}, from: [{ namespace: 'x' }], ports: [{ port: 80 }] })).toThrow(/already exists/);
  });

  test('a namespace is required and "default" is refused', () => {
    const chart = Testing.chart();
    expect(() => new DefaultDenyNetwork(chart, 'a')).toThrow(/DefaultDenyNetwork "a": has no namespace/);
    expect(() => new DefaultDenyNetwork(chart, 'b', { namespace: 'default' })).toThrow(/namespace "default"/);
  });

  test('allowed flows between hardened workloads pass the hardened profile', () => {
    const app = new HardenedApp({ outdir: UNUSED_OUTDIR, onReport: () => undefined });
    const charts = ['frontend', 'backend'].map((n) => new Chart(app, n, { namespace: n }));
    const [front, back] = charts.map((c) => new LockedDownNamespace(c, 'ns', { name: c.namespace! }));
    const web = new SecureDeployment(charts[0], 'web', { containers: [container()] });
    const api = new SecureDeployment(charts[1], 'api', { containers: [container()] });
    DefaultDenyNetwork.allowTraffic('web-to-api', { from: { network: front.network, pods: web.selectorLabels }, to: { network: back.network, pods: api.selectorLabels }, ports: [{ port: 8080 }] });
    expect(problems(app)).toEqual([]);
    for (const c of charts) {
      expect(only(Testing.synth(c), 'NetworkPolicy', 'default-deny').spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    }
  });
});
