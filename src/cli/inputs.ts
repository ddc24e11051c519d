import { closeSync, fstatSync, openSync, readdirSync, readSync, realpathSync, statSync } from 'fs';
import { join } from 'path';
import { decodeManifestBytes, InputError, parseManifests } from '../input/parse';
import { Manifest } from '../policy/rule';

/** Files larger than this are refused rather than read into memory. */
export const MAX_FILE_BYTES = 64 * 1024 * 1024;

/** The name findings carry for input read from standard input. */
export const STDIN_NAME = '<stdin>';

const MANIFEST_EXTENSIONS = ['.yaml', '.yml', '.json'];

function isManifestName(name: string): boolean {
  const lower = name.toLowerCase();
  return MANIFEST_EXTENSIONS.some((ext) => lower.endsWith(ext));
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
export function expandPaths(paths: readonly string[]): string[] {
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
          if (entry.name !== 'node_modules' && !entry.name.startsWith('.')) {
            subdirs.push(full);
          }
        } else if (isFile && isManifestName(entry.name)) {
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
    if (stat.isDirectory()) {
      if (walk(path) === 0) {
        throw new InputError(`${path}: no .yaml, .yml or .json files in this folder`);
      }
    } else if (stat.isFile()) {
      addFile(path);
    } else {
      throw new InputError(`${path}: not a regular file or folder (use - to read standard input)`);
    }
  }
  return out;
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
}

/** What `loadInputs` read: the file names (as the user gave them; `<stdin>` for `-`) and the objects. */
export interface LoadedInputs {
  readonly files: readonly string[];
  readonly manifests: readonly Manifest[];
}

/** Reads and parses every input. `readStdin` supplies the content of `-`. */
export function loadInputs(paths: readonly string[], readStdin: () => string | Uint8Array, options: LoadOptions = {}): LoadedInputs {
  const maxBytes = options.maxFileBytes ?? MAX_FILE_BYTES;
  const files = expandPaths(paths);
  const manifests: Manifest[] = [];
  const names: string[] = [];
  files.forEach((file, index) => {
    options.onFile?.(index, files.length, file);
    let text: string;
    const name = file === '-' ? STDIN_NAME : file;
    if (file === '-') {
      const input = readStdin();
      const size = typeof input === 'string' ? Buffer.byteLength(input) : input.byteLength;
      if (size > maxBytes) {
        throw new InputError(`${STDIN_NAME}: too large (${size} bytes; the limit is ${maxBytes})`);
      }
      text = typeof input === 'string' ? input : decodeManifestBytes(input, name);
    } else {
      text = decodeManifestBytes(readManifestFile(file, maxBytes), name);
    }
    names.push(name);
    manifests.push(...parseManifests(text, name).filter((m) => !isBuildConfiguration(m.object)));
  });
  return { files: names, manifests };
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
