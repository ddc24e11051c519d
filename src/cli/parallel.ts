/**
 * `check` on several threads: above a size, the YAML documents are read and the objects judged on this thread and
 * worker threads (check-worker.ts), with a report byte-identical to one thread's. This thread reads the files and
 * cuts each YAML stream into documents; each thread (this one included) reads a contiguous range of the documents
 * and keeps its objects; this thread runs the rules over the whole set (set rules) on copies of every object; each
 * thread then judges its objects with the object rules and those outcomes; this thread joins the shards in input
 * order (engine.ts `joinShards`). It waits for the workers synchronously (Atomics.wait on a shared counter, then
 * receiveMessageOnPort), so `check` stays one synchronous function.
 */
import { existsSync } from 'fs';
import { availableParallelism } from 'os';
import { join } from 'path';
import { MessageChannel, MessagePort, receiveMessageOnPort, Worker } from 'worker_threads';
import { InputError, NotKubernetesError } from '../input/errors';
import { ChunkReading, PreparedStream, readYamlChunks } from '../input/read';
import { evaluateShard, setOutcomes } from '../catalogue';
import { Evaluation, EvaluateOptions, joinShards, shardable, ShardContext, ShardEvaluation } from '../policy/engine';
import { Manifest, Profile, Rule } from '../policy/rule';
import type { HardenedConfig } from '../config/config';
import type { ScanGate } from '../policy/container-model';
import { CollectedInputs, isBuildConfiguration, LoadedInputs, PendingStream, resolveInputs } from './inputs';

/**
 * Below this many YAML documents, one thread is faster: a worker costs about 170 ms to start (its modules) and its
 * objects cost a copy each way. Measured on 2 cores, 2,000 documents on two threads took 1.2x one thread's time.
 */
export const PARALLEL_MIN_DOCUMENTS = 5000;

/**
 * Cores per thread by default. One thread of check already keeps more than one core busy: V8 compiles and collects
 * garbage on background threads (measured on 2 cores, 20,000 objects: 3.7 s, 1.3 cores of CPU; with V8's background
 * threads off, 5.3 s). Two threads on 2 cores take those cores from V8 and gain nothing (0.94x one thread's speed), so
 * by default each thread gets two cores: none on 2 cores, 2 threads on 4.
 */
export const CORES_PER_THREAD = 2;

/** At most this many threads (this one and the workers). */
export const MAX_JOBS = 8;

/**
 * How long this thread waits for a worker's answer before it gives up: a worker that failed answers with the
 * failure, but one the runtime stopped (out of memory) cannot answer. A worker reads and judges at most a share of
 * inputs of MAX_FILE_BYTES each, in seconds.
 */
const ANSWER_TIMEOUT_MS = 10 * 60 * 1000;

/** A manifest as it crosses to the main thread: the object and what reports need of its origin (no locator). */
export function slimManifest(m: Manifest): Manifest {
  const origin = m.origin;
  return {
    object: m.object,
    ...(m.notes ? { notes: m.notes } : {}),
    ...(m.alternate ? { alternate: m.alternate } : {}),
    ...(origin ? {
      origin: {
        ...(origin.file !== undefined ? { file: origin.file } : {}),
        ...(origin.document !== undefined ? { document: origin.document } : {}),
        ...(origin.line !== undefined ? { line: origin.line } : {}),
        ...(origin.constructPath !== undefined ? { constructPath: origin.constructPath } : {}),
      },
    } : {}),
  };
}

/** A worker's reading of one range of documents: objects, or the first failure in it. */
export type WireReading =
  | { readonly manifests: Manifest[]; readonly skipped?: string }
  | { readonly error: string; readonly notKubernetes: boolean };

/** What a worker is started with: what it needs to build the same rules and options as this thread. */
export interface WorkerRecipe {
  readonly profile: Profile;
  readonly config?: HardenedConfig;
  readonly crds: readonly unknown[];
  /** The clock of the run (suppression expiry), as milliseconds since the epoch. */
  readonly now: number;
  readonly scan?: ScanGate;
  /** The `--psp` PodSecurityPolicies (plain objects with file and line), for the psp-* rules. */
  readonly psps?: readonly Manifest[];
}

/** What this thread asks a worker: read ranges of documents, or judge the objects it keeps. */
export type WorkerTask =
  | { readonly task: 'read'; readonly pieces: ReadonlyArray<{ readonly id: number; readonly stream: PreparedStream }> }
  | { readonly task: 'judge'; readonly shards: ReadonlyArray<{ readonly id: number; readonly context: ShardContext }> };

/**
 * How many threads judge these inputs: `jobs` when given (1 is one thread), else one per CORES_PER_THREAD cores (at
 * most MAX_JOBS) when the inputs hold at least PARALLEL_MIN_DOCUMENTS YAML documents; 1 when a rule needs the whole set in a way
 * shards cannot give it.
 */
