import * as os from 'os';
import * as path from 'path';
import { ApiObject, Chart, Testing } from 'cdk8s';
import { LockedDownNamespace } from '../../src/constructs';
import { isFailing } from '../../src/policy/engine';
import { rulesForProfile } from '../../src/catalogue';
import { Finding } from '../../src/policy/rule';
import { HardenedApp, SynthGuard } from '../../src/synth';

/** An outdir that tests never write to (they use synthYaml / Testing.synth). */
export const UNUSED_OUTDIR = path.join(os.tmpdir(), 'cdk8s-hardened-unused-outdir');

/** The rules every construct test judges with: the full hardened catalogue, as it grows. */
export const HARDENED = rulesForProfile('hardened');

export interface Fixture {
  readonly app: HardenedApp;
  readonly chart: Chart;
  readonly ns: LockedDownNamespace;
}

/** A hardened app with one chart whose namespace is a LockedDownNamespace (so namespace-level rules are met). */
export function hardenedChart(namespace = 'team-a'): Fixture {
  const app = new HardenedApp({ outdir: UNUSED_OUTDIR, onReport: () => undefined });
  const chart = new Chart(app, 'c', { namespace });
  const ns = new LockedDownNamespace(chart, 'ns', { name: namespace });
  return { app, chart, ns };
}

/** Every finding of the hardened profile over the app (judged now). */
export function findings(app: HardenedApp): readonly Finding[] {
  return SynthGuard.of(app)!.evaluate().findings;
}

/** Findings that fail synth, or that are warnings: neither should come out of a construct with valid props. */
export function problems(app: HardenedApp): string[] {
  return findings(app)
    .filter((f) => isFailing(f, 'warning'))
    .map((f) => `${f.severity} ${f.ruleId} ${f.constructPath} ${f.path}: ${f.message}`);
}

/** The JSON an ApiObject synthesizes to. */
export function json(object: ApiObject): any {
  return object.toJson();
}

/** Synthesizes the chart (which runs the hardened validation: throws on error findings). */
export function synth(chart: Chart): any[] {
  return Testing.synth(chart);
}

/** The single object of `kind` (and `name`) in `objects`. */
export function only(objects: any[], kind: string, name?: string): any {
  const matches = objects.filter((o) => o.kind === kind && (name === undefined || o.metadata?.name === name));
  if (matches.length !== 1) {
    throw new Error(`expected one ${kind}${name ? ` ${name}` : ''}, found ${matches.length}`);
  }
  return matches[0];
}

/** Resources every test container can use. */
export const RESOURCES = { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } };
export const PROBES = {
  livenessProbe: { httpGet: { path: '/healthz', port: 8080 } },
  readinessProbe: { httpGet: { path: '/ready', port: 8080 } },
};
/** A valid long-running container. */
export function container(overrides: Record<string, unknown> = {}): any {
  return {
    name: 'app',
    image: 'registry.example.com/team/app:1.2.3',
    ports: [{ containerPort: 8080, name: 'http' }],
    resources: RESOURCES,
    ...PROBES,
    ...overrides,
  };
}
