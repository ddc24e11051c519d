import { dockerfileRule, instructions, judgedStages, parseUser, userAt } from './dockerfile';
import { packageInstall, shellCommands } from './shell';

/** System packages are installed as root, before the stage switches to its non-root USER. */
export const dockerfileInstallAfterUser = dockerfileRule({
  id: 'dockerfile-install-after-user',
  title: 'System packages must be installed before USER switches away from root',
  severity: 'error',
  profiles: ['container', 'hardened'],
  description: 'apt-get, apk and yum write to /var/lib and /usr, which only root may write: a RUN that installs system '
    + 'packages after USER appuser fails the build (apk: "Permission denied"; apt-get: "are you root?"), or tempts a fix '
    + 'that puts sudo in the image. Both of the guide\'s Dockerfiles do this (lines 22-28 and 91-100). Install as root, '
    + 'then switch USER as late as possible, just before CMD.',
  remediation: 'Move the RUN apk add / apt-get install above the USER instruction, so USER is the last step before CMD.',
  docsUrl: 'https://docs.docker.com/build/building/best-practices/#user',
}, (dockerfile) => judgedStages(dockerfile).flatMap((s) => instructions(s).filter(({ ins }) => ins.keyword === 'RUN')
  .flatMap(({ ins, index, path }) => {
    const user = userAt(dockerfile, s.index, index);
    if (!user || parseUser(user.user).root || parseUser(user.user).variable) {
      return [];
    }
    const installs = shellCommands(ins).map(packageInstall).filter((i) => i && i.manager !== 'pip' && i.manager !== 'npm');
    return installs.length
      ? [{ path, message: `${s.label} runs ${installs[0]!.program} as USER "${user.user}" (set at line ${user.line}), which cannot install system packages` }]
      : [];
  })));
