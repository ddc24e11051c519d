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
    check: (target) => {
      const pods = target.pods;
      // An object holds one pod spec at most (podViews): no array is made per object for the common case.
      if (pods.length === 1) {
        return check(pods[0], target);
      }
      return pods.flatMap((pod) => check(pod, target));
    },
  };
}

/** Defines a rule that judges every container (init, regular and ephemeral) of every pod spec. */
export function containerRule(
  meta: Meta,
  check: (container: ContainerView, pod: PodView, target: Target) => Violation[],
): ObjectRule {
  return podRule(meta, (pod, target) => {
    let found: Violation[] | undefined;
    for (const c of pod.containers) {
      const violations = check(c, pod, target);
      if (violations.length > 0) {
        found ??= [];
        for (const v of violations) {
          found.push(v);
        }
      }
    }
    return found ?? [];
  });
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

/** The holders of each pod spec, made once per pod (rules read them; none changes them). */
const HOLDERS = new WeakMap<PodView, readonly SecurityContextHolder[]>();

/** The pod's security context, then every container's, in the order Kubernetes visits them. */
export function securityContexts(pod: PodView): readonly SecurityContextHolder[] {
  let holders = HOLDERS.get(pod);
  if (holders === undefined) {
    holders = holdersOf(pod);
    HOLDERS.set(pod, holders);
  }
  return holders;
}

function holdersOf(pod: PodView): SecurityContextHolder[] {
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
