/**
 * Loading a large generated CommonJS module with V8's code cache. Parsing and compiling the 2.3 MB of precompiled
 * validators (`builtin-validators.js`) is most of what a `check` of one file spends before its first verdict; the
 * compile task stores V8's code cache for it beside it (`builtin-validators.v8-cache`), and a process whose V8 (its
 * version and flags) matches uses it instead of compiling. Any other V8 rejects the cache and compiles the source, as
 * `require` would: the cache changes how fast the module loads, never what it is.
 */
import { readFileSync, writeFileSync } from 'fs';
import { createRequire } from 'module';
import { dirname } from 'path';
import { Script } from 'vm';

/** The wrapper `require` puts around a CommonJS module's source. */
function wrapped(source: string): string {
  return `(function (exports, require, module, __filename, __dirname) { ${source}\n});`;
}

function compile(file: string, cachedData?: Buffer): Script {
  return new Script(wrapped(readFileSync(file, 'utf8')), { filename: file, cachedData });
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
  /** `accepted`: compiled from the cache; `rejected`: V8 refused the cache (another V8); `absent`: no cache file. */
  readonly cache: 'accepted' | 'rejected' | 'absent';
}

/**
 * Loads the CommonJS module `file` (its relative `require`s resolve from its folder, into the shared module cache)
 * with the code cache in `cacheFile` when there is one and V8 accepts it, else by compiling its source.
 */
export function loadWithCodeCache(file: string, cacheFile: string): CachedLoad {
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(cacheFile);
  } catch (error) {
    if ((error as { code?: string }).code !== 'ENOENT') {
      throw error;
    }
  }
  const script = compile(file, cachedData);
  const cache = cachedData === undefined ? 'absent' : script.cachedDataRejected ? 'rejected' : 'accepted';
  return { exports: run(script, file), cache };
}

/** Compiles and runs `file`, then writes V8's code cache of it to `cacheFile` (the compile task does this). */
export function writeCodeCache(file: string, cacheFile: string): void {
  const script = compile(file);
  run(script, file);
  writeFileSync(cacheFile, script.createCachedData());
}
