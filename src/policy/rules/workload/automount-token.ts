import { everyPod, is } from '../cel';
import { podRule } from '../../define';
import { field } from '../../json';

/** Pod-level `automountServiceAccountToken: false` (the house line: the pod decides, whatever its ServiceAccount says). */
export const automountToken = podRule({
  id: 'workload-automount-token',
  title: 'Pods must not automount a service account token',
  severity: 'warning',
  profiles: ['hardened'],
  description: 'By default every container gets a token for the pod\'s ServiceAccount at '
    + '/var/run/secrets/kubernetes.io/serviceaccount, so code execution in any container becomes API access with '
    + 'that account\'s permissions. Most workloads never call the API. The pod must set '
    + 'spec.automountServiceAccountToken: false ("Configure Service Accounts for Pods": opt out of API credential '
    + 'automounting); the pod-level field wins over the ServiceAccount\'s, so it is the one that holds wherever the '
    + 'pod runs. Checkov, Kyverno and kubesec also want it on the pod; Polaris accepts the ServiceAccount\'s field and '
    + 'Trivy fails only an explicit true.',
  remediation: 'Set spec.automountServiceAccountToken: false on the pod; a pod that calls the API mounts a projected serviceAccountToken volume in the one container that needs it.',
  docsUrl: 'https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/#opt-out-of-api-credential-automounting',
  admission: {
    target: 'pods',
    get expression() {
      return everyPod((pod) => is(`${pod}.spec`, ['automountServiceAccountToken'], 'false'));
    },
  },
}, (pod) => {
  const value = field(pod.spec, 'automountServiceAccountToken');
  if (value === false) {
    return [];
  }
  return [{
    path: [...pod.specPath, 'automountServiceAccountToken'],
    message: value === true
      ? 'pod sets automountServiceAccountToken to true'
      : 'pod does not set automountServiceAccountToken to false',
  }];
});
