import { Finding, ObjectRef } from '../policy/rule';
import { Report } from './summary';

export interface TextOptions {
  /** ANSI colours (the CLI turns them on only when stdout is a TTY). */
  readonly color?: boolean;
}

const CODES = { red: 31, yellow: 33, blue: 34, gray: 90, bold: 1 } as const;

function objectLabel(ref: ObjectRef): string {
  return `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name || '(unnamed)'}`;
}

/** A report for people: grouped by file and object, each finding with its field path and fix, then a summary line. */
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
  for (const f of report.findings) {
    const file = f.file ?? f.constructPath ?? '(input)';
    if (file !== lastFile) {
      if (lines.length) {
        lines.push('');
      }
      lines.push(paint('bold', file));
      lastFile = file;
      lastObject = undefined;
    }
    const object = objectLabel(f.object);
    if (object !== lastObject) {
      lines.push(`  ${object}`);
      lastObject = object;
    }
    const where = `${f.line !== undefined ? `line ${f.line}, ` : ''}${f.path || '(object)'}`;
    lines.push(`    ${severityLabel(f)} ${f.ruleId}: ${f.message}`);
    lines.push(`      at ${where}`);
    lines.push(f.suppressed ? `      reason: ${f.suppressionReason}` : `      fix: ${f.remediation}`);
  }
  const s = report.summary;
  const verdict = s.passed ? paint('bold', 'PASS') : paint('red', 'FAIL');
  if (lines.length) {
    lines.push('');
  }
  lines.push(
    `${verdict} ${s.objects} object${s.objects === 1 ? '' : 's'} checked with profile ${s.profile}: `
      + `${s.errors} error${s.errors === 1 ? '' : 's'}, ${s.warnings} warning${s.warnings === 1 ? '' : 's'}, `
      + `${s.info} info, ${s.suppressed} suppressed`,
  );
  return `${lines.join('\n')}\n`;
}
