import { parse } from 'yaml';
import { CrdError, createSchemaRule } from '../../src/schema';
import { applyCrdDefaults } from '../../src/schema/crd';
import { evaluate } from '../../src/catalogue';
import { check, messages } from './helpers';

/** A CRD as controller-gen writes them: structural, int-or-string, preserve-unknown-fields, an embedded resource. */
const WIDGET_CRD = parse(`
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  scope: Namespaced
  names: { kind: Widget, plural: widgets, singular: widget, listKind: WidgetList }
  versions:
    - name: v1alpha1
      served: false
      storage: false
      schema:
        openAPIV3Schema: { type: object }
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              required: [size]
              properties:
                size:
                  type: integer
                  minimum: 1
                  maximum: 10
                color:
                  type: string
                  enum: [red, green]
                port:
                  x-kubernetes-int-or-string: true
                  anyOf: [{ type: integer }, { type: string }]
                memory:
                  anyOf: [{ type: integer }, { type: string }]
                  pattern: '^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$'
                  x-kubernetes-int-or-string: true
                ratio:
                  type: number
                  exclusiveMinimum: true
                  minimum: 0
                tags:
                  type: array
                  maxItems: 2
                  items: { type: string, minLength: 2 }
                labels:
                  type: object
                  additionalProperties: { type: string }
                config:
                  type: object
                  x-kubernetes-preserve-unknown-fields: true
                  properties:
                    level: { type: integer }
                template:
                  type: object
                  x-kubernetes-embedded-resource: true
                  properties:
                    spec:
                      type: object
                      x-kubernetes-preserve-unknown-fields: true
                source:
                  type: object
                  properties:
                    git: { type: string }
                    oci: { type: string }
                  oneOf:
                    - required: [git]
                    - required: [oci]
                empty:
                  type: object
                created:
                  type: string
                  format: date-time
                id:
                  type: string
                  format: uuid
            status:
              type: object
              properties:
                ready: { type: boolean }
`);

const widget = (spec: object, apiVersion = 'example.com/v1') => ({ apiVersion, kind: 'Widget', metadata: { name: 'w', namespace: 'shop' }, spec });

describe('custom resources without a schema', () => {
  test('get one info finding naming the kind and --crd', () => {
    const object = { apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name: 'm' }, spec: { anything: 1 } };
    expect(check(object)).toEqual([{
      path: [],
      severity: 'info',
      message: 'not schema-checked: no schema for cert-manager.io/v1 Certificate; check its CRD with it or pass it with --crd',
      remediation: expect.stringContaining('--crd'),
    }]);
  });

  test.each(['gateway.networking.k8s.io/v1', 'cluster.x-k8s.io/v1beta1', 'snapshot.storage.k8s.io/v1', 'kustomize.config.k8s.io/v1beta1',
    // Kubernetes SIG projects installed as CRDs were "not served by Kubernetes 1.28" errors.
    'autoscaling.k8s.io/v1', 'externaldns.k8s.io/v1alpha1'])(
    'out-of-tree groups under k8s.io are custom resources too: %s', (apiVersion) => {
      expect(check({ apiVersion, kind: 'Thing', metadata: { name: 'x' } })).toEqual([expect.objectContaining({ severity: 'info' })]);
    });
});

