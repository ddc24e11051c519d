import { readFileSync } from 'fs';
import { join } from 'path';
import { suppressionPolicy } from '../../src/config/config';
import { evaluateRun, rulesForProfile } from '../../src/catalogue';
import { isFailing } from '../../src/policy/engine';
import { daysUntil, parseReason, reasonProblem, SUPPRESSION_ANNOTATION_PREFIX, SUPPRESSION_EXPIRING_RULE_ID, SUPPRESSION_RULE_ID } from '../../src/policy/suppressions';
import { cli, ROOT } from '../cli/helpers';

jest.setTimeout(60_000);

const DIR = join(ROOT, 'test', 'fixtures', 'governance');
const CONFIG = join(DIR, '.cdk8s-hardened.yaml');
/** The fixed clock of every case: expiry is judged against it, never against the machine's. */
const NOW = new Date('2027-03-01T12:00:00Z');

async function check(name: string, extra: string[] = []) {
  const result = await cli(['check', '--profile', 'pss-baseline', '--config', CONFIG, '--format', 'json', ...extra, join(DIR, name)], { now: () => NOW });
  return { code: result.code, stderr: result.stderr, json: JSON.parse(result.stdout) as { findings: any[]; suppressions: any[] } };
}

const problem = (json: { findings: any[] }) => json.findings.filter((f) => f.ruleId === SUPPRESSION_RULE_ID || f.ruleId === SUPPRESSION_EXPIRING_RULE_ID);

