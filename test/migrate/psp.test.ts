import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { parseManifests } from '../../src/input/parse';
import { migratePsp, PspMigration, pspObjects } from '../../src/migrate/psp';
import { evaluate } from '../../src/catalogue';
import { Rule } from '../../src/policy/rule';
import { SCHEMA_RULE } from '../../src/schema';
import { admit, ruleFails, wrapPod } from '../admission/harness';
import { cli, ROOT } from '../cli/helpers';

const GUIDE = join(ROOT, 'test', 'fixtures', 'migrate', 'guide-restricted-psp.yaml');

function migrate(yaml: string, level?: 'baseline' | 'restricted'): PspMigration {
  const [{ manifest }] = pspObjects(parseManifests(yaml, 'psp.yaml'));
  return migratePsp(manifest, level ? { level } : {});
}

function psp(spec: Record<string, unknown>, annotations?: Record<string, string>): string {
  return JSON.stringify({
    apiVersion: 'policy/v1beta1', kind: 'PodSecurityPolicy',
    metadata: { name: 'p', ...(annotations ? { annotations } : {}) },
    spec: { seLinux: { rule: 'RunAsAny' }, runAsUser: { rule: 'RunAsAny' }, supplementalGroups: { rule: 'RunAsAny' }, fsGroup: { rule: 'RunAsAny' }, ...spec },
  });
}

/** A pod that the guide's PSP admits (and PSS restricted too). */
function goodPod(): Record<string, any> {
  return {
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'app' },
    spec: {
      securityContext: { runAsNonRoot: true, runAsUser: 10001, fsGroup: 10001, supplementalGroups: [10001], seccompProfile: { type: 'RuntimeDefault' } },
      containers: [{
        name: 'app', image: 'example/app:1.0',
        securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
        volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
      }],
      volumes: [{ name: 'tmp', emptyDir: {} }],
    },
  };
}

type Mutation = (pod: Record<string, any>) => void;
const BAD: Record<string, Mutation> = {
  'psp-allowed-capabilities': (p) => { p.spec.containers[0].securityContext.capabilities.add = ['NET_BIND_SERVICE']; },
  'psp-required-drop-capabilities': (p) => { p.spec.containers[0].securityContext.capabilities.drop = ['NET_RAW']; },
  'psp-volumes': (p) => { p.spec.volumes.push({ name: 'e', ephemeral: { volumeClaimTemplate: { spec: {} } } }); },
  'psp-run-as-user': (p) => { delete p.spec.securityContext.runAsUser; delete p.spec.securityContext.runAsNonRoot; },
  'psp-supplemental-groups': (p) => { p.spec.securityContext.supplementalGroups = [0]; },
  'psp-fs-group': (p) => { delete p.spec.securityContext.fsGroup; },
};

