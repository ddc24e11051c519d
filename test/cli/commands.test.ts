import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'fs';
import { join } from 'path';
import { parseAllDocuments } from 'yaml';
import { cli, ROOT, scratch } from './helpers';

const CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  names: {kind: Widget, plural: widgets}
  scope: Namespaced
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              size: {type: integer}
`;
const WIDGET = `apiVersion: example.com/v1
kind: Widget
metadata: {name: w, namespace: team-a}
spec: {size: "big"}
`;

describe('check --crd', () => {
  const tmp = scratch();
  afterAll(() => tmp.cleanup());

  test('without the CRD a custom resource is "not schema-checked" (info); with it, its schema is enforced', async () => {
    const dir = tmp.dir();
    writeFileSync(join(dir, 'crd.yaml'), CRD);
    writeFileSync(join(dir, 'widget.yaml'), WIDGET);
    const without = await cli(['check', '--profile', 'schema', '--format', 'json', join(dir, 'widget.yaml')]);
    expect(without.code).toBe(0);
    expect(JSON.parse(without.stdout).findings).toEqual([expect.objectContaining({ ruleId: 'schema', severity: 'info' })]);

    const withCrd = await cli(['check', '--profile', 'schema', '--format', 'json', '--crd', join(dir, 'crd.yaml'), '--', join(dir, 'widget.yaml')]);
    expect(withCrd.code).toBe(1);
    const [finding] = JSON.parse(withCrd.stdout).findings;
    expect(finding).toMatchObject({ ruleId: 'schema', severity: 'error', path: 'spec.size' });
  });

  test('a CRD among the checked files is used like --crd (it was ignored)', async () => {
    const dir = tmp.dir();
    writeFileSync(join(dir, 'bundle.yaml'), `${CRD}---\n${WIDGET}`);
    const result = await cli(['check', '--profile', 'schema', '--format', 'json', join(dir, 'bundle.yaml')]);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout).findings).toEqual([expect.objectContaining({ ruleId: 'schema', severity: 'error', path: 'spec.size' })]);
  });

  test('a cluster-scoped custom kind of a --crd file does not "land in the default namespace"', async () => {
    const dir = tmp.dir();
    writeFileSync(join(dir, 'crd.yaml'), `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: gatewayclasses.gateway.networking.k8s.io}
spec:
  group: gateway.networking.k8s.io
  names: {kind: GatewayClass, plural: gatewayclasses}
  scope: Cluster
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            required: [controllerName]
            properties:
              controllerName: {type: string}