export function threadsFor(collected: CollectedInputs, rules: readonly Rule[], jobs?: number): number {
  if (!shardable(rules) || workerScript() === undefined) {
    return 1;
  }
  const documents = collected.parts.reduce((n, part) => n + ('pending' in part ? part.pending.stream.chunks.length : 0), 0);
  const wanted = jobs ?? (documents >= PARALLEL_MIN_DOCUMENTS ? defaultThreads(availableParallelism()) : 1);
  // Never more threads than documents to share among them.
  return Math.max(1, Math.min(wanted, documents));
}

/** The threads check uses by default on `cores` cores (for large inputs). */
export function defaultThreads(cores: number): number {
  return Math.max(1, Math.min(MAX_JOBS, Math.floor(cores / CORES_PER_THREAD)));
}

/**
 * The compiled worker script: beside this file in lib/; from the sources (under ts-jest), the one in lib/; undefined
 * when there is none (then check runs on one thread).
 */
function workerScript(): string | undefined {
  return [join(__dirname, 'check-worker.js'), join(__dirname, '..', '..', 'lib', 'cli', 'check-worker.js')].find((file) => existsSync(file));
}

class Threads {
  private readonly signal = new Int32Array(new SharedArrayBuffer(4));
  private readonly workers: Worker[] = [];
  private readonly ports: MessagePort[] = [];

  constructor(count: number, recipe: WorkerRecipe) {
    const script = workerScript()!;
    try {
      for (let i = 0; i < count; i++) {
        const { port1, port2 } = new MessageChannel();
        const worker = new Worker(script, { workerData: { port: port2, signal: this.signal, recipe }, transferList: [port2] });
        // An error inside a worker is answered as a crash; this only keeps an unexpected one from being uncaught.
        worker.on('error', () => undefined);
        this.workers.push(worker);
        this.ports.push(port1);
      }
    } catch (error) {
      this.close(); // the workers started so far would keep the process alive
      throw error;
    }
  }

  get size(): number {
    return this.workers.length;
  }

  post(index: number, task: WorkerTask): void {
    this.ports[index].postMessage(task);
  }

  /** Waits for one answer from each worker in `from` (posted to before), in that order. */
  collect<T>(from: readonly number[]): T[] {
    const answers = new Map<number, unknown>();
    const deadline = Date.now() + ANSWER_TIMEOUT_MS;
    while (answers.size < from.length) {
      const seen = Atomics.load(this.signal, 0);
      for (const index of from) {
        if (!answers.has(index)) {
          const received = receiveMessageOnPort(this.ports[index]);
          if (received) {
            const message = received.message as { crash?: string };
            if (message.crash !== undefined) {
              throw new Error(`a worker thread of check failed: ${message.crash}`);
            }
            answers.set(index, message);
          }
        }
      }
      if (answers.size < from.length) {
        if (Date.now() > deadline) {
          throw new Error('a worker thread of check did not answer (it may have run out of memory); run check with --jobs 1');
        }
        Atomics.wait(this.signal, 0, seen, 1000);
      }
    }
    return from.map((index) => answers.get(index) as T);
  }

  close(): void {
    for (const port of this.ports) {
      port.close();
    }
    for (const worker of this.workers) {
      void worker.terminate();
    }
  }
}

/** A range of one stream's documents, read and then judged by one worker. */
interface Piece {
  readonly id: number;
  /** 0: the main thread; k: worker k - 1. */
  readonly thread: number;
  readonly part: number;
  readonly stream: PreparedStream;
}

/** Cuts the pending YAML streams into `count` contiguous ranges of about the same number of documents. */
function pieces(collected: CollectedInputs, count: number): Piece[] {
  const total = collected.parts.reduce((n, part) => n + ('pending' in part ? part.pending.stream.chunks.length : 0), 0);
  const share = Math.ceil(total / count);
  const out: Piece[] = [];
  let thread = 0;
  let room = share;
  collected.parts.forEach((part, index) => {
    if (!('pending' in part)) {
      return;
    }
    const stream = part.pending.stream;
    for (let from = 0; from < stream.chunks.length;) {
      const to = Math.min(stream.chunks.length, from + room);
      out.push({ id: out.length, thread, part: index, stream: { ...stream, chunks: stream.chunks.slice(from, to) } });
      room -= to - from;
      from = to;
      if (room === 0) {
        // The next thread; the last takes whatever is left (nothing, as share * count >= total).
        room = thread < count - 1 ? share : Number.MAX_SAFE_INTEGER;
        thread = Math.min(thread + 1, count - 1);
      }
    }
  });
  return out;
}

type Failed = { readonly error: string; readonly notKubernetes: boolean };

/** A worker's reading as this thread uses it: the skipped document's error rebuilt. */
function fromWire(wire: WireReading): ChunkReading | Failed {
  if ('error' in wire) {
    return wire;
  }
  return { manifests: wire.manifests, ...(wire.skipped !== undefined ? { skipped: new NotKubernetesError(wire.skipped) } : {}) };
}

