import { isFailing } from '../policy/engine';
import { Finding } from '../policy/rule';
import { CheckedObject, findingsByObject, objectLabel, Report, suppressionOwner } from './summary';
import { appendTo } from '../util/collections';

/**
 * Text safe for XML 1.0: characters XML cannot hold at all (C0 controls but tab, line feed and carriage
 * return; lone surrogates; U+FFFE/U+FFFF) are written as a visible `\uXXXX`, then `&`, `<`, `>` and quotes
 * become entities. In attributes, tab, line feed and carriage return become character references too, so
 * attribute normalisation does not turn them into spaces.
 */
export function xmlEscape(text: string, attribute = false): string {
  const safe = text.replace(
    /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  const escaped = safe.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
  return attribute ? escaped.replace(/\t/g, '&#9;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;') : escaped;
}

function attrs(values: Record<string, string | number>): string {
  return Object.entries(values).map(([k, v]) => ` ${k}="${xmlEscape(String(v), true)}"`).join('');
}

function describe(f: Finding): string {
  return [
    `${f.suppressed ? 'suppressed' : f.severity} ${f.ruleId}: ${f.message}`,
    `  at: ${f.path || 'the object'}${f.file !== undefined && f.line !== undefined ? ` (${f.file}:${f.line})` : ''}`,
    f.suppressed ? `  reason: ${f.suppressionReason ?? ''}` : `  fix: ${f.remediation}`,
  ].join('\n');
}

function fileOf(o: CheckedObject): string {
  return o.file ?? o.constructPath ?? '(input)';
}

export interface JunitOptions {
  /** The name of the `<testsuites>` element. @default 'cdk8s-hardened' */
  readonly name?: string;
}

/**
 * JUnit XML for GitLab, Jenkins and other CI test reports: a `<testsuite>` per input file, a `<testcase>` per
 * object (`name` = "Kind namespace/name", `classname` = the file). An object with failing findings (errors, and
 * warnings with `--fail-on warning`) gets one `<failure>` whose body lists each failing finding with its field
 * path and fix (JUnit allows one failure per test case; GitLab and Jenkins read only the first); other findings
 * (warnings, info, suppressed) go to the test case's `<system-out>`. `tests` counts objects, `failures`
 * counts objects that fail.
 */
export function formatJunit(report: Report, options: JunitOptions = {}): string {
  const failOn = report.summary.failOn;
  const groups = findingsByObject(report);
  const suites = new Map<string, typeof groups>();
  for (const file of report.files ?? []) {
    suites.set(file, []);
  }
  for (const group of groups) {
    const file = fileOf(group.object);
    appendTo(suites, file, group);
  }

  const s = report.summary;
  const properties = (['profile', 'failOn', 'objects', 'errors', 'warnings', 'info', 'suppressed'] as const)
    .map((k) => `<property${attrs({ name: k, value: String(s[k]) })}/>`).join('');
  const body: string[] = [];
  let tests = 0;
  let failures = 0;
  for (const [file, cases] of suites) {
    const failed = cases.filter((c) => c.findings.some((f) => isFailing(f, failOn))).length;
    tests += cases.length;
    failures += failed;
    body.push(`  <testsuite${attrs({ name: file, tests: cases.length, failures: failed, errors: 0, skipped: 0, time: 0 })}>`);
    body.push(`    <properties>${properties}</properties>`);
    for (const { object, findings } of cases) {
      const failing = findings.filter((f) => isFailing(f, failOn));
      const other = findings.filter((f) => !isFailing(f, failOn));
      const name = objectLabel(object.object);
      const caseAttrs = attrs({ name, classname: file, ...(object.file !== undefined ? { file: object.file } : {}), time: 0 });
      if (!failing.length && !other.length) {
        body.push(`    <testcase${caseAttrs}/>`);
        continue;
      }
      body.push(`    <testcase${caseAttrs}>`);
      if (failing.length) {
        const first = failing[0];
        const message = failing.length === 1
          ? `${first.ruleId}: ${first.message}`
          : `${failing.length} failing findings: ${[...new Set(failing.map((f) => f.ruleId))].join(', ')}`;
        body.push(`      <failure${attrs({ message, type: failing.length === 1 ? first.ruleId : 'cdk8s-hardened' })}>`
          + `${xmlEscape(`${name}\n${failing.map(describe).join('\n')}`)}</failure>`);
      }
      if (other.length) {
        body.push(`      <system-out>${xmlEscape(other.map(describe).join('\n'))}</system-out>`);
      }
      body.push('    </testcase>');
    }
    body.push('  </testsuite>');
  }

  // The suppressions in force: one passing test case each, so CI test reports show every accepted risk.
  const inForce = report.suppressions ?? [];
  if (inForce.length) {
    tests += inForce.length;
    body.push(`  <testsuite${attrs({ name: 'suppressions in force', tests: inForce.length, failures: 0, errors: 0, skipped: 0, time: 0 })}>`);
    for (const x of inForce) {
      const owner = suppressionOwner(x);
      body.push(`    <testcase${attrs({ name: `${x.ruleId} on ${owner}`, classname: 'suppressions', time: 0 })}>`
        + `<system-out>${xmlEscape(`rule: ${x.ruleId}\nowner: ${owner}\nsource: ${x.source}\nreason: ${x.reason}\nexpires: ${x.expires ?? 'never'}\nfindings suppressed: ${x.findings}`)}</system-out></testcase>`);
    }
    body.push('  </testsuite>');
  }

  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attrs({ name: options.name ?? 'cdk8s-hardened', tests, failures, errors: 0, skipped: 0, time: 0 })}>`,
    ...body,
    '</testsuites>',
    '',
  ].join('\n');
}
