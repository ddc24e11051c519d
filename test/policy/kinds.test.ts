import { CLUSTER_SCOPED_KINDS, crdClusterScopedKinds, groupKind, isNamespaced } from '../../src/policy/kinds';

describe('kinds', () => {
  test.each([
    'Namespace', 'Node', 'PersistentVolume', 'ComponentStatus', 'ClusterRole', 'ClusterRoleBinding', 'StorageClass',
    'CustomResourceDefinition', 'PriorityClass', 'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration',
    'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding', 'APIService', 'CSIDriver', 'CSINode', 'RuntimeClass',
    'IngressClass', 'VolumeAttachment', 'CertificateSigningRequest', 'FlowSchema', 'PriorityLevelConfiguration',
    'PodSecurityPolicy', 'TokenReview', 'SubjectAccessReview', 'SelfSubjectAccessReview', 'SelfSubjectRulesReview',
    'SelfSubjectReview', 'ClusterTrustBundle', 'ClusterCIDR', 'IPAddress', 'ResourceClass', 'StorageVersion',
  ])('%s is cluster-scoped', (kind) => {
    expect(isNamespaced(kind)).toBe(false);
  });

  test.each([
    'Pod', 'Deployment', 'Service', 'ConfigMap', 'Secret', 'ServiceAccount', 'Role', 'RoleBinding', 'NetworkPolicy',
    'Ingress', 'PersistentVolumeClaim', 'ResourceQuota', 'LimitRange', 'Lease', 'EndpointSlice', 'Event',
    'CSIStorageCapacity', 'LocalSubjectAccessReview', 'PodDisruptionBudget', 'HorizontalPodAutoscaler',
    'ResourceClaim', 'ControllerRevision', 'SomeCustomKind',
  ])('%s is namespaced', (kind) => {
    expect(isNamespaced(kind)).toBe(true);
  });

  test('the set is exactly the cluster-scoped kinds of 1.28 plus PodSecurityPolicy', () => {
    expect(CLUSTER_SCOPED_KINDS.size).toBe(33);
  });

  test('CRDs declare the scope of custom kinds, by group and kind', () => {
    const crd = (group: unknown, kind: unknown, scope: unknown, apiVersion = 'apiextensions.k8s.io/v1') =>
      ({ apiVersion, kind: 'CustomResourceDefinition', metadata: { name: 'x' }, spec: { group, scope, names: { kind } } });
    const found = crdClusterScopedKinds([
      crd('cert-manager.io', 'ClusterIssuer', 'Cluster'),
      crd('cert-manager.io', 'Issuer', 'Namespaced'),
      crd('old.example.com', 'Thing', 'Cluster', 'apiextensions.k8s.io/v1beta1'),
      crd('bad.example.com', 7, 'Cluster'),
      crd('fake.example.com', 'Fake', 'Cluster', 'example.com/v1'),
      null,
      'text',
    ]);
    expect([...found].sort()).toEqual(['cert-manager.io/ClusterIssuer', 'old.example.com/Thing']);
    expect(groupKind('cert-manager.io/v1', 'ClusterIssuer')).toBe('cert-manager.io/ClusterIssuer');
    expect(groupKind('v1', 'Pod')).toBe('/Pod');
  });
});
