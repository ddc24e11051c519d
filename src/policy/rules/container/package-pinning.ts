import { dockerfileRule, instructions, judgedStages } from './dockerfile';
import { PackageInstall, packageInstall, shellCommands } from './shell';

/** Whether a package argument pins its version, where the manager has a syntax for it. */
function pinned(install: PackageInstall, pkg: string): boolean {
  if (pkg.includes('$') || pkg.includes('/') || pkg.startsWith('.') || /\.(whl|tar\.gz|zip|deb|apk|rpm|tgz)$/.test(pkg)) {
    return true; // a variable, a path, a URL or a file: its version is fixed elsewhere
  }
  switch (install.manager) {
    case 'pip':
      return /==|===/.test(pkg);
    case 'apt':
      return pkg.includes('=');
    case 'apk':
      return /[=~<>]/.test(pkg);
    case 'npm':
      return /^@?[^@]+@\d/.test(pkg);
    default:
      return true; // yum's name-version cannot be told from a name with a dash
  }
}

/** Packages installed with a manager that can pin versions name one. */
export const dockerfilePackagePinning = dockerfileRule({
  id: 'dockerfile-package-pinning',
  title: 'Installed packages must pin their versions',
  severity: 'warning',
  profiles: ['container', 'hardened'],
  description: 'An unpinned package is whatever the repository serves on the day of the build, so two builds of one '
    + 'commit differ and a scan result cannot be reproduced. The guide asks for locked dependency versions (lines 81-82) '
    + 'and pins flask==2.0.1 (line 28), but not python3 and py3-pip beside it. Pins are checked where the manager has a '
    + 'syntax for them: pip (name==version), apt (name=version), apk (name=version or name~version), npm (name@version); '
    + 'a requirements file, a path or a variable counts as pinned elsewhere; yum is not checked.',
  remediation: 'Pin every package the RUN installs: pip install flask==2.0.1, apk add python3=3.11.9-r0, apt-get install python3=3.9.2-3, or install from a locked requirements.txt / package-lock.json.',
  docsUrl: 'https://docs.docker.com/build/building/best-practices/#apt-get',
}, (dockerfile) => judgedStages(dockerfile).flatMap((s) => instructions(s).filter(({ ins }) => ins.keyword === 'RUN')
  .flatMap(({ ins, path }) => shellCommands(ins).flatMap((command) => {
    const install = packageInstall(command);
    const loose = install ? install.packages.filter((p) => !pinned(install, p)) : [];
    return loose.length
      ? [{ path, message: `${s.label} installs ${loose.map((p) => `"${p}"`).join(', ')} with ${install!.program} without a version (line ${ins.line})` }]
      : [];
  }))));
