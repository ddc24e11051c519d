import { writeFileSync } from 'fs';
import { join } from 'path';
import { Testing } from 'cdk8s';
import { stringify } from 'yaml';
import { AUDIT_VERBS, AUDITED_KINDS, kubectlResources } from '../../src/audit/kinds';
import { CliIo, runCli } from '../../src/cli/program';
import { ClusterAuditCronJob, clusterAuditArgs, HardeningError } from '../../src/constructs';
import { hardenedChart, only, problems, synth } from './support';
import { cli, scratch } from '../cli/helpers';

const IMAGE = 'ghcr.io/acme/cluster-audit@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';
const dirs = scratch();
afterAll(() => dirs.cleanup());

describe('ClusterAuditCronJob', () => {
  test('its ClusterRole grants get and list of exactly the kinds the audit command reads, nothing else', () => {
    const { chart } = hardenedChart('platform');
    new ClusterAuditCronJob(chart, 'audit', { image: IMAGE });
    const objects = synth(chart);
    const role = only(objects, 'ClusterRole', 'cluster-audit');
    const granted = (role.rules as Array<{ apiGroups: string[]; resources: string[]; verbs: string[]; resourceNames?: string[] }>)
      .flatMap((r) => r.apiGroups.flatMap((g) => r.resources.map((res) => ({ group: g, resource: res, verbs: [...r.verbs].sort(), names: r.resourceNames }))));
    // The same list the CLI's kubectl get is built from (kubectlResources): resource.group for every audited kind.
    expect(granted.map((g) => (g.group ? `${g.resource}.${g.group}` : g.resource)).sort()).toEqual(kubectlResources().split(',').sort());
    expect(granted.map((g) => `${g.group}/${g.resource}`).sort()).toEqual(AUDITED_KINDS.map((k) => `${k.group}/${k.resource}`).sort());
    expect(new Set(granted.map((g) => g.verbs.join(',')))).toEqual(new Set([[...AUDIT_VERBS].sort().join(',')]));
    expect(granted.every((g) => g.names === undefined)).toBe(true);
    const binding = only(objects, 'ClusterRoleBinding', 'cluster-audit');
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-audit' });
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'cluster-audit', namespace: 'platform' }]);
  });

  test('the CronJob is hardened like any workload and runs the audit with a projected token only', () => {
    const { app, chart } = hardenedChart('platform');
    new ClusterAuditCronJob(chart, 'audit', { image: IMAGE, profile: 'pss-restricted', failOn: 'warning', schedule: '30 2 * * *' });
    expect(problems(app)).toEqual([]);
    const objects = synth(chart);
    const cron = only(objects, 'CronJob', 'cluster-audit');
    expect(cron.spec).toMatchObject({ schedule: '30 2 * * *', concurrencyPolicy: 'Forbid' });
    expect(cron.spec.jobTemplate.spec).toMatchObject({ backoffLimit: 0, activeDeadlineSeconds: 1800 });
    const pod = cron.spec.jobTemplate.spec.template.spec;
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.serviceAccountName).toBe('cluster-audit');
    const [c] = pod.containers;
    expect([c.image, c.command, c.args]).toEqual([IMAGE, ['cdk8s-hardened'], ['audit', '--format', 'json', '--profile', 'pss-restricted', '--fail-on', 'warning']]);
    expect(c.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(c.volumeMounts.map((m: { mountPath: string }) => m.mountPath).sort()).toEqual(['/tmp', '/var/run/secrets/kubernetes.io/serviceaccount']);
    expect(pod.volumes.find((v: { name: string }) => v.name === 'serviceaccount-token').projected.sources[0].serviceAccountToken).toEqual({ path: 'token', expirationSeconds: 3600 });
    expect(only(objects, 'ServiceAccount', 'cluster-audit').automountServiceAccountToken).toBe(false);
  });

  test('its output passes check --profile hardened, and the args it runs are accepted by the audit command\'s parser', async () => {
    const { chart } = hardenedChart('platform');
    new ClusterAuditCronJob(chart, 'audit', { image: IMAGE });
    const file = join(dirs.dir(), 'audit.yaml');
    writeFileSync(file, Testing.synth(chart).map((o) => stringify(o)).join('---\n'));
    const r = await cli(['check', '--profile', 'hardened', file]);
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(r.stdout).toMatch(/^PASS /m);
    for (const props of [{}, { profile: 'pss-baseline' as const, format: 'sarif' as const, failOn: 'error' as const }]) {
      const io: CliIo = { stdout: () => undefined, stderr: () => undefined, readStdin: () => '', stdoutIsTTY: false, env: {}, parseOnly: true };
      expect(await runCli(clusterAuditArgs(props), io)).toBe(0);
    }
  });

  test('a bad image or command fails at construction, naming the prop', () => {
    const { chart } = hardenedChart('platform');
    expect(() => new ClusterAuditCronJob(chart, 'a', { image: 'ghcr.io/acme/audit:latest' })).toThrow(HardeningError);
    expect(() => new ClusterAuditCronJob(chart, 'b', { image: IMAGE, name: 'b', command: [] })).toThrow(/ClusterAuditCronJob "b": command must list the program/);
  });
});
