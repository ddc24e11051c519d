import { and, everyContainer, everyPod, or, present, select } from '../cel';
import { containerRule } from '../../define';
import { field, show, stringField } from '../../json';
import { celDefaultsToAlways, celDigestPinned, celImage, defaultPullPolicy, isDigestPinned, parseImage } from './image-reference';

/**
 * The effective pull policy must re-resolve mutable references: `Always` unless the image is pinned by digest;
 * `Never` is refused everywhere.
 */
export const imagePullPolicy = containerRule({
  id: 'workload-image-pull-policy',
  title: 'Mutable image references must be pulled with imagePullPolicy Always',
  severity: 'warning',
  profiles: ['hardened'],
  description: 'With imagePullPolicy IfNotPresent a node keeps whatever a tag meant when it first pulled it, so '
    + 'replicas on different nodes run different code, and a pod can start a cached private image without the '
    + 'registry checking its pull credentials; Never runs only what happens to be on the node. This rule judges the '
    + 'effective policy (Kubernetes defaults it to Always for :latest or no tag, IfNotPresent otherwise, "Images": '
    + 'image pull policy): an image not pinned by digest must be pulled Always, a digest-pinned one may use '
    + 'IfNotPresent, and Never fails. Tools disagree: Polaris wants Always even with a digest, Checkov and kube-score '
    + 'want Always unless digest-pinned or defaulted, and Kyverno asks for Always only for :latest or untagged images.',
  remediation: 'Set imagePullPolicy: Always on the container, or pin its image by digest (app@sha256:<digest>) and use IfNotPresent.',
  docsUrl: 'https://kubernetes.io/docs/concepts/containers/images/#image-pull-policy',
  admission: {
    target: 'pods',
    // The effective policy: the given one, or the one Kubernetes defaults to. Never fails; anything but Always
    // needs a digest.
    get expression() {
      return everyPod((pod) => everyContainer(`${pod}.spec`, (c) => celImage(c, (img) => {
        const given = select(c, 'imagePullPolicy');
        return `(${and(present(c, 'imagePullPolicy'), `${given} != ''`)}`
          + ` ? ${and(`${given} != 'Never'`, or(`${given} == 'Always'`, celDigestPinned(img)))}`
          + ` : ${or(celDefaultsToAlways(img), celDigestPinned(img))})`;
      })));
    },
  },
}, (c) => {
  const image = stringField(c.container, 'image');
  if (!image) {
    return [];
  }
  const ref = parseImage(image);
  const given = field(c.container, 'imagePullPolicy');
  const policy = given === undefined || given === null || given === '' ? defaultPullPolicy(ref) : given;
  const path = [...c.path, 'imagePullPolicy'];
  const how = policy === given ? `imagePullPolicy ${show(given)}` : `the default imagePullPolicy "${policy}"`;
  if (policy === 'Never') {
    return [{ path, message: `container "${c.name}" uses imagePullPolicy "Never" for image "${image}"` }];
  }
  if (policy !== 'Always' && !isDigestPinned(ref)) {
    return [{ path, message: `container "${c.name}" pulls mutable image "${image}" with ${how}` }];
  }
  return [];
});
