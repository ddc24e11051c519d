import { gzipSync } from 'zlib';
import { SuppressionInForce } from '../../src/policy/engine';
import { Finding } from '../../src/policy/rule';
import { formatJson } from '../../src/report/json';
import { formatJunit } from '../../src/report/junit';
import { formatSarif, SARIF_MAX_GZIP_BYTES, SARIF_MAX_RESULTS } from '../../src/report/sarif';
import { Report, summarize } from '../../src/report/summary';
import { formatText } from '../../src/report/text';

function finding(i: number, object: number, ruleId = 'workload-resources', extra: Partial<Finding> = {}): Finding {
  return {
    ruleId,
    severity: 'error',
    object: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: `web-${object}` },
    path: `spec.template.spec.containers[${i}].resources`,
    message: `container "c${i}" sets no resources`,
    remediation: 'Set resources.requests and resources.limits.',
    file: `k8s/web-${object % 50}.yaml`,
    line: 10 + i,
    suppressed: false,
    ...extra,
  };
}

function report(findings: Finding[], suppressions: SuppressionInForce[] = []): Report {
  return { findings, summary: summarize(findings, 1, 'hardened'), suppressions };
}

function runOf(text: string) {
  return JSON.parse(text).runs[0];
}

describe('SARIF within GitHub code scanning limits', () => {
  test(`up to ${SARIF_MAX_RESULTS} results, one result per finding`, () => {
    const findings = Array.from({ length: 30 }, (_, i) => finding(i % 3, Math.floor(i / 3)));
    const run = runOf(formatSarif(report(findings), { rules: [], baseDir: '/repo' }));
    expect(run.results).toHaveLength(30);
    expect(run.properties.folded).toBeUndefined();
    expect(run.invocations[0].toolExecutionNotifications).toBeUndefined();
  });

  test(`beyond ${SARIF_MAX_RESULTS} results, findings fold per rule and object, with a note saying how many`, () => {
    // 30,000 findings: 10 each on 3,000 objects.
    const findings = Array.from({ length: 30_000 }, (_, i) => finding(i % 10, Math.floor(i / 10)));
    const text = formatSarif(report(findings), { rules: [], baseDir: '/repo' });
    const run = runOf(text);
    expect(run.results).toHaveLength(3000);
    expect(run.results[0].message.text).toMatch(/^10 findings of workload-resources on Deployment shop\/web-0 folded into one result \(0 suppressed\); the first: container "c0"/);
    expect(run.results[0].properties.foldedFindings).toBe(10);
    expect(run.properties.folded).toMatchObject({ by: 'object', findings: 30_000, results: 3000 });
    expect(run.invocations[0].toolExecutionNotifications[0].message.text).toMatch(/^30000 findings were folded into 3000 results \(per rule and object\)/);
    expect(gzipSync(text).length).toBeLessThanOrEqual(SARIF_MAX_GZIP_BYTES);
    // Fingerprints stay distinct per folded result.
    expect(new Set(run.results.map((r: { partialFingerprints: Record<string, string> }) => r.partialFingerprints['cdk8sHardenedFinding/v1'])).size).toBe(3000);
  });

  test('when per-object folding is not enough, per rule and file, then per rule', () => {
    const findings = Array.from({ length: 200 }, (_, i) => finding(0, i, i % 2 ? 'workload-probes' : 'workload-resources'));
    const byFile = runOf(formatSarif(report(findings), { rules: [], baseDir: '/repo', maxResults: 150 }));
    // Even objects (resources) are in the 25 even files, odd ones (probes) in the 25 odd files.
    expect(byFile.properties.folded).toMatchObject({ by: 'file', results: 50 });
    const byRule = runOf(formatSarif(report(findings), { rules: [], baseDir: '/repo', maxResults: 10 }));
    expect(byRule.properties.folded).toMatchObject({ by: 'rule', results: 2 });
    expect(byRule.results.map((r: { message: { text: string } }) => r.message.text.split(';')[0]))
      .toEqual(['100 findings of workload-resources in this run folded into one result (0 suppressed)', '100 findings of workload-probes in this run folded into one result (0 suppressed)']);
  });

  test('the compressed size is a limit too', () => {
    const findings = Array.from({ length: 40 }, (_, i) => finding(i % 4, Math.floor(i / 4)));
    const run = runOf(formatSarif(report(findings), { rules: [], baseDir: '/repo', maxGzipBytes: 2000 }));
    expect(run.properties.folded).toBeDefined();
    expect(run.results.length).toBeLessThan(40);
  });

  test('a folded group shows its worst live finding', () => {
    const findings = [
      finding(0, 1, 'workload-resources', { suppressed: true, suppressionReason: 'accepted for the batch jobs in OPS-1' }),
      finding(1, 1, 'workload-resources', { severity: 'warning' }),
      finding(2, 1),
    ];
    const run = runOf(formatSarif(report(findings), { rules: [], baseDir: '/repo', maxResults: 1 }));
    expect(run.results).toHaveLength(1);
    expect(run.results[0]).toMatchObject({ level: 'error' });
    expect(run.results[0].suppressions).toBeUndefined();
    expect(run.results[0].message.text).toMatch(/^3 findings .* \(1 suppressed\)/);
  });
});

