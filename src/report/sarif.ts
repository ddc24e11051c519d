import { createHash } from 'crypto';
import { isAbsolute, relative, resolve, sep } from 'path';
import { pathToFileURL } from 'url';
import { Finding, Severity } from '../policy/rule';
import { ENGINE_RULES, ruleArea, RuleInfo } from './rules-doc';
import { objectLabel, Report } from './summary';

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

  const results = report.findings.map((f) => {
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
    return {
      ruleId: f.ruleId,
      ruleIndex: index.get(f.ruleId)!,
      level: level(f.severity),
      message: { text: `${f.message} (${label}${f.path ? `, ${f.path}` : ''}). Fix: ${f.remediation}` },
      locations: [location],
      partialFingerprints: { 'cdk8sHardenedFinding/v1': fingerprint(f) },
      ...(f.suppressed ? { suppressions: [{ kind: 'inSource', justification: f.suppressionReason ?? '' }] } : {}),
      properties: {
        object: { apiVersion: f.object.apiVersion, kind: f.object.kind, namespace: f.object.namespace ?? null, name: f.object.name },
        path: f.path,
        remediation: f.remediation,
        ...(f.constructPath !== undefined ? { constructPath: f.constructPath } : {}),
      },
    };
  });

  const sarif = {
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
        invocations: [{ executionSuccessful: true }],
        results,
        properties: { profile: report.summary.profile, summary: report.summary },
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}
