import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'fs';
import { join } from 'path';
import { BAD_INPUT, cleanupBinary, cli, CliResult, noStackTrace, rel, runBinary, scratch } from './helpers';

jest.setTimeout(120_000);

const tmp = scratch();
afterEach(() => tmp.cleanup());
afterAll(() => cleanupBinary());
const PWNED = '/tmp/cdk8s-hardened-pwned';

/** A one-line error naming the file, exit 2, nothing on stdout, no stack trace. */
function expectOneLineError(result: CliResult, file: string, detail: RegExp): void {
  expect(result.code).toBe(2);
  expect(result.stdout).toBe('');
  expect(result.stderr.endsWith('\n')).toBe(true);
  expect(result.stderr.split('\n')).toHaveLength(2);
  expect(result.stderr.startsWith(`cdk8s-hardened: ${file}`)).toBe(true);
  expect(result.stderr).toMatch(detail);
  expect(noStackTrace(result.stderr)).toBe(true);
}

const bad = (name: string) => rel(join(BAD_INPUT, name));

/** Fixture, and what the one-line error says after the file name. */
const REFUSED: Array<[string, RegExp]> = [
  ['malformed.yaml', /^cdk8s-hardened: \S+: document 1, line 7, column 1: invalid YAML \(deficient indentation\)\n$/],
  ['tabs.yaml', /: document 1, line 5, column 1: invalid YAML \(tab characters must not be used in indentation\)\n$/],
  ['js-function.yaml', /: document 1, line 7, column 8: unsupported tag !!js\/function \(tags are never executed; /],
  ['python-object.yaml', /: document 1, line 7, column 8: unsupported tag !!python\/object\/apply:os\.system /],
  ['local-tag.yaml', /: document 1, line 7, column 8: unsupported tag !secret /],
  ['duplicate-keys.yaml', /: document 1, line 8, column 1: the key "spec" appears twice in this mapping \(kubectl keeps the last, kustomize refuses the file\); keep one\n$/],
  ['scalar.yaml', /: document 2, line 7: not a Kubernetes object \(expected a mapping with apiVersion and kind, got a string\)\n$/],
  ['list.yaml', /: document 1, line 2: not a Kubernetes object \(expected a mapping with apiVersion and kind, got a list\)\n$/],
  ['no-kind.yaml', /: document 1, line 2: not a Kubernetes object \(kind is missing\)\n$/],
  ['no-api-version.yaml', /: document 1, line 2: not a Kubernetes object \(apiVersion is missing\)\n$/],
  ['kind-not-string.yaml', /: document 1, line 2: not a Kubernetes object \(kind is a number, not a string\)\n$/],
  ['metadata-number.yaml', /: document 1, line 4: kubectl refuses this document's metadata \(cannot unmarshal number 5 into metadata of type struct\)\n$/],
  ['metadata-labels-list.yaml', /: document 1, line 4: kubectl refuses this document's metadata \(cannot unmarshal array into metadata\.labels of type map\[string\]string\)\n$/],
  ['empty.yaml', /empty\.yaml: no Kubernetes objects \(empty input most often means a renderer failed; pass --allow-empty if nothing is expected\)\n$/],
  ['comments-only.yaml', /comments-only\.yaml: no Kubernetes objects /],
  ['billion-laughs.yaml', /: document 1, line 2: its aliases expand to more than 1000000 values \(a YAML "billion laughs" alias bomb\?\)\n$/],
  ['no-manifests', /: no \.yaml, \.yml or \.json file and no Dockerfile in this folder or its subfolders \(hidden folders and node_modules are skipped\)\n$/],
];

describe('bad input through runCli: a one-line error naming the file, exit 2', () => {
  test.each(REFUSED)('%s', async (name, detail) => {
    for (const format of ['text', 'json', 'sarif', 'junit']) {
      expectOneLineError(await cli(['check', '--format', format, bad(name)]), bad(name), detail);
    }
  });

  test('tags are never executed', async () => {
    await cli(['check', bad('js-function.yaml'), bad('python-object.yaml')]);
    expect(existsSync(PWNED)).toBe(false);
  });

  test('one bad file among good ones fails the run with exit 2 (no partial verdict)', async () => {
    const result = await cli(['check', rel(join(BAD_INPUT, '..', 'check', 'compliant.yaml')), bad('tabs.yaml')]);
    expectOneLineError(result, bad('tabs.yaml'), /tab characters/);
  });

  test('a missing path', async () => {
    expectOneLineError(await cli(['check', 'no/such/file.yaml']), 'no/such/file.yaml', /: no such file or folder\n$/);
  });

  test('binary files: NUL bytes, random bytes, invalid UTF-8, UTF-16', async () => {
    const dir = tmp.dir();
    const cases: Array<[string, Buffer, RegExp]> = [
      ['nul.yaml', Buffer.from('apiVersion: v1\nkind: Pod\n\u0000\u0001\u0002'), /, line 3: not a text file \(it contains NUL bytes\)\n$/],
      ['random.yaml', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0xde, 0xad, 0xbe, 0xef]), /, line 1: not UTF-8 text \(invalid byte 0x89\); save it as UTF-8\n$/],
      ['latin1.yaml', Buffer.from([...Buffer.from('apiVersion: v1\nkind: ConfigMap\ndata:\n  city: M'), 0xfc, ...Buffer.from('nchen\n')]), /, line 4: not UTF-8 text \(invalid byte 0xfc\)/],
      ['utf16.yaml', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('apiVersion: v1\n', 'utf16le')]), /: is UTF-16 or UTF-32 encoded; save it as UTF-8\n$/],
      ['control.yaml', Buffer.from('apiVersion: v1\nkind: Pod\nmetadata:\n  name: "a"\u001b[2J\n'), /, line 4: contains the control character U\+001B/],
    ];
    for (const [name, bytes, detail] of cases) {
      writeFileSync(join(dir, name), bytes);
      expectOneLineError(await cli(['check', join(dir, name)]), join(dir, name), detail);
    }
    let seed = 7;
    const random = Buffer.from(Array.from({ length: 4096 }, () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % 256;
    }));
    writeFileSync(join(dir, 'noise.yaml'), random);
    expectOneLineError(await cli(['check', join(dir, 'noise.yaml')]), join(dir, 'noise.yaml'), /not a text file|not UTF-8 text/);
  });

  test('nesting 20,000 deep ([[[[... and nested maps): a one-line error, no stack overflow', async () => {
    const dir = tmp.dir();
    const deep = 20_000;
    writeFileSync(join(dir, 'seq.yaml'), `${'['.repeat(deep)}${']'.repeat(deep)}\n`);
    writeFileSync(join(dir, 'map.yaml'), `apiVersion: v1\nkind: ConfigMap\ndata: ${'{a: '.repeat(deep)}1${'}'.repeat(deep)}\n`);
    writeFileSync(join(dir, 'map.json'), `{"apiVersion": "v1", "kind": "ConfigMap", "data": ${'{"a": '.repeat(deep)}1${'}'.repeat(deep)}}\n`);
    for (const name of ['seq.yaml', 'map.yaml', 'map.json']) {
      expectOneLineError(await cli(['check', join(dir, name)]), join(dir, name), /: document 1, line 1(, column \d+)?: nested too deeply \(at most 200 levels\)\n$|: document 1, line \d+, column \d+: nested too deeply/);
    }
  });

  test('nesting just inside the limit is checked by every rule without a crash', async () => {
    const dir = tmp.dir();
    const depth = 195;
    writeFileSync(join(dir, 'deep-ok.yaml'), [
      `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep, namespace: shop}\ndata: ${'{a: '.repeat(depth)}1${'}'.repeat(depth)}\n`,
      `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: deep, namespace: shop}\nspec:\n  template:\n    spec:\n      containers: [{name: app, image: x, env: ${'['.repeat(depth - 10)}${']'.repeat(depth - 10)}}]\n`,
    ].join('---\n'));
    const result = await cli(['check', '--format', 'json', join(dir, 'deep-ok.yaml')]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout).findings.filter((f: { message: string }) => /failed on this object/.test(f.message))).toEqual([]);
  });

  test('empty and comment-only input is an error (a renderer that failed silently must not turn CI green), unless --allow-empty', async () => {
    for (const name of ['empty.yaml', 'comments-only.yaml']) {
      const result = await cli(['check', '--allow-empty', bad(name)]);
      expect(result).toEqual({ code: 0, stderr: '', stdout: 'PASS 0 objects in 1 file checked with profile hardened: 0 errors, 0 warnings, 0 info, 0 suppressed\n' });
    }
    expectOneLineError(await cli(['check', '-'], { stdin: '' }), '<stdin>', /^cdk8s-hardened: <stdin>: no Kubernetes objects /);
    expect((await cli(['check', '--allow-empty', '-'], { stdin: '' })).code).toBe(0);
  });

  test('a BOM and CRLF line ends parse, with correct lines', async () => {
    const dir = tmp.dir();
    const lines = ['apiVersion: v1', 'kind: Pod', 'metadata:', '  name: crlf', '  namespace: shop', 'spec:', '  hostIPC: true', '  containers:', '    - name: app', '      image: registry.example.com/a:1.0.0', ''];
    writeFileSync(join(dir, 'crlf.yaml'), `\ufeff${lines.join('\r\n')}`);
    const result = await cli(['check', '--profile', 'pss-baseline', '--format', 'json', join(dir, 'crlf.yaml')]);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout).findings.map((f: { path: string; line: number }) => [f.path, f.line])).toEqual([['spec.hostIPC', 7]]);
  });

  test('a directory symlink loop ends', async () => {
    const dir = tmp.dir();
    mkdirSync(join(dir, 'k8s', 'sub'), { recursive: true });
    writeFileSync(join(dir, 'k8s', 'sub', 'pod.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: shop}\nspec:\n  containers: [{name: app, image: "registry.example.com/a:1.0.0"}]\n');
    symlinkSync(join(dir, 'k8s'), join(dir, 'k8s', 'sub', 'loop'));
    symlinkSync('.', join(dir, 'k8s', 'self'));
    const result = await cli(['check', '--profile', 'pss-baseline', join(dir, 'k8s')]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('1 object in 1 file');
  });

  test('a file over the size limit is refused without reading it', async () => {
    const { runCheck } = await import('../../src/cli/check');
    const dir = tmp.dir();
    writeFileSync(join(dir, 'big.yaml'), `apiVersion: v1\nkind: ConfigMap\ndata:\n  x: "${'y'.repeat(4096)}"\n`);
    let stderr = '';
    expect(() => runCheck([join(dir, 'big.yaml')], { maxFileBytes: 1024 }, { stdout: () => undefined, stderr: (s) => { stderr += s; }, readStdin: () => '', stdoutIsTTY: false }))
      .toThrow(/big\.yaml: too large \(\d+ bytes; the limit is 1024\)/);
    expect(stderr).toBe('');
  });
});

