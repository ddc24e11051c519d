import { and, everyContainer, everyPod, is, not, or, SC } from '../cel';
import { podRule } from '../../define';
import { field } from '../../json';
import { Violation } from '../../rule';

/**
 * PSS restricted "Running as Non-root" (PSA check runAsNonRoot). An explicit false anywhere fails, even when
 * the other level says true; a container without the field is covered only by pod-level true.
 */
export const runAsNonRoot = podRule({
  id: 'pss-restricted-run-as-non-root',
  title: 'Containers must run as non-root',
  severity: 'error',
  profiles: ['pss-restricted', 'hardened'],
  description: 'A container that may run as UID 0 is root inside the container and one kernel or runtime bug away from '
    + 'root on the node. Pod Security Standards (restricted) require securityContext.runAsNonRoot: true on the pod '
    + '(with no container setting false) or on every container; the kubelet then refuses to start a root image.',
  remediation: 'Set spec.securityContext.runAsNonRoot: true on the pod and remove runAsNonRoot: false from every container.',
  docsUrl: 'https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted',
  admission: {
    target: 'pods',
    // Pod-level false fails outright; a container passes with its own true, or with the pod's true when it
    // does not say false itself.
    get expression() {
      return everyPod((pod) => {
        const spec = `${pod}.spec`;
        const podSays = (value: string) => is(spec, [SC, 'runAsNonRoot'], value);
        return and(not(podSays('false')), everyContainer(spec, (c) => and(
          not(is(c, [SC, 'runAsNonRoot'], 'false')),
          or(is(c, [SC, 'runAsNonRoot'], 'true'), podSays('true')),
        )));
      });
    },
  },
}, (pod) => {
  const out: Violation[] = [];
  const podValue = field(pod.securityContext, 'runAsNonRoot');
  if (podValue === false) {
    out.push({ path: [...pod.specPath, 'securityContext', 'runAsNonRoot'], message: 'pod sets securityContext.runAsNonRoot to false' });
  }
  for (const c of pod.containers) {
    const value = field(c.securityContext, 'runAsNonRoot');
    if (value === false) {
      out.push({ path: [...c.path, 'securityContext', 'runAsNonRoot'], message: `container "${c.name}" sets securityContext.runAsNonRoot to false` });
    } else if (value !== true && podValue !== true) {
      out.push({
        path: [...c.path, 'securityContext', 'runAsNonRoot'],
        message: `container "${c.name}" does not set securityContext.runAsNonRoot to true, and neither does the pod`,
      });
    }
  }
  return out;
});
