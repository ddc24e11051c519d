import { readdirSync, readFileSync } from 'fs';
import { basename, dirname, join } from 'path';
import { GitOpsGroup } from '../output/tree';
import { isObject, JsonObject } from '../policy/json';
import { Finding, Manifest } from '../policy/rule';
import type { SuppressionInForce } from '../policy/engine';

/**
 * Our own record of what a cdk8s app synthesized, taken inside the app's process from its construct tree (never
 * from the files cdk8s writes, which FILE_PER_RESOURCE overwrites by `Kind.name`, nor from construct-metadata.json,
 * which is keyed by object name alone): per App that ran `synth()`, every chart with its folder label and every
 * ApiObject with its construct path and the JSON it rendered (in cdk8s's order).
 */
export interface SynthRecord {
  readonly apps: readonly RecordedApp[];
}

export interface RecordedApp {
  /** Whether `app.synth()` returned (false: it threw; `report` then says why when the app is hardened). */
  readonly ok: boolean;
  readonly charts: readonly RecordedChart[];
  /** The App's own outdir (`App({ outdir })`, else CDK8S_OUTDIR): under synth cdk8s writes to CDK8S_OUTDIR all the same. */
  readonly outdir?: string;
  /** The judgement of the app's own HardenedApp / hardenApp guard, when it has one. */
  readonly report?: RecordedReport;
}

export interface RecordedChart {
  /** The chart's construct path (`backend`, `parent/child`). */
  readonly path: string;
  /** Construct paths of the charts it depends on (cdk8s then numbers its files `0000-...`). */
  readonly dependsOn: readonly string[];
  readonly objects: ReadonlyArray<{ readonly path: string; readonly json: JsonObject }>;
}

/** What a SynthGuard leaves on its App (under `Symbol.for('cdk8s-hardened.report')`) for the recorder to pick up. */
export interface RecordedReport {
  readonly profile: string;
  readonly objects: number;
  readonly failOn: 'error' | 'warning';
  readonly findings: readonly Finding[];
  readonly suppressions: readonly SuppressionInForce[];
}


/**
 * The recorder, run inside the app's process before the app (`node --require`, through NODE_OPTIONS, so that a
 * node started by a shell command or by npx gets it too). It wraps `App.prototype.synth` of every copy of cdk8s
 * the app loads; after each synth (inside HardenedApp's run, so the JSON is the very JSON the app judged) it
 * rewrites `recordFile` with the record of every App that synthesized.
 *
 * It is written out as source (`recorderSource`), so it must be self-contained plain JavaScript: no imports, no
 * helpers from this module.
 */
function recorderMain(nodeRequire: (id: string) => any, recordFile: string): void {
  const Module = nodeRequire('module');
  const fs = nodeRequire('fs');
  const MARK = Symbol.for('cdk8s-hardened.recorder');
  const REPORT = Symbol.for('cdk8s-hardened.report');
  const apps = new Map<unknown, unknown>();
  // What each App's own outdir was (App({ outdir }) wins over CDK8S_OUTDIR in cdk8s): synth points it at the
  // folder CDK8S_OUTDIR names, so no YAML is written anywhere but there (never into the tree before it is judged).
  const outdirs = new Map<unknown, unknown>();
  const ownOut = process.env.CDK8S_OUTDIR;
  // Each process of the app command (`node a.js && node b.js`) writes a record of its own.
  const file = recordFile.replace(/\.json$/, `-${process.pid}.json`);

  function chartsOf(cdk8s: any, app: any): unknown[] {
    const charts: unknown[] = [];
    for (const chart of app.charts) {
      const objects: unknown[] = [];
      for (const c of new cdk8s.DependencyGraph(chart.node).topology()) {
        if (cdk8s.ApiObject.isApiObject(c) && cdk8s.Chart.of(c) === chart) {
          objects.push({ path: c.node.path, json: c.toJson() });
        }
      }
      const dependsOn = chart.node.dependencies.filter((d: unknown) => cdk8s.Chart.isChart(d)).map((d: any) => d.node.path);
      charts.push({ path: chart.node.path, dependsOn, objects });
    }
    return charts;
  }

  function record(cdk8s: any, app: any, ok: boolean): void {
    let charts: unknown[] = [];
    if (ok) {
      try {
        charts = chartsOf(cdk8s, app);
      } catch (error) {
        // Rendering again failed (it did not a moment ago): record nothing, so the run fails rather than passes.
        process.stderr.write(`cdk8s-hardened: cannot record the construct tree: ${(error as Error).message}\n`);
        return;
      }
    }
    const entry: Record<string, unknown> = { ok, charts };
    const own = outdirs.get(app);
    if (typeof own === 'string') {
      entry.outdir = own;
    }
    if (app[REPORT] !== undefined) {
      entry.report = app[REPORT];
    }
    apps.set(app, entry);
    fs.writeFileSync(file, JSON.stringify({ apps: [...apps.values()] }));
  }

  function patch(cdk8s: any): void {
    if (!cdk8s || typeof cdk8s.App !== 'function' || typeof cdk8s.DependencyGraph !== 'function' || cdk8s.App.prototype[MARK]) {
      return;
    }
    const proto = cdk8s.App.prototype;
    const synth = proto.synth;
    Object.defineProperty(proto, MARK, { value: true });
    proto.synth = function recordedSynth(this: any, ...args: unknown[]) {
      // No catch and rethrow: the app's error keeps its own place (Node prints where it was thrown).
      let ok = false;
      const outdir = this.outdir;
      if (!outdirs.has(this)) {
        outdirs.set(this, outdir);
      }
      const redirect = typeof ownOut === 'string' && typeof outdir === 'string' && outdir !== ownOut;
      if (redirect) {
        this.outdir = ownOut;
      }
      // synth writes the tree from the record, so the YAML files cdk8s writes into synth's own folder (CDK8S_OUTDIR)
      // are never read: cdk8s's Yaml.save (every file App.synth writes goes through it) serializes nothing there for
      // the duration. A save anywhere else (the app's own Yaml.save or Yaml.tmp) is cdk8s's, unchanged.
      const yaml = cdk8s.Yaml;
      const save = yaml ? Object.getOwnPropertyDescriptor(yaml, 'save') : undefined;
      const skip = typeof ownOut === 'string' && save !== undefined && typeof save.value === 'function' && save.writable === true
        && save.configurable === true;
      if (skip) {
        const pathModule = nodeRequire('path');
        const folder = pathModule.resolve(ownOut as string) + pathModule.sep;
        Object.defineProperty(yaml, 'save', {
          ...save,
          value: function savedUnlessSynthOutput(this: unknown, filePath: unknown, ...rest: unknown[]) {
            if (typeof filePath === 'string' && pathModule.resolve(filePath).startsWith(folder)) {
              return undefined; // the tree is written from the record
            }
            return save.value.call(this, filePath, ...rest);
          },
        });
      }
      try {
        const result = synth.apply(this, args);
        ok = true;
        return result;
      } finally {
        if (skip) {
          Object.defineProperty(yaml, 'save', save);
        }
        if (redirect) {
          this.outdir = outdir;
        }
        record(cdk8s, this, ok);
      }
    };
  }

  const load = Module._load;
  Module._load = function recordingLoad(this: unknown, request: string, ...rest: unknown[]) {
    const exports = load.call(this, request, ...rest);
    if (request === 'cdk8s' || /(?:^|[\\/])cdk8s[\\/]lib(?:[\\/]index(?:\.js)?)?$/.test(request)) {
      patch(exports);
    }
    return exports;
  };
}

