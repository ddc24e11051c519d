import { ALL_RULES } from '../../src/catalogue';
import { ENGINE_RULES, formatRuleExplanation, formatRuleList, formatRulesMarkdown, ruleArea, rulesByArea, suggestRuleIds } from '../../src/report/rules-doc';
import { RULES } from './helpers';

describe('rule catalogue formatting', () => {
  test('areas come from the id', () => {
    expect(ruleArea({ id: 'schema' })).toBe('Schema');
    expect(ruleArea({ id: 'pss-baseline-privileged' })).toBe('Pod Security Standards: baseline');
    expect(ruleArea({ id: 'pss-restricted-seccomp' })).toBe('Pod Security Standards: restricted');
    expect(ruleArea({ id: 'workload-resources' })).toBe('Workloads');
    expect(ruleArea({ id: 'rbac-wildcard' })).toBe('RBAC');
    expect(ruleArea({ id: 'suppression-invalid' })).toBe('Engine');
    expect(ruleArea({ id: 'gateway-tls' })).toBe('Gateway');
  });

  test('rulesByArea keeps catalogue order inside an area and a fixed order of areas', () => {
    const groups = rulesByArea([{ ...RULES[0], id: 'workload-a' }, { ...RULES[0], id: 'schema' }, { ...RULES[0], id: 'zeta-x' }, { ...RULES[0], id: 'workload-b' }, { ...RULES[0], id: 'pss-baseline-x' }]);
    expect(groups.map((g) => [g.area, g.rules.map((r) => r.id)])).toEqual([
      ['Schema', ['schema']],
      ['Pod Security Standards: baseline', ['pss-baseline-x']],
      ['Workloads', ['workload-a', 'workload-b']],
      ['Zeta', ['zeta-x']],
    ]);
  });

  test('the list shows id, severity and title under area headings', () => {
    const text = formatRuleList([{ ...RULES[0], id: 'pss-baseline-privileged' }, { ...RULES[1], id: 'workload-probes' }], 'Rules:');
    expect(text).toBe([
      'Rules:',
      '',
      'Pod Security Standards: baseline:',
      '  pss-baseline-privileged  error    Privileged containers are forbidden',
      '',
      'Workloads:',
      '  workload-probes          warning  Containers have probes',
      '',
      '2 rules. Explain one with: cdk8s-hardened rules <rule-id>',
      '',
    ].join('\n'));
  });

  test('an explanation holds the description, fix, docs and profiles', () => {
    const text = formatRuleExplanation({ ...RULES[0], overrides: ['old-rule'] });
    expect(text).toContain('test-privileged: Privileged containers are forbidden');
    expect(text).toContain('severity:  error');
    expect(text).toContain('profiles:  pss-baseline, hardened');
    expect(text).toContain('replaces:  old-rule');
    expect(text).toContain('A privileged container owns the node.');
    expect(text).toContain('fix:  Set securityContext.privileged to false.');
    expect(text).toContain('docs: https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline');
  });

  test('suggestions for a mistyped id', () => {
    const ids = ['pss-baseline-privileged', 'pss-restricted-privilege-escalation', 'pss-restricted-run-as-non-root', 'schema', 'workload-probes'].map((id) => ({ id }));
    expect(suggestRuleIds('pss-privileged', ids)[0]).toBe('pss-baseline-privileged');
    expect(suggestRuleIds('pss-baseline-privilegd', ids)[0]).toBe('pss-baseline-privileged');
    expect(suggestRuleIds('schem', ids)).toEqual(['schema']);
    expect(suggestRuleIds('probes', ids)).toEqual(['workload-probes']);
    expect(suggestRuleIds('run-as-non-root', ids)).toEqual(['pss-restricted-run-as-non-root']);
    expect(suggestRuleIds('xyzzy', ids)).toEqual([]);
    expect(suggestRuleIds('x'.repeat(10_000), ids)).toEqual([]);
  });

  test('markdown: profiles table, a table and a section per rule, engine findings, and the regeneration command', () => {
    const md = formatRulesMarkdown(RULES);
    expect(md.startsWith('# Rules\n\n<!-- Generated from the rule catalogue; do not edit. Regenerate with: cdk8s-hardened rules --format markdown --output docs/rules.md -->\n')).toBe(true);
    expect(md).toContain('| `hardened` | 3 |');
    expect(md).toContain('| `pss-baseline` | 1 |');
    expect(md).toContain('| [`test-privileged`](#test-privileged) | error | pss-baseline, hardened | Privileged containers are forbidden |');
    expect(md).toContain('### test-privileged\n\n**Privileged containers are forbidden** (severity: `error`; profiles: `pss-baseline`, `hardened`)\n\n'
      + 'A privileged container owns the node.\n\n**Fix:** Set securityContext.privileged to false.\n\n'
      + '**Reference:** <https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline>\n');
    for (const rule of ENGINE_RULES) {
      expect(md).toContain(`### ${rule.id}\n`);
    }
    expect(md.endsWith('\n')).toBe(true);
    expect(md).not.toMatch(/\n\n\n/);
  });

  test('the real catalogue renders every rule once, and counts overridden rules out of a pack', () => {
    const md = formatRulesMarkdown(ALL_RULES);
    for (const rule of ALL_RULES) {
      expect(md.split(`\n### ${rule.id}\n`)).toHaveLength(2);
    }
  });
});
