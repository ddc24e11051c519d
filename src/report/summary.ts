import { isFailing, SuppressionInForce, toTarget } from '../policy/engine';
import { objectField, stringField } from '../policy/json';
import { Finding, Manifest, ObjectRef } from '../policy/rule';

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

/** One object that was checked (with or without findings), for reports that list every object. */
export interface CheckedObject {
  readonly object: ObjectRef;
  readonly file?: string;
  readonly line?: number;
  readonly constructPath?: string;
}

/** What every report needs: the findings and the run's counts; reports that list passing objects use the rest. */
export interface Report {
  readonly findings: readonly Finding[];
  readonly summary: Summary;
  /** Every object checked, in input order. */
  readonly objects?: readonly CheckedObject[];
  /** Every input file read, in order (including files that held no object). */
  readonly files?: readonly string[];
  /** Files read and skipped because they hold no Kubernetes object (a Helm values file, package.json). */
  readonly skipped?: ReadonlyArray<{ readonly file: string; readonly reason: string }>;
  /** The suppressions in force: annotations on the objects, code suppressions, the configuration's exemptions. */
  readonly suppressions?: readonly SuppressionInForce[];
}

/** Per rule: how many findings of each severity (unsuppressed) and how many suppressed; rules in first-seen order. */
export function countsByRule(findings: readonly Finding[]): Array<{ ruleId: string; error: number; warning: number; info: number; suppressed: number }> {
  const rows = new Map<string, { ruleId: string; error: number; warning: number; info: number; suppressed: number }>();
  for (const f of findings) {
    const row = rows.get(f.ruleId) ?? { ruleId: f.ruleId, error: 0, warning: 0, info: 0, suppressed: 0 };
    if (f.suppressed) {
      row.suppressed++;
    } else {
      row[f.severity]++;
    }
    rows.set(f.ruleId, row);
  }
  return [...rows.values()].sort((a, b) => (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0));
}

/** Where a suppression in force is written: the object's `Kind ns/name` (file:line), or the selector of an exemption. */
export function suppressionOwner(s: SuppressionInForce): string {
  if (s.object) {
    const where = s.file !== undefined ? ` (${s.file}${s.line !== undefined ? `:${s.line}` : ''})` : s.constructPath !== undefined ? ` (${s.constructPath})` : '';
    return `${objectLabel(s.object)}${where}`;
  }
  const sel = s.selector ?? {};
  const parts = [sel.kind && `kind ${sel.kind}`, sel.namespace && `namespace ${sel.namespace}`, sel.name && `name ${sel.name}`, sel.path && `path ${sel.path}`]
    .filter(Boolean);
  return `${s.source === 'config' ? 'exemption' : 'code suppression'} for ${parts.length ? parts.join(', ') : 'every object'}`;
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

/** The identity and origin of each manifest, as findings name them. */
export function checkedObjects(manifests: readonly Manifest[]): CheckedObject[] {
  return manifests.map((m) => {
    const target = toTarget(m.object);
    const metadata = objectField(m.object, 'metadata');
    const object: ObjectRef = target
      ? { apiVersion: target.apiVersion, kind: target.kind, namespace: target.namespace, name: target.name }
      : {
        apiVersion: stringField(m.object, 'apiVersion') ?? '',
        kind: stringField(m.object, 'kind') ?? '',
        namespace: stringField(metadata, 'namespace'),
        name: stringField(metadata, 'name') ?? '',
      };
    return {
      object,
      ...(m.origin?.file !== undefined ? { file: m.origin.file } : {}),
      ...(m.origin?.line !== undefined ? { line: m.origin.line } : {}),
      ...(m.origin?.constructPath !== undefined ? { constructPath: m.origin.constructPath } : {}),
    };
  });
}

/** `Deployment shop/web`, `Namespace shop`: how reports name an object. */
export function objectLabel(ref: ObjectRef): string {
  return `${ref.kind || '(no kind)'} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name || '(unnamed)'}`;
}

function sameObject(a: CheckedObject, f: Finding): boolean {
  return a.file === f.file && a.constructPath === f.constructPath && a.object.kind === f.object.kind
    && a.object.apiVersion === f.object.apiVersion && a.object.name === f.object.name && a.object.namespace === f.object.namespace;
}

/**
 * Pairs each finding with the object it is about. Findings come in object order (the engine's contract), so
 * one forward walk suffices; a finding that matches no object (a report built by hand) gets an object of its own.
 */
export function findingsByObject(report: Report): Array<{ object: CheckedObject; findings: Finding[] }> {
  const objects = report.objects ?? [];
  const groups = objects.map((object) => ({ object, findings: [] as Finding[] }));
  let cursor = 0;
  for (const finding of report.findings) {
    let at = -1;
    for (let i = cursor; i < groups.length; i++) {
      if (sameObject(groups[i].object, finding)) {
        at = i;
        break;
      }
    }
    if (at < 0) {
      at = groups.findIndex((g) => sameObject(g.object, finding));
    }
    if (at < 0) {
      groups.push({
        object: {
          object: finding.object,
          ...(finding.file !== undefined ? { file: finding.file } : {}),
          ...(finding.constructPath !== undefined ? { constructPath: finding.constructPath } : {}),
        },
        findings: [finding],
      });
      continue;
    }
    groups[at].findings.push(finding);
    cursor = at;
  }
  return groups;
}
