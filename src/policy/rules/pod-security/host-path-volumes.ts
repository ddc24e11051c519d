import { allOf, everyPod } from '../cel';
import { isSet, podRule } from '../../define';
import { arrayField, field, stringField } from '../../json';

/** PSS baseline "HostPath Volumes" (PSA check hostPathVolumes). */
export const hostPathVolumes = podRule({
  id: 'pss-baseline-host-path-volumes',
  title: 'hostPath volumes are forbidden',
  severity: 'error',
  profiles: ['pss-baseline', 'pss-restricted', 'hardened'],
  description: 'A hostPath volume mounts a file or folder of the node into the pod: the container runtime socket, '
    + 'kubelet credentials or /etc are a path to the node. Pod Security Standards (baseline) forbid spec.volumes[*].hostPath.',
  remediation: 'Replace the spec.volumes[*].hostPath volume with an emptyDir, configMap, secret or persistentVolumeClaim volume.',
  docsUrl: 'https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline',
  admission: {
    target: 'pods',
    get expression() {
      return everyPod((pod) => allOf(`${pod}.spec`, ['volumes'], 'v', (v) => `!has(${v}.hostPath)`));
    },
  },
}, (pod) => arrayField(pod.spec, 'volumes').flatMap((volume, i) => isSet(field(volume, 'hostPath')) ? [{
  path: [...pod.specPath, 'volumes', i, 'hostPath'],
  message: `volume "${stringField(volume, 'name') ?? i}" is a hostPath volume`,
}] : []));