describe('suppression governance (test/fixtures/governance, clock fixed at 2027-03-01)', () => {
  test('every fixture says why in its first line', () => {
    for (const name of ['accepted', 'pattern', 'expired', 'expiring', 'invisible', 'dots', 'emoji', 'unknown', 'bad-expiry', 'forbidden']) {
      expect(readFileSync(join(DIR, `${name}.yaml`), 'utf8')).toMatch(/^# (accepted|refused|warned): /);
    }
  });

  test('accepted: suppressed, passes, listed in force with reason, owner and expiry', async () => {
    const { code, json } = await check('accepted.yaml');
    expect(code).toBe(0);
    expect(problem(json)).toEqual([]);
    expect(json.findings.find((f) => f.ruleId === 'pss-baseline-host-namespaces')).toMatchObject({
      suppressed: true, suppressionReason: 'OPS-12 node debugging pod for the kernel incident',
    });
    expect(json.suppressions).toEqual([{
      ruleId: 'pss-baseline-host-namespaces',
      reason: 'OPS-12 node debugging pod for the kernel incident',
      source: 'annotation',
      object: { apiVersion: 'v1', kind: 'Pod', namespace: 'ops', name: 'debug' },
      selector: null,
      file: join(DIR, 'accepted.yaml'),
      line: 8,
      expires: '2027-06-30',
      findings: 1,
    }]);
  });

  test.each([
    ['forbidden.yaml', 'pss-baseline-privileged', /^suppression of "pss-baseline-privileged" is forbidden by suppressions\.forbid of the configuration/],
    ['pattern.yaml', 'pss-baseline-host-namespaces', /does not match the reasonPattern \[A-Z\]\+-\[0-9\]\+ of the configuration/],
    ['expired.yaml', 'pss-baseline-host-namespaces', /^suppression of "pss-baseline-host-namespaces" expired on 2027-02-28$/],
    ['invisible.yaml', 'pss-baseline-host-namespaces', /holding the invisible or control character U\+200B/],
    ['dots.yaml', 'pss-baseline-host-namespaces', /shorter than 10 letters or digits \("OPS-1 \.\.\.\.\.\.\.\.\.\."\)/],
    ['emoji.yaml', 'pss-baseline-host-namespaces', /shorter than 10 letters or digits/],
    ['unknown.yaml', 'pss-baseline-host-namespaces', /^suppression names unknown rule "pss-baseline-host-namespace"; did you mean pss-baseline-host-namespaces\?$/],
    ['bad-expiry.yaml', 'pss-baseline-host-namespaces', /has an expiry "2027-02-30" that is not a date/],
  ])('%s: the suppression is an error, suppresses nothing, and the run fails', async (name, ruleId, message) => {
    const { code, json } = await check(name);
    expect(code).toBe(1);
    const problems = problem(json);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ ruleId: SUPPRESSION_RULE_ID, severity: 'error', line: 8 });
    expect(problems[0].message).toMatch(message);
    expect(json.findings.find((f) => f.ruleId === ruleId)).toMatchObject({ suppressed: false, severity: 'error' });
    expect(json.suppressions).toEqual([]);
  });

  test('expiring: a warning (9 days left, within 14), still suppressed; fails only with --fail-on warning', async () => {
    const { code, json } = await check('expiring.yaml');
    expect(code).toBe(0);
    expect(problem(json)).toEqual([expect.objectContaining({
      ruleId: SUPPRESSION_EXPIRING_RULE_ID, severity: 'warning', message: 'suppression of "pss-baseline-host-namespaces" expires on 2027-03-10 (in 9 days)',
    })]);
    expect(json.findings.find((f) => f.ruleId === 'pss-baseline-host-namespaces').suppressed).toBe(true);
    expect(json.suppressions[0]).toMatchObject({ expires: '2027-03-10', findings: 1 });
    expect((await check('expiring.yaml', ['--fail-on', 'warning'])).code).toBe(1);
  });

  test('expiryWarningDays is honoured: 20 days out warns by default (30) and not with the fixture\'s 14', async () => {
    const now = () => new Date('2027-02-18T00:00:00Z');
    const withConfig = await cli(['check', '--profile', 'pss-baseline', '--config', CONFIG, '--format', 'json', join(DIR, 'expiring.yaml')], { now });
    expect(problem(JSON.parse(withConfig.stdout))).toEqual([]);
    const byDefault = await cli(['check', '--profile', 'pss-baseline', '--format', 'json', join(DIR, 'expiring.yaml')], { now, cwd: ROOT });
    expect(problem(JSON.parse(byDefault.stdout)).map((f) => f.message)).toEqual(['suppression of "pss-baseline-host-namespaces" expires on 2027-03-10 (in 20 days)']);
  });

  test('the clock decides expiry: the same file is fine a month earlier and expired a day after', async () => {
    const earlier = await cli(['check', '--profile', 'pss-baseline', '--config', CONFIG, '--format', 'json', join(DIR, 'expiring.yaml')], { now: () => new Date('2027-01-01T00:00:00Z') });
    expect(problem(JSON.parse(earlier.stdout))).toEqual([]);
    const lastDay = await cli(['check', '--profile', 'pss-baseline', '--config', CONFIG, '--format', 'json', join(DIR, 'expiring.yaml')], { now: () => new Date('2027-03-10T23:59:59Z') });
    expect(lastDay.code).toBe(0);
    expect(problem(JSON.parse(lastDay.stdout))[0].message).toMatch(/\(today\)$/);
    const after = await cli(['check', '--profile', 'pss-baseline', '--config', CONFIG, '--format', 'json', join(DIR, 'expiring.yaml')], { now: () => new Date('2027-03-11T00:00:00Z') });
    expect(after.code).toBe(1);
  });

  test('without a configuration the Unicode-aware reason rules, unknown ids and expiry still hold', async () => {
    for (const name of ['invisible.yaml', 'dots.yaml', 'emoji.yaml', 'unknown.yaml', 'expired.yaml']) {
      const result = await cli(['check', '--profile', 'pss-baseline', '--format', 'json', join(DIR, name)], { now: () => NOW, cwd: ROOT });
      expect({ name, code: result.code }).toEqual({ name, code: 1 });
    }
    // Forbid and the pattern are the configuration's: without it, these two are accepted.
    for (const name of ['forbidden.yaml', 'pattern.yaml']) {
      const result = await cli(['check', '--profile', 'pss-baseline', join(DIR, name)], { now: () => NOW, cwd: ROOT });
      expect({ name, code: result.code }).toEqual({ name, code: 0 });
    }
  });
});

