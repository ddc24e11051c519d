import { spawnSync } from 'child_process';
import { closeSync, existsSync, fstatSync, openSync, readdirSync, readFileSync, readSync, realpathSync, statSync } from 'fs';
import { basename, dirname, isAbsolute, join, normalize, relative, resolve, sep } from 'path';
import { escapeControls } from '../input/errors';
import { KUSTOMIZATION_FILES, KustomizationPlan, planKustomization } from '../input/kustomization';
import { decodeManifestBytes, InputError, NotKubernetesError, parseManifests } from '../input/parse';
import { compileGlob, CONFIG_FILE } from '../config/config';
import { isDockerfileName, readContainerInput } from '../container/read';
import { ChunkReading, notKubernetesCheck, PreparedStream, prepareManifests, readYamlChunks } from '../input/read';
import { Manifest } from '../policy/rule';

/** Files larger than this are refused rather than read into memory. */
export const MAX_FILE_BYTES = 64 * 1024 * 1024;

/** The name findings carry for input read from standard input. */
export const STDIN_NAME = '<stdin>';

const MANIFEST_EXTENSIONS = ['.yaml', '.yml', '.json'];

function isManifestName(name: string): boolean {
  const lower = name.toLowerCase();
  return MANIFEST_EXTENSIONS.some((ext) => lower.endsWith(ext)) || isDockerfileName(name);
}

function code(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? (error as Error).message;
}

function byName(a: { name: string }, b: { name: string }): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/**
 * Expands the paths a user gave: files as given, folders recursively (sorted; hidden folders and node_modules
 * skipped; symbolic links followed, each real folder visited once, so a link loop ends), `-` for stdin.
 * A file reached twice is listed once. A folder holding no manifest file is an error: it is most often a
 * wrong path, and checking nothing must not pass silently.
 */
export function expandPaths(paths: readonly string[], excluded: PathFilter = () => false): string[] {
  const out: string[] = [];
  const seenFiles = new Set<string>();
  const addFile = (path: string) => {
    let real = path;
    try {
      real = realpathSync(path);
    } catch {
      // Reported when the file is read.
    }
    if (!seenFiles.has(real)) {
      seenFiles.add(real);
      out.push(path);
    }
  };

  /** Lists the manifests under `root`; returns how many it found (files listed before included). */
  const walk = (root: string): number => {
    // Iterative depth-first walk in name order: no recursion, however deep the tree.
    const seenDirs = new Set<string>();
    let found = 0;
    const stack = [root];
    while (stack.length) {
      const dir = stack.pop()!;
      let real: string;
      let entries;
      try {
        real = realpathSync(dir);
        entries = readdirSync(dir, { withFileTypes: true }).sort(byName);
      } catch (error) {
        throw new InputError(`${dir}: cannot be read (${code(error)})`);
      }
      if (seenDirs.has(real)) {
        continue;
      }
      seenDirs.add(real);
      const kustomization = entries.find((e) => (KUSTOMIZATION_FILES as readonly string[]).includes(e.name));
      if (kustomization) {
        const file = join(dir, kustomization.name);
        if (planFor(file).kind === 'render') {
          // Rendered as a whole: its files are inputs of the build, not what the cluster receives.
          addFile(file);
          found++;
          continue;
        }
      }
      const subdirs: string[] = [];
      for (const entry of entries) {
        const full = join(dir, entry.name);
        let isDir = entry.isDirectory();
        let isFile = entry.isFile();
        if (entry.isSymbolicLink()) {
          try {
            const target = statSync(full);
            isDir = target.isDirectory();
            isFile = target.isFile();
          } catch (error) {
            if (isManifestName(entry.name)) {
              throw new InputError(`${full}: a broken symbolic link (${code(error)}); fix or remove it`);
            }
            continue;
          }
        }
        if (isDir) {
          if (entry.name !== 'node_modules' && !entry.name.startsWith('.') && !excluded(full)) {
            subdirs.push(full);
          }
        } else if (isFile && isManifestName(entry.name) && entry.name !== kustomization?.name && entry.name !== CONFIG_FILE && !excluded(full)) {
          addFile(full);
          found++;
        }
      }
      stack.push(...subdirs.reverse());
    }
    return found;
  };

  for (const path of paths) {
    if (path === '-') {
      if (!out.includes('-')) {
        out.push(path);
      }
      continue;
    }
    let stat;
    try {
      stat = statSync(path);
    } catch (error) {
      const why = code(error);
      throw new InputError(why === 'ENOENT' ? `${path}: no such file or folder` : `${path}: cannot be read (${why})`);
    }
    if (excluded(path)) {
      continue;
    }
    if (stat.isDirectory()) {
      if (walk(path) === 0) {
        throw new InputError(`${path}: no .yaml, .yml or .json file and no Dockerfile in this folder or its subfolders (hidden folders and node_modules are skipped)`);
      }
    } else if (stat.isFile()) {
      addFile(path);
    } else {
      throw new InputError(`${path}: not a regular file or folder (use - to read standard input)`);
    }
  }
  return out;
}

