import { createHash } from 'crypto';
import { readFileSync } from 'fs';
import { join, relative } from 'path';
import * as ts from 'typescript';
import { isObject } from '../../src/policy/json';
import { kubernetesCatalogue } from '../../src/schema/catalogue';
import { deriveDefinitions, JsonSchema } from '../../src/schema/derive';
import { RAW_DEFINITIONS, RAW_ENUMS, RAW_LATER_FIELDS } from '../../src/schema/k8s-definitions';
import { applyServerRules, NON_NULL_KEYWORD, SERVER_RULES } from '../../src/schema/server-rules';
import { SchemaValidator } from '../../src/schema/validate';

const ROOT = join(__dirname, '..', '..');
const DATA = join(ROOT, 'src', 'schema', 'data', 'kubernetes-1.28');

describe('vendored Kubernetes 1.28 definitions', () => {
  test('are the pinned upstream file, with its licence and a README naming source, version and licence', () => {
    const sha = createHash('sha256').update(readFileSync(join(DATA, '_definitions.json'))).digest('hex');
    expect(sha).toBe('26005b7e779ea2fcbd87e4f23d76dc565eef8381c2287e149c676c03d48b0df6');
    expect(readFileSync(join(DATA, 'LICENSE'), 'utf8')).toMatch(/Apache License\s+Version 2\.0/);
    const readme = readFileSync(join(DATA, 'README.md'), 'utf8');
    expect(readme).toContain('cdk8s-team/cdk8s');
    expect(readme).toContain('71f8cba7ecc809d861e837e842217202d5e5a16c');
    expect(readme).toContain('v1.28.0');
    expect(readme).toContain('Apache License 2.0');
  });

  test('compile into lib/ next to the code that loads them (a JSON module, not a read from src/)', () => {
    const options: ts.CompilerOptions = { ...ts.getDefaultCompilerOptions(), module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020,
      esModuleInterop: true, resolveJsonModule: true, rootDir: join(ROOT, 'src'), outDir: join(ROOT, 'lib'), skipLibCheck: true, types: [] };
    const program = ts.createProgram([join(ROOT, 'src', 'schema', 'k8s-definitions.ts')], options);
    const emitted: string[] = [];
    program.emit(undefined, (file) => emitted.push(relative(ROOT, file)));
    expect(emitted).toEqual(expect.arrayContaining(['lib/schema/k8s-definitions.js', 'lib/schema/data/kubernetes-1.28/_definitions.json']));
  });
});

describe('vendored enum values (enums.json)', () => {
  test('are the pinned extraction from the v1.28.0 generated OpenAPI definitions, with the source in the README', () => {
    const sha = createHash('sha256').update(readFileSync(join(DATA, 'enums.json'))).digest('hex');
    expect(sha).toBe('9794c55831842bf8f78b4b7b51dbb5e0cb2b5267ec551944a73e737ce4847f79');
    const readme = readFileSync(join(DATA, 'README.md'), 'utf8');
    expect(readme).toContain('zz_generated.openapi.go');
    expect(readme).toContain('855e7c48de7388eb330da0f8d9d2394ee818fb8d');
    const fields = Object.values((RAW_ENUMS as { definitions: Record<string, object> }).definitions).flatMap((f) => Object.keys(f));
    expect(fields).toHaveLength(84);
  });

  test('71 enum fields apply to the 1.28 definitions, as schema enums that also accept "" (unset)', () => {
    const derived = deriveDefinitions(RAW_DEFINITIONS, RAW_ENUMS);
    expect(derived.enumFields).toBe(71);
    const port = derived.definitions['io.k8s.api.core.v1.ContainerPort'] as any;
    expect(port.properties.protocol).toEqual({ type: 'string', enum: ['SCTP', 'TCP', 'UDP', ''] });
    expect((derived.definitions['io.k8s.api.core.v1.PodSpec'] as any).properties.restartPolicy.enum).toEqual(['Always', 'Never', 'OnFailure', '']);
    expect(deriveDefinitions(RAW_DEFINITIONS).enumFields).toBe(0);
  });

  test('a value in the wrong case is refused with the value that was meant', () => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a' }, spec: { containers: [{ name: 'a', image: 'x:1', imagePullPolicy: 'always' }] } };
    expect(new SchemaValidator().validate(pod).map((v) => v.message)).toEqual([
      'spec.containers[0].imagePullPolicy must be one of "Always", "IfNotPresent", "Never", not the string "always" (did you mean "Always"?)',
    ]);
  });
});

describe('vendored later-release fields (later-fields.json)', () => {
  test('are the pinned extraction from the 1.29 to 1.33 OpenAPI specs, with the source in the README', () => {
    const sha = createHash('sha256').update(readFileSync(join(DATA, 'later-fields.json'))).digest('hex');
    expect(sha).toBe('4cb1b657d13d396129a4c17b5c4f3645c878b18b93e1e97904b2e41195bcaf3c');
    expect(readFileSync(join(DATA, 'README.md'), 'utf8')).toContain('later-fields.json');
    const table = (RAW_LATER_FIELDS as { definitions: Record<string, Record<string, string>> }).definitions;
    expect(Object.values(table).flatMap((f) => Object.keys(f))).toHaveLength(51);
    expect(table['io.k8s.api.core.v1.LifecycleHandler'].sleep).toBe('1.29');
    expect(table['io.k8s.api.core.v1.SecurityContext'].appArmorProfile).toBe('1.30');
  });

  test('a field from a later release is named as such, not as a plain unknown field', () => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a' }, spec: { containers: [{
      name: 'a', image: 'x:1', lifecycle: { preStop: { sleep: { seconds: 5 } } }, securityContext: { appArmorProfile: { type: 'RuntimeDefault' } },
    }] } };
    expect(new SchemaValidator().validate(pod).map((v) => v.message)).toEqual([
      'unknown field spec.containers[0].lifecycle.preStop.sleep: it exists from Kubernetes 1.29; this project targets 1.28',
      'unknown field spec.containers[0].securityContext.appArmorProfile: it exists from Kubernetes 1.30; this project targets 1.28',
    ]);
  });
});

