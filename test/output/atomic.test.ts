import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'fs';
import { join } from 'path';
import { spawnSync } from 'child_process';
import { acquireOutputLock, checkReplaceable, GENERATED_HEADER, OutputError, recoverInterruptedReplace, replaceDirAtomically, TREE_MARKER } from '../../src/output/atomic';
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
    expect([...readTree(out).keys()]).toEqual([TREE_MARKER, 'x/y.yaml']);
  });

  test('replaces the previous folder as a whole and leaves nothing else next to it', () => {
    const base = tmp.dir();
    const out = join(base, 'dist');
    replaceDirAtomically(out, fillWith({ 'old/stale.yaml': 'a: 1\n', 'kustomization.yaml': 'old\n' }));
    replaceDirAtomically(out, fillWith({ 'new/fresh.yaml': 'b: 2\n', 'kustomization.yaml': 'new\n' }));
    expect([...readTree(out).keys()]).toEqual([TREE_MARKER, 'kustomization.yaml', 'new/fresh.yaml']);
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

  test('an empty folder, or a tree this tool wrote (its marker, or the root kustomization header of older trees), is replaced', () => {
    const base = tmp.dir();
    mkdirSync(join(base, 'empty'));
    replaceDirAtomically(join(base, 'empty'), fillWith({ 'a.yaml': 'a: 1\n' }));
    expect([...readTree(join(base, 'empty')).keys()]).toEqual([TREE_MARKER, 'a.yaml']);
    replaceDirAtomically(join(base, 'empty'), fillWith({ 'b.yaml': 'b: 1\n' }));
    expect([...readTree(join(base, 'empty')).keys()]).toEqual([TREE_MARKER, 'b.yaml']);
    const legacy = join(base, 'legacy');
    mkdirSync(join(legacy, 'web'), { recursive: true });
    writeFileSync(join(legacy, 'kustomization.yaml'), `${GENERATED_HEADER}\nresources:\n- web\n`);
    writeFileSync(join(legacy, 'web', 'namespace-web.yaml'), 'a: 1\n');
    replaceDirAtomically(legacy, fillWith({ 'c.yaml': 'c: 1\n' }));
    expect([...readTree(legacy).keys()]).toEqual([TREE_MARKER, 'c.yaml']);
  });

  test('refuses a folder of YAML this tool did not write (hand-written manifests, plain `cdk8s synth` output): nothing deleted', () => {
    const base = tmp.dir();
    const manifests = join(base, 'manifests');
    mkdirSync(join(manifests, 'apps'), { recursive: true });
    writeFileSync(join(manifests, 'apps', 'web.yaml'), 'apiVersion: v1\nkind: Namespace\nmetadata: {name: web}\n');
    writeFileSync(join(manifests, 'kustomization.yaml'), 'resources: [apps/web.yaml]\n');
    const before = readTree(manifests);
    expect(() => replaceDirAtomically(manifests, fillWith({ 'a.yaml': 'a: 1\n' })))
      .toThrow(/manifests: will not replace this folder: cdk8s-hardened did not write it \(it has no \.cdk8s-hardened-tree marker\)/);
    expect(readTree(manifests)).toEqual(before);
    const cdk8sOut = join(base, 'dist');
    mkdirSync(cdk8sOut);
    writeFileSync(join(cdk8sOut, 'frontend.k8s.yaml'), 'a: 1\n');
    expect(() => checkReplaceable(cdk8sOut, 'dist')).toThrow(/^dist: will not replace this folder: cdk8s-hardened did not write it/);
    expect(readdirSync(base).sort()).toEqual(['dist', 'manifests']);
  });
});

