import { Report } from './summary';

/**
 * The `--format json` contract: one object, `{"findings": [...], "summary": {...}}`, each finding with
 * ruleId, severity, object {apiVersion, kind, namespace, name}, path, message, remediation, file, line and
 * suppressed (null where a value is unknown, so every key is always present).
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
  return `${JSON.stringify({ findings, summary: report.summary }, null, 2)}\n`;
}
