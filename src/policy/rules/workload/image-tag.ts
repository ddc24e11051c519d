import { and, everyContainer, everyPod, or, str } from '../cel';
import { containerRule } from '../../define';
import { stringField } from '../../json';
import { CEL_LATEST, CEL_TAGGED, celDigestPinned, celImage, isDigestPinned, parseImage } from './image-reference';

/** No `:latest` and no missing tag, unless the image is pinned by digest. */
export const imageTag = containerRule({
  id: 'workload-image-tag',
  title: 'Images must name a version, not :latest or no tag',
  severity: 'error',
  profiles: ['hardened'],
  description: 'An image without a tag means :latest, and :latest moves with every push: two nodes may run different '
    + 'code under one manifest, a restart silently upgrades, and a rollback has nothing to return to. Every '
    + 'container must name its image with a tag other than latest, or pin it by digest ("Images": image names). '
    + 'The tag is read from the last path segment, so registry:5000/app has no tag (as kube-linter and Trivy read '
    + 'it; Polaris, Kyverno and kube-score take the port for a tag). It is an error, as the constructs refuse such an '
    + 'image: one risk, one severity, whether the manifest comes from a construct or a Helm chart. Pinning content '
    + '(a version tag is mutable too) is what the workload-image-digest warning asks for.',
  remediation: 'Set the container\'s image to a versioned tag (registry/app:1.4.2) or a digest (registry/app@sha256:<digest>); a tag you must keep mutable needs a suppression annotation with the reason.',
  docsUrl: 'https://kubernetes.io/docs/concepts/containers/images/#image-names',
  admission: {
    target: 'pods',
    get expression() {
      return everyPod((pod) => everyContainer(`${pod}.spec`, (c) => celImage(c, (img) => or(
        celDigestPinned(img),
        and(`${img}.matches(${str(CEL_TAGGED)})`, `!${img}.matches(${str(CEL_LATEST)})`),
      ))));
    },
  },
}, (c) => {
  const image = stringField(c.container, 'image');
  if (!image) {
    return [];
  }
  const ref = parseImage(image);
  if (isDigestPinned(ref)) {
    return [];
  }
  if (!ref.tag) {
    return [{ path: [...c.path, 'image'], message: `container "${c.name}" uses image "${image}" without a tag (it means :latest)` }];
  }
  if (ref.tag === 'latest') {
    return [{ path: [...c.path, 'image'], message: `container "${c.name}" uses image "${image}"` }];
  }
  return [];
});
