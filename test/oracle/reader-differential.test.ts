import { createHash } from 'crypto';
import { writeFileSync } from 'fs';
import * as fc from 'fast-check';
import { toYaml } from '../../src/output/yaml';
import { EDGE_SCALARS, EDGE_STRINGS } from '../input/generators';
import { canonical, compare, Tally } from '../input/parity';
import { CorpusCase, documentCount, fixtureCases, generatedCases, GOLDEN_FILE, GOLDEN_GENERATED, GOLDEN_SEED } from '../input/corpus';
import { buildReaderOracle, ReaderOracle, readerOracleVersion } from '../support/reader-oracle';

/*
 * The differential test against the real readers: kubectl 1.28's (cli-runtime, apimachinery, sigs.k8s.io/yaml,
 * yaml.v2) and the kustomize it bundles, built from their Go modules (test/oracle/readers). Every fixture of the
 * repository and at least 20,000 generated documents per run: every stream read identically, or refused by us.
 * `UPDATE_GOLDEN=1` rewrites the golden vectors that let the parity test run where Go is absent.
 * Run with `npm run test:go` (`.ci/run` does, when go is on PATH).
 */

jest.setTimeout(30 * 60_000);

const binary = buildReaderOracle();
const MIN_DOCUMENTS = 20_000;

if (!binary) {
  // eslint-disable-next-line no-console
  console.log('reader differential test skipped: go is not on PATH (the golden-vector parity test in npm test still runs)');
}

(binary ? describe : describe.skip)('our reader against the real kubectl and kustomize readers', () => {
  let oracle: ReaderOracle;
  beforeAll(() => {
    oracle = ReaderOracle.start(binary!);
  });
  afterAll(() => oracle?.close());

  async function run(cases: readonly CorpusCase[]): Promise<Tally> {
    const tally = new Tally();
    const answers = await oracle.read(cases.map((c) => ({ id: c.id, data: c.text })));
    answers.forEach((answer, i) => tally.add(cases[i].id, cases[i].text, compare(cases[i].text, answer)));
    return tally;
  }

  test('every fixture of the repository (rules, Pod Security, check, synth, bad input, reader cases)', async () => {
    const cases = fixtureCases();
    const tally = await run(cases);
    // eslint-disable-next-line no-console
    console.log(`DIFFERENTIAL fixtures: ${cases.length} files\n${tally.summary()}`);
    expect(tally.disagreements).toEqual([]);
    expect(tally.counts.kubectl.agree).toBeGreaterThan(cases.length * 0.9);
  });

  test(`at least ${MIN_DOCUMENTS} generated documents: resolution-table edge cases, merge keys, anchors, unicode, lists, JSON`, async () => {
    const seed = Number(process.env.READER_FUZZ_SEED ?? Date.now() % 2 ** 31);
    const cases: CorpusCase[] = [];
    let documents = 0;
    for (let batch = 0; documents < MIN_DOCUMENTS; batch++) {
      for (const c of generatedCases(seed + batch, 1000)) {
        cases.push(c);
        documents += documentCount(c.text);
      }
    }
    const tally = await run(cases);
    // eslint-disable-next-line no-console
    console.log(`DIFFERENTIAL generated (seed ${seed}): ${cases.length} streams, ${documents} documents\n${tally.summary()}`);
    expect(tally.disagreements).toEqual([]);
  });

  test('what the writer writes, kubectl and kustomize read back as exactly the object (3,000 random objects)', async () => {
    const text = fc.oneof(fc.constantFrom(...EDGE_SCALARS, ...EDGE_STRINGS), fc.string({ unit: 'grapheme', maxLength: 12 }), fc.string({ unit: 'binary', maxLength: 12 }))
      .filter((v) => v !== '<<' && !/[\ud800-\udfff\u007f-\u009f]/.test(v));
    const leaf = fc.oneof({ weight: 4, arbitrary: text }, fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null));
    const tree = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('node'), { maxLength: 3 }), fc.dictionary(text.filter((k) => k !== ''), tie('node'), { maxKeys: 3 })),
    })).node;
    const objects = fc.sample(fc.dictionary(text.filter((k) => k !== '' && !['apiVersion', 'kind', 'metadata', 'items'].includes(k)), tree, { maxKeys: 4 }), { numRuns: 3000, seed: 7 })
      .map((body, i) => JSON.parse(JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `c${i}` }, data: body })) as Record<string, unknown>);
    const answers = await oracle.read(objects.map((o, i) => ({ id: `w${i}`, data: toYaml(o) })));
    const wrong: string[] = [];
    answers.forEach((answer, i) => {
      for (const reader of ['kubectl', 'kustomize'] as const) {
        const reading = answer[reader]!;
        const got = reading.errors.length ? reading.errors.join('; ') : canonical(reading.objects);
        if (got !== canonical([objects[i]])) {
          wrong.push(`${reader}: ${toYaml(objects[i])}\n=> ${got}`);
        }
      }
    });
    // eslint-disable-next-line no-console
    console.log(`WRITER ${objects.length} objects, ${wrong.length} read back differently`);
    expect(wrong.slice(0, 5)).toEqual([]);
  });

  (process.env.UPDATE_GOLDEN === '1' ? test : test.skip)('writes the golden vectors', async () => {
    const cases = [...fixtureCases(), ...generatedCases(GOLDEN_SEED, GOLDEN_GENERATED, 'golden')];
    const answers = await oracle.read(cases.map((c) => ({ id: c.id, data: c.text })));
    const golden = {
      comment: 'Answers of the real kubectl 1.28 and kustomize readers (test/oracle/readers), written by UPDATE_GOLDEN=1 npm run test:go.',
      oracle: readerOracleVersion(binary!).modules,
      generated: { seed: GOLDEN_SEED, count: GOLDEN_GENERATED },
      cases: cases.map((c, i) => ({
        id: c.id,
        ...(c.file ? { file: c.file, sha256: createHash('sha256').update(c.text).digest('hex') } : { text: c.text }),
        answer: answers[i].raw,
      })),
    };
    writeFileSync(GOLDEN_FILE, `${JSON.stringify(golden, null, 1)}\n`);
  });
});
