import { crdClusterScopedKinds, groupKind, isNamespaced } from '../../kinds';
import { SetRule, SetViolation } from '../../rule';

/**
 * Every namespaced object names a namespace other than `default`; an absent namespace counts as `default` (the
 * house line). Judged over the object set so custom kinds that a CRD in the set (or given with --crd) declares
 * cluster-scoped are exempt.
 */
export const defaultNamespace: SetRule = {
  id: 'workload-default-namespace',
  title: 'Objects must not be in the default namespace',
  severity: 'warning',
  profiles: ['hardened'],
  description: 'The default namespace is where everything without a namespace lands: it is shared by whoever has '
    + 'access to the cluster, rarely has Pod Security labels, quotas or a default-deny NetworkPolicy, and RBAC '
    + 'granted there reaches every stray object. Every namespaced object must set metadata.namespace to a namespace '
    + 'of its own ("Namespaces"); an absent metadata.namespace is judged as default, because that is where kubectl '
    + 'apply puts it unless the caller says otherwise (Checkov, Trivy and kube-linter read it the same way). '
    + 'Cluster-scoped kinds are exempt, as are custom kinds whose CustomResourceDefinition (in the same set, or '
    + 'passed with --crd) says scope: Cluster.',
  remediation: 'Set metadata.namespace to the application\'s own namespace (never "default").',
  docsUrl: 'https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces/',
  admission: {
    notExpressible: 'it is judged over the object set (CustomResourceDefinitions in the set decide which custom kinds '
      + 'are cluster-scoped), and in the cluster the control plane itself writes into default (the kubernetes '
      + 'Service and its Endpoints, Events, Leases), so a policy on every namespaced kind would refuse those writes',
  },
  scope: 'set',
  checkSet(targets, context) {
    // The CustomResourceDefinitions of the set and those given with --crd (context), else those of the set.
    const customClusterScoped = crdClusterScopedKinds(context?.crds ?? targets.map((t) => t.object));
    const out: SetViolation[] = [];
    targets.forEach((target, index) => {
      if (!isNamespaced(target.kind) || customClusterScoped.has(groupKind(target.apiVersion, target.kind))) {
        return;
      }
      if (target.namespace === undefined || target.namespace === '') {
        out.push({ index, path: ['metadata', 'namespace'], message: 'object sets no metadata.namespace, so it lands in "default"' });
      } else if (target.namespace === 'default') {
        out.push({ index, path: ['metadata', 'namespace'], message: 'object is in namespace "default"' });
      }
    });
    return out;
  },
};
