import { arrayField, field } from '../../json';
import { Path } from '../../path';
import { SetRule, SetViolation } from '../../rule';
import { Direction, DIRECTIONS, isNetworkPolicy, isOpenElement, namespaceOf, policyTypes, RULES_KEY, selectsAll, specOf } from './network';
import { appendTo } from '../../../util/collections';

function directions(list: readonly Direction[]): string {
  return list.map((d) => d.toLowerCase()).join(' and ');
}

/**
 * Every namespace that runs workloads isolates all of its pods for ingress and egress with a NetworkPolicy that
 * selects every pod (`podSelector: {}`) and lists the direction (explicitly, or by the policyTypes default), and no
 * such namespace-wide policy opens the direction again with an empty rule (`ingress: [{}]`).
 */
export const defaultDeny: SetRule = {
  id: 'network-default-deny',
  title: 'Namespaces with workloads must have a default-deny NetworkPolicy for ingress and egress',
  severity: 'error',
  profiles: ['hardened'],
  description: 'Pods accept traffic from, and send it to, any pod of any namespace and any address until a '
    + 'NetworkPolicy selects them for that direction, so one compromised workload can reach every other tenant, the '
    + 'cloud metadata endpoint and the control plane. The Kubernetes "Network Policies" page gives the fix: a policy '
    + 'with podSelector: {} and policyTypes [Ingress, Egress] isolates every pod of its namespace, and further '
    + 'policies allow the flows that are needed. Every namespace with a Pod or pod controller in the object set '
    + '(no metadata.namespace counts as default) must have such isolation, from one policy or one per direction; '
    + 'a namespace-wide policy with allow rules still isolates, but an empty rule element ({}) in one opens the '
    + 'direction again. When policyTypes is omitted, Kubernetes sets Ingress, and Egress only if the policy has '
    + 'egress rules, so a deny-egress policy must list Egress. Reported on the Namespace object when the set holds '
    + 'it, else on each workload. Polaris wants a per-workload policy with rules, kube-linter and Checkov accept any '
    + 'selecting policy, kube-score a selecting policy with both types.',
  remediation: 'Add a NetworkPolicy in the namespace with spec.podSelector: {} and spec.policyTypes: [Ingress, Egress] and no rules (DefaultDenyNetwork), then allow the needed flows in separate policies.',
  docsUrl: 'https://kubernetes.io/docs/concepts/services-networking/network-policies/#default-policies',
  admission: {
    notExpressible: 'it is judged over the object set (every namespace with workloads needs a default-deny '
      + 'NetworkPolicy among the manifests); admission sees one object at a time and cannot tell what else a namespace holds',
  },
  scope: 'set',
  checkSet(targets) {
    const workloads = new Map<string, number[]>();
    const namespaceObjects = new Map<string, number>();
    const isolated = new Map<string, Set<Direction>>();
    const opened = new Map<string, Map<Direction, string>>();
    targets.forEach((target, index) => {
      if (target.pods.length > 0 && target.kind !== 'PodTemplate') {
        const ns = namespaceOf(target);
        appendTo(workloads, ns, index);
      } else if (target.kind === 'Namespace' && target.apiVersion === 'v1' && !namespaceObjects.has(target.name)) {
        namespaceObjects.set(target.name, index);
      } else if (isNetworkPolicy(target)) {
        const spec = specOf(target);
        if (!selectsAll(field(spec, 'podSelector'))) {
          return;
        }
        const ns = namespaceOf(target);
        for (const direction of policyTypes(spec)) {
          const set = isolated.get(ns) ?? new Set<Direction>();
          set.add(direction);
          isolated.set(ns, set);
          if (arrayField(spec, RULES_KEY[direction]).some((e) => isOpenElement(e, direction))) {
            const byDirection = opened.get(ns) ?? new Map<Direction, string>();
            if (!byDirection.has(direction)) {
              byDirection.set(direction, target.name);
            }
            opened.set(ns, byDirection);
          }
        }
      }
    });

    const out: SetViolation[] = [];
    for (const [ns, indices] of workloads) {
      const messages: string[] = [];
      const missing = DIRECTIONS.filter((d) => !isolated.get(ns)?.has(d));
      if (missing.length > 0) {
        messages.push(`namespace "${ns}" has workloads but no default-deny NetworkPolicy for ${directions(missing)}`);
      }
      for (const [direction, policy] of opened.get(ns) ?? []) {
        messages.push(`namespace "${ns}" is open to all ${direction.toLowerCase()} through NetworkPolicy "${policy}"`);
      }
      const nsIndex = namespaceObjects.get(ns);
      const places: Array<{ index: number; path: Path }> = nsIndex !== undefined
        ? [{ index: nsIndex, path: ['metadata', 'name'] }]
        : indices.map((index) => ({ index, path: ['metadata', 'namespace'] }));
      for (const place of places) {
        for (const message of messages) {
          out.push({ ...place, message });
        }
      }
    }
    return out;
  },
};
