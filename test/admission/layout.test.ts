import { readdirSync, readFileSync } from 'fs';
import { dirname, join, relative, resolve } from 'path';
import { ADMISSION_CATALOGUE } from '../../src/admission';
import { ALL_RULES } from '../../src/catalogue';
import { pspControlRule } from '../../src/policy/rules/psp/controls';
import { SCHEMA_RULE } from '../../src/schema';

const SRC = join(__dirname, '..', '..', 'src');

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    return e.isDirectory() ? tsFiles(path) : e.name.endsWith('.ts') ? [path] : [];
  });
}

/** The relative module specifiers of a file: import/export ... from, import(), require(). */
function specifiers(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found = [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)['"](\.[^'"]*)['"]/gm)];
  return found.map((m) => m[1]);
}

describe('a rule is one file: its admission entry lives with it', () => {
  test('src/policy imports nothing from src/admission (the generator reads the rules, not the other way round)', () => {
    const files = tsFiles(join(SRC, 'policy'));
    expect(files.length).toBeGreaterThan(50);
    const offending = files.flatMap((file) => specifiers(file)
      .filter((s) => !relative(join(SRC, 'admission'), resolve(dirname(file), s)).startsWith('..'))
      .map((s) => `${relative(SRC, file)} imports ${s}`));
    expect(offending).toEqual([]);
  });

  test('every rule of src/policy carries its own entry, and the catalogue only collects them', () => {
    const missing = ALL_RULES.filter((r) => r !== SCHEMA_RULE && r.admission === undefined).map((r) => r.id);
    expect(missing).toEqual([]);
    for (const rule of ALL_RULES.filter((r) => r !== SCHEMA_RULE)) {
      expect(ADMISSION_CATALOGUE[rule.id]).toBe(rule.admission);
    }
    expect(Object.keys(ADMISSION_CATALOGUE).sort()).toEqual(ALL_RULES.map((r) => r.id).sort());
  });

  test('a rule migrate-psp derives carries the entry it is returned with', () => {
    const { rule, admission } = pspControlRule('restricted', { kind: 'read-only-root-filesystem' });
    expect(rule.admission).toBe(admission);
  });
});
