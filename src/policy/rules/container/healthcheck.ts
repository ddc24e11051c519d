import { dockerfileRule, finalStage, instructionPath } from './dockerfile';

/** A HEALTHCHECK, or a note that Kubernetes probes take its place. */
export const dockerfileHealthcheck = dockerfileRule({
  id: 'dockerfile-healthcheck',
  title: 'Declare a HEALTHCHECK, or probes in Kubernetes',
  severity: 'info',
  profiles: ['container', 'hardened'],
  description: 'Docker restarts or reports a container by its HEALTHCHECK; the kubelet ignores HEALTHCHECK entirely and '
    + 'judges health by the pod\'s livenessProbe and readinessProbe (which the workload-probes rule requires). An image '
    + 'without HEALTHCHECK is noted, not failed: run under Kubernetes, the probes replace it; run with plain Docker, '
    + 'nothing notices a hung process. The guide\'s complete pod (lines 280-345) sets both probes.',
  remediation: 'Add HEALTHCHECK CMD ["/app/healthcheck"] for Docker, and set livenessProbe and readinessProbe on the container in Kubernetes (the kubelet ignores HEALTHCHECK).',
  docsUrl: 'https://docs.docker.com/reference/dockerfile/#healthcheck',
}, (dockerfile) => {
  const final = finalStage(dockerfile);
  const seen = new Set<number>();
  for (let s: number | undefined = final.index; s !== undefined && !seen.has(s) && dockerfile.stages[s]; s = dockerfile.stages[s].fromStage) {
    seen.add(s);
    const check = [...dockerfile.stages[s].instructions].reverse().find((i) => i.keyword === 'HEALTHCHECK');
    if (check) {
      return check.args[0]?.toUpperCase() === 'NONE'
        ? [{ path: instructionPath(s, dockerfile.stages[s].instructions.indexOf(check)), message: 'HEALTHCHECK NONE turns health checking off; under Kubernetes the pod\'s probes must replace it' }]
        : [];
    }
  }
  return [{ path: instructionPath(final.index, 0), message: `${final.finalLabel} has no HEALTHCHECK; under Kubernetes the pod's livenessProbe and readinessProbe replace it` }];
});
