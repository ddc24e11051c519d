import { existsSync, readdirSync, statSync } from 'fs';
import { join } from 'path';
import { evaluate, ALL_RULES } from '../../src/catalogue';
import { readFixtureCase } from '../support/fixtures';

/**
 * One table-driven runner for every rule's fixtures: `test/fixtures/rules/<rule-id>/pass.<case>.yaml` must give
 * no finding of that rule, `fail.<case>.yaml` at least one (`.Dockerfile` and `.json` for the container rules: a
 * Dockerfile, a daemon.json or docker inspect output, read as `check` reads them), or a folder `pass.<case>/` of files
 * judged together, whose `*.trivy.json` files are `--scan` reports. The first line of each file is a comment saying why.
 * A fail file may pin the field paths it must report with lines `# path: <path>`; a file is judged as one
 * object set, so rules over the whole set (e.g. default-deny coverage) use the same layout.
 */
const ROOT = join(__dirname, '..', 'fixtures', 'rules');

interface Case { ruleId: string; kind: 'pass' | 'fail'; file: string; path: string }

const cases: Case[] = existsSync(ROOT)
  ? readdirSync(ROOT).sort().flatMap((ruleId) => readdirSync(join(ROOT, ruleId)).sort()
    // A folder `pass.<case>/` holds files judged together (a Dockerfile and the manifests that run its image).
    .filter((file) => /^(pass|fail)\..+\.(ya?ml|json|Dockerfile)$/.test(file) || (/^(pass|fail)\.[^.]+$/.test(file) && statSync(join(ROOT, ruleId, file)).isDirectory()))
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

  test.each(cases)('$ruleId: $file', ({ ruleId, kind, path }) => {
    const fixture = readFixtureCase(path);
    for (const { text } of fixture.texts) {
      expect(text.split('\n')[0]).toMatch(/^# \S.{8,}/);
    }
    const text = fixture.texts.map((t) => t.text).join('\n');
    const rule = ALL_RULES.find((r) => r.id === ruleId)!;
    const findings = evaluate(fixture.manifests, [rule], fixture.scan ? { scan: fixture.scan } : {})
      .filter((f) => f.ruleId === ruleId && !f.suppressed);
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
