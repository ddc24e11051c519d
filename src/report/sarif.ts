import { createHash } from 'crypto';
import { gzipSync } from 'zlib';
import { isAbsolute, relative, resolve, sep } from 'path';
import { pathToFileURL } from 'url';
import { Finding, Severity } from '../policy/rule';
import { ENGINE_RULES, ruleArea, RuleInfo } from './rules-doc';
import { objectLabel, Report, suppressionOwner } from './summary';

/** GitHub code scanning keeps at most this many results of a run (https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning). */
export const SARIF_MAX_RESULTS = 25_000;
/** GitHub code scanning refuses a SARIF upload larger than this, gzip-compressed. */
export const SARIF_MAX_GZIP_BYTES = 10 * 1024 * 1024;

/** The SARIF version and schema GitHub code scanning (and most consumers) read. */
export const SARIF_VERSION = '2.1.0';
export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

/** The name findings carry for standard input, and the URI it gets in SARIF. */
const STDIN_FILE = '<stdin>';
const STDIN_URI = 'stdin';

export interface SarifOptions {
  /** The rules that ran (their metadata becomes `tool.driver.rules`). Rules of findings not listed are added. */
  readonly rules: readonly RuleInfo[];
  /** File URIs are made relative to this folder (the repository root, for GitHub). @default process.cwd() */
  readonly baseDir?: string;
  /** @default '0.0.0' */
  readonly toolVersion?: string;
  /** Beyond this many results, findings are folded (per rule and object, then per rule and file, then per rule). @default SARIF_MAX_RESULTS */
  readonly maxResults?: number;
  /** Beyond this compressed size, findings are folded further. @default SARIF_MAX_GZIP_BYTES */
  readonly maxGzipBytes?: number;
}

/** How findings are grouped into results: one each, per rule and object, per rule and file, per rule. */
type Fold = 'none' | 'object' | 'file' | 'rule';
const FOLDS: readonly Fold[] = ['none', 'object', 'file', 'rule'];

function foldKey(f: Finding, fold: Fold): string {
  switch (fold) {
    case 'object':
      return [f.ruleId, f.file ?? '', f.constructPath ?? '', f.object.apiVersion, f.object.kind, f.object.namespace ?? '', f.object.name].join('\u0000');
    case 'file':
      return [f.ruleId, f.file ?? f.constructPath ?? ''].join('\u0000');
    case 'rule':
      return f.ruleId;
    default:
      return '';
  }
}

type Level = 'error' | 'warning' | 'note';

function level(severity: Severity): Level {
  return severity === 'error' ? 'error' : severity === 'warning' ? 'warning' : 'note';
}

/** GitHub's `security-severity` (0-10): how it ranks alerts as critical/high/medium/low. */
function securitySeverity(severity: Severity): string {
  return severity === 'error' ? '8.0' : severity === 'warning' ? '5.0' : '2.0';
}

/** `pss-baseline-privileged` -> `PssBaselinePrivileged`: SARIF's `name` is an identifier-like form of the id. */
function pascalCase(id: string): string {
  return id.split(/[^A-Za-z0-9]+/).filter(Boolean).map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
}

/**
 * The artifact URI of a file: relative to `baseDir` with forward slashes and each segment percent-encoded
 * (`k8s/my%20app.yaml`), or an absolute `file://` URI for a file outside it.
 */
export function artifactUri(file: string, baseDir: string): { uri: string; uriBaseId?: string } {
  if (file === STDIN_FILE) {
    return { uri: STDIN_URI };
  }
  const absolute = resolve(baseDir, file);
  const rel = relative(baseDir, absolute);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) {
    return { uri: pathToFileURL(absolute).href };
  }
  return { uri: rel.split(sep).map(encodeURIComponent).join('/'), uriBaseId: '%SRCROOT%' };
}