describe('the API server\'s own required and range rules (server-rules.ts)', () => {
  test('each names a field of the 1.28 definitions and a validation.go line, and applies', () => {
    const derived = deriveDefinitions(RAW_DEFINITIONS);
    const copy = JSON.parse(JSON.stringify(derived.definitions));
    expect(applyServerRules(copy)).toBe(SERVER_RULES.length);
    expect(SERVER_RULES.length).toBe(12);
    for (const rule of SERVER_RULES) {
      expect(rule.source).toMatch(/^pkg\/apis\/[a-z]+\/validation\/validation\.go:\d+ /);
    }
    expect(copy['io.k8s.api.core.v1.PodSpec'].properties.containers.minItems).toBe(1);
    expect(copy['io.k8s.api.core.v1.PodSpec'][NON_NULL_KEYWORD]).toEqual(['containers']);
    expect(() => applyServerRules(copy, [{ definition: 'io.k8s.api.core.v1.PodSpec', field: 'containerz', required: true, source: 'x' }])).toThrow(/no such field/);
  });
});

describe('derived strict schema', () => {
  const derived = deriveDefinitions(RAW_DEFINITIONS);

  test('every object type with properties rejects unknown fields; maps and free-form types stay open', () => {
    const raw = (RAW_DEFINITIONS as { definitions: Record<string, JsonSchema> }).definitions;
    for (const [name, schema] of Object.entries(raw)) {
      if (isObject(schema.properties)) {
        expect([name, derived.definitions[name].additionalProperties]).toEqual([name, false]);
      }
    }
    const meta = derived.definitions['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta'] as any;
    expect(meta.properties.labels).toEqual({ type: 'object', additionalProperties: { type: 'string' } });
    expect(derived.definitions['io.k8s.apimachinery.pkg.runtime.RawExtension']).toEqual({ type: 'object' });
    expect(derived.definitions['io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON']).toEqual({});
    expect(derived.definitions['io.k8s.apimachinery.pkg.util.intstr.IntOrString']).toEqual({ type: ['integer', 'string'] });
    expect(derived.definitions['io.k8s.apimachinery.pkg.api.resource.Quantity']).toEqual({ type: ['string', 'number'], format: 'quantity' });
    expect(derived.definitions['io.k8s.apimachinery.pkg.apis.meta.v1.Time']).toEqual({ type: 'string', format: 'date-time' });
  });

  test('a definition that preserves unknown fields is left open', () => {
    const d = deriveDefinitions({ definitions: { X: { type: 'object', properties: { a: { type: 'string' } }, 'x-kubernetes-preserve-unknown-fields': true } } });
    expect(d.definitions.X).toEqual({ type: 'object', properties: { a: { type: 'string' } } });
    const f = deriveDefinitions({ definitions: { Y: { type: 'string', format: 'int-or-string' } } });
    expect(f.definitions.Y).toEqual({ type: ['integer', 'string'] });
  });

  test('serves every kind the hardened constructs emit, and not removed ones', () => {
    const served = new Set(derived.served.map((s) => `${s.group}/${s.version}/${s.kind}`));
    for (const key of [
      '/v1/Namespace', '/v1/ServiceAccount', 'apps/v1/Deployment', 'apps/v1/StatefulSet', 'batch/v1/Job', 'batch/v1/CronJob',
      '/v1/Pod', '/v1/Service', 'networking.k8s.io/v1/NetworkPolicy', 'rbac.authorization.k8s.io/v1/Role',
      'rbac.authorization.k8s.io/v1/RoleBinding', 'rbac.authorization.k8s.io/v1/ClusterRole', 'rbac.authorization.k8s.io/v1/ClusterRoleBinding',
      '/v1/ResourceQuota', '/v1/LimitRange', '/v1/ConfigMap', '/v1/PersistentVolumeClaim',
      'admissionregistration.k8s.io/v1beta1/ValidatingAdmissionPolicy', 'admissionregistration.k8s.io/v1beta1/ValidatingAdmissionPolicyBinding',
    ]) {
      expect(served).toContain(key);
    }
    for (const key of ['extensions/v1beta1/Deployment', 'policy/v1beta1/PodSecurityPolicy', 'batch/v1beta1/CronJob', 'admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy']) {
      expect(served).not.toContain(key);
    }
  });

  test('validators are compiled once per kind and shared', () => {
    const catalogue = kubernetesCatalogue();
    expect(catalogue).toBe(kubernetesCatalogue());
    const a = catalogue.definition('io.k8s.api.apps.v1.Deployment');
    expect(catalogue.definition('io.k8s.api.apps.v1.Deployment')).toBe(a);
    expect(() => catalogue.definition('io.k8s.api.apps.v1.Nothing')).toThrow(/no Kubernetes definition/);
  });
});
