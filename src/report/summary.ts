import { isFailing, toTarget } from '../policy/engine';
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
