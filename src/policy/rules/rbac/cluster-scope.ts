import { objectField, stringField } from '../../json';
import { apiGroup } from '../../pod-spec';
import { SetRule, SetViolation, Target } from '../../rule';
import { findRole, PolicyRuleView, policyRules, roleRef } from './rbac';

/**
 * Built-in resources that live in a namespace, by API group, as Kubernetes 1.28 serves them
 * (`kubectl api-resources --namespaced=true`). Subresources share their resource's scope.
 */
const NAMESPACED: Record<string, readonly string[]> = {
  '': ['bindings', 'configmaps', 'endpoints', 'events', 'limitranges', 'persistentvolumeclaims', 'pods', 'podtemplates',
    'replicationcontrollers', 'resourcequotas', 'secrets', 'serviceaccounts', 'services'],
  'apps': ['controllerrevisions', 'daemonsets', 'deployments', 'replicasets', 'statefulsets'],
  'authorization.k8s.io': ['localsubjectaccessreviews'],
  'autoscaling': ['horizontalpodautoscalers'],
  'batch': ['cronjobs', 'jobs'],
  'coordination.k8s.io': ['leases'],
  'discovery.k8s.io': ['endpointslices'],
  'events.k8s.io': ['events'],
  'networking.k8s.io': ['ingresses', 'networkpolicies'],
  'policy': ['poddisruptionbudgets'],
  'rbac.authorization.k8s.io': ['rolebindings', 'roles'],
  'resource.k8s.io': ['podschedulingcontexts', 'resourceclaims', 'resourceclaimtemplates'],
  'storage.k8s.io': ['csistoragecapacities'],
};

/**
 * Built-in cluster-scoped resources, by API group, as Kubernetes 1.28 serves them
 * (`kubectl api-resources --namespaced=false`), plus the names RBAC authorizes without a stored object (users,
 * groups, uids and userextras for impersonation; signers for CSR approval).
 */
const CLUSTER_SCOPED: Record<string, readonly string[]> = {
  '': ['componentstatuses', 'namespaces', 'nodes', 'persistentvolumes', 'users', 'groups'],
  'admissionregistration.k8s.io': ['mutatingwebhookconfigurations', 'validatingwebhookconfigurations',
    'validatingadmissionpolicies', 'validatingadmissionpolicybindings'],
  'apiextensions.k8s.io': ['customresourcedefinitions'],
  'apiregistration.k8s.io': ['apiservices'],
  'authentication.k8s.io': ['tokenreviews', 'selfsubjectreviews', 'uids', 'userextras'],
  'authorization.k8s.io': ['selfsubjectaccessreviews', 'selfsubjectrulesreviews', 'subjectaccessreviews'],
  'certificates.k8s.io': ['certificatesigningrequests', 'clustertrustbundles', 'signers'],
  'flowcontrol.apiserver.k8s.io': ['flowschemas', 'prioritylevelconfigurations'],
  'internal.apiserver.k8s.io': ['storageversions'],
  'networking.k8s.io': ['ingressclasses', 'clustercidrs', 'ipaddresses'],
  'node.k8s.io': ['runtimeclasses'],
  'policy': ['podsecuritypolicies'],
  'rbac.authorization.k8s.io': ['clusterrolebindings', 'clusterroles'],
  'resource.k8s.io': ['resourceclasses'],
  'scheduling.k8s.io': ['priorityclasses'],
  'storage.k8s.io': ['csidrivers', 'csinodes', 'storageclasses', 'volumeattachments'],
};

/** What a group/resource pair of a rule entry reaches. `none`: a built-in group that serves no such resource. */
type Scope = 'namespaced' | 'cluster' | 'unknown' | 'none';

function has(table: Record<string, readonly string[]>, group: string, resource: string): boolean {
  return Object.prototype.hasOwnProperty.call(table, group) && table[group].includes(resource);
}

