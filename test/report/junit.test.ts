import { formatJunit, xmlEscape } from '../../src/report/junit';
import { finding, report } from './helpers';
import { all, parseXml } from './xml';

const WEB = { object: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web' }, file: 'k8s/web.yaml', line: 1 };
const NS = { object: { apiVersion: 'v1', kind: 'Namespace', name: 'shop' }, file: 'k8s/ns.yaml', line: 1 };
const DB = { object: { apiVersion: 'apps/v1', kind: 'StatefulSet', namespace: 'data', name: 'db' }, file: 'k8s/web.yaml', line: 30 };

describe('formatJunit', () => {
  test('a testsuite per file, a testcase per object, one failure per failing object listing every error with path and fix', () => {
    const findings = [
      finding(),
      finding({ ruleId: 'test-caps', path: 'spec.template.spec.containers[0].securityContext.capabilities', message: 'container "app" adds SYS_ADMIN', remediation: 'Drop ALL.' }),
      finding({ ruleId: 'test-probes', severity: 'warning', path: 'spec.template.spec.containers[0].livenessProbe', message: 'container "app" has no livenessProbe', remediation: 'Add probes.' }),
      finding({ object: DB.object, ruleId: 'test-digest', severity: 'info', line: 40, message: 'image not pinned', remediation: 'Pin it.' }),
    ];
    const xml = formatJunit(report(findings, { objects: [NS, WEB, DB], files: ['k8s/ns.yaml', 'k8s/web.yaml', 'k8s/empty.yaml'] }));
    const root = parseXml(xml);
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites ')).toBe(true);
    expect(root.name).toBe('testsuites');
    expect(root.attributes).toMatchObject({ name: 'cdk8s-hardened', tests: '3', failures: '1', errors: '0' });
    const suites = all(root, 'testsuite');
    expect(suites.map((s) => [s.attributes.name, s.attributes.tests, s.attributes.failures])).toEqual([
      ['k8s/ns.yaml', '1', '0'],
      ['k8s/web.yaml', '2', '1'],
      ['k8s/empty.yaml', '0', '0'],
    ]);
    const cases = all(root, 'testcase');
    expect(cases.map((c) => [c.attributes.name, c.attributes.classname])).toEqual([
      ['Namespace shop', 'k8s/ns.yaml'],
      ['Deployment shop/web', 'k8s/web.yaml'],
      ['StatefulSet data/db', 'k8s/web.yaml'],
    ]);
    expect(all(cases[0], 'failure')).toEqual([]);
    const failures = all(cases[1], 'failure');
    expect(failures).toHaveLength(1);
    expect(failures[0].attributes.message).toBe('2 failing findings: test-privileged, test-caps');
    expect(failures[0].text).toContain('error test-privileged: container "app" sets securityContext.privileged to true');
    expect(failures[0].text).toContain('at: spec.template.spec.containers[0].securityContext.privileged (k8s/web.yaml:12)');
    expect(failures[0].text).toContain('fix: Set securityContext.privileged to false.');
    expect(failures[0].text).toContain('error test-caps: container "app" adds SYS_ADMIN');
    expect(failures[0].text).toContain('fix: Drop ALL.');
    // Warnings (and info) are not failures: they go to system-out, one element per test case.
    expect(all(cases[1], 'system-out').map((s) => s.text)).toEqual([expect.stringContaining('warning test-probes: container "app" has no livenessProbe')]);
    expect(all(cases[2], 'failure')).toEqual([]);
    expect(all(cases[2], 'system-out')[0].text).toContain('info test-digest: image not pinned');
    // Properties carry the run's profile and counts.
    const props = Object.fromEntries(all(suites[0], 'property').map((p) => [p.attributes.name, p.attributes.value]));
    expect(props).toMatchObject({ profile: 'hardened', failOn: 'error', errors: '2', warnings: '1', info: '1' });
  });

  test('one failing finding: the failure message is the rule and message, the type is the rule id', () => {
    const root = parseXml(formatJunit(report([finding()], { objects: [WEB], files: ['k8s/web.yaml'] })));
    const [failure] = all(root, 'failure');
    expect(failure.attributes).toEqual({ message: 'test-privileged: container "app" sets securityContext.privileged to true', type: 'test-privileged' });
  });

  test('--fail-on warning makes warnings failures; suppressed findings never fail', () => {
    const findings = [
      finding({ severity: 'warning', ruleId: 'test-probes' }),
      finding({ object: DB.object, suppressed: true, suppressionReason: 'Reviewed: the database needs it.' }),
    ];
    const onError = parseXml(formatJunit(report(findings, { objects: [WEB, DB] })));
    expect(onError.attributes.failures).toBe('0');
    const onWarning = parseXml(formatJunit(report(findings, { objects: [WEB, DB], failOn: 'warning' })));
    expect(onWarning.attributes.failures).toBe('1');
    const cases = all(onWarning, 'testcase');
    expect(all(cases[0], 'failure')).toHaveLength(1);
    expect(all(cases[1], 'failure')).toHaveLength(0);
    expect(all(cases[1], 'system-out')[0].text).toContain('suppressed test-privileged');
    expect(all(cases[1], 'system-out')[0].text).toContain('reason: Reviewed: the database needs it.');
  });

  test('escapes quotes, <, >, & and apostrophes, and never emits characters XML cannot hold', () => {
    const nasty = 'a "quoted" <tag> & \'apos\' \u0001\u0008\u000b\u001b[31m \ud800 \uffff tab\there\nnewline ]]> 😀';
    const findings = [finding({ message: nasty, remediation: nasty, path: nasty, object: { ...WEB.object, name: nasty }, file: nasty })];
    const xml = formatJunit(report(findings, { objects: [{ object: { ...WEB.object, name: nasty }, file: nasty }], files: [nasty] }));
    const root = parseXml(xml); // throws on anything ill-formed
    const testcase = all(root, 'testcase')[0];
    expect(testcase.attributes.name).toBe('Deployment shop/a "quoted" <tag> & \'apos\' \\u0001\\u0008\\u000b\\u001b[31m \\ud800 \\uffff tab\there\nnewline ]]> 😀');
    expect(testcase.attributes.classname).toBe(all(root, 'testsuite')[0].attributes.name);
    expect(all(root, 'failure')[0].text).toContain('a "quoted" <tag> & \'apos\'');
    expect(xml).not.toMatch(/[\u0001\u0008\u000b\u001b]/);
  });

  test('the XML checker used here rejects what is not well formed', () => {
    for (const bad of ['<a>&</a>', '<a>\u0001</a>', '<a b="<"/>', '<a></b>', '<a>', '<a b="1"c="2"/>', '<a/><b/>', '<a>&#1;</a>']) {
      expect(() => parseXml(bad)).toThrow();
    }
    expect(parseXml('<a b="&quot;&#10;">x &amp; y</a>')).toEqual({ name: 'a', attributes: { b: '"\n' }, children: [], text: 'x & y' });
  });

  test('xmlEscape', () => {
    expect(xmlEscape('<a href="x">&\'</a>')).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;');
    expect(xmlEscape('a\tb\nc\rd', true)).toBe('a&#9;b&#10;c&#13;d');
    expect(xmlEscape('a\tb\nc')).toBe('a\tb\nc');
    expect(xmlEscape('\u0000\u001f')).toBe('\\u0000\\u001f');
    expect(xmlEscape('😀')).toBe('😀');
    expect(xmlEscape('\udc00x\ud83d')).toBe('\\udc00x\\ud83d');
  });

  test('an empty run is a valid report with no tests', () => {
    const root = parseXml(formatJunit(report([], { objects: [], files: [] })));
    expect(root.attributes).toMatchObject({ tests: '0', failures: '0' });
  });

  test('findings without a file (from a construct) are grouped by construct path', () => {
    const root = parseXml(formatJunit(report([finding({ file: undefined, line: undefined, constructPath: 'app/web' })])));
    expect(all(root, 'testsuite')[0].attributes.name).toBe('app/web');
    expect(all(root, 'testcase')[0].attributes).toEqual({ name: 'Deployment shop/web', classname: 'app/web', time: '0' });
  });
});