/** Whether a path (as given or found) is excluded. */
export type PathFilter = (path: string) => boolean;

/** Globs and the folder they are relative to (the configuration file's for ignorePaths, the working directory for --exclude). */
export interface ExcludeGlobs {
  readonly globs: readonly string[];
  readonly baseDir: string;
  /** Where the globs came from, for messages: `--exclude`, or the configuration file's ignorePaths. */
  readonly source: string;
}

/**
 * A filter that excludes a file or folder when a glob matches its path relative to the globs' folder, or the path of
 * a folder it is in (so `vendor` excludes `vendor/a/b.yaml`). Paths outside that folder are never excluded. A bad
 * glob is an InputError naming its source.
 */
export function pathFilter(sets: readonly ExcludeGlobs[]): PathFilter {
  const matchers = sets.flatMap((set) => set.globs.map((glob) => {
    let match: (path: string) => boolean;
    try {
      match = compileGlob(glob, `${set.source} glob`);
    } catch (error) {
      throw new InputError(`${(error as Error).message}`);
    }
    return { base: resolve(set.baseDir), match };
  }));
  if (matchers.length === 0) {
    return () => false;
  }
  return (path: string) => {
    const absolute = resolve(path);
    return matchers.some(({ base, match }) => {
      const rel = relative(base, absolute);
      if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
        return false;
      }
      const parts = rel.split(sep);
      return parts.some((_, i) => match(parts.slice(0, i + 1).join('/')));
    });
  };
}

/** True for the name of a kustomization file (kustomization.yaml, kustomization.yml, Kustomization). */
export function isKustomizationFile(path: string): boolean {
  return (KUSTOMIZATION_FILES as readonly string[]).includes(basename(path));
}

/** How a kustomization file's folder is judged; refusals are InputErrors naming the file. */
export function planFor(file: string): KustomizationPlan {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new InputError(`${file}: cannot be read (${code(error)})`);
  }
  const dir = dirname(file);
  const plan = planKustomization(text, (ref) => {
    if (isAbsolute(ref)) {
      return false;
    }
    const target = normalize(join(dir, ref));
    const rel = relative(dir, target);
    return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && existsSync(target);
  });
  if (plan.kind === 'refuse') {
    throw new InputError(`${file}: ${plan.reason} (kubectl kustomize ${dirname(file)} | cdk8s-hardened check -)`);
  }
  return plan;
}

/**
 * Renders a kustomization's folder with `kubectl kustomize` (kubectl's own kustomize), after checking that no
 * kustomization it builds from would reach the network. Without kubectl on PATH, refuses with the command to run.
 */
