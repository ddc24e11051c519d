import { createHash } from 'crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'fs';
import { dirname, join } from 'path';
import type { Chart } from 'cdk8s';
import { isObject, JsonObject, objectField, stringField } from '../policy/json';
import { Manifest } from '../policy/rule';
import { GENERATED_HEADER, OutputError, replaceDirAtomically } from './atomic';
import { applyRank, compareApplyOrder, SYNC_WAVE_ANNOTATION, syncWave } from './order';
import { toYaml, UnwritableValueError } from './yaml';

/** `chart`: one folder per chart (or named group); `namespace`: one folder per namespace. */
export type GitOpsLayout = 'chart' | 'namespace';

/** A named set of objects that becomes one folder in the `chart` layout (what a cdk8s chart synthesizes). */
export interface GitOpsGroup {
  readonly name: string;
  /** Plain Kubernetes objects, or manifests (their `object` is written). */
  readonly objects: readonly unknown[];
}

/** Charts or named groups (`chart` layout), or loose objects or manifests (`namespace` layout only). */
export type GitOpsInput = readonly (GitOpsGroup | Chart)[] | readonly unknown[];

export interface GitOpsOptions {
  /**
   * How objects are split into folders.
   * @default 'chart' for charts and groups, 'namespace' for loose objects
   */
  readonly layout?: GitOpsLayout;
  /**
   * In the `namespace` layout, the folder of objects that have no `metadata.namespace` (cluster-scoped objects
   * such as ClusterRoles and CRDs). A Namespace object always goes to the folder named after it.
   * @default 'cluster'
   */
  readonly clusterFolder?: string;
  /**
   * Annotate every object with its ArgoCD sync wave (`argocd.argoproj.io/sync-wave`). An annotation the object
   * already has is kept.
   * @default true
   */
  readonly syncWaves?: boolean;
}

/** One folder of the tree: its name and its object files in apply order (kustomization.yaml not included). */
export interface GitOpsFolder {
  readonly name: string;
  readonly files: readonly string[];
}

/** The whole tree, computed without touching the disk. */
export interface GitOpsTree {
  /** Folders in the order of the root kustomization. */
  readonly folders: readonly GitOpsFolder[];
  /** Every file, by path relative to the output folder (`/`-separated), with its exact content. */
  readonly files: ReadonlyMap<string, string>;
  /** How many objects the tree holds. */
  readonly objects: number;
}

export interface GitOpsResult extends GitOpsTree {
  /** The output folder as given. */
  readonly outDir: string;
}

/** The first line of every kustomization.yaml we write. */
export { GENERATED_HEADER };

const KUSTOMIZATION = 'kustomization.yaml';
const MAX_STEM = 200;

interface Entry {
  readonly object: JsonObject;
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  /** Where the object comes from, for errors: its construct path, else its place in the input. */
  readonly where: string;
}

interface Group {
  readonly name: string;
  readonly entries: Entry[];
}

/** Lowercase, `[a-z0-9._-]` only, no leading dot, at most MAX_STEM characters (a hash keeps long ones unique). */
function safeName(raw: string): string {
  let s = raw.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[.]+/, '');
  if (s.length > MAX_STEM) {
    s = `${s.slice(0, MAX_STEM - 11)}-${createHash('sha256').update(raw).digest('hex').slice(0, 10)}`;
  }
  return s;
}

function describe(object: unknown): string {
  const kind = stringField(object, 'kind');
  const name = stringField(objectField(object, 'metadata'), 'name');
  return kind ? `${kind}${name ? ` ${name}` : ''}` : 'an object';
}

function toEntry(value: unknown, place: string): Entry {
  const manifest = isObject(value) && 'object' in value && !('apiVersion' in value) ? (value as unknown as Manifest) : undefined;
  const object = manifest ? manifest.object : value;
  const where = manifest?.origin?.constructPath ?? place;
  if (!isObject(object)) {
    throw new OutputError(`${where}: not a Kubernetes object`);
  }
  const apiVersion = stringField(object, 'apiVersion');
  const kind = stringField(object, 'kind');
  const metadata = objectField(object, 'metadata');
  const name = stringField(metadata, 'name');
  if (!apiVersion || !kind) {
    throw new OutputError(`${where}: ${describe(object)} has no apiVersion or kind`);
  }
  if (!name) {
    throw new OutputError(`${where}: ${kind} has no metadata.name; GitOps tools (kustomize, ArgoCD, Flux) need every object named`);
  }
  return { object, apiVersion, kind, name, namespace: stringField(metadata, 'namespace') ?? '', where };
}

/**
 * cdk8s's own Chart.isChart test (the symbol every copy of cdk8s marks its charts with), so that writing groups of
 * objects, as `cdk8s-hardened synth` does, does not load cdk8s (about 100-200 ms of start-up).
 */
const CHART_SYMBOL = Symbol.for('cdk8s.Chart');
function isChart(value: unknown): value is Chart {
  return value !== null && typeof value === 'object' && CHART_SYMBOL in value;
}

