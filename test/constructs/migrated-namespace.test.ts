import { readFileSync } from 'fs';
import { join } from 'path';
import { Chart } from 'cdk8s';
import { LockedDownNamespace } from '../../src/constructs';
import { parseManifests } from '../../src/input/parse';
import { migratePsp, pspObjects } from '../../src/migrate/psp';
import { HardenedApp } from '../../src/synth';
import { findings, json, UNUSED_OUTDIR } from './support';

const GUIDE = join(__dirname, '..', 'fixtures', 'migrate', 'guide-restricted-psp.yaml');

function guideMigration(level?: 'restricted') {
  const [{ manifest }] = pspObjects(parseManifests(readFileSync(GUIDE, 'utf8'), GUIDE));
  return migratePsp(manifest, level ? { level } : {});
}

describe('LockedDownNamespace takes a PodSecurityPolicy migration', () => {
  test('the level and the PSP label on the namespace, the policies beside it, the weaker level a recorded suppression', () => {
    const app = new HardenedApp({ outdir: UNUSED_OUTDIR, onReport: () => undefined });
    const chart = new Chart(app, 'c', { namespace: 'legacy' });
    const migration = guideMigration();
    const ns = new LockedDownNamespace(chart, 'ns', { name: 'legacy', migratedPsp: migration });
    const namespace = json(ns.apiObject);
    expect(namespace.metadata.labels).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'privileged',
      'pod-security.kubernetes.io/enforce-version': 'v1.28',
      'cdk8s-hardened.io/psp': 'restricted',
    });
    expect(namespace.metadata.annotations['suppress.cdk8s-hardened.io/namespace-psa-labels'])
      .toBe('migrated from PodSecurityPolicy restricted, which maps to Pod Security privileged; its stricter controls are enforced by 13 ValidatingAdmissionPolicies');
    expect(ns.migratedPolicies.map((p) => json(p))).toEqual(migration.policies);
    const failing = findings(app).filter((f) => !f.suppressed && f.severity === 'error');
    expect(failing).toEqual([]);
    expect(findings(app).filter((f) => f.suppressed).map((f) => f.ruleId)).toContain('namespace-psa-labels');
  });

  test('a migration at restricted needs no suppression; emitPolicies false shares another namespace\'s policies', () => {
    const app = new HardenedApp({ outdir: UNUSED_OUTDIR, onReport: () => undefined });
    const chart = new Chart(app, 'c', { namespace: 'a' });
    const migration = guideMigration('restricted');
    const a = new LockedDownNamespace(chart, 'a', { name: 'a', migratedPsp: migration });
    const b = new LockedDownNamespace(chart, 'b', { name: 'b', migratedPsp: { ...migration, emitPolicies: false } });
    expect(json(a.apiObject).metadata.annotations).toBeUndefined();
    expect(a.migratedPolicies).toHaveLength(8);
    expect(b.migratedPolicies).toEqual([]);
    expect(json(b.apiObject).metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });

  test('podSecurityException: a lower level with its reason as a suppression; refused with migratedPsp or a short reason', () => {
    const chart = new Chart(new HardenedApp({ outdir: UNUSED_OUTDIR, onReport: () => undefined }), 'c');
    const ns = new LockedDownNamespace(chart, 'agents', { name: 'agents', podSecurityException: { level: 'baseline', reason: 'node agents need host ports for their probes' } });
    expect(json(ns.apiObject).metadata.labels['pod-security.kubernetes.io/enforce']).toBe('baseline');
    expect(json(ns.apiObject).metadata.annotations).toEqual({ 'suppress.cdk8s-hardened.io/namespace-psa-labels': 'node agents need host ports for their probes' });
    expect(() => new LockedDownNamespace(chart, 'y', { name: 'y', podSecurityException: { level: 'baseline', reason: 'because' } })).toThrow(/10 letters or digits/);
    expect(() => new LockedDownNamespace(chart, 'z', { name: 'z', migratedPsp: guideMigration(), podSecurityException: { level: 'baseline', reason: 'node agents need it here' } }))
      .toThrow(/podSecurityException and migratedPsp both set the Pod Security level/);
  });

  test('refuses a level that is not one', () => {
    const chart = new Chart(new HardenedApp({ outdir: UNUSED_OUTDIR, onReport: () => undefined }), 'c');
    expect(() => new LockedDownNamespace(chart, 'x', { name: 'x', migratedPsp: { psp: 'p', level: 'strict' as never, policies: [] } }))
      .toThrow(/LockedDownNamespace "x": .*migratedPsp.level.*"strict" is not a Pod Security Standards level/);
  });
});
