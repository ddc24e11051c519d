import { mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'fs';
import { join } from 'path';
import { OutputError, replaceDirAtomically } from '../../src/output/atomic';
import { readTree, scratch } from './helpers';

const tmp = scratch();
afterEach(() => tmp.cleanup());

function fillWith(files: Record<string, string>): (dir: string) => void {
  return (dir) => {
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(join(dir, path, '..'), { recursive: true });
      writeFileSync(join(dir, path), content);
    }
  };
}

describe('replaceDirAtomically', () => {
  test('creates the folder (and its parents) when there was none', () => {
    const out = join(tmp.dir(), 'a', 'b', 'dist');
    replaceDirAtomically(out, fillWith({ 'x/y.yaml': 'a: 1\n' }));
    expect([...readTree(out).keys()]).toEqual(['x/y.yaml']);
  });

  test('replaces the previous folder as a whole and leaves nothing else next to it', () => {
    const base = tmp.dir();
    const out = join(base, 'dist');
    replaceDirAtomically(out, fillWith({ 'old/stale.yaml': 'a: 1\n', 'kustomization.yaml': 'old\n' }));
    replaceDirAtomically(out, fillWith({ 'new/fresh.yaml': 'b: 2\n', 'kustomization.yaml': 'new\n' }));
    expect([...readTree(out).keys()]).toEqual(['kustomization.yaml', 'new/fresh.yaml']);
    expect(readFileSync(join(out, 'kustomization.yaml'), 'utf8')).toBe('new\n');
    expect(readdirSync(base)).toEqual(['dist']);
  });

  test('a failure while building leaves the previous folder byte for byte, and no temporary folder', () => {
    const base = tmp.dir();
    const out = join(base, 'dist');
    replaceDirAtomically(out, fillWith({ 'a/one.yaml': 'a: 1\n', 'kustomization.yaml': 'k\n' }));
    const before = readTree(out);
    expect(() => replaceDirAtomically(out, (dir) => {
      fillWith({ 'a/one.yaml': 'CHANGED\n', 'half.yaml': 'x\n' })(dir);
      throw new Error('synth failed half way');
    })).toThrow('synth failed half way');
    expect(readTree(out)).toEqual(before);
    expect(readdirSync(base)).toEqual(['dist']);
  });

  test('a failure on the first write leaves no folder at all', () => {
    const base = tmp.dir();
    expect(() => replaceDirAtomically(join(base, 'dist'), () => {
      throw new Error('boom');
    })).toThrow('boom');
    expect(readdirSync(base)).toEqual([]);
  });

  test('the new folder gets the usual permissions, not the 0700 of a temporary folder', () => {
    const base = tmp.dir();
    const reference = join(base, 'reference');
    mkdirSync(reference);
    replaceDirAtomically(join(base, 'dist'), fillWith({ 'a.yaml': 'a: 1\n' }));
    expect(statSync(join(base, 'dist')).mode & 0o777).toBe(statSync(reference).mode & 0o777);
  });

  test('refuses to replace a folder with anything but YAML or JSON in it (a source tree given by mistake)', () => {
    const base = tmp.dir();
    const project = join(base, 'project');
    mkdirSync(join(project, 'src'), { recursive: true });
    writeFileSync(join(project, 'cdk8s.yaml'), 'app: node main.js\n');
    writeFileSync(join(project, 'src', 'main.ts'), 'export {};\n');
    const fill = fillWith({ 'a.yaml': 'a: 1\n' });
    expect(() => replaceDirAtomically(project, fill)).toThrow(OutputError);
    expect(() => replaceDirAtomically(project, fill)).toThrow(/will not replace this folder: it holds src\/main.ts/);
    expect([...readTree(project).keys()]).toEqual(['cdk8s.yaml', 'src/main.ts']);
    expect(readdirSync(base)).toEqual(['project']);
  });

  test('refuses a file, a symbolic link inside the folder, and the filesystem root', () => {
    const base = tmp.dir();
    writeFileSync(join(base, 'file'), 'x');
    expect(() => replaceDirAtomically(join(base, 'file'), () => undefined)).toThrow(/exists and is not a folder/);
    mkdirSync(join(base, 'dist'));
    symlinkSync(join(base, 'file'), join(base, 'dist', 'link.yaml'));
    expect(() => replaceDirAtomically(join(base, 'dist'), () => undefined)).toThrow(/holds link.yaml/);
    expect(() => replaceDirAtomically('/', () => undefined)).toThrow(/root of the filesystem/);
  });

  test('an empty folder, or one of manifests only (plain `cdk8s synth` output), is replaced', () => {
    const base = tmp.dir();
    mkdirSync(join(base, 'empty'));
    replaceDirAtomically(join(base, 'empty'), fillWith({ 'a.yaml': 'a: 1\n' }));
    mkdirSync(join(base, 'dist'));
    writeFileSync(join(base, 'dist', 'frontend.k8s.yaml'), 'a: 1\n');
    writeFileSync(join(base, 'dist', 'construct-metadata.json'), '{}');
    replaceDirAtomically(join(base, 'dist'), fillWith({ 'b.yaml': 'b: 1\n' }));
    expect([...readTree(join(base, 'dist')).keys()]).toEqual(['b.yaml']);
  });
});
