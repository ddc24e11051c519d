import { dockerfileRule, finalStage, instructionPath, parseUser, userAt } from './dockerfile';

/** The image runs as a non-root USER, numeric so Kubernetes can verify runAsNonRoot. */
export const dockerfileUser = dockerfileRule({
  id: 'dockerfile-non-root-user',
  title: 'The image must run as a non-root USER, preferably numeric',
  severity: 'error',
  profiles: ['container', 'hardened'],
  description: 'The last USER of the final stage (or of the stage it is built FROM) is the user the container runs as. '
    + 'Without one the image runs as its base image\'s user, root for almost every base image; a process running as root '
    + 'needs one kernel or runtime flaw to own the node (the guide: "禁止使用root用户", lines 69-70). A missing or root USER '
    + 'is an error. A user name (USER appuser, as both of the guide\'s Dockerfiles write) is a warning: the kubelet cannot '
    + 'tell whether a name is root, so a pod with runAsNonRoot: true refuses to start the image unless runAsUser is also set '
    + '("container has runAsNonRoot and image has non-numeric user"); a numeric UID lets Kubernetes verify it.',
  remediation: 'End the final stage with a numeric non-root USER: USER 10001:10001 (created with adduser -u 10001, or useradd --uid 10001).',
  docsUrl: 'https://docs.docker.com/reference/dockerfile/#user',
}, (dockerfile) => {
  const final = finalStage(dockerfile);
  const found = userAt(dockerfile, final.index);
  if (!found) {
    return [{ path: instructionPath(final.index, 0), message: `${final.finalLabel} sets no USER, so the container runs as the base image's user (root for most images)` }];
  }
  const user = parseUser(found.user);
  if (user.variable) {
    return [{ path: found.path, severity: 'warning', message: `the image runs as USER "${found.user}", set by a build argument, so it cannot be checked` }];
  }
  if (user.root) {
    return [{ path: found.path, message: `the image runs as USER "${found.user}" (root)` }];
  }
  if (!user.numeric) {
    return [{ path: found.path, severity: 'warning', message: `the image runs as USER "${found.user}", a name Kubernetes cannot verify as non-root (runAsNonRoot needs a numeric UID)`,
      remediation: `Write the user's numeric UID: USER <uid of ${user.user}> (for example 10001:10001), the UID it was created with.` }];
  }
  return [];
});
