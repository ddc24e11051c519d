/**
 * The validation plugin inside the real `cdk8s synth` (the pinned devDependency cdk8s-cli), offline: a temporary cdk8s
 * project whose cdk8s.yaml loads the plugin from a local path, as a user's project does from node_modules. Runs the
 * compiled package (lib/): `npm run compile` first (`npm test` does).
 */
import { spawnSync } from 'child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

const ROOT = join(__dirname, '..', '..');
const CDK8S = join(ROOT, 'node_modules', 'cdk8s-cli', 'bin', 'cdk8s');

let project: string;
beforeEach(() => {
  project = mkdtempSync(join(tmpdir(), 'plugin-e2e-'));
  mkdirSync(join(project, 'node_modules'));
  // The project's dependencies: this package (as npm links a local path) and the cdk8s it shares with it.
  symlinkSync(ROOT, join(project, 'node_modules', 'cdk8s-hardened'), 'dir');
  symlinkSync(join(ROOT, 'node_modules', 'cdk8s'), join(project, 'node_modules', 'cdk8s'), 'dir');
  cpSync(join(__dirname, '..', 'fixtures', 'plugin', 'app.js'), join(project, 'app.js'));
});
afterEach(() => {
  rmSync(project, { recursive: true, force: true });
});

function synth(validation: string, appCase: string): { code: number | null; out: string } {
  writeFileSync(join(project, 'cdk8s.yaml'), `app: node app.js\nlanguage: typescript\nvalidations:\n${validation}`);
  const r = spawnSync(process.execPath, [CDK8S, 'synth', '--plugins-dir', join(project, '.plugins')], {
    cwd: project,
    encoding: 'utf8',
    env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false', PLUGIN_APP_CASE: appCase },
    timeout: 120_000,
  });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

const FROM_MAIN = `  - package: ./node_modules/cdk8s-hardened
    version: 0.1.0
    class: CdkHardenedValidation
`;
const FROM_SUBPATH = `  - package: ./node_modules/cdk8s-hardened/lib/plugin
    version: 0.1.0
    class: CdkHardenedValidation
    properties:
      profile: hardened
`;

test('cdk8s synth fails (exit 2) on an insecure chart, naming our rule ids, construct paths and fields', () => {
  const { code, out } = synth(FROM_MAIN, 'insecure');
  expect(out).toMatch(/Validation failed/);
  expect(code).toBe(2);
  for (const id of ['pss-baseline-privileged', 'pss-restricted-capabilities', 'pss-restricted-seccomp', 'pss-restricted-run-as-non-root']) {
    expect(out).toContain(`${id} (1 occurrences)`);
  }
  expect(out).toContain('- Construct Path: shop/debug');
  expect(out).toContain('Pod shop/debug: spec.containers[0].securityContext.privileged: container "shell" sets securityContext.privileged to true');
  expect(out).toContain('How to fix: Remove securityContext.privileged from the container or set it to false.');
  // Only the raw Pod is judged insecure: the constructs' objects raise nothing.
  expect(out).not.toMatch(/Construct Path: shop\/(ns|api)/);
}, 150_000);

test('cdk8s synth passes on the hardened chart (LockedDownNamespace + SecureDeployment), loaded from the plugin subpath', () => {
  const { code, out } = synth(FROM_SUBPATH, 'hardened');
  expect(out).toMatch(/Status\s+│ success/);
  expect(out).toMatch(/Validations ended succesfully/);
  expect(code).toBe(0);
}, 150_000);

test('the project\'s .cdk8s-hardened.yaml is honoured (its exemption), and bad properties fail without a stack trace', () => {
  writeFileSync(join(project, '.cdk8s-hardened.yaml'), [
    'profile: pss-baseline',
    'exemptions:',
    '  - { rule: pss-baseline-privileged, namespace: shop, kind: Pod, name: debug, reason: "SEC-7 the debug pod needs the host devices" }',
    '',
  ].join('\n'));
  const exempt = synth(FROM_MAIN, 'insecure');
  expect(exempt.out).toMatch(/suppressed\s+│ 1 /);
  expect(exempt.code).toBe(0);

  const bad = synth(`${FROM_SUBPATH}      failon: warning\n`, 'hardened');
  expect(bad.out).toContain('unknown property "failon" (did you mean failOn?)');
  expect(bad.out).not.toMatch(/\n\s+at /);
  expect(bad.code).toBe(2);
}, 150_000);
