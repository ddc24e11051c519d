import { evaluate, rulesForProfile } from '../../src/catalogue';
import { isFailing } from '../../src/policy/engine';
import { SUPPRESSION_ANNOTATION_PREFIX, SUPPRESSION_RULE_ID, suppressionAnnotation } from '../../src/policy/suppressions';

function pod(annotations?: Record<string, unknown>) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'debug', namespace: 'ops', ...(annotations ? { annotations } : {}) },
    spec: { hostPID: true, containers: [{ name: 'shell', image: 'busybox:1.36' }] },
  };
}

const RULE = 'pss-baseline-host-namespaces';

describe('suppressions', () => {
  test('an annotation with a reason suppresses the rule: the finding stays, marked, and does not fail', () => {
    const reason = 'node debugging pod, deleted after the incident';
    const findings = evaluate([{ object: pod({ [SUPPRESSION_ANNOTATION_PREFIX + RULE]: reason }) }], rulesForProfile('pss-baseline'));
    const finding = findings.find((f) => f.ruleId === RULE)!;
    expect(finding).toMatchObject({ suppressed: true, suppressionReason: reason });
    expect(findings.filter((f) => isFailing(f))).toEqual([]);
  });

  test('only the named rule is suppressed', () => {
    const object = pod({ [SUPPRESSION_ANNOTATION_PREFIX + 'pss-baseline-privileged']: 'not the rule that fires here' });
    const findings = evaluate([{ object }], rulesForProfile('pss-baseline'));
    expect(findings.find((f) => f.ruleId === RULE)!.suppressed).toBe(false);
  });

  test.each([['empty', ''], ['blank', '   '], ['too short', 'because'], ['not a string', 42]])(
    'a suppression with a %s reason is itself an error and suppresses nothing', (_label, reason) => {
      const findings = evaluate([{ object: pod({ [SUPPRESSION_ANNOTATION_PREFIX + RULE]: reason }) }], rulesForProfile('pss-baseline'));
      expect(findings.find((f) => f.ruleId === RULE)!.suppressed).toBe(false);
      const problem = findings.find((f) => f.ruleId === SUPPRESSION_RULE_ID)!;
      expect(problem).toMatchObject({ severity: 'error', path: `metadata.annotations["${SUPPRESSION_ANNOTATION_PREFIX}${RULE}"]` });
      expect(problem.message).toMatch(/^suppression of "pss-baseline-host-namespaces" has /);
    });

  test('a suppression of an unknown rule id is an error, with "did you mean" when one is close', () => {
    const findings = evaluate([{ object: pod({ [SUPPRESSION_ANNOTATION_PREFIX + 'no-such-rule']: 'a perfectly good reason' }) }], rulesForProfile('pss-baseline'));
    expect(findings.find((f) => f.ruleId === SUPPRESSION_RULE_ID)).toMatchObject({ severity: 'error', message: 'suppression names unknown rule "no-such-rule"' });
    const near = evaluate([{ object: pod({ [SUPPRESSION_ANNOTATION_PREFIX + 'pss-baseline-privilegd']: 'a perfectly good reason' }) }], rulesForProfile('pss-baseline'));
    expect(near.find((f) => f.ruleId === SUPPRESSION_RULE_ID)!.message).toBe('suppression names unknown rule "pss-baseline-privilegd"; did you mean pss-baseline-privileged?');
  });

  test.each([SUPPRESSION_RULE_ID, 'suppression-expiring', 'invalid-object', 'input-reading-differs', 'input-list-carrier'])(
    'the engine finding %s cannot be suppressed', (id) => {
      const findings = evaluate([{ object: pod({ [SUPPRESSION_ANNOTATION_PREFIX + id]: 'a perfectly good reason' }) }], rulesForProfile('pss-baseline'));
      expect(findings.find((f) => f.ruleId === SUPPRESSION_RULE_ID)).toMatchObject({
        severity: 'error', message: `suppression names the engine finding "${id}", which no suppression can silence`,
      });
    });

  test('suppressions given in code match by rule, object and path', () => {
    const rules = rulesForProfile('pss-baseline');
    const given = (s: object) => evaluate([{ object: pod() }], rules, { suppressions: [{ ruleId: RULE, reason: 'approved in ticket OPS-12', ...s }] })
      .find((f) => f.ruleId === RULE)!.suppressed;
    expect(given({})).toBe(true);
    expect(given({ kind: 'Pod', name: 'debug', namespace: 'ops' })).toBe(true);
    expect(given({ name: 'other' })).toBe(false);
    expect(given({ path: 'spec' })).toBe(true);
    expect(given({ path: 'spec.hostPID' })).toBe(true);
    expect(given({ path: 'spec.hostNetwork' })).toBe(false);
  });

  test('suppressionAnnotation writes the annotation and refuses a missing reason', () => {
    expect(suppressionAnnotation(RULE, ' debugging the node kernel ')).toEqual({ [SUPPRESSION_ANNOTATION_PREFIX + RULE]: 'debugging the node kernel' });
    expect(() => suppressionAnnotation(RULE, '')).toThrow(/has no reason/);
    expect(() => suppressionAnnotation(RULE, 'short')).toThrow(/shorter than 10/);
  });
});
