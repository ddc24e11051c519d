import { Chart, Testing } from 'cdk8s';
import { generateAdmissionPolicies, HardenedAdmission, notExpressibleRules } from '../../src/admission';

describe('HardenedAdmission', () => {
  test('emits exactly the objects generateAdmissionPolicies returns', () => {
    const chart = Testing.chart();
    const admission = new HardenedAdmission(chart, 'admission', { profile: 'pss-restricted', validationActions: ['Warn'] });
    expect(Testing.synth(chart)).toEqual(generateAdmissionPolicies({ profile: 'pss-restricted', validationActions: ['Warn'] }));
    expect(admission.apiObjects).toHaveLength(28);
    expect(admission.notExpressible).toEqual(notExpressibleRules('pss-restricted'));
  });

  test('a chart namespace is not copied onto the cluster-scoped policies', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'c', { namespace: 'team-a' });
    new HardenedAdmission(chart, 'admission', { profile: 'pss-baseline' });
    const objects = Testing.synth(chart);
    expect(objects).toHaveLength(22);
    expect(objects.filter((o: { metadata: Record<string, unknown> }) => 'namespace' in o.metadata)).toEqual([]);
    expect(objects).toEqual(generateAdmissionPolicies({ profile: 'pss-baseline' }));
  });

  test('lists the rules of the profile it cannot enforce', () => {
    const admission = new HardenedAdmission(Testing.chart(), 'admission', { profile: 'hardened' });
    expect(admission.notExpressible.map((r) => r.ruleId)).toContain('schema');
  });
});
