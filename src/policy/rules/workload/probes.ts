import { and, everyContainer, everyPod, or, RUN_TO_COMPLETION_KINDS, strList, whenSet } from '../cel';
import { containerRule, isSet } from '../../define';
import { field } from '../../json';
import { Violation } from '../../rule';

const PROBES = ['livenessProbe', 'readinessProbe'] as const;

/** Liveness and readiness probes on the regular containers of long-running workloads. */
export const probes = containerRule({
  id: 'workload-probes',
  title: 'Long-running containers must have liveness and readiness probes',
  severity: 'warning',
  profiles: ['hardened'],
  description: 'Without a readiness probe a Service sends traffic to a container that is still starting or is '
    + 'overloaded, and a rollout proceeds past a broken version; without a liveness probe a deadlocked process is '
    + 'never restarted. Every regular container of a long-running workload must set livenessProbe and '
    + 'readinessProbe ("Configure Liveness, Readiness and Startup Probes"); Jobs, CronJobs, Pods with restartPolicy '
    + 'Never or OnFailure, init and ephemeral containers are exempt. Polaris and Checkov agree; kube-score asks for '
    + 'readiness only when a Service selects the pod, and Kyverno accepts any one of the three probes.',
  remediation: 'Set livenessProbe and readinessProbe (httpGet, tcpSocket, grpc or exec) on the container.',
  docsUrl: 'https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/',
  admission: {
    target: 'pods',
    get expression() {
      return everyPod((pod) => or(
        `object.kind in ${strList(RUN_TO_COMPLETION_KINDS)}`,
        and("object.kind == 'Pod'", whenSet(`${pod}.spec`, ['restartPolicy'], (p) => `${p} in ['Never', 'OnFailure']`)),
        everyContainer(`${pod}.spec`, (c) => and(`has(${c}.livenessProbe)`, `has(${c}.readinessProbe)`), ['containers']),
      ));
    },
  },
}, (c, pod) => {
  if (pod.runsToCompletion || c.list !== 'containers') {
    return [];
  }
  const out: Violation[] = [];
  for (const probe of PROBES) {
    if (!isSet(field(c.container, probe))) {
      out.push({ path: [...c.path, probe], message: `container "${c.name}" has no ${probe}` });
    }
  }
  return out;
});