/** A chart's folder name, as cdk8s names it (cdk8s is loaded only when charts are given). */
function chartName(chart: Chart): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('cdk8s') as typeof import('cdk8s')).Names.toDnsLabel(chart);
}

function isGroup(value: unknown): value is GitOpsGroup {
  return isObject(value) && typeof value.name === 'string' && Array.isArray(value.objects) && !('apiVersion' in value);
}

/** Splits the input into named groups (chart layout) or into loose entries. */
function normalize(input: GitOpsInput): { groups?: Group[]; loose?: Entry[] } {
  const items = [...input];
  const grouped = items.filter((i) => isChart(i) || isGroup(i));
  if (grouped.length > 0 && grouped.length < items.length) {
    throw new OutputError('give either charts (or named groups of objects) or loose objects, not both');
  }
  if (grouped.length === 0) {
    return { loose: items.map((o, i) => toEntry(o, `object ${i + 1}`)) };
  }
  return {
    groups: items.map((item) => {
      const group: GitOpsGroup = isChart(item)
        ? { name: chartName(item), objects: item.toJson() }
        : (item as GitOpsGroup);
      return { name: group.name, entries: group.objects.map((o, i) => toEntry(o, `${group.name}: object ${i + 1}`)) };
    }),
  };
}

function byNamespace(entries: readonly Entry[], clusterFolder: string): Group[] {
  const folders = new Map<string, Entry[]>();
  for (const e of entries) {
    const folder = e.kind === 'Namespace' ? e.name : e.namespace || clusterFolder;
    const list = folders.get(folder) ?? [];
    list.push(e);
    folders.set(folder, list);
  }
  return [...folders.keys()].sort().map((name) => ({ name, entries: folders.get(name)! }));
}

/**
 * The object with its sync wave annotation: a copy of the object, its metadata and its annotations only (the rest
 * is shared with the input, which is never changed), keys in their order, `annotations` last when it is new.
 */
function withSyncWave(entry: Entry): JsonObject {
  const metadata = entry.object.metadata as JsonObject;
  const annotations = isObject(metadata.annotations) ? { ...metadata.annotations } : {};
  if (typeof annotations[SYNC_WAVE_ANNOTATION] !== 'string') {
    annotations[SYNC_WAVE_ANNOTATION] = String(syncWave(entry.kind));
  }
  return { ...entry.object, metadata: { ...metadata, annotations } };
}

/**
 * File names for a folder's entries (already in apply order): `<kind>-<name>.yaml`. Entries whose kind and
 * name collide (the same name in two namespaces) get the namespace too: `<kind>-<namespace>-<name>.yaml`; any
 * remaining clash gets `-2`, `-3`... in apply order. Names are lowercase, so case-insensitive filesystems agree.
 */
function fileNames(entries: readonly Entry[]): string[] {
  const bases = entries.map((e) => safeName(`${e.kind}-${e.name}`));
  const counts = new Map<string, number>();
  bases.forEach((b) => counts.set(b, (counts.get(b) ?? 0) + 1));
  const used = new Set(bases.filter((b) => counts.get(b) === 1));
  return entries.map((e, i) => {
    if (counts.get(bases[i]) === 1) {
      return `${bases[i]}.yaml`;
    }
    const stem = e.namespace ? safeName(`${e.kind}-${e.namespace}-${e.name}`) : bases[i];
    let candidate = stem;
    for (let n = 2; used.has(candidate); n++) {
      candidate = `${stem}-${n}`;
    }
    used.add(candidate);
    return `${candidate}.yaml`;
  });
}

function kustomization(resources: readonly string[]): string {
  return `${GENERATED_HEADER}\n${toYaml({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources })}`;
}

/**
 * Computes the GitOps tree for a set of objects, without writing anything: one folder per chart (or
 * namespace), one `<kind>-<name>.yaml` per object in apply order, a `kustomization.yaml` per folder listing
 * its files in apply order, and a root `kustomization.yaml` listing the folders (those holding the earliest
 * objects, such as Namespaces, first; ties in the order given). Every object gets its ArgoCD sync wave.
 *
 * Throws an OutputError for objects that cannot be written (no name) and for two objects with the same
 * identity (API group, kind, namespace, name), which kustomize would refuse.
 */
