/**
 * Client for the Go reader oracle in test/oracle/readers: it tells what
 * kubectl 1.28 (`kubectl apply -f FILE`) and the kustomize bundled in it
 * (`kubectl apply -k DIR`) read from a byte stream. See
 * test/oracle/readers/README.md.
 *
 * Self-contained: Node built-ins only.
 */
import { ChildProcessWithoutNullStreams, spawn, spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** The Go module of the oracle. */
export const READER_ORACLE_DIR = path.resolve(__dirname, '..', 'oracle', 'readers');
const REPO_ROOT = path.resolve(__dirname, '..', '..');
const SOURCES = ['go.mod', 'go.sum', 'main.go'];
const BINARY_NAME = 'reader-oracle';

/** One case: raw bytes (both readers) or an existing kustomization directory (kustomize only). */
export type OracleCase =
  | { id: string; data: Uint8Array | string; only?: 'kubectl' | 'kustomize' }
  | { id: string; dir: string };

/** What one reader produced. */
export interface OracleReading {
  /** The objects as read, in kubectl's visiting order (JSON.parse'd; see unsafeIntegers). */
  readonly objects: Record<string, unknown>[];
  /** Error strings, aggregates split into their parts. */
  readonly errors: string[];
  /** kustomize only: the build output text fed to kubectl's stream reader ("" when the build failed). */
  readonly yaml?: string;
  /** True when some object holds an integer literal outside Number's safe range: `objects` is then not exact. */
  readonly unsafeIntegers: boolean;
  /** Those integer literals, verbatim. */
  readonly unsafeIntegerLiterals: string[];
  /** Indexes into `objects` of the objects holding them. */
  readonly unsafeObjectIndexes: number[];
}

export interface OracleAnswer {
  readonly id: string;
  /** `kubectl apply -f input.yaml` (absent for dir cases and `only: 'kustomize'`). */
  readonly kubectl?: OracleReading;
  /** `kubectl apply -k .` with `resources: [input.yaml]`, or of the given dir. */
  readonly kustomize?: OracleReading;
  /** Set when the case could not be run at all (malformed case, crashed worker). */
  readonly errors?: string[];
  /** The answer line as the oracle wrote it (exact numbers). */
  readonly raw: string;
}

export interface ReaderOracleVersion {
  readonly go: string;
  readonly main: string;
  readonly modules: Record<string, string>;
}

let goChecked: boolean | undefined;

/** Whether `go` is on PATH. */
export function goAvailable(): boolean {
  if (goChecked === undefined) {
    const r = spawnSync('go', ['version'], { stdio: 'ignore', env: goEnv() });
    goChecked = !r.error && r.status === 0;
  }
  return goChecked;
}

function goEnv(): NodeJS.ProcessEnv {
  // go.sum is committed and complete: never let GOFLAGS turn on -mod=mod.
  const flags = (process.env.GOFLAGS ?? '')
    .split(/\s+/)
    .filter((f) => f !== '' && !/^-?-mod=/.test(f) && !/^-?-buildvcs/.test(f));
  flags.push('-mod=readonly', '-buildvcs=false');
  return {
    ...process.env,
    GOFLAGS: flags.join(' '),
    GOWORK: 'off',
    GOTOOLCHAIN: 'local',
  };
}

/** goEnv(), with Go's build and module caches moved out of the repository if they would fall in it. */
function goBuildEnv(): NodeJS.ProcessEnv {
  const env = goEnv();
  const r = spawnSync('go', ['env', 'GOCACHE', 'GOMODCACHE'], { env, encoding: 'utf8' });
  const [gocache, gomodcache] = (r.stdout ?? '').split('\n');
  const outside = path.join(os.tmpdir(), 'cdk8s-hardened-oracle-go');
  if (!gocache || isInside(path.resolve(gocache), REPO_ROOT)) env.GOCACHE = path.join(outside, 'go-build');
  if (!gomodcache || isInside(path.resolve(gomodcache), REPO_ROOT)) env.GOMODCACHE = path.join(outside, 'mod');
  return env;
}

function isInside(dir: string, root: string): boolean {
  const rel = path.relative(root, dir);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** The cache directory for the current sources (outside the repository). */
export function readerOracleCacheDir(): string {
  const hash = crypto.createHash('sha256');
  for (const name of SOURCES) {
    hash.update(`${name}\0`);
    hash.update(fs.readFileSync(path.join(READER_ORACLE_DIR, name)));
    hash.update('\0');
  }
  let base = path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'cdk8s-hardened', 'oracle');
  if (isInside(path.resolve(base), REPO_ROOT)) {
    base = path.join(os.tmpdir(), 'cdk8s-hardened-oracle');
  }
  return path.join(base, `readers-${hash.digest('hex').slice(0, 16)}`);
}

/**
 * Builds the oracle (or reuses the cached build) and returns the binary's
 * path; undefined when go is absent. Throws with go's output when the build
 * fails.
 */
export function buildReaderOracle(): string | undefined {
  if (!goAvailable()) return undefined;
  const dir = readerOracleCacheDir();
  const binary = path.join(dir, BINARY_NAME);
  if (isExecutable(binary)) return binary;
  fs.mkdirSync(dir, { recursive: true });
  const tmp = path.join(dir, `${BINARY_NAME}.tmp-${process.pid}-${crypto.randomBytes(4).toString('hex')}`);
  const r = spawnSync('go', ['build', '-mod=readonly', '-trimpath', '-o', tmp, '.'], {
    cwd: READER_ORACLE_DIR,
    env: goBuildEnv(),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error || r.status !== 0) {
    fs.rmSync(tmp, { force: true });
    const why = r.error ? String(r.error) : `exit status ${r.status}${r.signal ? ` (${r.signal})` : ''}`;
    throw new Error(`building the reader oracle in ${READER_ORACLE_DIR} failed: ${why}\n${r.stdout ?? ''}${r.stderr ?? ''}`);
  }
  // Atomic: concurrent builders (jest workers) each rename a complete binary.
  fs.renameSync(tmp, binary);
  return binary;
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The Go and module versions the binary was built with (`-version`). */
export function readerOracleVersion(binary: string): ReaderOracleVersion {
  const r = spawnSync(binary, ['-version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    throw new Error(`${binary} -version failed: ${r.error ?? r.stderr}`);
  }
  return JSON.parse(r.stdout) as ReaderOracleVersion;
}

export interface ReaderOracleOptions {
  /** Worker processes inside the oracle (default: its own, min(CPUs, 8)); 0 = none. */
  readonly jobs?: number;
}

interface Pending {
  readonly id: string;
  readonly resolve: (a: OracleAnswer) => void;
  readonly reject: (e: Error) => void;
}

/** One long-lived oracle process; answers come back in the order cases were sent. */
export class ReaderOracle {
  static start(binary: string, options: ReaderOracleOptions = {}): ReaderOracle {
    return new ReaderOracle(binary, options);
  }

  private readonly child: ChildProcessWithoutNullStreams;
  private readonly pending: Pending[] = [];
  private head = 0;
  private buffered = '';
  private stderrTail = '';
  private failure: Error | undefined;
  private ending = false;
  private readonly exited: Promise<number | null>;

  private constructor(binary: string, options: ReaderOracleOptions) {
    const args = options.jobs === undefined ? [] : ['-j', String(options.jobs)];
    this.child = spawn(binary, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    this.exited = new Promise((resolve) => {
      this.child.on('close', (code, signal) => {
        if (this.head < this.pending.length || !this.ending || code !== 0) {
          this.fail(new Error(`reader oracle exited (${signal ?? `code ${code}`})${this.stderrSuffix()}`));
        }
        resolve(code);
      });
    });
    this.child.on('error', (e) => this.fail(new Error(`reader oracle: ${e.message}${this.stderrSuffix()}`)));
    this.child.stdin.on('error', (e) => this.fail(new Error(`reader oracle stdin: ${e.message}${this.stderrSuffix()}`)));
    this.child.stdout.setEncoding('utf8');
    this.child.stdout.on('data', (chunk: string) => this.onStdout(chunk));
    this.child.stderr.setEncoding('utf8');
    this.child.stderr.on('data', (chunk: string) => {
      this.stderrTail = (this.stderrTail + chunk).slice(-8192);
    });
  }

  /** Sends the cases and resolves with their answers, in the same order. */
  async read(cases: readonly OracleCase[]): Promise<OracleAnswer[]> {
    const answers: Promise<OracleAnswer>[] = [];
    // Every promise gets a handler at once: one may reject while we wait for
    // 'drain', before Promise.all below is attached.
    const keep = (p: Promise<OracleAnswer>): void => {
      p.catch(() => undefined);
      answers.push(p);
    };
    for (const c of cases) {
      if (this.failure) {
        keep(Promise.reject(this.failure));
        continue;
      }
      if (this.ending) {
        keep(Promise.reject(new Error('reader oracle is closed')));
        continue;
      }
      const line = JSON.stringify(
        'dir' in c
          ? { id: c.id, dir: c.dir }
          : {
            id: c.id,
            data: (typeof c.data === 'string' ? Buffer.from(c.data, 'utf8') : Buffer.from(c.data.buffer, c.data.byteOffset, c.data.byteLength)).toString('base64'),
            ...(c.only ? { only: c.only } : {}),
          },
      ) + '\n';
      keep(new Promise<OracleAnswer>((resolve, reject) => this.pending.push({ id: c.id, resolve, reject })));
      if (!this.child.stdin.write(line)) {
        await this.drain();
      }
    }
    return Promise.all(answers);
  }

  /** Ends the oracle's input; it exits once the answers sent so far are written. */
  close(): void {
    if (this.ending) return;
    this.ending = true;
    this.child.stdin.end();
  }

  /** Resolves with the exit code once the process has exited (call close() first). */
  whenExited(): Promise<number | null> {
    return this.exited;
  }

  /** Stops the process now (SIGTERM: it kills its workers and removes its scratch files); pending reads reject. */
  kill(): void {
    this.ending = true;
    this.child.kill('SIGTERM');
  }

  private drain(): Promise<void> {
    return new Promise((resolve) => {
      if (this.failure || this.child.stdin.writableNeedDrain === false) {
        resolve();
        return;
      }
      const done = (): void => {
        this.child.stdin.off('drain', done);
        this.child.off('close', done);
        resolve();
      };
      this.child.stdin.on('drain', done);
      this.child.on('close', done);
    });
  }

  private onStdout(chunk: string): void {
    this.buffered += chunk;
    let nl: number;
    while ((nl = this.buffered.indexOf('\n')) >= 0) {
      const line = this.buffered.slice(0, nl);
      this.buffered = this.buffered.slice(nl + 1);
      if (line.trim() !== '') this.onLine(line);
    }
  }

  private onLine(line: string): void {
    const p = this.head < this.pending.length ? this.pending[this.head++] : undefined;
    if (this.head > 1024 && this.head * 2 > this.pending.length) {
      this.pending.splice(0, this.head);
      this.head = 0;
    }
    if (!p) {
      this.fail(new Error(`reader oracle wrote an unexpected line: ${line.slice(0, 200)}`));
      return;
    }
    let answer: OracleAnswer;
    try {
      answer = parseAnswer(line);
    } catch (e) {
      p.reject(new Error(`reader oracle answer for ${p.id} is not valid: ${(e as Error).message}: ${line.slice(0, 200)}`));
      return;
    }
    if (answer.id !== p.id) {
      p.reject(new Error(`reader oracle answered ${JSON.stringify(answer.id)} for case ${JSON.stringify(p.id)}`));
      return;
    }
    p.resolve(answer);
  }

  private fail(e: Error): void {
    if (!this.failure) this.failure = e;
    while (this.head < this.pending.length) this.pending[this.head++].reject(this.failure);
    this.pending.length = 0;
    this.head = 0;
  }

  private stderrSuffix(): string {
    const t = this.stderrTail.trim();
    return t ? `: ${t}` : '';
  }
}

// ---------------------------------------------------------------------------
// Answer parsing with exact-integer detection. JSON.parse in Node 20 gives a
// reviver no source text, so the raw line is scanned (string-aware) for
// integer literals outside Number's safe range.

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

interface RawAnswer {
  id?: unknown;
  kubectl?: { objects?: unknown; errors?: unknown; yaml?: unknown };
  kustomize?: { objects?: unknown; errors?: unknown; yaml?: unknown };
  errors?: unknown;
}

/** Parses one oracle answer line. Exported for tests of the client itself. */
export function parseAnswer(line: string): OracleAnswer {
  const raw = JSON.parse(line) as RawAnswer;
  const spans = topMembers(line);
  const readingOf = (key: 'kubectl' | 'kustomize'): OracleReading | undefined => {
    const r = raw[key];
    if (r === undefined || r === null) return undefined;
    const literals: string[] = [];
    const indexes: number[] = [];
    const span = spans.get(key);
    if (span) {
      const objects = members(line, span.start).get('objects');
      if (objects && line[objects.start] === '[') {
        elements(line, objects.start).forEach((el, i) => {
          const found = unsafeIntegerLiterals(line, el.start, el.end);
          if (found.length > 0) {
            literals.push(...found);
            indexes.push(i);
          }
        });
      }
    }
    return {
      objects: (Array.isArray(r.objects) ? r.objects : []) as Record<string, unknown>[],
      errors: (Array.isArray(r.errors) ? r.errors : []) as string[],
      ...(typeof r.yaml === 'string' ? { yaml: r.yaml } : {}),
      unsafeIntegers: literals.length > 0,
      unsafeIntegerLiterals: literals,
      unsafeObjectIndexes: indexes,
    };
  };
  const kubectl = readingOf('kubectl');
  const kustomize = readingOf('kustomize');
  return {
    id: typeof raw.id === 'string' ? raw.id : String(raw.id),
    ...(kubectl ? { kubectl } : {}),
    ...(kustomize ? { kustomize } : {}),
    ...(Array.isArray(raw.errors) ? { errors: raw.errors as string[] } : {}),
    raw: line,
  };
}

interface Span { readonly start: number; readonly end: number }

function skipWs(s: string, i: number): number {
  while (i < s.length && (s[i] === ' ' || s[i] === '\t' || s[i] === '\n' || s[i] === '\r')) i++;
  return i;
}

/** s[i] is '"'; returns the index after the closing quote. */
function skipString(s: string, i: number): number {
  i++;
  while (i < s.length) {
    const c = s[i];
    if (c === '\\') i += 2;
    else if (c === '"') return i + 1;
    else i++;
  }
  throw new Error('unterminated string');
}

/** Returns the index after the JSON value starting at i (s is valid JSON). */
function skipValue(s: string, i: number): number {
  i = skipWs(s, i);
  const c = s[i];
  if (c === '"') return skipString(s, i);
  if (c === '{' || c === '[') {
    let depth = 0;
    while (i < s.length) {
      const d = s[i];
      if (d === '"') {
        i = skipString(s, i);
        continue;
      }
      if (d === '{' || d === '[') depth++;
      else if (d === '}' || d === ']') {
        depth--;
        if (depth === 0) return i + 1;
      }
      i++;
    }
    throw new Error('unterminated container');
  }
  while (i < s.length && !',}] \t\r\n'.includes(s[i])) i++;
  return i;
}

/** Members of the object starting at s[start] === '{'. */
function members(s: string, start: number): Map<string, Span> {
  const out = new Map<string, Span>();
  let i = skipWs(s, start + 1);
  if (s[i] === '}') return out;
  for (;;) {
    i = skipWs(s, i);
    const keyEnd = skipString(s, i);
    const key = JSON.parse(s.slice(i, keyEnd)) as string;
    i = skipWs(s, keyEnd);
    if (s[i] !== ':') throw new Error('expected :');
    const vStart = skipWs(s, i + 1);
    const vEnd = skipValue(s, vStart);
    out.set(key, { start: vStart, end: vEnd });
    i = skipWs(s, vEnd);
    if (s[i] === ',') {
      i++;
      continue;
    }
    if (s[i] === '}') return out;
    throw new Error('expected , or }');
  }
}

function topMembers(s: string): Map<string, Span> {
  const i = skipWs(s, 0);
  return s[i] === '{' ? members(s, i) : new Map();
}

/** Elements of the array starting at s[start] === '['. */
function elements(s: string, start: number): Span[] {
  const out: Span[] = [];
  let i = skipWs(s, start + 1);
  if (s[i] === ']') return out;
  for (;;) {
    const vStart = skipWs(s, i);
    const vEnd = skipValue(s, vStart);
    out.push({ start: vStart, end: vEnd });
    i = skipWs(s, vEnd);
    if (s[i] === ',') {
      i++;
      continue;
    }
    if (s[i] === ']') return out;
    throw new Error('expected , or ]');
  }
}

/** Integer literals (no fraction, no exponent) in s[start, end) outside strings, beyond Number's safe range. */
function unsafeIntegerLiterals(s: string, start: number, end: number): string[] {
  const out: string[] = [];
  let i = start;
  while (i < end) {
    const c = s[i];
    if (c === '"') {
      i = skipString(s, i);
      continue;
    }
    if (c === '-' || (c >= '0' && c <= '9')) {
      let j = i + 1;
      while (j < end && !',}] \t\r\n'.includes(s[j])) j++;
      const lit = s.slice(i, j);
      if (/^-?\d{16,}$/.test(lit)) {
        const v = BigInt(lit);
        if (v > MAX_SAFE || v < -MAX_SAFE) out.push(lit);
      }
      i = j;
      continue;
    }
    i++;
  }
  return out;
}
