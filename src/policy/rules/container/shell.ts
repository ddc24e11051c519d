import { DockerInstruction } from '../../container-model';

/** One simple shell command of a RUN instruction: its words, without leading `VAR=value` assignments and sudo. */
export interface ShellCommand {
  readonly words: readonly string[];
}

/**
 * The simple commands of a RUN instruction, split at `&&`, `||`, `;`, `|`, `&` and newlines, with quotes
 * removed. Exec form (`RUN ["sh", "-c", "..."]`) is read as the script it runs. A reading for rules, not a shell:
 * what it cannot see (a script file, a variable) it does not report.
 */
export function shellCommands(run: DockerInstruction): ShellCommand[] {
  let script = run.content;
  if (script.trimStart().startsWith('[')) {
    try {
      const exec = JSON.parse(script) as unknown;
      if (Array.isArray(exec) && exec.every((w) => typeof w === 'string')) {
        const words = exec as string[];
        const c = words.indexOf('-c');
        script = c >= 0 && c + 1 < words.length ? words[c + 1] : words.map((w) => `'${w.replace(/'/g, '')}'`).join(' ');
      }
    } catch {
      // Not JSON: Docker runs it with the shell, as written.
    }
  }
  const commands: ShellCommand[] = [];
  let words: string[] = [];
  let word = '';
  let inWord = false;
  const endWord = () => {
    if (inWord) {
      words.push(word);
    }
    word = '';
    inWord = false;
  };
  const endCommand = () => {
    endWord();
    let start = 0;
    while (start < words.length && (/^[A-Za-z_][A-Za-z0-9_]*=/.test(words[start]) || words[start] === 'sudo' || words[start] === 'exec')) {
      start++;
    }
    if (start < words.length) {
      commands.push({ words: words.slice(start) });
    }
    words = [];
  };
  for (let i = 0; i < script.length; i++) {
    const c = script[i];
    if (c === "'" || c === '"') {
      const end = script.indexOf(c, i + 1);
      word += script.slice(i + 1, end < 0 ? script.length : end);
      inWord = true;
      i = end < 0 ? script.length : end;
    } else if (c === '\\' && i + 1 < script.length) {
      word += script[++i];
      inWord = true;
    } else if (c === '&' || c === '|' || c === ';' || c === '\n' || c === '(' || c === ')') {
      endCommand();
    } else if (c === ' ' || c === '\t' || c === '\r') {
      endWord();
    } else {
      word += c;
      inWord = true;
    }
  }
  endCommand();
  return commands;
}

export type PackageManager = 'apt' | 'apk' | 'yum' | 'pip' | 'npm';

/** A package install (`apt-get install -y --no-install-recommends curl`): the manager, its options and packages. */
export interface PackageInstall {
  readonly manager: PackageManager;
  /** The program as written (`apt-get`, `pip3`). */
  readonly program: string;
  readonly options: readonly string[];
  readonly packages: readonly string[];
}

/** Options that take the next word as their value, per manager. */
const OPTION_ARGS: Record<PackageManager, ReadonlySet<string>> = {
  apt: new Set(['-o', '-t', '-c', '--option', '--target-release', '--config-file']),
  apk: new Set(['-t', '--virtual', '-X', '--repository', '--repositories-file', '-p', '--root', '--arch']),
  yum: new Set(['--setopt', '--enablerepo', '--disablerepo', '--releasever', '--installroot']),
  pip: new Set(['-r', '--requirement', '-c', '--constraint', '-i', '--index-url', '--extra-index-url', '-t', '--target',
    '-e', '--editable', '--prefix', '--root', '-f', '--find-links']),
  npm: new Set(['--prefix', '--registry']),
};

const INSTALL_VERBS: Record<PackageManager, readonly string[]> = {
  apt: ['install'],
  apk: ['add'],
  yum: ['install'],
  pip: ['install'],
  npm: ['install', 'i', 'add'],
};

function managerOf(words: readonly string[]): { manager: PackageManager; from: number } | undefined {
  const program = (words[0] ?? '').replace(/^.*\//, '');
  if (program === 'apt-get' || program === 'apt' || program === 'aptitude') {
    return { manager: 'apt', from: 1 };
  }
  if (program === 'apk') {
    return { manager: 'apk', from: 1 };
  }
  if (program === 'yum' || program === 'dnf' || program === 'microdnf' || program === 'tdnf') {
    return { manager: 'yum', from: 1 };
  }
  if (/^pip[0-9.]*$/.test(program)) {
    return { manager: 'pip', from: 1 };
  }
  if (/^python[0-9.]*$/.test(program) && words[1] === '-m' && /^pip[0-9.]*$/.test(words[2] ?? '')) {
    return { manager: 'pip', from: 3 };
  }
  if (program === 'npm' || program === 'yarn' || program === 'pnpm') {
    return { manager: 'npm', from: 1 };
  }
  return undefined;
}

/** The package install a command is, if it is one. */
export function packageInstall(command: ShellCommand): PackageInstall | undefined {
  const found = managerOf(command.words);
  if (!found) {
    return undefined;
  }
  const options: string[] = [];
  const positional: string[] = [];
  const words = command.words;
  for (let i = found.from; i < words.length; i++) {
    const w = words[i];
    if (w.startsWith('-')) {
      options.push(w);
      if (OPTION_ARGS[found.manager].has(w) && i + 1 < words.length) {
        options.push(words[++i]);
      }
    } else {
      positional.push(w);
    }
  }
  if (!INSTALL_VERBS[found.manager].includes(positional[0] ?? '')) {
    return undefined;
  }
  return { manager: found.manager, program: words[0], options, packages: positional.slice(1) };
}

/** True for a command that runs `program` (by name or path), e.g. `chown`. */
export function runs(command: ShellCommand, program: string): boolean {
  return (command.words[0] ?? '').replace(/^.*\//, '') === program;
}
