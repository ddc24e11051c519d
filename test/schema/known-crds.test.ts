import { createHash } from 'crypto';
import { existsSync, readFileSync } from 'fs';
import { join } from 'path';
import { parseManifests } from '../../src/input/parse';
import { evaluate } from '../../src/catalogue';
import { createSchemaRule, SCHEMA_RULE } from '../../src/schema';

const DATA = join(__dirname, '..', '..', 'src', 'schema', 'data', 'prometheus-operator');

// The guide's ServiceMonitor (seed lines 351-364), in a namespace.
const GUIDE_MONITOR = `apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: container-monitor
  namespace: team-a
spec:
  selector:
    matchLabels:
      app: container-monitor
  endpoints:
  - port: metrics
    interval: 30s
`;

const check = (yaml: string, rule = SCHEMA_RULE) => evaluate(parseManifests(yaml, 'sm.yaml'), [rule]).map((f) => [f.severity, f.path, f.line, f.message]);

describe('the vendored ServiceMonitor CRD (prometheus-operator v0.93.0, Apache-2.0)', () => {
  test('is the pinned file, with its licence and provenance', () => {
    const bytes = readFileSync(join(DATA, 'servicemonitors.json'));
    expect(createHash('sha256').update(bytes).digest('hex')).toBe('c2c6629c5cfc4195d4ce2c468067f4564167e9f1ffbf2d6778706fc2fc911dd0');
    expect(readFileSync(join(DATA, 'LICENSE'), 'utf8')).toMatch(/Apache License\s+Version 2\.0/);
    expect(readFileSync(join(DATA, 'README.md'), 'utf8')).toMatch(/v0\.93\.0/);
    expect(existsSync(join(DATA, 'servicemonitors.json'))).toBe(true);
  });

  test('validates ServiceMonitors strictly by default: the guide\'s passes, a typo or a wrong type fails', () => {
    expect(check(GUIDE_MONITOR)).toEqual([]);
    expect(check(GUIDE_MONITOR.replace('    interval: 30s', '    intervall: 30s'))).toEqual([
      ['error', 'spec.endpoints[0].intervall', 12, 'unknown field spec.endpoints[0].intervall (did you mean interval?)'],
    ]);
    expect(check(GUIDE_MONITOR.replace('interval: 30s', 'interval: 30 seconds'))).toEqual([
      ['error', 'spec.endpoints[0].interval', 12, expect.stringMatching(/must match the pattern .*, not the string "30 seconds"/)],
    ]);
  });

  test('a ServiceMonitor CRD given with --crd or in the checked set replaces the vendored one', () => {
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'servicemonitors.monitoring.coreos.com' },
      spec: {
        group: 'monitoring.coreos.com', scope: 'Namespaced',
        names: { kind: 'ServiceMonitor', plural: 'servicemonitors', singular: 'servicemonitor', listKind: 'ServiceMonitorList' },
        versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } } } }],
      },
    };
    const typo = GUIDE_MONITOR.replace('    interval: 30s', '    intervall: 30s');
    expect(check(typo, createSchemaRule({ crds: [crd] }))).toEqual([]);
    expect(check(`---\n${JSON.stringify(crd)}\n---\n${typo}`)).toEqual([]);
  });
});