function failure(failed: Failed): never {
  throw failed.notKubernetes ? new NotKubernetesError(failed.error) : new InputError(failed.error);
}

/**
 * Reads the collected inputs and judges them on `threads` threads: the same inputs and evaluation as `resolveInputs`
 * followed by `evaluateRun` on one thread, in the same order (the first failure in input order throws).
 */
export function checkInParallel(collected: CollectedInputs, threads: number, rules: readonly Rule[], recipe: WorkerRecipe, options: EvaluateOptions): { inputs: LoadedInputs; evaluation: Evaluation } {
  // Thread 0 is this one: its share of the documents needs no copy to or from a worker.
  const plan = pieces(collected, threads);
  const workers = new Threads(threads - 1, recipe);
  try {
    const others = Array.from({ length: workers.size }, (_, i) => i);
    const mine = (thread: number) => plan.filter((p) => p.thread === thread);
    // Each stream's pieces, in order, found by its part (a folder walk has a part per file: no search per file).
    const piecesOf = new Map<PendingStream, Piece[]>();
    for (const piece of plan) {
      const pending = (collected.parts[piece.part] as { pending: PendingStream }).pending;
      const list = piecesOf.get(pending);
      if (list) {
        list.push(piece);
      } else {
        piecesOf.set(pending, [piece]);
      }
    }
    others.forEach((w) => workers.post(w, { task: 'read', pieces: mine(w + 1).map(({ id, stream }) => ({ id, stream })) }));
    const readings = new Map<number, ChunkReading | Failed>();
    for (const piece of mine(0)) {
      try {
        readings.set(piece.id, readYamlChunks(piece.stream));
      } catch (error) {
        if (!(error instanceof InputError)) {
          throw error;
        }
        readings.set(piece.id, { error: error.message, notKubernetes: error instanceof NotKubernetesError });
        break; // nothing after the first failure is read, as on one thread
      }
    }
    workers.collect<{ readings: WireReading[] }>(others).forEach((answer, w) => {
      // A worker stops at its first failure: the pieces after it have no reading, and are never asked for.
      mine(w + 1).forEach((piece, i) => {
        if (answer.readings[i]) {
          readings.set(piece.id, fromWire(answer.readings[i]));
        }
      });
    });
    const inputs = resolveInputs(collected, (pending) => {
      return (piecesOf.get(pending) ?? []).map((p) => {
        const reading = readings.get(p.id);
        if (!reading) {
          throw new Error(`check: no reading of ${pending.name} from its thread`);
        }
        return 'error' in reading ? failure(reading) : reading;
      });
    });

    // The object set in input order, as segments: each read on this thread (JSON, Docker inputs, kustomize builds,
    // this thread's ranges of YAML streams) or by one worker (its ranges), for the set rules to split their outcomes by.
    type Segment = { readonly manifests: readonly Manifest[]; readonly piece?: Piece };
    const segments: Segment[] = [];
    collected.parts.forEach((part) => {
      if ('manifests' in part) {
        segments.push({ manifests: part.manifests });
      } else if ('pending' in part) {
        for (const piece of piecesOf.get(part.pending) ?? []) {
          const reading = readings.get(piece.id) as { manifests: Manifest[] };
          segments.push({ manifests: reading.manifests.filter((m) => !isBuildConfiguration(m.object)), piece });
        }
      }
    });
    const counted = segments.reduce((n, s) => n + s.manifests.length, 0);
    if (counted !== inputs.manifests.length) {
      throw new Error(`check: the threads hold ${counted} objects, the inputs ${inputs.manifests.length}`);
    }
    const contexts = setOutcomes(inputs.manifests, rules, options, segments.map((s) => s.manifests.length));
    const onWorker = (s: Segment, w: number) => s.piece !== undefined && s.piece.thread === w + 1 && s.manifests.length > 0;
    others.forEach((w) => workers.post(w, {
      task: 'judge',
      shards: segments.flatMap((s, k) => (onWorker(s, w) ? [{ id: s.piece!.id, context: contexts[k] }] : [])),
    }));
    // This thread judges its segments while the workers judge theirs.
    const judged = new Map<number, ShardEvaluation>();
    segments.forEach((s, k) => {
      if (!s.piece || s.piece.thread === 0) {
        judged.set(k, evaluateShard(s.manifests, rules, options, contexts[k]));
      }
    });
    workers.collect<{ shards: ShardEvaluation[] }>(others).forEach((answer, w) => {
      segments.flatMap((s, k) => (onWorker(s, w) ? [k] : [])).forEach((k, i) => judged.set(k, answer.shards[i]));
    });
    const evaluation = joinShards(segments.flatMap((_, k) => {
      const shard = judged.get(k);
      return shard ? [shard] : [];
    }), options);
    return { inputs, evaluation };
  } finally {
    workers.close();
  }
}
