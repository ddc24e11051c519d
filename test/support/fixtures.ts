import { readdirSync, readFileSync, statSync } from 'fs';
import { join } from 'path';
import { ScanGate } from '../../src/policy/container-model';
import { readTrivyReports, scanSeverities } from '../../src/container/trivy';
import { readContainerInput } from '../../src/container/read';
import { parseManifests } from '../../src/input/parse';
import { Manifest } from '../../src/policy/rule';

/** JSON cannot hold comments: the first line of a JSON fixture (`# why`) is blanked, so line numbers stay the file's. */
function withoutWhy(text: string, file: string): string {
  return file.endsWith('.json') && text.startsWith('#') ? text.replace(/^[^\n]*/, '') : text;
}

/**
 * Reads a fixture as `check` reads the file: Dockerfiles (`*.Dockerfile`), daemon.json and docker inspect output
 * (`*.json`) by the container reader, everything else as Kubernetes manifests.
 */
export function readFixture(text: string, file: string): Manifest[] {
  const source = withoutWhy(text, file);
  return readContainerInput(file, file, source) ?? parseManifests(source, file);
}

/** A Trivy report fixture (`*.trivy.json`), read as `check --scan` reads it. */
export function isScanReport(file: string): boolean {
  return file.endsWith('.trivy.json');
}

/**
 * A fixture case: one file, or a folder of files judged together as one `check` run (a Dockerfile beside the
 * manifests that run its image; `*.trivy.json` files there are the `--scan` reports, gated at HIGH).
 */
export function readFixtureCase(path: string): { manifests: Manifest[]; scan?: ScanGate; texts: Array<{ file: string; text: string }> } {
  const files = statSync(path).isDirectory() ? readdirSync(path).sort().map((f) => join(path, f)) : [path];
  const texts = files.map((file) => ({ file, text: readFileSync(file, 'utf8') }));
  const manifests = texts.filter((t) => !isScanReport(t.file)).flatMap((t) => readFixture(t.text, t.file.replace(/^.*\//, '')));
  const reports = texts.filter((t) => isScanReport(t.file)).flatMap((t) => readTrivyReports(withoutWhy(t.text, t.file), t.file));
  return { manifests, texts, ...(reports.length ? { scan: { reports, severities: scanSeverities('HIGH')!, ignoreUnfixed: false } } : {}) };
}
