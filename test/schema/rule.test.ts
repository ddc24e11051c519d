import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import { parseManifests } from '../../src/input/parse';
import { evaluate, rulesForProfile, ALL_RULES } from '../../src/catalogue';
import { isFailing } from '../../src/policy/engine';
import { createSchemaRule, SCHEMA_RULE } from '../../src/schema';
import { normalise } from '../../src/schema/validate';

describe('the schema rule in the catalogue', () => {
  test('is first in ALL_RULES, an error, in the schema and hardened packs', () => {
    expect(ALL_RULES[0]).toBe(SCHEMA_RULE);
    expect(SCHEMA_RULE).toMatchObject({ id: 'schema', severity: 'error', profiles: ['schema', 'hardened'], scope: 'object' });
    expect(rulesForProfile('schema')).toEqual([SCHEMA_RULE]);
    expect(rulesForProfile('hardened')).toContain(SCHEMA_RULE);
    expect(rulesForProfile('pss-restricted')).not.toContain(SCHEMA_RULE);
  });

  test('createSchemaRule gives a rule with the same metadata', () => {
    const { check: _a, forSet: _c, ...meta } = createSchemaRule({ crds: [] });
    const { check: _b, forSet: _d, ...expected } = SCHEMA_RULE;
    expect(meta).toEqual(expected);
  });
});

describe('findings from files', () => {
  const yaml = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: three
  template:
    spec:
      containers:
        - name: web
          image: nginx
          securityContext:
            runAsNonroot: true
---
apiVersion: cert-manager.io/v1
kind: Certificate
metadata:
  name: web
spec:
  endpoints: []
---
apiVersion: extensions/v1beta1
kind: Ingress
metadata:
  name: web
`;

  test('carry the rule id, severity, dotted path, message and the line of the field', () => {
    const findings = evaluate(parseManifests(yaml, 'app.yaml'), [SCHEMA_RULE]);
    expect(findings.map((f) => [f.ruleId, f.severity, f.object.kind, f.path, f.line, f.message])).toEqual([
      ['schema', 'error', 'Deployment', 'spec.replicas', 6, 'spec.replicas must be an integer, not the string "three"'],
      ['schema', 'error', 'Deployment', 'spec.template.spec.containers[0].securityContext.runAsNonroot', 13,
        'unknown field spec.template.spec.containers[0].securityContext.runAsNonroot (did you mean runAsNonRoot?)'],
      ['schema', 'error', 'Deployment', 'spec.selector', 5, 'missing required field spec.selector'],
      ['schema', 'info', 'Certificate', '', 15, 'not schema-checked: no schema for cert-manager.io/v1 Certificate; check its CRD with it or pass it with --crd'],
      ['schema', 'error', 'Ingress', 'apiVersion', 22, 'extensions/v1beta1 Ingress is not served by Kubernetes 1.28 (use networking.k8s.io/v1)'],
    ]);
    expect(findings.filter((f) => isFailing(f))).toHaveLength(4);
    for (const f of findings) {
      expect(f.remediation).toMatch(/\.$/);
    }
  });

  test('unquoted YAML 1.1 timestamps and creationTimestamp: null from kubectl are accepted', () => {
    const text = `apiVersion: v1
kind: ConfigMap
metadata:
  name: c
  creationTimestamp: null
  annotations:
    released: 2024-01-31
data:
  date: 2024-01-31
`;
    const findings = evaluate(parseManifests(text, 'c.yaml'), [SCHEMA_RULE]);
    expect(findings.filter((f) => f.ruleId === 'schema')).toEqual([]);
    // kustomize reads an unquoted date as a time (2024-01-31T00:00:00Z), except in annotations, which it rewrites
    // as the text written: the reader says so at the one field that differs.
    expect(findings.map((f) => [f.ruleId, f.path])).toEqual([['input-reading-differs', 'data.date']]);
  });
});

describe('Pod Security Admission fixtures', () => {
  const root = join(__dirname, '..', 'fixtures', 'pod-security');
  const files = ['baseline', 'restricted'].flatMap((level) => ['pass', 'fail'].flatMap((verdict) => {
    const dir = join(root, level, 'v1.28', verdict);
    return readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort().map((f) => [`${level}/${verdict}/${f}`, join(dir, f)] as const);
  }));

  test('there are 126 of them', () => {
    expect(files).toHaveLength(126);
  });

  // The PSA evaluator's fixtures are judged by the library, never created through the API server: 29 of them are
  // named like `capabilities_baseline0`, which the server refuses (a Pod name is a DNS-1123 subdomain). That is the
  // only schema finding any of them has.
  test.each(files)('%s is schema-valid (but for a name with "_")', (name, path) => {
    const findings = evaluate(parseManifests(readFileSync(path, 'utf8'), name), [SCHEMA_RULE]);
    const underscore = /^metadata\.name "[a-z0-9_]+" is not a valid Pod name/;
    expect(findings.filter((f) => !(f.path === 'metadata.name' && underscore.test(f.message)))).toEqual([]);
    expect(findings.length).toBe(/_/.test(readFileSync(path, 'utf8').split('\n').find((l) => /^  name: /.test(l)) ?? '') ? 1 : 0);
  });
});

describe('normalise', () => {
  test('returns the same object when there is nothing to drop', () => {
    const object = { a: { b: [1, { c: 'd' }] } };
    expect(normalise(object)).toBe(object);
  });

  test('copies only along changed paths', () => {
    const keep = { x: 1 };
    const object = { a: { b: null, c: 1 }, keep, list: [null, { d: undefined }] };
    const out = normalise(object) as any;
    expect(out).toEqual({ a: { c: 1 }, keep, list: [null, {}] });
    expect(out.keep).toBe(keep);
    expect(object.a).toEqual({ b: null, c: 1 });
  });

  test('turns bytes into base64 text', () => {
    expect(normalise({ b: new Uint8Array([104, 105]) })).toEqual({ b: 'aGk=' });
  });
});
