import { App, Chart, Testing } from 'cdk8s';
import { HardenedAdmission } from '../../src/admission/construct';
import { generateAdmissionPolicies } from '../../src/admission/generate';
import { parseManifests } from '../../src/input/parse';
import { evaluate, rulesForProfile } from '../../src/catalogue';
import { checkProfile, UnknownProfileError } from '../../src/policy/packs';
import { PROFILES } from '../../src/policy/rule';
import { hardenApp, HardenedApp } from '../../src/synth';
import { cli } from '../cli/helpers';

/**
 * Fail closed: a misspelled profile selected no rule at all, so `new HardenedApp({ profile: 'hardend' })`
 * synthesized a privileged Pod silently and `new HardenedAdmission(c, 'a', {})` emitted no policy. Every entry
 * point refuses an unknown profile and names the one that was meant.
 */
const PRIVILEGED_POD = `apiVersion: v1
kind: Pod
metadata: {name: web, namespace: team-a}
spec:
  containers: [{name: app, image: nginx:1.25.3, securityContext: {privileged: true}}]
`;

describe('unknown profiles are refused at every entry point', () => {
  test('checkProfile accepts every profile and suggests the nearest for a typo', () => {
    for (const p of PROFILES) {
      expect(checkProfile(p)).toBe(p);
    }
    expect(() => checkProfile('hardend')).toThrow(/unknown profile "hardend" \(did you mean hardened\?\)/);
    expect(() => checkProfile('pss-restrcted')).toThrow(/did you mean pss-restricted\?/);
    expect(() => checkProfile(undefined)).toThrow(/no profile given; use one of schema, pss-baseline/);
    expect(() => checkProfile(42)).toThrow(UnknownProfileError);
  });

  test('rulesForProfile', () => {
    expect(() => rulesForProfile('hardend' as any)).toThrow(/did you mean hardened\?/);
    expect(rulesForProfile('hardened').length).toBeGreaterThan(10);
  });

  test('evaluate takes a profile name or rules, and refuses anything else', () => {
    const manifests = parseManifests(PRIVILEGED_POD, 'pod.yaml');
    expect(() => evaluate(manifests, 'hardend' as any)).toThrow(/did you mean hardened\?/);
    expect(() => evaluate(manifests, [{ id: 'x' }] as any)).toThrow(/rules\[0\] is not a rule/);
    expect(evaluate(manifests, 'pss-baseline').map((f) => f.ruleId)).toContain('pss-baseline-privileged');
  });

  test('HardenedApp and hardenApp', () => {
    expect(() => new HardenedApp({ outdir: Testing.app().outdir, profile: 'hardend' as any })).toThrow(/hardenApp: options\.profile: unknown profile "hardend" \(did you mean hardened\?\)/);
    expect(() => hardenApp(new App({ outdir: Testing.app().outdir }), { profile: 'restricted' as any })).toThrow(/did you mean pss-restricted\?/);
  });

  test('HardenedAdmission and generateAdmissionPolicies', () => {
    const chart = new Chart(Testing.app(), 'c');
    expect(() => new HardenedAdmission(chart, 'a', {} as any)).toThrow(/HardenedAdmission "a": props\.profile: no profile given/);
    expect(() => new HardenedAdmission(chart, 'b', { profile: 'hardend' as any })).toThrow(/did you mean hardened\?/);
    expect(() => generateAdmissionPolicies({ profile: 'pss-basline' as any })).toThrow(/did you mean pss-baseline\?/);
  });

  test('the CLI: exit 2 with "did you mean"', async () => {
    for (const command of [['check', '-'], ['rules'], ['admission'], ['synth']]) {
      const result = await cli([...command, '--profile', 'hardend'], { stdin: PRIVILEGED_POD });
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/argument 'hardend' is invalid\. Allowed choices are [a-z, -]+\. \(unknown profile "hardend": did you mean hardened\?\)/);
    }
  });
});