export function planGitOpsTree(input: GitOpsInput, options: GitOpsOptions = {}): GitOpsTree {
  const { groups, loose } = normalize(input);
  const layout = options.layout ?? (groups ? 'chart' : 'namespace');
  let folders: Group[];
  if (layout === 'namespace') {
    folders = byNamespace(groups ? groups.flatMap((g) => g.entries) : loose!, options.clusterFolder ?? 'cluster');
  } else if (groups) {
    folders = groups;
  } else {
    throw new OutputError('the chart layout needs charts or named groups of objects; give those, or use the namespace layout');
  }

  // Merge groups whose folder names agree once made safe, keeping the first one's position.
  const merged = new Map<string, Entry[]>();
  for (const g of folders) {
    // No dots in folder names, so no folder can be mistaken for (or clash with) a file such as kustomization.yaml.
    const name = safeName(g.name.replace(/\./g, '-')) || 'default';
    const list = merged.get(name) ?? [];
    for (const e of g.entries) {
      list.push(e);
    }
    merged.set(name, list);
  }

  const seen = new Map<string, { folder: string; entry: Entry }>();
  for (const [folder, entries] of merged) {
    for (const e of entries) {
      const group = e.apiVersion.includes('/') ? e.apiVersion.slice(0, e.apiVersion.lastIndexOf('/')) : '';
      const id = `${group}/${e.kind}/${e.namespace}/${e.name}`;
      const other = seen.get(id);
      if (other !== undefined) {
        const label = (x: Entry) => `${x.where} (${x.apiVersion} ${x.kind})`;
        throw new OutputError(`${e.kind} ${e.namespace ? `${e.namespace}/` : ''}${e.name} is defined twice, by ${label(other.entry)} in ${other.folder} `
          + `and by ${label(e)} in ${folder}; give one of them another name or namespace`);
      }
      seen.set(id, { folder, entry: e });
    }
  }

  const ordered = [...merged.entries()]
    .filter(([, entries]) => entries.length > 0)
    .map(([name, entries], index) => ({
      name,
      index,
      rank: entries.reduce((min, e) => Math.min(min, applyRank(e.kind)), Infinity),
      entries: entries
        .map((e, i) => ({ e, i }))
        .sort((a, b) => compareApplyOrder(a.e, b.e) || a.i - b.i)
        .map(({ e }) => e),
    }))
    .sort((a, b) => a.rank - b.rank || a.index - b.index);

  const files = new Map<string, string>();
  const result: GitOpsFolder[] = [];
  let objects = 0;
  const writers = new Map<string, Entry>();
  for (const folder of ordered) {
    const names = fileNames(folder.entries);
    folder.entries.forEach((e, i) => {
      const path = `${folder.name}/${names[i]}`;
      const other = writers.get(path);
      if (other !== undefined) {
        // fileNames makes names unique; an object must never silently overwrite another (cdk8s#2821).
        throw new OutputError(`${other.where} (${other.kind} ${other.name}) and ${e.where} (${e.kind} ${e.name}) would both be written to ${path}`);
      }
      writers.set(path, e);
      let text: string;
      try {
        text = toYaml(options.syncWaves === false ? e.object : withSyncWave(e));
      } catch (error) {
        if (error instanceof UnwritableValueError) {
          throw new OutputError(`${e.where} (${e.kind} ${e.name}): ${error.message}`);
        }
        throw error;
      }
      files.set(path, text);
    });
    files.set(`${folder.name}/${KUSTOMIZATION}`, kustomization(names));
    result.push({ name: folder.name, files: names });
    objects += folder.entries.length;
  }
  files.set(KUSTOMIZATION, kustomization(result.map((f) => f.name)));
  return { folders: result, files, objects };
}

/**
 * Writes the GitOps tree (see {@link planGitOpsTree}) to `outDir`, atomically: the tree is built in full in
 * a temporary folder next to `outDir` and then renamed into place, replacing the previous output, so there
 * are never stale or partial files. If anything fails, the previous `outDir` is left as it was.
 */
export function writeGitOpsTree(input: GitOpsInput, outDir: string, options: GitOpsOptions = {}): GitOpsResult {
  const tree = planGitOpsTree(input, options);
  writePlannedTree(tree, outDir);
  return { ...tree, outDir };
}

/** Every file under `dir`, by path relative to it (`/`-separated), folders left out. */
function filesUnder(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    return entry.isDirectory() ? filesUnder(join(dir, entry.name), rel) : [rel];
  });
}

/**
 * Writes a tree computed by {@link planGitOpsTree} to `outDir` as {@link writeGitOpsTree} does, and reads the
 * temporary tree back before it replaces anything: a file that is missing, extra or not byte for byte what was
 * planned (what was judged) fails the write with an OutputError (naming the folder as `shown`), and the previous
 * `outDir` is left as it was.
 */
export function writePlannedTree(tree: GitOpsTree, outDir: string, shown: string = outDir): void {
  replaceDirAtomically(outDir, (dir) => {
    const made = new Set<string>();
    for (const [path, content] of tree.files) {
      const full = join(dir, ...path.split('/'));
      const folder = dirname(full);
      if (!made.has(folder)) {
        mkdirSync(folder, { recursive: true });
        made.add(folder);
      }
      writeFileSync(full, content);
    }
    for (const [path, content] of tree.files) {
      let back: Buffer | undefined;
      try {
        back = readFileSync(join(dir, ...path.split('/')));
      } catch {
        back = undefined;
      }
      if (back === undefined || !back.equals(Buffer.from(content))) {
        throw new OutputError(`${shown}: ${path} did not read back as written (${back === undefined ? 'missing' : `${back.length} bytes, not ${Buffer.byteLength(content)}`}), `
          + 'so the tree on disk would not be what was judged; the previous tree is unchanged');
      }
    }
    const extra = filesUnder(dir).find((path) => !tree.files.has(path));
    if (extra !== undefined) {
      throw new OutputError(`${shown}: ${extra} appeared in the tree while it was written, and was not judged; the previous tree is unchanged`);
    }
  });
}
