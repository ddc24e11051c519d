import { stringify } from 'yaml';
import { parseManifests } from '../../../src/input/parse';
import { evaluate, rulesForProfile } from '../../../src/catalogue';
import { isFailing, UNJUDGEABLE_POD_RULE_ID } from '../../../src/policy/engine';
import { Finding, Manifest, Rule } from '../../../src/policy/rule';
import { POD_SECURITY_RULES } from '../../../src/policy/rules/pod-security';

/** The 17 Pod Security Standards rules, judged by PSA v1.28 semantics. */
const BASELINE = rulesForProfile('pss-baseline');
const RESTRICTED = rulesForProfile('pss-restricted');
const CRASH = 'failed on this object';

function rule(id: string): Rule {
  const found = POD_SECURITY_RULES.find((r) => r.id === id);
  if (!found) {
    throw new Error(`no rule ${id}`);
  }
  return found;
}

/** Findings of one rule over plain objects. */
function run(id: string, ...objects: unknown[]): Finding[] {
  return evaluate(objects.map((object) => ({ object })), [rule(id)]).filter((f) => f.ruleId === id);
}

type Json = Record<string, unknown>;

function pod(spec: Json, metadata: Json = {}): Json {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'team-a', ...metadata }, spec };
}

/** The minimal restricted pod spec (PSA fixture restricted/v1.28/pass/base.yaml, plus an init container). */
function restrictedSpec(): Json {
  const hardened = () => ({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
  return {
    securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
    initContainers: [{ name: 'init', image: 'registry.example.com/app:1.0.0', securityContext: hardened() }],
    containers: [{ name: 'app', image: 'registry.example.com/app:1.0.0', securityContext: hardened() }],
  };
}

/** A pod spec whose init container is privileged. */
function privilegedInitSpec(): Json {
  return {
    initContainers: [{ name: 'setup', image: 'registry.example.com/app:1.0.0', securityContext: { privileged: true } }],
    containers: [{ name: 'app', image: 'registry.example.com/app:1.0.0' }],
  };
}

/** An object of `kind` that carries `spec` as its pod spec, wherever that kind keeps it. */
function carrier(apiVersion: string, kind: string, spec: Json): Json {
  const metadata = { name: 'web', namespace: 'team-a' };
  const template = { metadata: { labels: { app: 'web' } }, spec };
  const selector = { matchLabels: { app: 'web' } };
  switch (kind) {
    case 'Pod':
      return { apiVersion, kind, metadata, spec };
    case 'PodTemplate':
      return { apiVersion, kind, metadata, template };
    case 'ReplicationController':
      return { apiVersion, kind, metadata, spec: { selector: { app: 'web' }, template } };
    case 'StatefulSet':
      return { apiVersion, kind, metadata, spec: { serviceName: 'web', selector, template } };
    case 'Job':
      return { apiVersion, kind, metadata, spec: { template: { ...template, spec: { ...spec, restartPolicy: 'Never' } } } };
    case 'CronJob':
      return {
        apiVersion,
        kind,
        metadata,
        spec: { schedule: '0 * * * *', jobTemplate: { spec: { template: { ...template, spec: { ...spec, restartPolicy: 'OnFailure' } } } } },
      };
    default:
      return { apiVersion, kind, metadata, spec: { selector, template } };
  }
}

/** Every pod-carrying kind, the apiVersions that serve it, and where its pod spec sits. */
const KINDS: ReadonlyArray<{ apiVersion: string; kind: string; spec: string }> = [
  { apiVersion: 'v1', kind: 'Pod', spec: 'spec' },
  { apiVersion: 'v1', kind: 'PodTemplate', spec: 'template.spec' },
  { apiVersion: 'v1', kind: 'ReplicationController', spec: 'spec.template.spec' },
  { apiVersion: 'apps/v1', kind: 'Deployment', spec: 'spec.template.spec' },
  { apiVersion: 'apps/v1', kind: 'ReplicaSet', spec: 'spec.template.spec' },
  { apiVersion: 'apps/v1', kind: 'DaemonSet', spec: 'spec.template.spec' },
  { apiVersion: 'apps/v1', kind: 'StatefulSet', spec: 'spec.template.spec' },
  { apiVersion: 'batch/v1', kind: 'Job', spec: 'spec.template.spec' },
  { apiVersion: 'batch/v1', kind: 'CronJob', spec: 'spec.jobTemplate.spec.template.spec' },
  // Removed API versions still carry a pod spec and are judged (pss rules do not depend on the version).
  { apiVersion: 'extensions/v1beta1', kind: 'Deployment', spec: 'spec.template.spec' },
  { apiVersion: 'extensions/v1beta1', kind: 'DaemonSet', spec: 'spec.template.spec' },
  { apiVersion: 'apps/v1beta2', kind: 'StatefulSet', spec: 'spec.template.spec' },
  { apiVersion: 'batch/v1beta1', kind: 'CronJob', spec: 'spec.jobTemplate.spec.template.spec' },
];

/** The 1-based line of the first line of `text` that contains `needle`. */
function lineOf(text: string, needle: string): number {
  return text.split('\n').findIndex((l) => l.includes(needle)) + 1;
}

describe('pss-baseline-privileged finds a privileged init container in every pod-carrying kind', () => {
  test.each(KINDS)('$apiVersion $kind at $spec.initContainers[0]', ({ apiVersion, kind, spec }) => {
    const object = carrier(apiVersion, kind, privilegedInitSpec());
    const findings = run('pss-baseline-privileged', object);
    expect(findings.map((f) => f.path)).toEqual([`${spec}.initContainers[0].securityContext.privileged`]);
    expect(findings[0]).toMatchObject({
      severity: 'error',
      object: { apiVersion, kind, namespace: 'team-a', name: 'web' },
      message: 'container "setup" sets securityContext.privileged to true',
    });
  });

  test.each(KINDS)('$apiVersion $kind read from YAML points at the line of the field', ({ apiVersion, kind }) => {
    const text = stringify(carrier(apiVersion, kind, privilegedInitSpec()));
    const findings = evaluate(parseManifests(text, 'web.yaml'), [rule('pss-baseline-privileged')]);
    expect(findings).toHaveLength(1);
    expect(findings[0].file).toBe('web.yaml');
    expect(findings[0].line).toBe(lineOf(text, 'privileged: true'));
  });

  test.each(KINDS)('$apiVersion $kind as an item of a v1 List', ({ apiVersion, kind, spec }) => {
    const list = {
      apiVersion: 'v1',
      kind: 'List',
      items: [
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'conf', namespace: 'team-a' }, data: { a: 'b' } },
        carrier(apiVersion, kind, privilegedInitSpec()),
      ],
    };
    const text = stringify(list);
    const findings = evaluate(parseManifests(text, 'list.yaml'), [rule('pss-baseline-privileged')]);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      path: `${spec}.initContainers[0].securityContext.privileged`,
      object: { kind, name: 'web' },
      line: lineOf(text, 'privileged: true'),
    });
  });

  test('ephemeral containers and every index are judged, in initContainers, containers, ephemeralContainers order', () => {
    const spec = {
      initContainers: [{ name: 'i0' }, { name: 'i1', securityContext: { privileged: true } }],
      containers: [{ name: 'c0', securityContext: { privileged: true } }],
      ephemeralContainers: [{ name: 'e0', securityContext: { privileged: false } }, { name: 'e1', securityContext: { privileged: true } }],
    };
    expect(run('pss-baseline-privileged', carrier('batch/v1', 'CronJob', spec)).map((f) => f.path)).toEqual([
      'spec.jobTemplate.spec.template.spec.initContainers[1].securityContext.privileged',
      'spec.jobTemplate.spec.template.spec.containers[0].securityContext.privileged',
      'spec.jobTemplate.spec.template.spec.ephemeralContainers[1].securityContext.privileged',
    ]);
  });
});

