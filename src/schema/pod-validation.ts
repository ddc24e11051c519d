/**
 * What kube-apiserver 1.28's pod validation refuses although the OpenAPI definitions allow it.
 *
 * Container images: the 1.28 definitions leave
 * `Container.image` (and `EphemeralContainer.image`) optional (so that the schema can serve configuration tools that fill images in later), but
 * kube-apiserver's pod validation refuses, in every Pod and every pod template, a container, init container or
 * ephemeral container without an image (`spec.containers[0].image: Required value`), and, in a Pod only, an image
 * with leading or trailing whitespace (pod templates may keep " " as a placeholder). A missing image of a container
 * or init container is reported by the schema itself (server-rules.ts); this file reports ephemeral containers'. See
 * https://kubernetes.io/docs/concepts/containers/images/ and pkg/apis/core/validation (validateContainerCommon,
 * validateContainerOnlyForPod) of Kubernetes 1.28.
 *
 * Ephemeral containers in a pod template: the PodSpec definition has `ephemeralContainers`, but the API server
 * refuses them in every pod template ("ephemeral containers not allowed in pod template"): they can only be added
 * to a running Pod, through its ephemeralcontainers subresource (`kubectl debug`). See
 * https://kubernetes.io/docs/concepts/workloads/pods/ephemeral-containers/ (ValidatePodTemplateSpec).
 */
import { JsonObject } from '../policy/json';
import { formatPath } from '../policy/path';
import { podViews } from '../policy/pod-spec';
import { Violation } from '../policy/rule';

/** The problems of every pod spec in the object (none for kinds without one). */
export function podValidationViolations(object: JsonObject): Violation[] {
  const out: Violation[] = [];
  const isPod = object.kind === 'Pod';
  for (const pod of podViews(object)) {
    const ephemeral = pod.spec.ephemeralContainers;
    if (!isPod && Array.isArray(ephemeral) && ephemeral.length > 0) {
      const at = [...pod.specPath, 'ephemeralContainers'];
      out.push({
        path: at,
        message: `${formatPath(at)} is not allowed in a pod template`,
        remediation: `Remove ${formatPath(at)}: the API server refuses ephemeral containers in pod templates; add them to a running Pod with kubectl debug.`,
      });
    }
    for (const { container, path } of pod.containers) {
      const image = container.image;
      const at = [...path, 'image'];
      // containers[] and initContainers[] get this from the schema (the server rule on Container.image in
      // server-rules.ts); EphemeralContainer is a definition of its own.
      const isEphemeral = path[path.length - 2] === 'ephemeralContainers';
      if (isEphemeral && (image === undefined || image === null || image === '')) {
        out.push({
          path: at,
          message: `missing required field ${formatPath(at)}`,
          remediation: `Add the required field ${formatPath(at)}: the API server refuses a container without an image.`,
        });
      } else if (isPod && typeof image === 'string' && image.trim() !== image) {
        out.push({
          path: at,
          message: `${formatPath(at)} has leading or trailing whitespace: ${JSON.stringify(image)}`,
          remediation: `Remove the whitespace around ${formatPath(at)}: the API server refuses it in a Pod.`,
        });
      }
    }
  }
  return out;
}
