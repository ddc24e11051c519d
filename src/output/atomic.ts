import { randomBytes } from 'crypto';
import { lstatSync, mkdirSync, readdirSync, renameSync, rmSync } from 'fs';
import { basename, dirname, join, relative, resolve } from 'path';

/** A problem with the output: the tree cannot be built or written. One line, says what to do. */
export class OutputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutputError';
  }
}

/** Files an output folder may hold for us to replace it: manifests, in folders of any depth. */
const REPLACEABLE_FILE = /\.(?:ya?ml|json)$/i;

/**
 * The first entry of `dir` that shows it is not a folder of generated manifests (sources, a `.git`, a
 * symbolic link...), or undefined when every file is YAML or JSON. Stops this from ever wiping a source
 * tree given by mistake as the output (`--out .`, `--out src`).
 */
function foreignEntry(dir: string): string | undefined {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== '.git') {
      const found = foreignEntry(full);
      if (found) {
        return found;
      }
    } else if (!entry.isFile() || !REPLACEABLE_FILE.test(entry.name)) {
      return full;
    }
  }
  return undefined;
}

function uniqueSibling(target: string, tag: string): string {
  return join(dirname(target), `.${basename(target)}.${tag}-${randomBytes(6).toString('hex')}`);
}

function removeQuietly(path: string): void {
  try {
    rmSync(path, { recursive: true, force: true });
  } catch {
    // Best effort: the caller's error (or success) matters more than a leftover we cannot remove.
  }
}

/**
 * Replaces the folder `outDir` with a new one that `fill` builds, so that readers see either the old folder
 * or the complete new one, never a partial tree. `fill` writes into a fresh temporary folder next to `outDir`
 * (same filesystem, so the final step is a rename); if it throws, the temporary folder is removed and
 * `outDir` is untouched. Then the old folder is renamed away, the new one renamed in and the old one removed.
 * (Between the two renames `outDir` is absent for an instant: POSIX has no atomic swap of two folders.)
 *
 * Refuses to replace an existing `outDir` that holds anything but YAML/JSON files and folders of them.
 */
export function replaceDirAtomically(outDir: string, fill: (dir: string) => void): void {
  const target = resolve(outDir);
  if (dirname(target) === target) {
    throw new OutputError(`${outDir}: cannot write the output to the root of the filesystem; choose a folder such as dist`);
  }
  let exists = false;
  try {
    const stat = lstatSync(target);
    exists = true;
    if (!stat.isDirectory()) {
      throw new OutputError(`${outDir}: exists and is not a folder; choose another output folder or remove it`);
    }
  } catch (error) {
    if (error instanceof OutputError) {
      throw error;
    }
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new OutputError(`${outDir}: cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
  }
  if (exists) {
    const foreign = foreignEntry(target);
    if (foreign) {
      throw new OutputError(`${outDir}: will not replace this folder: it holds ${relative(target, foreign)}, which is not a YAML or JSON manifest; `
        + 'choose an output folder of its own (e.g. dist), or empty it');
    }
  }

  mkdirSync(dirname(target), { recursive: true });
  const fresh = uniqueSibling(target, 'tmp');
  // mkdirSync (not mkdtemp) so the folder gets the usual permissions (0777 less the umask), not 0700.
  mkdirSync(fresh);
  try {
    fill(fresh);
  } catch (error) {
    removeQuietly(fresh);
    throw error;
  }

  if (!exists) {
    try {
      renameSync(fresh, target);
    } catch (error) {
      removeQuietly(fresh);
      throw error;
    }
    return;
  }
  const old = uniqueSibling(target, 'old');
  try {
    renameSync(target, old);
  } catch (error) {
    removeQuietly(fresh);
    throw error;
  }
  try {
    renameSync(fresh, target);
  } catch (error) {
    // Put the previous output back, so a failure leaves things as they were.
    renameSync(old, target);
    removeQuietly(fresh);
    throw error;
  }
  removeQuietly(old);
}
