import { InputError } from '../input/errors';
import { JsonError, splitJsonStream } from '../input/json';
import { MAX_DEPTH } from '../input/read';
import { arrayField, isObject, objectField, stringField } from '../policy/json';
import { SCAN_SEVERITIES, ScanReport, ScanSeverity, ScanVulnerability } from '../policy/container-model';

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 0x0a) {
      line++;
    }
  }
  return line;
}

function severityOf(value: unknown): ScanSeverity {
  const upper = typeof value === 'string' ? value.toUpperCase() : '';
  return (SCAN_SEVERITIES as readonly string[]).includes(upper) ? upper as ScanSeverity : 'UNKNOWN';
}

function readReport(value: unknown, file: string, where: string): ScanReport {
  if (!isObject(value) || value.SchemaVersion !== 2) {
    const got = isObject(value) ? `SchemaVersion ${JSON.stringify(value.SchemaVersion ?? null)}` : 'not an object';
    throw new InputError(`${file}${where}: not a Trivy JSON report (SchemaVersion 2; got ${got}); write it with trivy image --format json --output ${file} <image>`);
  }
  const artifactName = stringField(value, 'ArtifactName');
  if (!artifactName) {
    throw new InputError(`${file}${where}: the Trivy report has no ArtifactName, so it cannot be joined to an image`);
  }
  const metadata = objectField(value, 'Metadata');
  const names = [artifactName, ...[...arrayField(metadata, 'RepoTags'), ...arrayField(metadata, 'RepoDigests')].filter((n): n is string => typeof n === 'string')];
  const vulnerabilities: ScanVulnerability[] = [];
  for (const result of arrayField(value, 'Results')) {
    const target = stringField(result, 'Target') ?? artifactName;
    for (const v of arrayField(result, 'Vulnerabilities')) {
      const id = stringField(v, 'VulnerabilityID');
      if (!id) {
        continue;
      }
      const fixed = stringField(v, 'FixedVersion');
      vulnerabilities.push({
        id,
        pkgName: stringField(v, 'PkgName') ?? '(unknown package)',
        installedVersion: stringField(v, 'InstalledVersion') ?? '',
        ...(fixed ? { fixedVersion: fixed } : {}),
        severity: severityOf(field(v, 'Severity')),
        ...(stringField(v, 'Title') ? { title: stringField(v, 'Title') } : {}),
        target,
      });
    }
  }
  return { file, artifactName, names: [...new Set(names)], vulnerabilities };
}

function field(value: unknown, key: string): unknown {
  return isObject(value) ? value[key] : undefined;
}

/**
 * Reads a Trivy JSON report file (`trivy image --format json`, SchemaVersion 2): one report, or an array of them
 * (several images scanned into one file). Anything else is an InputError naming the file (and line, for bad JSON).
 */
export function readTrivyReports(text: string, file: string): ScanReport[] {
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let value: unknown;
  try {
    // The reader's own JSON check says where the text stops being JSON; JSON.parse then reads the value.
    if (splitJsonStream(source, MAX_DEPTH).length !== 1) {
      throw new InputError(`${file}: more than one JSON value; a Trivy report file holds one report or one array of reports`);
    }
    value = JSON.parse(source);
  } catch (error) {
    if (error instanceof JsonError) {
      throw new InputError(`${file}, line ${lineOf(source, error.offset)}: ${error.message}, so not a Trivy JSON report`);
    }
    throw error;
  }
  if (Array.isArray(value)) {
    if (value.length === 0) {
      throw new InputError(`${file}: an empty list, not a Trivy JSON report`);
    }
    return value.map((v, i) => readReport(v, file, ` (report ${i + 1})`));
  }
  return [readReport(value, file, '')];
}

/**
 * The severities `--scan-severity` selects: one name means it and every higher one (HIGH: HIGH and CRITICAL); a
 * comma-separated list (as trivy --severity HIGH,CRITICAL) means exactly those. Undefined for an unknown name.
 */
export function scanSeverities(value: string): ScanSeverity[] | undefined {
  const names = value.split(',').map((s) => s.trim().toUpperCase()).filter(Boolean);
  if (!names.length || !names.every((n) => (SCAN_SEVERITIES as readonly string[]).includes(n))) {
    return undefined;
  }
  if (names.length === 1) {
    return SCAN_SEVERITIES.slice(SCAN_SEVERITIES.indexOf(names[0] as ScanSeverity)) as ScanSeverity[];
  }
  return SCAN_SEVERITIES.filter((s) => names.includes(s));
}
