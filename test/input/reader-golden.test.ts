import { createHash } from 'crypto';
import { readFileSync } from 'fs';
import { join } from 'path';
import { parseAnswer } from '../support/reader-oracle';
import { GOLDEN_FILE, ROOT } from './corpus';
import { compare, Tally } from './parity';

/*
 * The parity test where Go is absent: the real readers' answers for a representative set of streams (every
 * fixture file and 1,500 generated streams), committed as golden vectors, replayed against our reader. The same
 * contract as the Go-backed differential test (test/oracle): the same objects, or we refuse.
 */

interface GoldenCase {
  readonly id: string;
  readonly text?: string;
  readonly file?: string;
  readonly sha256?: string;
  readonly answer: string;
}

const golden = JSON.parse(readFileSync(GOLDEN_FILE, 'utf8')) as { oracle: Record<string, string>; cases: GoldenCase[] };

describe('our reader against the golden answers of the real kubectl and kustomize readers', () => {
  test('the vectors were written by the pinned readers (kubectl 1.28: cli-runtime and apimachinery v0.28.4, yaml.v2 v2.4.0)', () => {
    expect(golden.oracle).toEqual(expect.objectContaining({
      'k8s.io/cli-runtime': 'v0.28.4',
      'k8s.io/apimachinery': 'v0.28.4',
      'sigs.k8s.io/yaml': 'v1.3.0',
      'gopkg.in/yaml.v2': 'v2.4.0',
    }));
    expect(golden.cases.length).toBeGreaterThan(1500);
  });

  test('every stream: the same objects as each reader, or refused', () => {
    const tally = new Tally();
    const stale: string[] = [];
    for (const c of golden.cases) {
      const text = c.text ?? readFileSync(join(ROOT, c.file!), 'utf8');
      if (c.file && createHash('sha256').update(text).digest('hex') !== c.sha256) {
        stale.push(c.file);
        continue;
      }
      tally.add(c.id, text, compare(text, parseAnswer(c.answer)));
    }
    // eslint-disable-next-line no-console
    console.log(`GOLDEN ${golden.cases.length} streams\n${tally.summary()}`);
    expect(stale.map((f) => `${f} changed since the golden vectors were written: UPDATE_GOLDEN=1 npm run test:go`)).toEqual([]);
    expect(tally.disagreements).toEqual([]);
    expect(tally.counts.kubectl.agree).toBeGreaterThan(golden.cases.length * 0.85);
  });
});
