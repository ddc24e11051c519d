/**
 * What kube-apiserver 1.28 refuses in a CustomResourceDefinition although its OpenAPI definition allows it: a CRD in
 * a group the Kubernetes project owns (`*.k8s.io`, `*.kubernetes.io`, `k8s.io`, `kubernetes.io`) must carry the
 * annotation `api-approved.kubernetes.io`, with the URL of the API review that approved it or a reason starting
 * with "unapproved" (apiextensions-apiserver's validateAPIApproval, KEP-1111). Found by the cluster suite.
 */
import { isObject, JsonObject } from '../policy/json';
import { Violation } from '../policy/rule';

export const API_APPROVED_ANNOTATION = 'api-approved.kubernetes.io';

/** True for the groups the Kubernetes project owns (apihelpers.IsProtectedCommunityGroup). */
export function isProtectedCommunityGroup(group: string): boolean {
  return group === 'k8s.io' || group === 'kubernetes.io' || group.endsWith('.k8s.io') || group.endsWith('.kubernetes.io');
}

/**
 * A value Go's url.Parse refuses: control characters, a malformed %-escape, or a missing scheme before the first ':'.
 * (url.Parse accepts almost anything else, relative references included, and so does the API server.)
 */
function unparsableUrl(value: string): boolean {
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u001f\u007f]/.test(value) || /%(?![0-9A-Fa-f]{2})/.test(value) || value.startsWith(':');
}

/** The API-approval problems of a CustomResourceDefinition (none for other objects). */
export function crdApprovalViolations(object: JsonObject): Violation[] {
  if (object.kind !== 'CustomResourceDefinition' || typeof object.apiVersion !== 'string' || !object.apiVersion.startsWith('apiextensions.k8s.io/')) {
    return [];
  }
  const group = isObject(object.spec) && typeof object.spec.group === 'string' ? object.spec.group : undefined;
  if (group === undefined || !isProtectedCommunityGroup(group)) {
    return [];
  }
  const annotations = isObject(object.metadata) && isObject(object.metadata.annotations) ? object.metadata.annotations : {};
  const value = annotations[API_APPROVED_ANNOTATION];
  const path = ['metadata', 'annotations', API_APPROVED_ANNOTATION];
  if (typeof value !== 'string') {
    return [{
      path,
      message: `a CustomResourceDefinition in the protected group ${group} must have the annotation ${API_APPROVED_ANNOTATION} `
        + '(the API server refuses it without)',
      remediation: `Set metadata.annotations["${API_APPROVED_ANNOTATION}"] to the URL of the API review that approved the group `
        + '(upstream CRDs carry it), or to a reason starting with "unapproved"; or use a group of your own domain.',
    }];
  }
  if (!value.startsWith('unapproved') && unparsableUrl(value)) {
    return [{
      path,
      message: `${API_APPROVED_ANNOTATION} ${JSON.stringify(value)} is neither a URL nor a reason starting with "unapproved"`,
      remediation: `Set metadata.annotations["${API_APPROVED_ANNOTATION}"] to the URL of the API review, or to a reason starting with "unapproved".`,
    }];
  }
  return [];
}