describe('objects without a pod spec are not judged', () => {
  const everythingWrong = (): Json => ({
    hostNetwork: true,
    hostPID: true,
    securityContext: { runAsNonRoot: false, runAsUser: 0, seccompProfile: { type: 'Unconfined' }, sysctls: [{ name: 'kernel.msgmax', value: '1' }] },
    initContainers: [{ name: 'setup', securityContext: { privileged: true, capabilities: { add: ['SYS_ADMIN'] } } }],
    containers: [{ name: 'app', ports: [{ containerPort: 80, hostPort: 80 }], securityContext: { procMount: 'Unmasked', allowPrivilegeEscalation: true } }],
    volumes: [{ name: 'root', hostPath: { path: '/' } }],
  });
  const annotations = { 'container.apparmor.security.beta.kubernetes.io/app': 'unconfined' };

  test('the bad pod spec itself fails every one of the 17 rules (so the negatives below are meaningful)', () => {
    const object = pod(everythingWrong(), { annotations });
    const spec = (object.spec as Json);
    (spec.securityContext as Json).windowsOptions = { hostProcess: true };
    (spec.securityContext as Json).seLinuxOptions = { type: 'spc_t' };
    const ids = new Set(evaluate([{ object }], POD_SECURITY_RULES).map((f) => f.ruleId));
    expect([...ids].sort()).toEqual(POD_SECURITY_RULES.map((r) => r.id).sort());
  });

  test.each([
    ['custom resource Deployment in another group', 'example.com/v1', 'Deployment'],
    ['custom resource DaemonSet in an apps-like group', 'apps.example.com/v1', 'DaemonSet'],
    ['custom resource CronJob', 'stable.example.com/v1', 'CronJob'],
    ['custom resource Pod', 'example.com/v1alpha1', 'Pod'],
    ['Deployment in the core group', 'v1', 'Deployment'],
    ['Deployment in the batch group', 'batch/v1', 'Deployment'],
    ['CronJob in the apps group', 'apps/v1', 'CronJob'],
    ['Job in the apps group', 'apps/v1', 'Job'],
    ['Pod in the apps group', 'apps/v1', 'Pod'],
    ['StatefulSet in the extensions group', 'extensions/v1beta1', 'StatefulSet'],
    ['PodTemplate in the apps group', 'apps/v1', 'PodTemplate'],
    ['Argo Rollout', 'argoproj.io/v1alpha1', 'Rollout'],
  ])('%s (%s %s)', (_, apiVersion, kind) => {
    const object = carrier(apiVersion, kind, everythingWrong());
    // Put the pod spec in every place a kind could keep it, so no traversal can pick it up by accident.
    const spec = everythingWrong();
    const podTemplate = { metadata: { annotations }, spec };
    Object.assign(object, {
      template: podTemplate,
      spec: { ...(object.spec as Json), ...spec, template: podTemplate, jobTemplate: { spec: { template: podTemplate } } },
    });
    // No Pod Security rule can read such an object; a kind of a built-in group is reported as unjudgeable instead
    // of passing (an error in every profile), a custom resource is not a pod-bearing object at all.
    const findings = evaluate([{ object }], POD_SECURITY_RULES);
    expect(findings.filter((f) => f.ruleId !== UNJUDGEABLE_POD_RULE_ID)).toEqual([]);
    const builtin = /^(v1|(apps|batch|extensions)\/.*)$/.test(apiVersion);
    expect(findings.filter((f) => f.ruleId === UNJUDGEABLE_POD_RULE_ID).map((f) => [f.severity, f.path])).toEqual(builtin ? [['error', 'apiVersion']] : []);
  });

  test.each([
    ['ConfigMap', 'v1'],
    ['Secret', 'v1'],
    ['Service', 'v1'],
    ['Namespace', 'v1'],
    ['PodDisruptionBudget', 'policy/v1'],
    ['HorizontalPodAutoscaler', 'autoscaling/v2'],
    ['CustomResourceDefinition', 'apiextensions.k8s.io/v1'],
    ['List', 'v1'],
  ])('%s (%s) with pod-like fields', (kind, apiVersion) => {
    const spec = everythingWrong();
    const object = {
      apiVersion,
      kind,
      metadata: { name: 'web', namespace: 'team-a', annotations },
      spec: { ...spec, template: { spec }, jobTemplate: { spec: { template: { spec } } } },
      template: { spec },
      data: { containers: 'privileged' },
    };
    expect(evaluate([{ object }], POD_SECURITY_RULES)).toEqual([]);
  });

  test('a workload whose template has no spec is not judged by the rules, and reported as unjudgeable', () => {
    const object = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { template: { metadata: { annotations } } } };
    expect(evaluate([{ object }], POD_SECURITY_RULES).map((f) => [f.ruleId, f.path])).toEqual([[UNJUDGEABLE_POD_RULE_ID, 'spec.template.spec']]);
  });
});

