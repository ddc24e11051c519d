import { and, or, unsetOr } from '../cel';
import { show } from '../../json';
import { ObjectRule, Violation } from '../../rule';
import { celEveryRoleRule, Item, policyRules } from './rbac';

const FIELDS = ['apiGroups', 'resources', 'verbs'] as const;

function isWildcard(field: (typeof FIELDS)[number], item: Item): boolean {
  return item.value === '*' || (field === 'resources' && item.value.startsWith('*/'));
}

/**
 * `*` in a Role or ClusterRole rule. A wildcard resource is an error (it covers every resource type, present and
 * future, custom resources included, which no other rule can judge); a wildcard API group, verb or `*\/sub`
 * subresource is a warning, since each dangerous thing it grants on a known resource is flagged as an error by the
 * rule that names it.
 */
export const wildcard: ObjectRule = {
  id: 'rbac-wildcard',
  title: 'RBAC rules must not use wildcards',
  severity: 'error',
  profiles: ['hardened'],
  description: 'A "*" in a Role or ClusterRole rule grants not only what exists today but every resource type, API '
    + 'group or verb added later, custom resources and custom verbs (escalate, bind, impersonate, approve) included. '
    + 'The Kubernetes RBAC good practices ask to avoid wildcards, especially on all resources. A "*" in resources is '
    + 'an error because it reaches types no rule can judge; a "*" in apiGroups or verbs, or a "*/<subresource>" '
    + 'entry, is reported as a warning, because every escalation it grants on a known resource (reading secrets, '
    + 'exec, nodes/proxy, escalate, bind, impersonate) is reported as an error by the rule that names it. '
    + 'Aggregated ClusterRoles have no rules of their own and are not judged. Kyverno, Trivy and kube-linter flag '
    + 'wildcards too, with different scopes (Trivy only */*/* or "*" on sensitive resources; kube-linter only '
    + 'resources and verbs; Checkov only rules[0]).',
  remediation: 'List the exact apiGroups, resources and verbs the subject needs in each rules[] entry instead of "*".',
  docsUrl: 'https://kubernetes.io/docs/concepts/security/rbac-good-practices/#least-privilege',
  admission: {
    target: 'roles',
    get expression() {
      return {
        // A "*" resource is the error; "*" in apiGroups or verbs, or a "*/sub" resource alone, is a warning.
        error: celEveryRoleRule((r) => unsetOr(r, ['resources'], (l) => `!('*' in ${l})`)),
        warning: celEveryRoleRule((r) => and(
          unsetOr(r, ['apiGroups'], (l) => `!('*' in ${l})`),
          unsetOr(r, ['verbs'], (l) => `!('*' in ${l})`),
          unsetOr(r, ['resources'], (l) => or(`'*' in ${l}`, `!${l}.exists(x, type(x) == string && x.startsWith('*/'))`)),
        )),
      };
    },
  },
  scope: 'object',
  kinds: ['Role', 'ClusterRole'],
  check(target) {
    const out: Violation[] = [];
    for (const rule of policyRules(target)) {
      for (const field of FIELDS) {
        const found = rule[field].filter((item) => isWildcard(field, item));
        if (found.length === 0) {
          continue;
        }
        const error = field === 'resources' && found.some((item) => item.value === '*');
        out.push({
          path: [...rule.path, field, found[0].index],
          message: `rule ${rule.index} uses ${found.map((item) => show(item.value)).join(', ')} in ${field}`,
          ...(error ? {} : { severity: 'warning' as const }),
        });
      }
    }
    return out;
  },
};
