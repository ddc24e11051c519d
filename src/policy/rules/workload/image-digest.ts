import { everyContainer, everyPod } from '../cel';
import { containerRule } from '../../define';
import { stringField } from '../../json';
import { celDigestPinned, celImage, isValidDigest, parseImage } from './image-reference';

/** Recommends pinning every image by content digest. */
export const imageDigest = containerRule({
  id: 'workload-image-digest',
  title: 'Images should be pinned by digest',
  severity: 'info',
  profiles: ['hardened'],
  description: 'Tags are mutable: whoever can push to the registry can change what a tag means, and the next pod start '
    + 'runs the new content without any change to the manifest. Only a digest (@sha256:...) names fixed, verifiable '
    + 'content ("Images": image names). This rule notes every container image without a well-formed digest; it is '
    + 'informational because digests must be updated by tooling (Renovate, kustomize images, an image policy '
    + 'controller), which not every team has.',
  remediation: 'Set the container\'s image to registry/app:1.4.2@sha256:<digest> (the digest of the image you tested).',
  docsUrl: 'https://kubernetes.io/docs/concepts/containers/images/#image-names',
  admission: {
    target: 'pods',
    get expression() {
      return everyPod((pod) => everyContainer(`${pod}.spec`, (c) => celImage(c, celDigestPinned)));
    },
  },
}, (c) => {
  const image = stringField(c.container, 'image');
  if (!image) {
    return [];
  }
  const { digest } = parseImage(image);
  if (isValidDigest(digest)) {
    return [];
  }
  return [{
    path: [...c.path, 'image'],
    message: digest === undefined
      ? `container "${c.name}" uses image "${image}" without a digest`
      : `container "${c.name}" uses image "${image}" with a malformed digest`,
  }];
});