describe('reasons and expiry, as functions', () => {
  test.each([
    ['ten zero-width spaces', '\u200b'.repeat(10)],
    ['ten dots', '..........'],
    ['five emoji', '🔥🔥🔥🔥🔥'],
    ['a bidirectional override', 'approved by the platform team \u202e'],
    ['a newline', 'approved by the\nplatform team'],
    ['a tab', 'approved by the\tplatform team'],
  ])('%s is not a reason', (_label, reason) => {
    expect(reasonProblem(reason)).toBeDefined();
  });

  test('letters and digits of any script count', () => {
    expect(reasonProblem('監視エージェントのため必要です')).toBeUndefined();
    expect(reasonProblem('Überwachung nötig')).toBeUndefined();
    expect(reasonProblem('OPS-1234567')).toBeUndefined();
    expect(reasonProblem('ab cd ef gh i')).toMatch(/shorter than 10 letters or digits/);
  });

  test('parseReason splits the expiry and checks the date', () => {
    expect(parseReason('node agent needs it; expires=2027-03-31')).toEqual({ reason: 'node agent needs it', expires: '2027-03-31' });
    expect(parseReason('node agent needs it')).toEqual({ reason: 'node agent needs it' });
    expect(parseReason('a; expires=2027-13-01')).toHaveProperty('problem');
    expect(parseReason('a; expires=tomorrow')).toHaveProperty('problem');
    expect(parseReason('expires=2027-03-31; because')).toHaveProperty('problem');
  });

  test('daysUntil counts UTC days, 0 on the last day', () => {
    expect(daysUntil('2027-03-31', new Date('2027-03-31T23:00:00Z'))).toBe(0);
    expect(daysUntil('2027-03-31', new Date('2027-04-01T00:00:00Z'))).toBe(-1);
    expect(daysUntil('2027-03-31', new Date('2027-03-01T00:00:00Z'))).toBe(30);
  });

  test('a forbidden rule cannot be suppressed by annotation; an exemption of the configuration still applies', () => {
    const pod = {
      apiVersion: 'v1', kind: 'Pod',
      metadata: { name: 'agent', namespace: 'ops', annotations: { [`${SUPPRESSION_ANNOTATION_PREFIX}pss-baseline-privileged`]: 'the node agent manages host devices' } },
      spec: { containers: [{ name: 'a', image: 'a:1', securityContext: { privileged: true } }] },
    };
    const policy = suppressionPolicy({ suppressions: { forbid: ['pss-baseline-*'] } }, NOW);
    const run = evaluateRun([{ object: pod }], rulesForProfile('pss-baseline'), { suppressionPolicy: policy });
    expect(run.findings.filter((f) => isFailing(f)).map((f) => f.ruleId).sort()).toEqual(['pss-baseline-privileged', SUPPRESSION_RULE_ID]);
    const exempt = evaluateRun([{ object: pod }], rulesForProfile('pss-baseline'), {
      suppressionPolicy: policy,
      exemptions: [{ ruleId: 'pss-baseline-privileged', namespace: 'ops', name: 'agent', reason: 'CSI node plugin, reviewed in SEC-4' }],
    });
    expect(exempt.findings.find((f) => f.ruleId === 'pss-baseline-privileged')).toMatchObject({ suppressed: true, suppressionReason: 'exemption: CSI node plugin, reviewed in SEC-4' });
    expect(exempt.suppressions.find((s) => s.source === 'config')).toMatchObject({ ruleId: 'pss-baseline-privileged', selector: { namespace: 'ops', name: 'agent' }, findings: 1 });
  });

  test('an exemption by namespace covers the Namespace object itself, as the admission binding\'s namespaceSelector does', () => {
    const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'monitoring' } };
    const rules = rulesForProfile('hardened').filter((r) => r.id === 'namespace-psa-labels');
    expect(evaluateRun([{ object: ns }], rules).findings.filter((f) => isFailing(f))).toHaveLength(1);
    const exempt = evaluateRun([{ object: ns }], rules, { exemptions: [{ ruleId: 'namespace-psa-labels', namespace: 'monitoring', reason: 'legacy namespace, migrating in OPS-77' }] });
    expect(exempt.findings.filter((f) => isFailing(f))).toEqual([]);
    // A code suppression keeps the object's own namespace (none, for a Namespace).
    const code = evaluateRun([{ object: ns }], rules, { suppressions: [{ ruleId: 'namespace-psa-labels', namespace: 'monitoring', reason: 'legacy namespace, migrating in OPS-77' }] });
    expect(code.findings.filter((f) => isFailing(f))).toHaveLength(1);
  });
});
