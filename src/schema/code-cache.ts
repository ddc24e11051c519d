/**
 * Loading a large generated CommonJS module with V8's code cache. Parsing and compiling the 2.3 MB of precompiled
 * validators (`builtin-validators.js`) is most of what a `check` of one file spends before its first verdict; the
 * compile task stores V8's code cache for it beside it (`builtin-validators.v8-cache`), and a process whose V8 (its
 * version and flags) matches uses it instead of compiling. Any other V8 rejects the cache and compiles the source, as
 * `require` would. V8 checks a cache against the source's length only, so the cache file starts with the SHA-256 of
 * the source it was made from, and a cache of any other source (an edited or regenerated module, however long) is
 * ignored: the cache changes how fast the module loads, never what it is.
 */
import { createHash } from 'crypto';
import { readFileSync, writeFileSync } from 'fs';
import { createRequire } from 'module';
import { dirname, resolve } from 'path';
import { Script } from 'vm';

/** The wrapper `require` puts around a CommonJS module's source. */
function wrapped(source: string): string {
  return `(function (exports, require, module, __filename, __dirname) { ${source}\n});`;
}

const DIGEST_BYTES = 32;

function digest(source: string): Buffer {
  return createHash('sha256').update(source).digest();
}

function run(script: Script, file: string): unknown {
  const module = { exports: {} as unknown, filename: file, id: file, loaded: false };
  const body = script.runInThisContext() as (exports: unknown, require: NodeRequire, module: unknown, filename: string, dir: string) => void;
  body.call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
  module.loaded = true;
  return module.exports;
}

/** What loading a module with its code cache did (tests and the bench read it). */
export interface CachedLoad {
  readonly exports: unknown;
  /**
   * `accepted`: compiled from the cache; `rejected`: V8 refused the cache (another V8, or damaged); `stale`: the cache
   * was made from another source; `absent`: no cache file.
   */
  readonly cache: 'accepted' | 'rejected' | 'stale' | 'absent';
}

/**
 * Loads the CommonJS module `file` (its relative `require`s resolve from its folder, into the shared module cache)
 * with the code cache in `cacheFile` when there is one and V8 accepts it, else by compiling its source.
 */
export function loadWithCodeCache(path: string, cacheFile: string): CachedLoad {
  const file = resolve(path);
  let stored: Buffer | undefined;
  try {
    stored = readFileSync(cacheFile);
  } catch (error) {
    if ((error as { code?: string }).code !== 'ENOENT') {
      throw error;
    }
  }
  const source = readFileSync(file, 'utf8');
  const fresh = stored !== undefined && stored.length > DIGEST_BYTES && stored.subarray(0, DIGEST_BYTES).equals(digest(source));
  const script = new Script(wrapped(source), { filename: file, cachedData: fresh ? stored!.subarray(DIGEST_BYTES) : undefined });
  const cache = stored === undefined ? 'absent' : !fresh ? 'stale' : script.cachedDataRejected ? 'rejected' : 'accepted';
  return { exports: run(script, file), cache };
}

/** Compiles and runs `file`, then writes V8's code cache of it to `cacheFile` (the compile task does this). */
export function writeCodeCache(path: string, cacheFile: string): void {
  const file = resolve(path);
  const source = readFileSync(file, 'utf8');
  const script = new Script(wrapped(source), { filename: file });
  run(script, file);
  writeFileSync(cacheFile, Buffer.concat([digest(source), script.createCachedData()]));
}
