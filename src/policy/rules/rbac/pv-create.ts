import { grantRule } from './rbac';

/** create on persistentvolumes (RBAC good practices: "Persistent volume creation"). */
export const pvCreate = grantRule({
  id: 'rbac-pv-create',
  title: 'Roles must not grant creating PersistentVolumes',
  severity: 'error',
  profiles: ['hardened'],
  description: 'Whoever may create PersistentVolumes may create a hostPath volume, claim it from a namespace and mount '
    + 'the node\'s filesystem into a pod, past every Pod Security check on the pod itself; from there, the kubelet\'s '
    + 'credentials and other containers\' data are in reach. The Kubernetes RBAC good practices list it as a privilege '
    + 'escalation risk and keep PV creation for trusted operators and provisioners; workloads use '
    + 'PersistentVolumeClaims. Reported for create and "*", including through "*" resources or apiGroups; a namespaced '
    + 'Role cannot grant it (PersistentVolumes are cluster-scoped). No common checker looks for it.',
  remediation: 'Remove create and "*" from the verbs of the rules[] entry whose apiGroups and resources cover persistentvolumes; request storage with a PersistentVolumeClaim and a storageClassName.',
  docsUrl: 'https://kubernetes.io/docs/concepts/security/rbac-good-practices/#persistent-volume-creation',
}, [
  { group: '', resource: 'persistentvolumes', verbs: ['create'], clusterOnly: true },
]);