describe('migrate-psp: the guide\'s restricted PSP (the reference case)', () => {
  const m = migrate(readFileSync(GUIDE, 'utf8'));

  test('maps field by field as the Kubernetes page says', () => {
    const level = Object.fromEntries(m.fields.map((f) => [f.field, f.level]));
    expect(level).toEqual({
      'privileged': 'restricted',
      'allowedCapabilities': 'restricted',
      'volumes': 'restricted',
      'hostNetwork': 'restricted',
      'hostPID': 'restricted',
      'hostIPC': 'restricted',
      'hostPorts': 'restricted',
      // RunAsAny: any seLinuxOptions, which baseline forbids; the page wants MustRunAs.
      'seLinux': 'privileged',
      'runAsUser': 'restricted',
      'runAsGroup': 'restricted',
      'supplementalGroups': 'restricted',
      'fsGroup': 'restricted',
      'allowPrivilegeEscalation': 'restricted',
      'allowedUnsafeSysctls': 'restricted',
      'allowedProcMountTypes': 'restricted',
      // No seccomp allowedProfileNames: pods could set no seccomp profile, which restricted refuses.
      'seccomp.security.alpha.kubernetes.io/allowedProfileNames': 'baseline',
      // No AppArmor allowedProfileNames: PSP's AppArmor strategy was unrestricted (unconfined too), beyond baseline.
      'apparmor.security.beta.kubernetes.io/allowedProfileNames': 'privileged',
    });
    expect(m.mappedLevel).toBe('privileged');
    expect(m.level).toBe('privileged');
  });

  test('namespace labels: PSA at the level, pinned to v1.28, and the label the bindings select', () => {
    expect(m.namespaceLabels).toEqual({
      'pod-security.kubernetes.io/enforce': 'privileged',
      'pod-security.kubernetes.io/enforce-version': 'v1.28',
      'pod-security.kubernetes.io/audit': 'privileged',
      'pod-security.kubernetes.io/audit-version': 'v1.28',
      'pod-security.kubernetes.io/warn': 'privileged',
      'pod-security.kubernetes.io/warn-version': 'v1.28',
      'cdk8s-hardened.io/psp': 'restricted',
    });
  });

  test('every control the level does not enforce is carried by a rule', () => {
    expect(m.carried.map((c) => `${c.field}=${c.ruleId}`)).toEqual([
      'privileged=pss-baseline-privileged',
      'allowedCapabilities=psp-allowed-capabilities',
      'requiredDropCapabilities=psp-required-drop-capabilities',
      'volumes=psp-volumes',
      'hostNetwork, hostPID, hostIPC=pss-baseline-host-namespaces',
      'hostPorts=pss-baseline-host-ports',
      'runAsUser=psp-run-as-user',
      'supplementalGroups=psp-supplemental-groups',
      'fsGroup=psp-fs-group',
      'allowPrivilegeEscalation=pss-restricted-privilege-escalation',
      'allowedUnsafeSysctls=pss-baseline-sysctls',
      'allowedProcMountTypes=pss-baseline-proc-mount',
      'seccomp.security.alpha.kubernetes.io/allowedProfileNames=pss-baseline-seccomp',
    ]);
    expect(m.notCarried.map((n) => n.field)).toEqual([
      'requiredDropCapabilities', 'runAsUser', 'supplementalGroups', 'fsGroup', 'allowPrivilegeEscalation', 'authorization',
    ]);
    expect(m.notCarried.every((n) => !n.weakens)).toBe(true);
    expect(m.notCarried.find((n) => n.field === 'fsGroup')!.reason).toMatch(/does not mutate pods/);
  });

  test('one policy and one binding per carried control, selecting the labelled namespaces, schema-valid', () => {
    expect(m.policies).toHaveLength(m.carried.length * 2);
    const bindings = m.policies.filter((p) => p.kind === 'ValidatingAdmissionPolicyBinding');
    for (const b of bindings) {
      expect((b.spec as any).matchResources.namespaceSelector.matchExpressions).toContainEqual({ key: 'cdk8s-hardened.io/psp', operator: 'In', values: ['restricted'] });
      expect((b.spec as any).validationActions).toEqual(['Deny']);
    }
    const findings = evaluate(m.policies.map((object) => ({ object })), [SCHEMA_RULE]);
    expect(findings).toEqual([]);
  });

  test('the fsGroup policy and binding, field by field', () => {
    const [policy, binding] = m.policies.filter((p) => p.metadata.name === 'cdk8s-hardened-psp-restricted-psp-fs-group');
    const meta = {
      name: 'cdk8s-hardened-psp-restricted-psp-fs-group',
      labels: { 'app.kubernetes.io/managed-by': 'cdk8s-hardened' },
      annotations: { 'cdk8s-hardened.io/rule': 'psp-fs-group', 'cdk8s-hardened.io/severity': 'error' },
    };
    expect(policy.apiVersion).toBe('admissionregistration.k8s.io/v1beta1');
    expect(policy.kind).toBe('ValidatingAdmissionPolicy');
    expect(policy.metadata).toEqual(meta);
    const spec = policy.spec as any;
    expect(spec.failurePolicy).toBe('Fail');
    expect(spec.matchConstraints.resourceRules.map((r: any) => r.resources)).toEqual([
      ['pods', 'pods/ephemeralcontainers', 'podtemplates', 'replicationcontrollers'], ['deployments', 'replicasets', 'statefulsets', 'daemonsets'], ['jobs', 'cronjobs'],
    ]);
    expect(spec.matchConditions.map((c: any) => c.name)).toEqual(['not-from-api-server', 'spec-or-annotations-changed']);
    expect(spec.validations).toEqual([{
      expression: expect.stringContaining('pod.spec.securityContext.fsGroup >= 1 && pod.spec.securityContext.fsGroup <= 65535'),
      message: 'psp-fs-group: fsGroup must be set in 1-65535. Set securityContext.fsGroup to an ID within 1-65535. See https://kubernetes.io/docs/concepts/security/pod-security-policy/',
      reason: 'Forbidden',
    }]);
    expect(binding).toEqual({
      apiVersion: 'admissionregistration.k8s.io/v1beta1',
      kind: 'ValidatingAdmissionPolicyBinding',
      metadata: meta,
      spec: {
        policyName: 'cdk8s-hardened-psp-restricted-psp-fs-group',
        validationActions: ['Deny'],
        matchResources: { namespaceSelector: { matchExpressions: [
          { key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system'] },
          { key: 'cdk8s-hardened.io/psp', operator: 'In', values: ['restricted'] },
        ] } },
      },
    });
  });

  test('the generated policies compile, admit the good pod and deny exactly what their rule finds', () => {
    const policies = m.policies.filter((p) => p.kind === 'ValidatingAdmissionPolicy');
    const ruleOf = (id: string): Rule => m.rules.find((r) => r.id === id)!;
    for (const policy of policies) {
      expect(admit(policy, { object: goodPod() }).outcome).toBe('admitted');
    }
    for (const [id, mutate] of Object.entries(BAD)) {
      const pod = goodPod();
      mutate(pod);
      const policy = policies.find((p) => p.metadata.annotations['cdk8s-hardened.io/rule'] === id)!;
      expect([id, ruleFails(ruleOf(id), pod)]).toEqual([id, true]);
      expect([id, admit(policy, { object: pod }).outcome]).toEqual([id, 'denied']);
      // The rule of another control passes the same pod, as its policy admits it.
      for (const other of policies.filter((p) => p !== policy && p.metadata.annotations['cdk8s-hardened.io/rule'].startsWith('psp-'))) {
        const otherId = other.metadata.annotations['cdk8s-hardened.io/rule'];
        expect([id, otherId, ruleFails(ruleOf(otherId), pod)]).toEqual([id, otherId, admit(other, { object: pod }).outcome === 'denied']);
      }
    }
  });
});

describe('migrate-psp: stricter controls of other PSPs', () => {
  const controls = migrate(psp({
    volumes: ['configMap', 'hostPath'],
    allowedHostPaths: [{ pathPrefix: '/var/log', readOnly: true }],
    readOnlyRootFilesystem: true,
    runAsUser: { rule: 'MustRunAs', ranges: [{ min: 1000, max: 2000 }] },
    runAsGroup: { rule: 'MayRunAs', ranges: [{ min: 3000, max: 3000 }] },
    hostPorts: [{ min: 8000, max: 8080 }],
    hostNetwork: true,
    requiredDropCapabilities: ['NET_RAW'],
    forbiddenSysctls: ['kernel.shm_rmid_forced'],
  }));
  const rule = (id: string) => controls.rules.find((r) => r.id === id)!;
  const policy = (id: string) => controls.policies.find((p) => p.kind === 'ValidatingAdmissionPolicy' && p.metadata.annotations['cdk8s-hardened.io/rule'] === id)!;
  const pod = (spec: Record<string, unknown>) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x', namespace: 'app' }, spec });
  const cases: Array<[string, Record<string, unknown>, boolean]> = [
    ['psp-allowed-host-paths', { containers: [{ name: 'a', image: 'a:1', volumeMounts: [{ name: 'logs', mountPath: '/l', readOnly: true }] }], volumes: [{ name: 'logs', hostPath: { path: '/var/log/pods' } }] }, false],
    ['psp-allowed-host-paths', { containers: [{ name: 'a', image: 'a:1', volumeMounts: [{ name: 'logs', mountPath: '/l' }] }], volumes: [{ name: 'logs', hostPath: { path: '/var/log' } }] }, true],
    ['psp-allowed-host-paths', { containers: [{ name: 'a', image: 'a:1' }], volumes: [{ name: 'logs', hostPath: { path: '/var/logs' } }] }, true],
    ['psp-read-only-root-filesystem', { containers: [{ name: 'a', image: 'a:1', securityContext: { readOnlyRootFilesystem: true } }] }, false],
    ['psp-read-only-root-filesystem', { containers: [{ name: 'a', image: 'a:1' }] }, true],
    ['psp-run-as-user', { securityContext: { runAsUser: 1500 }, containers: [{ name: 'a', image: 'a:1' }] }, false],
    ['psp-run-as-user', { securityContext: { runAsUser: 1500 }, containers: [{ name: 'a', image: 'a:1', securityContext: { runAsUser: 999 } }] }, true],
    ['psp-run-as-group', { containers: [{ name: 'a', image: 'a:1' }] }, false],
    ['psp-run-as-group', { securityContext: { runAsGroup: 3001 }, containers: [{ name: 'a', image: 'a:1' }] }, true],
    ['psp-host-ports', { containers: [{ name: 'a', image: 'a:1', ports: [{ containerPort: 80, hostPort: 8080 }] }] }, false],
    ['psp-host-ports', { containers: [{ name: 'a', image: 'a:1', ports: [{ containerPort: 80, hostPort: 80 }] }] }, true],
    // A hostNetwork Pod: the API server sets an unset hostPort to the containerPort before admission.
    ['psp-host-ports', { hostNetwork: true, containers: [{ name: 'a', image: 'a:1', ports: [{ containerPort: 80 }] }] }, true],
    ['psp-host-ports', { hostNetwork: true, initContainers: [{ name: 'i', image: 'a:1', ports: [{ containerPort: 80, hostPort: 0 }] }], containers: [{ name: 'a', image: 'a:1' }] }, true],
    ['psp-host-ports', { hostNetwork: true, containers: [{ name: 'a', image: 'a:1', ports: [{ containerPort: 8000 }] }] }, false],
    ['psp-host-ports', { containers: [{ name: 'a', image: 'a:1', ports: [{ containerPort: 80 }] }] }, false],
    ['psp-host-namespaces', { hostNetwork: true, containers: [{ name: 'a', image: 'a:1' }] }, false],
    ['psp-host-namespaces', { hostPID: true, containers: [{ name: 'a', image: 'a:1' }] }, true],
    ['psp-volumes', { containers: [{ name: 'a', image: 'a:1' }], volumes: [{ name: 'c', configMap: { name: 'c' } }] }, false],
    ['psp-volumes', { containers: [{ name: 'a', image: 'a:1' }], volumes: [{ name: 'd' }] }, true],
    ['psp-required-drop-capabilities', { containers: [{ name: 'a', image: 'a:1', securityContext: { capabilities: { drop: ['ALL'] } } }] }, false],
    ['psp-required-drop-capabilities', { containers: [{ name: 'a', image: 'a:1', securityContext: { capabilities: { drop: ['NET_ADMIN'] } } }] }, true],
    // Windows pods are exempt, as from Pod Security's restricted capabilities control (the API refuses capabilities
    // on them): found by the cluster suite `migrate`, where `--level restricted` (no such policy) admitted them.
    ['psp-required-drop-capabilities', { os: { name: 'windows' }, containers: [{ name: 'a', image: 'a:1' }] }, false],
    ['psp-required-drop-capabilities', { os: { name: 'linux' }, containers: [{ name: 'a', image: 'a:1' }] }, true],
  ];
  test.each(cases)('%s on %j fails: %s (rule and policy agree)', (id, spec, fails) => {
    expect(ruleFails(rule(id), pod(spec))).toBe(fails);
    expect(admit(policy(id), { object: pod(spec) }).outcome).toBe(fails ? 'denied' : 'admitted');
  });

  test('allowedProcMountTypes Unmasked: privileged, with the feature-gate nuance reported', () => {
    const unmasked = migrate(psp({ allowedProcMountTypes: ['Default', 'Unmasked'], volumes: ['*'] }));
    expect(unmasked.fields.find((f) => f.field === 'allowedProcMountTypes')!.level).toBe('privileged');
    expect(unmasked.carried.map((c) => c.ruleId)).not.toContain('pss-baseline-proc-mount');
    expect(unmasked.notCarried.find((n) => n.field === 'allowedProcMountTypes')).toEqual({ field: 'allowedProcMountTypes', reason: expect.stringMatching(/alpha ProcMountType feature gate/), weakens: false });
  });

  test('the level, and what cannot be carried over', () => {
    expect(controls.level).toBe('privileged');
    expect(controls.notCarried.filter((n) => n.weakens).map((n) => n.field)).toEqual(['forbiddenSysctls']);
  });

  test('a stricter level asked for: fewer policies, and the report says what it now refuses', () => {
    const guide = migrate(readFileSync(GUIDE, 'utf8'), 'restricted');
    expect(guide.level).toBe('restricted');
    expect(guide.carried.map((c) => c.ruleId)).toEqual(['psp-allowed-capabilities', 'psp-volumes', 'psp-supplemental-groups', 'psp-fs-group']);
    expect(guide.notCarried.filter((n) => /stricter than the PSP/.test(n.reason)).map((n) => n.field)).toEqual([
      'seLinux', 'seccomp.security.alpha.kubernetes.io/allowedProfileNames', 'apparmor.security.beta.kubernetes.io/allowedProfileNames',
    ]);
  });

  test('allowedUnsafeSysctls: a list maps to privileged, which admits every sysctl, so it is reported as weakening', () => {
    const listed = migrate(psp({ allowedUnsafeSysctls: ['kernel.msg*', 'net.core.somaxconn'], volumes: ['*'] }));
    expect(listed.fields.find((f) => f.field === 'allowedUnsafeSysctls')!.level).toBe('privileged');
    expect(listed.level).toBe('privileged');
    expect(listed.carried.map((c) => c.ruleId)).not.toContain('pss-baseline-sysctls');
    expect(listed.notCarried.find((n) => n.field === 'allowedUnsafeSysctls')).toEqual({
      field: 'allowedUnsafeSysctls', reason: expect.stringMatching(/unsafe sysctls kernel\.msg\*, net\.core\.somaxconn .*allows any sysctl/), weakens: true,
    });
    // "*": the PSP allowed every sysctl, as privileged does: nothing is lost.
    const any = migrate(psp({ allowedUnsafeSysctls: ['*'], volumes: ['*'] }));
    expect(any.notCarried.map((n) => n.field)).not.toContain('allowedUnsafeSysctls');
    // A stricter level refuses the listed sysctls instead, and says so; nothing weakens.
    const strict = migrate(psp({ allowedUnsafeSysctls: ['kernel.msg*'], seLinux: { rule: 'MustRunAs' } }, {
      'seccomp.security.alpha.kubernetes.io/allowedProfileNames': 'runtime/default,',
      'apparmor.security.beta.kubernetes.io/allowedProfileNames': 'runtime/default,',
    }), 'baseline');
    expect(strict.notCarried.filter((n) => n.field === 'allowedUnsafeSysctls').map((n) => n.weakens)).toEqual([false]);
    expect(strict.notCarried.find((n) => n.field === 'allowedUnsafeSysctls')!.reason).toMatch(/baseline is stricter than the PSP/);
  });

  test('AppArmor: without allowedProfileNames PSP allowed any profile (privileged); seccomp without it allowed none', () => {
    const base = { seLinux: { rule: 'MustRunAs' } };
    const seccomp = { 'seccomp.security.alpha.kubernetes.io/allowedProfileNames': 'runtime/default,' };
    const absent = migrate(psp(base, seccomp));
    expect(absent.fields.find((f) => f.field === 'apparmor.security.beta.kubernetes.io/allowedProfileNames')).toEqual({
      field: 'apparmor.security.beta.kubernetes.io/allowedProfileNames', level: 'privileged', reason: expect.stringMatching(/any profile, unconfined included/),
    });
    expect(absent.level).toBe('privileged');
    expect(absent.carried.map((c) => c.ruleId)).not.toContain('pss-baseline-apparmor');
    const limited = migrate(psp(base, { ...seccomp, 'apparmor.security.beta.kubernetes.io/allowedProfileNames': 'runtime/default,' }));
    expect(limited.level).toBe('baseline');
    const noSeccomp = migrate(psp(base, { 'apparmor.security.beta.kubernetes.io/allowedProfileNames': 'runtime/default,' }));
    expect(noSeccomp.fields.find((f) => f.field === 'seccomp.security.alpha.kubernetes.io/allowedProfileNames')!.level).toBe('baseline');
    expect(noSeccomp.level).toBe('baseline');
  });

  test('a PSP that maps to restricted needs no PSS policy', () => {
    const r = migrate(psp({
      requiredDropCapabilities: ['ALL'], allowedCapabilities: ['NET_BIND_SERVICE'], allowPrivilegeEscalation: false,
      volumes: ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'],
      runAsUser: { rule: 'MustRunAsNonRoot' }, seLinux: { rule: 'MustRunAs', seLinuxOptions: {} },
    }, {
      'seccomp.security.alpha.kubernetes.io/allowedProfileNames': 'runtime/default',
      'apparmor.security.beta.kubernetes.io/allowedProfileNames': 'runtime/default',
    }));
    expect(r.level).toBe('restricted');
    expect(r.carried).toEqual([]);
    expect(r.policies).toEqual([]);
  });
});

describe('migrate-psp command', () => {
  test('prints the report and the policies; deterministic', async () => {
    const a = await cli(['migrate-psp', GUIDE]);
    const b = await cli(['migrate-psp', GUIDE]);
    expect(a.code).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    expect(a.stdout).toMatch(/^# PodSecurityPolicy "restricted" \(.*guide-restricted-psp.yaml:2\)/);
    expect(a.stdout).toContain('#   pod-security.kubernetes.io/enforce: privileged');
    expect(parseManifests(a.stdout, 'out.yaml')).toHaveLength(26);
  });

  test('the output is schema-valid for check, and several PSPs are one stream; a PSP given twice is refused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'migrate-'));
    try {
      const other = psp({ readOnlyRootFilesystem: true, volumes: ['*'], allowedCapabilities: ['*'] }).replace('"name":"p"', '"name":"other"');
      writeFileSync(join(dir, 'psps.yaml'), `${readFileSync(GUIDE, 'utf8')}---\n${other}\n`);
      const r = await cli(['migrate-psp', join(dir, 'psps.yaml')]);
      expect(r.code).toBe(0);
      const objects = parseManifests(r.stdout, 'out.yaml').map((m) => m.object as any);
      expect(objects.map((o) => o.metadata.name)).toEqual([
        ...migrate(readFileSync(GUIDE, 'utf8')).policies.map((o) => o.metadata.name),
        ...migrate(other).policies.map((o) => o.metadata.name),
      ]);
      expect(r.stdout).toContain('# PodSecurityPolicy "other"');
      expect(objects.some((o) => o.metadata.name === 'cdk8s-hardened-psp-other-psp-read-only-root-filesystem')).toBe(true);
      writeFileSync(join(dir, 'out.yaml'), r.stdout);
      // The hardened profile (schema included) passes every emitted object.
      const checked = await cli(['check', '--format', 'json', join(dir, 'out.yaml')]);
      expect(JSON.parse(checked.stdout).findings).toEqual([]);
      expect(checked.code).toBe(0);
      writeFileSync(join(dir, 'twice.yaml'), `${readFileSync(GUIDE, 'utf8')}---\n${readFileSync(GUIDE, 'utf8')}`);
      const twice = await cli(['migrate-psp', join(dir, 'twice.yaml')]);
      expect(twice.code).toBe(2);
      expect(twice.stderr).toMatch(/twice.yaml:\d+: PodSecurityPolicy "restricted" is given twice \(first at .*twice.yaml:2\)/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('reads stdin; json format', async () => {
    const r = await cli(['migrate-psp', '--format', 'json', '-'], { stdin: readFileSync(GUIDE) });
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.summary).toEqual({ podSecurityPolicies: 1, policies: 13, weakening: 0, passed: true });
    expect(json.migrations[0].file).toBe('<stdin>');
    expect(json.migrations[0].fields.find((f: any) => f.field === 'seLinux')).toEqual({
      field: 'seLinux', level: 'privileged', reason: expect.stringMatching(/RunAsAny/), type: 'mutating-validating',
      baseline: 'rule MustRunAs, options user and role unset, type unset or one of container_t, container_init_t, container_kvm_t, level anything',
      restricted: 'rule MustRunAs, options user and role unset, type unset or one of container_t, container_init_t, container_kvm_t, level anything',
    });
  });

  test('--out writes one file per PSP and the json report, atomically replacing the folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'migrate-'));
    try {
      const out = join(dir, 'psp');
      expect((await cli(['migrate-psp', GUIDE, '--out', out])).code).toBe(0);
      expect(readdirSync(out).sort()).toEqual(['.cdk8s-hardened-tree', 'migration.json', 'restricted.yaml']);
      expect(readFileSync(join(out, 'restricted.yaml'), 'utf8')).toBe((await cli(['migrate-psp', GUIDE])).stdout);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('exit 1 when a control cannot be carried over', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'migrate-'));
    try {
      writeFileSync(join(dir, 'p.yaml'), psp({ forbiddenSysctls: ['kernel.shm_rmid_forced'] }));
      const r = await cli(['migrate-psp', join(dir, 'p.yaml')]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/p: forbiddenSysctls/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test.each([
    ['apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n', /document 1, line 1: "v1" "ConfigMap" "c" is not a PodSecurityPolicy/],
    [readFileSync(GUIDE, 'utf8').replace('  privileged: false', '  privilegd: false'), /line 7: PodSecurityPolicy spec.privilegd is not a PodSecurityPolicySpec field/],
    [readFileSync(GUIDE, 'utf8').replace("rule: 'MustRunAsNonRoot'", "rule: 'NonRoot'"), /spec.runAsUser.rule is "NonRoot"; PodSecurityPolicy knows MustRunAs, MustRunAsNonRoot, RunAsAny/],
    [readFileSync(GUIDE, 'utf8').replace("'secret'", "'secrets'"), /spec.volumes.3 names "secrets"/],
    [readFileSync(GUIDE, 'utf8').replace('  hostPID: false', '  hostPID: false\n  allowedProcMountTypes: [Masked]'), /spec.allowedProcMountTypes.0 is "Masked"; PodSecurityPolicy knows Default and Unmasked/],
  ])('bad input is one line naming file and line, exit 2 (%#)', async (text, message) => {
    const r = await cli(['migrate-psp', '-'], { stdin: text });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^cdk8s-hardened: <stdin>/);
  });
});

test('migrate-psp usage errors: exit 2, one line', async () => {
  const r = await cli(['migrate-psp', '--exclude-namespaces', 'Kube_System', GUIDE]);
  expect([r.code, r.stderr]).toEqual([2, 'cdk8s-hardened: --exclude-namespaces: "Kube_System" is not a namespace name (lower-case letters, digits and "-")\n']);
  const level = await cli(['migrate-psp', '--level', 'strict', GUIDE]);
  expect(level.code).toBe(2);
  expect(level.stderr).toMatch(/Allowed choices are baseline, restricted/);
  const excluded = JSON.parse((await cli(['migrate-psp', '--format', 'json', '--exclude-namespaces', 'kube-system,monitoring', GUIDE])).stdout);
  const binding = excluded.migrations[0].policies[1];
  expect(binding.spec.matchResources.namespaceSelector.matchExpressions[0]).toEqual({ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system', 'monitoring'] });
});

describe('check --psp', () => {
  test('judges the controls the PSP carries, beside the profile', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'migrate-'));
    try {
      const pod = goodPod();
      delete pod.spec.securityContext.fsGroup;
      writeFileSync(join(dir, 'pod.json'), JSON.stringify(pod));
      const without = await cli(['check', '--format', 'json', join(dir, 'pod.json')]);
      const withPsp = await cli(['check', '--format', 'json', '--psp', GUIDE, join(dir, 'pod.json')]);
      const ids = (r: { stdout: string }) => (JSON.parse(r.stdout).findings as Array<{ ruleId: string; severity: string }>).filter((f) => f.severity === 'error').map((f) => f.ruleId);
      expect(ids(without)).not.toContain('psp-fs-group');
      expect(ids(withPsp)).toEqual([...ids(without), 'psp-fs-group']);
      expect(withPsp.code).toBe(1);
      // On worker threads too: every thread derives the same psp-* rules (the workers need the compiled lib/).
      const second = { ...pod, metadata: { ...pod.metadata, name: 'web-2' } };
      writeFileSync(join(dir, "pods.yaml"), `---\n${JSON.stringify(pod)}\n---\n${JSON.stringify(second)}\n`);
      const one = await cli(['check', '--format', 'json', '--jobs', '1', '--psp', GUIDE, join(dir, 'pods.yaml')]);
      const two = await cli(['check', '--format', 'json', '--jobs', '2', '--psp', GUIDE, join(dir, 'pods.yaml')]);
      expect(JSON.parse(two.stdout).findings.filter((f: any) => f.ruleId === 'psp-fs-group').map((f: any) => f.object.name)).toEqual(['web', 'web-2']);
      expect(two.stdout).toBe(one.stdout);
      const bad = await cli(['check', '--psp', join(dir, 'pod.json'), join(dir, 'pod.json')]);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/is not a PodSecurityPolicy/);
      // The catalogue rules a PSP carries run too, when the profile does not already run them.
      const carried = migratePsp(parseManifests(readFileSync(GUIDE, 'utf8'), GUIDE)[0]).rules.map((r) => r.id).filter((id) => id.startsWith('pss-'));
      expect(carried.length).toBeGreaterThan(0);
      expect(carried).toContain('pss-restricted-privilege-escalation');
      const escalating = goodPod();
      escalating.spec.containers[0].securityContext.allowPrivilegeEscalation = true;
      writeFileSync(join(dir, 'escalating.json'), JSON.stringify(escalating));
      const findingIds = (r: { stdout: string }) => (JSON.parse(r.stdout).findings as Array<{ ruleId: string }>).map((f) => f.ruleId);
      expect(findingIds(await cli(['check', '--format', 'json', '--profile', 'pss-baseline', join(dir, 'escalating.json')])))
        .not.toContain('pss-restricted-privilege-escalation');
      expect(findingIds(await cli(['check', '--format', 'json', '--profile', 'pss-baseline', '--psp', GUIDE, join(dir, 'escalating.json')])))
        .toContain('pss-restricted-privilege-escalation');
      // Run once when the profile runs it already.
      expect(findingIds(await cli(['check', '--format', 'json', '--psp', GUIDE, join(dir, 'escalating.json')]))
        .filter((id) => id === 'pss-restricted-privilege-escalation')).toHaveLength(1);
      // One PSP at a time: a pod was admitted when any one PSP allowed it.
      writeFileSync(join(dir, 'two.yaml'), `${readFileSync(GUIDE, 'utf8')}\n---\n${readFileSync(GUIDE, 'utf8').replace(/name: restricted/, 'name: other')}`);
      const two2 = await cli(['check', '--psp', join(dir, 'two.yaml'), join(dir, 'pod.json')]);
      expect(two2.code).toBe(2);
      expect(two2.stderr).toMatch(/2 PodSecurityPolicies; check judges against one at a time/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

test('check --psp also judges the catalogue rules the PSP\'s policies carry beyond its level', async () => {
  // The guide's PSP maps to privileged, so its policies carry pss-baseline-privileged (and more): found by the
  // cluster suite `migrate`, where check --psp ran only the psp-* rules and passed pods the cluster refused.
  const dir = mkdtempSync(join(tmpdir(), 'migrate-'));
  try {
    const pod = goodPod();
    pod.spec.containers[0].securityContext = { ...pod.spec.containers[0].securityContext, privileged: true, allowPrivilegeEscalation: true };
    writeFileSync(join(dir, 'pod.json'), JSON.stringify(pod));
    const ids = (r: { stdout: string }) => (JSON.parse(r.stdout).findings as Array<{ ruleId: string }>).map((f) => f.ruleId);
    const schemaOnly = await cli(['check', '--format', 'json', '--profile', 'schema', '--psp', GUIDE, join(dir, 'pod.json')]);
    expect(ids(schemaOnly)).toEqual(['pss-baseline-privileged', 'pss-restricted-privilege-escalation']);
    // A carried rule the profile has already is judged once, as the profile's.
    const baseline = await cli(['check', '--format', 'json', '--profile', 'pss-baseline', '--psp', GUIDE, join(dir, 'pod.json')]);
    expect(ids(baseline).filter((id) => id === 'pss-baseline-privileged')).toHaveLength(1);
    expect(ids(baseline)).toContain('pss-restricted-privilege-escalation');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

describe('derived rules and their policies agree on every combination of the identity fields', () => {
  const variants: Array<[string, Record<string, unknown>]> = [
    ['MustRunAs', {
      volumes: ['*'], allowedCapabilities: ['*'],
      runAsUser: { rule: 'MustRunAs', ranges: [{ min: 1000, max: 2000 }] },
      runAsGroup: { rule: 'MustRunAs', ranges: [{ min: 3000, max: 3000 }] },
      fsGroup: { rule: 'MustRunAs', ranges: [{ min: 5, max: 10 }] },
      supplementalGroups: { rule: 'MustRunAs', ranges: [{ min: 5, max: 10 }, { min: 20, max: 20 }] },
    }],
    ['MayRunAs / MustRunAsNonRoot', {
      volumes: ['*'], allowedCapabilities: ['*'],
      runAsUser: { rule: 'MustRunAsNonRoot' },
      runAsGroup: { rule: 'MayRunAs', ranges: [{ min: 3000, max: 3000 }] },
      fsGroup: { rule: 'MayRunAs', ranges: [{ min: 5, max: 10 }] },
      supplementalGroups: { rule: 'MayRunAs', ranges: [{ min: 5, max: 10 }] },
    }],
  ];
  const users = [undefined, 0, 999, 1500];
  const flags = [undefined, true, false];
  const groups = [undefined, 1, 3000];
  const fsGroups = [undefined, 0, 7];
  const supplemental = [undefined, [], [7], [7, 0], [20]];
  const pods: Array<Record<string, unknown>> = [];
  const set = (o: Record<string, unknown>, k: string, v: unknown) => (v === undefined ? o : { ...o, [k]: v });
  for (const podUser of users) {
    for (const cUser of users) {
      for (const flag of flags) {
        for (const i of [0, 1, 2]) {
          const podSc = set(set(set(set({}, 'runAsUser', podUser), 'runAsNonRoot', i === 0 ? flag : undefined), 'runAsGroup', groups[i]),
            'fsGroup', fsGroups[(i + users.indexOf(cUser)) % 3]);
          const withGroups = set(podSc, 'supplementalGroups', supplemental[(users.indexOf(podUser) + i) % supplemental.length]);
          const cSc = set(set(set({ capabilities: { drop: ['ALL'] } }, 'runAsUser', cUser), 'runAsNonRoot', i === 1 ? flag : undefined), 'runAsGroup', groups[(i + 1) % 3]);
          pods.push({
            apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'app' },
            spec: { securityContext: withGroups, containers: [{ name: 'a', image: 'a:1', securityContext: cSc }, { name: 'b', image: 'b:1' }] },
          });
        }
      }
    }
  }

  test.each(variants)('%s', (_name, spec) => {
    const m = migrate(psp(spec));
    const generated = m.rules.filter((r) => r.id.startsWith('psp-'));
    expect(generated.map((r) => r.id).sort()).toEqual(['psp-fs-group', 'psp-run-as-group', 'psp-run-as-user', 'psp-supplemental-groups']);
    let denied = 0;
    for (const rule of generated) {
      const policy = m.policies.find((p) => p.kind === 'ValidatingAdmissionPolicy' && p.metadata.annotations['cdk8s-hardened.io/rule'] === rule.id)!;
      for (const pod of pods) {
        for (const kind of ['Pod', 'Deployment', 'CronJob']) {
          const object = kind === 'Pod' ? pod : wrapPod(pod, kind);
          const verdict = admit(policy, { object });
          expect([rule.id, kind, JSON.stringify(pod.spec), verdict.outcome === 'denied' && 'error' in verdict ? verdict.error : undefined, ruleFails(rule, object)])
            .toEqual([rule.id, kind, JSON.stringify(pod.spec), undefined, verdict.outcome === 'denied']);
          denied += verdict.outcome === 'denied' ? 1 : 0;
        }
      }
    }
    // Both outcomes occur for every rule: the combinations exercise each control.
    expect(denied).toBeGreaterThan(0);
    expect(denied).toBeLessThan(generated.length * pods.length * 3);
  });
});
