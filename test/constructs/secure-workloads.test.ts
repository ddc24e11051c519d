import { ApiObject, JsonPatch } from 'cdk8s';
import {
  HardeningError, SecureCronJob, SecureDeployment, SecureJob, SecureStatefulSet,
} from '../../src/constructs';
import { SUPPRESSION_ANNOTATION_PREFIX } from '../../src/policy/suppressions';
import { container, findings, hardenedChart, json, only, problems, RESOURCES, synth } from './support';

const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;

describe('SecureDeployment', () => {
  test('explicit name, label selector (no hashes), replicas, hardened template, ClusterIP Service', () => {
    const { app, chart } = hardenedChart();
    const d = new SecureDeployment(chart, 'api', {
      labels: { 'app.kubernetes.io/part-of': 'shop' },
      containers: [container()],
      service: { ports: [{ port: 80, targetPort: 'http' }] },
    });
    const objects = synth(chart);
    const dep = only(objects, 'Deployment');
    expect(dep.metadata).toEqual({
      name: 'api',
      namespace: 'team-a',
      labels: { 'app.kubernetes.io/part-of': 'shop', 'app.kubernetes.io/name': 'api' },
    });
    expect(dep.spec.replicas).toBe(2);
    expect(dep.spec.selector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'api' } });
    expect(dep.spec.template.metadata.labels).toEqual({ 'app.kubernetes.io/part-of': 'shop', 'app.kubernetes.io/name': 'api' });
    expect(JSON.stringify(objects)).not.toMatch(/cdk8s\.io\/metadata\.addr/);
    expect(dep.spec.template.spec.serviceAccountName).toBe('api');
    expect(dep.spec.template.spec.containers[0].securityContext.capabilities).toEqual({ drop: ['ALL'] });

    const svc = only(objects, 'Service', 'api');
    expect(svc.spec).toEqual({
      type: 'ClusterIP',
      selector: { 'app.kubernetes.io/name': 'api' },
      ports: [{ port: 80, targetPort: 'http', protocol: 'TCP' }],
    });
    expect(d.service).toBeDefined();
    expect(ApiObject.of(d)).toBe(d.apiObject);
    expect(problems(app)).toEqual([]);
  });

  test('every container of a Deployment needs liveness and readiness probes', () => {
    const { chart } = hardenedChart();
    const { readinessProbe: _r, ...noReadiness } = container();
    expect(() => new SecureDeployment(chart, 'api', { containers: [noReadiness] }))
      .toThrow(/SecureDeployment "api": readinessProbe is missing .*traffic reaches a container that is not ready/);
  });

  test('image rules: latest and untagged refused with the safe alternative; pull policy follows the pin', () => {
    const { chart } = hardenedChart();
    expect(() => new SecureDeployment(chart, 'a', { containers: [container({ image: 'nginx:latest' })] }))
      .toThrow('SecureDeployment "a": image "nginx:latest" uses the mutable tag latest: pin a version tag or a digest (nginx:1.2.3 or nginx@sha256:...)');
    expect(() => new SecureDeployment(chart, 'b', { containers: [container({ image: 'nginx' })] })).toThrow(/has no tag/);
    expect(() => new SecureDeployment(chart, 'c', { containers: [container({ image: 'nginx@sha256:abc' })] })).toThrow(/malformed digest/);
    expect(() => new SecureDeployment(chart, 'd', { containers: [container({ imagePullPolicy: 'IfNotPresent' })] }))
      .toThrow(/containers\[0\]\.imagePullPolicy|imagePullPolicy "IfNotPresent" with the mutable tag/);
    expect(() => new SecureDeployment(chart, 'e', { containers: [container({ imagePullPolicy: 'Never' })] })).toThrow(HardeningError);

    const pinned = new SecureDeployment(chart, 'f', { containers: [container({ image: `registry:5000/team/app@${DIGEST}` })] });
    expect(json(pinned.apiObject).spec.template.spec.containers[0].imagePullPolicy).toBe('IfNotPresent');
    const tagged = new SecureDeployment(chart, 'g', { containers: [container({ image: 'registry:5000/team/app:2.0' })] });
    expect(json(tagged.apiObject).spec.template.spec.containers[0].imagePullPolicy).toBe('Always');
  });

  test('resources are required and checked', () => {
    const { chart } = hardenedChart();
    expect(() => new SecureDeployment(chart, 'a', { containers: [container({ resources: undefined })] })).toThrow(/must set requests and limits/);
    expect(() => new SecureDeployment(chart, 'b', {
      containers: [container({ resources: { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '500m', memory: '1Gi' } } })],
    })).toThrow(/cpu request 1 exceeds the limit 500m/);
    expect(() => new SecureDeployment(chart, 'c', {
      containers: [container({ resources: { requests: { cpu: 'lots', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } } })],
    })).toThrow(/requests\.cpu "lots" is not a positive Kubernetes quantity/);
  });

  test('identity: never root, defaults to 10001, accepts other non-root ids', () => {
    const { app, chart } = hardenedChart();
    for (const key of ['runAsUser', 'runAsGroup', 'fsGroup'] as const) {
      expect(() => new SecureDeployment(chart, `root-${key.toLowerCase()}`, { identity: { [key]: 0 }, containers: [container()] }))
        .toThrow(new RegExp(`identity\\.${key} 0 runs the pod as root`));
    }
    const d = new SecureDeployment(chart, 'pg', { identity: { runAsUser: 999, runAsGroup: 999, fsGroup: 999 }, containers: [container()] });
    expect(json(d.apiObject).spec.template.spec.securityContext).toMatchObject({ runAsUser: 999, runAsGroup: 999, fsGroup: 999, runAsNonRoot: true });
    expect(findings(app).filter((f) => f.severity === 'error')).toEqual([]);
  });

  test('capabilities: only NET_BIND_SERVICE may be added back', () => {
    const { chart } = hardenedChart();
    const ok = new SecureDeployment(chart, 'ok', { containers: [container({ addCapabilities: ['NET_BIND_SERVICE'] })] });
    expect(json(ok.apiObject).spec.template.spec.containers[0].securityContext.capabilities).toEqual({ drop: ['ALL'], add: ['NET_BIND_SERVICE'] });
    expect(() => new SecureDeployment(chart, 'bad', { containers: [container({ addCapabilities: ['SYS_ADMIN'] })] }))
      .toThrow(/capability SYS_ADMIN is not allowed by Pod Security "restricted"/);
  });

  test('volumes: writable paths get emptyDirs, secrets mount read-only as files, secret env refs and hostPath are refused', () => {
    const { app, chart } = hardenedChart();
    const d = new SecureDeployment(chart, 'api', {
      containers: [container({
        writablePaths: ['/tmp', { path: '/var/cache/app', sizeLimit: '1Gi', medium: 'Memory' }],
        volumeMounts: [{ volume: 'creds', mountPath: '/run/secrets/app' }],
        env: { LOG_LEVEL: 'info', POD_NAME: { fieldRef: { fieldPath: 'metadata.name' } } },
      })],
      volumes: [{ name: 'creds', secret: { secretName: 'app-creds' } }],
    });
    const spec = json(d.apiObject).spec.template.spec;
    expect(spec.volumes).toEqual([
      { name: 'creds', secret: { secretName: 'app-creds', defaultMode: 0o440 } },
      { name: 'app-tmp', emptyDir: { sizeLimit: '512Mi' } },
      { name: 'app-var-cache-app', emptyDir: { sizeLimit: '1Gi', medium: 'Memory' } },
    ]);
    expect(spec.containers[0].volumeMounts).toEqual([
      { name: 'app-tmp', mountPath: '/tmp' },
      { name: 'app-var-cache-app', mountPath: '/var/cache/app' },
      { name: 'creds', mountPath: '/run/secrets/app', readOnly: true },
    ]);
    expect(spec.containers[0].env).toEqual([
      { name: 'LOG_LEVEL', value: 'info' },
      { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
    ]);
    expect(problems(app)).toEqual([]);

    expect(() => new SecureDeployment(chart, 'a', {
      containers: [container({ env: { DB_PASSWORD: { secretKeyRef: { name: 's', key: 'k' } } } })],
    })).toThrow(/reads a Secret into an environment variable.*mount the Secret as a file/);
    expect(() => new SecureDeployment(chart, 'b', {
      containers: [container()],
      volumes: [{ name: 'host', hostPath: { path: '/' } } as any],
    })).toThrow(/hostPath and other node-level volumes are refused/);
    expect(() => new SecureDeployment(chart, 'c', {
      containers: [container({ volumeMounts: [{ volume: 'nope', mountPath: '/x' }] })],
    })).toThrow(/volume "nope" is not declared/);
  });

  test('a projected, expiring ServiceAccount token replaces the automounted one', () => {
    const { app, chart } = hardenedChart();
    const d = new SecureDeployment(chart, 'api', { containers: [container()], serviceAccountToken: { audience: 'vault', expirationSeconds: 900 } });
    const spec = json(d.apiObject).spec.template.spec;
    expect(spec.automountServiceAccountToken).toBe(false);
    expect(spec.volumes[0].projected.sources[0]).toEqual({ serviceAccountToken: { path: 'token', expirationSeconds: 900, audience: 'vault' } });
    expect(spec.containers[0].volumeMounts).toContainEqual({ name: 'serviceaccount-token', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true });
    expect(problems(app)).toEqual([]);
  });

  test('the ServiceAccount: dedicated by default, "default" refused, an existing one may be named', () => {
    const { chart } = hardenedChart();
    expect(() => new SecureDeployment(chart, 'a', { serviceAccount: { name: 'default' }, containers: [container()] }))
      .toThrow(/"default" ServiceAccount is shared/);
    const d = new SecureDeployment(chart, 'b', { serviceAccount: { name: 'shared-reader', create: false }, containers: [container()] });
    expect(d.serviceAccount).toBeUndefined();
    expect(json(d.apiObject).spec.template.spec.serviceAccountName).toBe('shared-reader');
  });

  test('a Service port must target a declared container port', () => {
    const { chart } = hardenedChart();
    expect(() => new SecureDeployment(chart, 'api', { containers: [container()], service: { ports: [{ port: 80, targetPort: 9090 }] } }))
      .toThrow(/targetPort 9090 is not a port any container declares/);
  });

  test('escape hatches leave a suppression annotation with the reason', () => {
    const { app, chart } = hardenedChart();
    const d = new SecureDeployment(chart, 'legacy', {
      containers: [container()],
      exceptions: { writableRootFilesystem: 'vendor image writes to /opt/app/work at runtime' },
    });
    const obj = json(d.apiObject);
    expect(obj.spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem).toBe(false);
    expect(obj.metadata.annotations).toEqual({
      [`${SUPPRESSION_ANNOTATION_PREFIX}workload-read-only-root-fs`]: 'vendor image writes to /opt/app/work at runtime',
    });
    expect(problems(app)).toEqual([]);
    expect(() => new SecureDeployment(chart, 'x', { containers: [container()], exceptions: { writableRootFilesystem: 'because' } }))
      .toThrow(/reason shorter than 10 letters or digits/);

    d.suppress('workload-probes', 'legacy app has no health endpoint yet');
    expect(json(d.apiObject).metadata.annotations[`${SUPPRESSION_ANNOTATION_PREFIX}workload-probes`]).toBe('legacy app has no health endpoint yet');
  });

  test('the escape hatch patches real Kubernetes field names and nothing is dropped', () => {
    const { chart } = hardenedChart();
    const d = new SecureDeployment(chart, 'api', { containers: [container()] });
    ApiObject.of(d).addJsonPatch(JsonPatch.add('/spec/template/spec/hostAliases', [{ ip: '10.0.0.1', hostnames: ['db'] }]));
    expect(json(d.apiObject).spec.template.spec.hostAliases).toEqual([{ ip: '10.0.0.1', hostnames: ['db'] }]);
  });
});

