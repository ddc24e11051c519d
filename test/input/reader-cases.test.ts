import { spawnSync } from 'child_process';
import { join } from 'path';
import { cli, rel, ROOT } from '../cli/helpers';

/*
 * The manifests that passed `check --profile pss-restricted` before the reader read bytes as kubectl does: each
 * is now judged as the object the cluster runs (or refused), with the rule that catches it.
 */

const CASES = join(ROOT, 'test', 'fixtures', 'reader', 'cases');
const fixture = (name: string) => rel(join(CASES, name));

interface Report {
  findings: Array<{ ruleId: string; path: string; message: string; line?: number; object: { kind: string; name: string } }>;
  summary: { objects: number; passed: boolean };
}

async function check(name: string, profile = 'pss-restricted'): Promise<Report> {
  const result = await cli(['check', '--profile', profile, '--format', 'json', fixture(name)]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(1);
  return JSON.parse(result.stdout) as Report;
}

const errors = (report: Report) => report.findings.filter((f) => !f.message.includes('suppress')).map((f) => [f.ruleId, f.object.name, f.path]);

describe('the reader is the trust boundary: what kubectl would run is what is judged', () => {
  test('a merge key after an explicit hostPID: false gives the pod hostPID (kubectl), and the two readings differ (kustomize)', async () => {
    const report = await check('merge-host-pid.yaml');
    expect(errors(report)).toEqual([
      ['input-reading-differs', 'merged', 'spec.hostPID'],
      ['pss-baseline-host-namespaces', 'merged', 'spec.hostPID'],
    ]);
    expect(report.findings[0].message).toBe('kubectl apply -f reads true (a boolean), kustomize reads false (a boolean) (the two apply merge keys (<<) differently)');
    expect(report.findings[1].line).toBe(9);
  });

  test('a merge key with a list of mappings: the first mapping wins, over the explicit key', async () => {
    expect(errors(await check('merge-sequence.yaml'))).toContainEqual(['pss-baseline-host-namespaces', 'merged-list', 'spec.hostNetwork']);
  });

  test('a merge key inside a container securityContext makes it privileged', async () => {
    expect(errors(await check('merge-security-context.yaml'))).toContainEqual(['pss-baseline-privileged', 'merged-container', 'spec.containers[0].securityContext.privileged']);
  });

  test('a ConfigMap carrying items: the Pod it carries is judged, and the carrier is named', async () => {
    const report = await check('configmap-carrier.yaml');
    expect(report.summary.objects).toBe(1);
    expect(errors(report)).toEqual(expect.arrayContaining([
      ['input-list-carrier', 'smuggled', ''],
      ['pss-baseline-host-namespaces', 'smuggled', 'spec.hostPID'],
      ['pss-baseline-privileged', 'smuggled', 'spec.containers[0].securityContext.privileged'],
    ]));
    expect(report.findings.find((f) => f.ruleId === 'input-list-carrier')!.message).toBe('the only item of the ConfigMap "innocent": kubectl applies the items, not the ConfigMap itself');
  });

  test('a custom resource carrying items', async () => {
    expect(errors(await check('custom-resource-carrier.yaml'))).toEqual(expect.arrayContaining([
      ['input-list-carrier', 'from-widget', ''],
      ['pss-baseline-privileged', 'from-widget', 'spec.containers[0].securityContext.privileged'],
    ]));
  });

  test('a List of a PodList: flattened as kustomize does, with the finding that kubectl apply -f stops on it', async () => {
    const report = await check('list-of-pod-list.yaml', 'pss-baseline');
    expect(errors(report)).toEqual([
      ['input-reading-differs', 'nested', ''],
      ['pss-baseline-host-namespaces', 'nested', 'spec.hostNetwork'],
    ]);
    expect(report.findings[0].message).toMatch(/^kubectl apply -f refuses this document \(a list inside a list/);
  });

  test('a PodList item without apiVersion and kind is the Pod kubectl makes of it', async () => {
    const report = await check('pod-list-bare-items.yaml');
    expect(errors(report)).toContainEqual(['pss-baseline-host-namespaces', 'bare', 'spec.hostIPC']);
  });

  test('U+2028 inside a value (a line break to kubectl only) is refused, with the line', async () => {
    const result = await cli(['check', fixture('line-separator.yaml')]);
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr: `cdk8s-hardened: ${fixture('line-separator.yaml')}, line 13: contains U+2028 (LINE SEPARATOR), which kubectl reads as a line break and kustomize does not; `
        + 'write it as an escape in a double-quoted string (\\u2028), or remove it\n',
    });
  });

  test('runAsUser: 0o0 and 0x0 are uid 0, as Go reads them', async () => {
    const report = await check('radix-run-as-user.yaml');
    expect(errors(report)).toEqual([
      ['pss-restricted-run-as-user', 'radix', 'spec.containers[0].securityContext.runAsUser'],
      ['pss-restricted-run-as-user', 'radix', 'spec.containers[1].securityContext.runAsUser'],
    ]);
  });

  test('10:30 is a string and 0o644 the number 420 to both readers (no finding); yes reads differently and is reported', async () => {
    const clock = await cli(['check', '--profile', 'schema', '--format', 'json', fixture('base-sixty.yaml')]);
    expect(JSON.parse(clock.stdout).findings.map((f: { ruleId: string; path: string }) => [f.ruleId, f.path])).toEqual([['schema', 'data.mode']]);
    const yes = await check('yes-string.yaml', 'schema');
    expect(errors(yes)).toEqual([
      ['input-reading-differs', 'flags', 'data.enabled'],
      ['schema', 'flags', 'data.enabled'],
    ]);
    expect(yes.findings[0].message).toBe('kubectl apply -f reads true (a boolean), kustomize reads "yes" (a string)');
  });
});

const kubectl = spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status === 0;
if (!kubectl) {
  // eslint-disable-next-line no-console
  console.log('kustomization rendering test skipped: kubectl is not on PATH');
}

(kubectl ? describe : describe.skip)('kustomization.yaml beyond resources is rendered (kubectl kustomize) and the output judged', () => {
  test('a JSON 6902 patch that adds privileged: true fails check DIR', async () => {
    const report = await check('kustomize-patch');
    expect(errors(report)).toEqual([['pss-baseline-privileged', 'web', 'spec.containers[0].securityContext.privileged']]);
    expect(report.findings[0]).toEqual(expect.objectContaining({ file: fixture('kustomize-patch/kustomization.yaml') }));
    expect(report.summary.objects).toBe(1);
  });
});