`);
    writeFileSync(join(dir, 'class.yaml'), 'apiVersion: gateway.networking.k8s.io/v1\nkind: GatewayClass\nmetadata: {name: internal}\nspec: {controllerName: example.com/gateway}\n');
    const ids = async (...extra: string[]) => JSON.parse((await cli(['check', '--format', 'json', ...extra, join(dir, 'class.yaml')])).stdout)
      .findings.map((f: { ruleId: string }) => f.ruleId);
    expect(await ids()).toContain('workload-default-namespace');
    const withCrd = await ids('--crd', join(dir, 'crd.yaml'), '--');
    expect(withCrd).not.toContain('workload-default-namespace');
    expect(withCrd).not.toContain('schema');
  });

  test('--crd takes one file per flag (repeatable): the paths after it are checked, not read as CRDs', async () => {
    const dir = tmp.dir();
    writeFileSync(join(dir, 'crd.yaml'), CRD);
    writeFileSync(join(dir, 'other-crd.yaml'), CRD.replace(/widgets?\b/g, (w) => w.replace('widget', 'gadget')).replace('Widget', 'Gadget'));
    mkdirSync(join(dir, 'manifests'));
    writeFileSync(join(dir, 'manifests', 'widget.yaml'), WIDGET);
    writeFileSync(join(dir, 'gadget.yaml'), WIDGET.replace('Widget', 'Gadget'));
    // Variadic, `--crd crd.yaml manifests/` read the folder as CRDs and left no path to check.
    const result = await cli(['check', '--profile', 'schema', '--format', 'json', '--crd', join(dir, 'crd.yaml'), '--crd', join(dir, 'other-crd.yaml'),
      join(dir, 'manifests'), join(dir, 'gadget.yaml')]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(1);
    const findings = JSON.parse(result.stdout).findings;
    expect(findings.map((f: { ruleId: string; severity: string; path: string; object: { kind: string } }) => [f.object.kind, f.ruleId, f.severity, f.path])).toEqual([
      ['Widget', 'schema', 'error', 'spec.size'],
      ['Gadget', 'schema', 'error', 'spec.size'],
    ]);
  });

  test('a --crd file that holds no CustomResourceDefinition is refused in one line (exit 2), naming what it holds', async () => {
    const dir = tmp.dir();
    writeFileSync(join(dir, 'widget.yaml'), WIDGET);
    const result = await cli(['check', '--crd', join(dir, 'widget.yaml'), join(dir, 'widget.yaml')]);
    expect(result).toEqual({ code: 2, stdout: '', stderr: `cdk8s-hardened: --crd ${join(dir, 'widget.yaml')}: not a CustomResourceDefinition file (it holds Widget); `
      + 'give --crd the file that defines the custom kinds, and the files to check as paths\n' });
    // A bundle (the CRD and the operator's other objects) is a CRD file.
    writeFileSync(join(dir, 'bundle.yaml'), `${CRD}---\napiVersion: v1\nkind: Namespace\nmetadata: {name: team-a}\n`);
    expect((await cli(['check', '--profile', 'schema', '--crd', join(dir, 'bundle.yaml'), join(dir, 'widget.yaml')])).code).toBe(1);
  });

  test('a CRD file that is not readable is bad input (exit 2)', async () => {
    const result = await cli(['check', '--crd', join(tmp.dir(), 'missing.yaml'), '--', join(ROOT, 'test', 'fixtures', 'pod-security', 'restricted', 'v1.28', 'pass', 'base.yaml')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/missing\.yaml/);
  });
});

describe('admission', () => {
  test('prints a policy and a binding per expressible rule, and lists the rules it cannot enforce', async () => {
    const result = await cli(['admission', '--profile', 'pss-restricted']);
    expect(result.code).toBe(0);
    const docs = parseAllDocuments(result.stdout).map((d) => d.toJS());
    const policies = docs.filter((d) => d.kind === 'ValidatingAdmissionPolicy');
    const bindings = docs.filter((d) => d.kind === 'ValidatingAdmissionPolicyBinding');
    expect(policies).toHaveLength(14);
    expect(bindings).toHaveLength(14);
    expect(policies.every((p) => p.apiVersion === 'admissionregistration.k8s.io/v1beta1')).toBe(true);
    expect(bindings.every((b) => b.spec.validationActions.join() === 'Deny')).toBe(true);
    expect(policies.map((p) => p.metadata.name)).toContain('cdk8s-hardened-pss-restricted-capabilities');
  });

  test('the hardened profile names what admission cannot enforce, in a comment', async () => {
    const result = await cli(['admission']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^#.*network-default-deny/m);
  });

  test('--kubernetes-version 1.30 emits v1, --validation-actions Warn,Audit and namespace exclusions reach the binding', async () => {
    const result = await cli(['admission', '--profile', 'pss-baseline', '--kubernetes-version', '1.30', '--validation-actions', 'Warn,Audit', '--exclude-namespaces', 'kube-system,monitoring']);
    expect(result.code).toBe(0);
    const docs = parseAllDocuments(result.stdout).map((d) => d.toJS());
    const binding = docs.find((d) => d.kind === 'ValidatingAdmissionPolicyBinding');
    expect(binding.apiVersion).toBe('admissionregistration.k8s.io/v1');
    expect(binding.spec.validationActions).toEqual(['Warn', 'Audit']);
    expect(JSON.stringify(binding.spec.matchResources)).toContain('monitoring');
  });

  test('bad options are usage errors (exit 2)', async () => {
    expect((await cli(['admission', '--validation-actions', 'Block'])).code).toBe(2);
    expect((await cli(['admission', '--kubernetes-version', '1.20'])).code).toBe(2);
  });
});

describe('synth', () => {
  const tmp = scratch();
  afterAll(() => tmp.cleanup());

  test('writes the GitOps tree for a compliant app and nothing for a failing one', async () => {
    const out = join(tmp.dir(), 'dist');
    const ok = await cli(['synth', join(ROOT, 'test', 'fixtures', 'synth', 'ok-app', 'main.js'), '--out', out, '--profile', 'pss-restricted']);
    expect(ok.code).toBe(0);
    expect(existsSync(join(out, 'kustomization.yaml'))).toBe(true);
    const before = readdirSync(out).sort();
    const bad = await cli(['synth', join(ROOT, 'test', 'fixtures', 'synth', 'privileged-app', 'main.js'), '--out', out, '--profile', 'pss-restricted']);
    expect(bad.code).toBe(1);
    expect(readdirSync(out).sort()).toEqual(before);
  }, 60000);
});
