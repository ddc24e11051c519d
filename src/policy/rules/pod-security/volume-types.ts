import { allOf, and, everyPod } from '../cel';
import { isSet, podRule } from '../../define';
import { arrayField, field, stringField } from '../../json';

/** The volume sources restricted allows. */
export const ALLOWED_VOLUME_SOURCES: readonly string[] = [
  'configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret',
];

/** Every other volume source the Kubernetes 1.28 Volume type has. */
export const FORBIDDEN_VOLUME_SOURCES: readonly string[] = [
  'awsElasticBlockStore', 'azureDisk', 'azureFile', 'cephfs', 'cinder', 'fc', 'flexVolume', 'flocker',
  'gcePersistentDisk', 'gitRepo', 'glusterfs', 'hostPath', 'iscsi', 'nfs', 'photonPersistentDisk', 'portworxVolume',
  'quobyte', 'rbd', 'scaleIO', 'storageos', 'vsphereVolume',
];

/**
 * PSS restricted "Volume Types" (PSA check restrictedVolumes; replaces the baseline hostPath check).
 * A volume with no source at all is an emptyDir after API defaulting, so it is allowed.
 */
export const volumeTypes = podRule({
  id: 'pss-restricted-volume-types',
  title: 'Only ephemeral and projected volume types are allowed',
  severity: 'error',
  profiles: ['pss-restricted', 'hardened'],
  overrides: ['pss-baseline-host-path-volumes'],
  description: 'Volume types other than configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, '
    + 'projected and secret reach node paths (hostPath) or storage systems directly with the node\'s credentials '
    + '(nfs, iscsi, rbd, gitRepo, ...). Pod Security Standards (restricted) allow only those eight sources in spec.volumes.',
  remediation: 'Replace the volume source with a persistentVolumeClaim (for storage) or emptyDir, configMap, secret or projected volume.',
  docsUrl: 'https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted',
  admission: {
    target: 'pods',
    // The same deny-list as the TypeScript rule: with the eight allowed sources it covers every source of the
    // 1.28 Volume type, and a volume with only a name is an emptyDir after defaulting.
    get expression() {
      return everyPod((pod) => allOf(`${pod}.spec`, ['volumes'], 'v',
        (v) => and(...FORBIDDEN_VOLUME_SOURCES.map((source) => `!has(${v}.${source})`))));
    },
  },
}, (pod) => arrayField(pod.spec, 'volumes').flatMap((volume, i) => FORBIDDEN_VOLUME_SOURCES
  .filter((source) => isSet(field(volume, source)))
  .map((source) => ({
    path: [...pod.specPath, 'volumes', i, source],
    message: `volume "${stringField(volume, 'name') ?? i}" uses volume type ${source}`,
  }))));
