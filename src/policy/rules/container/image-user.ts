import { isObject } from '../../json';
import { SetRule, SetViolation } from '../../rule';
import { parseUser } from './dockerfile';
import { imageMatches, imageUser, namedDockerfiles, podContainers } from './images';
import { NOT_AN_API_OBJECT } from './admission';

/** The image's USER and the pod's runAsUser agree, where a Dockerfile and the manifests that run its image are checked together. */
export const imageUserMatchesPod: SetRule = {
  id: 'image-user-matches-pod',
  title: 'A pod must run an image as the user the Dockerfile built it for',
  severity: 'error',
  profiles: ['container', 'hardened'],
  description: 'Where a Dockerfile names the image it builds (a comment `# cdk8s-hardened: image=registry/app`, with '
    + 'an optional tag) and a checked manifest runs that image, the two must agree on the user. A pod (or container) '
    + 'runAsUser that differs from the image\'s numeric USER runs the process as a user the image did not give its files '
    + 'to (a warning: writes fail, or files are readable by the wrong user). A root USER under a pod that does not set '
    + 'runAsUser runs as root in the cluster (an error). A user name under runAsNonRoot: true without runAsUser is refused '
    + 'by the kubelet at start ("image has non-numeric user", an error). The guide sets runAsUser 1000 in its pods (lines '
    + '134 and 293) but builds its images for UID 1001 (lines 21 and 89).',
  remediation: 'Make them agree: set securityContext.runAsUser to the image\'s numeric USER (USER 10001 -> runAsUser: 10001), or change the Dockerfile\'s USER to the UID the pod runs as.',
  docsUrl: 'https://docs.docker.com/reference/dockerfile/#user',
  admission: NOT_AN_API_OBJECT,
  scope: 'set',
  judgesContainerInputs: true,
  checkSet(targets) {
    const dockerfiles = namedDockerfiles(targets);
    if (!dockerfiles.length) {
      return [];
    }
    const out: SetViolation[] = [];
    for (const c of podContainers(targets)) {
      for (const d of dockerfiles.filter((df) => imageMatches(df.image, c.image))) {
        const built = imageUser(d.spec);
        const user = built ? parseUser(built.user) : undefined;
        if (!built || !user || user.variable) {
          continue;
        }
        const sc = c.container.securityContext;
        const podSc = c.pod.securityContext;
        const own = isObject(sc) && typeof sc.runAsUser === 'number';
        const runAsUser = own ? sc!.runAsUser as number : typeof podSc?.runAsUser === 'number' ? podSc.runAsUser : undefined;
        const runAsUserPath = own ? [...c.container.path, 'securityContext', 'runAsUser'] : [...c.pod.specPath, 'securityContext', 'runAsUser'];
        const runAsNonRoot = (isObject(sc) && typeof sc.runAsNonRoot === 'boolean' ? sc.runAsNonRoot : podSc?.runAsNonRoot) === true;
        const from = `${d.file} (USER ${built.user} at line ${built.line})`;
        const who = `container "${c.container.name}"`;
        if (runAsUser !== undefined) {
          if (user.numeric && Number(user.user) !== runAsUser) {
            out.push({ index: c.index, path: runAsUserPath, severity: 'warning',
              message: `${who} runs image "${c.image}" as runAsUser ${runAsUser}, but ${from} built it for UID ${user.user}`,
              remediation: `Set securityContext.runAsUser: ${user.user}, or build the image with USER ${runAsUser}.` });
          }
        } else if (user.root) {
          out.push({ index: c.index, path: c.imagePath,
            message: `${who} runs image "${c.image}" as root: ${from} is root and the pod sets no runAsUser`,
            remediation: 'Build the image with a numeric non-root USER (USER 10001) and set securityContext.runAsUser: 10001 with runAsNonRoot: true.' });
        } else if (!user.numeric && runAsNonRoot) {
          out.push({ index: c.index, path: c.imagePath,
            message: `${who} sets runAsNonRoot but no runAsUser, and ${from} is a name: the kubelet refuses to start it (image has non-numeric user)`,
            remediation: `Set securityContext.runAsUser to the UID of ${user.user}, or build the image with a numeric USER.` });
        }
      }
    }
    return out;
  },
};