describe('recoverInterruptedReplace', () => {
  /** A previous tree in `dist`, plus the leftovers a run killed at some step would leave. */
  function interrupted(base: string, leave: { tmp?: 'complete' | 'partial'; old?: boolean; dist?: boolean }) {
    const out = join(base, 'dist');
    const write = (dir: string, files: Record<string, string>) => fillWith(files)(dir);
    if (leave.dist !== false) {
      write(out, { [TREE_MARKER]: 'm\n', 'kustomization.yaml': 'current\n' });
    }
    if (leave.old) {
      write(join(base, '.dist.old-0123456789ab'), { [TREE_MARKER]: 'm\n', 'kustomization.yaml': 'previous\n' });
    }
    if (leave.tmp) {
      write(join(base, '.dist.tmp-ba9876543210'), { 'kustomization.yaml': 'new\n', ...(leave.tmp === 'complete' ? { [TREE_MARKER]: 'm\n' } : {}) });
    }
    return out;
  }

  test('nothing to do: no leftovers, no change', () => {
    const base = tmp.dir();
    const out = interrupted(base, {});
    expect(recoverInterruptedReplace(out)).toEqual([]);
    expect(readdirSync(base)).toEqual(['dist']);
  });

  test('killed between the two renames: the complete new tree is moved into place and the previous one removed', () => {
    const base = tmp.dir();
    const out = interrupted(base, { dist: false, old: true, tmp: 'complete' });
    expect(recoverInterruptedReplace(out)).toEqual([
      'finished the replacement an interrupted run had begun (its new tree, judged and complete, is now in place)',
      'removed 1 leftover folder of an interrupted run (.dist.old-0123456789ab)',
    ]);
    expect(readFileSync(join(out, 'kustomization.yaml'), 'utf8')).toBe('new\n');
    expect(readdirSync(base)).toEqual(['dist']);
  });

  test('no complete new tree: the previous tree is restored', () => {
    const base = tmp.dir();
    const out = interrupted(base, { dist: false, old: true, tmp: 'partial' });
    expect(recoverInterruptedReplace(out)[0]).toBe('restored the previous tree, which an interrupted run had moved aside');
    expect(readFileSync(join(out, 'kustomization.yaml'), 'utf8')).toBe('previous\n');
    expect(readdirSync(base)).toEqual(['dist']);
  });

  test('the output is in place: leftovers (a partial new tree, a previous tree not yet removed) are removed, the output kept', () => {
    const base = tmp.dir();
    const out = interrupted(base, { old: true, tmp: 'partial' });
    expect(recoverInterruptedReplace(out)).toEqual(['removed 2 leftover folders of an interrupted run (.dist.old-0123456789ab, .dist.tmp-ba9876543210)']);
    expect(readFileSync(join(out, 'kustomization.yaml'), 'utf8')).toBe('current\n');
    expect(readdirSync(base)).toEqual(['dist']);
  });

  test('replaceDirAtomically recovers first; folders of other outputs are never touched', () => {
    const base = tmp.dir();
    const out = interrupted(base, { dist: false, old: true });
    mkdirSync(join(base, '.dist2.old-0123456789ab'));
    replaceDirAtomically(out, fillWith({ 'a.yaml': 'a: 1\n' }));
    expect(readdirSync(base).sort()).toEqual(['.dist2.old-0123456789ab', 'dist']);
    expect([...readTree(out).keys()]).toEqual([TREE_MARKER, 'a.yaml']);
  });
});

describe('acquireOutputLock', () => {
  test('removes the lock drafts of runs that are gone (killed while taking the lock), never a live run\'s', () => {
    const base = tmp.dir();
    const dead = spawnSync(process.execPath, ['-e', '']).pid!;
    const deadDraft = join(base, `.dist.lock.new-${dead}-0123456789ab`);
    const liveDraft = join(base, `.dist.lock.new-${process.ppid}-ba9876543210`);
    const other = join(base, `.other.lock.new-${dead}-0123456789ab`);
    for (const f of [deadDraft, liveDraft, other]) {
      writeFileSync(f, `${dead} 0000\n`);
    }
    const release = acquireOutputLock(join(base, 'dist'));
    expect(existsSync(join(base, '.dist.lock'))).toBe(true);
    release();
    expect(readdirSync(base).sort()).toEqual([`.dist.lock.new-${process.ppid}-ba9876543210`, `.other.lock.new-${dead}-0123456789ab`]);
  });
});
