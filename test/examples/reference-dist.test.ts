import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { runSynth } from '../../src/cli/synth';
import { cli } from '../cli/helpers';
import { kustomize, readTree, withKubectl } from '../output/helpers';
import { parseManifests } from '../../src/input/parse';

/**
 * The README's main job end to end: the reference example synthesized through the CLI's synth into a GitOps
 * tree, which then passes `check --profile hardened`, is byte-identical across runs, and builds with
 * `kubectl kustomize` where kubectl is installed.
 */
const REFERENCE = join(__dirname, '..', '..', 'examples', 'reference');

describe('the reference example as a GitOps tree', () => {
  const work = mkdtempSync(join(tmpdir(), 'reference-dist-'));
  const outs = [join(work, 'a'), join(work, 'b')];
  const quiet = { stdout: () => undefined, stderr: () => undefined };
  beforeAll(async () => {
    for (const out of outs) {
      expect(await runSynth({ entry: REFERENCE, out }, quiet)).toBe(0);
    }
  }, 120000);
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  test('two synths give byte-identical trees', () => {
    const [a, b] = outs.map((o) => readTree(o));
    expect([...a.keys()]).toEqual([...b.keys()]);
    for (const [file, bytes] of a) {
      expect(Buffer.compare(bytes, b.get(file)!)).toBe(0);
    }
  });

  test('the tree passes check --profile hardened with no error or warning', async () => {
    const result = await cli(['check', '--profile', 'hardened', '--format', 'json', outs[0]]);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.summary).toMatchObject({ errors: 0, warnings: 0 });
    expect(report.summary.objects).toBeGreaterThanOrEqual(28);
    // Only the "digest pin recommended" notes remain: the images are pinned by release tag.
    expect(new Set(report.findings.map((f: { ruleId: string }) => f.ruleId))).toEqual(new Set(['workload-image-digest']));
  });

  withKubectl()('kubectl kustomize builds the tree, namespaces first', () => {
    const objects = parseManifests(kustomize(outs[0]), 'kustomize-output.yaml');
    expect(objects.length).toBeGreaterThanOrEqual(28);
    expect(objects.filter((m) => (m.object as { kind: string }).kind === 'Namespace')).toHaveLength(2);
  });
});
