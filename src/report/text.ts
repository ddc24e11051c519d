import { Finding } from '../policy/rule';
import { countsByRule, objectLabel, Report, suppressionOwner } from './summary';

export interface TextOptions {
  /** ANSI colours (the CLI turns them on only when stdout is a TTY and NO_COLOR is unset). */
  readonly color?: boolean;
  /** Only unsuppressed errors are listed (`--quiet`); the per-rule table and the counts stay complete. */
  readonly quiet?: boolean;
  /** The per-rule table and the suppressions in force (the CLI's full report). @default true when there are findings */
  readonly details?: boolean;
}

const CODES = { red: 31, yellow: 33, blue: 34, gray: 90, bold: 1, dim: 2 } as const;

/**
 * Makes text from the input safe to print on a terminal: control characters (an ANSI escape hidden in a
 * container name, a carriage return that rewrites the line) are shown as `\u001b`, never sent raw.
 */
export function visible(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

/**
 * A report for people: findings grouped by file and object, each with its severity, rule, message, the field
 * path (with file:line where known) and the fix or the suppression's reason; then one summary line.
 */
export function formatText(report: Report, options: TextOptions = {}): string {
  const paint = (code: keyof typeof CODES, s: string) => (options.color ? `\u001b[${CODES[code]}m${s}\u001b[0m` : s);
  const severityLabel = (f: Finding) => {
    if (f.suppressed) {
      return paint('gray', 'suppressed');
    }
    return f.severity === 'error' ? paint('red', 'error') : f.severity === 'warning' ? paint('yellow', 'warning') : paint('blue', 'info');
  };

  const lines: string[] = [];
  let lastFile: string | undefined;
  let lastObject: string | undefined;
  let lastFix: string | undefined;
  const shownFindings = options.quiet ? report.findings.filter((f) => !f.suppressed && f.severity === 'error') : report.findings;
  for (const f of shownFindings) {
    const file = f.file ?? f.constructPath ?? '(input)';
    if (file !== lastFile) {
      if (lines.length) {
        lines.push('');
      }
      lines.push(paint('bold', visible(file)));
      lastFile = file;
      lastObject = undefined;
      lastFix = undefined;
    }
    const object = visible(objectLabel(f.object));
    if (object !== lastObject) {
      lines.push(`  ${object}`);
      lastObject = object;
      lastFix = undefined;
    }
    const field = f.path ? visible(f.path) : 'the object';
    const where = f.file !== undefined && f.line !== undefined ? ` (${visible(f.file)}:${f.line})` : f.line !== undefined ? ` (line ${f.line})` : '';
    lines.push(`    ${severityLabel(f)} ${visible(f.ruleId)}: ${visible(f.message)}`);
    lines.push(`      at ${field}${where}`);
    if (f.suppressed) {
      lines.push(`      ${paint('dim', 'reason:')} ${visible(f.suppressionReason ?? '')}`);
      lastFix = undefined;
    } else if (`${f.ruleId}\n${f.remediation}` !== lastFix) {
      // The fix is shown once for a run of findings of one rule on one object that share it.
      lines.push(`      ${paint('dim', 'fix:')} ${visible(f.remediation)}`);
      lastFix = `${f.ruleId}\n${f.remediation}`;
    }
  }
  if (options.details !== false) {
    const rows = countsByRule(report.findings);
    if (rows.length) {
      if (lines.length) {
        lines.push('');
      }
      const width = Math.max(4, ...rows.map((r) => visible(r.ruleId).length));
      const cell = (v: string | number, w: number) => String(v).padStart(w);
      lines.push(paint('bold', `${'rule'.padEnd(width)}  ${cell('errors', 6)}  ${cell('warnings', 8)}  ${cell('info', 4)}  ${cell('suppressed', 10)}`));
      for (const r of rows) {
        lines.push(`${visible(r.ruleId).padEnd(width)}  ${cell(r.error, 6)}  ${cell(r.warning, 8)}  ${cell(r.info, 4)}  ${cell(r.suppressed, 10)}`);
      }
    }
    const suppressions = report.suppressions ?? [];
    if (suppressions.length && !options.quiet) {
      lines.push('');
      lines.push(paint('bold', `suppressions in force (${suppressions.length}):`));
      for (const s of suppressions) {
        lines.push(`  ${visible(s.ruleId)} on ${visible(suppressionOwner(s))}${s.expires !== undefined ? `, expires ${s.expires}` : ''}: `
          + `${visible(s.reason)} (${plural(s.findings, 'finding')} suppressed)`);
      }
    }
  }
  const s = report.summary;
  const verdict = s.passed ? paint('bold', 'PASS') : paint('red', 'FAIL');
  if (lines.length) {
    lines.push('');
  }
  const skipped = report.skipped?.length ? ` (${report.skipped.length} skipped: not Kubernetes objects)` : '';
  const files = report.files ? ` in ${plural(report.files.length, 'file')}${skipped}` : '';
  lines.push(
    `${verdict} ${plural(s.objects, 'object')}${files} checked with profile ${s.profile}: `
      + `${plural(s.errors, 'error')}, ${plural(s.warnings, 'warning')}, `
      + `${s.info} info, ${s.suppressed} suppressed${s.failOn === 'warning' ? ' (failing on warnings)' : ''}`,
  );
  return `${lines.join('\n')}\n`;
}
