import { objectField, stringField } from './json';
import { apiGroup } from './pod-spec';

/**
 * Kinds whose objects are cluster-scoped (have no namespace) in Kubernetes 1.28, as served by the API server
 * (`kubectl api-resources --namespaced=false`), plus PodSecurityPolicy, which was cluster-scoped until its
 * removal in 1.25 and still shows up in old manifests. Every other kind is treated as namespaced, custom
 * resources included: the scope of a custom kind is declared by its CustomResourceDefinition (see
 * {@link crdClusterScopedKinds}).
 */
export const CLUSTER_SCOPED_KINDS: ReadonlySet<string> = new Set([
  // core (v1)
  'ComponentStatus',
  'Namespace',
  'Node',
  'PersistentVolume',
  // admissionregistration.k8s.io
  'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  // apiextensions.k8s.io, apiregistration.k8s.io, internal.apiserver.k8s.io
  'CustomResourceDefinition',
  'APIService',
  'StorageVersion',
  // authentication.k8s.io, authorization.k8s.io (create-only review objects)
  'TokenReview',
  'SelfSubjectReview',
  'SubjectAccessReview',
  'SelfSubjectAccessReview',
  'SelfSubjectRulesReview',
  // certificates.k8s.io
  'CertificateSigningRequest',
  'ClusterTrustBundle',
  // flowcontrol.apiserver.k8s.io
  'FlowSchema',
  'PriorityLevelConfiguration',
  // networking.k8s.io
  'IngressClass',
  'ClusterCIDR',
  'IPAddress',
  // node.k8s.io, scheduling.k8s.io
  'RuntimeClass',
  'PriorityClass',
  // rbac.authorization.k8s.io
  'ClusterRole',
  'ClusterRoleBinding',
  // resource.k8s.io (alpha in 1.28)
  'ResourceClass',
  // storage.k8s.io
  'CSIDriver',
  'CSINode',
  'StorageClass',
  'VolumeAttachment',
  // policy/v1beta1, removed in 1.25
  'PodSecurityPolicy',
]);

/** True when objects of `kind` live in a namespace (every kind that is not known to be cluster-scoped). */
export function isNamespaced(kind: string): boolean {
  return !CLUSTER_SCOPED_KINDS.has(kind);
}

/** `group/Kind` key of a custom kind (`example.com/Widget`), as {@link crdClusterScopedKinds} returns them. */
export function groupKind(apiVersion: string, kind: string): string {
  return `${apiGroup(apiVersion)}/${kind}`;
}

/**
 * The custom kinds that CustomResourceDefinitions among `objects` declare cluster-scoped (`spec.scope: Cluster`),
 * as `group/Kind` keys. Lets a rule over the object set treat such custom resources like built-in
 * cluster-scoped kinds. Ignores anything that is not a well-formed CRD.
 */
export function crdClusterScopedKinds(objects: readonly unknown[]): Set<string> {
  const out = new Set<string>();
  for (const object of objects) {
    if (stringField(object, 'kind') !== 'CustomResourceDefinition'
      || apiGroup(stringField(object, 'apiVersion') ?? '') !== 'apiextensions.k8s.io') {
      continue;
    }
    const spec = objectField(object, 'spec');
    const group = stringField(spec, 'group');
    const kind = stringField(objectField(spec, 'names'), 'kind');
    if (stringField(spec, 'scope') === 'Cluster' && group && kind) {
      out.add(`${group}/${kind}`);
    }
  }
  return out;
}