const IN_FORCE: SuppressionInForce[] = [
  {
    ruleId: 'pss-baseline-host-namespaces', reason: 'OPS-12 node debugging pod', source: 'annotation',
    object: { apiVersion: 'v1', kind: 'Pod', namespace: 'ops', name: 'debug' }, file: 'debug.yaml', line: 8, expires: '2027-06-30', findings: 1,
  },
  { ruleId: 'pss-baseline-privileged', reason: 'CSI node plugin, SEC-4', source: 'config', selector: { namespace: 'kube-csi' }, findings: 0 },
];

describe('every report lists the suppressions in force', () => {
  const findings = [finding(0, 1, 'pss-baseline-host-namespaces', { suppressed: true, suppressionReason: 'OPS-12 node debugging pod' })];
  test('text', () => {
    const text = formatText(report(findings, IN_FORCE));
    expect(text).toContain('suppressions in force (2):\n'
      + '  pss-baseline-host-namespaces on Pod ops/debug (debug.yaml:8), expires 2027-06-30: OPS-12 node debugging pod (1 finding suppressed)\n'
      + '  pss-baseline-privileged on exemption for namespace kube-csi: CSI node plugin, SEC-4 (0 findings suppressed)\n');
  });
  test('json', () => {
    const json = JSON.parse(formatJson(report(findings, IN_FORCE)));
    expect(json.suppressions.map((s: { ruleId: string; expires: string | null; source: string }) => [s.ruleId, s.source, s.expires]))
      .toEqual([['pss-baseline-host-namespaces', 'annotation', '2027-06-30'], ['pss-baseline-privileged', 'config', null]]);
    expect(json.skipped).toEqual([]);
  });
  test('sarif: accepted suppressions on results, and the list in the run properties', () => {
    const run = runOf(formatSarif(report(findings, IN_FORCE), { rules: [], baseDir: '/repo' }));
    expect(run.results[0].suppressions).toEqual([{ kind: 'inSource', status: 'accepted', justification: 'OPS-12 node debugging pod' }]);
    expect(run.properties.suppressions).toEqual([
      { ruleId: 'pss-baseline-host-namespaces', reason: 'OPS-12 node debugging pod', source: 'annotation', owner: 'Pod ops/debug (debug.yaml:8)', expires: '2027-06-30', findings: 1 },
      { ruleId: 'pss-baseline-privileged', reason: 'CSI node plugin, SEC-4', source: 'config', owner: 'exemption for namespace kube-csi', findings: 0 },
    ]);
  });
  test('junit: a suite of the suppressions in force', () => {
    const xml = formatJunit(report(findings, IN_FORCE));
    expect(xml).toContain('<testsuite name="suppressions in force" tests="2" failures="0" errors="0" skipped="0" time="0">');
    expect(xml).toContain('reason: OPS-12 node debugging pod\nexpires: 2027-06-30');
  });
});

describe('text report at scale', () => {
  const findings = [
    finding(0, 1), finding(1, 1), finding(0, 2, 'workload-probes', { severity: 'warning' }),
    finding(0, 3, 'workload-probes', { suppressed: true, suppressionReason: 'batch job without probes, OPS-3' }),
  ];
  test('a per-rule summary table at the end', () => {
    const text = formatText(report(findings));
    expect(text).toContain([
      'rule                errors  warnings  info  suppressed',
      'workload-probes          0         1     0           1',
      'workload-resources       2         0     0           0',
    ].join('\n'));
    expect(text.trimEnd().split('\n').pop()).toMatch(/^FAIL /);
  });
  test('quiet lists only errors; the table and counts stay complete', () => {
    const text = formatText(report(findings), { quiet: true });
    expect(text).not.toContain('warning workload-probes');
    expect(text).not.toContain('suppressed workload-probes');
    expect(text).toContain('error workload-resources');
    expect(text).toContain('workload-probes          0         1     0           1');
  });
});