export function renderKustomization(file: string, maxBytes: number): string {
  const dir = dirname(file);
  const plan = planFor(file);
  // Every kustomization of a local folder it builds from must be offline too.
  const seen = new Set<string>();
  const queue = [{ file, plan }];
  while (queue.length) {
    const next = queue.pop()!;
    if (seen.has(resolve(next.file)) || next.plan.kind === 'refuse') {
      continue;
    }
    seen.add(resolve(next.file));
    for (const ref of next.plan.references) {
      const folder = resolve(dirname(next.file), ref);
      const found = KUSTOMIZATION_FILES.map((n) => join(folder, n)).find((p) => existsSync(p));
      if (found) {
        queue.push({ file: found, plan: planFor(found) });
      }
    }
  }
  const result = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8', maxBuffer: maxBytes, timeout: 120_000 });
  if (result.error) {
    const why = (result.error as NodeJS.ErrnoException).code;
    if (why === 'ENOENT') {
      const what = plan.kind === 'render' ? plan.fields.join(', ') : 'its resources';
      throw new InputError(`${file}: changes what the cluster receives (${what}), and kubectl is not on PATH to render it; `
        + `run: kubectl kustomize ${dir} | cdk8s-hardened check -`);
    }
    throw new InputError(`${file}: kubectl kustomize failed (${why ?? result.error.message})`);
  }
  if (result.status !== 0) {
    const first = (result.stderr || '').trim().split('\n')[0] || `exit code ${result.status}`;
    throw new InputError(`${file}: kubectl kustomize ${dir} failed: ${escapeControls(first)}`);
  }
  return result.stdout;
}

/** Reads a regular file, refusing (without reading them) files larger than `maxBytes`. */
export function readManifestFile(file: string, maxBytes: number = MAX_FILE_BYTES): Buffer {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (error) {
    throw new InputError(`${file}: cannot be read (${code(error)})`);
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) {
      throw new InputError(`${file}: not a regular file`);
    }
    if (stat.size > maxBytes) {
      throw new InputError(`${file}: too large (${stat.size} bytes; the limit is ${maxBytes}); split it into smaller files`);
    }
    // Read at most maxBytes + 1, in case the file grew since fstat.
    const buffer = Buffer.alloc(Math.min(stat.size, maxBytes) + 1);
    let length = 0;
    for (;;) {
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) {
        break;
      }
      length += n;
      if (length > maxBytes) {
        throw new InputError(`${file}: too large (more than ${maxBytes} bytes); split it into smaller files`);
      }
      if (length === buffer.length) {
        break;
      }
    }
    return buffer.subarray(0, length);
  } catch (error) {
    if (error instanceof InputError) {
      throw error;
    }
    throw new InputError(`${file}: cannot be read (${code(error)})`);
  } finally {
    closeSync(fd);
  }
}

export interface LoadOptions {
  /** Files (and standard input) larger than this are refused. @default MAX_FILE_BYTES */
  readonly maxFileBytes?: number;
  /** Called before each file is read, for progress reports. */
  readonly onFile?: (index: number, total: number, file: string) => void;
  /** Files and folders not to read (`--exclude`, ignorePaths). */
  readonly exclude?: PathFilter;
  /**
   * A file found in a folder that is YAML or JSON but holds no Kubernetes object (a Helm values file, package.json)
   * is an error instead of being skipped. (A file named on the command line, or stdin, always is.)
   */
  readonly strictInputs?: boolean;
}

/** A file that was read and skipped: well-formed YAML or JSON, but not Kubernetes objects. */
export interface SkippedFile {
  readonly file: string;
  /** The reader's one line about the first document (`document 1, line 1: not a Kubernetes object (apiVersion is missing)`). */
  readonly reason: string;
}

/** What `loadInputs` read: the file names (as the user gave them; `<stdin>` for `-`) and the objects. */
export interface LoadedInputs {
  readonly files: readonly string[];
  readonly manifests: readonly Manifest[];
  /** Files skipped because they hold no Kubernetes object (never with strictInputs). */
  readonly skipped: readonly SkippedFile[];
}

/** A YAML stream whose documents are still to be read (`readYamlChunks`), and whether a folder walk may skip it. */
export interface PendingStream {
  readonly name: string;
  readonly stream: PreparedStream;
  /** Found by a folder walk (not named, not stdin) and strictInputs off: skipped when it holds no Kubernetes object. */
  readonly skippable: boolean;
}

/**
 * One input as `collectInputs` found it, in input order: objects read, a file skipped, a YAML stream to read, or the
 * first failure (nothing after it was read; a failure in the documents of a stream before it comes first).
 */
