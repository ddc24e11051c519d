import { ObjectRule } from '../../rule';

/** One row of the "Deprecated API Migration Guide": a group/version that no longer serves some kinds. */
interface Removal {
  readonly apiVersion: string;
  readonly kinds: readonly string[];
  /** The Kubernetes minor version that stopped serving it. */
  readonly removedIn: string;
  /** What to use instead (an apiVersion, or another mechanism). */
  readonly replacement: string;
}

/**
 * Every apiVersion/kind pair the Kubernetes "Deprecated API Migration Guide" lists as removed in 1.16, 1.22,
 * 1.25, 1.26 or 1.27, i.e. everything removed at or before 1.28 (1.28 itself removed none). Kind by kind, not
 * whole group versions: admissionregistration.k8s.io/v1beta1 (ValidatingAdmissionPolicy) and
 * authentication.k8s.io/v1beta1 (SelfSubjectReview) are served again in 1.28. Alpha versions are not listed.
 */
export const REMOVED_APIS: readonly Removal[] = [
  // 1.16
  { apiVersion: 'extensions/v1beta1', kinds: ['NetworkPolicy'], removedIn: '1.16', replacement: 'networking.k8s.io/v1' },
  { apiVersion: 'extensions/v1beta1', kinds: ['DaemonSet', 'Deployment', 'ReplicaSet'], removedIn: '1.16', replacement: 'apps/v1' },
  { apiVersion: 'extensions/v1beta1', kinds: ['PodSecurityPolicy'], removedIn: '1.16', replacement: 'Pod Security Admission' },
  { apiVersion: 'apps/v1beta1', kinds: ['Deployment', 'StatefulSet', 'ReplicaSet'], removedIn: '1.16', replacement: 'apps/v1' },
  { apiVersion: 'apps/v1beta2', kinds: ['DaemonSet', 'Deployment', 'StatefulSet', 'ReplicaSet'], removedIn: '1.16', replacement: 'apps/v1' },
  // 1.22
  { apiVersion: 'admissionregistration.k8s.io/v1beta1', kinds: ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'], removedIn: '1.22', replacement: 'admissionregistration.k8s.io/v1' },
  { apiVersion: 'apiextensions.k8s.io/v1beta1', kinds: ['CustomResourceDefinition'], removedIn: '1.22', replacement: 'apiextensions.k8s.io/v1' },
  { apiVersion: 'apiregistration.k8s.io/v1beta1', kinds: ['APIService'], removedIn: '1.22', replacement: 'apiregistration.k8s.io/v1' },
  { apiVersion: 'authentication.k8s.io/v1beta1', kinds: ['TokenReview'], removedIn: '1.22', replacement: 'authentication.k8s.io/v1' },
  { apiVersion: 'authorization.k8s.io/v1beta1', kinds: ['LocalSubjectAccessReview', 'SelfSubjectAccessReview', 'SubjectAccessReview', 'SelfSubjectRulesReview'], removedIn: '1.22', replacement: 'authorization.k8s.io/v1' },
  { apiVersion: 'certificates.k8s.io/v1beta1', kinds: ['CertificateSigningRequest'], removedIn: '1.22', replacement: 'certificates.k8s.io/v1' },
  { apiVersion: 'coordination.k8s.io/v1beta1', kinds: ['Lease'], removedIn: '1.22', replacement: 'coordination.k8s.io/v1' },
  { apiVersion: 'extensions/v1beta1', kinds: ['Ingress'], removedIn: '1.22', replacement: 'networking.k8s.io/v1' },
  { apiVersion: 'networking.k8s.io/v1beta1', kinds: ['Ingress', 'IngressClass'], removedIn: '1.22', replacement: 'networking.k8s.io/v1' },
  { apiVersion: 'rbac.authorization.k8s.io/v1beta1', kinds: ['ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding'], removedIn: '1.22', replacement: 'rbac.authorization.k8s.io/v1' },
  { apiVersion: 'scheduling.k8s.io/v1beta1', kinds: ['PriorityClass'], removedIn: '1.22', replacement: 'scheduling.k8s.io/v1' },
  { apiVersion: 'storage.k8s.io/v1beta1', kinds: ['CSIDriver', 'CSINode', 'StorageClass', 'VolumeAttachment'], removedIn: '1.22', replacement: 'storage.k8s.io/v1' },
  // 1.25
  { apiVersion: 'batch/v1beta1', kinds: ['CronJob'], removedIn: '1.25', replacement: 'batch/v1' },
  { apiVersion: 'discovery.k8s.io/v1beta1', kinds: ['EndpointSlice'], removedIn: '1.25', replacement: 'discovery.k8s.io/v1' },
  { apiVersion: 'events.k8s.io/v1beta1', kinds: ['Event'], removedIn: '1.25', replacement: 'events.k8s.io/v1' },
  { apiVersion: 'autoscaling/v2beta1', kinds: ['HorizontalPodAutoscaler'], removedIn: '1.25', replacement: 'autoscaling/v2' },
  { apiVersion: 'policy/v1beta1', kinds: ['PodDisruptionBudget'], removedIn: '1.25', replacement: 'policy/v1' },
  { apiVersion: 'policy/v1beta1', kinds: ['PodSecurityPolicy'], removedIn: '1.25', replacement: 'Pod Security Admission' },
  { apiVersion: 'node.k8s.io/v1beta1', kinds: ['RuntimeClass'], removedIn: '1.25', replacement: 'node.k8s.io/v1' },
  // 1.26 (flowcontrol v1beta2 is still served by 1.28 but removed in 1.29, so v1beta3 is the target)
  { apiVersion: 'flowcontrol.apiserver.k8s.io/v1beta1', kinds: ['FlowSchema', 'PriorityLevelConfiguration'], removedIn: '1.26', replacement: 'flowcontrol.apiserver.k8s.io/v1beta3' },
  { apiVersion: 'autoscaling/v2beta2', kinds: ['HorizontalPodAutoscaler'], removedIn: '1.26', replacement: 'autoscaling/v2' },
  // 1.27
  { apiVersion: 'storage.k8s.io/v1beta1', kinds: ['CSIStorageCapacity'], removedIn: '1.27', replacement: 'storage.k8s.io/v1' },
];

/** The removal that applies to an apiVersion and kind, if any. */
export function findRemoval(apiVersion: string, kind: string): Removal | undefined {
  return REMOVED_APIS.find((r) => r.apiVersion === apiVersion && r.kinds.includes(kind));
}

/** apiVersions that Kubernetes 1.28 no longer serves. */
export const removedApi: ObjectRule = {
  id: 'api-removed',
  title: 'Objects must not use an apiVersion removed by Kubernetes 1.28',
  severity: 'error',
  profiles: ['hardened'],
  description: 'Kubernetes stops serving beta API versions some releases after their replacement arrives; a manifest '
    + 'that still uses one is rejected by the API server ("no matches for kind"), so a GitOps sync or an upgrade '
    + 'fails halfway. Every object must use an apiVersion that Kubernetes 1.28 serves: this rule knows every '
    + 'apiVersion/kind pair the "Deprecated API Migration Guide" lists as removed in 1.16, 1.22, 1.25, 1.26 and 1.27 '
    + '(PodSecurityPolicy has no replacement API: use Pod Security Admission). The replacement may also change '
    + 'fields (Ingress backends, HPA metric targets), as the guide lists.',
  remediation: 'Set apiVersion to the replacement the finding names and migrate the fields the Deprecated API Migration Guide lists for that kind.',
  docsUrl: 'https://kubernetes.io/docs/reference/using-api/deprecation-guide/',
  admission: {
    notExpressible: 'an apiVersion the cluster no longer serves never reaches admission: the API server refuses the '
      + 'request itself ("no matches for kind")',
  },
  scope: 'object',
  check(target) {
    const removal = findRemoval(target.apiVersion, target.kind);
    if (!removal) {
      return [];
    }
    const isApiVersion = /^[a-z0-9.-]+\/v\d/.test(removal.replacement);
    return [{
      path: ['apiVersion'],
      message: `apiVersion "${target.apiVersion}" of ${target.kind} was removed in Kubernetes ${removal.removedIn} `
        + `(replacement: ${isApiVersion ? `"${removal.replacement}"` : removal.replacement})`,
      remediation: isApiVersion
        ? `Set apiVersion to ${removal.replacement} and migrate the fields the Deprecated API Migration Guide lists for ${target.kind}.`
        : `Delete the ${target.kind} and enforce the same rules with ${removal.replacement}: \`cdk8s-hardened migrate-psp\` `
          + 'on it prints the level to label its namespaces with (pod-security.kubernetes.io/enforce) and admission policies for its stricter controls.',
    }];
  },
};
