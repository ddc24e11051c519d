'use strict';
/**
 * The synth benchmark's app: N hardened workloads, each a SecureDeployment with its Service and dedicated
 * ServiceAccount plus an ingress NetworkPolicy, in charts of 100 workloads, each chart a LockedDownNamespace.
 * `hardened = false` builds the same objects under a plain cdk8s App (no policy, no schema): the floor.
 */
const path = require('path');
const { App, Chart } = require('cdk8s');
const lib = require(path.join(__dirname, '..', 'lib', 'index.js'));

const PER_CHART = 100;

function buildScaleApp(n, hardened) {
  // Warnings and info (e.g. "digest pin recommended") are collected, not printed, so output does not skew timing.
  const app = hardened ? new lib.HardenedApp({ onReport: () => undefined }) : new App();
  for (let c = 0; c * PER_CHART < n; c++) {
    const namespace = `team-${c}`;
    const chart = new Chart(app, namespace, { namespace });
    const ns = new lib.LockedDownNamespace(chart, 'namespace', { name: namespace });
    for (let i = c * PER_CHART; i < Math.min(n, (c + 1) * PER_CHART); i++) {
      const name = `svc-${i}`;
      const workload = new lib.SecureDeployment(chart, name, {
        containers: [{
          name: 'app',
          image: 'registry.example.com/app:1.4.2',
          ports: [{ name: 'http', containerPort: 8080 }],
          resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
          livenessProbe: { httpGet: { path: '/healthz', port: 'http' } },
          readinessProbe: { httpGet: { path: '/ready', port: 'http' } },
          writablePaths: ['/tmp'],
        }],
        service: { ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
      });
      ns.network.allowIngress(`${name}-ingress`, {
        pods: workload.selectorLabels,
        from: [{ pods: { 'app.kubernetes.io/name': 'gateway' } }],
        ports: [{ port: 8080 }],
      });
    }
  }
  return app;
}

module.exports = { buildScaleApp };
