import { everyContainer, everyPod, is, isWindows, or, SC } from '../cel';
import { containerRule } from '../../define';
import { field } from '../../json';

/** `securityContext.readOnlyRootFilesystem: true` on every container of Linux pods. */
export const readOnlyRootFs = containerRule({
  id: 'workload-read-only-root-fs',
  title: 'Containers should have a read-only root filesystem',
  severity: 'warning',
  profiles: ['hardened'],
  description: 'A writable root filesystem lets an attacker who gets code execution drop tools, modify binaries and '
    + 'configuration, and persist until the container is recreated. Every container should set '
    + 'securityContext.readOnlyRootFilesystem: true and write only to mounted volumes (an emptyDir for /tmp and '
    + 'caches), as "Configure a Security Context for a Pod or Container" describes. Pods with spec.os.name: windows '
    + 'are exempt: the API forbids the field there. Polaris, kube-linter, kube-score, kubesec, Trivy and Checkov '
    + 'all check it; PSS does not.',
  remediation: 'Set securityContext.readOnlyRootFilesystem: true on the container and mount an emptyDir volume where it must write.',
  docsUrl: 'https://kubernetes.io/docs/tasks/configure-pod-container/security-context/',
  admission: {
    target: 'pods',
    get expression() {
      return everyPod((pod) => or(isWindows(`${pod}.spec`),
        everyContainer(`${pod}.spec`, (c) => is(c, [SC, 'readOnlyRootFilesystem'], 'true'))));
    },
  },
}, (c, pod) => pod.windows || field(c.securityContext, 'readOnlyRootFilesystem') === true
  ? []
  : [{
    path: [...c.path, 'securityContext', 'readOnlyRootFilesystem'],
    message: field(c.securityContext, 'readOnlyRootFilesystem') === false
      ? `container "${c.name}" sets securityContext.readOnlyRootFilesystem to false`
      : `container "${c.name}" does not set securityContext.readOnlyRootFilesystem to true`,
  }]);
