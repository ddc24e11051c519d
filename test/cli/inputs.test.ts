import { mkdirSync, symlinkSync, writeFileSync } from 'fs';
import { join } from 'path';
import { expandPaths, loadInputs, MAX_FILE_BYTES, readManifestFile, STDIN_NAME } from '../../src/cli/inputs';
import { InputError } from '../../src/input/parse';
import { CHECK_FIXTURES, scratch } from './helpers';

const tmp = scratch();
afterEach(() => tmp.cleanup());

const POD = (name: string) => `apiVersion: v1\nkind: Pod\nmetadata: {name: ${name}}\n`;

function inputError(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).not.toContain('\n');
    return (error as Error).message;
  }
  throw new Error('expected an InputError');
}

describe('expandPaths', () => {
  test('folders are searched recursively for .yaml, .yml and .json, in name order; other files are skipped', () => {
    const folder = join(CHECK_FIXTURES, 'folder');
    expect(expandPaths([folder])).toEqual([
      join(folder, 'a.yaml'),
      join(folder, 'nested', 'b.json'),
      join(folder, 'nested', 'deeper', 'c.yml'),
    ]);
  });

  test('files as given (any extension), "-" once, a file reached twice listed once', () => {
    const dir = tmp.dir();
    writeFileSync(join(dir, 'x.txt'), POD('x'));
    writeFileSync(join(dir, 'y.YAML'), POD('y'));
    expect(expandPaths([join(dir, 'x.txt'), '-', dir, join(dir, 'y.YAML'), '-'])).toEqual([join(dir, 'x.txt'), '-', join(dir, 'y.YAML')]);
  });

  test('hidden folders and node_modules are skipped', () => {
    const dir = tmp.dir();
    for (const sub of ['.git', 'node_modules', 'k8s']) {
      mkdirSync(join(dir, sub));
      writeFileSync(join(dir, sub, 'a.yaml'), POD(sub));
    }
    expect(expandPaths([dir])).toEqual([join(dir, 'k8s', 'a.yaml')]);
  });

  test('symbolic links are followed; a directory link loop ends', () => {
    const dir = tmp.dir();
    mkdirSync(join(dir, 'app', 'sub'), { recursive: true });
    writeFileSync(join(dir, 'app', 'a.yaml'), POD('a'));
    writeFileSync(join(dir, 'app', 'sub', 'b.yaml'), POD('b'));
    symlinkSync(join(dir, 'app'), join(dir, 'app', 'sub', 'loop'));
    symlinkSync('..', join(dir, 'app', 'sub', 'up'));
    symlinkSync(join(dir, 'app', 'a.yaml'), join(dir, 'app', 'sub', 'link-to-a.yaml'));
    const files = expandPaths([join(dir, 'app')]);
    expect(files).toEqual([join(dir, 'app', 'a.yaml'), join(dir, 'app', 'sub', 'b.yaml')]);
  });

  test('a folder that links to itself', () => {
    const dir = tmp.dir();
    symlinkSync('.', join(dir, 'self'));
    writeFileSync(join(dir, 'a.yaml'), POD('a'));
    expect(expandPaths([dir])).toEqual([join(dir, 'a.yaml')]);
  });

  test('a link loop that cannot be resolved (a -> b -> a) is skipped, unless it looks like a manifest', () => {
    const dir = tmp.dir();
    writeFileSync(join(dir, 'ok.yaml'), POD('ok'));
    symlinkSync(join(dir, 'b'), join(dir, 'a'));
    symlinkSync(join(dir, 'a'), join(dir, 'b'));
    expect(expandPaths([dir])).toEqual([join(dir, 'ok.yaml')]);
    symlinkSync(join(dir, 'gone.yaml'), join(dir, 'dangling.yaml'));
    expect(inputError(() => expandPaths([dir]))).toBe(`${join(dir, 'dangling.yaml')}: a broken symbolic link (ENOENT); fix or remove it`);
  });

  test('a missing path, a folder without manifests, a device', () => {
    expect(inputError(() => expandPaths(['no/such/path.yaml']))).toBe('no/such/path.yaml: no such file or folder');
    const dir = tmp.dir();
    writeFileSync(join(dir, 'notes.txt'), 'hello');
    expect(inputError(() => expandPaths([dir]))).toBe(`${dir}: no .yaml, .yml or .json file and no Dockerfile in this folder or its subfolders (hidden folders and node_modules are skipped)`);
    expect(inputError(() => expandPaths(['/dev/null']))).toBe('/dev/null: not a regular file or folder (use - to read standard input)');
  });

  test('a folder walk looks for Dockerfiles too: one holding only a Dockerfile is not "empty"', () => {
    const dir = tmp.dir();
    mkdirSync(join(dir, 'image'));
    writeFileSync(join(dir, 'image', 'Dockerfile'), 'FROM alpine:3.19\nUSER 1000\n');
    expect(expandPaths([dir])).toEqual([join(dir, 'image', 'Dockerfile')]);
  });

  test('a folder given again, or inside one given before, is not "empty"', () => {
    const folder = join(CHECK_FIXTURES, 'folder');
    expect(expandPaths([folder, join(folder, 'nested'), folder])).toHaveLength(3);
  });

  test('a deep folder tree is walked without recursion', () => {
    const dir = tmp.dir();
    let path = dir;
    for (let i = 0; i < 60; i++) {
      path = join(path, 'd');
    }
    mkdirSync(path, { recursive: true });
    writeFileSync(join(path, 'deep.yaml'), POD('deep'));
    expect(expandPaths([dir])).toEqual([join(path, 'deep.yaml')]);
  });
});

