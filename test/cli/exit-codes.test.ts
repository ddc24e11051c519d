/**
 * Every command returns the one set of exit codes in src/cli/common.ts (issue 20: synth had its own copies of the
 * same numbers): no other file of src/cli declares a constant named like an exit code.
 */
import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';

const CLI = join(__dirname, '..', '..', 'src', 'cli');

test('only common.ts declares exit codes', () => {
  const declared = readdirSync(CLI).filter((f) => f.endsWith('.ts')).sort().flatMap((f) => {
    const code = readFileSync(join(CLI, f), 'utf8');
    return [...code.matchAll(/\bconst\s+([A-Z][A-Z0-9_]*_(?:OK|FINDINGS|BAD_INPUT))\s*=/g)].map((m) => `${f}: ${m[1]}`);
  });
  expect(declared).toEqual(['common.ts: EXIT_OK', 'common.ts: EXIT_FINDINGS', 'common.ts: EXIT_BAD_INPUT']);
});
