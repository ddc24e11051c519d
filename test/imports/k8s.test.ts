/**
 * src/imports/k8s.ts is generated (src/imports/README.md): it must be exactly what the generator makes from the
 * vendored definitions with the pinned cdk8s-cli, and it must be what the constructs emit through.
 */
import { spawnSync } from 'child_process';
import { join } from 'path';
import { ApiObject, Testing } from 'cdk8s';
import * as k8s from '../../src/imports/k8s';

const ROOT = join(__dirname, '..', '..');

test('src/imports/k8s.ts is the current output of `npx projen import-k8s`', () => {
  const r = spawnSync(process.execPath, [join(ROOT, 'src', 'imports', 'tools', 'import-k8s.js'), '--check'], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
});

test('the converters write the API\'s JSON keys and drop nothing the props hold', () => {
  const json = k8s.toJson_PodSpec({
    hostPid: false,
    containers: [{ name: 'app', image: 'nginx:1.27.2', ports: [{ containerPort: 8080 }],
      resources: { limits: { memory: k8s.Quantity.fromString('256Mi') } } }],
    securityContext: { seccompProfile: { type: 'RuntimeDefault' } },
  });
  expect(json).toEqual({
    hostPID: false,
    containers: [{ name: 'app', image: 'nginx:1.27.2', ports: [{ containerPort: 8080 }], resources: { limits: { memory: '256Mi' } } }],
    securityContext: { seccompProfile: { type: 'RuntimeDefault' } },
  });
  expect(k8s.IntOrString.fromNumber(53).value).toBe(53);
});

test('a generated Kube* construct is a cdk8s ApiObject with the 1.28 apiVersion and kind', () => {
  const chart = Testing.chart();
  const pvc = new k8s.KubePersistentVolumeClaim(chart, 'data', {
    metadata: { name: 'data' },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: k8s.Quantity.fromString('1Gi') } } },
  });
  expect(ApiObject.isApiObject(pvc)).toBe(true);
  expect(Testing.synth(chart)).toEqual([{
    apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data' },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
  }]);
});
