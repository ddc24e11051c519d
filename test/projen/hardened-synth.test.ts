/**
 * HardenedSynth with the real projen (the devDependency this repository is built with): a cdk8s.Cdk8sTypeScriptApp
 * synthesized into a temporary folder (projen's Testing.synth: no install, no post-synth steps).
 */
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { cdk8s } from 'projen';
import { Testing } from 'projen/lib/testing';
import { HardenedSynth } from '../../src/projen';

let outdir: string;
beforeEach(() => {
  outdir = mkdtempSync(join(tmpdir(), 'projen-hardened-'));
});
afterEach(() => {
  rmSync(outdir, { recursive: true, force: true });
});

function app(options: Partial<cdk8s.Cdk8sTypeScriptAppOptions> = {}): cdk8s.Cdk8sTypeScriptApp {
  return new cdk8s.Cdk8sTypeScriptApp({
    name: 'shop', defaultReleaseBranch: 'main', cdk8sVersion: '2.70.106', outdir, github: false, ...options,
  });
}

test('without the component, synth is cdk8s synth and dist/ is gitignored (the baseline this component changes)', () => {
  const files = Testing.synth(app());
  expect(files['.projen/tasks.json'].tasks.synth.steps).toEqual([{ execArgs: ['cdk8s', 'synth'] }]);
  expect(files['.gitignore']).toMatch(/^\/dist\/$/m);
});

test('swaps the synth task for cdk8s-hardened synth of the compiled entry point, still run after compile', () => {
  const project = app({ appEntrypoint: 'app.ts' });
  new HardenedSynth(project, { profile: 'pss-restricted' });
  const files = Testing.synth(project);
  const tasks = files['.projen/tasks.json'].tasks;
  expect(tasks.synth.steps).toEqual([{ name: 'cdk8s-hardened synth', exec: 'cdk8s-hardened synth lib/app.js --out dist --profile pss-restricted' }]);
  expect(tasks.synth.env).toEqual({ CDK8S_CHECK_UPGRADE: 'false' });
  expect(tasks['post-compile'].steps).toEqual([{ spawn: 'synth' }]);
  expect(files['package.json'].dependencies['cdk8s-hardened']).toBe('^0.1.0');
  // The tree stays ignored unless asked.
  expect(files['.gitignore']).toMatch(/^\/dist\/$/m);
});

test('commitOutput stops gitignoring the GitOps tree', () => {
  const project = app();
  new HardenedSynth(project, { out: 'manifests', commitOutput: true, config: 'policy/hardened.yaml', version: false });
  const files = Testing.synth(project);
  expect(files['.projen/tasks.json'].tasks.synth.steps[0].exec).toBe('cdk8s-hardened synth lib/main.js --out manifests --config policy/hardened.yaml');
  expect(files['.gitignore']).toMatch(/^!\/manifests\/$/m);
  expect(files['.gitignore']).not.toMatch(/^\/manifests\/$/m);
  expect(files['package.json'].dependencies?.['cdk8s-hardened']).toBeUndefined();

  const inDist = app();
  new HardenedSynth(inDist, { commitOutput: true });
  const ignore: string = Testing.synth(inDist)['.gitignore'];
  expect(ignore).toMatch(/^!\/dist\/$/m);
  expect(ignore).not.toMatch(/^\/dist\/$/m);
});

test.each([
  [{ profle: 'hardened' }, 'unknown option "profle"'],
  [{ profile: 'strict' }, 'unknown profile "strict"'],
  [{ out: '../gitops' }, 'out "../gitops" must be a relative path inside the project'],
  [{ app: 'lib/main.js; rm -rf /' }, 'app "lib/main.js; rm -rf /" must be a relative path'],
  [{ commitOutput: 'yes' }, 'commitOutput "yes" must be true or false'],
])('fails closed on %j', (options, message) => {
  expect(() => new HardenedSynth(app(), options as never)).toThrow(message);
});
