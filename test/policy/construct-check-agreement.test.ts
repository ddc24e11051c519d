import { Chart, Testing } from 'cdk8s';
import { SecureDeployment } from '../../src/constructs';
import { parseManifests } from '../../src/input/parse';
import { evaluate } from '../../src/catalogue';
import { isFailing } from '../../src/policy/engine';

/**
 * One risk, one severity: what a construct refuses, `check` fails in the hardened profile, so a Helm chart with
 * the same choice does not pass where the construct would not build. (Constructs refused `:latest` and
 * `secretKeyRef` env vars; check reported the first as a warning and the second not at all.)
 */
const base = {
  name: 'app',
  image: 'registry.example.com/app:1.4.2',
  resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '200m', memory: '64Mi' } },
  livenessProbe: { httpGet: { path: '/healthz', port: 8080 } },
  readinessProbe: { httpGet: { path: '/ready', port: 8080 } },
};

function helmPod(container: Record<string, unknown>): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', namespace: 'team-a' },
    spec: { containers: [{ name: 'app', image: 'registry.example.com/app:1.4.2', ...container }] },
  });
}

const cases: ReadonlyArray<[string, string, Record<string, unknown>, Record<string, unknown>]> = [
  ['an image tagged :latest', 'workload-image-tag', { image: 'nginx:latest' }, { image: 'nginx:latest' }],
  ['an image without a tag', 'workload-image-tag', { image: 'nginx' }, { image: 'nginx' }],
  ['a Secret read into an env var', 'workload-secret-env',
    { env: { DB_PASSWORD: { secretKeyRef: { name: 'db', key: 'password' } } } },
    { env: [{ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } }] }],
];

describe('constructs and check agree', () => {
  test.each(cases)('%s: the construct refuses it and check fails it (%s, error)', (_, ruleId, props, raw) => {
    const chart = new Chart(Testing.app(), 'c', { namespace: 'team-a' });
    expect(() => new SecureDeployment(chart, 'd', { containers: [{ ...base, ...props } as any] })).toThrow();
    const findings = evaluate(parseManifests(helmPod(raw), 'chart.yaml'), 'hardened').filter((f) => f.ruleId === ruleId);
    expect(findings.length).toBeGreaterThan(0);
    expect(findings.every((f) => f.severity === 'error' && isFailing(f))).toBe(true);
  });
});
