import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Chart, Testing } from 'cdk8s';
import { DEFAULT_FLUENTD_CONFIG, LOG_COLLECTOR_REASONS, NodeLogCollector } from '../../src/constructs';
import { toYaml } from '../../src/output/yaml';
import { HardenedApp } from '../../src/synth';
import { cli } from '../cli/helpers';
import { findings, only, UNUSED_OUTDIR } from './support';

const IMAGE = 'fluent/fluentd:v1.16.2-1.0';

function collector(props: Partial<ConstructorParameters<typeof NodeLogCollector>[2]> = {}) {
  const app = new HardenedApp({ outdir: UNUSED_OUTDIR, onReport: () => undefined });
  const chart = new Chart(app, 'logging');
  const c = new NodeLogCollector(chart, 'logs', { image: IMAGE, ...props });
  return { app, chart, c, objects: Testing.synth(chart) };
}

describe('NodeLogCollector', () => {
  const { app, objects } = collector({ egress: [{ to: [{ cidr: '10.0.0.1/32' }], ports: [{ port: 443 }] }] });
  const ds = only(objects, 'DaemonSet');
  const pod = ds.spec.template.spec;
  const container = pod.containers[0];

  test('its own namespace at privileged, pinned, the exception recorded with its reason', () => {
    const ns = only(objects, 'Namespace');
    expect(ns.metadata.name).toBe('logging');
    expect(ns.metadata.labels).toEqual({
      'pod-security.kubernetes.io/enforce': 'privileged', 'pod-security.kubernetes.io/enforce-version': 'v1.28',
      'pod-security.kubernetes.io/audit': 'privileged', 'pod-security.kubernetes.io/audit-version': 'v1.28',
      'pod-security.kubernetes.io/warn': 'privileged', 'pod-security.kubernetes.io/warn-version': 'v1.28',
    });
    expect(ns.metadata.annotations).toEqual({ 'suppress.cdk8s-hardened.io/namespace-psa-labels': LOG_COLLECTOR_REASONS.namespace });
    expect(only(objects, 'NetworkPolicy', 'default-deny').metadata.namespace).toBe('logging');
    expect(only(objects, 'ResourceQuota').metadata.namespace).toBe('logging');
  });

  test('read-only hostPath mounts of exactly the log folders, type Directory', () => {
    expect(pod.volumes.filter((v: any) => v.hostPath)).toEqual([
      { name: 'host-log-0', hostPath: { path: '/var/log/containers', type: 'Directory' } },
      { name: 'host-log-1', hostPath: { path: '/var/log/pods', type: 'Directory' } },
    ]);
    expect(container.volumeMounts.filter((m: any) => m.name.startsWith('host-log-'))).toEqual([
      { name: 'host-log-0', mountPath: '/var/log/containers', readOnly: true },
      { name: 'host-log-1', mountPath: '/var/log/pods', readOnly: true },
    ]);
    expect(ds.metadata.annotations).toEqual({
      'suppress.cdk8s-hardened.io/pss-restricted-volume-types': LOG_COLLECTOR_REASONS.hostPath,
      'suppress.cdk8s-hardened.io/pss-baseline-host-path-volumes': LOG_COLLECTOR_REASONS.hostPath,
    });
  });

  test('every other control hardened: non-root with the log group, drop ALL, read-only root, no escalation, seccomp, limits', () => {
    expect(pod.securityContext).toEqual({
      runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001, fsGroupChangePolicy: 'OnRootMismatch', supplementalGroups: [0],
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(container.securityContext).toEqual({
      allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, privileged: false, runAsNonRoot: true, capabilities: { drop: ['ALL'] },
    });
    expect(container.resources).toEqual({ requests: { cpu: '100m', memory: '200Mi' }, limits: { cpu: '500m', memory: '500Mi' } });
    expect(container.livenessProbe.httpGet).toEqual({ path: '/api/plugins.json', port: 24220 });
    expect(pod.hostNetwork).toBeUndefined();
    expect(pod.hostPID).toBeUndefined();
    expect(container.volumeMounts).toContainEqual(expect.objectContaining({ mountPath: '/var/lib/fluentd/positions' }));
    expect(only(objects, 'ConfigMap', 'node-log-collector-config').data['fluent.conf']).toBe(DEFAULT_FLUENTD_CONFIG);
    expect(DEFAULT_FLUENTD_CONFIG).toContain('path /var/log/containers/*.log');
    expect(DEFAULT_FLUENTD_CONFIG).toContain('pos_file /var/lib/fluentd/positions/');
  });

  test('no automounted token: its own ServiceAccount, a projected expiring token, get/list/watch on pods and namespaces only', () => {
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.serviceAccountName).toBe('node-log-collector');
    expect(only(objects, 'ServiceAccount', 'node-log-collector').automountServiceAccountToken).toBe(false);
    const token = pod.volumes.find((v: any) => v.projected);
    expect(token.projected.sources[0]).toEqual({ serviceAccountToken: { path: 'token', expirationSeconds: 3600 } });
    expect(only(objects, 'ClusterRole').rules).toEqual([
      { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: [''], resources: ['namespaces'], verbs: ['get', 'list', 'watch'] },
    ]);
    expect(only(objects, 'ClusterRoleBinding').subjects).toEqual([{ kind: 'ServiceAccount', name: 'node-log-collector', namespace: 'logging' }]);
    expect(only(objects, 'NetworkPolicy', 'node-log-collector-egress-0').spec.egress).toEqual([{ to: [{ ipBlock: { cidr: '10.0.0.1/32' } }], ports: [{ port: 443, protocol: 'TCP' }] }]);
  });

  test('passes the hardened profile except the recorded, reasoned suppressions', () => {
    const all = findings(app);
    expect(all.filter((f) => f.severity === 'error' && !f.suppressed)).toEqual([]);
    expect(all.filter((f) => f.severity === 'warning' && !f.suppressed)).toEqual([]);
    expect([...new Set(all.filter((f) => f.suppressed).map((f) => `${f.object.kind} ${f.ruleId}`))]).toEqual([
      'Namespace namespace-psa-labels', 'DaemonSet pss-restricted-volume-types',
    ]);
  });

  test('check --profile hardened on the manifests: exit 0, the suppressions in force listed with their reasons', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nlc-'));
    try {
      writeFileSync(join(dir, 'all.yaml'), objects.map((o) => `---\n${toYaml(o)}`).join(''));
      const r = await cli(['check', '--format', 'json', join(dir, 'all.yaml')]);
      expect(r.code).toBe(0);
      const report = JSON.parse(r.stdout);
      expect(report.summary.passed).toBe(true);
      expect(report.suppressions.map((s: any) => [s.ruleId, s.object.kind, s.reason, s.findings])).toEqual([
        ['namespace-psa-labels', 'Namespace', LOG_COLLECTOR_REASONS.namespace, 3],
        // Under the hardened profile restricted's volume check replaces baseline's; under pss-baseline the other one answers.
        ['pss-baseline-host-path-volumes', 'DaemonSet', LOG_COLLECTOR_REASONS.hostPath, 0],
        ['pss-restricted-volume-types', 'DaemonSet', LOG_COLLECTOR_REASONS.hostPath, 2],
      ]);
      const baseline = await cli(['check', '--profile', 'pss-baseline', '--format', 'json', join(dir, 'all.yaml')]);
      expect(baseline.code).toBe(0);
      expect(JSON.parse(baseline.stdout).findings.map((f: any) => [f.ruleId, f.path, f.suppressed])).toEqual([
        ['pss-baseline-host-path-volumes', 'spec.template.spec.volumes[4].hostPath', true],
        ['pss-baseline-host-path-volumes', 'spec.template.spec.volumes[5].hostPath', true],
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test.each([
    [{ logPaths: [] }, /logPaths is empty/],
    [{ logPaths: ['/etc'] }, /logPaths\[0\] "\/etc" reaches beyond log files/],
    [{ logPaths: ['/var/lib/kubelet/pods'] }, /reaches beyond log files/],
    [{ logPaths: ['var/log'] }, /not a normalised absolute path/],
    [{ logPaths: ['/var/log/../../etc'] }, /not a normalised absolute path/],
    [{ logPaths: ['/var/log/pods', '/var/log/pods'] }, /listed twice/],
    [{ image: 'fluent/fluentd:latest' }, /mutable tag latest/],
    [{ config: ' ' }, /config is empty/],
    [{ namespace: 'kube-system' }, /kube-system|created and used by Kubernetes/],
  ])('refuses %j at construction', (props, message) => {
    expect(() => collector(props as never)).toThrow(message);
  });

  test('logPaths and the log group are what is given', () => {
    const { objects: o } = collector({ logPaths: ['/var/log/pods'], hostLogGroup: 4 });
    const spec = only(o, 'DaemonSet').spec.template.spec;
    expect(spec.volumes.filter((v: any) => v.hostPath).map((v: any) => v.hostPath.path)).toEqual(['/var/log/pods']);
    expect(spec.securityContext.supplementalGroups).toEqual([4]);
  });
});
