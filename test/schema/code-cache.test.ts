/**
 * The V8 code cache of the precompiled validators (src/schema/code-cache.ts): a process of the Node that built the
 * package compiles them from the cache; a cache V8 refuses, or none, loads the very same module by compiling it.
 */
import { execFileSync } from 'child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { loadWithCodeCache } from '../../src/schema/code-cache';

const LIB_SCHEMA = join(__dirname, '..', '..', 'lib', 'schema');

describe('loadWithCodeCache', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'code-cache-'));
    writeFileSync(join(dir, 'helper.js'), 'exports.twice = (n) => 2 * n;\n');
    writeFileSync(join(dir, 'mod.js'), 'const { twice } = require("./helper");\nexports.answer = twice(21);\nexports.file = __filename;\n'
      + `exports.big = [${Array.from({ length: 2000 }, (_, i) => `function f${i}(x) { return x + ${i}; }`).join(',')}].length;\n`);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('no cache file: compiles the source, as require would (relative requires, __filename)', () => {
    const loaded = loadWithCodeCache(join(dir, 'mod.js'), join(dir, 'none.v8-cache'));
    expect(loaded.cache).toBe('absent');
    expect(loaded.exports).toEqual({ answer: 42, file: join(dir, 'mod.js'), big: 2000 });
  });

  // Each load runs in a fresh node process: within one process V8 reuses what it compiled before, cache or not.
  function loadInChild(file: string, cacheFile: string): unknown {
    const script = `const { loadWithCodeCache } = require(${JSON.stringify(join(LIB_SCHEMA, 'code-cache.js'))});
const loaded = loadWithCodeCache(${JSON.stringify(file)}, ${JSON.stringify(cacheFile)});
process.stdout.write(JSON.stringify(loaded));`;
    return JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } }));
  }

  test('a cache written by this V8 is accepted, and the module is the same', () => {
    execFileSync(process.execPath, ['-e', `require(${JSON.stringify(join(LIB_SCHEMA, 'code-cache.js'))}).writeCodeCache(${JSON.stringify(join(dir, 'mod.js'))}, ${JSON.stringify(join(dir, 'mod.v8-cache'))})`],
      { env: { ...process.env, NODE_OPTIONS: '' } });
    expect(loadInChild(join(dir, 'mod.js'), join(dir, 'mod.v8-cache'))).toEqual({ cache: 'accepted', exports: { answer: 42, file: join(dir, 'mod.js'), big: 2000 } });
  });

  test('a cache V8 refuses (another V8, or damaged) is ignored: the source is compiled', () => {
    const good = readFileSync(join(dir, 'mod.v8-cache'));
    const damaged = Buffer.concat([good.subarray(0, 32), Buffer.alloc(4096, 7)]);
    writeFileSync(join(dir, 'bad.v8-cache'), damaged);
    expect(loadInChild(join(dir, 'mod.js'), join(dir, 'bad.v8-cache'))).toEqual({ cache: 'rejected', exports: { answer: 42, file: join(dir, 'mod.js'), big: 2000 } });
  });

  test('a cache of another source of the same length (V8 checks only the length) is stale and ignored', () => {
    writeFileSync(join(dir, 'same.js'), 'exports.word = "AAAA";\nexports.check = (w) => w === "AAAA";\n');
    execFileSync(process.execPath, ['-e', `require(${JSON.stringify(join(LIB_SCHEMA, 'code-cache.js'))}).writeCodeCache(${JSON.stringify(join(dir, 'same.js'))}, ${JSON.stringify(join(dir, 'same.v8-cache'))})`],
      { env: { ...process.env, NODE_OPTIONS: '' } });
    expect(loadInChild(join(dir, 'same.js'), join(dir, 'same.v8-cache'))).toEqual({ cache: 'accepted', exports: { word: 'AAAA' } });
    writeFileSync(join(dir, 'same.js'), 'exports.word = "BBBB";\nexports.check = (w) => w === "BBBB";\n');
    expect(loadInChild(join(dir, 'same.js'), join(dir, 'same.v8-cache'))).toEqual({ cache: 'stale', exports: { word: 'BBBB' } });
  });
});

test('the built package: a plain node process loads lib/schema/builtin-validators.js from its code cache', () => {
  const script = `const { loadWithCodeCache } = require(${JSON.stringify(join(LIB_SCHEMA, 'code-cache.js'))});
const { CODE_CACHE_FILE, KINDS_EXPORT } = require(${JSON.stringify(join(LIB_SCHEMA, 'catalogue.js'))});
const path = require('path');
const dir = ${JSON.stringify(LIB_SCHEMA)};
const loaded = loadWithCodeCache(path.join(dir, 'builtin-validators.js'), path.join(dir, CODE_CACHE_FILE));
const validate = loaded.exports['io.k8s.api.core.v1.ConfigMap'];
process.stdout.write(JSON.stringify({ cache: loaded.cache, kinds: Object.keys(loaded.exports[KINDS_EXPORT]).length > 100,
  valid: validate({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' }, data: { k: 'v' } }),
  invalid: validate({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' }, dta: {} }) }));`;
  const out = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } }));
  expect(out).toEqual({ cache: 'accepted', kinds: true, valid: true, invalid: false });
});
