import { copyFileSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'fs';
import { join } from 'path';
import * as fc from 'fast-check';
import { collectInputs, loadInputs } from '../../src/cli/inputs';
import { checkInParallel, defaultThreads, PARALLEL_MIN_DOCUMENTS, threadsFor } from '../../src/cli/parallel';
import { checkRules } from '../../src/cli/rule-set';
import { evaluateRun, evaluateShard, setOutcomes, rulesForProfile } from '../../src/catalogue';
import { joinShards, shardable } from '../../src/policy/engine';
import { Manifest, Rule } from '../../src/policy/rule';
import { SCHEMA_RULE_ID } from '../../src/schema';
import { cli, ROOT, scratch as scratchFolders } from './helpers';

const folders = scratchFolders();
const scratch = () => folders.dir();
afterAll(() => folders.cleanup());

// The mixed corpus of the check benchmark: workloads, RBAC, NetworkPolicies, Namespaces, Services, some defects.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { mixedObjects } = require('../../bench/fixtures') as { mixedObjects: (n: number) => unknown[] };

const RULE_FIXTURES = join(ROOT, 'test', 'fixtures', 'rules');

/** Every rule fixture file (pass and fail cases of every rule, Docker inputs included), copied flat into one folder. */
function ruleFixtureFolder(): string {
  const dir = scratch();
  for (const rule of readdirSync(RULE_FIXTURES).sort()) {
    for (const name of readdirSync(join(RULE_FIXTURES, rule)).sort()) {
      const from = join(RULE_FIXTURES, rule, name);
      if (statSync(from).isFile() && /\.(ya?ml|json|Dockerfile)$/.test(name) && !name.endsWith('.trivy.json')) {
        copyFileSync(from, join(dir, `${rule}--${name}`));
      }
    }
  }
  return dir;
}

function mixedStream(count: number): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const YAML = require('yaml') as { stringify: (v: unknown) => string };
  return mixedObjects(count).map((o) => YAML.stringify(o)).join('---\n');
}

const stripped = (manifests: readonly Manifest[]) => manifests.map((m) => ({ object: m.object, file: m.origin?.file, line: m.origin?.line }));

