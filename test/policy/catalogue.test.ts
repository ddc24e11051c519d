import { readdirSync } from 'fs';
import { join } from 'path';
import { toTarget } from '../../src/policy/engine';
import { rulesForProfile, ALL_RULES } from '../../src/catalogue';
import { ObjectRule, PROFILES } from '../../src/policy/rule';
import { CONTAINER_RULES } from '../../src/policy/rules/container';
import { readFixtureCase } from '../support/fixtures';

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
    if (CONTAINER_RULES.includes(rule)) {
      // The image and runtime rules judge Docker's files, so Docker's (or Trivy's) documentation defines them, and the remediation
      // names the Dockerfile instruction, the daemon.json key, the docker inspect field or the Trivy report field.
      expect(rule.docsUrl).toMatch(/^https:\/\/(docs\.docker\.com|trivy\.dev)\//);
      expect(rule.profiles).toEqual(['container', 'hardened']);
      expect(rule.remediation).toMatch(/\b(FROM|USER|RUN|COPY|ADD|ENV|ARG|HEALTHCHECK)\b|"[a-z-]+"|(HostConfig|Config)\.[A-Z]|Mounts|ArtifactName|FixedVersion/);
    } else {
      // The remediation names a field (a dotted path or a camelCase key).
      expect(rule.remediation).toMatch(/[a-z]+[A-Z][A-Za-z]*|\w+\.\w+/);
      expect(rule.docsUrl).toMatch(/^https:\/\/kubernetes\.io\//);
    }
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

describe('rules that declare their kinds', () => {
  const fixtures = join(__dirname, '..', 'fixtures', 'rules');
  const withKinds = ALL_RULES.filter((r): r is ObjectRule => r.scope === 'object' && r.kinds !== undefined);

  test('the engine skips a rule for other kinds only where the rule itself finds nothing on them', () => {
    expect(withKinds.length).toBeGreaterThan(30);
    let judged = 0;
    for (const rule of withKinds) {
      // Every fixture of every rule, including this rule's failing ones relabelled as kinds it does not list.
      for (const dir of readdirSync(fixtures)) {
        for (const file of readdirSync(join(fixtures, dir))) {
          for (const manifest of readFixtureCase(join(fixtures, dir, file)).manifests) {
            const object = manifest.object as Record<string, unknown>;
            const kinds = [object.kind as string, 'ConfigMap', 'Widget', 'PodList', ...rule.kinds!.map((k) => `${k}s`)];
            for (const kind of kinds.filter((k) => !rule.kinds!.includes(k))) {
              const target = toTarget({ ...object, kind })!;
              expect([rule.id, file, kind, rule.check(target)]).toEqual([rule.id, file, kind, []]);
              judged++;
            }
          }
        }
      }
    }
    expect(judged).toBeGreaterThan(10_000);
  });
});