describe('CRD-based validation', () => {
  const rule = createSchemaRule({ crds: [WIDGET_CRD] });

  test('a valid custom resource passes', () => {
    const object = widget({
      size: 3, color: 'red', port: 'http', memory: '1Gi', ratio: 0.5, tags: ['ab'], labels: { a: 'b' },
      config: { level: 2, anything: { goes: true } },
      template: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', labels: { a: 'b' } }, spec: { free: 'form' } },
      source: { git: 'https://example.com/repo.git' },
      empty: {},
      created: '2024-01-31T12:00:00Z',
      id: 'not-checked-format',
    });
    expect(check({ ...object, status: { ready: true } }, rule)).toEqual([]);
  });

  test('unknown fields are rejected unless x-kubernetes-preserve-unknown-fields', () => {
    expect(messages(widget({ size: 1, colour: 'red', config: { level: 1, extra: 1 } }), rule))
      .toEqual(['unknown field spec.colour (did you mean color?)']);
    expect(messages({ ...widget({ size: 1 }), extra: true }, rule)).toEqual(['unknown field extra']);
    expect(messages(widget({ size: 1, empty: { x: 1 } }), rule)).toEqual(['unknown field spec.empty.x']);
    expect(messages(widget({ size: 1, template: { kind: 'ConfigMap', bogus: 1 } }), rule)).toEqual(['unknown field spec.template.bogus']);
  });

  test('metadata is ObjectMeta', () => {
    expect(messages({ ...widget({ size: 1 }), metadata: { name: 'w', lables: {} } }, rule)).toEqual(['unknown field metadata.lables (did you mean labels?)']);
  });

  test('types, required, enum, bounds, lengths', () => {
    expect(messages(widget({ color: 'blue', size: 'big' }), rule)).toEqual([
      'spec.color must be one of "red", "green", not the string "blue"',
      'spec.size must be an integer, not the string "big"',
    ]);
    expect(messages(widget({ color: 'red' }), rule)).toEqual(['missing required field spec.size']);
    expect(messages(widget({ size: 11, ratio: 0, tags: ['a', 'bc', 'de'] }), rule)).toEqual([
      'spec.size must be <= 10, not 11',
      'spec.ratio must be > 0, not 0',
      'spec.tags must have at most 2 items',
      'spec.tags[0] must be at least 2 characters long',
    ]);
  });

  test('int-or-string with a pattern (quantity-like)', () => {
    expect(messages(widget({ size: 1, port: 1.5, memory: '1GB' }), rule)).toEqual([
      'spec.port must be an integer or a string, not the number 1.5',
      expect.stringMatching(/^spec\.memory must match the pattern .*, not the string "1GB"$/),
    ]);
  });

  test('oneOf: no branch or two branches match', () => {
    expect(messages(widget({ size: 1, source: {} }), rule)).toEqual(['spec.source needs git, or oci']);
    expect(messages(widget({ size: 1, source: { git: 'a', oci: 'b' } }), rule))
      .toEqual(['spec.source matches more than one of the forms its schema allows']);
  });

  test('a version the CRD does not serve is an error naming the served one', () => {
    expect(messages(widget({ size: 1 }, 'example.com/v1alpha1'), rule))
      .toEqual(['example.com/v1alpha1 Widget is not served: its CustomResourceDefinition widgets.example.com sets served: false for v1alpha1 (use example.com/v1)']);
    expect(messages(widget({ size: 1 }, 'example.com/v2'), rule))
      .toEqual(['example.com/v2 Widget is not served by its CustomResourceDefinition widgets.example.com (served versions: v1)']);
  });

  test('without the CRD the same object is only noted', () => {
    expect(check(widget({ colour: 'x' }))).toEqual([expect.objectContaining({ severity: 'info' })]);
  });

  test('a CRD for a group under k8s.io (Gateway API) is used', () => {
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'httproutes.gateway.networking.k8s.io' },
      spec: {
        group: 'gateway.networking.k8s.io', names: { kind: 'HTTPRoute', plural: 'httproutes' }, scope: 'Namespaced',
        versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { hostnames: { type: 'array', items: { type: 'string' } } } } } } } }],
      },
    };
    const gateway = createSchemaRule({ crds: [crd] });
    expect(messages({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'r' }, spec: { hostname: ['a'] } }, gateway))
      .toEqual(['unknown field spec.hostname (did you mean hostnames?)']);
  });

  test('objects that are not CRDs are ignored; CRDs that cannot be used throw at construction', () => {
    expect(() => createSchemaRule({ crds: [{ apiVersion: 'v1', kind: 'ConfigMap' }, null, 'text'] })).not.toThrow();
    expect(() => createSchemaRule({ crds: [{ ...WIDGET_CRD, apiVersion: 'apiextensions.k8s.io/v1beta1' }] }))
      .toThrow(new CrdError('crds[0] (CustomResourceDefinition widgets.example.com): apiVersion apiextensions.k8s.io/v1beta1 is not served by Kubernetes 1.28; convert it to apiextensions.k8s.io/v1'));
    expect(() => createSchemaRule({ crds: [{ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', spec: {} }] }))
      .toThrow(/spec\.group, spec\.names\.kind and spec\.versions are required/);
  });

  test('a CRD schema that does not compile is reported on the object, not thrown', () => {
    const broken = {
      apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'bad.example.com' },
      spec: { group: 'example.com', names: { kind: 'Bad' }, versions: [{ name: 'v1', served: true, schema: { openAPIV3Schema: { type: 'object', properties: { a: { type: 'integer', minimum: 'one' } } } } }] },
    };
    const [v] = check({ apiVersion: 'example.com/v1', kind: 'Bad', metadata: { name: 'b' } }, createSchemaRule({ crds: [broken] }));
    expect(v.message).toMatch(/^cannot check example\.com\/v1 Bad: the schema in CustomResourceDefinition bad\.example\.com does not compile/);
  });

  test('a pattern JavaScript cannot read (RE2 flags) is left unchecked', () => {
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 're.example.com' },
      spec: { group: 'example.com', names: { kind: 'Re' }, versions: [{ name: 'v1', served: true, schema: { openAPIV3Schema: { type: 'object', properties: { a: { type: 'string', pattern: '(?i)^abc$' } } } } }] },
    };
    expect(check({ apiVersion: 'example.com/v1', kind: 'Re', metadata: { name: 'r' }, a: 'ABC' }, createSchemaRule({ crds: [crd] }))).toEqual([]);
  });

  test('a CustomResourceDefinition object itself is checked against the built-in schema', () => {
    expect(check(WIDGET_CRD)).toEqual([]);
    const typo = JSON.parse(JSON.stringify(WIDGET_CRD));
    typo.spec.versions[1].schema.openAPIV3Schema.properties.spec.propertise = {};
    expect(messages(typo)).toEqual(['unknown field spec.versions[1].schema.openAPIV3Schema.properties.spec.propertise (did you mean properties?)']);
  });
});

