import { dockerfileRule, instructions, judgedStages } from './dockerfile';
import { packageInstall, runs, ShellCommand, shellCommands } from './shell';

function removes(commands: readonly ShellCommand[], path: RegExp): boolean {
  return commands.some((c) => runs(c, 'rm') && c.words.some((w) => path.test(w)));
}

/** Package installs leave no caches or recommended extras in the layer. */
export const dockerfilePackageCache = dockerfileRule({
  id: 'dockerfile-package-cache',
  title: 'Package installs must skip recommends and caches in the same layer',
  severity: 'warning',
  profiles: ['container', 'hardened'],
  description: 'Each RUN is a layer, and a file deleted in a later layer still ships in the earlier one. apt-get install '
    + 'without --no-install-recommends pulls in packages nobody asked for; apt-get update leaves its package lists, apk '
    + 'its index (without --no-cache), yum its cache and pip its wheels (without --no-cache-dir) unless the same RUN '
    + 'removes them. They enlarge the image and what a scan must cover (the guide: minimal layers, lines 72-73; its '
    + 'Debian example removes /var/lib/apt/lists in the same RUN, lines 95-100).',
  remediation: 'In the same RUN: apt-get update && apt-get install -y --no-install-recommends <pkgs> && rm -rf /var/lib/apt/lists/*; apk add --no-cache <pkgs>; pip install --no-cache-dir <pkgs>; yum install -y <pkgs> && yum clean all.',
  docsUrl: 'https://docs.docker.com/build/building/best-practices/#apt-get',
}, (dockerfile) => judgedStages(dockerfile).flatMap((s) => instructions(s).filter(({ ins }) => ins.keyword === 'RUN')
  .flatMap(({ ins, path }) => {
    const commands = shellCommands(ins);
    const problems: string[] = [];
    const cacheMount = /--mount=\S*type=cache/.test(ins.content);
    for (const command of commands) {
      const install = packageInstall(command);
      if (!install || cacheMount) {
        continue;
      }
      if (install.manager === 'apt') {
        if (!install.options.includes('--no-install-recommends')) {
          problems.push(`${install.program} install without --no-install-recommends`);
        }
        if (!removes(commands, /^\/var\/lib\/apt\/lists/)) {
          problems.push(`${install.program} install without rm -rf /var/lib/apt/lists/* in the same RUN`);
        }
      } else if (install.manager === 'apk' && !install.options.includes('--no-cache') && !removes(commands, /^\/var\/cache\/apk/)) {
        problems.push('apk add without --no-cache');
      } else if (install.manager === 'yum' && !commands.some((c) => c.words.includes('clean')) && !removes(commands, /^\/var\/cache\/(yum|dnf)/)) {
        problems.push(`${install.program} install without ${install.program} clean all in the same RUN`);
      } else if (install.manager === 'pip' && !install.options.includes('--no-cache-dir')) {
        problems.push(`${install.program} install without --no-cache-dir`);
      }
    }
    return problems.map((p) => ({ path, message: `${s.label} runs ${p} (line ${ins.line})` }));
  })));
