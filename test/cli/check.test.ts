import { spawn, spawnSync } from 'child_process';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'fs';
import { join } from 'path';
import { PROGRESS_MIN_FILES, PROGRESS_MIN_OBJECTS } from '../../src/cli/check';
import { writeFileAtomically } from '../../src/cli/common';
import { CHECK_FIXTURES, cli, noStackTrace, rel, scratch } from './helpers';

jest.setTimeout(60_000);

const tmp = scratch();
afterEach(() => tmp.cleanup());

const fixture = (name: string) => rel(join(CHECK_FIXTURES, name));
const PRIVILEGED = fixture('privileged.yaml');
const COMPLIANT = fixture('compliant.yaml');
const MULTI = fixture('multi.yaml');
const SUPPRESSED = fixture('suppressed.yaml');
const WARNING_ONLY = fixture('warning-only.yaml');
const FOLDER = fixture('folder');

describe('check: verdicts and exit codes', () => {
  test('a failing object: exit 1, a text report naming file, object, field, line and fix', async () => {
    const result = await cli(['check', '--profile', 'pss-baseline', PRIVILEGED]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe([
      PRIVILEGED,
      '  Deployment shop/web',
      '    error pss-baseline-privileged: container "app" sets securityContext.privileged to true',
      `      at spec.template.spec.containers[0].securityContext.privileged (${PRIVILEGED}:18)`,
      '      fix: Remove securityContext.privileged from the container or set it to false.',
      '',
      'rule                     errors  warnings  info  suppressed',
      'pss-baseline-privileged       1         0     0           0',
      '',
      'FAIL 1 object in 1 file checked with profile pss-baseline: 1 error, 0 warnings, 0 info, 0 suppressed',
      '',
    ].join('\n'));
  });

  test('a compliant object: exit 0', async () => {
    const result = await cli(['check', '--profile', 'pss-restricted', COMPLIANT]);
    expect(result).toEqual({ code: 0, stderr: '', stdout: 'PASS 1 object in 1 file checked with profile pss-restricted: 0 errors, 0 warnings, 0 info, 0 suppressed\n' });
  });

  test('the default profile is hardened', async () => {
    const result = await cli(['check', '--format', 'json', COMPLIANT]);
    expect(JSON.parse(result.stdout).summary.profile).toBe('hardened');
  });

  test('every profile is accepted, schema included', async () => {
    for (const profile of ['schema', 'pss-baseline', 'pss-restricted', 'hardened']) {
      const result = await cli(['check', '--profile', profile, '--format', 'json', COMPLIANT]);
      expect([0, 1]).toContain(result.code);
      expect(JSON.parse(result.stdout).summary.profile).toBe(profile);
    }
  });

  test('multi-document files and v1 Lists: every object judged, with its own line', async () => {
    const result = await cli(['check', '--profile', 'pss-baseline', '--format', 'json', MULTI]);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report.summary.objects).toBe(3);
    expect(report.findings.map((f: { ruleId: string; object: { name: string }; line: number; path: string }) => [f.ruleId, f.object.name, f.path, f.line]))
      .toEqual([['pss-baseline-host-namespaces', 'host', 'spec.hostNetwork', 26]]);
  });

  test('folders are searched recursively; findings name the nested file', async () => {
    const result = await cli(['check', '--profile', 'pss-baseline', FOLDER]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`${join(FOLDER, 'nested', 'b.json')}\n  Pod shop/b\n    error pss-baseline-host-namespaces:`);
    expect(result.stdout).toContain('FAIL 3 objects in 3 files checked');
  });

  test('stdin with -, as text or bytes, named <stdin>', async () => {
    const text = readFileSync(join(CHECK_FIXTURES, 'privileged.yaml'));
    for (const stdin of [text.toString(), text]) {
      const result = await cli(['check', '--profile', 'pss-baseline', '--format', 'json', '-'], { stdin });
      expect(result.code).toBe(1);
      expect(JSON.parse(result.stdout).findings[0]).toMatchObject({ file: '<stdin>', line: 18 });
    }
  });

  test('suppressed findings do not fail', async () => {
    const result = await cli(['check', '--profile', 'pss-baseline', SUPPRESSED]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('suppressed pss-baseline-privileged');
    expect(result.stdout).toContain('reason: The node agent manages host devices; reviewed by the platform team.');
  });

  test('--fail-on warning fails on warnings too', async () => {
    const now = () => new Date('2030-01-01T00:00:00Z');
    const onError = await cli(['check', '--profile', 'pss-baseline', WARNING_ONLY], { now });
    expect(onError.code).toBe(0);
    expect(onError.stdout).toContain('warning suppression-expiring: suppression of "pss-baseline-privileged" expires on 2030-01-10 (in 9 days)');
    const onWarning = await cli(['check', '--profile', 'pss-baseline', '--fail-on', 'warning', WARNING_ONLY], { now });
    expect(onWarning.code).toBe(1);
    expect(onWarning.stdout).toMatch(/^FAIL 1 object in 1 file .* \(failing on warnings\)$/m);
    const json = JSON.parse((await cli(['check', '--profile', 'pss-baseline', '--fail-on', 'warning', '--format', 'json', WARNING_ONLY], { now })).stdout);
    expect(json.summary).toMatchObject({ failOn: 'warning', passed: false, warnings: 1 });
  });
});

describe('check: formats', () => {
  test('json keeps its contract', async () => {
    const result = await cli(['check', '--profile', 'pss-baseline', '--format', 'json', PRIVILEGED]);
    const report = JSON.parse(result.stdout);
    expect(Object.keys(report)).toEqual(['findings', 'summary', 'suppressions', 'skipped']);
    expect(report.findings).toEqual([{
      ruleId: 'pss-baseline-privileged',
      severity: 'error',
      object: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web' },
      path: 'spec.template.spec.containers[0].securityContext.privileged',
      message: 'container "app" sets securityContext.privileged to true',
      remediation: 'Remove securityContext.privileged from the container or set it to false.',
      file: PRIVILEGED,
      line: 18,
      suppressed: false,
    }]);
    expect(report.summary).toEqual({ profile: 'pss-baseline', objects: 1, findings: 1, errors: 1, warnings: 0, info: 0, suppressed: 0, failOn: 'error', passed: false });
  });

  test('sarif: relative URI with forward slashes, the line, the rules of the profile', async () => {
    const result = await cli(['check', '--profile', 'pss-baseline', '--format', 'sarif', PRIVILEGED, SUPPRESSED]);
    expect(result.code).toBe(1);
    const sarif = JSON.parse(result.stdout);
    const run = sarif.runs[0];
    expect(run.tool.driver.rules.map((r: { id: string }) => r.id)).toContain('pss-baseline-privileged');
    const [failing, suppressed] = run.results;
    expect(failing.locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: 'test/fixtures/check/privileged.yaml', uriBaseId: '%SRCROOT%' },
      region: { startLine: 18 },
    });
    expect(run.tool.driver.rules[failing.ruleIndex].id).toBe('pss-baseline-privileged');
    expect(suppressed.suppressions).toEqual([{ kind: 'inSource', status: 'accepted', justification: 'The node agent manages host devices; reviewed by the platform team.' }]);
  });

  test('junit: a suite per file, a case per object, failures counted', async () => {
    const result = await cli(['check', '--profile', 'pss-baseline', '--format', 'junit', FOLDER, COMPLIANT]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="cdk8s-hardened" tests="4" failures="1" /);
    expect(result.stdout.match(/<testsuite /g)).toHaveLength(4);
    expect(result.stdout).toContain(`<testcase name="Pod shop/b" classname="${join(FOLDER, 'nested', 'b.json')}"`);
    expect(result.stdout.match(/<failure /g)).toHaveLength(1);
  });

  test('colour only on a TTY, and never with NO_COLOR', async () => {
    expect((await cli(['check', '--profile', 'pss-baseline', PRIVILEGED])).stdout).not.toContain('\u001b[');
    expect((await cli(['check', '--profile', 'pss-baseline', PRIVILEGED], { stdoutIsTTY: true })).stdout).toContain('\u001b[31merror\u001b[0m');
    expect((await cli(['check', '--profile', 'pss-baseline', PRIVILEGED], { stdoutIsTTY: true, env: { NO_COLOR: '1' } })).stdout).not.toContain('\u001b[');
    // JSON, SARIF and JUnit are never coloured.
    expect((await cli(['check', '--format', 'json', '--profile', 'pss-baseline', PRIVILEGED], { stdoutIsTTY: true })).stdout).not.toContain('\u001b[');
  });
});