function ruleDescriptor(rule: RuleInfo) {
  const profiles = rule.profiles.length ? rule.profiles.join(', ') : 'every profile (engine finding)';
  return {
    id: rule.id,
    name: pascalCase(rule.id),
    shortDescription: { text: rule.title },
    fullDescription: { text: rule.description },
    help: {
      text: `${rule.description}\n\nFix: ${rule.remediation}\n\nProfiles: ${profiles}.\nReference: ${rule.docsUrl}`,
      markdown: `${rule.description}\n\n**Fix:** ${rule.remediation}\n\n**Profiles:** ${profiles}.\n\n**Reference:** [${rule.docsUrl}](${rule.docsUrl})`,
    },
    helpUri: rule.docsUrl,
    defaultConfiguration: { level: level(rule.severity) },
    properties: {
      tags: ['security', 'kubernetes', ruleArea(rule), ...rule.profiles],
      'security-severity': securitySeverity(rule.severity),
    },
  };
}

function unknownRule(id: string, finding: Finding): RuleInfo {
  return {
    id,
    title: id,
    severity: finding.severity,
    profiles: [],
    description: `Findings of ${id}.`,
    remediation: finding.remediation,
    docsUrl: 'https://kubernetes.io/docs/concepts/security/',
  };
}

/** A fingerprint that survives edits elsewhere in the file: the rule, the object and the field. */
function fingerprint(f: Finding): string {
  return createHash('sha256')
    .update([f.ruleId, f.object.apiVersion, f.object.kind, f.object.namespace ?? '', f.object.name, f.path].join('\u0000'))
    .digest('hex')
    .slice(0, 32);
}

/**
 * SARIF 2.1.0 for GitHub code scanning and other SARIF readers: one run whose `tool.driver.rules` lists every
 * rule that ran (and any other rule a finding names), one result per finding with its rule, level, message,
 * file (relative URI) and line; suppressed findings carry an `inSource` suppression with the written reason.
 */