describe('loadInputs', () => {
  test('reads files and stdin (text or bytes), naming stdin <stdin>', () => {
    const dir = tmp.dir();
    writeFileSync(join(dir, 'a.yaml'), POD('a'));
    const fromText = loadInputs([join(dir, 'a.yaml'), '-'], () => POD('s'));
    expect(fromText.files).toEqual([join(dir, 'a.yaml'), STDIN_NAME]);
    expect(fromText.manifests.map((m) => m.origin?.file)).toEqual([join(dir, 'a.yaml'), STDIN_NAME]);
    const fromBytes = loadInputs(['-'], () => Buffer.from(`\ufeff${POD('b')}`));
    expect(fromBytes.manifests).toHaveLength(1);
    expect(inputError(() => loadInputs(['-'], () => Buffer.from([0x61, 0xff])))).toMatch(/^<stdin>, line 1: not UTF-8 text/);
  });

  test('files and stdin larger than the limit are refused (the limit is configurable)', () => {
    expect(MAX_FILE_BYTES).toBe(64 * 1024 * 1024);
    const dir = tmp.dir();
    const file = join(dir, 'big.yaml');
    writeFileSync(file, `${POD('big')}# ${'x'.repeat(200)}\n`);
    expect(inputError(() => loadInputs([file], () => '', { maxFileBytes: 100 }))).toMatch(/^.*big\.yaml: too large \(\d+ bytes; the limit is 100\); split it into smaller files$/);
    expect(loadInputs([file], () => '', { maxFileBytes: 1000 }).manifests).toHaveLength(1);
    expect(inputError(() => loadInputs(['-'], () => 'x'.repeat(101), { maxFileBytes: 100 }))).toBe('<stdin>: too large (101 bytes; the limit is 100)');
    expect(readManifestFile(file, 1000).toString()).toContain('kind: Pod');
  });

  test('reports progress per file', () => {
    const calls: Array<[number, number]> = [];
    loadInputs([join(CHECK_FIXTURES, 'folder')], () => '', { onFile: (i, n) => calls.push([i, n]) });
    expect(calls).toEqual([[0, 3], [1, 3], [2, 3]]);
  });
});

describe('kustomize build configuration', () => {
  test('kustomization.yaml documents are not judged as cluster objects', () => {
    const { isBuildConfiguration } = require('../../src/cli/inputs');
    expect(isBuildConfiguration({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization' })).toBe(true);
    expect(isBuildConfiguration({ apiVersion: 'kustomize.config.k8s.io/v1alpha1', kind: 'Component' })).toBe(true);
    expect(isBuildConfiguration({ apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization' })).toBe(false);
    expect(isBuildConfiguration({ apiVersion: 'v1', kind: 'Pod' })).toBe(false);
  });
});
