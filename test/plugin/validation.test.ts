/**
 * The cdk8s-cli validation plugin against a context shaped like cdk8s-cli's (its ValidationReport's contract:
 * addViolation, then submit exactly once). The end-to-end run inside the real `cdk8s synth` is in cdk8s-cli.test.ts.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { CdkHardenedValidation, PluginViolation, ValidationContextLike } from '../../src/plugin';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'plugin-unit-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function context(files: Record<string, string>): ValidationContextLike & { violations: PluginViolation[]; status?: string; summary?: Record<string, string> } {
  const manifests = Object.entries(files).map(([name, text]) => {
    const file = join(dir, name);
    writeFileSync(file, text);
    return file;
  });
  const ctx = {
    manifests,
    violations: [] as PluginViolation[],
    status: undefined as string | undefined,
    summary: undefined as Record<string, string> | undefined,
    report: {
      addViolation: (v: PluginViolation) => {
        if (ctx.status) throw new Error('Violations cannot be added to report after its submitted');
        ctx.violations.push(v);
      },
      submit: (status: 'success' | 'failure', metadata?: Record<string, string>) => {
        if (ctx.status) throw new Error('submitted twice');
        ctx.status = status;
        ctx.summary = metadata;
      },
    },
  };
  return ctx;
}

const PRIVILEGED = `apiVersion: v1
kind: Pod
metadata: { name: debug, namespace: shop }
spec:
  containers:
    - name: shell
      image: busybox:1.36.1
      securityContext: { privileged: true }
`;

test('judges the manifests with the profile: one violation per rule, object name for the construct path, a location per finding', async () => {
  const ctx = context({ 'shop.k8s.yaml': PRIVILEGED });
  await new CdkHardenedValidation({ profile: 'pss-baseline', config: false }).validate(ctx);
  expect(ctx.status).toBe('failure');
  expect(ctx.violations).toEqual([{
    ruleName: 'pss-baseline-privileged',
    recommendation: 'Privileged containers are forbidden',
    fix: 'Remove securityContext.privileged from the container or set it to false.',
    violatingResources: [{
      resourceName: 'debug',
      manifestPath: join(dir, 'shop.k8s.yaml'),
      locations: ['Pod shop/debug: spec.containers[0].securityContext.privileged: container "shell" sets securityContext.privileged to true (line 8)'],
    }],
  }]);
  expect(ctx.summary).toMatchObject({ profile: 'pss-baseline', failOn: 'error', objects: '1', errors: '1', suppressed: '0' });
});

test('construct-metadata.json is never read as a manifest', async () => {
  const ctx = context({ 'construct-metadata.json': '{"version":"1.0.0","resources":{}}', 'ok.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c, namespace: shop }\n' });
  await new CdkHardenedValidation({ profile: 'pss-restricted', config: false }).validate(ctx);
  expect(ctx.summary).toMatchObject({ objects: '1' });
  expect(ctx.status).toBe('success');
});

test('a name two objects share gets no construct-path key (cdk8s records one path per name), so none is shown wrongly', async () => {
  const other = PRIVILEGED.replace('namespace: shop', 'namespace: other');
  const ctx = context({ 'a.yaml': PRIVILEGED, 'b.yaml': other });
  await new CdkHardenedValidation({ profile: 'pss-baseline', config: false }).validate(ctx);
  expect(ctx.violations[0].violatingResources.map((r) => r.resourceName)).toEqual(['Pod shop/debug', 'Pod other/debug']);
});

test('warnings are listed under "<id> (warning)" and fail only with failOn: warning', async () => {
  const pod = PRIVILEGED.replace('securityContext: { privileged: true }', 'securityContext: { privileged: false }');
  const lenient = context({ 'p.yaml': pod });
  await new CdkHardenedValidation({ config: false }).validate(lenient);
  const names = lenient.violations.map((v) => v.ruleName);
  expect(names).toContain('workload-resources (warning)');
  const strict = context({ 'p.yaml': pod });
  await new CdkHardenedValidation({ config: false, failOn: 'warning' }).validate(strict);
  expect(strict.violations.map((v) => v.ruleName)).toContain('workload-resources');
  expect(strict.status).toBe('failure');
});

test('the configuration file named by `config` is honoured: its profile and exemptions', async () => {
  const config = join(dir, 'hardened.yaml');
  writeFileSync(config, [
    'profile: pss-baseline',
    'exemptions:',
    '  - { rule: pss-baseline-privileged, namespace: shop, kind: Pod, name: debug, reason: "SEC-7 the debug pod needs the host devices" }',
    '',
  ].join('\n'));
  const ctx = context({ 'shop.k8s.yaml': PRIVILEGED });
  await new CdkHardenedValidation({ config }).validate(ctx);
  expect(ctx.violations).toEqual([]);
  expect(ctx.status).toBe('success');
  expect(ctx.summary).toMatchObject({ profile: 'pss-baseline', suppressed: '1', config });
});

test.each([
  [{ profle: 'hardened' }, 'unknown property "profle" (did you mean profile?); use profile, config, failOn'],
  [{ profile: 'restricted' }, 'profile: unknown profile "restricted" (did you mean pss-restricted?)'],
  [{ config: 3 }, 'config: 3 is neither a file path nor false'],
  [{ failOn: 'info' }, 'failOn: "info" is not error or warning'],
  [['hardened'], 'must be a mapping'],
])('fails closed on bad properties %j: one failing violation, nothing judged', async (props, message) => {
  const plugin = new CdkHardenedValidation(props);
  const ctx = context({ 'ok.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c, namespace: shop }\n' });
  await plugin.validate(ctx);
  expect(ctx.status).toBe('failure');
  expect(ctx.violations).toHaveLength(1);
  expect(ctx.violations[0].ruleName).toBe('cdk8s-hardened-properties');
  expect(ctx.violations[0].recommendation).toContain(message);
});

test('no object at all fails closed (an app that synthesized nothing), and construct-metadata.json does not count', async () => {
  const ctx = context({ 'construct-metadata.json': '{"version":"1.0.0","resources":{}}', 'empty.k8s.yaml': '' });
  await new CdkHardenedValidation({ config: false }).validate(ctx);
  expect(ctx.status).toBe('failure');
  expect(ctx.violations[0].ruleName).toBe('cdk8s-hardened-input');
  expect(ctx.violations[0].recommendation).toMatch(/empty\.k8s\.yaml: no Kubernetes objects to judge$/);
});

test('a manifest it cannot read as kubectl does fails the report with one line naming the file', async () => {
  const ctx = context({ 'bad.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c\n' });
  await new CdkHardenedValidation({ config: false }).validate(ctx);
  expect(ctx.status).toBe('failure');
  expect(ctx.violations[0].ruleName).toBe('cdk8s-hardened-input');
  expect(ctx.violations[0].recommendation).toMatch(/bad\.yaml/);
  expect(ctx.violations[0].recommendation).not.toMatch(/\n/);
});
