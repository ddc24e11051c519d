import { readdirSync, readFileSync, statSync } from 'fs';
import { join, relative } from 'path';
import * as fc from 'fast-check';
import { streamArb } from './generators';

/** The repository root. */
export const ROOT = join(__dirname, '..', '..');

/** Where the golden vectors live: the real readers' answers for a representative set of streams. */
export const GOLDEN_FILE = join(ROOT, 'test', 'fixtures', 'reader', 'golden.json');

/** The seed and size of the generated part of the golden set (fixed, so the set is stable). */
export const GOLDEN_SEED = 20261201;
export const GOLDEN_GENERATED = 1500;

/** Every manifest-like fixture file of the repository (rule, PSA, check, synth, bad-input and reader fixtures). */
export function fixtureFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) {
        walk(full);
      } else if (/\.(ya?ml|json)$/i.test(name) && name !== 'golden.json') {
        out.push(relative(ROOT, full));
      }
    }
  };
  walk(join(ROOT, 'test', 'fixtures'));
  return out;
}

export interface CorpusCase {
  readonly id: string;
  readonly text: string;
  /** For fixture files: the path relative to the repository root (the text is read from it). */
  readonly file?: string;
}

export function fixtureCases(): CorpusCase[] {
  return fixtureFiles().map((file) => ({ id: file, file, text: readFileSync(join(ROOT, file), 'utf8') }));
}

/** `count` generated streams from a seed (the same seed gives the same streams). */
export function generatedCases(seed: number, count: number, prefix = 'gen'): CorpusCase[] {
  return fc.sample(streamArb, { seed, numRuns: count }).map((text, i) => ({ id: `${prefix}-${seed}-${i}`, text }));
}

/** How many documents a stream holds, roughly as kubectl counts them (for the "documents per run" figure). */
export function documentCount(text: string): number {
  return Math.max(1, text.split(/^---/m).filter((d) => d.trim() !== '' && d.trim() !== '...').length);
}