describe('wrong types anywhere: a verdict, never a crash', () => {
  const WRONG = ['containers-null.yaml', 'security-context-list.yaml', 'spec-string.yaml', 'odd-values.yaml'];

  test.each(WRONG)('%s', async (name) => {
    for (const profile of ['schema', 'pss-baseline', 'pss-restricted', 'hardened']) {
      const result = await cli(['check', '--profile', profile, '--format', 'json', bad(`wrong-types/${name}`)]);
      expect(result.stderr).toBe('');
      expect([0, 1]).toContain(result.code);
      const report = JSON.parse(result.stdout);
      expect(report.summary.objects).toBe(1);
      // No rule crashed on the odd shape (a crash is reported as a finding "rule ... failed on this object").
      expect(report.findings.filter((f: { message: string }) => /failed on this object/.test(f.message))).toEqual([]);
    }
  });

  test.each(['security-context-list.yaml', 'spec-string.yaml', 'odd-values.yaml'])('%s fails the schema profile', async (name) => {
    const result = await cli(['check', '--profile', 'schema', '--format', 'json', bad(`wrong-types/${name}`)]);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout).findings.some((f: { ruleId: string; severity: string }) => f.ruleId === 'schema' && f.severity === 'error')).toBe(true);
  });
});

describe('bad input through the real binary (node lib/cli/main.js)', () => {
  test.each([
    ['malformed.yaml', /invalid YAML/],
    ['js-function.yaml', /unsupported tag !!js\/function/],
    ['billion-laughs.yaml', /billion laughs/],
    ['list.yaml', /not a Kubernetes object/],
    ['no-manifests', /no \.yaml, \.yml or \.json file and no Dockerfile/],
  ])('%s', (name, detail) => {
    expectOneLineError(runBinary(['check', bad(name)]), bad(name), detail);
  });

  test('20,000-deep nesting, binary bytes, a missing path', () => {
    const dir = tmp.dir();
    writeFileSync(join(dir, 'deep.yaml'), `${'['.repeat(20_000)}${']'.repeat(20_000)}\n`);
    writeFileSync(join(dir, 'deep-map.yaml'), `apiVersion: v1\nkind: ConfigMap\ndata: ${'{a: '.repeat(20_000)}1${'}'.repeat(20_000)}\n`);
    writeFileSync(join(dir, 'bin.yaml'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00, 0xff]));
    expectOneLineError(runBinary(['check', join(dir, 'deep.yaml')]), join(dir, 'deep.yaml'), /nested too deeply/);
    expectOneLineError(runBinary(['check', join(dir, 'deep-map.yaml')]), join(dir, 'deep-map.yaml'), /nested too deeply/);
    expectOneLineError(runBinary(['check', join(dir, 'bin.yaml')]), join(dir, 'bin.yaml'), /not a text file/);
    expectOneLineError(runBinary(['check', 'nope.yaml']), 'nope.yaml', /no such file or folder/);
    expect(existsSync(PWNED)).toBe(false);
  });

  test('stdin, empty input, exit codes 0/1/2 and usage errors', () => {
    const pod = 'apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: shop}\nspec:\n  hostNetwork: true\n  containers: [{name: app, image: "registry.example.com/a:1.0.0"}]\n';
    const failing = runBinary(['check', '--profile', 'pss-baseline', '-'], { input: pod });
    expect(failing.code).toBe(1);
    expect(failing.stdout).toContain('<stdin>\n  Pod shop/p\n    error pss-baseline-host-namespaces');
    expect(runBinary(['check', '-'], { input: '' }).code).toBe(2);
    expect(runBinary(['check', '--allow-empty', '-'], { input: '' }).code).toBe(0);
    expect(runBinary(['check', '--allow-empty', '-'], { input: '# only a comment\r\n' }).code).toBe(0);
    const usage = runBinary(['check', '--profile', 'nope', '-']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/^error: option '--profile <profile>' argument 'nope' is invalid/);
    expect(runBinary(['rules', 'nope']).code).toBe(2);
    expect(runBinary(['--help']).code).toBe(0);
  });

  test('a directory symlink loop ends', () => {
    const dir = tmp.dir();
    mkdirSync(join(dir, 'a'));
    writeFileSync(join(dir, 'a', 'ns.yaml'), 'apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n');
    symlinkSync(join(dir, 'a'), join(dir, 'a', 'again'));
    const result = runBinary(['check', '--profile', 'pss-baseline', dir]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('PASS 1 object in 1 file');
  });
});
