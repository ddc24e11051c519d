import { allOf, not, or, strList, whenSet } from '../cel';
import { arrayField, stringField } from '../../json';
import { ObjectRule, Violation } from '../../rule';
import { isRbacKind } from './rbac';

/** Subjects that stand for everyone (or for identities that bypass RBAC). */
const SYSTEM_SUBJECTS: Record<string, string> = {
  'system:anonymous': 'every request without credentials',
  'system:unauthenticated': 'every request without credentials',
  'system:authenticated': 'every authenticated identity',
  'system:serviceaccounts': 'every ServiceAccount of every namespace',
  'system:masters': 'a group that bypasses RBAC already',
};

/** Bindings to the built-in catch-all users and groups. */
export const systemGroupBinding: ObjectRule = {
  id: 'rbac-system-group-binding',
  title: 'Bindings must not name system:anonymous, system:unauthenticated, system:authenticated or system:masters',
  severity: 'error',
  profiles: ['hardened'],
  description: 'system:anonymous and system:unauthenticated are whoever reaches the API server without credentials; '
    + 'system:authenticated is every identity the cluster accepts (on some managed clusters, any account of the '
    + 'cloud provider); system:serviceaccounts is every ServiceAccount of every tenant. A binding to any of them '
    + 'hands its role to everyone. system:masters bypasses RBAC and authorization webhooks altogether, so a binding '
    + 'to it is at best meaningless and at worst a sign that users are meant to be put in it. The Kubernetes RBAC '
    + 'good practices ask to review and remove bindings of system:unauthenticated and never to use system:masters. '
    + 'Kyverno skips system:authenticated, kube-score checks system:anonymous only, and Trivy\'s checks never match a '
    + 'real ClusterRoleBinding (kind spelled ClusterRolebinding).',
  remediation: 'Replace the subjects[] entry with the named users, groups or ServiceAccounts that need the role (kind, name and, for a ServiceAccount, namespace).',
  docsUrl: 'https://kubernetes.io/docs/concepts/security/rbac-good-practices/#hardening',
  admission: {
    target: 'bindings',
    get expression() {
      return allOf('object', ['subjects'], 'subject', (subject) => or(`type(${subject}) != map`, not(whenSet(subject, ['name'],
        (n) => `${n} in ${strList(['system:anonymous', 'system:unauthenticated', 'system:authenticated', 'system:serviceaccounts', 'system:masters'])}`))));
    },
  },
  scope: 'object',
  kinds: ['RoleBinding', 'ClusterRoleBinding'],
  check(target) {
    if (!isRbacKind(target, 'RoleBinding', 'ClusterRoleBinding')) {
      return [];
    }
    const out: Violation[] = [];
    arrayField(target.object, 'subjects').forEach((subject, index) => {
      const name = stringField(subject, 'name');
      if (name === undefined || !Object.prototype.hasOwnProperty.call(SYSTEM_SUBJECTS, name)) {
        return;
      }
      const kind = (stringField(subject, 'kind') ?? 'subject').toLowerCase();
      out.push({
        path: ['subjects', index, 'name'],
        message: `subject ${index} is ${kind} "${name}", ${SYSTEM_SUBJECTS[name]}`,
      });
    });
    return out;
  },
};