describe('SecureStatefulSet', () => {
  test('governing headless Service, claim templates mounted by name, replicas 1', () => {
    const { app, chart } = hardenedChart();
    const s = new SecureStatefulSet(chart, 'db', {
      containers: [container({
        ports: [{ containerPort: 5432, name: 'pg' }],
        livenessProbe: { tcpSocket: { port: 'pg' } },
        readinessProbe: { exec: { command: ['pg_isready'] } },
        writablePaths: ['/var/run/postgresql', '/tmp'],
        volumeMounts: [{ volume: 'data', mountPath: '/var/lib/postgresql/data' }],
      })],
      volumeClaimTemplates: [{ name: 'data', storage: '10Gi', storageClassName: 'fast' }],
      service: { ports: [{ port: 5432, targetPort: 'pg', name: 'pg' }] },
    });
    const objects = synth(chart);
    const sts = only(objects, 'StatefulSet', 'db');
    expect(sts.spec.replicas).toBe(1);
    expect(sts.spec.serviceName).toBe('db');
    expect(sts.spec.volumeClaimTemplates).toEqual([{
      metadata: { name: 'data' },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } }, storageClassName: 'fast' },
    }]);
    expect(sts.spec.template.spec.containers[0].volumeMounts).toContainEqual({ name: 'data', mountPath: '/var/lib/postgresql/data', readOnly: false });
    const svc = only(objects, 'Service', 'db');
    expect(svc.spec).toMatchObject({ type: 'ClusterIP', clusterIP: 'None', ports: [{ port: 5432, targetPort: 'pg', name: 'pg', protocol: 'TCP' }] });
    expect(s.service).toBeDefined();
    expect(problems(app)).toEqual([]);
  });
});

