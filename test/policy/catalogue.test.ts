import { rulesForProfile } from '../../src/policy/packs';
import { ALL_RULES } from '../../src/policy/rules';
import { PROFILES } from '../../src/policy/rule';

describe('rule catalogue', () => {
  test('rule ids are unique kebab-case', () => {
    const ids = ALL_RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) {
      expect(id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    }
  });

  test.each(ALL_RULES.map((r) => [r.id, r] as const))('%s is well formed', (_id, rule) => {
    expect(rule.title.length).toBeGreaterThan(10);
    expect(rule.description.length).toBeGreaterThan(80);
    expect(rule.remediation).toMatch(/\.$/);
    // The remediation names a field (a dotted path or a camelCase key).
    expect(rule.remediation).toMatch(/[a-z]+[A-Z][A-Za-z]*|\w+\.\w+/);
    expect(rule.docsUrl).toMatch(/^https:\/\/kubernetes\.io\//);
    expect(rule.profiles.length).toBeGreaterThan(0);
    for (const p of rule.profiles) {
      expect(PROFILES).toContain(p);
    }
    for (const o of rule.overrides ?? []) {
      expect(ALL_RULES.map((r) => r.id)).toContain(o);
    }
  });

  // Pin each pack's rule ids and severities, so dropping or demoting a rule is a visible diff.
  test.each(['pss-baseline', 'pss-restricted'] as const)('pack %s', (profile) => {
    expect(rulesForProfile(profile).map((r) => `${r.id} ${r.severity}`)).toMatchSnapshot();
  });

  test('pss-baseline has the 11 baseline controls; pss-restricted replaces three of them and adds six', () => {
    expect(rulesForProfile('pss-baseline')).toHaveLength(11);
    const restricted = rulesForProfile('pss-restricted').map((r) => r.id);
    expect(restricted).toHaveLength(14);
    expect(restricted).not.toContain('pss-baseline-host-path-volumes');
    expect(restricted).not.toContain('pss-baseline-capabilities');
    expect(restricted).not.toContain('pss-baseline-seccomp');
  });
});
