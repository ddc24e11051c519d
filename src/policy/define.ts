import { objectField } from './json';
import { Path } from './path';
import { ContainerView, POD_KINDS, PodView } from './pod-spec';
import { ObjectRule, Target, Violation } from './rule';

type Meta = Omit<ObjectRule, 'scope' | 'check'>;

/** Defines a rule that judges every pod spec of an object (Pods and every workload's pod template). */
export function podRule(meta: Meta, check: (pod: PodView, target: Target) => Violation[]): ObjectRule {
  return {
    ...meta,
    scope: 'object',
    kinds: POD_KINDS,
    check: (target) => target.pods.flatMap((pod) => check(pod, target)),
  };
}

/** Defines a rule that judges every container (init, regular and ephemeral) of every pod spec. */
export function containerRule(
  meta: Meta,
  check: (container: ContainerView, pod: PodView, target: Target) => Violation[],
): ObjectRule {
  return podRule(meta, (pod, target) => pod.containers.flatMap((c) => check(c, pod, target)));
}

/** A place that holds a security context: the pod itself or one of its containers. */
export interface SecurityContextHolder {
  /** `pod` or `container "name"`, for messages. */
  readonly who: string;
  readonly container?: ContainerView;
  readonly securityContext?: ReturnType<typeof objectField>;
  /** Path of the holder's `securityContext`. */
  readonly path: Path;
}

/** The pod's security context, then every container's, in the order Kubernetes visits them. */
export function securityContexts(pod: PodView): SecurityContextHolder[] {
  return [
    { who: 'pod', securityContext: pod.securityContext, path: [...pod.specPath, 'securityContext'] },
    ...pod.containers.map((c) => ({
      who: `container "${c.name}"`,
      container: c,
      securityContext: c.securityContext,
      path: [...c.path, 'securityContext'],
    })),
  ];
}

/** True for a value Go would decode as a non-nil pointer or struct: present and not null. */
export function isSet(value: unknown): boolean {
  return value !== undefined && value !== null;
}
