import { readdirSync, readFileSync, statSync } from 'fs';
import { join } from 'path';
import { InputError, parseManifests } from '../input/parse';
import { Manifest } from '../policy/rule';

/** Files larger than this are refused rather than read into memory. */
export const MAX_FILE_BYTES = 64 * 1024 * 1024;

const MANIFEST_EXTENSIONS = ['.yaml', '.yml', '.json'];

/** Expands the paths a user gave: files as given, folders recursively (sorted), `-` for stdin. */
export function expandPaths(paths: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules' && !entry.name.startsWith('.')) {
          walk(full);
        }
      } else if (MANIFEST_EXTENSIONS.some((ext) => entry.name.toLowerCase().endsWith(ext))) {
        out.push(full);
      }
    }
  };
  for (const path of paths) {
    if (path === '-') {
      out.push(path);
      continue;
    }
    let stat;
    try {
      stat = statSync(path);
    } catch {
      throw new InputError(`${path}: no such file or folder`);
    }
    if (stat.isDirectory()) {
      walk(path);
    } else {
      out.push(path);
    }
  }
  return out;
}

/** Reads and parses every input. `readStdin` supplies the text of `-`. */
export function loadManifests(paths: readonly string[], readStdin: () => string): Manifest[] {
  const manifests: Manifest[] = [];
  for (const file of expandPaths(paths)) {
    let text: string;
    if (file === '-') {
      text = readStdin();
    } else {
      const size = statSync(file).size;
      if (size > MAX_FILE_BYTES) {
        throw new InputError(`${file}: too large (${size} bytes; the limit is ${MAX_FILE_BYTES})`);
      }
      try {
        text = readFileSync(file, 'utf8');
      } catch (error) {
        throw new InputError(`${file}: cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
      }
    }
    manifests.push(...parseManifests(text, file === '-' ? '<stdin>' : file));
  }
  return manifests;
}