export function formatSarif(report: Report, options: SarifOptions): string {
  const baseDir = options.baseDir ?? process.cwd();
  const catalogue: RuleInfo[] = [...options.rules];
  const index = new Map(catalogue.map((r, i) => [r.id, i]));
  for (const finding of report.findings) {
    if (!index.has(finding.ruleId)) {
      index.set(finding.ruleId, catalogue.length);
      catalogue.push(ENGINE_RULES.find((r) => r.id === finding.ruleId) ?? unknownRule(finding.ruleId, finding));
    }
  }

  const resultOf = (f: Finding, folded?: { count: number; fold: Fold; suppressed: number }) => {
    const label = objectLabel(f.object);
    const logical = {
      name: f.object.name || label,
      fullyQualifiedName: f.constructPath ?? label,
      kind: 'resource',
    };
    const location = f.file !== undefined
      ? {
        physicalLocation: {
          artifactLocation: artifactUri(f.file, baseDir),
          ...(f.line !== undefined && f.line >= 1 ? { region: { startLine: f.line } } : {}),
        },
        logicalLocations: [logical],
      }
      : { logicalLocations: [logical] };
    const scope = folded?.fold === 'object' ? `on ${label}` : folded?.fold === 'file' ? `in ${f.file ?? f.constructPath ?? 'the input'}` : 'in this run';
    const text = folded
      ? `${folded.count} findings of ${f.ruleId} ${scope} folded into one result (${folded.suppressed} suppressed); the first: ${f.message} (${label}${f.path ? `, ${f.path}` : ''}). Fix: ${f.remediation}`
      : `${f.message} (${label}${f.path ? `, ${f.path}` : ''}). Fix: ${f.remediation}`;
    return {
      ruleId: f.ruleId,
      ruleIndex: index.get(f.ruleId)!,
      level: level(f.severity),
      message: { text },
      locations: [location],
      partialFingerprints: { 'cdk8sHardenedFinding/v1': folded ? foldedFingerprint(f, folded.fold) : fingerprint(f) },
      ...(f.suppressed ? {
        suppressions: [{
          kind: f.suppressionReason?.startsWith('exemption: ') ? 'external' : 'inSource',
          status: 'accepted',
          justification: f.suppressionReason ?? '',
        }],
      } : {}),
      properties: {
        object: { apiVersion: f.object.apiVersion, kind: f.object.kind, namespace: f.object.namespace ?? null, name: f.object.name },
        path: f.path,
        remediation: f.remediation,
        ...(f.constructPath !== undefined ? { constructPath: f.constructPath } : {}),
        ...(folded ? { foldedFindings: folded.count } : {}),
      },
    };
  };

  const maxResults = options.maxResults ?? SARIF_MAX_RESULTS;
  const maxGzip = options.maxGzipBytes ?? SARIF_MAX_GZIP_BYTES;
  const suppressions = (report.suppressions ?? []).map((x) => ({
    ruleId: x.ruleId,
    reason: x.reason,
    source: x.source,
    owner: suppressionOwner(x),
    ...(x.expires !== undefined ? { expires: x.expires } : {}),
    findings: x.findings,
  }));
  const build = (fold: Fold) => {
    let results;
    if (fold === 'none') {
      results = report.findings.map((f) => resultOf(f));
    } else {
      // A group is shown by its first live finding (a suppressed group only when all of it is suppressed).
      const groups = new Map<string, Finding[]>();
      for (const f of report.findings) {
        const key = foldKey(f, fold);
        const group = groups.get(key);
        if (group) {
          group.push(f);
        } else {
          groups.set(key, [f]);
        }
      }
      results = [...groups.values()].map((group) => {
        const first = group.find((f) => !f.suppressed) ?? group[0];
        const worst = group.some((f) => !f.suppressed && f.severity === 'error') ? 'error' : group.some((f) => !f.suppressed && f.severity === 'warning') ? 'warning' : first.severity;
        const suppressed = group.filter((f) => f.suppressed).length;
        return group.length === 1 ? resultOf(first) : resultOf({ ...first, severity: worst }, { count: group.length, fold, suppressed });
      });
    }
    const folded = fold === 'none' ? undefined : { by: fold, findings: report.findings.length, results: results.length };
    const note = folded
      ? `${folded.findings} findings were folded into ${folded.results} results (${fold === 'object' ? 'per rule and object' : fold === 'file' ? 'per rule and file' : 'per rule'}) `
        + `to stay within GitHub code scanning's limits (${SARIF_MAX_RESULTS} results per run, ${SARIF_MAX_GZIP_BYTES / 1024 / 1024} MB compressed); the json report lists every finding`
      : undefined;
    return {
      results,
      text: `${JSON.stringify({
        $schema: SARIF_SCHEMA,
        version: SARIF_VERSION,
        runs: [
          {
            tool: {
              driver: {
                name: 'cdk8s-hardened',
                version: options.toolVersion ?? '0.0.0',
                semanticVersion: options.toolVersion ?? '0.0.0',
                rules: catalogue.map(ruleDescriptor),
              },
            },
            invocations: [{
              executionSuccessful: true,
              ...(note ? { toolExecutionNotifications: [{ level: 'note', message: { text: note } }] } : {}),
            }],
            results,
            properties: {
              profile: report.summary.profile,
              summary: report.summary,
              suppressions,
              ...(folded ? { folded: { ...folded, note } } : {}),
            },
          },
        ],
      }, null, 2)}\n`,
    };
  };
  for (const fold of FOLDS) {
    const out = build(fold);
    if (fold === 'rule' || (out.results.length <= maxResults && gzipSync(out.text).length <= maxGzip)) {
      return out.text;
    }
  }
  throw new Error('unreachable: the last fold always returns');
}

function foldedFingerprint(f: Finding, fold: Fold): string {
  return createHash('sha256').update(`${fold}\u0000${foldKey(f, fold)}`).digest('hex').slice(0, 32);
}
