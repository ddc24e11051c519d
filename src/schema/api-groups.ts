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
 * Groups that Kubernetes itself once served and 1.28 no longer does (PodPreset, AuditSink): an object of theirs is
 * "not served", not a custom resource. Every other group 1.28 does not serve is a custom resource, `*.k8s.io` ones
 * included: Kubernetes SIG projects install their APIs as CRDs (`autoscaling.k8s.io` VerticalPodAutoscaler,
 * `externaldns.k8s.io` DNSEndpoint, `gateway.networking.k8s.io`, `snapshot.storage.k8s.io`, ...).
 */
const RETIRED_KUBERNETES_GROUPS = new Set(['settings.k8s.io', 'auditregistration.k8s.io']);

/**
 * True when an API group belongs to Kubernetes 1.28 itself: the core group, `apps`, `batch`, `policy`,
 * `autoscaling`, `extensions`, any group the 1.28 API serves, and the retired groups above. An unknown kind or
 * version in such a group is "not served", never a custom resource; any other group's kinds are custom resources.
 */
export function isKubernetesGroup(group: string, servedGroups: ReadonlySet<string>): boolean {
  return PLAIN_KUBERNETES_GROUPS.has(group) || servedGroups.has(group) || RETIRED_KUBERNETES_GROUPS.has(group);
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
