import { ApiObject, JsonPatch } from 'cdk8s';
import { DefaultDenyNetwork, SecureDeployment, SecureStatefulSet } from '../../src/constructs';
import { container, findings, hardenedChart, json, only, problems, synth } from './support';

const withMetrics = (overrides: Record<string, unknown> = {}) => container({
  ports: [{ containerPort: 8080, name: 'http' }, { containerPort: 9090, name: 'metrics' }],
  ...overrides,
});

describe('metrics: a ServiceMonitor, the Service port and the scrape rule', () => {
  test('SecureDeployment: ServiceMonitor selecting its Service, the port added, the namespace lets Prometheus in', () => {
    const { app, chart } = hardenedChart();
    const d = new SecureDeployment(chart, 'api', {
      labels: { 'app.kubernetes.io/part-of': 'shop' },
      containers: [withMetrics()],
      service: { ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
      metrics: { port: 'metrics', interval: '15s', prometheusPods: { 'app.kubernetes.io/name': 'prometheus' }, labels: { release: 'kube-prometheus' } },
    });
    const objects = synth(chart);
    expect(only(objects, 'ServiceMonitor')).toEqual({
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'ServiceMonitor',
      metadata: { name: 'api', namespace: 'team-a', labels: { 'release': 'kube-prometheus', 'app.kubernetes.io/name': 'api' } },
      spec: {
        selector: { matchLabels: { 'app.kubernetes.io/name': 'api' } },
        namespaceSelector: { matchNames: ['team-a'] },
        endpoints: [{ port: 'metrics', path: '/metrics', interval: '15s', scheme: 'http' }],
      },
    });
    expect(only(objects, 'Service', 'api').spec.ports).toEqual([
      { name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' },
      { name: 'metrics', port: 9090, targetPort: 'metrics', protocol: 'TCP' },
    ]);
    expect(only(objects, 'Service', 'api').metadata.labels).toMatchObject(only(objects, 'ServiceMonitor').spec.selector.matchLabels);
    expect(only(objects, 'NetworkPolicy', 'allow-prometheus-api').spec).toEqual({
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'api' } },
      policyTypes: ['Ingress'],
      ingress: [{
        from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } } }],
        ports: [{ port: 9090, protocol: 'TCP' }],
      }],
    });
    expect(d.serviceMonitor).toBeDefined();
    expect(d.scrapePolicy).toBeDefined();
    // check --profile hardened, schema included: the vendored ServiceMonitor CRD validates it.
    expect(problems(app)).toEqual([]);
    expect(findings(app).filter((f) => f.object.kind === 'ServiceMonitor')).toEqual([]);
  });

  test('without a service the Service is created for the metrics port; defaults path /metrics, 30s, namespace monitoring', () => {
    const { app, chart } = hardenedChart();
    new SecureDeployment(chart, 'api', { containers: [withMetrics()], metrics: { port: 9090 } });
    const objects = synth(chart);
    expect(only(objects, 'Service', 'api').spec.ports).toEqual([{ name: 'metrics', port: 9090, targetPort: 'metrics', protocol: 'TCP' }]);
    expect(only(objects, 'ServiceMonitor').spec.endpoints).toEqual([{ port: 'metrics', path: '/metrics', interval: '30s', scheme: 'http' }]);
    expect(only(objects, 'NetworkPolicy', 'allow-prometheus-api').spec.ingress[0].from).toEqual([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }]);
    expect(problems(app)).toEqual([]);
  });

  test('a Service port that already targets the metrics port is the one scraped, by its name', () => {
    const { chart } = hardenedChart();
    new SecureDeployment(chart, 'api', {
      containers: [withMetrics()],
      service: { ports: [{ name: 'http', port: 80, targetPort: 'http' }, { name: 'prom', port: 9100, targetPort: 9090 }] },
      metrics: { port: 'metrics' },
    });
    const objects = synth(chart);
    expect(only(objects, 'Service', 'api').spec.ports).toHaveLength(2);
    expect(only(objects, 'ServiceMonitor').spec.endpoints[0].port).toBe('prom');
  });

  test('SecureStatefulSet: the governing (headless) Service gets the port', () => {
    const { app, chart } = hardenedChart();
    const s = new SecureStatefulSet(chart, 'db', { containers: [withMetrics()], metrics: { port: 'metrics' } });
    const objects = synth(chart);
    expect(only(objects, 'Service', 'db').spec).toMatchObject({ clusterIP: 'None', ports: [{ name: 'metrics', port: 9090, targetPort: 'metrics', protocol: 'TCP' }] });
    expect(only(objects, 'ServiceMonitor').spec.selector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'db' } });
    expect(json(s.scrapePolicy!).metadata.name).toBe('allow-prometheus-db');
    expect(problems(app)).toEqual([]);
  });

  test('an explicit network of another namespace is refused; a namespace without default deny gets no rule', () => {
    const { chart } = hardenedChart();
    const other = new DefaultDenyNetwork(chart, 'other', { namespace: 'team-b' });
    expect(() => new SecureDeployment(chart, 'api', { containers: [withMetrics()], metrics: { port: 'metrics', network: other } }))
      .toThrow(/metrics.network is the network of namespace "team-b", not of the workload's "team-a"/);
    const free = new SecureDeployment(chart, 'free', { namespace: 'team-c', containers: [withMetrics()], metrics: { port: 'metrics' } });
    expect(free.scrapePolicy).toBeUndefined();
  });

  test('two default-deny networks in the namespace: the workload must name one', () => {
    const { chart } = hardenedChart();
    new DefaultDenyNetwork(chart, 'second', { name: 'second-deny', allowDns: false });
    expect(() => new SecureDeployment(chart, 'api', { containers: [withMetrics()], metrics: { port: 'metrics' } }))
      .toThrow(/namespace "team-a" has 2 DefaultDenyNetworks.*pass the one to use as metrics.network/);
  });

  test.each([
    [{ port: 'metric' }, /metrics.port "metric" is not a port any container declares/],
    [{ port: 8080, path: 'metrics' }, /metrics.path "metrics" is not an absolute URL path/],
    [{ port: 'metrics', interval: '30' }, /metrics.interval "30" is not a non-zero Prometheus duration: use e.g. "30s"/],
    [{ port: 'metrics', interval: '0s' }, /metrics.interval "0s"/],
    [{ port: 'metrics', prometheusNamespace: 'Monitoring' }, /metrics.prometheusNamespace/],
  ])('refused at construction: %j', (metrics, message) => {
    const { chart } = hardenedChart();
    expect(() => new SecureDeployment(chart, 'api', { containers: [withMetrics()], metrics })).toThrow(message);
  });

  test('an unnamed metrics port is refused (ServiceMonitors select Service ports by name)', () => {
    const { chart } = hardenedChart();
    expect(() => new SecureDeployment(chart, 'api', { containers: [withMetrics({ ports: [{ containerPort: 9090 }] })], metrics: { port: 9090 } }))
      .toThrow(/container port 9090 has no name/);
    expect(() => new SecureDeployment(chart, 'b', { containers: [withMetrics()], service: { ports: [{ port: 80, targetPort: 'http' }] }, metrics: { port: 'metrics' } }))
      .toThrow(/each then needs a name/);
  });

  test('a ServiceMonitor patched wrong through the escape hatch fails synth on the vendored schema', () => {
    const { app, chart } = hardenedChart();
    const d = new SecureDeployment(chart, 'api', { containers: [withMetrics()], metrics: { port: 'metrics' } });
    ApiObject.of(d.serviceMonitor!).addJsonPatch(JsonPatch.add('/spec/endpoints/0/intervall', '10s'));
    expect(problems(app)).toEqual([expect.stringMatching(/^error schema .* spec.endpoints\[0\].intervall: unknown field spec.endpoints\[0\].intervall \(did you mean interval\?\)/)]);
  });
});
