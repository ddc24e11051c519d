import { join } from 'path';
import { admissionSupport } from '../../src/admission';
import { POD_KINDS } from '../../src/policy/pod-spec';
import { Rule } from '../../src/policy/rule';
import { ALL_RULES } from '../../src/catalogue';
import { admit, expectsDenial, loadObjects, policiesOf, RulePolicy, ruleFails, servedBy128, wrapPod, yamlFiles } from './harness';

/**
 * The proof that the admission policies enforce the same rules as synth and check: for every rule that has CEL,
 * on every fixture object, the generated policy admits the object exactly when the TypeScript rule reports
 * nothing on it. The corpus: Kubernetes' own 126 Pod Security Admission fixture pods, each also wrapped as the
 * pod template of every workload kind, and every object of every rule fixture (test/fixtures/rules/**).
 */
const FIXTURES = join(__dirname, '..', 'fixtures');
const PSA_ROOT = join(FIXTURES, 'pod-security');
const RULES_ROOT = join(FIXTURES, 'rules');

const CEL_RULES: Rule[] = ALL_RULES.filter((r) => admissionSupport(r.id).expressible);

const POLICIES = new Map<string, RulePolicy[]>(CEL_RULES.map((rule) => [rule.id, policiesOf(rule)]));

interface Subject { readonly label: string; readonly object: Record<string, unknown> }

/** Running tally over the whole corpus, per rule: how often the policy admitted and denied. */
const tally = new Map<string, { admitted: number; denied: number }>([...POLICIES.values()].flat().map((p) => [p.policy.metadata.name, { admitted: 0, denied: 0 }]));
let comparisons = 0;
let unserved = 0;

/** Every disagreement between a rule and its policy on the subjects, as readable lines. */
function disagreements(subjects: readonly Subject[]): string[] {
  const out: string[] = [];
  for (const { label, object } of subjects) {
    if (!servedBy128(object)) {
      // The API server refuses an apiVersion it does not serve before admission runs.
      unserved++;
      continue;
    }
    for (const rule of CEL_RULES) {
      for (const part of POLICIES.get(rule.id)!) {
        const verdict = admit(part.policy, { object });
        const denied = verdict.outcome === 'denied';
        const fails = expectsDenial(rule, part, object);
        comparisons++;
        const count = tally.get(part.policy.metadata.name)!;
        if (denied) {
          count.denied++;
        } else {
          count.admitted++;
        }
        if (denied !== fails) {
          const why = verdict.outcome === 'denied' && verdict.error ? ` (CEL error: ${verdict.error})` : '';
          out.push(`${label}: ${part.policy.metadata.name}: rule ${fails ? 'fails' : 'passes'} but the policy ${verdict.outcome === 'denied' ? 'denies' : `says ${verdict.outcome}`}${why}`);
        }
      }
    }
  }
  return out;
}

const psaFiles = yamlFiles(PSA_ROOT);
const ruleFiles = yamlFiles(RULES_ROOT);