/** The recorder as a CommonJS file's source, writing its record beside `recordFile` (`record-<pid>.json` for record.json). */
export function recorderSource(recordFile: string): string {
  return `'use strict';\n(${recorderMain.toString()})(require, ${JSON.stringify(recordFile)});\n`;
}

/** An error in the record (never expected from our recorder: it means the app tampered with it or crashed mid-write). */
export class RecordError extends Error {}

function fail(what: string): never {
  throw new RecordError(`the record of the app's construct tree is malformed (${what})`);
}

/** Parses and checks a record file's text. */
export function parseRecord(text: string): SynthRecord {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    fail('not JSON');
  }
  if (!isObject(value) || !Array.isArray(value.apps)) {
    fail('no apps');
  }
  for (const [i, app] of (value.apps as unknown[]).entries()) {
    if (!isObject(app) || typeof app.ok !== 'boolean' || !Array.isArray(app.charts)) {
      fail(`apps[${i}]`);
    }
    for (const [j, chart] of (app.charts as unknown[]).entries()) {
      if (!isObject(chart) || typeof chart.path !== 'string' || !Array.isArray(chart.dependsOn)
        || !Array.isArray(chart.objects)
        || !(chart.objects as unknown[]).every((o) => isObject(o) && typeof o.path === 'string' && 'json' in o)) {
        fail(`apps[${i}].charts[${j}]`);
      }
    }
    if (app.report !== undefined) {
      const r = app.report;
      if (!isObject(r) || typeof r.profile !== 'string' || typeof r.objects !== 'number' || (r.failOn !== 'error' && r.failOn !== 'warning')
        || !Array.isArray(r.findings) || !Array.isArray(r.suppressions)) {
        fail(`apps[${i}].report`);
      }
    }
  }
  return value as unknown as SynthRecord;
}

/**
 * The charts the app synthesized, from our record of its construct tree: one group per chart, named by its construct
 * path (`web.v2`, `parent-child`; the tree makes folder names safe), each object with its construct path. Charts are
 * in name order, or in cdk8s's dependency order when charts depend on each other (as cdk8s numbers its files then).
 */
export function groupsFromRecord(record: SynthRecord): Array<GitOpsGroup & { readonly objects: Manifest[] }> {
  const charts = record.apps.filter((a) => a.ok).flatMap((a) => a.charts);
  const ordered = charts.some((c) => c.dependsOn.length > 0)
    ? charts
    : charts.map((c, i) => ({ c, i })).sort((a, b) => (a.c.path < b.c.path ? -1 : a.c.path > b.c.path ? 1 : a.i - b.i)).map(({ c }) => c);
  return ordered.map((chart) => ({
    name: chart.path.split('/').join('-'),
    objects: chart.objects.map((o) => ({ object: o.json, origin: { constructPath: o.path } })),
  }));
}

/**
 * Reads the records the app's recorder wrote, one per process of the app command (undefined: none, so no App of a
 * cdk8s we could see ran synth()). Records of several processes are joined in an order that does not depend on which
 * process ran first or got which pid: by their charts' construct paths.
 */
export function readRecord(file: string): SynthRecord | undefined {
  const dir = dirname(file);
  const prefix = `${basename(file, '.json')}-`;
  const records = readdirSync(dir).filter((name) => name.startsWith(prefix) && name.endsWith('.json'))
    .map((name) => parseRecord(readFileSync(join(dir, name), 'utf8')));
  if (records.length === 0) {
    return undefined;
  }
  const key = (r: SynthRecord) => JSON.stringify(r.apps.map((a) => a.charts.map((c) => c.path)));
  records.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  return { apps: records.flatMap((r) => r.apps) };
}