export type InputPart =
  | { readonly manifests: readonly Manifest[] }
  | { readonly skipped: SkippedFile }
  | { readonly pending: PendingStream }
  | { readonly error: unknown };

export interface CollectedInputs {
  readonly files: readonly string[];
  readonly parts: readonly InputPart[];
}

/**
 * Reads every input up to its YAML documents: files, stdin, kustomizations and Docker inputs are read, a YAML
 * stream is checked and cut into documents for `resolveInputs` to read. `readStdin` supplies the content of `-`.
 */
export function collectInputs(paths: readonly string[], readStdin: () => string | Uint8Array, options: LoadOptions = {}): CollectedInputs {
  const maxBytes = options.maxFileBytes ?? MAX_FILE_BYTES;
  const files = expandPaths(paths, options.exclude);
  // Only files a folder walk found are skipped when they are not Kubernetes objects: a file named on the command line
  // (or stdin) was meant as manifests, so it is refused.
  const named = new Set(paths.filter((p) => p !== '-').map((p) => resolve(p)));
  const names: string[] = [];
  const parts: InputPart[] = [];
  for (const [index, file] of files.entries()) {
    options.onFile?.(index, files.length, file);
    const name = file === '-' ? STDIN_NAME : file;
    const skippable = !options.strictInputs && file !== '-' && !named.has(resolve(file));
    let text: string | undefined;
    try {
      if (file === '-') {
        const input = readStdin();
        const size = typeof input === 'string' ? Buffer.byteLength(input) : input.byteLength;
        if (size > maxBytes) {
          throw new InputError(`${STDIN_NAME}: too large (${size} bytes; the limit is ${maxBytes})`);
        }
        text = typeof input === 'string' ? input : decodeManifestBytes(input, name);
      } else if (isKustomizationFile(file)) {
        names.push(name);
        if (planFor(file).kind === 'files') {
          continue; // given by name but only lists files: those are judged where they are
        }
        // The build's output is judged; it has no lines of its own, so findings point at the kustomization.
        let built: Manifest[];
        try {
          built = parseManifests(renderKustomization(file, maxBytes), `${name} (as kubectl kustomize renders it)`);
        } catch (error) {
          parts.push({ error }); // a kustomization is never skipped: what it builds is what the cluster receives
          break;
        }
        parts.push({ manifests: built.map((manifest) => ({ ...manifest, origin: { file: name, document: manifest.origin?.document } })) });
        continue;
      } else {
        text = decodeManifestBytes(readManifestFile(file, maxBytes), name);
      }
      names.push(name);
      // Dockerfiles, daemon.json and docker inspect output (issue 17); undefined for Kubernetes manifests.
      const containerInputs = readContainerInput(file, name, text);
      if (containerInputs) {
        parts.push({ manifests: containerInputs });
        continue;
      }
      const prepared = prepareManifests(text, name);
      parts.push('stream' in prepared ? { pending: { name, stream: prepared.stream, skippable } } : finishStream(name, skippable, () => prepared.manifests));
    } catch (error) {
      parts.push(skippable && text !== undefined && error instanceof InputError && !(error instanceof NotKubernetesError) && isCommentedNonKubernetesJson(text)
        ? { skipped: { file: name, reason: COMMENTED_JSON_REASON } }
        : skippedOrFailed(name, skippable, error));
      if ('error' in parts[parts.length - 1]) {
        break;
      }
    }
  }
  return { files: names, parts };
}

const COMMENTED_JSON_REASON = 'JSON with comments or trailing commas (as tsconfig.json is) and no apiVersion or kind: not a Kubernetes object';

/**
 * `text` without the comments (`//`, `/* *\/`) and trailing commas of "JSON with comments" (tsconfig.json, VS Code
 * settings), outside strings; undefined when it is not JSON even then.
 */
function withoutJsonComments(text: string): unknown {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      const start = i;
      for (i++; i < text.length && text[i] !== '"'; i++) {
        if (text[i] === '\\') {
          i++;
        }
      }
      out += text.slice(start, i + 1);
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') {
        i++;
      }
      out += '\n';
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      if (end < 0) {
        return undefined;
      }
      i = end + 1;
      out += ' ';
    } else {
      out += c;
    }
  }
  try {
    return JSON.parse(out.replace(/,(\s*[}\]])/g, '$1'));
  } catch {
    return undefined;
  }
}

