import { parse } from '@bufbuild/cel';
import { parseAllDocuments } from 'yaml';
import {
  ADMISSION_CATALOGUE, admissionApiVersion, admissionSupport, AdmissionObject, formatAdmissionYaml,
  generateAdmissionPolicies, LIMITATION_ANNOTATION, notExpressibleRules, RULE_ANNOTATION, SEVERITY_ANNOTATION,
} from '../../src/admission';
import { POD_TEMPLATE_LOCATIONS } from '../../src/policy/rules/cel';
import { evaluate, rulesForProfile, ALL_RULES } from '../../src/catalogue';
import { POD_KINDS } from '../../src/policy/pod-spec';
import { PROFILES } from '../../src/policy/rule';
import { SCHEMA_RULE } from '../../src/schema';
import { admit, bindingSelects, wrapPod } from './harness';

const policies = (objects: AdmissionObject[]) => objects.filter((o) => o.kind === 'ValidatingAdmissionPolicy');
const bindings = (objects: AdmissionObject[]) => objects.filter((o) => o.kind === 'ValidatingAdmissionPolicyBinding');
const named = (objects: AdmissionObject[], ruleId: string, kind = 'ValidatingAdmissionPolicy') =>
  objects.find((o) => o.kind === kind && o.metadata.annotations[RULE_ANNOTATION] === ruleId)!;

const privilegedPod = {
  apiVersion: 'v1', kind: 'Pod', metadata: { name: 'bad', namespace: 'app' },
  spec: { containers: [{ name: 'app', image: 'app:1.0', securityContext: { privileged: true } }] },
};

describe('every rule has an admission entry', () => {
  test('each rule of the catalogue has CEL or a declared reason why it has none', () => {
    const missing = ALL_RULES.map((r) => r.id).filter((id) => !Object.prototype.hasOwnProperty.call(ADMISSION_CATALOGUE, id));
    expect(missing).toEqual([]);
  });

  test('the admission catalogue names no rule that does not exist', () => {
    const ids = new Set(ALL_RULES.map((r) => r.id));
    expect(Object.keys(ADMISSION_CATALOGUE).filter((id) => !ids.has(id))).toEqual([]);
  });

  test('a rule over the whole object set is not expressible, or says what its policy cannot check; every reason is a real sentence', () => {
    for (const rule of ALL_RULES) {
      const support = admissionSupport(rule.id);
      if (rule.scope === 'set' && support.expressible) {
        expect(support.limitation?.length).toBeGreaterThan(40);
      }
      if (!support.expressible) {
        expect(support.reason.length).toBeGreaterThan(40);
        expect(support.reason).not.toMatch(/\n/);
      }
    }
    expect(admissionSupport('schema')).toEqual({ expressible: false, reason: expect.stringContaining('schema') });
    expect(admissionSupport('pss-baseline-privileged')).toEqual({ expressible: true });
  });

  test('an unknown rule id is reported as not expressible, never dropped silently', () => {
    expect(admissionSupport('no-such-rule')).toEqual({ expressible: false, reason: expect.stringMatching(/no admission policy/) });
  });

  test('the catalogue builds its CEL when a policy is made, not when the rules load: every expression is a getter', () => {
    const eager = ALL_RULES.filter((r) => r.admission !== undefined && 'expression' in r.admission
      && typeof Object.getOwnPropertyDescriptor(r.admission, 'expression')?.get !== 'function').map((r) => r.id);
    expect(eager).toEqual([]);
    // ... and the getter gives the same CEL every time.
    const rule = ALL_RULES.find((r) => r.id === 'pss-baseline-privileged')!;
    const entry = rule.admission as { expression: unknown };
    expect(typeof entry.expression).toBe('string');
    expect(entry.expression).toBe(entry.expression);
  });

  test('the CEL finds pod templates in exactly the kinds the rules do', () => {
    expect(POD_TEMPLATE_LOCATIONS.flatMap((l) => l.kinds).sort()).toEqual([...POD_KINDS].sort());
  });

  test('all 17 Pod Security Standards rules are expressible', () => {
    const pss = ALL_RULES.filter((r) => r.id.startsWith('pss-'));
    expect(pss).toHaveLength(17);
    expect(pss.filter((r) => !admissionSupport(r.id).expressible).map((r) => r.id)).toEqual([]);
  });
});

