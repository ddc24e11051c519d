import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'fs';
import { join } from 'path';
import { ConfigError, configuredRules, parseConfig, selectRuleIds } from '../../src/config/config';
import { findConfigFile, loadConfig } from '../../src/config/config-file';
import { rulesForProfile, ALL_RULES } from '../../src/catalogue';
import { cli, ROOT, scratch } from '../cli/helpers';

const DIR = join(ROOT, 'test', 'fixtures', 'config');
const INVALID = join(DIR, 'invalid');
const tmp = scratch();
afterEach(() => tmp.cleanup());

describe('.cdk8s-hardened.yaml: every key', () => {
  test('the full fixture reads into plain data', () => {
    const file = join(DIR, 'valid', 'full.yaml');
    expect(parseConfig(readFileSync(file, 'utf8'), file)).toEqual({
      file,
      profile: 'pss-restricted',
      failOn: 'warning',
      rules: { include: ['pss-*'], exclude: ['pss-restricted-seccomp'], severity: { 'pss-baseline-host-ports': 'warning' } },
      ignorePaths: ['vendor', '**/values.yaml'],
      exemptions: [{ rule: 'pss-baseline-host-namespaces', namespace: 'monitoring', kind: 'DaemonSet', name: 'node-exporter', reason: 'SEC-12 node exporter reads host network metrics' }],
      suppressions: { forbid: ['pss-baseline-privileged', 'rbac-*'], reasonPattern: '^[A-Z]+-[0-9]+ ', expiryWarningDays: 14 },
    });
  });

  test('an empty file (or only comments) is an empty configuration', () => {
    expect(parseConfig('# nothing yet\n', 'x.yaml')).toEqual({ file: 'x.yaml' });
    expect(parseConfig('', 'x.yaml')).toEqual({ file: 'x.yaml' });
  });

  test('rules.include, rules.exclude and rules.severity shape the rule set', () => {
    const file = join(DIR, 'valid', 'full.yaml');
    const config = parseConfig(readFileSync(file, 'utf8'), file);
    const base = rulesForProfile('hardened');
    const rules = configuredRules(config, base);
    const ids = rules.map((r) => r.id);
    expect(ids.every((id) => id.startsWith('pss-'))).toBe(true);
    expect(ids).not.toContain('pss-restricted-seccomp');
    expect(ids).toContain('pss-restricted-capabilities');
    expect(ids).not.toContain('workload-image-tag');
    expect(rules.find((r) => r.id === 'pss-baseline-host-ports')!.severity).toBe('warning');
    // The override leaves the catalogue's rule alone.
    expect(ALL_RULES.find((r) => r.id === 'pss-baseline-host-ports')!.severity).toBe('error');
    expect(configuredRules(undefined, base)).toEqual(base);
  });

  test('a selection that leaves none of the profile\'s rules is an error, never an empty (passing) rule set', async () => {
    const config = parseConfig('rules:\n  include: [pss-restricted-capabilities]\n', 'narrow.yaml');
    expect(() => configuredRules(config, rulesForProfile('pss-baseline')))
      .toThrow(new ConfigError(`narrow.yaml: rules.include and rules.exclude leave none of the profile's ${rulesForProfile('pss-baseline').length} rules to run `
        + '(include ids of the profile being run, or choose another profile)'));
    expect(configuredRules(config, rulesForProfile('pss-restricted')).map((r) => r.id)).toEqual(['pss-restricted-capabilities']);
    const dir = tmp.dir();
    writeFileSync(join(dir, '.cdk8s-hardened.yaml'), 'rules:\n  include: [pss-restricted-capabilities]\n');
    writeFileSync(join(dir, 'pod.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, image: nginx}]}\n');
    const result = await cli(['check', '--profile', 'pss-baseline', join(dir, 'pod.yaml')], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/rules\.include and rules\.exclude leave none of the profile's \d+ rules to run/);
  });

  test('selectRuleIds: ids and globs; unknown ids and empty globs are errors', () => {
    const ids = ALL_RULES.map((r) => r.id);
    expect([...selectRuleIds(['rbac-bind', 'network-*'], ids, 'x')]).toEqual(['rbac-bind', 'network-default-deny', 'network-allow-all']);
    expect(() => selectRuleIds(['rbac-bnd'], ids, 'x')).toThrow('x: unknown rule "rbac-bnd"; did you mean rbac-bind');
    expect(() => selectRuleIds(['zzz-*'], ids, 'x')).toThrow('x: "zzz-*" matches no rule');
  });
});

describe('.cdk8s-hardened.yaml: every mistake is one line naming the file and line (test/fixtures/config/invalid)', () => {
  const cases = readdirSync(INVALID).filter((f) => f.endsWith('.yaml')).sort();
  test('there are cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(20);
  });
  test.each(cases)('%s', (name) => {
    const file = join(INVALID, name);
    const text = readFileSync(file, 'utf8');
    const expected = /^# error: (.*)$/m.exec(text.split('\n')[0])![1];
    let error: unknown;
    try {
      parseConfig(text, file);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    expect(message.startsWith(`${file}`)).toBe(true);
    expect(message).toContain(expected);
    expect(message).not.toContain('\n');
  });

  test('through the CLI: exit 2 and the one line, before any input is read', async () => {
    const file = join(INVALID, 'unknown-key.yaml');
    const result = await cli(['check', '--config', file, join(ROOT, 'test', 'fixtures', 'check', 'compliant.yaml')]);
    expect(result).toEqual({ code: 2, stdout: '', stderr: `cdk8s-hardened: ${file}, line 3: unknown key "exemption"; did you mean exemptions? `
      + '(the keys are profile, failOn, rules, ignorePaths, exemptions, suppressions)\n' });
    for (const command of [['admission'], ['synth', 'no-such-app.ts']]) {
      const other = await cli([...command, '--config', file]);
      expect(other.code).toBe(2);
      expect(other.stderr).toContain(`${file}, line 3: unknown key "exemption"`);
    }
  });

  test('a ConfigError is an input error (exit 2)', () => {
    expect(() => parseConfig('profile: x\n', 'c.yaml')).toThrow(ConfigError);
  });
});

describe('finding the configuration', () => {
  test('walks up from the working directory, as kube-linter finds .kube-linter.yaml', () => {
    const root = tmp.dir();
    mkdirSync(join(root, 'a', 'b', 'c'), { recursive: true });
    writeFileSync(join(root, 'a', '.cdk8s-hardened.yaml'), 'profile: schema\n');
    expect(findConfigFile(join(root, 'a', 'b', 'c'))).toBe(join(root, 'a', '.cdk8s-hardened.yaml'));
    expect(loadConfig({ cwd: join(root, 'a', 'b') })).toEqual({ config: { file: join(root, 'a', '.cdk8s-hardened.yaml'), profile: 'schema' }, baseDir: join(root, 'a') });
    expect(findConfigFile(root)).toBeUndefined();
  });

  test('--config names the file; a missing one is an error', async () => {
    const result = await cli(['check', '--config', 'no-such-config.yaml', '-'], { stdin: '' });
    expect(result).toEqual({ code: 2, stdout: '', stderr: 'cdk8s-hardened: no-such-config.yaml: no such configuration file\n' });
  });

  test('the profile and failOn of the found file apply; the command line wins', async () => {
    const root = tmp.dir();
    writeFileSync(join(root, '.cdk8s-hardened.yaml'), 'profile: schema\nfailOn: warning\n');
    const file = join(ROOT, 'test', 'fixtures', 'check', 'privileged.yaml');
    const byConfig = JSON.parse((await cli(['check', '--format', 'json', file], { cwd: root })).stdout);
    expect(byConfig.summary).toMatchObject({ profile: 'schema', failOn: 'warning' });
    const byFlag = JSON.parse((await cli(['check', '--format', 'json', '--profile', 'pss-baseline', '--fail-on', 'error', file], { cwd: root })).stdout);
    expect(byFlag.summary).toMatchObject({ profile: 'pss-baseline', failOn: 'error' });
  });

  test('rules.exclude and rules.severity change the verdict of check', async () => {
    const root = tmp.dir();
    const file = join(ROOT, 'test', 'fixtures', 'check', 'privileged.yaml');
    writeFileSync(join(root, 'exclude.yaml'), 'profile: pss-baseline\nrules:\n  exclude: [pss-baseline-privileged]\n');
    writeFileSync(join(root, 'demote.yaml'), 'profile: pss-baseline\nrules:\n  severity:\n    pss-baseline-privileged: warning\n');
    writeFileSync(join(root, 'include.yaml'), 'profile: pss-baseline\nrules:\n  include: [pss-baseline-host-*]\n');
    expect((await cli(['check', file, '--profile', 'pss-baseline'])).code).toBe(1);
    expect((await cli(['check', '--config', join(root, 'exclude.yaml'), file])).code).toBe(0);
    expect((await cli(['check', '--config', join(root, 'include.yaml'), file])).code).toBe(0);
    const demoted = await cli(['check', '--config', join(root, 'demote.yaml'), '--format', 'json', file]);
    expect(demoted.code).toBe(0);
    expect(JSON.parse(demoted.stdout).findings.find((f: { ruleId: string }) => f.ruleId === 'pss-baseline-privileged').severity).toBe('warning');
  });

  test('an exemption of the configuration suppresses the findings it selects, and is listed', async () => {
    const root = tmp.dir();
    const file = join(ROOT, 'test', 'fixtures', 'check', 'privileged.yaml');
    writeFileSync(join(root, 'c.yaml'), 'exemptions:\n  - rule: pss-baseline-privileged\n    namespace: shop\n    kind: Deployment\n    name: web\n    reason: reviewed by the platform team in SEC-9\n');
    writeFileSync(join(root, 'other.yaml'), 'exemptions:\n  - rule: pss-baseline-privileged\n    namespace: other\n    reason: reviewed by the platform team in SEC-9\n');
    const result = await cli(['check', '--profile', 'pss-baseline', '--config', join(root, 'c.yaml'), '--format', 'json', file]);
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(json.suppressions).toEqual([{
      ruleId: 'pss-baseline-privileged', reason: 'reviewed by the platform team in SEC-9', source: 'config', object: null,
      selector: { kind: 'Deployment', namespace: 'shop', name: 'web' }, file: null, line: null, expires: null, findings: 1,
    }]);
    expect((await cli(['check', '--profile', 'pss-baseline', '--config', join(root, 'other.yaml'), file])).code).toBe(1);
  });
});
