import { readFileSync } from 'fs';
import { join } from 'path';
import { rulesForProfile, ALL_RULES } from '../../src/catalogue';
import { formatRulesMarkdown, RULES_DOC_COMMAND } from '../../src/report/rules-doc';
import { cli, ROOT, scratch } from './helpers';

const tmp = scratch();
afterEach(() => tmp.cleanup());

describe('rules', () => {
  test('lists every rule of the catalogue: id, severity and title, grouped by area', async () => {
    const result = await cli(['rules']);
    expect(result.code).toBe(0);
    for (const rule of ALL_RULES) {
      expect(result.stdout).toMatch(new RegExp(`^  ${rule.id} +${rule.severity} +${rule.title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
    }
    expect(result.stdout).toMatch(/^Pod Security Standards: baseline:$/m);
    expect(result.stdout).toContain(`${ALL_RULES.length} rules. Explain one with: cdk8s-hardened rules <rule-id>`);
  });

  test('--profile lists the rules that profile runs', async () => {
    for (const profile of ['pss-baseline', 'pss-restricted', 'schema', 'hardened'] as const) {
      const result = await cli(['rules', '--profile', profile, '--format', 'json']);
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout).map((r: { id: string }) => r.id)).toEqual(rulesForProfile(profile).map((r) => r.id));
    }
    expect((await cli(['rules', '--profile', 'pss-baseline'])).stdout).toMatch(/^Rules of profile pss-baseline:\n/);
  });

  test('RULE_ID explains one rule: description, fix, docs, profiles', async () => {
    const rule = ALL_RULES.find((r) => r.id === 'pss-baseline-privileged')!;
    const result = await cli(['rules', rule.id]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`${rule.id}: ${rule.title}`);
    expect(result.stdout).toContain(`profiles:  ${rule.profiles.join(', ')}`);
    expect(result.stdout.replace(/\s+/g, ' ')).toContain(rule.description.replace(/\s+/g, ' '));
    expect(result.stdout.replace(/\s+/g, ' ')).toContain(`fix: ${rule.remediation}`);
    expect(result.stdout).toContain(`docs: ${rule.docsUrl}`);
    const json = JSON.parse((await cli(['rules', rule.id, '--format', 'json'])).stdout);
    expect(json).toMatchObject({ id: rule.id, severity: rule.severity, description: rule.description, remediation: rule.remediation, docsUrl: rule.docsUrl });
  });

  test('the engine findings can be explained too', async () => {
    const result = await cli(['rules', 'suppression-invalid']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('profiles:  (reported by the engine in every profile)');
  });

  test('an unknown id: exit 2, one line suggesting close ids', async () => {
    const result = await cli(['rules', 'pss-privileged']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^cdk8s-hardened: unknown rule "pss-privileged"; did you mean pss-baseline-privileged(, [a-z-]+)*\? list every rule with: cdk8s-hardened rules\n$/);
    const far = await cli(['rules', 'zzzz\u001b[31m']);
    expect(far.code).toBe(2);
    expect(far.stderr).toBe('cdk8s-hardened: unknown rule "zzzz\\u001b[31m"; list every rule with: cdk8s-hardened rules\n');
  });

  test('usage errors exit 2', async () => {
    expect((await cli(['rules', '--format', 'yaml'])).code).toBe(2);
    expect((await cli(['rules', '--profile', 'nope'])).code).toBe(2);
    expect((await cli(['rules', 'a', 'b'])).code).toBe(2);
  });

  test('--format markdown --output writes the rules document', async () => {
    const out = join(tmp.dir(), 'docs', 'rules.md');
    const result = await cli(['rules', '--format', 'markdown', '--output', out]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe(`cdk8s-hardened: wrote ${out}\n`);
    expect(readFileSync(out, 'utf8')).toBe(formatRulesMarkdown(ALL_RULES));
  });
});

describe('docs/rules.md', () => {
  test(`is current (regenerate with: npx ts-node -T src/cli/main.ts ${RULES_DOC_COMMAND.replace('cdk8s-hardened ', '')})`, () => {
    const committed = readFileSync(join(ROOT, 'docs', 'rules.md'), 'utf8');
    // Compare by rule first, so a stale document names the rule that changed.
    const ids = (md: string) => [...md.matchAll(/^### (.+)$/gm)].map((m) => m[1]);
    const generated = formatRulesMarkdown(ALL_RULES);
    expect(ids(committed)).toEqual(ids(generated));
    expect(committed).toBe(generated);
  });
});