describe('messages are one lowercase clause naming the container (or pod or volume) and the value', () => {
  const cases: ReadonlyArray<[string, Json, string[]]> = [
    ['pss-baseline-host-process', pod({
      securityContext: { windowsOptions: { hostProcess: true } },
      containers: [{ name: 'app', securityContext: { windowsOptions: { hostProcess: true } } }],
    }), [
      'pod sets securityContext.windowsOptions.hostProcess to true',
      'container "app" sets securityContext.windowsOptions.hostProcess to true',
    ]],
    ['pss-baseline-host-namespaces', pod({ hostNetwork: true, hostPID: false, hostIPC: true, containers: [{ name: 'app' }] }), [
      'pod sets hostNetwork to true',
      'pod sets hostIPC to true',
    ]],
    ['pss-baseline-privileged', pod({ containers: [{ name: 'app', securityContext: { privileged: true } }] }), [
      'container "app" sets securityContext.privileged to true',
    ]],
    ['pss-baseline-capabilities', pod({ containers: [{ name: 'app', securityContext: { capabilities: { add: ['CHOWN', 'SYS_ADMIN', 'net_raw'] } } }] }), [
      'container "app" adds capability "SYS_ADMIN"',
      'container "app" adds capability "net_raw"',
    ]],
    ['pss-baseline-host-path-volumes', pod({ containers: [{ name: 'app' }], volumes: [{ name: 'sock', hostPath: { path: '/var/run/docker.sock' } }] }), [
      'volume "sock" is a hostPath volume',
    ]],
    ['pss-baseline-host-ports', pod({ containers: [{ name: 'app', ports: [{ containerPort: 80, hostPort: 8080 }] }] }), [
      'container "app" sets hostPort to 8080',
    ]],
    ['pss-baseline-apparmor', pod({ containers: [{ name: 'app' }] }, {
      annotations: { 'container.apparmor.security.beta.kubernetes.io/app': 'unconfined' },
    }), [
      'container "app" has AppArmor profile "unconfined"',
    ]],
    ['pss-baseline-selinux', pod({
      securityContext: { seLinuxOptions: { role: 'system_r' } },
      containers: [{ name: 'app', securityContext: { seLinuxOptions: { type: 'spc_t', user: 'system_u' } } }],
    }), [
      'pod sets seLinuxOptions.role to "system_r"',
      'container "app" sets seLinuxOptions.type to "spc_t"',
      'container "app" sets seLinuxOptions.user to "system_u"',
    ]],
    ['pss-baseline-proc-mount', pod({ containers: [{ name: 'app', securityContext: { procMount: 'Unmasked' } }] }), [
      'container "app" sets securityContext.procMount to "Unmasked"',
    ]],
    ['pss-baseline-seccomp', pod({
      securityContext: { seccompProfile: { type: 'Unconfined' } },
      containers: [{ name: 'app', securityContext: { seccompProfile: { type: 'Unconfined' } } }],
    }), [
      'pod sets securityContext.seccompProfile.type to "Unconfined"',
      'container "app" sets securityContext.seccompProfile.type to "Unconfined"',
    ]],
    ['pss-baseline-sysctls', pod({ securityContext: { sysctls: [{ name: 'kernel.msgmax', value: '1' }] }, containers: [{ name: 'app' }] }), [
      'pod sets sysctl "kernel.msgmax"',
    ]],
    ['pss-restricted-volume-types', pod({ containers: [{ name: 'app' }], volumes: [{ name: 'share', nfs: { server: 'nfs', path: '/' } }] }), [
      'volume "share" uses volume type nfs',
    ]],
    ['pss-restricted-privilege-escalation', pod({
      containers: [{ name: 'app' }, { name: 'sidecar', securityContext: { allowPrivilegeEscalation: true } }],
    }), [
      'container "app" does not set securityContext.allowPrivilegeEscalation to false',
      'container "sidecar" sets securityContext.allowPrivilegeEscalation to true',
    ]],
    ['pss-restricted-run-as-non-root', pod({
      containers: [{ name: 'app' }, { name: 'sidecar', securityContext: { runAsNonRoot: false } }],
    }), [
      'container "app" does not set securityContext.runAsNonRoot to true, and neither does the pod',
      'container "sidecar" sets securityContext.runAsNonRoot to false',
    ]],
    ['pss-restricted-run-as-user', pod({ securityContext: { runAsUser: 0 }, containers: [{ name: 'app', securityContext: { runAsUser: 0 } }] }), [
      'pod sets securityContext.runAsUser to 0',
      'container "app" sets securityContext.runAsUser to 0',
    ]],
    ['pss-restricted-seccomp', pod({
      containers: [{ name: 'app' }, { name: 'sidecar', securityContext: { seccompProfile: { type: 'Unconfined' } } }],
    }), [
      'container "app" has no seccompProfile, and the pod sets no RuntimeDefault or Localhost profile',
      'container "sidecar" sets securityContext.seccompProfile.type to "Unconfined"',
    ]],
    ['pss-restricted-capabilities', pod({ containers: [{ name: 'app', securityContext: { capabilities: { drop: ['all'], add: ['CHOWN'] } } }] }), [
      'container "app" does not drop capability "ALL"',
      'container "app" adds capability "CHOWN"',
    ]],
  ];

  test('the table covers every pss rule', () => {
    expect(cases.map(([id]) => id).sort()).toEqual(POD_SECURITY_RULES.map((r) => r.id).sort());
  });

  test.each(cases)('%s', (id, object, messages) => {
    const found = run(id, object).map((f) => f.message);
    expect(found).toEqual(messages);
    for (const message of found) {
      expect(message).toMatch(/^[a-z]/);
      expect(message).not.toMatch(/[.\n]$/);
      expect(message).not.toContain('\n');
    }
  });

  test('a container without a name is named by its index', () => {
    expect(run('pss-baseline-privileged', pod({ containers: [{ securityContext: { privileged: true } }] })).map((f) => f.message))
      .toEqual(['container "#0" sets securityContext.privileged to true']);
  });
});

