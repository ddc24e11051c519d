import { AdmissionTargetName } from '../policy/rule';

/**
 * What an admission policy matches: the resources (by API group) whose CREATE and UPDATE requests it judges,
 * and the match conditions that skip requests it should not judge.
 */

/** One `matchConstraints.resourceRules` entry, without the operations (always CREATE and UPDATE). */
export interface ResourceRule {
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
}

/** A `matchConditions` entry. */
export interface MatchCondition {
  readonly name: string;
  readonly expression: string;
}

/** The objects a group of rules judges. */
export interface AdmissionTarget {
  readonly resourceRules: readonly ResourceRule[];
  readonly matchConditions?: readonly MatchCondition[];
}

const ANNOTATIONS_CHANGED = '(has(object.metadata.annotations) ? object.metadata.annotations : {})'
  + ' != (has(oldObject.metadata.annotations) ? oldObject.metadata.annotations : {})';

/**
 * Skips UPDATEs that change neither `spec` nor the annotations the rules read (as Pod Security Admission skips
 * pod updates that leave the pod spec alone). Controllers keep updating metadata of objects created before the
 * policy (finalizers, ownerReferences, labels, the Deployment controller's revision annotations) without
 * tripping over a rule the object never met; any change to what the rules judge is still checked.
 * `annotationsFor` limits the annotation comparison to one kind (a Pod's AppArmor annotations; a workload's pod
 * annotations live in its spec).
 */
export function specOrAnnotationsChanged(annotationsFor?: string): MatchCondition {
  const annotations = annotationsFor === undefined ? ANNOTATIONS_CHANGED : `(object.kind == '${annotationsFor}' && ${ANNOTATIONS_CHANGED})`;
  return {
    name: 'spec-or-annotations-changed',
    expression: "request.operation != 'UPDATE' || oldObject == null || !has(object.spec) || !has(oldObject.spec)"
      + ` || object.spec != oldObject.spec || ${annotations}`,
  };
}

/**
 * Skips the API server's own requests. On start it creates and reconciles the built-in ClusterRoles and bindings
 * (cluster-admin bound to system:masters, roles with "*"), the default namespaces and the kubernetes Service;
 * refusing those writes would keep it from becoming ready. Only the API server holds this identity.
 */
export const NOT_FROM_API_SERVER: MatchCondition = {
  name: 'not-from-api-server',
  expression: "request.userInfo.username != 'system:apiserver'",
};

/** The targets rules can name. */
export const TARGETS = {
  /**
   * Pods and every workload kind with a pod template (the kinds of `src/policy/pod-spec.ts`), plus the
   * `pods/ephemeralcontainers` subresource through which `kubectl debug` adds containers to a running pod.
   */
  pods: {
    resourceRules: [
      { apiGroups: [''], resources: ['pods', 'pods/ephemeralcontainers', 'podtemplates', 'replicationcontrollers'] },
      { apiGroups: ['apps'], resources: ['deployments', 'replicasets', 'statefulsets', 'daemonsets'] },
      { apiGroups: ['batch'], resources: ['jobs', 'cronjobs'] },
    ],
    matchConditions: [NOT_FROM_API_SERVER, specOrAnnotationsChanged('Pod')],
  },
  services: {
    resourceRules: [{ apiGroups: [''], resources: ['services'] }],
    matchConditions: [NOT_FROM_API_SERVER, specOrAnnotationsChanged()],
  },
  roles: {
    resourceRules: [{ apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles', 'clusterroles'] }],
    matchConditions: [NOT_FROM_API_SERVER],
  },
  bindings: {
    resourceRules: [{ apiGroups: ['rbac.authorization.k8s.io'], resources: ['rolebindings', 'clusterrolebindings'] }],
    matchConditions: [NOT_FROM_API_SERVER],
  },
  namespaces: {
    resourceRules: [{ apiGroups: [''], resources: ['namespaces'] }],
    matchConditions: [NOT_FROM_API_SERVER],
  },
  networkPolicies: {
    resourceRules: [{ apiGroups: ['networking.k8s.io'], resources: ['networkpolicies'] }],
    matchConditions: [NOT_FROM_API_SERVER],
  },
} satisfies Record<AdmissionTargetName, AdmissionTarget>;

/** The targets a rule's admission entry can name (defined with the rules, in src/policy/rule.ts). */
export type TargetName = AdmissionTargetName;
