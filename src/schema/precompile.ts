/**
 * Precompiles the validators of every built-in kind into standalone JavaScript (ajv's standalone code), which the
 * compile task writes to `lib/schema/builtin-validators.js`: `node lib/schema/precompile.js`. The catalogue loads that
 * module instead of deriving the definitions and compiling validators in every process. The generated code loads
 * its formats from `./formats` (AJV_FORMATS) and nothing else.
 */
import { writeFileSync } from 'fs';
import { join } from 'path';
import { builtinAjv, CODE_CACHE_FILE, KINDS_EXPORT } from './catalogue';
import { writeCodeCache } from './code-cache';
import { DEFINITIONS_ID } from './derive';

/** The module source: one validator per definition that a served kind uses, and the kind index. */
export function precompiledSource(formatsModule = './formats'): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { _ } = require('ajv') as typeof import('ajv');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const standaloneCode = (require('ajv/dist/standalone') as typeof import('ajv/dist/standalone')).default;
  const { ajv, derived } = builtinAjv({ source: true, formats: _`require(${formatsModule}).AJV_FORMATS` });
  // standaloneCode compiles each ref (and every definition it references) and exports it under its name.
  const refs = Object.fromEntries([...new Set(derived.kinds.values())].sort().map((name) => [name, `${DEFINITIONS_ID}#/definitions/${name}`]));
  const kinds = Object.fromEntries([...derived.kinds].sort(([a], [b]) => a.localeCompare(b)));
  return `${standaloneCode(ajv, refs)}\nexports[${JSON.stringify(KINDS_EXPORT)}] = ${JSON.stringify(kinds)};\n`;
}

/** Writes `builtin-validators.js` beside this module and returns its path. */
export function writePrecompiled(dir = __dirname): string {
  const file = join(dir, 'builtin-validators.js');
  writeFileSync(file, precompiledSource());
  // Written by this plain `node` process, so a CLI process of the same Node accepts it.
  writeCodeCache(file, join(dir, CODE_CACHE_FILE));
  return file;
}

if (require.main === module) {
  writePrecompiled();
}
