import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing } from 'cdk8s';
import { buildReferenceApp, IMAGES } from '../../examples/reference/app';
import { isFailing } from '../../src/policy/engine';
import { SynthReport } from '../../src/synth';

function tmpdir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'reference-app-'));
}

function build(outdir = tmpdir()) {
  const reports: SynthReport[] = [];
  const built = buildReferenceApp({ outdir, onReport: (r) => reports.push(r) });
  return { ...built, reports, outdir };
}

describe('reference example', () => {
  test('synthesizes with zero error (and zero warning) findings under the hardened profile', () => {
    const { app, reports } = build();
    app.synthYaml();
    expect(reports).toHaveLength(1);
    const report = reports[0];
    expect(report.profile).toBe('hardened');
    expect(report.failing).toEqual([]);
    expect(report.findings.filter((f) => isFailing(f, 'warning'))).toEqual([]);
    // The only notes allowed: images are pinned by tag, not digest (documented in the example).
    const notes = report.findings.filter((f) => !f.suppressed);
    expect([...new Set(notes.map((f) => f.ruleId))].filter((id) => id !== 'workload-image-digest')).toEqual([]);
    expect(report.findings.filter((f) => f.suppressed)).toEqual([]);
  });

  test('is byte-identical across two builds and two synths to disk', () => {
    const a = build();
    const b = build();
    expect(a.app.synthYaml()).toEqual(b.app.synthYaml());

    a.app.synth();
    b.app.synth();
    const files = fs.readdirSync(a.outdir).sort();
    expect(files).toEqual(['backend.k8s.yaml', 'frontend.k8s.yaml']);
    for (const f of files) {
      expect(fs.readFileSync(path.join(a.outdir, f), 'utf8')).toEqual(fs.readFileSync(path.join(b.outdir, f), 'utf8'));
    }
  });

  test('honours CDK8S_OUTDIR like a cdk8s App', () => {
    const dir = tmpdir();
    const before = process.env.CDK8S_OUTDIR;
    process.env.CDK8S_OUTDIR = dir;
    try {
      const { app } = buildReferenceApp({ onReport: () => undefined });
      expect(app.outdir).toBe(dir);
      app.synth();
      expect(fs.readdirSync(dir).sort()).toEqual(['backend.k8s.yaml', 'frontend.k8s.yaml']);
    } finally {
      if (before === undefined) {
        delete process.env.CDK8S_OUTDIR;
      } else {
        process.env.CDK8S_OUTDIR = before;
      }
    }
  });

  test('main.ts synthesizes to CDK8S_OUTDIR when run', () => {
    const dir = tmpdir();
    const root = path.join(__dirname, '..', '..');
    execFileSync(process.execPath, ['-r', 'ts-node/register/transpile-only', path.join(root, 'examples', 'reference', 'main.ts')], {
      cwd: root,
      env: { ...process.env, CDK8S_OUTDIR: dir },
      stdio: 'pipe',
    });
    const { app } = build();
    const expected = app.synthYaml();
    const written = ['frontend', 'backend'].map((c) => fs.readFileSync(path.join(dir, `${c}.k8s.yaml`), 'utf8'));
    expect(written.join('---\n')).toEqual(expected);
  }, 60_000);

  test('one chart per namespace; every name explicit; every namespaced object in its chart\'s namespace', () => {
    const { frontend, backend } = build();
    const front = Testing.synth(frontend);
    const back = Testing.synth(backend);
    const names = (objects: any[]) => objects.map((o) => `${o.kind}/${o.metadata.name}`).sort();
    expect(names(front)).toEqual([
      'ConfigMap/web-nginx', 'Deployment/web', 'LimitRange/frontend-limits', 'Namespace/frontend', 'NetworkPolicy/allow-dns',
      'NetworkPolicy/default-deny', 'NetworkPolicy/web-to-api-egress', 'ResourceQuota/frontend-quota', 'Service/web',
      'ServiceAccount/default', 'ServiceAccount/web',
    ]);
    expect(names(back)).toEqual([
      'Deployment/api', 'LimitRange/backend-limits', 'Namespace/backend', 'NetworkPolicy/allow-dns',
      'NetworkPolicy/api-to-postgres-egress', 'NetworkPolicy/api-to-postgres-ingress', 'NetworkPolicy/default-deny',
      'NetworkPolicy/web-to-api-ingress', 'ResourceQuota/backend-quota', 'Role/pod-reader', 'RoleBinding/pod-reader',
      'Service/api', 'Service/postgres', 'ServiceAccount/api', 'ServiceAccount/default', 'ServiceAccount/postgres',
      'StatefulSet/postgres',
    ]);
    for (const [objects, ns] of [[front, 'frontend'], [back, 'backend']] as const) {
      for (const o of objects) {
        expect(o.metadata.namespace).toBe(o.kind === 'Namespace' ? undefined : ns);
      }
      expect(objects[0].kind).toBe('Namespace');
      expect(objects.find((o: any) => o.kind === 'Namespace').metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
    }
    expect(JSON.stringify([front, back])).not.toMatch(/cdk8s\.io\/metadata\.addr/);
  });

  test('network: frontend -> api on 8080, api -> postgres on 5432, DNS, nothing else', () => {
    const { frontend, backend } = build();
    const policies = [...Testing.synth(frontend), ...Testing.synth(backend)].filter((o) => o.kind === 'NetworkPolicy');
    const byName = (ns: string, name: string) => policies.find((p) => p.metadata.namespace === ns && p.metadata.name === name);
    const api = { 'app.kubernetes.io/name': 'api' };
    expect(byName('frontend', 'web-to-api-egress').spec.egress).toEqual([{
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'backend' } }, podSelector: { matchLabels: api } }],
      ports: [{ protocol: 'TCP', port: 8080 }],
    }]);
    expect(byName('backend', 'web-to-api-ingress').spec).toMatchObject({ podSelector: { matchLabels: api }, policyTypes: ['Ingress'] });
    expect(byName('backend', 'api-to-postgres-ingress').spec).toEqual({
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'postgres' } },
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ podSelector: { matchLabels: api } }], ports: [{ protocol: 'TCP', port: 5432 }] }],
    });
    for (const ns of ['frontend', 'backend']) {
      expect(byName(ns, 'default-deny').spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    }
    // Every allow rule names its peers and its ports.
    for (const p of policies.filter((x) => x.metadata.name !== 'default-deny')) {
      for (const rule of [...(p.spec.ingress ?? []), ...(p.spec.egress ?? [])]) {
        expect((rule.from ?? rule.to).length).toBeGreaterThan(0);
        expect(rule.ports.length).toBeGreaterThan(0);
      }
    }
  });

  test('postgres: non-root 10001, PGDATA on the claim, writable socket dir, /tmp and /dev/shm, headless service', () => {
    const { backend } = build();
    const objects = Testing.synth(backend);
    const sts = objects.find((o) => o.kind === 'StatefulSet');
    const pod = sts.spec.template.spec;
    expect(pod.securityContext).toMatchObject({ runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    const c = pod.containers[0];
    expect(c.image).toBe(IMAGES.postgres);
    expect(c.securityContext.readOnlyRootFilesystem).toBe(true);
    expect(c.env).toContainEqual({ name: 'PGDATA', value: '/var/lib/postgresql/data/pgdata' });
    expect(c.volumeMounts.map((m: any) => m.mountPath).sort()).toEqual(['/dev/shm', '/run/secrets/postgres', '/tmp', '/var/lib/postgresql/data', '/var/run/postgresql']);
    expect(sts.spec.volumeClaimTemplates[0]).toMatchObject({ metadata: { name: 'data' }, spec: { resources: { requests: { storage: '10Gi' } } } });
    expect(sts.spec.serviceName).toBe('postgres');
    expect(objects.find((o) => o.kind === 'Service' && o.metadata.name === 'postgres').spec).toMatchObject({ clusterIP: 'None', type: 'ClusterIP' });
  });

  test('api: pod-reader Role bound to its own ServiceAccount, reached through a projected token', () => {
    const { backend } = build();
    const objects = Testing.synth(backend);
    expect(objects.find((o) => o.kind === 'Role').rules).toEqual([{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] }]);
    expect(objects.find((o) => o.kind === 'RoleBinding').subjects).toEqual([{ kind: 'ServiceAccount', name: 'api', namespace: 'backend' }]);
    const api = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'api').spec.template.spec;
    expect(api.serviceAccountName).toBe('api');
    expect(api.automountServiceAccountToken).toBe(false);
    expect(api.volumes.find((v: any) => v.projected).projected.sources[0].serviceAccountToken.expirationSeconds).toBe(3600);
    // Images are pinned by version tag; digests would be better but are not invented here.
    for (const image of Object.values(IMAGES)) {
      expect(image).toMatch(/:[0-9][^:@]*$/);
    }
  });

  test('an optional API server egress rule is typed and still passes', () => {
    const reports: SynthReport[] = [];
    const { app, backend } = buildReferenceApp({ outdir: tmpdir(), onReport: (r) => reports.push(r), apiServerCidr: '10.0.0.1/32' });
    app.synthYaml();
    expect(reports[0].failing).toEqual([]);
    const rule = Testing.synth(backend).find((o) => o.metadata.name === 'api-to-kube-apiserver');
    expect(rule.spec.egress).toEqual([{ to: [{ ipBlock: { cidr: '10.0.0.1/32' } }], ports: [{ protocol: 'TCP', port: 443 }, { protocol: 'TCP', port: 6443 }] }]);
  });
});
