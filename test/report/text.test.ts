import { formatText, visible } from '../../src/report/text';
import { finding, report } from './helpers';

describe('formatText', () => {
  test('grouped by file and object; each finding with severity, rule, message, field path with file:line, and fix', () => {
    const text = formatText(report([
      finding(),
      finding({ ruleId: 'test-probes', severity: 'warning', path: 'spec.template.spec.containers[0].livenessProbe', message: 'container "app" has no livenessProbe', remediation: 'Add probes.', line: 14 }),
      finding({ file: 'k8s/db.yaml', object: { apiVersion: 'v1', kind: 'Namespace', name: 'data' }, path: '', line: 1, message: 'namespace has no labels' }),
    ], { files: ['k8s/web.yaml', 'k8s/db.yaml'] }));
    expect(text).toBe([
      'k8s/web.yaml',
      '  Deployment shop/web',
      '    error test-privileged: container "app" sets securityContext.privileged to true',
      '      at spec.template.spec.containers[0].securityContext.privileged (k8s/web.yaml:12)',
      '      fix: Set securityContext.privileged to false.',
      '    warning test-probes: container "app" has no livenessProbe',
      '      at spec.template.spec.containers[0].livenessProbe (k8s/web.yaml:14)',
      '      fix: Add probes.',
      '',
      'k8s/db.yaml',
      '  Namespace data',
      '    error test-privileged: namespace has no labels',
      '      at the object (k8s/db.yaml:1)',
      '      fix: Set securityContext.privileged to false.',
      '',
      'rule             errors  warnings  info  suppressed',
      'test-privileged       2         0     0           0',
      'test-probes           0         1     0           0',
      '',
      'FAIL 2 objects in 2 files checked with profile hardened: 2 errors, 1 warning, 0 info, 0 suppressed',
      '',
    ].join('\n'));
  });

  test('a run of findings of one rule on one object shows the shared fix once', () => {
    const text = formatText(report([
      finding({ path: 'a', message: 'one' }),
      finding({ path: 'b', message: 'two' }),
      finding({ path: 'c', message: 'three', remediation: 'Another fix.' }),
    ]));
    expect(text.match(/fix: Set securityContext.privileged to false\./g)).toHaveLength(1);
    expect(text).toContain('fix: Another fix.');
  });

  test('suppressed findings show the reason; a clean run is one PASS line', () => {
    const text = formatText(report([finding({ suppressed: true, suppressionReason: 'Reviewed by the platform team.' })]));
    expect(text).toContain('    suppressed test-privileged: container "app" sets securityContext.privileged to true\n');
    expect(text).toContain('      reason: Reviewed by the platform team.\n');
    expect(text).toMatch(/^PASS 1 object checked with profile hardened: 0 errors, 0 warnings, 0 info, 1 suppressed\n$/m);
    expect(formatText(report([], { objects: [], files: [] }))).toBe('PASS 0 objects in 0 files checked with profile hardened: 0 errors, 0 warnings, 0 info, 0 suppressed\n');
  });

  test('--fail-on warning is named in the summary', () => {
    const text = formatText(report([finding({ severity: 'warning' })], { failOn: 'warning' }));
    expect(text).toMatch(/^FAIL 1 object checked with profile hardened: 0 errors, 1 warning, 0 info, 0 suppressed \(failing on warnings\)$/m);
  });

  test('colour only when asked', () => {
    const r = report([finding(), finding({ severity: 'warning', ruleId: 'w' }), finding({ severity: 'info', ruleId: 'i' })]);
    expect(formatText(r)).not.toContain('\u001b[');
    const coloured = formatText(r, { color: true });
    expect(coloured).toContain('\u001b[31merror\u001b[0m');
    expect(coloured).toContain('\u001b[33mwarning\u001b[0m');
    expect(coloured).toContain('\u001b[31mFAIL\u001b[0m');
  });

  test('control characters from the input are shown, never sent to the terminal', () => {
    const evil = 'app\u001b]0;pwned\u0007\r\u009b2J';
    const text = formatText(report([finding({ message: `container "${evil}" is bad`, object: { apiVersion: 'v1', kind: 'Pod', name: evil }, file: `x${evil}.yaml` })]));
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    expect(text).toContain('container "app\\u001b]0;pwned\\u0007\\u000d\\u009b2J" is bad');
    expect(visible('a\nb\tc')).toBe('a\\u000ab\\u0009c');
  });
});