describe('the CEL is what Kubernetes 1.28 accepts', () => {
  const expressions = PROFILES.flatMap((profile) => policies(generateAdmissionPolicies({ profile })))
    .flatMap((p) => {
      const spec = p.spec as { validations: Array<{ expression: string }>; matchConditions?: Array<{ expression: string }> };
      return [...spec.validations, ...(spec.matchConditions ?? [])].map((v) => [p.metadata.name, v.expression] as const);
    });

  /** Functions and macros of standard CEL that 1.28 has (has/all/exists expand to selects and comprehensions). */
  const ALLOWED = new Set([
    '!_', '_&&_', '_||_', '_==_', '_!=_', '_<_', '_<=_', '_>_', '_>=_', '_?_:_', '_[_]', '_+_', '@in', '@not_strictly_false',
    'size', 'type', 'startsWith', 'endsWith', 'contains', 'matches',
  ]);

  function functions(expr: unknown, out = new Set<string>()): Set<string> {
    const kind = (expr as { exprKind?: { case: string; value: Record<string, unknown> } } | undefined)?.exprKind;
    if (!kind) {
      return out;
    }
    const v = kind.value as Record<string, any>;
    switch (kind.case) {
      case 'callExpr':
        out.add(v.function);
        functions(v.target, out);
        v.args.forEach((a: unknown) => functions(a, out));
        break;
      case 'selectExpr':
        functions(v.operand, out);
        break;
      case 'comprehensionExpr':
        for (const f of ['iterRange', 'accuInit', 'loopCondition', 'loopStep', 'result']) {
          functions(v[f], out);
        }
        break;
      case 'listExpr':
        v.elements.forEach((e: unknown) => functions(e, out));
        break;
      case 'structExpr':
        expect(v.messageName).toBe('');
        v.entries.forEach((e: any) => {
          functions(e.keyKind?.value, out);
          functions(e.value, out);
        });
        break;
      default:
        break;
    }
    return out;
  }

  test('there are expressions to check', () => {
    expect(expressions.length).toBeGreaterThan(25);
  });

  test.each(expressions)('%s parses and uses only standard CEL', (_name, expression) => {
    // No optional-field syntax, no cel.bind, no sets/ip/cidr/quantity/format libraries.
    expect(expression).not.toMatch(/\?\.|\.\?|optional\.|cel\.bind|sets\.|\bip\(|\bcidr\(|quantity\(|\.format\(|\n/);
    const used = [...functions(parse(expression).expr)];
    expect(used.filter((f) => !ALLOWED.has(f))).toEqual([]);
  });
});

describe('generateAdmissionPolicies', () => {
  test('one policy and one binding per expressible rule of the profile (per severity where findings differ), in pack order', () => {
    for (const profile of PROFILES) {
      const objects = generateAdmissionPolicies({ profile });
      const expressible = rulesForProfile(profile).filter((r) => admissionSupport(r.id).expressible).map((r) => r.id);
      const split = (id: string) => typeof (ADMISSION_CATALOGUE[id] as { expression: unknown }).expression !== 'string';
      const expected = expressible.flatMap((id) => (split(id) ? [id, id] : [id]));
      expect(policies(objects).map((p) => p.metadata.annotations[RULE_ANNOTATION])).toEqual(expected);
      expect(objects.map((o) => o.kind)).toEqual(expected.flatMap(() => ['ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding']));
      expect(bindings(objects).map((b) => b.spec.policyName)).toEqual(policies(objects).map((p) => p.metadata.name));
    }
    expect(policies(generateAdmissionPolicies({ profile: 'pss-restricted' }))).toHaveLength(14);
    expect(policies(generateAdmissionPolicies({ profile: 'pss-baseline' }))).toHaveLength(11);
    expect(generateAdmissionPolicies({ profile: 'schema' })).toEqual([]);
  });

  test('names are <prefix>-<rule-id>; the prefix is configurable and checked', () => {
    const objects = generateAdmissionPolicies({ profile: 'pss-baseline' });
    expect(objects[0].metadata.name).toBe('cdk8s-hardened-pss-baseline-host-process');
    expect(generateAdmissionPolicies({ profile: 'pss-baseline', namePrefix: 'acme.sec' })[0].metadata.name).toBe('acme.sec-pss-baseline-host-process');
    expect(() => generateAdmissionPolicies({ profile: 'pss-baseline', namePrefix: 'Acme_' })).toThrow(/namePrefix: "Acme_"/);
  });

  test.each([
    ['1.28', 'admissionregistration.k8s.io/v1beta1'],
    ['1.29', 'admissionregistration.k8s.io/v1beta1'],
    ['1.30', 'admissionregistration.k8s.io/v1'],
    ['1.31', 'admissionregistration.k8s.io/v1'],
    ['v1.30.2', 'admissionregistration.k8s.io/v1'],
  ])('Kubernetes %s gets %s', (version, apiVersion) => {
    const objects = generateAdmissionPolicies({ profile: 'pss-baseline', kubernetesVersion: version });
    expect(new Set(objects.map((o) => o.apiVersion))).toEqual(new Set([apiVersion]));
    expect(admissionApiVersion(version)).toBe(apiVersion);
  });

  test('the default is Kubernetes 1.28 (v1beta1); versions without the beta API are refused', () => {
    expect(generateAdmissionPolicies({ profile: 'pss-baseline' })[0].apiVersion).toBe('admissionregistration.k8s.io/v1beta1');
    expect(() => generateAdmissionPolicies({ profile: 'pss-baseline', kubernetesVersion: '1.27' })).toThrow(/arrived in 1\.28/);
    expect(() => generateAdmissionPolicies({ profile: 'pss-baseline', kubernetesVersion: 'latest' })).toThrow(/not a Kubernetes minor version/);
  });

  test('policies fail closed and match CREATE and UPDATE of Pods and every workload kind', () => {
    const policy = named(generateAdmissionPolicies({ profile: 'pss-restricted' }), 'pss-baseline-privileged');
    expect(policy.spec.failurePolicy).toBe('Fail');
    expect(policy.spec.matchConstraints).toEqual({
      resourceRules: [
        { apiGroups: [''], apiVersions: ['*'], operations: ['CREATE', 'UPDATE'], resources: ['pods', 'pods/ephemeralcontainers', 'podtemplates', 'replicationcontrollers'] },
        { apiGroups: ['apps'], apiVersions: ['*'], operations: ['CREATE', 'UPDATE'], resources: ['deployments', 'replicasets', 'statefulsets', 'daemonsets'] },
        { apiGroups: ['batch'], apiVersions: ['*'], operations: ['CREATE', 'UPDATE'], resources: ['jobs', 'cronjobs'] },
      ],
    });
  });

  test('a rule whose findings differ in severity gets one policy per severity: the errors deny, the rest warn', () => {
    const objects = generateAdmissionPolicies({ profile: 'hardened' });
    const parts = objects.filter((o) => o.metadata.annotations[RULE_ANNOTATION] === 'namespace-psa-labels');
    expect(parts.map((o) => `${o.kind} ${o.metadata.name} ${o.metadata.annotations[SEVERITY_ANNOTATION]}`)).toEqual([
      'ValidatingAdmissionPolicy cdk8s-hardened-namespace-psa-labels error',
      'ValidatingAdmissionPolicyBinding cdk8s-hardened-namespace-psa-labels error',
      'ValidatingAdmissionPolicy cdk8s-hardened-namespace-psa-labels-warning warning',
      'ValidatingAdmissionPolicyBinding cdk8s-hardened-namespace-psa-labels-warning warning',
    ]);
    expect(parts[1].spec.validationActions).toEqual(['Deny']);
    expect(parts[3].spec.validationActions).toEqual(['Warn']);
    const namespace = (labels: Record<string, string>) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a', labels } });
    const enforced = namespace({ 'pod-security.kubernetes.io/enforce': 'restricted' });
    expect(admit(parts[0], { object: enforced }).outcome).toBe('admitted');
    expect(admit(parts[2], { object: enforced }).outcome).toBe('denied');
    expect(admit(parts[0], { object: namespace({}) }).outcome).toBe('denied');
  });

  test('a set rule with a per-object part says what its policy cannot check', () => {
    const objects = generateAdmissionPolicies({ profile: 'hardened' });
    const policy = named(objects, 'rbac-cluster-admin-binding');
    expect(policy.metadata.annotations[LIMITATION_ANNOTATION]).toMatch(/cannot look the role up/);
    expect(admissionSupport('rbac-cluster-admin-binding')).toEqual({ expressible: true, limitation: policy.metadata.annotations[LIMITATION_ANNOTATION] });
    const binding = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'ops' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' }, subjects: [{ kind: 'User', name: 'alice' }] };
    expect(admit(policy, { object: binding }).outcome).toBe('denied');
  });

  test('requests from the API server itself are never judged (it reconciles cluster-admin and the default namespaces)', () => {
    const objects = generateAdmissionPolicies({ profile: 'hardened' });
    const binding = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'cluster-admin' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' }, subjects: [{ kind: 'Group', name: 'system:masters' }] };
    for (const id of ['rbac-cluster-admin-binding', 'rbac-system-group-binding']) {
      expect(admit(named(objects, id), { object: binding, username: 'system:apiserver' })).toEqual({ outcome: 'skipped', condition: 'not-from-api-server' });
      expect(admit(named(objects, id), { object: binding, username: 'system:serviceaccount:argocd:argocd-application-controller' }).outcome).toBe('denied');
    }
    for (const policy of policies(objects)) {
      expect((policy.spec.matchConditions as Array<{ name: string }>)[0].name).toBe('not-from-api-server');
    }
  });

  test('Service rules match Services only', () => {
    const policy = named(generateAdmissionPolicies({ profile: 'hardened' }), 'service-external-ips');
    expect((policy.spec.matchConstraints as { resourceRules: unknown[] }).resourceRules)
      .toEqual([{ apiGroups: [''], apiVersions: ['*'], operations: ['CREATE', 'UPDATE'], resources: ['services'] }]);
  });

  test('each validation message names the rule id and the fix, on one line', () => {
    for (const policy of policies(generateAdmissionPolicies({ profile: 'hardened' }))) {
      const ruleId = policy.metadata.annotations[RULE_ANNOTATION];
      const rule = ALL_RULES.find((r) => r.id === ruleId)!;
      const [validation] = policy.spec.validations as Array<{ message: string; reason: string }>;
      expect(validation.message.startsWith(`${ruleId}: `)).toBe(true);
      expect(validation.message).toContain(rule.remediation);
      expect(validation.message).not.toMatch(/[\r\n]/);
      expect(validation.reason).toBe('Forbidden');
    }
  });

  test('a bad Deployment is refused at apply time, with the rule id in the message', () => {
    const policy = named(generateAdmissionPolicies({ profile: 'pss-baseline' }), 'pss-baseline-privileged');
    const verdict = admit(policy, { object: wrapPod(privilegedPod, 'Deployment') });
    expect(verdict).toEqual({ outcome: 'denied', message: expect.stringMatching(/^pss-baseline-privileged: Privileged containers are forbidden\. Remove securityContext\.privileged/) });
    expect(admit(policy, { object: wrapPod(privilegedPod, 'CronJob') }).outcome).toBe('denied');
    expect(admit(policy, { object: privilegedPod, operation: 'UPDATE', subResource: 'ephemeralcontainers', oldObject: { ...privilegedPod, spec: { containers: [] } } }).outcome).toBe('denied');
  });

  test('the generated v1beta1 objects are valid Kubernetes 1.28 objects (strict schema)', () => {
    const objects = generateAdmissionPolicies({ profile: 'hardened', validationActions: ['Warn', 'Audit'], excludedNamespaces: ['kube-system', 'monitoring'] });
    const findings = evaluate(objects.map((object) => ({ object })), [SCHEMA_RULE]).filter((f) => f.severity !== 'info');
    expect(findings).toEqual([]);
  });
});

describe('bindings', () => {
  test('Deny by default, for error rules', () => {
    const objects = generateAdmissionPolicies({ profile: 'hardened' });
    expect(named(objects, 'pss-baseline-privileged', 'ValidatingAdmissionPolicyBinding').spec.validationActions).toEqual(['Deny']);
  });

  test('Warn and Audit on request; Deny with Warn is refused', () => {
    const warn = generateAdmissionPolicies({ profile: 'pss-baseline', validationActions: ['Warn'] });
    expect(new Set(bindings(warn).map((b) => JSON.stringify(b.spec.validationActions)))).toEqual(new Set(['["Warn"]']));
    const audit = generateAdmissionPolicies({ profile: 'pss-baseline', validationActions: ['Audit', 'Deny', 'Audit'] });
    expect(bindings(audit)[0].spec.validationActions).toEqual(['Deny', 'Audit']);
    expect(() => generateAdmissionPolicies({ profile: 'pss-baseline', validationActions: ['Deny', 'Warn'] })).toThrow(/Deny and Warn/);
    expect(() => generateAdmissionPolicies({ profile: 'pss-baseline', validationActions: [] })).toThrow(/empty/);
    expect(() => generateAdmissionPolicies({ profile: 'pss-baseline', validationActions: ['Block' as never] })).toThrow(/"Block"/);
  });

  test('rules of severity warning or info warn instead of denying, unless failOn is warning', () => {
    const objects = generateAdmissionPolicies({ profile: 'hardened', validationActions: ['Deny', 'Audit'] });
    const actionsOf = (id: string, from = objects) => named(from, id, 'ValidatingAdmissionPolicyBinding').spec.validationActions;
    expect(ALL_RULES.find((r) => r.id === 'workload-probes')!.severity).toBe('warning');
    expect(actionsOf('workload-probes')).toEqual(['Warn', 'Audit']);
    expect(actionsOf('workload-image-digest')).toEqual(['Warn', 'Audit']);
    expect(actionsOf('pss-baseline-privileged')).toEqual(['Deny', 'Audit']);
    const strict = generateAdmissionPolicies({ profile: 'hardened', failOn: 'warning' });
    expect(actionsOf('workload-probes', strict)).toEqual(['Deny']);
    expect(actionsOf('workload-image-digest', strict)).toEqual(['Warn']);
  });

  test('kube-system is excluded by default through kubernetes.io/metadata.name', () => {
    const [, binding] = generateAdmissionPolicies({ profile: 'pss-baseline' });
    expect(binding.spec.matchResources).toEqual({
      namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system'] }] },
    });
    expect(bindingSelects(binding, { object: privilegedPod, namespace: 'kube-system' })).toBe(false);
    expect(bindingSelects(binding, { object: privilegedPod, namespace: 'app' })).toBe(true);
  });

  test('the excluded namespaces are configurable; an empty list judges every namespace', () => {
    const [, binding] = generateAdmissionPolicies({ profile: 'pss-baseline', excludedNamespaces: ['kube-system', 'istio-system'] });
    expect(bindingSelects(binding, { object: privilegedPod, namespace: 'istio-system' })).toBe(false);
    expect(bindingSelects(binding, { object: privilegedPod, namespace: 'app' })).toBe(true);
    const [, all] = generateAdmissionPolicies({ profile: 'pss-baseline', excludedNamespaces: [] });
    expect(all.spec.matchResources).toBeUndefined();
    expect(bindingSelects(all, { object: privilegedPod, namespace: 'kube-system' })).toBe(true);
    expect(() => generateAdmissionPolicies({ profile: 'pss-baseline', excludedNamespaces: ['Kube System'] })).toThrow(/not a namespace name/);
  });
});

describe('updates', () => {
  const policy = named(generateAdmissionPolicies({ profile: 'pss-baseline' }), 'pss-baseline-privileged');
  const withLabel = { ...privilegedPod, metadata: { ...privilegedPod.metadata, labels: { a: 'b' }, finalizers: ['x'] } };

  test('an UPDATE that leaves spec and annotations alone is not judged (controllers can still update metadata)', () => {
    expect(admit(policy, { object: withLabel, oldObject: privilegedPod, operation: 'UPDATE' })).toEqual({ outcome: 'skipped', condition: 'spec-or-annotations-changed' });
  });

  test('an UPDATE that changes the spec or the annotations is judged', () => {
    const before = { ...privilegedPod, spec: { ...privilegedPod.spec, activeDeadlineSeconds: 5 } };
    expect(admit(policy, { object: privilegedPod, oldObject: before, operation: 'UPDATE' }).outcome).toBe('denied');
    const annotated = { ...privilegedPod, metadata: { ...privilegedPod.metadata, annotations: { a: 'b' } } };
    expect(admit(policy, { object: annotated, oldObject: privilegedPod, operation: 'UPDATE' }).outcome).toBe('denied');
    expect(admit(policy, { object: privilegedPod }).outcome).toBe('denied');
  });

  test('a workload is judged when its spec changes, not when a controller annotates it', () => {
    const deployment = wrapPod(privilegedPod, 'Deployment');
    const revised = { ...deployment, metadata: { ...(deployment.metadata as object), annotations: { 'deployment.kubernetes.io/revision': '2' } } };
    expect(admit(policy, { object: revised, oldObject: deployment, operation: 'UPDATE' }).outcome).toBe('skipped');
    const scaled = { ...deployment, spec: { ...(deployment.spec as object), replicas: 3 } };
    expect(admit(policy, { object: scaled, oldObject: deployment, operation: 'UPDATE' }).outcome).toBe('denied');
  });

  test('a Service is judged again when its annotations change (the source-ranges annotation counts)', () => {
    const services = named(generateAdmissionPolicies({ profile: 'hardened' }), 'service-load-balancer-source-ranges');
    const open = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'app', annotations: { 'service.beta.kubernetes.io/load-balancer-source-ranges': '10.0.0.0/8' } }, spec: { type: 'LoadBalancer' } };
    const cleared = { ...open, metadata: { name: 's', namespace: 'app' } };
    expect(admit(services, { object: cleared, oldObject: open, operation: 'UPDATE' }).outcome).toBe('denied');
    expect(admit(services, { object: { ...cleared, metadata: { ...cleared.metadata, finalizers: ['f'] } }, oldObject: cleared, operation: 'UPDATE' }).outcome).toBe('skipped');
  });
});

describe('formatAdmissionYaml', () => {
  const objects = generateAdmissionPolicies({ profile: 'hardened' });
  const skipped = notExpressibleRules('hardened');
  const text = formatAdmissionYaml(objects, skipped, { profile: 'hardened' });

  test('lists the rules enforced only in part, with what their policy cannot check', () => {
    const header = text.slice(0, text.indexOf('\n---\n'));
    expect(header).toContain(`# - rbac-cluster-admin-binding: ${admissionSupport('rbac-cluster-admin-binding').expressible && (admissionSupport('rbac-cluster-admin-binding') as { limitation: string }).limitation}`);
    expect(header).toMatch(/^# Enforced only in part \(1 rule\):$/m);
  });

  test('lists every rule of the profile that no policy enforces, with its reason, in the header', () => {
    expect(skipped.map((s) => s.ruleId)).toEqual(rulesForProfile('hardened').filter((r) => !admissionSupport(r.id).expressible).map((r) => r.id));
    expect(skipped.map((s) => s.ruleId)).toEqual(expect.arrayContaining(['schema', 'workload-default-namespace']));
    const header = text.slice(0, text.indexOf('\n---\n'));
    for (const { ruleId, reason } of skipped) {
      expect(header).toContain(`# - ${ruleId}: ${reason}`);
    }
    expect(header.split('\n').every((line) => line.startsWith('#'))).toBe(true);
    expect(header).toContain('profile hardened');
  });

  test('the documents read back as the objects, in order', () => {
    const docs = parseAllDocuments(text).map((d) => d.toJS());
    expect(docs).toEqual(objects);
  });

  test('a profile with every rule enforced says so', () => {
    const baseline = formatAdmissionYaml(generateAdmissionPolicies({ profile: 'pss-baseline' }), notExpressibleRules('pss-baseline'));
    expect(baseline.split('\n')[2]).toBe('# Every rule of the profile is enforced by a policy below.');
  });

  test('v1beta1 output says how to switch the beta API on; v1 output does not need to', () => {
    expect(text).toMatch(/^# Kubernetes 1\.28 and 1\.29 serve these only with the ValidatingAdmissionPolicy feature gate/m);
    const v1 = formatAdmissionYaml(generateAdmissionPolicies({ profile: 'pss-baseline', kubernetesVersion: '1.30' }), []);
    expect(v1).not.toMatch(/feature gate/);
  });

  test('is deterministic', () => {
    expect(formatAdmissionYaml(generateAdmissionPolicies({ profile: 'hardened' }), notExpressibleRules('hardened'), { profile: 'hardened' })).toBe(text);
  });
});
