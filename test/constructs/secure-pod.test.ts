import { ApiObject, App, Chart } from 'cdk8s';
import { HardeningError, SecurePod } from '../../src/constructs';
import { container, hardenedChart, json, only, problems, RESOURCES, synth } from './support';

describe('SecurePod', () => {
  test('emits the restricted pod: identity, seccomp, capabilities, read-only root, no token, own ServiceAccount', () => {
    const { app, chart } = hardenedChart();
    const pod = new SecurePod(chart, 'web', { containers: [container({ writablePaths: ['/tmp'] })] });
    const objects = synth(chart);
    const p = only(objects, 'Pod', 'web');

    expect(p.metadata).toMatchObject({ name: 'web', namespace: 'team-a', labels: { 'app.kubernetes.io/name': 'web' } });
    expect(p.spec.automountServiceAccountToken).toBe(false);
    expect(p.spec.serviceAccountName).toBe('web');
    expect(p.spec.restartPolicy).toBe('Always');
    expect(p.spec.enableServiceLinks).toBe(false);
    expect(p.spec.securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 10001,
      runAsGroup: 10001,
      fsGroup: 10001,
      fsGroupChangePolicy: 'OnRootMismatch',
      seccompProfile: { type: 'RuntimeDefault' },
    });
    const c = p.spec.containers[0];
    expect(c.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(c.imagePullPolicy).toBe('Always');
    expect(c.resources).toEqual({ requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } });
    expect(c.livenessProbe).toEqual({ httpGet: { path: '/healthz', port: 8080 } });
    expect(c.volumeMounts).toEqual([{ name: 'app-tmp', mountPath: '/tmp' }]);
    expect(p.spec.volumes).toEqual([{ name: 'app-tmp', emptyDir: { sizeLimit: '512Mi' } }]);

    const sa = only(objects, 'ServiceAccount', 'web');
    expect(sa).toMatchObject({ metadata: { namespace: 'team-a' }, automountServiceAccountToken: false });
    expect(pod.serviceAccountName).toBe('web');
    expect(ApiObject.of(pod)).toBe(pod.apiObject);
    expect(problems(app)).toEqual([]);
  });

  test('run-to-completion pods need no probes', () => {
    const { app, chart } = hardenedChart();
    new SecurePod(chart, 'once', {
      restartPolicy: 'Never',
      containers: [{ name: 'task', image: 'busybox:1.36.1', command: ['true'], resources: RESOURCES }],
    });
    const p = only(synth(chart), 'Pod', 'once');
    expect(p.spec.restartPolicy).toBe('Never');
    expect(p.spec.containers[0].livenessProbe).toBeUndefined();
    expect(problems(app)).toEqual([]);
  });

  test('a long-running pod without probes is refused, naming the prop and the fix', () => {
    const { chart } = hardenedChart();
    expect(() => new SecurePod(chart, 'web', { containers: [{ name: 'app', image: 'nginx:1.27.2', resources: RESOURCES }] }))
      .toThrow(/^SecurePod "web": livenessProbe is missing on a long-running container: .*set livenessProbe/);
  });

  test('the namespace comes from props, else the chart; default and none are refused', () => {
    const app = new App();
    const noNamespace = new Chart(app, 'plain');
    expect(() => new SecurePod(noNamespace, 'a', { containers: [container()] })).toThrow(/has no namespace .*set props.namespace/);
    expect(() => new SecurePod(noNamespace, 'b', { namespace: 'default', containers: [container()] }))
      .toThrow(/namespace "default" has no Pod Security labels/);
    expect(() => new SecurePod(noNamespace, 'c', { namespace: 'kube-system', containers: [container()] })).toThrow(HardeningError);
    const ok = new SecurePod(noNamespace, 'd', { namespace: 'apps', containers: [container()] });
    expect(json(ok.apiObject).metadata.namespace).toBe('apps');
  });

  test('pod labels and annotations land on the Pod itself', () => {
    const { chart } = hardenedChart();
    const pod = new SecurePod(chart, 'web', {
      containers: [container()],
      podLabels: { tier: 'web' },
      podAnnotations: { 'example.com/owner': 'team-a' },
    });
    expect(json(pod.apiObject).metadata).toMatchObject({
      labels: { 'tier': 'web', 'app.kubernetes.io/name': 'web' },
      annotations: { 'example.com/owner': 'team-a' },
    });
  });
});
