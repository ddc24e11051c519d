import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart } from 'cdk8s';
import { HardenedAdmission } from '../../src/admission';
import { CONFIG_ENV } from '../../src/config/config';
import { SUPPRESSION_ANNOTATION_PREFIX } from '../../src/policy/suppressions';
import { hardenApp, HardenedApp, SynthReport } from '../../src/synth';

function tmpdir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'hardened-config-'));
}

function config(text: string): string {
  const file = path.join(tmpdir(), '.cdk8s-hardened.yaml');
  fs.writeFileSync(file, text);
  return file;
}

/** A chart with one Pod on the host network (pss-baseline-host-namespaces), optionally annotated. */
function hostPod(app: App, annotations: Record<string, string> = {}): void {
  const chart = new Chart(app, 'c', { namespace: 'monitoring' });
  new ApiObject(chart, 'pod', {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'node-exporter', annotations },
    spec: { hostNetwork: true, containers: [{ name: 'c', image: 'prom/node-exporter:1.7.0' }] },
  });
}

const NOW = new Date('2027-03-01T00:00:00Z');

describe('HardenedApp and hardenApp read .cdk8s-hardened.yaml', () => {
  test('the profile, and an exemption that lets the object through (listed in the report)', () => {
    const file = config('profile: pss-baseline\nexemptions:\n  - rule: pss-baseline-host-namespaces\n    namespace: monitoring\n    name: node-exporter\n    reason: node exporter reads host network metrics\n');
    const reports: SynthReport[] = [];
    const app = new HardenedApp({ outdir: tmpdir(), config: file, onReport: (r) => reports.push(r) });
    hostPod(app);
    expect(() => app.synth()).not.toThrow();
    expect(reports[0].profile).toBe('pss-baseline');
    expect(reports[0].findings.find((f) => f.ruleId === 'pss-baseline-host-namespaces')).toMatchObject({ suppressed: true });
    expect(reports[0].suppressions).toEqual([expect.objectContaining({ source: 'config', ruleId: 'pss-baseline-host-namespaces', findings: 1 })]);
    // Without the file the same app fails.
    const plain = new HardenedApp({ outdir: tmpdir(), config: false, profile: 'pss-baseline', onReport: () => undefined });
    hostPod(plain);
    expect(() => plain.synth()).toThrow(/pss-baseline-host-namespaces/);
  });

  test('suppressions.forbid refuses an escape-hatch annotation at synth, and a code suppression at construction', () => {
    const file = config('profile: pss-baseline\nsuppressions:\n  forbid: [pss-baseline-host-namespaces]\n');
    const app = new HardenedApp({ outdir: tmpdir(), config: file, onReport: () => undefined });
    hostPod(app, { [`${SUPPRESSION_ANNOTATION_PREFIX}pss-baseline-host-namespaces`]: 'node exporter reads host metrics' });
    expect(() => app.synth()).toThrow(/suppression of "pss-baseline-host-namespaces" is forbidden by suppressions\.forbid/);
    expect(() => new HardenedApp({ config: file, suppressions: [{ ruleId: 'pss-baseline-host-namespaces', reason: 'node exporter reads host metrics' }] }))
      .toThrow('suppression of "pss-baseline-host-namespaces" is forbidden by suppressions.forbid of the configuration; fix the finding instead');
    expect(() => new HardenedApp({ config: false, suppressions: [{ ruleId: 'pss-baseline-host-namespace', reason: 'node exporter reads host metrics' }] }))
      .toThrow(/unknown rule "pss-baseline-host-namespace"; did you mean pss-baseline-host-namespaces/);
  });

  test('failOn and rules.severity of the file; options win over the file', () => {
    const file = config('profile: pss-baseline\nfailOn: warning\nrules:\n  severity:\n    pss-baseline-host-namespaces: warning\n');
    const app = new App({ outdir: tmpdir() });
    const reports: SynthReport[] = [];
    hardenApp(app, { config: file, onReport: (r) => reports.push(r) });
    hostPod(app);
    expect(() => app.synth()).toThrow(/pss-baseline-host-namespaces/); // a warning now, but failOn: warning
    expect(reports[0].failing.map((f) => f.severity)).toEqual(['warning']);
    const lenient = new App({ outdir: tmpdir() });
    hardenApp(lenient, { config: file, failOn: 'error', onReport: () => undefined });
    hostPod(lenient);
    expect(() => lenient.synth()).not.toThrow();
  });

  test('expiry uses the clock given', () => {
    const annotations = { [`${SUPPRESSION_ANNOTATION_PREFIX}pss-baseline-host-namespaces`]: 'node exporter reads host metrics; expires=2027-02-01' };
    const expired = new HardenedApp({ outdir: tmpdir(), config: false, profile: 'pss-baseline', now: NOW, onReport: () => undefined });
    hostPod(expired, annotations);
    expect(() => expired.synth()).toThrow(/expired on 2027-02-01/);
    const before = new HardenedApp({ outdir: tmpdir(), config: false, profile: 'pss-baseline', now: new Date('2026-01-01T00:00:00Z'), onReport: () => undefined });
    hostPod(before, annotations);
    expect(() => before.synth()).not.toThrow();
  });

  test(`${CONFIG_ENV} (set by cdk8s-hardened synth --config) names the file; a bad file fails construction with its line`, () => {
    const file = config('profile: pss-baseline\nrules:\n  exclude: [pss-baseline-host-namespaces]\n');
    const bad = config('profle: pss-baseline\n');
    const saved = process.env[CONFIG_ENV];
    try {
      process.env[CONFIG_ENV] = file;
      const app = new HardenedApp({ outdir: tmpdir(), onReport: () => undefined });
      hostPod(app);
      expect(() => app.synth()).not.toThrow();
      process.env[CONFIG_ENV] = bad;
      expect(() => new HardenedApp()).toThrow(`${bad}, line 1: unknown key "profle"; did you mean profile?`);
    } finally {
      if (saved === undefined) {
        delete process.env[CONFIG_ENV];
      } else {
        process.env[CONFIG_ENV] = saved;
      }
    }
  });

  test('HardenedAdmission inside the app follows the same configuration: rules and exemptions', () => {
    const file = config('rules:\n  exclude: [pss-baseline-sysctls]\nexemptions:\n  - rule: pss-baseline-host-namespaces\n    namespace: monitoring\n    reason: node exporter reads host network metrics\n');
    const app = new HardenedApp({ outdir: tmpdir(), config: file, onReport: () => undefined });
    const chart = new Chart(app, 'admission');
    const admission = new HardenedAdmission(chart, 'policies', { profile: 'pss-baseline' });
    const objects = admission.apiObjects.map((o) => o.toJson());
    const names = objects.map((o) => o.metadata.name);
    expect(names).toContain('cdk8s-hardened-pss-baseline-privileged');
    expect(names).not.toContain('cdk8s-hardened-pss-baseline-sysctls');
    const binding = objects.find((o) => o.kind === 'ValidatingAdmissionPolicyBinding' && o.metadata.name === 'cdk8s-hardened-pss-baseline-host-namespaces');
    expect(binding.spec.matchResources.namespaceSelector.matchExpressions[0].values).toEqual(['kube-system', 'monitoring']);
    // Outside a configured app, the profile's rules and no exemptions.
    const plain = new HardenedAdmission(new Chart(new App(), 'a'), 'policies', { profile: 'pss-baseline' });
    expect(plain.apiObjects.map((o) => o.toJson().metadata.name)).toContain('cdk8s-hardened-pss-baseline-sysctls');
  });
});
