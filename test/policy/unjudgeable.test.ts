import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import { parseManifests } from '../../src/input/parse';
import { evaluate } from '../../src/catalogue';
import { UNJUDGEABLE_POD_RULE_ID } from '../../src/policy/engine';
import { PROFILES } from '../../src/policy/rule';

/**
 * A pod-bearing object that the pod rules cannot read (v1 Deployment, a Pod whose spec is a list, ...) got
 * "PASS, 0 errors" from pss-baseline and pss-restricted. It is now an error in every profile. Fixtures:
 * test/fixtures/unjudgeable/{pass,fail}.<case>.yaml, first line a comment, `# path:` lines pinning the field.
 */
const ROOT = join(__dirname, '..', 'fixtures', 'unjudgeable');
const files = readdirSync(ROOT).filter((f) => /^(pass|fail)\..+\.yaml$/.test(f)).sort();

describe(UNJUDGEABLE_POD_RULE_ID, () => {
  test('there are pass and fail fixtures', () => {
    expect(files.some((f) => f.startsWith('pass.'))).toBe(true);
    expect(files.some((f) => f.startsWith('fail.'))).toBe(true);
  });

  test.each(files.flatMap((file) => PROFILES.map((profile) => ({ file, profile }))))('$file under $profile', ({ file, profile }) => {
    const text = readFileSync(join(ROOT, file), 'utf8');
    const findings = evaluate(parseManifests(text, file), profile);
    const unjudgeable = findings.filter((f) => f.ruleId === UNJUDGEABLE_POD_RULE_ID);
    if (file.startsWith('pass.')) {
      expect(unjudgeable).toEqual([]);
    } else {
      expect(unjudgeable.length).toBeGreaterThan(0);
      expect(unjudgeable.every((f) => f.severity === 'error' && f.line !== undefined)).toBe(true);
      for (const [, path] of text.matchAll(/^# path: (.+)$/gm)) {
        expect(unjudgeable.map((f) => f.path)).toContain(path.trim());
      }
    }
  });

  test('the v1 Deployment names the apiVersion that serves it', () => {
    const text = readFileSync(join(ROOT, 'fail.v1-deployment.yaml'), 'utf8');
    const [finding] = evaluate(parseManifests(text, 'x.yaml'), 'pss-baseline').filter((f) => f.ruleId === UNJUDGEABLE_POD_RULE_ID);
    expect(finding.message).toBe('Deployment is not served in "v1", so its pod template cannot be judged (use apps/v1)');
  });
});