/**
 * Whether a file that is not JSON is "JSON with comments" holding nothing a Kubernetes tool would take for an object
 * (no mapping at its top, or in a top-level array, has an apiVersion or a kind): a folder walk skips such a file as
 * it skips package.json. A Kubernetes object written with comments is still refused (kubectl refuses it too).
 */
function isCommentedNonKubernetesJson(text: string): boolean {
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (!/^\s*[[{]/.test(source)) {
    return false;
  }
  const value = withoutJsonComments(source);
  if (value === undefined) {
    return false;
  }
  const looksKubernetes = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v) && ('apiVersion' in v || 'kind' in v);
  return !(Array.isArray(value) ? value.some(looksKubernetes) : looksKubernetes(value));
}

/** A folder walk skips well-formed YAML and JSON that is neither Kubernetes objects nor a Docker input; else a failure. */
function skippedOrFailed(name: string, skippable: boolean, error: unknown): InputPart {
  // A file named on the command line, or stdin, was meant as input: refused.
  if (error instanceof NotKubernetesError && skippable) {
    const prefix = `${name}: `;
    return { skipped: { file: name, reason: error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message } };
  }
  return { error };
}

/** The objects of a file read (kustomize's own build files left out), or the file skipped; other failures throw. */
function finishStream(name: string, skippable: boolean, read: () => readonly Manifest[]): InputPart {
  let manifests: readonly Manifest[];
  try {
    manifests = read();
  } catch (error) {
    const part = skippedOrFailed(name, skippable, error);
    if ('error' in part) {
      throw error;
    }
    return part;
  }
  return { manifests: manifests.filter((m) => !isBuildConfiguration(m.object)) };
}

/**
 * Reads the YAML streams of collected inputs (`read` reads a stream's documents: all at once, or in ranges on
 * worker threads, in order) and returns what `loadInputs` returns; the first failure in input order throws.
 */
export function resolveInputs(collected: CollectedInputs, read: (pending: PendingStream) => readonly ChunkReading[]): LoadedInputs {
  const manifests: Manifest[] = [];
  const skipped: SkippedFile[] = [];
  for (const part of collected.parts) {
    let done: InputPart = part;
    if ('pending' in part) {
      const { name, skippable } = part.pending;
      done = finishStream(name, skippable, () => {
        const readings = read(part.pending);
        const all = readings.flatMap((r) => r.manifests);
        return notKubernetesCheck(all, readings.find((r) => r.skipped)?.skipped);
      });
    }
    if ('error' in done) {
      throw done.error;
    }
    if ('skipped' in done) {
      skipped.push(done.skipped);
    } else if ('manifests' in done) {
      for (const manifest of done.manifests) {
        manifests.push(manifest);
      }
    }
  }
  return { files: collected.files, manifests, skipped };
}

/** Reads and parses every input. `readStdin` supplies the content of `-`. */
export function loadInputs(paths: readonly string[], readStdin: () => string | Uint8Array, options: LoadOptions = {}): LoadedInputs {
  return resolveInputs(collectInputs(paths, readStdin, options), (pending) => [readYamlChunks(pending.stream)]);
}

/**
 * Kustomize's own files (`kustomization.yaml`: kustomize.config.k8s.io Kustomization and Component) describe how
 * to build a tree; they never reach the cluster, so a GitOps tree is checked without them.
 */
export function isBuildConfiguration(object: unknown): boolean {
  const apiVersion = (object as { apiVersion?: unknown }).apiVersion;
  return typeof apiVersion === 'string' && apiVersion.startsWith('kustomize.config.k8s.io/');
}

/** Reads and parses every input. `readStdin` supplies the content of `-`. */
export function loadManifests(paths: readonly string[], readStdin: () => string | Uint8Array, options: LoadOptions = {}): Manifest[] {
  return [...loadInputs(paths, readStdin, options).manifests];
}
