import { formatJson } from '../../src/report/json';
import { finding, report } from './helpers';

describe('formatJson: the --format json contract', () => {
  test('{findings, summary}; every finding has exactly the contract keys, null where unknown', () => {
    const out = JSON.parse(formatJson(report([
      finding(),
      finding({ object: { apiVersion: 'v1', kind: 'Namespace', name: 'shop' }, file: undefined, line: undefined }),
    ])));
    expect(Object.keys(out)).toEqual(['findings', 'summary', 'suppressions', 'skipped']);
    expect(out.findings[0]).toEqual({
      ruleId: 'test-privileged',
      severity: 'error',
      object: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web' },
      path: 'spec.template.spec.containers[0].securityContext.privileged',
      message: 'container "app" sets securityContext.privileged to true',
      remediation: 'Set securityContext.privileged to false.',
      file: 'k8s/web.yaml',
      line: 12,
      suppressed: false,
    });
    expect(out.findings[1]).toMatchObject({ object: { namespace: null }, file: null, line: null });
    expect(out.summary).toEqual({
      profile: 'hardened', objects: 2, findings: 2, errors: 2, warnings: 0, info: 0, suppressed: 0, failOn: 'error', passed: false,
    });
  });

  test('suppressed findings add their reason', () => {
    const [f] = JSON.parse(formatJson(report([finding({ suppressed: true, suppressionReason: 'Reviewed by the platform team.' })]))).findings;
    expect(f).toMatchObject({ suppressed: true, suppressionReason: 'Reviewed by the platform team.' });
  });
});
