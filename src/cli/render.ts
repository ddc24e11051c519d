/**
 * The report formats of `check`, `audit` and `synth`, and rendering a report in one of them.
 */
import { Rule } from '../policy/rule';
import { formatJson } from '../report/json';
import { Report } from '../report/summary';
import { formatText } from '../report/text';
import { toolVersion } from './common';

export const CHECK_FORMATS = ['text', 'json', 'sarif', 'junit'] as const;
export type CheckFormat = (typeof CHECK_FORMATS)[number];
export const FAIL_ON = ['error', 'warning'] as const;
export type FailOn = (typeof FAIL_ON)[number];

/** Renders a report in a format. */
export function renderReport(report: Report, format: CheckFormat, rules: readonly Rule[], options: { color?: boolean; baseDir?: string; quiet?: boolean } = {}): string {
  switch (format) {
    case 'json':
      return formatJson(report);
    case 'sarif':
      // SARIF and JUnit load on demand: most runs print text or JSON, and start-up is paid by every run.
      return (require('../report/sarif') as typeof import('../report/sarif')).formatSarif(report, { rules, baseDir: options.baseDir ?? process.cwd(), toolVersion: toolVersion() });
    case 'junit':
      return (require('../report/junit') as typeof import('../report/junit')).formatJunit(report);
    default:
      return formatText(report, { color: options.color, quiet: options.quiet });
  }
}
