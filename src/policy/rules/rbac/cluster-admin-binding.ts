import { and, is, not, or, str, unsetOr, whenSet } from '../cel';
import { SetRule, SetViolation } from '../../rule';
import { findRole, fullWildcardRule, RBAC_GROUP, roleRef } from './rbac';

/** Built-in ClusterRoles that give the run of every namespace (kube-system included) when bound cluster-wide. */
const NAMESPACE_ADMIN_ROLES = ['admin', 'edit'];

/**
 * Bindings to cluster-admin, to a role of the set that is cluster-admin in all but name (`*`, `*`, `*` or every verb
 * listed), and
 * ClusterRoleBindings to the built-in admin or edit roles (which reach kube-system). A set rule, because the
 * role a binding names may be in the same object set.
 */
export const clusterAdminBinding: SetRule = {
  id: 'rbac-cluster-admin-binding',
  title: 'Bindings must not grant cluster-admin or an equivalent role',
  severity: 'error',
  profiles: ['hardened'],
  description: 'cluster-admin can do anything to any object; a RoleBinding to it gives the same inside a namespace. '
    + 'The Kubernetes RBAC good practices say not to use it except where specifically needed. Reported for a '
    + 'binding whose roleRef names ClusterRole cluster-admin, for one whose roleRef names a Role or ClusterRole of '
    + 'the same object set with a rules[] entry of "*" apiGroups, "*" resources and "*" verbs, or "*"/"*" entries that '
    + 'list every verb (get, list, watch, create, update, patch, delete) between them (cluster-admin under another name), and for a ClusterRoleBinding to the built-in admin or edit ClusterRole, which create pods and '
    + 'read Secrets in every namespace, kube-system included, and so reach every controller\'s ServiceAccount. '
    + 'Kyverno, Polaris and kube-linter check the name cluster-admin only; Trivy (KSV-0111) also flags admin and '
    + 'edit in a RoleBinding, which is their intended use and passes here.',
  remediation: 'Set roleRef.name to a Role that lists only the verbs and resources the subjects need, bound with a RoleBinding in their namespace.',
  docsUrl: 'https://kubernetes.io/docs/concepts/security/rbac-good-practices/#least-privilege',
  admission: {
    target: 'bindings',
    // The per-object part: a binding to cluster-admin, or a ClusterRoleBinding to admin or edit.
    get expression() {
      return not(and(
        is('object', ['roleRef', 'kind'], "'ClusterRole'"),
        unsetOr('object', ['roleRef', 'apiGroup'], (g) => or(`type(${g}) != string`, `${g} == ${str(RBAC_GROUP)}`)),
        whenSet('object', ['roleRef', 'name'], (n) => or(
          `${n} == 'cluster-admin'`,
          and("object.kind == 'ClusterRoleBinding'", `${n} in ['admin', 'edit']`),
        )),
      ));
    },
    limitation: 'a binding to a role of the same manifests that grants "*" verbs on "*" resources in "*" apiGroups '
      + '(cluster-admin in all but name) is caught by synth and check only: admission sees one object at a time and '
      + 'cannot look the role up',
  },
  scope: 'set',
  checkSet(targets) {
    const out: SetViolation[] = [];
    targets.forEach((target, index) => {
      const ref = roleRef(target);
      if (!ref) {
        return;
      }
      const path = ['roleRef', 'name'];
      if (ref.kind === 'ClusterRole' && ref.name === 'cluster-admin') {
        out.push({ index, path, message: 'binding refers to ClusterRole "cluster-admin"' });
        return;
      }
      if (target.kind === 'ClusterRoleBinding' && ref.kind === 'ClusterRole' && NAMESPACE_ADMIN_ROLES.includes(ref.name)) {
        out.push({ index, path, message: `binding grants ClusterRole "${ref.name}" in every namespace, kube-system included` });
        return;
      }
      const role = findRole(targets, target, ref);
      const wildcard = role && fullWildcardRule(role);
      if (wildcard) {
        out.push({
          index,
          path,
          message: `binding refers to ${ref.kind} "${ref.name}", whose rule ${wildcard.rule.index} grants ${wildcard.verbs} on "*" resources in "*" apiGroups`,
        });
      }
    });
    return out;
  },
};
