import { existsSync, readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import { parseManifests } from '../../src/input/parse';
import { evaluate } from '../../src/policy/engine';
import { ALL_RULES } from '../../src/policy/rules';

/**
 * One table-driven runner for every rule's fixtures: `test/fixtures/rules/<rule-id>/pass.<case>.yaml` must give
 * no finding of that rule, `fail.<case>.yaml` at least one. The first line of each file is a comment saying why.
 * A fail file may pin the field paths it must report with lines `# path: <path>`; a file is judged as one
 * object set, so rules over the whole set (e.g. default-deny coverage) use the same layout.
 */
const ROOT = join(__dirname, '..', 'fixtures', 'rules');

interface Case { ruleId: string; kind: 'pass' | 'fail'; file: string; path: string }

const cases: Case[] = existsSync(ROOT)
  ? readdirSync(ROOT).sort().flatMap((ruleId) => readdirSync(join(ROOT, ruleId)).sort()
    .filter((file) => /^(pass|fail)\..+\.ya?ml$/.test(file))
    .map((file) => ({ ruleId, kind: file.startsWith('pass.') ? 'pass' as const : 'fail' as const, file, path: join(ROOT, ruleId, file) })))
  : [];

describe('rule fixtures', () => {
  test('every rule has at least one pass and one fail fixture, and every fixture folder names a rule', () => {
    const ids = ALL_RULES.map((r) => r.id);
    const missing = ids.filter((id) => !cases.some((c) => c.ruleId === id && c.kind === 'pass') || !cases.some((c) => c.ruleId === id && c.kind === 'fail'));
    expect(missing).toEqual([]);
    const folders = existsSync(ROOT) ? readdirSync(ROOT) : [];
    expect(folders.filter((f) => !ids.includes(f))).toEqual([]);
  });

  test.each(cases)('$ruleId: $file', ({ ruleId, kind, file, path }) => {
    const text = readFileSync(path, 'utf8');
    expect(text.split('\n')[0]).toMatch(/^# \S.{8,}/);
    const rule = ALL_RULES.find((r) => r.id === ruleId)!;
    const findings = evaluate(parseManifests(text, file), [rule]).filter((f) => f.ruleId === ruleId && !f.suppressed);
    if (kind === 'pass') {
      expect(findings).toEqual([]);
    } else {
      expect(findings.length).toBeGreaterThan(0);
      const expectedPaths = [...text.matchAll(/^# path: (.+)$/gm)].map((m) => m[1].trim());
      for (const expected of expectedPaths) {
        expect(findings.map((f) => f.path)).toContain(expected);
      }
      for (const f of findings) {
        expect(f.line).toBeGreaterThan(0);
      }
    }
  });
});
