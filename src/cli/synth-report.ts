/**
 * Reporting of `synth`: the report of its judgement (or of the app's own), the notes beside it, and the meaningful
 * lines of a failed app's error output.
 */
import { resolve, sep } from 'path';
import { Rule } from '../policy/rule';
import { Report } from '../report/summary';
import { formatText } from '../report/text';
import { useColor, writeFileAtomically } from './common';
import { CheckFormat, renderReport } from './render';

/** What `synth` writes to: the CLI's streams (a subset of the CLI's io, so tests can capture it). */
export interface SynthIo {
  stdout(text: string): void;
  stderr(text: string): void;
  readonly stdoutIsTTY?: boolean;
}

/** Where synth's report goes (SynthOptions `format` and `report`). */
export interface SynthReportOptions {
  readonly format?: CheckFormat;
  readonly report?: string;
}

/** At most this many lines of a failing app's error are shown. */
const MAX_ERROR_LINES = 60;

const ERROR_LINE = /^(?:[A-Za-z_$][\w$]*\.)*(?:[A-Z][\w$]*(?:Error|Exception)|Error)(?: \[[\w-]+\])?(?::|$)|^Uncaught\b/;
const STACK_LINE = /^\s+at\s/;
const NODE_VERSION_LINE = /^Node\.js v\d/;
const LOCATION_LINE = /^(?:\/|[A-Za-z]:\\|file:\/\/).*:\d+$/;

/**
 * The meaningful lines of a failed Node.js program's stderr: the error's name and message (all its lines),
 * without the stack trace and the source excerpt, plus `at file:line` when Node names a place in the user's
 * own code (a syntax error). Falls back to the last few non-stack lines.
 */
export function appErrorLines(stderr: string): string[] {
  const lines = stderr.replace(/\r/g, '').split('\n');
  const start = lines.findIndex((l) => ERROR_LINE.test(l));
  let out: string[];
  if (start >= 0) {
    out = [];
    for (const line of lines.slice(start)) {
      if (STACK_LINE.test(line) || NODE_VERSION_LINE.test(line)) {
        break;
      }
      out.push(line.trimEnd());
    }
    const location = lines.slice(0, start).find((l) => LOCATION_LINE.test(l) && !l.includes(`${sep}node_modules${sep}`));
    while (out.length && out[out.length - 1] === '') {
      out.pop();
    }
    if (location) {
      out.push(`at ${location}`);
    }
  } else {
    out = lines
      .filter((l) => l.trim() !== '' && !STACK_LINE.test(l) && !NODE_VERSION_LINE.test(l) && !/^\s*\^+\s*$/.test(l)
        && !l.startsWith('(Use `node --trace'))
      .map((l) => l.trimEnd())
      .slice(-10);
  }
  if (out.length > MAX_ERROR_LINES) {
    const more = out.length - MAX_ERROR_LINES;
    out = [...out.slice(0, MAX_ERROR_LINES), `... (${more} more line${more === 1 ? '' : 's'})`];
  }
  return out;
}

/** The summary a passing HardenedApp writes to its stderr (src/synth/hardened-app.ts), and its warning lines. */
const HARDENED_APP_SUMMARY = /^cdk8s-hardened: \d+ warnings?, \d+ info \(profile [^)]+\)$/;
const HARDENED_APP_WARNING = /^ {2}warning /;

/**
 * What a passing app wrote to its stderr for the user (its warnings, deprecation notices), without the summary of a
 * HardenedApp's own judgement, which synth's report replaces. Empty when nothing is left.
 */
export function appNotes(stderr: string): string {
  const lines = stderr.replace(/\r/g, '').split('\n');
  const kept: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (HARDENED_APP_SUMMARY.test(lines[i])) {
      while (i + 1 < lines.length && HARDENED_APP_WARNING.test(lines[i + 1])) {
        i++;
      }
      continue;
    }
    kept.push(lines[i]);
  }
  const text = kept.join('\n');
  return text.trim() === '' ? '' : text.endsWith('\n') ? text : `${text}\n`;
}

/**
 * True when the app failed its own validation (findings, not a crash): cdk8s reports every construct's
 * `node.addValidation()` failure, and so HardenedApp's, as "Validation failed with the following errors".
 */
export function isValidationFailure(stderr: string): boolean {
  return /Validation failed with the following errors/.test(stderr);
}

/** True when a construct of this library refused its props (a HardeningError: an insecure or invalid request). */
export function isConstructionRefusal(stderr: string): boolean {
  return /^HardeningError: /m.test(stderr);
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** The findings of a report that fail the run. */
export function failingCount(report: Report): number {
  return report.summary.errors + (report.summary.failOn === 'warning' ? report.summary.warnings : 0);
}

/**
 * Prints a report as `check` does: in the chosen format to stdout, or to the report file with a one-line summary on
 * stderr.
 */
export function emitReport(report: Report, rules: readonly Rule[], options: SynthReportOptions, cwd: string, io: SynthIo): void {
  const format = options.format ?? 'text';
  if (options.report !== undefined) {
    writeFileAtomically(resolve(cwd, options.report), renderReport(report, format, rules, { color: false, baseDir: cwd }));
    const summary = formatText({ findings: [], summary: report.summary }, { color: false }).trimEnd();
    io.stderr(`${summary}; ${format} report written to ${options.report}\n`);
  } else {
    io.stdout(renderReport(report, format, rules, { color: useColor(io.stdoutIsTTY, process.env), baseDir: cwd }));
  }
}

/** A line for people that is not the report: stdout in the text format (after the report), else stderr. */
export function note(options: SynthReportOptions, io: SynthIo, text: string): void {
  if ((options.format ?? 'text') === 'text' && options.report === undefined) {
    io.stdout(text);
  } else {
    io.stderr(text);
  }
}