describe('odd input never crashes a rule', () => {
  const ALL = POD_SECURITY_RULES;
  const crashes = (findings: readonly Finding[]) => findings.filter((f) => f.message.includes(CRASH));

  test('the crash marker is what the engine reports for a rule that throws', () => {
    const throwing: Rule = { ...rule('pss-baseline-privileged'), scope: 'object', check: () => { throw new Error('boom'); } };
    const findings = evaluate([{ object: pod({ containers: [] }) }], [throwing]);
    expect(findings.map((f) => f.message)).toEqual([expect.stringContaining(CRASH)]);
  });

  const odd: ReadonlyArray<[string, unknown]> = [
    ['spec is a string', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: 'containers' }],
    ['spec is null', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: null }],
    ['spec is a list', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: [{ containers: [] }] }],
    ['spec is a number', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: 42 }],
    ['no metadata', { apiVersion: 'v1', kind: 'Pod', spec: { containers: [{ name: 'a' }] } }],
    ['metadata is a string', { apiVersion: 'v1', kind: 'Pod', metadata: 'p', spec: { containers: [{ name: 'a' }] } }],
    ['annotations is a string', pod({ containers: [] }, { annotations: 'container.apparmor.security.beta.kubernetes.io/a=unconfined' })],
    ['annotations is a list', pod({ containers: [] }, { annotations: ['container.apparmor.security.beta.kubernetes.io/a'] })],
    ['annotation values of every type', pod({ containers: [] }, {
      annotations: {
        'container.apparmor.security.beta.kubernetes.io/a': 5,
        'container.apparmor.security.beta.kubernetes.io/b': { profile: 'x' },
        'container.apparmor.security.beta.kubernetes.io/c': ['runtime/default'],
        'container.apparmor.security.beta.kubernetes.io/d': true,
        'container.apparmor.security.beta.kubernetes.io/': 'unconfined',
      },
    })],
    ['containers: null', pod({ containers: null, initContainers: null, ephemeralContainers: null })],
    ['containers is a string', pod({ containers: 'app', initContainers: 'init' })],
    ['containers is a mapping', pod({ containers: { name: 'app', securityContext: { privileged: true } } })],
    ['containers hold non-objects', pod({ containers: [null, 1, 'app', [], true], ephemeralContainers: [[{ name: 'x' }]] })],
    ['container name is not a string', pod({ containers: [{ name: 5, securityContext: { privileged: true } }, { name: null }] })],
    ['securityContext: [] on pod and container', pod({ securityContext: [], containers: [{ name: 'a', securityContext: [] }] })],
    ['securityContext is a string', pod({ securityContext: 'restricted', containers: [{ name: 'a', securityContext: 'privileged' }] })],
    ['securityContext: null', pod({ securityContext: null, containers: [{ name: 'a', securityContext: null }] })],
    ['capabilities is a string', pod({ containers: [{ name: 'a', securityContext: { capabilities: 'ALL' } }] })],
    ['capabilities.add: "SYS_ADMIN"', pod({ containers: [{ name: 'a', securityContext: { capabilities: { add: 'SYS_ADMIN', drop: 'ALL' } } }] })],
    ['capabilities.add of every type', pod({ containers: [{ name: 'a', securityContext: { capabilities: { add: [null, 1, {}, [], true, ''], drop: [null, {}] } } }] })],
    ['seccompProfile is a string', pod({ securityContext: { seccompProfile: 'RuntimeDefault' }, containers: [{ name: 'a', securityContext: { seccompProfile: 'Unconfined' } }] })],
    ['seccompProfile type of every type', pod({
      securityContext: { seccompProfile: { type: 1 } },
      containers: [{ name: 'a', securityContext: { seccompProfile: { type: null } } }, { name: 'b', securityContext: { seccompProfile: [] } }],
    })],
    ['seLinuxOptions odd', pod({
      securityContext: { seLinuxOptions: 'spc_t' },
      containers: [{ name: 'a', securityContext: { seLinuxOptions: { type: null, user: 5, role: [] } } }, { name: 'b', securityContext: { seLinuxOptions: { type: { t: 1 } } } }],
    })],
    ['sysctls odd', pod({ securityContext: { sysctls: [null, {}, { name: 5 }, 'kernel.msgmax', []] }, containers: [] })],
    ['sysctls is a string', pod({ securityContext: { sysctls: 'kernel.msgmax=1' }, containers: [] })],
    ['volumes odd', pod({ containers: [], volumes: [null, 'x', {}, [], { name: 1, hostPath: null }, { hostPath: 'x' }, { nfs: [] }] })],
    ['volumes is a mapping', pod({ containers: [], volumes: { hostPath: { path: '/' } } })],
    ['ports odd', pod({ containers: [{ name: 'a', ports: [null, 'x', { hostPort: '80' }, { hostPort: null }, { hostPort: -1 }] }, { name: 'b', ports: '80' }] })],
    ['windowsOptions odd', pod({ securityContext: { windowsOptions: true }, containers: [{ name: 'a', securityContext: { windowsOptions: ['hostProcess'] } }] })],
    ['os odd', pod({ os: 'windows', containers: [{ name: 'a' }] })],
    ['os name odd', pod({ os: { name: null }, containers: [{ name: 'a' }] })],
    ['host namespace fields odd', pod({ hostNetwork: 'true', hostPID: 1, hostIPC: null, containers: [] })],
    ['procMount odd', pod({ containers: [{ name: 'a', securityContext: { procMount: {} } }] })],
    ['runAsNonRoot/runAsUser odd', pod({ securityContext: { runAsNonRoot: 'true', runAsUser: '0' }, containers: [{ name: 'a', securityContext: { runAsNonRoot: 1, runAsUser: null } }] })],
    ['template: null', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { template: null } }],
    ['template is a string', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { template: 'pod' } }],
    ['spec of a Deployment is a list', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: [] }],
    ['jobTemplate is a string', { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'c' }, spec: { jobTemplate: 'job' } }],
    ['jobTemplate.spec.template.spec is a number', { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'c' }, spec: { jobTemplate: { spec: { template: { spec: 1 } } } } }],
    ['PodTemplate template is a list', { apiVersion: 'v1', kind: 'PodTemplate', metadata: { name: 't' }, template: [] }],
    ['kind names an Object.prototype member', { apiVersion: 'v1', kind: 'constructor', metadata: { name: 'x' }, spec: { containers: [{ securityContext: { privileged: true } }] } }],
    ['kind __proto__', JSON.parse('{"apiVersion":"v1","kind":"__proto__","metadata":{"name":"x"},"spec":{"containers":[]}}')],
    ['own __proto__ keys', JSON.parse('{"apiVersion":"v1","kind":"Pod","metadata":{"name":"x","annotations":{"__proto__":"unconfined"}},'
      + '"spec":{"__proto__":{"hostNetwork":true},"containers":[{"name":"a","__proto__":{"securityContext":{"privileged":true}}}]}}')],
    ['objects without a prototype', (() => {
      const bare = <T extends object>(o: T): T => Object.assign(Object.create(null), o);
      return bare({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: bare({ name: 'x' }),
        spec: bare({ containers: [bare({ name: 'a', securityContext: bare({ privileged: true }) })] }),
      });
    })()],
    ['not an object at all', 'apiVersion: v1'],
    ['apiVersion is not a string', { apiVersion: 1, kind: 'Pod', spec: { containers: [{ securityContext: { privileged: true } }] } }],
  ];

  test.each(odd)('%s', (_, object) => {
    const manifests: Manifest[] = [{ object }];
    expect(() => evaluate(manifests, ALL)).not.toThrow();
    expect(crashes(evaluate(manifests, ALL))).toEqual([]);
    expect(crashes(evaluate(manifests, RESTRICTED))).toEqual([]);
  });

  test('odd values still give the findings PSA would give where the shape is readable', () => {
    // capabilities.add as a string is not a list: nothing is added, but nothing is dropped either.
    expect(run('pss-baseline-capabilities', pod({ containers: [{ name: 'a', securityContext: { capabilities: { add: 'SYS_ADMIN' } } }] }))).toEqual([]);
    expect(run('pss-restricted-capabilities', pod({ containers: [{ name: 'a', securityContext: { capabilities: { add: 'SYS_ADMIN' } } }] }))
      .map((f) => f.path)).toEqual(['spec.containers[0].securityContext.capabilities.drop']);
    // A seccompProfile without a valid type is set but not allowed (Go decodes the type as "").
    expect(run('pss-baseline-seccomp', pod({ securityContext: { seccompProfile: {} }, containers: [] })).map((f) => f.message))
      .toEqual(['pod sets securityContext.seccompProfile.type to ""']);
    // Only a real true counts for boolean fields; the API server would reject a string anyway.
    expect(run('pss-baseline-privileged', pod({ containers: [{ name: 'a', securityContext: { privileged: 'true' } }] }))).toEqual([]);
    // Non-object containers are skipped, the objects around them are still judged at their own index.
    expect(run('pss-baseline-privileged', pod({ containers: [null, 'x', { name: 'a', securityContext: { privileged: true } }] })).map((f) => f.path))
      .toEqual(['spec.containers[2].securityContext.privileged']);
  });

  /** Every path of a JSON value, outermost first. */
  function paths(value: unknown, prefix: Array<string | number> = []): Array<Array<string | number>> {
    if (Array.isArray(value)) {
      return [prefix, ...value.flatMap((v, i) => paths(v, [...prefix, i]))];
    }
    if (typeof value === 'object' && value !== null) {
      return [prefix, ...Object.entries(value).flatMap(([k, v]) => paths(v, [...prefix, k]))];
    }
    return [prefix];
  }

  function replaced(value: unknown, path: ReadonlyArray<string | number>, by: unknown): unknown {
    if (path.length === 0) {
      return by;
    }
    const copy: any = Array.isArray(value) ? [...value] : { ...(value as object) };
    copy[path[0]] = replaced(copy[path[0]], path.slice(1), by);
    return copy;
  }

  test('replacing any field of a busy pod and of a busy CronJob with a value of the wrong type never crashes a rule', () => {
    const busy: Json = {
      os: { name: 'linux' },
      hostNetwork: true,
      securityContext: {
        runAsNonRoot: true,
        runAsUser: 0,
        seccompProfile: { type: 'Localhost', localhostProfile: 'p.json' },
        seLinuxOptions: { type: 'container_t', user: 'u', role: 'r' },
        sysctls: [{ name: 'kernel.msgmax', value: '1' }],
        windowsOptions: { hostProcess: false },
      },
      initContainers: [{
        name: 'init',
        ports: [{ containerPort: 53, hostPort: 53 }],
        securityContext: { privileged: true, procMount: 'Unmasked', capabilities: { add: ['NET_BIND_SERVICE', 'SYS_ADMIN'], drop: ['ALL'] } },
      }],
      containers: [{
        name: 'app',
        securityContext: {
          allowPrivilegeEscalation: false,
          runAsNonRoot: false,
          seccompProfile: { type: 'Unconfined' },
          seLinuxOptions: { type: 'spc_t' },
          windowsOptions: { hostProcess: true },
        },
      }],
      ephemeralContainers: [{ name: 'debug', securityContext: { capabilities: { add: ['CHOWN'] } } }],
      volumes: [{ name: 'a', hostPath: { path: '/' } }, { name: 'b', nfs: { server: 's', path: '/' } }, { name: 'c' }],
    };
    const annotations = { 'container.apparmor.security.beta.kubernetes.io/app': 'unconfined' };
    const objects = [pod(busy, { annotations }), carrier('batch/v1', 'CronJob', busy)];
    (objects[1] as any).spec.jobTemplate.spec.template.metadata.annotations = annotations;
    const wrong: unknown[] = [null, [], {}, 'x', 0, 1, true, false, [null], [{}], ['x']];
    let evaluations = 0;
    for (const object of objects) {
      for (const path of paths(object).filter((p) => p.length > 0)) {
        for (const by of wrong) {
          const mutated = replaced(object, path, by);
          const findings = evaluate([{ object: mutated }], ALL);
          evaluations++;
          if (crashes(findings).length > 0) {
            throw new Error(`a rule crashed with ${JSON.stringify(by)} at ${path.join('.')}: ${crashes(findings)[0].message}`);
          }
        }
      }
    }
    expect(evaluations).toBeGreaterThan(1000);
  });
});

