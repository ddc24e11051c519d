/**
 * The plumbing every command of the CLI shares: what it touches of the outside world (CliIo), the exit codes, the
 * errors reported in one line, the atomic file write, the tool's version, colour and progress on a terminal.
 * Imports no command module, so every command (and program.ts) can import it.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, realpathSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'fs';
import { basename, dirname, join, resolve } from 'path';

/** What the CLI touches of the outside world, so tests can run it in-process. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** The content of standard input, for the path `-`. */
  readStdin(): string | Uint8Array;
  readonly stdoutIsTTY: boolean;
  /** Progress indicators are drawn only on a TTY stderr. @default false */
  readonly stderrIsTTY?: boolean;
  /** Environment (NO_COLOR, CDK8S_HARDENED_DEBUG). @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The working directory: where `.cdk8s-hardened.yaml` is looked for, and what `--exclude` globs are relative to. @default process.cwd() */
  readonly cwd?: string;
  /** Today, for suppression expiry (tests pass a fixed date). @default () => new Date() */
  readonly now?: () => Date;
  /** Parse the command line (options, choices, arguments) and stop before running the command: exit 0 if it parses. @default false */
  readonly parseOnly?: boolean;
}

/** Exit codes CI can gate on, the same for every command (`check`, `synth`, ...). */
export const EXIT_OK = 0;
/**
 * Failing findings: unsuppressed errors (and warnings with `--fail-on warning`); for `synth` also the app's own
 * validation (HardenedApp, `node.addValidation`).
 */
export const EXIT_FINDINGS = 1;
/**
 * Bad input or usage: unreadable or invalid files, unknown options or values, an unwritable output; for `synth` also
 * no app found, or an app that crashed or wrote nothing readable.
 */
export const EXIT_BAD_INPUT = 2;

/** A usage mistake the CLI reports in one line (exit 2): an unknown rule id, say. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The report (or other output) file cannot be written (exit 2). */
export class OutputFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutputFileError';
  }
}

/**
 * Writes `text` to `file` so readers see the old content or the complete new one, never a partial file: the
 * text goes to a temporary file in the same folder (made if missing), is flushed to disk, then renamed over
 * `file`. On failure the temporary file is removed and `file` is untouched.
 *
 * What is not a regular file is written in place, never replaced: a device (`-o /dev/null`, `-o /dev/stdout`),
 * a named pipe or a socket (a rename over `/dev/null` run as root would put a regular file in its place). A
 * symbolic link to a file is followed: the file it names is replaced, the link stays.
 */
export function writeFileAtomically(file: string, text: string): void {
  const cannot = (error: unknown) => new OutputFileError(`${file}: cannot be written (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); `
    + 'choose another --output file');
  let existing: ReturnType<typeof statSync> | undefined;
  try {
    existing = statSync(file);
  } catch {
    // Absent (or unreadable): written as a new file below, which reports what is wrong.
  }
  if (existing && !existing.isFile() && !existing.isDirectory()) {
    try {
      writeFileSync(file, text);
    } catch (error) {
      throw cannot(error);
    }
    return;
  }
  const target = existing?.isFile() ? realpathSync(file) : resolve(file);
  const dir = dirname(target);
  const temp = join(dir, `.${basename(target)}.${(require('crypto') as typeof import('crypto')).randomBytes(6).toString('hex')}.tmp`);
  let fd: number | undefined;
  try {
    mkdirSync(dir, { recursive: true });
    fd = openSync(temp, 'wx', 0o644);
    writeSync(fd, text);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(temp, target);
  } catch (error) {
    if (fd !== undefined) {
      try {
        closeSync(fd);
      } catch {
        // Already failing; the original error is the one to report.
      }
    }
    rmSync(temp, { force: true });
    throw cannot(error);
  }
}

/** The package version, for reports that name the tool's version. */
export function toolVersion(): string {
  try {
    // src/cli and lib/cli are both two levels below the package root.
    const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/** Whether coloured output suits this stream: a TTY, and NO_COLOR (https://no-color.org) unset. */
export function useColor(isTTY: boolean | undefined, env: Readonly<Record<string, string | undefined>>): boolean {
  return Boolean(isTTY) && !env.NO_COLOR;
}

/**
 * A one-line progress indicator on stderr, redrawn in place (`\r`), only when stderr is a TTY; it is
 * cleared before anything else is written. Redraws only when the shown percentage changes.
 */
export class Progress {
  private shown = '';
  constructor(private readonly io: CliIo, private readonly enabled: boolean) {}

  update(label: string, done: number, total: number): void {
    if (!this.enabled || total <= 0) {
      return;
    }
    const percent = Math.min(100, Math.floor((done * 100) / total));
    const text = `cdk8s-hardened: ${label} ${percent}%`;
    if (text !== this.shown) {
      this.io.stderr(`\r\u001b[K${text}`);
      this.shown = text;
    }
  }

  clear(): void {
    if (this.shown) {
      this.io.stderr('\r\u001b[K');
      this.shown = '';
    }
  }
}
