/**
 * What the API server requires of container images beyond its OpenAPI schema. The 1.28 definitions leave
 * `Container.image` optional (so that the schema can serve configuration tools that fill images in later), but
 * kube-apiserver's pod validation refuses, in every Pod and every pod template, a container, init container or
 * ephemeral container without an image (`spec.containers[0].image: Required value`), and, in a Pod only, an image
 * with leading or trailing whitespace (pod templates may keep " " as a placeholder). See
 * https://kubernetes.io/docs/concepts/containers/images/ and pkg/apis/core/validation (validateContainerCommon,
 * validateContainerOnlyForPod) of Kubernetes 1.28.
 */
import { JsonObject } from '../policy/json';
import { formatPath } from '../policy/path';
import { podViews } from '../policy/pod-spec';
import { Violation } from '../policy/rule';

/** The image problems of every container of every pod spec in the object (none for kinds without one). */
export function containerImageViolations(object: JsonObject): Violation[] {
  const out: Violation[] = [];
  const isPod = object.kind === 'Pod';
  for (const pod of podViews(object)) {
    for (const { container, path } of pod.containers) {
      const image = container.image;
      const at = [...path, 'image'];
      if (image === undefined || image === null || image === '') {
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
