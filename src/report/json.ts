import { Report } from './summary';

/**
 * The `--format json` contract: one object, `{"findings": [...], "summary": {...}}`, each finding with
 * ruleId, severity, object {apiVersion, kind, namespace, name}, path, message, remediation, file, line and
 * suppressed (null where a value is unknown, so every key is always present); `suppressions` lists the suppressions
 * in force (rule, reason, source, owner object or selector, file, line, expiry, how many findings each suppressed)
 * and `skipped` the files read and skipped because they hold no Kubernetes object.
 */
export function formatJson(report: Report): string {
  const findings = report.findings.map((f) => ({
    ruleId: f.ruleId,
    severity: f.severity,
    object: {
      apiVersion: f.object.apiVersion,
      kind: f.object.kind,
      namespace: f.object.namespace ?? null,
      name: f.object.name,
    },
    path: f.path,
    message: f.message,
    remediation: f.remediation,
    file: f.file ?? null,
    line: f.line ?? null,
    suppressed: f.suppressed,
    ...(f.suppressionReason !== undefined ? { suppressionReason: f.suppressionReason } : {}),
    ...(f.constructPath !== undefined ? { constructPath: f.constructPath } : {}),
  }));
  const suppressions = (report.suppressions ?? []).map((s) => ({
    ruleId: s.ruleId,
    reason: s.reason,
    source: s.source,
    object: s.object ? { apiVersion: s.object.apiVersion, kind: s.object.kind, namespace: s.object.namespace ?? null, name: s.object.name } : null,
    selector: s.selector ?? null,
    file: s.file ?? null,
    line: s.line ?? null,
    ...(s.constructPath !== undefined ? { constructPath: s.constructPath } : {}),
    expires: s.expires ?? null,
    findings: s.findings,
  }));
  const skipped = (report.skipped ?? []).map((s) => ({ file: s.file, reason: s.reason }));
  return `${JSON.stringify({ findings, summary: report.summary, suppressions, skipped }, null, 2)}\n`;
}
