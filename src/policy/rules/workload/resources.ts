import { and, everyContainer, everyPod, nonBlank, or, str, whenSet } from '../cel';
import { containerRule } from '../../define';
import { objectField } from '../../json';
import { Violation } from '../../rule';

const RESOURCES = ['cpu', 'memory'] as const;

function isGiven(value: unknown): boolean {
  return (typeof value === 'string' && value.trim() !== '') || typeof value === 'number';
}

/** CEL of `isGiven`: a non-blank string or a number. */
function celQuantityGiven(value: string): string {
  return or(nonBlank(value), `type(${value}) == int`, `type(${value}) == double`);
}

/** CEL: `resources.<kind>.<resource>` of container `c` is given. */
function celResourceGiven(c: string, kind: 'requests' | 'limits', resource: string): string {
  return whenSet(c, ['resources', kind], (map) => and(`${str(resource)} in ${map}`, celQuantityGiven(`${map}[${str(resource)}]`)));
}

/**
 * CPU and memory requests and limits on every init and regular container. A request may come from the limit:
 * Kubernetes copies a limit into a missing request of the same resource.
 */
export const resources = containerRule({
  id: 'workload-resources',
  title: 'Containers must set CPU and memory requests and limits',
  severity: 'warning',
  profiles: ['hardened'],
  description: 'A container without a memory limit can take the node\'s memory until the kernel kills its neighbours; '
    + 'one without a CPU limit can starve them; one without requests is scheduled as if it needed nothing and is '
    + 'evicted first. Every init and regular container must set resources.requests and resources.limits for cpu '
    + 'and memory (ephemeral containers cannot have resources). A limit given without a request also counts as the '
    + 'request, as Kubernetes copies it ("Resource Management for Pods and Containers"). kube-linter asks only for '
    + 'the CPU request and memory limit and Kyverno for no CPU limit; Polaris, kube-score, Trivy, Checkov and '
    + 'kubesec ask for all four, as this rule does.',
  remediation: 'Set resources.requests.cpu, resources.requests.memory, resources.limits.cpu and resources.limits.memory on the container.',
  docsUrl: 'https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/',
  admission: {
    target: 'pods',
    get expression() {
      return everyPod((pod) => everyContainer(`${pod}.spec`, (c) => and(
        ...['cpu', 'memory'].map((r) => or(celResourceGiven(c, 'requests', r), celResourceGiven(c, 'limits', r))),
        ...['cpu', 'memory'].map((r) => celResourceGiven(c, 'limits', r)),
      ), ['initContainers', 'containers']));
    },
  },
}, (c) => {
  if (c.list === 'ephemeralContainers') {
    return [];
  }
  const spec = objectField(c.container, 'resources');
  const requests = objectField(spec, 'requests');
  const limits = objectField(spec, 'limits');
  const out: Violation[] = [];
  for (const resource of RESOURCES) {
    if (!isGiven(requests?.[resource]) && !isGiven(limits?.[resource])) {
      out.push({
        path: [...c.path, 'resources', 'requests', resource],
        message: `container "${c.name}" sets no resources.requests.${resource}`,
      });
    }
  }
  for (const resource of RESOURCES) {
    if (!isGiven(limits?.[resource])) {
      out.push({
        path: [...c.path, 'resources', 'limits', resource],
        message: `container "${c.name}" sets no resources.limits.${resource}`,
      });
    }
  }
  return out;
});