/** The scope of the custom resources that CustomResourceDefinitions of the set declare, by `group/plural`. */
function customResourceScopes(targets: readonly Target[]): Map<string, Scope> {
  const out = new Map<string, Scope>();
  for (const t of targets) {
    if (t.kind !== 'CustomResourceDefinition' || apiGroup(t.apiVersion) !== 'apiextensions.k8s.io') {
      continue;
    }
    const spec = objectField(t.object, 'spec');
    const group = stringField(spec, 'group');
    const plural = stringField(objectField(spec, 'names'), 'plural');
    const scope = stringField(spec, 'scope');
    if (group && plural && (scope === 'Namespaced' || scope === 'Cluster')) {
      out.set(`${group}/${plural}`, scope === 'Namespaced' ? 'namespaced' : 'cluster');
    }
  }
  return out;
}

function pairScope(group: string, resource: string, custom: ReadonlyMap<string, Scope>): Scope {
  const base = resource.split('/')[0];
  if (group === '*' || base === '*') {
    return 'unknown';
  }
  if (has(NAMESPACED, group, base)) {
    return 'namespaced';
  }
  if (has(CLUSTER_SCOPED, group, base)) {
    return 'cluster';
  }
  const declared = custom.get(`${group}/${base}`);
  if (declared) {
    return declared;
  }
  const builtIn = Object.prototype.hasOwnProperty.call(NAMESPACED, group) || Object.prototype.hasOwnProperty.call(CLUSTER_SCOPED, group);
  return builtIn ? 'none' : 'unknown';
}

/** The scopes every group/resource pair of the role's rules reaches; nonResourceURLs count as cluster-wide. */
function roleScopes(rules: readonly PolicyRuleView[], custom: ReadonlyMap<string, Scope>): Set<Scope> {
  const out = new Set<Scope>();
  for (const rule of rules) {
    if (rule.nonResourceURLs.length > 0) {
      out.add('cluster');
    }
    for (const g of rule.apiGroups) {
      for (const r of rule.resources) {
        out.add(pairScope(g.value, r.value, custom));
      }
    }
  }
  return out;
}

/**
 * A ClusterRoleBinding of a ClusterRole (found in the set) that grants only namespaced resources: the binding
 * hands those rights out in every namespace, where a RoleBinding per namespace would do.
 */
export const clusterScope: SetRule = {
  id: 'rbac-cluster-scope',
  title: 'Use a RoleBinding when the role grants only namespaced resources',
  severity: 'warning',
  profiles: ['hardened'],
  description: 'A ClusterRoleBinding grants its ClusterRole in every namespace, present and future, those of other '
    + 'tenants and kube-system included. When the ClusterRole (found in the same object set) grants only namespaced '
    + 'resources, a RoleBinding in each namespace that needs it gives the same rights without the rest. The '
    + 'Kubernetes RBAC good practices ask to assign permissions at the namespace level where possible. Rules with '
    + 'nonResourceURLs, "*" apiGroups or resources, or a resource whose scope is not known (a custom resource '
    + 'without its CustomResourceDefinition in the set) count as cluster-wide and are not reported; roles not in '
    + 'the set are not judged. No other checker reports this.',
  remediation: 'Replace the ClusterRoleBinding with a RoleBinding (metadata.namespace set) in each namespace where the subjects need the ClusterRole.',
  docsUrl: 'https://kubernetes.io/docs/concepts/security/rbac-good-practices/#least-privilege',
  admission: {
    notExpressible: 'it judges a ClusterRoleBinding by the ClusterRole it names, found in the same manifests; admission '
      + 'sees one object at a time and cannot look the role up',
  },
  scope: 'set',
  checkSet(targets) {
    const out: SetViolation[] = [];
    let custom: Map<string, Scope> | undefined;
    targets.forEach((target, index) => {
      const ref = target.kind === 'ClusterRoleBinding' ? roleRef(target) : undefined;
      if (!ref || ref.kind !== 'ClusterRole') {
        return;
      }
      const role = findRole(targets, target, ref);
      if (!role) {
        return;
      }
      custom ??= customResourceScopes(targets);
      const scopes = roleScopes(policyRules(role), custom);
      if (scopes.has('namespaced') && !scopes.has('cluster') && !scopes.has('unknown')) {
        out.push({
          index,
          path: ['roleRef', 'name'],
          message: `binding grants ClusterRole "${ref.name}" in every namespace, but it grants only namespaced resources`,
        });
      }
    });
    return out;
  },
};