describe('packs', () => {
  test('pss-baseline holds the 11 baseline rules, pss-restricted the 6 restricted ones plus the 8 baseline ones they do not replace', () => {
    const ids = (rules: readonly Rule[]) => rules.map((r) => r.id).filter((id) => id.startsWith('pss-'));
    expect(ids(BASELINE)).toEqual(POD_SECURITY_RULES.slice(0, 11).map((r) => r.id));
    expect(ids(RESTRICTED)).toHaveLength(14);
    expect(ids(RESTRICTED).filter((id) => ['pss-baseline-capabilities', 'pss-baseline-host-path-volumes', 'pss-baseline-seccomp'].includes(id)))
      .toEqual([]);
  });
});

describe('a restricted pod template', () => {
  const failing = (objects: unknown[], rules: readonly Rule[]) =>
    evaluate(objects.map((object) => ({ object })), rules).filter((f) => f.ruleId.startsWith('pss-') && isFailing(f));

  test.each(KINDS)('in $apiVersion $kind passes pss-restricted and pss-baseline', ({ apiVersion, kind }) => {
    const object = carrier(apiVersion, kind, restrictedSpec());
    expect(failing([object], RESTRICTED)).toEqual([]);
    expect(failing([object], BASELINE)).toEqual([]);
  });

  test('in a Deployment passes pss-restricted, and so does its Pod equivalent', () => {
    const deployment = carrier('apps/v1', 'Deployment', restrictedSpec());
    const equivalent = pod(restrictedSpec(), { labels: { app: 'web' } });
    expect(failing([deployment, equivalent], RESTRICTED)).toEqual([]);
  });

  test('and the same template without its hardening fails the same rules in a Deployment and in a Pod, at the matching paths', () => {
    const spec = restrictedSpec();
    delete (spec.securityContext as Json).seccompProfile;
    ((spec.containers as Json[])[0].securityContext as Json).allowPrivilegeEscalation = true;
    const inDeployment = failing([carrier('apps/v1', 'Deployment', spec)], RESTRICTED);
    const inPod = failing([pod(spec)], RESTRICTED);
    expect(inDeployment.map((f) => [f.ruleId, f.path.replace(/^spec\.template\.spec/, 'spec'), f.message]))
      .toEqual(inPod.map((f) => [f.ruleId, f.path, f.message]));
    expect(new Set(inPod.map((f) => f.ruleId))).toEqual(new Set(['pss-restricted-seccomp', 'pss-restricted-privilege-escalation']));
  });

  test('a Windows pod passes pss-restricted without allowPrivilegeEscalation, seccomp or capabilities, as PSA v1.28 does', () => {
    const windows = pod({
      os: { name: 'windows' },
      securityContext: { runAsNonRoot: true },
      containers: [{ name: 'app', image: 'mcr.microsoft.com/windows/nanoserver:ltsc2022' }],
    });
    expect(failing([windows], RESTRICTED)).toEqual([]);
    // Without the os field the same pod fails exactly those three checks.
    const linux = pod({ ...(windows.spec as Json), os: undefined });
    expect(failing([linux], RESTRICTED).map((f) => f.ruleId).sort())
      .toEqual(['pss-restricted-capabilities', 'pss-restricted-privilege-escalation', 'pss-restricted-seccomp']);
  });

  test('PSA quirk: restricted replaces the baseline seccomp and capabilities checks, so a Windows pod with Unconfined and SYS_ADMIN '
    + 'passes restricted while it fails baseline', () => {
    const windows = carrier('apps/v1', 'Deployment', {
      os: { name: 'windows' },
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'Unconfined' } },
      containers: [{ name: 'app', securityContext: { capabilities: { add: ['SYS_ADMIN'] } } }],
    });
    expect(failing([windows], RESTRICTED)).toEqual([]);
    expect(failing([windows], BASELINE).map((f) => f.ruleId)).toEqual(['pss-baseline-capabilities', 'pss-baseline-seccomp']);
  });
});