describe('check on several threads', () => {
  test('shards joined in order are the evaluation of the whole set, for any cut of the set', () => {
    const dir = scratch();
    writeFileSync(join(dir, 'mixed.yaml'), mixedStream(60));
    const manifests = loadInputs([join(dir, 'mixed.yaml'), ruleFixtureFolder()], () => '', {}).manifests;
    const rules = rulesForProfile('hardened');
    const options = {
      exemptions: [{ ruleId: 'workload-image-digest', reason: 'digests are pinned at deploy', namespace: 'team-3' }],
      suppressions: [{ ruleId: 'network-default-deny', reason: 'the mesh denies by default' }],
    };
    const whole = JSON.stringify(evaluateRun(manifests, rules, options));
    fc.assert(fc.property(fc.array(fc.integer({ min: 1, max: manifests.length }), { minLength: 1, maxLength: 6 }), (cuts) => {
      const bounds = [...new Set([0, ...cuts.map((c) => Math.min(c, manifests.length)), manifests.length])].sort((a, b) => a - b);
      const sizes = bounds.slice(1).map((b, i) => b - bounds[i]);
      const contexts = setOutcomes(manifests, rules, options, sizes);
      const shards = sizes.map((_, i) => evaluateShard(manifests.slice(bounds[i], bounds[i + 1]), rules, options, contexts[i]));
      expect(JSON.stringify(joinShards(shards, options))).toBe(whole);
    }), { numRuns: 12 });
  });

  test.each([['before', false], ['after reporting a violation', true]])('a set rule that fails (%s) is reported on every object of every shard, as on one thread, and nothing else of it', (_, yields) => {
    const manifests = loadInputs([join(RULE_FIXTURES, 'network-default-deny')], () => '', {}).manifests;
    const broken: Rule = {
      ...rulesForProfile('hardened').find((r) => r.scope === 'set')!,
      id: 'broken-set-rule',
      *checkSet() {
        if (yields) {
          yield { index: 0, path: ['metadata'], message: 'a violation found before the rule failed' };
        }
        throw new Error('boom');
      },
    } as unknown as Rule;
    const rules = [...rulesForProfile('hardened'), broken];
    const whole = evaluateRun(manifests, rules);
    const ofBroken = whole.findings.filter((f) => f.ruleId === 'broken-set-rule');
    expect(ofBroken).toHaveLength(manifests.length);
    expect(ofBroken.every((f) => f.message === 'rule broken-set-rule failed on this object (boom)')).toBe(true);
    const half = Math.floor(manifests.length / 2);
    const contexts = setOutcomes(manifests, rules, {}, [half, manifests.length - half]);
    const joined = joinShards([
      evaluateShard(manifests.slice(0, half), rules, {}, contexts[0]),
      evaluateShard(manifests.slice(half), rules, {}, contexts[1]),
    ], {});
    expect(joined).toEqual(whole);
  });

  test('custom resources in one shard are checked against a CustomResourceDefinition in another', () => {
    const dir = scratch();
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.example.com' },
      spec: {
        group: 'example.com',
        names: { kind: 'Widget', plural: 'widgets', singular: 'widget', listKind: 'WidgetList' },
        scope: 'Namespaced',
        versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { size: { type: 'integer' } } } } } } }],
      },
    };
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const YAML = require('yaml') as { stringify: (v: unknown) => string };
    const widgets = Array.from({ length: 40 }, (_, i) => ({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: `w${i}`, namespace: 'team' }, spec: { size: i % 3 ? i : 'big' } }));
    writeFileSync(join(dir, 'all.yaml'), [crd, ...widgets].map((o) => YAML.stringify(o)).join('---\n'));
    const collected = collectInputs([join(dir, 'all.yaml')], () => '', {});
    const rules = checkRules('hardened', undefined, []);
    const sequential = evaluateRun(loadInputs([join(dir, 'all.yaml')], () => '', {}).manifests, rules);
    expect(sequential.findings.filter((f) => f.ruleId === SCHEMA_RULE_ID && f.severity === 'error').length).toBeGreaterThan(5);
    const { evaluation } = checkInParallel(collected, 3, rules, { profile: 'hardened', crds: [], now: 0 }, {});
    expect(evaluation).toEqual(sequential);
  });

  test('checkInParallel reads and judges exactly what one thread does', () => {
    const dir = scratch();
    writeFileSync(join(dir, 'a.yaml'), mixedStream(300));
    writeFileSync(join(dir, 'b.json'), JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'n' }, data: { k: 'v' } }));
    writeFileSync(join(dir, 'c.yaml'), mixedStream(37));
    const collected = collectInputs([dir], () => '', {});
    const rules = checkRules('hardened', undefined, []);
    const loaded = loadInputs([dir], () => '', {});
    const sequential = evaluateRun(loaded.manifests, rules);
    for (const threads of [2, 3, 5]) {
      const { inputs, evaluation } = checkInParallel(collected, threads, rules, { profile: 'hardened', crds: [], now: 0 }, {});
      expect(stripped(inputs.manifests)).toEqual(stripped(loaded.manifests));
      expect(inputs.files).toEqual(loaded.files);
      expect(evaluation).toEqual(sequential);
    }
  });

  test('a worker that fails answers with its failure: an error, never a hang', () => {
    const dir = scratch();
    writeFileSync(join(dir, 'a.yaml'), mixedStream(30));
    const collected = collectInputs([join(dir, 'a.yaml')], () => '', {});
    const rules = checkRules('hardened', undefined, []);
    expect(() => checkInParallel(collected, 2, rules, { profile: 'no-such-profile' as 'hardened', crds: [], now: 0 }, {}))
      .toThrow(/a worker thread of check failed: .*no-such-profile/);
  });

  test('threads: one per two cores from PARALLEL_MIN_DOCUMENTS documents, --jobs wins, one when a rule needs the whole set', () => {
    const dir = scratch();
    writeFileSync(join(dir, 'small.yaml'), mixedStream(20));
    const small = collectInputs([join(dir, 'small.yaml')], () => '', {});
    const rules = rulesForProfile('hardened');
    expect(threadsFor(small, rules)).toBe(1);
    expect(threadsFor(small, rules, 3)).toBe(3);
    const big = { parts: [{ pending: { name: 'x', skippable: false, stream: { file: 'x', single: false, length: 1, chunks: Array.from({ length: PARALLEL_MIN_DOCUMENTS }, (_, i) => ({ text: 'a: 1\n', line: i + 1, index: i + 1 })) } } }], files: ['x'] };
    expect(threadsFor(big, rules)).toBe(defaultThreads(require('os').availableParallelism()));
    // One thread keeps more than a core busy (V8's background compiler and collector): two cores get one thread.
    expect([1, 2, 3, 4, 8, 16, 64].map(defaultThreads)).toEqual([1, 1, 1, 2, 4, 8, 8]);
    const plain = rules.find((r) => r.scope === 'object' && !r.forSet)!;
    const needsSet: Rule = { ...plain, id: 'needs-set', forSet: (_t, _c) => needsSet } as Rule;
    expect(shardable([...rules, needsSet])).toBe(false);
    expect(threadsFor(small, [...rules, needsSet], 3)).toBe(1);
    // Never more threads than documents.
    writeFileSync(join(dir, 'one.yaml'), mixedStream(1));
    expect(threadsFor(collectInputs([join(dir, 'one.yaml')], () => '', {}), rules, 8)).toBe(1);
  });

  describe('the CLI: --jobs N gives the same report, exit code and messages as --jobs 1', () => {
    let folder: string;
    beforeAll(() => {
      folder = ruleFixtureFolder();
      writeFileSync(join(folder, 'zz-mixed.yaml'), mixedStream(200));
      mkdirSync(join(folder, 'values'));
      writeFileSync(join(folder, 'values', 'helm-values.yaml'), 'replicaCount: 2\nimage: {tag: "1.0"}\n');
    });

    test.each([['json', ['2', '4']], ['sarif', ['3']], ['text', ['2']]])('%s report of every rule fixture and the mixed corpus', async (format, threads) => {
      const one = await cli(['check', folder, '--format', format as string, '--jobs', '1']);
      expect(one.stdout.length).toBeGreaterThan(1000);
      for (const jobs of threads) {
        const many = await cli(['check', folder, '--format', format as string, '--jobs', jobs]);
        expect(many).toEqual(one);
      }
    });

    test('the first bad document in input order is the one reported, whichever thread reads it', async () => {
      const dir = scratch();
      const stream = mixedStream(100).split('---\n');
      stream[75] = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x\n';
      stream[90] = 'kind: [\n';
      writeFileSync(join(dir, 'a.yaml'), stream.join('---\n'));
      writeFileSync(join(dir, 'b.yaml'), 'apiVersion: v1\nkind: ConfigMap\n---x\n');
      const one = await cli(['check', dir, '--jobs', '1']);
      expect(one.code).toBe(2);
      expect(one.stderr).toMatch(/a\.yaml: document 76/);
      for (const jobs of ['2', '8']) {
        expect(await cli(['check', dir, '--jobs', jobs])).toEqual(one);
      }
      // A failure in this thread's share comes before one in a worker's.
      stream[20] = 'a: [\n';
      writeFileSync(join(dir, 'a.yaml'), stream.join('---\n'));
      const first = await cli(['check', dir, '--jobs', '1']);
      expect(first.stderr).toMatch(/a\.yaml: document 21/);
      expect(await cli(['check', dir, '--jobs', '2'])).toEqual(first);
    });

    test('a bad --jobs is a usage error', async () => {
      for (const bad of ['0', '9', 'two', '1.5']) {
        const result = await cli(['check', folder, '--jobs', bad]);
        expect(result.code).toBe(2);
        expect(result.stderr).toMatch(/--jobs.*whole number of threads from 1 to 8/);
      }
    });
  });
});
