import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import { evaluate, rulesForProfile } from '../../src/catalogue';
import { isFailing } from '../../src/policy/engine';
import { parseManifests } from '../../src/input/parse';

/**
 * Kubernetes' own Pod Security Admission fixtures (test/fixtures/pod-security, v1.28): every file must get
 * the verdict of its folder at its level. No exceptions list.
 */
const ROOT = join(__dirname, '..', 'fixtures', 'pod-security');
const LEVELS = ['baseline', 'restricted'] as const;

const cases = LEVELS.flatMap((level) => (['pass', 'fail'] as const).flatMap((verdict) => {
  const dir = join(ROOT, level, 'v1.28', verdict);
  return readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort().map((file) => ({ level, verdict, file, path: join(dir, file) }));
}));

describe('Pod Security Admission v1.28 fixtures', () => {
  test('the corpus is complete: 126 pods (baseline 11 pass / 29 fail, restricted 17 pass / 69 fail)', () => {
    const count = (level: string, verdict: string) => cases.filter((c) => c.level === level && c.verdict === verdict).length;
    expect(cases).toHaveLength(126);
    expect([count('baseline', 'pass'), count('baseline', 'fail'), count('restricted', 'pass'), count('restricted', 'fail')])
      .toEqual([11, 29, 17, 69]);
  });

  test.each(cases)('$level/$verdict/$file', ({ level, verdict, path, file }) => {
    const manifests = parseManifests(readFileSync(path, 'utf8'), file);
    expect(manifests).toHaveLength(1);
    const findings = evaluate(manifests, rulesForProfile(level === 'baseline' ? 'pss-baseline' : 'pss-restricted'));
    const failing = findings.filter((f) => isFailing(f));
    if (verdict === 'pass') {
      expect(failing).toEqual([]);
    } else {
      expect(failing.length).toBeGreaterThan(0);
      // The finding names the control the fixture exercises (file names are <control><n>.yaml).
      const control = file.replace(/\d+\.yaml$/, '');
      expect(failing.map((f) => f.ruleId)).toContainEqual(expect.stringMatching(CONTROL_TO_RULE[control]));
    }
  });
});

/** PSA check id (as in the fixture file names) -> our rule id. */
const CONTROL_TO_RULE: Record<string, RegExp> = {
  allowprivilegeescalation: /^pss-restricted-privilege-escalation$/,
  apparmorprofile: /^pss-baseline-apparmor$/,
  capabilities_baseline: /^pss-(baseline|restricted)-capabilities$/,
  capabilities_restricted: /^pss-restricted-capabilities$/,
  hostnamespaces: /^pss-baseline-host-namespaces$/,
  hostpathvolumes: /^(pss-baseline-host-path-volumes|pss-restricted-volume-types)$/,
  hostports: /^pss-baseline-host-ports$/,
  privileged: /^pss-baseline-privileged$/,
  procmount: /^pss-baseline-proc-mount$/,
  restrictedvolumes: /^pss-restricted-volume-types$/,
  runasnonroot: /^pss-restricted-run-as-non-root$/,
  runasuser: /^pss-restricted-run-as-user$/,
  seccompprofile_baseline: /^pss-(baseline|restricted)-seccomp$/,
  seccompprofile_restricted: /^pss-restricted-seccomp$/,
  selinuxoptions: /^pss-baseline-selinux$/,
  sysctls: /^pss-baseline-sysctls$/,
  windowshostprocess: /^pss-baseline-host-process$/,
};