describe('check: --output', () => {
  test('writes the report to the file (atomically), a summary to stderr, nothing to stdout', async () => {
    const dir = tmp.dir();
    const out = join(dir, 'reports', 'cdk8s.sarif');
    const result = await cli(['check', '--profile', 'pss-baseline', '--format', 'sarif', '--output', out, PRIVILEGED]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(`FAIL 1 object in 1 file checked with profile pss-baseline: 1 error, 0 warnings, 0 info, 0 suppressed; sarif report written to ${out}\n`);
    const direct = await cli(['check', '--profile', 'pss-baseline', '--format', 'sarif', PRIVILEGED]);
    expect(readFileSync(out, 'utf8')).toBe(direct.stdout);
    expect(readdirSync(join(dir, 'reports'))).toEqual(['cdk8s.sarif']);
  });

  test('replaces an existing file; text written to a file has no colour', async () => {
    const dir = tmp.dir();
    const out = join(dir, 'report.txt');
    writeFileSync(out, 'old content that is longer than the new one '.repeat(100));
    expect((await cli(['check', '-o', out, '--profile', 'pss-restricted', COMPLIANT], { stdoutIsTTY: true })).code).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe('PASS 1 object in 1 file checked with profile pss-restricted: 0 errors, 0 warnings, 0 info, 0 suppressed\n');
    expect(readdirSync(dir)).toEqual(['report.txt']);
  });

  test('an unwritable output is exit 2 with one line, and leaves nothing behind', async () => {
    const dir = tmp.dir();
    mkdirSync(join(dir, 'a-folder'));
    const result = await cli(['check', '--output', join(dir, 'a-folder'), COMPLIANT]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^cdk8s-hardened: .*a-folder: cannot be written \(E[A-Z]+\); choose another --output file\n$/);
    expect(readdirSync(dir)).toEqual(['a-folder']);
    writeFileSync(join(dir, 'file'), 'x');
    const under = await cli(['check', '--output', join(dir, 'file', 'report.json'), COMPLIANT]);
    expect(under.code).toBe(2);
    expect(under.stderr.split('\n')).toHaveLength(2);
  });

  test('writeFileAtomically never leaves a partial file', () => {
    const dir = tmp.dir();
    const target = join(dir, 'x.json');
    writeFileAtomically(target, 'one');
    writeFileAtomically(target, 'two');
    expect(readFileSync(target, 'utf8')).toBe('two');
    expect(readdirSync(dir)).toEqual(['x.json']);
  });

  test('writeFileAtomically writes a named pipe or a device in place (never renames over it) and keeps a symbolic link', async () => {
    const dir = tmp.dir();
    // A link to a report file: the file it names gets the text, the link stays a link.
    writeFileSync(join(dir, 'real.json'), 'old');
    symlinkSync(join(dir, 'real.json'), join(dir, 'link.json'));
    writeFileAtomically(join(dir, 'link.json'), 'new');
    expect(lstatSync(join(dir, 'link.json')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(dir, 'real.json'), 'utf8')).toBe('new');
    // A named pipe, as `-o /dev/stdout` or `-o >(...)` gives: its reader gets the text and the pipe stays a pipe.
    const fifo = join(dir, 'pipe');
    if (spawnSync('mkfifo', [fifo]).status !== 0) {
      console.log('mkfifo is not available here: the named-pipe case of writeFileAtomically is not tested');
      return;
    }
    const reader = spawn('cat', [fifo]);
    let got = '';
    reader.stdout.on('data', (d: Buffer) => {
      got += d.toString();
    });
    const ended = new Promise<void>((done) => reader.on('close', () => done()));
    const timer = setTimeout(() => reader.kill(), 10_000);
    writeFileAtomically(fifo, 'report');
    await ended;
    clearTimeout(timer);
    expect(lstatSync(fifo).isFIFO()).toBe(true);
    expect(got).toBe('report');
  });
});

describe('check: usage errors exit 2', () => {
  test.each([
    [['check', '--profile', 'nope', 'x.yaml'], /argument 'nope' is invalid\. Allowed choices are schema, pss-baseline, pss-restricted, container, hardened/],
    [['check', '--format', 'xml', 'x.yaml'], /argument 'xml' is invalid\. Allowed choices are text, json, sarif, junit/],
    [['check', '--fail-on', 'info', 'x.yaml'], /argument 'info' is invalid/],
    [['check'], /missing required argument 'paths'/],
    [['check', '--bogus', 'x.yaml'], /unknown option '--bogus'/],
    [['chekc', 'x.yaml'], /unknown command 'chekc'(.|\n)*Did you mean check/],
    [['check', '--output'], /option '-o, --output <file>' argument missing/],
    [[], /Usage: cdk8s-hardened/],
  ])('%j', async (argv, message) => {
    const result = await cli(argv as string[]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe('');
  });

  test('--help and --version exit 0', async () => {
    const help = await cli(['check', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--fail-on <severity>');
    expect(help.stdout).toContain('--output <file>');
    const version = await cli(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe('check: internal errors', () => {
  test('one line, no stack trace; the stack only with CDK8S_HARDENED_DEBUG=1', async () => {
    const boom = () => {
      throw new TypeError('boom');
    };
    const quiet = await cli(['check', '-'], { readStdin: boom });
    expect(quiet.code).toBe(2);
    expect(quiet.stderr).toBe('cdk8s-hardened: internal error: boom (set CDK8S_HARDENED_DEBUG=1 for details)\n');
    const loud = await cli(['check', '-'], { readStdin: boom, env: { CDK8S_HARDENED_DEBUG: '1' } });
    expect(loud.code).toBe(2);
    expect(loud.stderr).toMatch(/^cdk8s-hardened: internal error: boom\nTypeError: boom\n\s+at /);
  });

  test('a stack overflow is named, not dumped', async () => {
    const overflow = () => {
      const f = (n: number): number => f(n + 1) + 1;
      return String(f(0));
    };
    const result = await cli(['check', '-'], { readStdin: overflow });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('cdk8s-hardened: input nested too deeply to check (set CDK8S_HARDENED_DEBUG=1 for details)\n');
    expect(noStackTrace(result.stderr)).toBe(true);
  });
});

describe('check: progress on a TTY stderr for large inputs', () => {
  function manyFiles(n: number): string {
    const dir = tmp.dir();
    for (let i = 0; i < n; i++) {
      writeFileSync(join(dir, `pod-${String(i).padStart(3, '0')}.yaml`), `apiVersion: v1\nkind: Pod\nmetadata: {name: p${i}, namespace: shop}\nspec:\n  containers: [{name: app, image: "registry.example.com/a:1.0.0"}]\n`);
    }
    return dir;
  }

  test(`more than ${PROGRESS_MIN_FILES} files: reading and checking progress, cleared at the end; same report`, async () => {
    const dir = manyFiles(PROGRESS_MIN_FILES + 1);
    const tty = await cli(['check', '--profile', 'pss-baseline', '--format', 'json', dir], { stderrIsTTY: true });
    expect(tty.stderr).toContain(`\r\u001b[Kcdk8s-hardened: reading ${PROGRESS_MIN_FILES + 1} files 0%`);
    expect(tty.stderr).toContain('\r\u001b[Kcdk8s-hardened: checking 21 objects 100%');
    expect(tty.stderr.endsWith('\r\u001b[K')).toBe(true);
    expect(tty.stderr).not.toContain('\n');
    const plain = await cli(['check', '--profile', 'pss-baseline', '--format', 'json', dir]);
    expect(plain.stderr).toBe('');
    expect(tty.stdout).toBe(plain.stdout);
    expect(tty.code).toBe(plain.code);
  });

  test(`more than ${PROGRESS_MIN_OBJECTS} objects in one file (stdin)`, async () => {
    const docs = Array.from({ length: PROGRESS_MIN_OBJECTS + 1 }, (_, i) => `apiVersion: v1\nkind: Pod\nmetadata: {name: p${i}, namespace: shop}\nspec:\n  hostPID: ${i === 7}\n  containers: [{name: app, image: "registry.example.com/a:1.0.0"}]\n`).join('---\n');
    const tty = await cli(['check', '--profile', 'pss-baseline', '-'], { stdin: docs, stderrIsTTY: true });
    const plain = await cli(['check', '--profile', 'pss-baseline', '-'], { stdin: docs });
    expect(tty.stderr).toMatch(/checking 201 objects 50%/);
    expect(tty.stderr.endsWith('\r\u001b[K')).toBe(true);
    expect(tty.stdout).toBe(plain.stdout);
    expect(plain.code).toBe(1);
    expect(plain.stdout).toContain('Pod shop/p7');
  });

  test('small inputs draw no progress, even on a TTY', async () => {
    expect((await cli(['check', '--profile', 'pss-baseline', PRIVILEGED], { stderrIsTTY: true })).stderr).toBe('');
  });

  test('the progress line is cleared before an error is printed', async () => {
    const dir = manyFiles(PROGRESS_MIN_FILES + 1);
    writeFileSync(join(dir, 'zz-broken.yaml'), 'a: [\n');
    const result = await cli(['check', dir], { stderrIsTTY: true });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/\r\u001b\[Kcdk8s-hardened: .*zz-broken\.yaml: document 1, line \d+, column \d+: invalid YAML/);
    expect(existsSync(dir)).toBe(true);
  });
});
