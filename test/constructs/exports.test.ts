/**
 * Each file of src/constructs exports only what it owns (issue 20): importers, src/index.ts among them, take a name
 * from the file that defines it. Only the stage's index gathers the files' exports.
 */
import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';

const CONSTRUCTS = join(__dirname, '..', '..', 'src', 'constructs');

test('no file of src/constructs but index.ts re-exports from another file', () => {
  const reexports = readdirSync(CONSTRUCTS).filter((f) => f.endsWith('.ts') && f !== 'index.ts').flatMap((f) => {
    const code = readFileSync(join(CONSTRUCTS, f), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
    return [...code.matchAll(/\bexport\s+(?:type\s+)?(?:\*|\{[^}]*\})\s*from\s+['"]([^'"]+)['"]/g)].map((m) => `${f} -> ${m[1]}`);
  });
  expect(reexports).toEqual([]);
});