describe('admission policies agree with the rules', () => {
  test('the corpus is there: 126 PSA pods and the rule fixtures', () => {
    expect(psaFiles).toHaveLength(126);
    expect(ruleFiles.length).toBeGreaterThan(30);
    expect(CEL_RULES.length).toBeGreaterThanOrEqual(17);
  });

  test.each(psaFiles)('PSA pod %s, as a Pod and as every workload template', (file) => {
    const objects = loadObjects(join(PSA_ROOT, file));
    expect(objects).toHaveLength(1);
    const subjects = POD_KINDS.map((kind) => ({ label: `${file} as ${kind}`, object: wrapPod(objects[0], kind) }));
    expect(disagreements(subjects)).toEqual([]);
  });

  test.each(ruleFiles)('rule fixture %s', (file) => {
    const objects = loadObjects(join(RULES_ROOT, file));
    const subjects = objects.map((object, i) => ({ label: `${file}#${i + 1} ${String(object.kind)}`, object }));
    expect(disagreements(subjects)).toEqual([]);
  });

  // Corners the fixtures leave out, each with the policies that must deny it (by name, without the prefix).
  const role = (kind: string, rules: unknown[], extra: Record<string, unknown> = {}) => ({
    apiVersion: 'rbac.authorization.k8s.io/v1', kind, metadata: { name: 'r', ...(kind === 'Role' ? { namespace: 'app' } : {}) }, rules, ...extra,
  });
  const pod = (spec: Record<string, unknown>) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'app' }, spec });
  const restricted = {
    securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
    containers: [{ name: 'a', image: 'a:1', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }],
  };
  const corners: Array<{ name: string; object: Record<string, unknown>; denies: string[] }> = [
    { name: 'resource "*/" is not a subresource wildcard', object: role('ClusterRole', [{ apiGroups: ['*'], resources: ['*/'], verbs: ['impersonate'] }]), denies: ['rbac-wildcard-warning'] },
    { name: 'userextras/ with nothing after it', object: role('ClusterRole', [{ apiGroups: ['authentication.k8s.io'], resources: ['userextras/'], verbs: ['impersonate'] }]), denies: [] },
    { name: '*/scopes covers userextras/scopes', object: role('ClusterRole', [{ apiGroups: ['authentication.k8s.io'], resources: ['*/scopes'], verbs: ['impersonate'] }]), denies: ['rbac-wildcard-warning', 'rbac-impersonate'] },
    { name: 'a namespaced Role cannot grant nodes/proxy', object: role('Role', [{ apiGroups: [''], resources: ['nodes/proxy'], verbs: ['get'] }]), denies: [] },
    { name: 'a ClusterRole can', object: role('ClusterRole', [{ apiGroups: [''], resources: ['nodes/proxy'], verbs: ['get'] }]), denies: ['rbac-nodes-proxy'] },
    { name: 'pods does not cover pods/exec', object: role('Role', [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }]), denies: [] },
    { name: 'an aggregated ClusterRole is not judged', object: role('ClusterRole', [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }], { aggregationRule: { clusterRoleSelectors: [] } }), denies: [] },
    {
      name: 'a binding to cluster-admin',
      object: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'b', namespace: 'app' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' }, subjects: [{ kind: 'Group', name: 'system:masters' }] },
      denies: ['rbac-cluster-admin-binding', 'rbac-system-group-binding'],
    },
    { name: 'a Windows pod needs no seccomp, capabilities or allowPrivilegeEscalation', object: pod({ os: { name: 'windows' }, securityContext: { runAsNonRoot: true }, containers: [{ name: 'a', image: 'a:1' }] }), denies: [] },
    { name: 'a privileged ephemeral container', object: pod({ ...restricted, ephemeralContainers: [{ name: 'debug', image: 'a:1', securityContext: { privileged: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }] }), denies: ['pss-baseline-privileged'] },
    { name: 'pod runAsNonRoot false beats every container true', object: pod({ ...restricted, securityContext: { runAsNonRoot: false, seccompProfile: { type: 'RuntimeDefault' } }, containers: [{ ...restricted.containers[0], securityContext: { ...restricted.containers[0].securityContext, runAsNonRoot: true } }] }), denies: ['pss-restricted-run-as-non-root'] },
    { name: 'a volume with only a name is an emptyDir', object: pod({ ...restricted, volumes: [{ name: 'scratch' }] }), denies: [] },
    { name: 'drop: [all] is not ALL', object: pod({ ...restricted, containers: [{ name: 'a', image: 'a:1', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['all'] } } }] }), denies: ['pss-restricted-capabilities'] },
  ];

  test.each(corners)('corner: $name', ({ object, denies }) => {
    expect(disagreements([{ label: 'corner', object }])).toEqual([]);
    const relevant = [...POLICIES.values()].flat().filter((p) => !p.policy.metadata.name.startsWith('cdk8s-hardened-workload-'));
    const denied = relevant.filter((p) => admit(p.policy, { object }).outcome === 'denied').map((p) => p.policy.metadata.name.replace('cdk8s-hardened-', ''));
    expect(denied).toEqual(denies);
  });

  test('the comparison catches a policy that is wrong in one detail (a mutant of the runAsNonRoot policy)', () => {
    const rule = ALL_RULES.find((r) => r.id === 'pss-restricted-run-as-non-root')!;
    const [{ policy }] = POLICIES.get(rule.id)!;
    const validations = policy.spec.validations as Array<{ expression: string; message: string }>;
    // Forget that pod-level runAsNonRoot: false fails even when every container says true.
    const mutant = { ...policy, spec: { ...policy.spec, validations: [{ ...validations[0], expression: validations[0].expression.replace(
      "!((has(pod.spec.securityContext) && has(pod.spec.securityContext.runAsNonRoot)) && pod.spec.securityContext.runAsNonRoot == false) && ", '') }] } };
    expect(mutant.spec.validations[0].expression).not.toBe(validations[0].expression);
    const pod = {
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' },
      spec: { securityContext: { runAsNonRoot: false }, containers: [{ name: 'a', image: 'a:1', securityContext: { runAsNonRoot: true } }] },
    };
    expect(ruleFails(rule, pod)).toBe(true);
    expect(admit(policy, { object: pod }).outcome).toBe('denied');
    expect(admit(mutant, { object: pod }).outcome).toBe('admitted');
  });

  test('every policy both admits and denies something in the corpus (no expression is trivially true or false)', () => {
    const trivial = [...tally].filter(([, c]) => c.admitted === 0 || c.denied === 0).map(([id, c]) => `${id} ${JSON.stringify(c)}`);
    expect(trivial).toEqual([]);
    // The tally covers every rule with CEL, on thousands of objects.
    expect(comparisons).toBeGreaterThan(CEL_RULES.length * (126 * POD_KINDS.length));
    expect(unserved).toBeGreaterThanOrEqual(0);
  });
});
