/** Which API groups belong to Kubernetes itself, and which served apiVersion to suggest for a kind. */
import { GroupVersionKind } from './derive';

/** Splits `apps/v1` into group `apps` and version `v1`; `v1` is the core group (`""`). */
export function splitApiVersion(apiVersion: string): { group: string; version: string } | undefined {
  const parts = apiVersion.split('/');
  if (parts.length === 1 && parts[0] !== '') {
    return { group: '', version: parts[0] };
  }
  if (parts.length === 2 && parts[0] !== '' && parts[1] !== '') {
    return { group: parts[0], version: parts[1] };
  }
  return undefined;
}

export function joinApiVersion(group: string, version: string): string {
  return group === '' ? version : `${group}/${version}`;
}

/** Built-in groups whose names carry no `.k8s.io` suffix (plus `core`, which users write by mistake for `v1`). */
const PLAIN_KUBERNETES_GROUPS = new Set(['', 'core', 'apps', 'batch', 'policy', 'autoscaling', 'extensions']);

/**
 * Groups under `k8s.io` that Kubernetes itself does not serve: Kubernetes SIG projects installed as CRDs or
 * aggregated APIs, and configuration files that are never sent to an API server. Their kinds are custom
 * resources here ("not schema-checked" unless their CRD is given), not "not served" errors.
 */
const OUT_OF_TREE_K8S_IO_GROUPS = new Set([
  'gateway.networking.k8s.io',
  'policy.networking.k8s.io',
  'snapshot.storage.k8s.io',
  'groupsnapshot.storage.k8s.io',
  'metrics.k8s.io',
  'custom.metrics.k8s.io',
  'external.metrics.k8s.io',
  'kustomize.config.k8s.io',
]);

/**
 * True when an API group belongs to Kubernetes itself: the core group, `apps`, `batch`, `policy`, `autoscaling`,
 * `extensions`, any group the 1.28 API serves, and any other `*.k8s.io` group except `*.x-k8s.io` and the
 * out-of-tree SIG groups above. An unknown kind or version in such a group is "not served", never a custom resource.
 */
export function isKubernetesGroup(group: string, servedGroups: ReadonlySet<string>): boolean {
  if (PLAIN_KUBERNETES_GROUPS.has(group) || servedGroups.has(group)) {
    return true;
  }
  return group.endsWith('.k8s.io') && !group.endsWith('.x-k8s.io') && !OUT_OF_TREE_K8S_IO_GROUPS.has(group);
}

/** Orders versions as Kubernetes does: GA before beta before alpha, then by major and minor number, highest first. */
export function versionRank(version: string): number {
  const m = /^v(\d+)(?:(alpha|beta)(\d+)?)?$/.exec(version);
  if (!m) {
    return -1;
  }
  const level = m[2] === undefined ? 2 : m[2] === 'beta' ? 1 : 0;
  return level * 1_000_000 + Number(m[1]) * 1_000 + Number(m[3] ?? 0);
}

/**
 * The apiVersion to use instead of an unserved one for `kind`: the most stable served version of the same group,
 * else of any group (extensions/v1beta1 Ingress -> networking.k8s.io/v1).
 */
export function suggestApiVersion(group: string, kind: string, served: readonly GroupVersionKind[]): string | undefined {
  const candidates = served.filter((s) => s.kind === kind);
  const best = (list: readonly GroupVersionKind[]) => [...list].sort((a, b) => versionRank(b.version) - versionRank(a.version))[0];
  const pick = best(candidates.filter((c) => c.group === group)) ?? best(candidates);
  return pick ? joinApiVersion(pick.group, pick.version) : undefined;
}
