import { arrayField, isObject, objectField } from '../../json';
import { Path } from '../../path';
import { SetRule, SetViolation, Target } from '../../rule';
import { appendTo } from '../../../util/collections';

function namespaceOf(target: Target): string {
  return target.namespace || 'default';
}

function hasHardLimits(target: Target): boolean {
  const hard = objectField(objectField(target.object, 'spec'), 'hard');
  return isObject(hard) && Object.keys(hard).length > 0;
}

function hasLimits(target: Target): boolean {
  return arrayField(objectField(target.object, 'spec'), 'limits').length > 0;
}

/**
 * Every namespace of the set (declared as a Namespace object, or holding workloads) has a ResourceQuota and a
 * LimitRange. Reported on the Namespace object when the set holds it, else on each workload of the namespace.
 */
export const quota: SetRule = {
  id: 'namespace-quota',
  title: 'Namespaces should have a ResourceQuota and a LimitRange',
  severity: 'warning',
  profiles: ['hardened'],
  description: 'Without a ResourceQuota, one namespace can create pods, claims, Services and objects until the nodes '
    + 'or etcd run out, which the Kubernetes RBAC good practices name as the object-creation denial of service; '
    + 'without a LimitRange, containers that forget resources get no defaults or bounds. Every namespace declared '
    + 'in the object set, and every namespace that holds a Pod or pod controller (no metadata.namespace counts as '
    + 'default), should have a ResourceQuota with spec.hard and a LimitRange with spec.limits ("Resource Quotas", '
    + '"Limit Ranges"). Kyverno generates both; Trivy (KSV-0039, KSV-0040) checks them per namespace too.',
  remediation: 'Add a ResourceQuota (spec.hard with requests, limits and object counts) and a LimitRange (spec.limits of type Container with default and defaultRequest) to the namespace, as LockedDownNamespace does.',
  docsUrl: 'https://kubernetes.io/docs/concepts/policy/resource-quotas/',
  admission: {
    notExpressible: 'it is judged over the object set (every namespace needs a ResourceQuota and a LimitRange among '
      + 'the manifests); admission sees one object at a time and cannot tell what else a namespace holds',
  },
  scope: 'set',
  checkSet(targets) {
    const workloads = new Map<string, number[]>();
    const namespaceObjects = new Map<string, number>();
    const quotas = new Set<string>();
    const limitRanges = new Set<string>();
    targets.forEach((target, index) => {
      if (target.pods.length > 0 && target.kind !== 'PodTemplate') {
        const ns = namespaceOf(target);
        appendTo(workloads, ns, index);
      } else if (target.apiVersion !== 'v1') {
        return;
      } else if (target.kind === 'Namespace' && !namespaceObjects.has(target.name)) {
        namespaceObjects.set(target.name, index);
      } else if (target.kind === 'ResourceQuota' && hasHardLimits(target)) {
        quotas.add(namespaceOf(target));
      } else if (target.kind === 'LimitRange' && hasLimits(target)) {
        limitRanges.add(namespaceOf(target));
      }
    });

    const out: SetViolation[] = [];
    const namespaces = [...new Set([...namespaceObjects.keys(), ...workloads.keys()])];
    for (const ns of namespaces) {
      const missing: Array<{ kind: string; remediation: string }> = [];
      if (!quotas.has(ns)) {
        missing.push({ kind: 'ResourceQuota', remediation: `Add a ResourceQuota with spec.hard (cpu, memory and object counts) in namespace "${ns}".` });
      }
      if (!limitRanges.has(ns)) {
        missing.push({ kind: 'LimitRange', remediation: `Add a LimitRange with spec.limits of type Container (default and defaultRequest) in namespace "${ns}".` });
      }
      const nsIndex = namespaceObjects.get(ns);
      const places: Array<{ index: number; path: Path }> = nsIndex !== undefined
        ? [{ index: nsIndex, path: ['metadata', 'name'] }]
        : (workloads.get(ns) ?? []).map((index) => ({ index, path: ['metadata', 'namespace'] }));
      for (const place of places) {
        for (const m of missing) {
          out.push({ ...place, message: `namespace "${ns}" has no ${m.kind}`, remediation: m.remediation });
        }
      }
    }
    return out;
  },
};
