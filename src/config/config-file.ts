import { existsSync, readFileSync, statSync } from 'fs';
import { dirname, join, resolve } from 'path';
import { CONFIG_FILE, HardenedConfig, parseConfig } from './config';
import { InputError } from '../input/errors';
import { decodeManifestBytes } from '../input/parse';

/** The configuration file that applies in `start`: `.cdk8s-hardened.yaml` there or in the nearest folder above. */
export function findConfigFile(start: string): string | undefined {
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    const candidate = join(dir, CONFIG_FILE);
    if (existsSync(candidate) && statSync(candidate).isFile()) {
      return candidate;
    }
    if (dirname(dir) === dir) {
      return undefined;
    }
  }
}

/** A configuration, with the folder its relative paths (ignorePaths) are read from. */
export interface LoadedConfig {
  readonly config: HardenedConfig;
  /** The file's folder. */
  readonly baseDir: string;
}

/**
 * Reads the configuration: `file` when given (it must exist), else the one `findConfigFile(cwd)` finds, else none.
 * Every problem is an InputError (a ConfigError for content) naming the file and line.
 */
export function loadConfig(options: { readonly file?: string; readonly cwd?: string } = {}): LoadedConfig | undefined {
  const cwd = resolve(options.cwd ?? process.cwd());
  const file = options.file !== undefined ? resolve(cwd, options.file) : findConfigFile(cwd);
  if (file === undefined) {
    return undefined;
  }
  const shown = options.file ?? file;
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(code === 'ENOENT' ? `${shown}: no such configuration file` : `${shown}: cannot be read (${code ?? (error as Error).message})`);
  }
  return { config: parseConfig(decodeManifestBytes(bytes, shown), shown), baseDir: dirname(file) };
}