describe('CRD defaults are applied before validation, as the API server does', () => {
  const schema = parse(`
type: object
properties:
  spec:
    type: object
    properties:
      mode: {type: string, default: Auto}
      limits:
        type: object
        default: {}
        properties:
          max: {type: integer, default: 10}
      ports:
        type: array
        items:
          type: object
          properties:
            protocol: {type: string, default: TCP}
      byName:
        type: object
        additionalProperties:
          type: object
          properties:
            weight: {type: integer, default: 1}
`);

  test('absent fields get their defaults, nested defaults too, in list items and map values; the input is not changed', () => {
    const input = { spec: { ports: [{}, { protocol: 'UDP' }], byName: { a: {}, b: { weight: 3 } } } };
    const frozen = JSON.stringify(input);
    expect(applyCrdDefaults(input, schema)).toEqual({
      spec: { mode: 'Auto', limits: { max: 10 }, ports: [{ protocol: 'TCP' }, { protocol: 'UDP' }], byName: { a: { weight: 1 }, b: { weight: 3 } } },
    });
    expect(JSON.stringify(input)).toBe(frozen);
    const complete = { spec: { mode: 'Manual', limits: { max: 2 } } };
    expect(applyCrdDefaults(complete, { type: 'object', properties: { spec: { type: 'object', properties: { mode: { type: 'string', default: 'Auto' } } } } })).toBe(complete);
  });

  test('a CRD of the set replaces a --crd one of the same kind; one that cannot be used is skipped, not thrown', () => {
    const strict = parse(JSON.stringify(WIDGET_CRD));
    const rule = createSchemaRule({ crds: [strict] });
    const loose = parse(JSON.stringify(WIDGET_CRD));
    loose.spec.versions[1].schema.openAPIV3Schema = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
    const w = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'a' }, spec: { size: 'big' } };
    expect(evaluate([{ object: w }], [rule]).filter((f) => f.severity === 'error')).toHaveLength(1);
    expect(evaluate([{ object: loose }, { object: w }], [rule]).filter((f) => f.severity === 'error')).toEqual([]);
    const broken = { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'bad.example.com' }, spec: {} };
    const findings = evaluate([{ object: broken }, { object: w }], [rule]);
    expect(findings.some((f) => /failed on this object/.test(f.message))).toBe(false);
    expect(findings.filter((f) => f.object.kind === 'Widget' && f.severity === 'error')).toHaveLength(1);
  });
});