describe('SecureJob and SecureCronJob', () => {
  const task = { name: 'task', image: 'registry.example.com/jobs/report:3.1.0', args: ['--once'], resources: RESOURCES };

  test('a Job: restartPolicy Never, backoffLimit 3, no probes required', () => {
    const { app, chart } = hardenedChart();
    new SecureJob(chart, 'report', { containers: [task], ttlSecondsAfterFinished: 600 });
    const job = only(synth(chart), 'Job', 'report');
    expect(job.spec).toMatchObject({ backoffLimit: 3, ttlSecondsAfterFinished: 600 });
    expect(job.spec.selector).toBeUndefined();
    expect(job.spec.template.spec).toMatchObject({ restartPolicy: 'Never', automountServiceAccountToken: false, serviceAccountName: 'report' });
    expect(problems(app)).toEqual([]);
    expect(() => new SecureJob(chart, 'x', { containers: [task], restartPolicy: 'Always' as any })).toThrow(/restartPolicy "Always" is not allowed/);
  });

  test('a CronJob: schedule checked, concurrency Forbid, 52-character names', () => {
    const { app, chart } = hardenedChart();
    new SecureCronJob(chart, 'nightly', { schedule: '0 3 * * *', timeZone: 'Europe/Berlin', containers: [task] });
    const cj = only(synth(chart), 'CronJob', 'nightly');
    expect(cj.spec).toMatchObject({ schedule: '0 3 * * *', timeZone: 'Europe/Berlin', concurrencyPolicy: 'Forbid' });
    expect(cj.spec.jobTemplate.spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem).toBe(true);
    expect(cj.spec.jobTemplate.spec.template.spec.restartPolicy).toBe('Never');
    expect(problems(app)).toEqual([]);
    expect(() => new SecureCronJob(chart, 'tz', { schedule: 'TZ=UTC 0 3 * * *', containers: [task] })).toThrow(/move it to timeZone/);
    expect(() => new SecureCronJob(chart, 'bad', { schedule: 'daily', containers: [task] })).toThrow(/is not a cron expression/);
    expect(() => new SecureCronJob(chart, 'n', { name: 'a'.repeat(53), schedule: '@daily', containers: [task] })).toThrow(/at most 52 characters/);
  });
});
