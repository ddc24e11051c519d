import { dockerfileRule, finalStage, instructions } from './dockerfile';
import { packageInstall, shellCommands } from './shell';

/** Packages that are compilers, package managers or debugging tools: an attacker's toolbox in the image. */
export const DEV_TOOL_PACKAGES: ReadonlySet<string> = new Set([
  // compilers and build tools
  'gcc', 'g++', 'clang', 'make', 'cmake', 'build-base', 'build-essential', 'musl-dev', 'libc-dev', 'libc6-dev',
  'linux-headers', 'golang', 'go', 'rust', 'cargo', 'autoconf', 'automake', 'libtool', 'gcc-c++',
  // package managers
  'py3-pip', 'python3-pip', 'python-pip', 'pip', 'npm', 'yarn', 'composer', 'maven', 'gradle',
  // fetchers, shells and debuggers
  'curl', 'wget', 'git', 'openssh', 'openssh-client', 'ssh', 'netcat', 'netcat-openbsd', 'nmap', 'socat', 'telnet',
  'tcpdump', 'strace', 'ltrace', 'gdb', 'vim', 'vi', 'nano', 'bash', 'zsh', 'sudo', 'busybox-extras',
]);

/** The final stage installs no compilers, package managers, fetchers or debugging shells. */
export const dockerfileDevTools = dockerfileRule({
  id: 'dockerfile-no-dev-tools',
  title: 'The final stage must not install compilers, package managers or debugging tools',
  severity: 'warning',
  profiles: ['container', 'hardened'],
  description: 'Whatever the final stage installs ships in the image: a compiler, a package manager (pip, npm), curl or '
    + 'wget, git, a debugger or an extra shell lets whoever gets a foothold in the container build and fetch their tools, '
    + 'and each adds packages for the scanner to find vulnerable. The guide\'s baseline forbids dev tools (lines 75-76), '
    + 'yet its own Dockerfiles install py3-pip and python3-pip into the image that runs. Build in an earlier stage and '
    + 'COPY --from only the result; only the final stage is judged, build stages may install anything.',
  remediation: 'Install build tools in a build stage (FROM python:3.12-slim AS build ... RUN pip install --prefix=/install -r requirements.txt) and COPY --from=build only the result into the final stage.',
  docsUrl: 'https://docs.docker.com/build/building/multi-stage/',
}, (dockerfile) => {
  const final = finalStage(dockerfile);
  return instructions(final).filter(({ ins }) => ins.keyword === 'RUN').flatMap(({ ins, path }) => shellCommands(ins).flatMap((command) => {
    const install = packageInstall(command);
    if (!install || install.manager === 'pip' || install.manager === 'npm') {
      return [];
    }
    const tools = install.packages.map((p) => p.split(/[=~<>]/)[0]).filter((p) => DEV_TOOL_PACKAGES.has(p));
    return tools.length
      ? [{ path, message: `${final.finalLabel} installs ${tools.map((t) => `"${t}"`).join(', ')} with ${install.program} (line ${ins.line})` }]
      : [];
  }));
});
