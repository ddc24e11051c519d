import { isFailing } from '../policy/engine';
import { Finding } from '../policy/rule';

/** Counts over a run; `passed` is what the exit code reports. */
export interface Summary {
  readonly profile: string;
  readonly objects: number;
  readonly findings: number;
  readonly errors: number;
  readonly warnings: number;
  readonly info: number;
  readonly suppressed: number;
  readonly failOn: 'error' | 'warning';
  readonly passed: boolean;
}

/** What every report needs: the findings and the run's counts. */
export interface Report {
  readonly findings: readonly Finding[];
  readonly summary: Summary;
}

export function summarize(findings: readonly Finding[], objects: number, profile: string, failOn: 'error' | 'warning' = 'error'): Summary {
  const live = findings.filter((f) => !f.suppressed);
  return {
    profile,
    objects,
    findings: findings.length,
    errors: live.filter((f) => f.severity === 'error').length,
    warnings: live.filter((f) => f.severity === 'warning').length,
    info: live.filter((f) => f.severity === 'info').length,
    suppressed: findings.length - live.length,
    failOn,
    passed: !findings.some((f) => isFailing(f, failOn)),
  };
}
