/**
 * Apply order and ArgoCD sync waves for the GitOps tree.
 *
 * Objects are applied in groups: what other objects need (namespaces, CRDs, classes) first, then the limits
 * of a namespace, then identities, permissions and network guardrails, then configuration, storage and
 * services, then the workloads, then what points at workloads, then custom resources, and last the
 * webhooks and API services that need their backing workload to be running.
 */

/** The ArgoCD annotation that orders a sync: lower waves are applied, and must be healthy, before higher ones. */
export const SYNC_WAVE_ANNOTATION = 'argocd.argoproj.io/sync-wave';

interface Stage {
  readonly kinds: readonly string[];
  readonly wave: number;
}

/** Apply order, one stage per rank. Kinds in one stage are ordered by kind name. `*` is every other kind. */
const STAGES: readonly Stage[] = [
  { kinds: ['Namespace'], wave: -3 },
  { kinds: ['CustomResourceDefinition'], wave: -3 },
  { kinds: ['PriorityClass', 'RuntimeClass', 'StorageClass', 'IngressClass'], wave: -2 },
  { kinds: ['ResourceQuota', 'LimitRange'], wave: -2 },
  { kinds: ['ServiceAccount'], wave: -1 },
  { kinds: ['ClusterRole', 'Role'], wave: -1 },
  { kinds: ['ClusterRoleBinding', 'RoleBinding'], wave: -1 },
  { kinds: ['NetworkPolicy'], wave: -1 },
  { kinds: ['ValidatingAdmissionPolicy'], wave: -1 },
  { kinds: ['ValidatingAdmissionPolicyBinding'], wave: -1 },
  { kinds: ['ConfigMap', 'Secret'], wave: 0 },
  { kinds: ['PersistentVolume'], wave: 0 },
  // Same wave as the workloads: a claim on a WaitForFirstConsumer class stays Pending (not healthy in
  // ArgoCD) until a pod uses it, so an earlier wave would never complete.
  { kinds: ['PersistentVolumeClaim'], wave: 0 },
  { kinds: ['Service'], wave: 0 },
  { kinds: ['CronJob', 'DaemonSet', 'Deployment', 'Job', 'Pod', 'ReplicaSet', 'ReplicationController', 'StatefulSet'], wave: 0 },
  { kinds: ['HorizontalPodAutoscaler', 'PodDisruptionBudget', 'Ingress'], wave: 0 },
  { kinds: ['*'], wave: 0 },
  { kinds: ['APIService', 'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'], wave: 1 },
];

const RANKS = new Map<string, number>();
STAGES.forEach((stage, rank) => stage.kinds.forEach((kind) => RANKS.set(kind, rank)));
const OTHER_RANK = RANKS.get('*')!;

/** The apply-order rank of a kind: lower ranks are applied first. Unknown kinds share one rank. */
export function applyRank(kind: string): number {
  return RANKS.get(kind) ?? OTHER_RANK;
}

/** The ArgoCD sync wave of a kind (an integer from -3 to 1). */
export function syncWave(kind: string): number {
  return STAGES[applyRank(kind)].wave;
}

/** The wave table, for documentation: each wave with its kinds in apply order (`*` = every other kind). */
export function syncWaveTable(): Array<{ wave: number; kinds: string[] }> {
  const rows: Array<{ wave: number; kinds: string[] }> = [];
  for (const stage of STAGES) {
    const last = rows[rows.length - 1];
    if (last && last.wave === stage.wave) {
      last.kinds.push(...stage.kinds);
    } else {
      rows.push({ wave: stage.wave, kinds: [...stage.kinds] });
    }
  }
  return rows;
}

/** The identity used to sort objects: apply rank, then kind, namespace, name and apiVersion. */
export interface SortKey {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly apiVersion: string;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Compares two objects in apply order; ties broken by kind, then namespace, then name, then apiVersion. */
export function compareApplyOrder(a: SortKey, b: SortKey): number {
  return applyRank(a.kind) - applyRank(b.kind)
    || cmp(a.kind, b.kind)
    || cmp(a.namespace, b.namespace)
    || cmp(a.name, b.name)
    || cmp(a.apiVersion, b.apiVersion);
}
