// The worker pool: createPool({ size }) → encrypt/decrypt(name, key, iv, data, options).
// A job is checked here, then either run on the calling thread (small jobs: a worker round
// trip costs more) or cut into 16-byte-aligned pieces (split.ts) that idle workers take from
// one queue. Output is byte-identical to node:crypto whatever the cut, because each piece is
// given the exact register it would have in a single-threaded run: the counter block
// iv + start/16 (CTR, under the counterBits rule), the ciphertext block before it (CBC/CFB
// decryption), or nothing (ECB).
//
// The caller's memory. Workers never see the caller's buffers; they work only on memory the
// pool owns, and the caller's buffers are touched twice, on the calling thread:
//  - the input is read during the call (a snapshot: each piece is copied into pool memory,
//    and posted, before encrypt()/decrypt() returns), so the job is the input as it was at the
//    call even if it is changed, shrunk (resizable buffer) or detached (transferred) afterwards;
//  - the output is written only once the whole job has succeeded, in one pass at the end. A
//    job that fails (abort, bad pad, crashed worker, close()) writes nothing into `output`,
//    and no worker can write there after the promise has settled.
// So `output` may overlap `data` in any way (in place, or shifted forwards or backwards in
// one buffer, SharedArrayBuffer or not): staging makes overlap harmless, so it is allowed,
// not refused. Jobs run on the calling thread go through a fresh array as well, copied into
// `output` only on success.
//
// Data paths: with SharedArrayBuffer (Node always; cross-origin-isolated pages) the pieces are
// copied into one pool-owned shared buffer, processed there in place by the workers, and
// copied out (into a fresh result as each piece is done, or into `output` at the end). That
// buffer is wiped after every job, success or failure, once every worker that held a piece of
// it has answered or stopped, and only then kept for the next job. Otherwise each piece is
// copied into its own ArrayBuffer, transferred to a worker and back (no structured-clone
// copies), and copied into the result; pieces are wiped once copied or dropped. Either way
// the job's input is held in pool memory for the whole job (a copy of the input at a time).
//
// XTS and OCB3 split as well. XTS: a job is one data unit under the IV as its tweak, cut at
// block boundaries (the piece at block j starts from T·α^j, xts-split.ts), or with
// { sectorSize, firstSector } a run of whole sectors, each its own data unit with its sector
// number as tweak, and each piece whole sectors. OCB3 (one-shot, like key.ocb(nonce).encrypt:
// ciphertext || tag out, ciphertext || tag in): the whole blocks are cut into block ranges (the
// piece at block j starts from Offset_j and answers with its checksum part, ocb-split.ts), and
// this thread runs the last partial block, the AAD and the tag (ocb-finish.ts). A decryption
// whose tag does not match fails with DecryptionError like a bad pad: nothing is written.
//
// Options and worker answers are read from their own properties only (own.ts). Workers that
// die are replaced; a replacement that dies while starting is retried with backoff, and when
// no worker can be started at all, jobs fail with WorkerStartError instead of waiting.
import { asBytes, isArrayBuffer } from "../bytes.js";
import { addToCounter, checkCounterBits, counterSpace } from "../counter.js";
import { CounterExhaustedError, DataLengthError, DecryptionError, IvLengthError, KeyLengthError, show, StateError, WeakKeyError } from "../errors.js";
import type { CipherName } from "../facade.js";
import type { AbortSignalLike, URLLike } from "../host-types.js";
import { aesKey } from "../key.js";
import type { Mode } from "../modes/base.js";
import { checkOcbNonce, checkOcbTagLength, OCB_MAX_DATA_BYTES } from "../modes/ocb.js";
import { XTS_MAX_DATA_UNIT_BYTES, xtsKey } from "../modes/xts.js";
import { padBlock, unpaddedLength } from "../padding.js";
import { wasmModules } from "../wasm/backend.js";
import { jobKind, type JobKind } from "./ops.js";
import { PoolClosedError, WorkerCrashedError, WorkerStartError, WorkerTimeoutError } from "./errors.js";
import { bare, checkInteger, checkNumber, own, ownOptions, viewOf } from "./own.js";
import { loadPlatform, type Platform, type WorkerHandle } from "./platform.js";
import type { FromWorker, ToWorker } from "./protocol.js";
import { DEFAULT_THRESHOLD, MIN_PIECE, PIECES_PER_WORKER, splitRanges, worthAWorker, type SplitOptions } from "./split.js";
import { finishOcb, type OcbJob } from "./ocb-finish.js";
import { ocbNonceBlock } from "./ocb-split.js";
import { sectorTweak } from "./xts-split.js";

export { canSplit, type Direction } from "./ops.js";
export { PoolClosedError, WorkerCrashedError, WorkerStartError, WorkerTimeoutError } from "./errors.js";

export interface PoolOptions {
  /** Number of workers, an integer from 1 to 256. Default: the number of logical CPUs. */
  size?: number;
  /** Jobs shorter than this many bytes (an integer ≥ 0) run on the calling thread. Default: DEFAULT_THRESHOLD. */
  threshold?: number;
  /** 'shared' (SharedArrayBuffer) or 'transfer' (moved ArrayBuffers). Default: shared where possible. */
  transport?: "shared" | "transfer";
  /**
   * A worker whose task runs this long past a deliberately slow estimate (1 MB/s) is taken
   * as hung: its job rejects with WorkerTimeoutError and the worker is replaced. Default 10 s;
   * 1 ms to 2^31 - 1 ms.
   */
  stallTimeoutMs?: number;
  /** Where the worker script is, if not next to this file (custom bundling, CDN). */
  workerUrl?: string | URLLike;
  /** Piece sizing (tests and benchmarks): minPiece an integer ≥ 16, piecesPerWorker 1 to 4096. */
  split?: SplitOptions;
}

export interface JobOptions {
  /** ECB/CBC: PKCS#7 padding (default true). With false, data must be whole blocks. */
  padding?: boolean;
  /** CTR: how many low bits of the counter block advance (WebCrypto's `length`). Default 128. */
  counterBits?: number;
  /**
   * XTS: the data is whole sectors of this many bytes (16 to 2^24), each its own data unit
   * whose tweak is its sector number (16 bytes, little-endian); pass null as the IV. Without
   * it, the data is one data unit (16 bytes to 2^24) under the IV as tweak.
   */
  sectorSize?: number;
  /** XTS with sectorSize: the number of the first sector (a safe integer or a bigint below 2^128). Default 0. */
  firstSector?: number | bigint;
  /** OCB: tag length in bytes, 16 (default) down to 8; 7..1 with allowShortTags. */
  tagLength?: number;
  /** OCB: permits tags of 7..1 bytes. */
  allowShortTags?: boolean;
  /** OCB: associated data (authenticated, not encrypted). Read during the call. */
  aad?: Uint8Array;
  /** Cancels the job: it rejects with signal.reason; pieces already running are discarded. */
  signal?: AbortSignalLike;
  /**
   * Where to put the result (at least the output length). Written only when the whole job has
   * succeeded, in one copy at the end; untouched if the job fails. It may overlap `data`.
   * DataLengthError if it was detached or shrunk while the job ran.
   */
  output?: Uint8Array;
  /**
   * The workers process `data` where it is, with no copy in or out: `data` must be a view of a
   * SharedArrayBuffer (a pool with the 'shared' transport), and the job must keep its length
   * (not OCB, not ECB/CBC with padding); no `output`. Resolves with `data` itself. Unlike the
   * default, nothing is snapshotted: the caller must not touch `data` until the promise settles;
   * a job that fails may leave it partly processed, and rejects only once no worker holds a piece
   * of it (Node: the thread has stopped). Jobs below the threshold run on the calling thread.
   */
  inPlace?: boolean;
}

export interface WorkerPool {
  /** Live workers (started or starting). */
  readonly size: number;
  readonly transport: "shared" | "transfer";
  readonly threshold: number;
  encrypt(name: CipherName | string, key: Uint8Array, iv: Uint8Array | null, data: Uint8Array, options?: JobOptions): Promise<Uint8Array>;
  decrypt(name: CipherName | string, key: Uint8Array, iv: Uint8Array | null, data: Uint8Array, options?: JobOptions): Promise<Uint8Array>;
  /** Rejects queued and running jobs with PoolClosedError, wipes the workers' keys, ends them. */
  close(): Promise<void>;
}

/**
 * Starts a pool of `size` workers and sends each the compiled core. In Node idle workers do
 * not keep the process alive (they are unref'd between jobs); close() ends them for good.
 * Rejects with StateError for a bad option, WorkerStartError if a worker cannot start.
 */
export async function createPool(options: PoolOptions = {}): Promise<WorkerPool> {
  const platform = await loadPlatform();
  const pool = new Pool(platform, readPoolOptions(options, platform));
  try {
    await pool.started;
  } catch (e) {
    await pool.close();
    throw e;
  }
  return pool;
}

/** Worker pool internals for tests (not exported from the package root). */
export function poolInternals(pool: WorkerPool): {
  workers: WorkerHandle[]; spawned: number; ready: number; scratch: SharedArrayBuffer | undefined;
  /** Pieces answered so far by each worker position (whoever filled it). */
  answers: number[];
} {
  const p = pool as Pool;
  return {
    answers: p.answers.slice(),
    workers: p.slots.map((s) => s.handle).filter((h): h is WorkerHandle => h !== undefined),
    spawned: p.spawned,
    ready: p.slots.filter((s) => s.ready && !s.dead).length,
    scratch: p.keptScratch(),
  };
}

/** At most this many tasks sit at one worker, so it starts the next without a round trip. */
const IN_FLIGHT_PER_WORKER = 2;
/** Largest shared buffer kept between jobs (its memory stays allocated while the pool lives). */
const MAX_SCRATCH = 64 << 20;
/** Starting a worker (loading its script, instantiating the core) may take this long on a busy machine. */
const START_TIMEOUT_MS = 30_000;
/** The deliberately slow rate (bytes per millisecond) a task's deadline is computed from. */
const SLOW_BYTES_PER_MS = 1000;
/** setTimeout's largest delay (a longer one fires at once). */
const MAX_TIMER_MS = 2 ** 31 - 1;
/**
 * Replacing workers: a worker lost before it proved healthy (answered a task, or lived
 * HEALTHY_MS) counts as a failed start. Failed starts of one slot are retried after
 * RETRY_BASE_MS, doubling up to RETRY_MAX_MS, at most START_ATTEMPTS times in a row (~1.6 s
 * in all); then the slot rests until a job arrives at a pool with no live worker, or
 * RETRY_MAX_MS later, which buys one more attempt.
 */
const HEALTHY_MS = 1000;
const RETRY_BASE_MS = 50;
const RETRY_MAX_MS = 2000;
const START_ATTEMPTS = 6;

interface Settings {
  size: number;
  threshold: number;
  transport: "shared" | "transfer" | undefined;
  stallMs: number;
  workerUrl: string | URL | undefined;
  split: Required<SplitOptions>;
}

/** Validates createPool's options, reading own properties only. */
function readPoolOptions(options: unknown, platform: Platform): Settings {
  const o = ownOptions(options, ["size", "threshold", "transport", "stallTimeoutMs", "workerUrl", "split"] as const, "pool options");
  const size = o.size === undefined
    ? Math.min(256, Math.max(1, Math.floor(platform.defaultSize()) || 1))
    : checkInteger(o.size, 1, 256, "pool size");
  const threshold = o.threshold === undefined ? DEFAULT_THRESHOLD : checkInteger(o.threshold, 0, Number.MAX_SAFE_INTEGER, "threshold");
  const transport = o.transport;
  if (transport !== undefined && transport !== "shared" && transport !== "transfer") {
    throw new StateError(`unknown transport ${String(transport)}`);
  }
  const stallMs = o.stallTimeoutMs === undefined ? 10_000 : checkNumber(o.stallTimeoutMs, 1, MAX_TIMER_MS, "stallTimeoutMs");
  const url = o.workerUrl;
  if (url !== undefined && typeof url !== "string" && !(url instanceof URL)) {
    throw new StateError(`workerUrl must be a string or a URL, got ${typeof url}`);
  }
  const s = ownOptions(o.split, ["minPiece", "piecesPerWorker"] as const, "split");
  const split = bare({
    minPiece: s.minPiece === undefined ? MIN_PIECE : checkInteger(s.minPiece, 16, 2 ** 30, "split.minPiece"),
    piecesPerWorker: s.piecesPerWorker === undefined ? PIECES_PER_WORKER : checkInteger(s.piecesPerWorker, 1, 4096, "split.piecesPerWorker"),
  });
  return { size, threshold, transport, stallMs, workerUrl: url, split };
}

interface Task {
  id: number;
  job: Job;
  /** Which piece of its job. */
  index: number;
  start: number;
  end: number;
  state: Uint8Array | null;
  /** XTS (one data unit) and OCB: the number of the piece's first block. */
  firstBlock: number;
  /** Transfer mode: the piece's pool-owned buffer until it is posted. */
  piece: Uint8Array | undefined;
}

interface Slot {
  index: number;
  handle: WorkerHandle | undefined;
  tasks: Task[];
  ready: boolean;
  dead: boolean;
  /** Spawned to replace a lost worker (createPool's own workers are not retried). */
  replacement: boolean;
  readyAt: number;
  /** Answered a task: a healthy worker, whatever ends it later. */
  answered: boolean;
  /** Resolves close(): the worker has wiped its keys. */
  closing?: () => void;
  /** Resolves the worker's start promise ("ready"). */
  resolveStart?: () => void;
  /** Rejects the worker's start promise if it fails before "ready". */
  startFailed?: (e: Error) => void;
  timer?: ReturnType<typeof setTimeout>;
  startTimer?: ReturnType<typeof setTimeout>;
}

/** Restart bookkeeping of one worker position. */
interface Restart {
  /** Failed starts in a row. */
  failures: number;
  timer?: ReturnType<typeof setTimeout>;
  /** Retries used up at this time (0: not given up). */
  gaveUpAt: number;
  lastError?: Error;
}

const noop = (): void => {};

class Pool implements WorkerPool {
  readonly transport: "shared" | "transfer";
  readonly threshold: number;
  readonly started: Promise<void>;
  readonly slots: Slot[] = [];
  spawned = 0;
  /** Pieces answered per worker position (poolInternals; tests check how a job was spread). */
  readonly answers: number[] = [];
  readonly split: Required<SplitOptions>;
  readonly targetSize: number;
  private readonly modules: WebAssembly.Module[];
  private readonly queue: Task[] = [];
  private readonly restarts: Restart[] = [];
  private nextId = 1;
  private closed: Promise<void> | undefined;
  private readonly stallMs: number;
  private readonly workerUrl: string | URL | undefined;
  private dispatching = false;
  private dispatchAgain = false;
  /** One shared buffer kept from the last job (wiped), so the next does not page in fresh memory. */
  private scratch: SharedArrayBuffer | undefined;

  constructor(readonly platform: Platform, settings: Settings) {
    this.threshold = settings.threshold;
    const transport = settings.transport ?? (platform.sharedMemory ? "shared" : "transfer");
    if (transport === "shared" && !platform.sharedMemory) {
      throw new StateError("SharedArrayBuffer cannot be shared with workers here (the page is not cross-origin isolated)");
    }
    this.transport = transport;
    this.stallMs = settings.stallMs;
    this.workerUrl = settings.workerUrl;
    this.split = settings.split;
    this.targetSize = settings.size;
    this.modules = wasmModules(); // BackendError if WebAssembly is unavailable
    const ready: Promise<void>[] = [];
    for (let i = 0; i < settings.size; i++) {
      this.restarts.push({ failures: 0, gaveUpAt: 0 });
      ready.push(this.spawn(i, false));
    }
    this.started = Promise.all(ready).then(noop);
  }

  get size(): number {
    return this.slots.filter((s) => !s.dead).length;
  }

  encrypt(name: string, key: Uint8Array, iv: Uint8Array | null, data: Uint8Array, options?: JobOptions): Promise<Uint8Array> {
    return this.job(name, true, key, iv, data, options);
  }

  decrypt(name: string, key: Uint8Array, iv: Uint8Array | null, data: Uint8Array, options?: JobOptions): Promise<Uint8Array> {
    return this.job(name, false, key, iv, data, options);
  }

  close(): Promise<void> {
    return (this.closed ??= this.shutdown());
  }

  keptScratch(): SharedArrayBuffer | undefined {
    return this.scratch;
  }

  // ---- jobs ----

  private async job(name: string, encrypt: boolean, keyIn: Uint8Array, ivIn: Uint8Array | null,
    dataIn: Uint8Array, optionsIn: unknown): Promise<Uint8Array> {
    // Everything up to `new Job` runs synchronously, within the call: the input is read now.
    if (this.closed) throw new PoolClosedError();
    const options = readJobOptions(optionsIn);
    options.signal?.throwIfAborted();
    const spec = checkJob(jobKind(name, encrypt), keyIn, ivIn, dataIn, options);
    if (options.inPlace) this.inPlace(spec, dataIn);
    if (spec.length === 0 || !worthAWorker(spec.data.length, this.threshold)) return runHere(spec);
    this.revive();
    return new Promise<Uint8Array>((resolve, reject) => new Job(this, spec, resolve, reject));
  }

  /** Makes a checked job run over the caller's shared memory itself (JobOptions.inPlace). */
  private inPlace(spec: JobSpec, dataIn: Uint8Array): void {
    const name = `aes-${spec.kind.bits}-${spec.kind.mode}`;
    if (spec.ocb || spec.padded) {
      spec.key.fill(0);
      throw new StateError(`inPlace needs a job that keeps its length: not ${spec.ocb ? name : `${name} with padding`}`);
    }
    const view = viewOf(dataIn, "data"); // the caller's memory even when short (asBytes copies ≤ 64 bytes)
    if (this.transport !== "shared" || isArrayBuffer(view.buffer)) {
      spec.key.fill(0);
      throw new StateError("inPlace needs data in a SharedArrayBuffer and a pool with the 'shared' transport");
    }
    spec.data = view;
    spec.output = view; // for a job run on this thread (runHere writes its result there)
    spec.inPlace = true;
  }

  /** Queues a piece of a job (Job calls this as it copies its input in). */
  enqueue(task: Task): void {
    this.queue.push(task);
    // A job waiting for a replacement worker keeps a Node process alive through the backoff.
    for (const r of this.restarts) (r.timer as { ref?: () => void } | undefined)?.ref?.();
    this.dispatch();
  }

  /** Drops a failed job's pieces that have not been posted (wiping their buffers). */
  dequeue(job: Job): void {
    for (let i = this.queue.length - 1; i >= 0; i--) {
      const t = this.queue[i];
      if (t.job !== job) continue;
      this.queue.splice(i, 1);
      t.piece?.fill(0);
      t.piece = undefined;
    }
  }

  private dispatch(): void {
    // Re-entrant calls (a post that fails, a job failing inside) only ask for another round.
    if (this.dispatching) {
      this.dispatchAgain = true;
      return;
    }
    this.dispatching = true;
    try {
      do {
        this.dispatchAgain = false;
        this.dispatchRound();
      } while (this.dispatchAgain);
    } finally {
      this.dispatching = false;
    }
  }

  private dispatchRound(): void {
    while (this.queue.length) {
      let best: Slot | undefined;
      for (const s of this.slots) {
        if (!s.ready || s.dead || s.closing || s.tasks.length >= IN_FLIGHT_PER_WORKER) continue;
        if (!best || s.tasks.length < best.tasks.length) best = s;
      }
      if (!best) {
        // Wait for a starting worker or a scheduled retry; fail only when none is coming.
        if (!this.slots.some((s) => !s.dead) && !this.restarts.some((r) => r.timer)) {
          const error = this.noWorkers();
          for (const t of this.queue.splice(0)) t.job.fail(error);
        }
        return;
      }
      const task = this.queue.shift()!;
      if (task.job.settled) {
        task.piece?.fill(0);
        continue;
      }
      this.send(best, task);
    }
  }

  private noWorkers(): Error {
    const last = this.restarts.find((r) => r.lastError)?.lastError;
    return last
      ? new WorkerStartError(`no worker could be started: ${last.message}`)
      : new WorkerCrashedError("no workers left in the pool");
  }

  private send(slot: Slot, task: Task): void {
    const { job } = task;
    const length = task.end - task.start;
    let buffer: SharedArrayBuffer | ArrayBuffer;
    let offset: number;
    const transfer: ArrayBuffer[] = [];
    if (job.scratch) {
      buffer = job.scratch.buffer as SharedArrayBuffer;
      offset = job.scratch.byteOffset + task.start;
    } else {
      const piece = task.piece!;
      task.piece = undefined; // moved to the worker
      buffer = piece.buffer as ArrayBuffer;
      offset = 0;
      transfer.push(buffer);
    }
    const message: ToWorker = {
      type: "task", id: task.id, op: job.spec.kind.op, key: job.spec.key, state: task.state,
      counterBits: job.spec.counterBits, firstBlock: task.firstBlock, unit: job.spec.xts?.sectorSize ?? 0,
      buffer, offset, length,
    };
    if (slot.tasks.length === 0) slot.handle!.ref();
    slot.tasks.push(task);
    job.posted();
    if (slot.tasks.length === 1) this.arm(slot);
    try {
      slot.handle!.post(message, transfer);
    } catch (e) {
      this.lost(slot, new WorkerCrashedError(`could not post to worker: ${(e as Error).message}`));
    }
  }

  /** A wiped shared buffer of at least `length` bytes: the kept one if it fits, else a new one. */
  takeShared(length: number): Uint8Array {
    const kept = this.scratch;
    if (kept && kept.byteLength >= length) {
      this.scratch = undefined;
      return new Uint8Array(kept, 0, length);
    }
    return new Uint8Array(new SharedArrayBuffer(length));
  }

  /** Keeps a job's shared buffer (already wiped, no worker can still write to it) for the next job. */
  giveBackShared(buffer: SharedArrayBuffer): void {
    if (this.closed || buffer.byteLength > MAX_SCRATCH) return;
    if (!this.scratch || buffer.byteLength > this.scratch.byteLength) this.scratch = buffer;
  }

  newTaskId(): number {
    return this.nextId++;
  }

  /** Starts the watchdog for the task at the head of a worker's queue. */
  private arm(slot: Slot): void {
    clearTimeout(slot.timer);
    const head = slot.tasks[0];
    if (!head) return;
    const expected = ((head.end - head.start) * head.job.spec.kind.cost) / SLOW_BYTES_PER_MS;
    const ms = Math.min(MAX_TIMER_MS, this.stallMs + expected);
    slot.timer = setTimeout(() => {
      this.guard(slot, () => this.lost(slot, new WorkerTimeoutError(`a worker did not answer within ${Math.round(ms)} ms; it was replaced`)));
    }, ms);
    (slot.timer as { unref?: () => void }).unref?.();
  }

  // ---- workers ----

  /** Runs a handler; an exception in it (a bug) fails that worker's jobs instead of escaping. */
  private guard(slot: Slot, fn: () => void): void {
    try {
      fn();
    } catch (e) {
      try {
        this.lost(slot, new WorkerCrashedError(`internal error handling a worker event: ${(e as Error)?.message ?? String(e)}`));
      } catch {
        // nothing more can be done from here
      }
    }
  }

  private startError(reason: string): WorkerStartError {
    // The default script sits next to the pool's module; a bundler that copied the pool into
    // an app bundle without emitting that file (esbuild does not) leaves it missing.
    const hint = this.workerUrl === undefined && !/workerUrl/.test(reason)
      ? " (if a bundler moved or did not emit the pool's worker script, pass its URL as the workerUrl option)" : "";
    return new WorkerStartError(`worker script ${this.platform.scriptName(this.workerUrl)} could not start: ${reason}${hint}`);
  }

  private spawn(index: number, replacement: boolean): Promise<void> {
    this.spawned++;
    let settle!: { resolve: () => void; reject: (e: Error) => void };
    const started = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
    const slot: Slot = {
      index, handle: undefined, tasks: [], ready: false, dead: false, replacement, readyAt: 0, answered: false,
    };
    this.slots[index] = slot;
    slot.resolveStart = () => settle.resolve();
    slot.startFailed = (e) => settle.reject(e);
    const startMs = Math.min(MAX_TIMER_MS, Math.max(this.stallMs, START_TIMEOUT_MS));
    slot.startTimer = setTimeout(() => {
      this.guard(slot, () => this.lost(slot, new WorkerTimeoutError(
        `worker script ${this.platform.scriptName(this.workerUrl)} did not start within ${startMs} ms`)));
    }, startMs);
    (slot.startTimer as { unref?: () => void }).unref?.();
    try {
      slot.handle = this.platform.spawn(this.workerUrl, {
        message: (m: FromWorker) => this.guard(slot, () => this.onMessage(slot, m)),
        failure: (reason) => this.guard(slot, () => this.lost(slot, slot.ready
          ? new WorkerCrashedError(`${reason}${slot.tasks.length ? " while it held part of a job" : ""}`)
          : this.startError(reason))),
      });
      // Keep the process alive until the worker has started (createPool awaits it).
      slot.handle.ref();
      slot.handle.post({ type: "init", modules: this.modules });
    } catch (e) {
      // `new Worker` itself refused (bad URL, resource limits): a failed start, reported later
      // so that the caller (constructor, lost()) is not re-entered.
      const error = this.startError(`could not be created: ${(e as Error)?.message ?? String(e)}`);
      queueMicrotask(() => this.guard(slot, () => this.lost(slot, error)));
    }
    return started;
  }

  private onMessage(slot: Slot, m: FromWorker): void {
    if (slot.dead) return;
    const type = own(m, "type");
    if (type === "ready") {
      if (slot.ready) return;
      clearTimeout(slot.startTimer);
      slot.ready = true;
      slot.readyAt = Date.now();
      slot.startFailed = undefined;
      if (slot.tasks.length === 0) slot.handle!.unref();
      slot.resolveStart?.();
      slot.resolveStart = undefined;
      this.dispatch(); // jobs may be waiting for this worker
    } else if (type === "init-failed") {
      this.lost(slot, this.startError(`the core did not start: ${String(own(m, "message"))}`));
    } else if (type === "closed") {
      slot.closing?.();
    } else if (type === "done" || type === "failed") {
      this.answered(slot, m, type);
    }
  }

  private answered(slot: Slot, m: FromWorker, type: "done" | "failed"): void {
    const id = own(m, "id");
    const i = slot.tasks.findIndex((t) => t.id === id);
    if (i < 0) return;
    const [task] = slot.tasks.splice(i, 1);
    slot.answered = true;
    this.answers[slot.index] = (this.answers[slot.index] ?? 0) + 1;
    this.restarts[slot.index].failures = 0;
    this.restarts[slot.index].lastError = undefined;
    this.arm(slot); // the next task at this worker starts now
    if (slot.tasks.length === 0) slot.handle!.unref();
    if (type === "failed") {
      task.job.fail(new WorkerCrashedError(`worker failed: ${String(own(m, "message"))}`));
      task.job.pieceBack(task, undefined, undefined);
    } else {
      task.job.pieceBack(task, own(m, "buffer"), own(m, "checksum"));
    }
    this.dispatch();
  }

  /** A worker is gone or unusable: fail what it held, replace it, carry on. */
  private lost(slot: Slot, error: Error): void {
    if (slot.dead) return;
    slot.dead = true;
    clearTimeout(slot.timer);
    clearTimeout(slot.startTimer);
    slot.startFailed?.(error);
    slot.startFailed = undefined;
    const tasks = slot.tasks.splice(0);
    for (const t of tasks) t.job.fail(error);
    // The pieces it held are accounted for once it has stopped (it may still be writing to
    // shared memory until then).
    const stopped = slot.handle ? slot.handle.terminate().catch(noop) : Promise.resolve();
    void stopped.then(() => {
      for (const t of tasks) t.job.pieceGone(t, !this.platform.terminateStops);
    });
    if (!this.closed) this.replace(slot, error);
    this.dispatch();
  }

  /** Schedules the replacement of a lost worker (see START_ATTEMPTS). */
  private replace(slot: Slot, error: Error): void {
    const r = this.restarts[slot.index];
    if (!slot.ready && !slot.replacement) return; // createPool's own start: createPool rejects
    if (slot.answered || (slot.ready && Date.now() - slot.readyAt >= HEALTHY_MS)) r.failures = 0;
    else r.lastError = error;
    if (r.failures >= START_ATTEMPTS) {
      r.gaveUpAt = Date.now();
      return;
    }
    const delay = r.failures === 0 ? 0 : Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** (r.failures - 1));
    r.failures++;
    if (delay === 0) {
      this.spawn(slot.index, true).catch(noop);
      return;
    }
    clearTimeout(r.timer);
    r.timer = setTimeout(() => {
      r.timer = undefined;
      if (!this.closed) this.spawn(slot.index, true).catch(noop);
    }, delay);
    if (this.queue.length === 0) (r.timer as { unref?: () => void }).unref?.();
  }

  /**
   * Before a job: one more start for positions whose retries are used up, if no worker is
   * live (else the job could only fail) or they have rested RETRY_MAX_MS.
   */
  private revive(): void {
    const none = !this.slots.some((s) => !s.dead) && !this.restarts.some((r) => r.timer);
    const now = Date.now();
    this.restarts.forEach((r, index) => {
      if (!r.gaveUpAt || !this.slots[index]?.dead) return;
      if (!none && now - r.gaveUpAt < RETRY_MAX_MS) return;
      r.gaveUpAt = 0;
      r.failures = START_ATTEMPTS; // a failure gives up again at once
      this.spawn(index, true).catch(noop);
    });
  }

  private async shutdown(): Promise<void> {
    this.scratch = undefined; // wiped when it was given back
    for (const r of this.restarts) {
      clearTimeout(r.timer);
      r.timer = undefined;
    }
    for (const t of this.queue.splice(0)) {
      t.piece?.fill(0);
      t.job.fail(new PoolClosedError());
    }
    await Promise.all(this.slots.map(async (slot) => {
      if (slot.dead) return;
      clearTimeout(slot.startTimer);
      const tasks = slot.tasks.splice(0);
      for (const t of tasks) t.job.fail(new PoolClosedError());
      clearTimeout(slot.timer);
      if (slot.ready && slot.handle) {
        // Let the worker wipe its key schedules, but do not wait long for a busy one.
        slot.handle.ref(); // close() is awaited: the process must not exit under it
        await new Promise<void>((resolve) => {
          slot.closing = resolve;
          const t = setTimeout(resolve, 1000);
          (t as { unref?: () => void }).unref?.();
          try {
            slot.handle!.post({ type: "close" });
          } catch {
            resolve();
          }
        });
      }
      slot.dead = true;
      slot.startFailed?.(new PoolClosedError());
      slot.startFailed = undefined;
      if (slot.handle) await slot.handle.terminate().catch(noop);
      for (const t of tasks) t.job.pieceGone(t, !this.platform.terminateStops);
    }));
  }
}

// ---- one job ----

interface ReadJobOptions {
  padding: boolean | undefined;
  inPlace: boolean;
  counterBits: number | undefined;
  signal: AbortSignal | undefined;
  output: Uint8Array | undefined;
  /** XTS and OCB options as given (checkJob checks them against the mode). */
  sectorSize: unknown;
  firstSector: unknown;
  tagLength: unknown;
  allowShortTags: unknown;
  aad: unknown;
}

/** Job options from own properties only, type-checked. */
function readJobOptions(options: unknown): ReadJobOptions {
  const o = ownOptions(options, ["padding", "counterBits", "signal", "output", "sectorSize", "firstSector", "tagLength",
    "allowShortTags", "aad", "inPlace"] as const, "job options");
  if (o.padding !== undefined && typeof o.padding !== "boolean") {
    throw new StateError(`padding must be true or false, got ${String(o.padding)}`);
  }
  if (o.inPlace !== undefined && typeof o.inPlace !== "boolean") {
    throw new StateError(`inPlace must be true or false, got ${String(o.inPlace)}`);
  }
  if (o.inPlace === true && o.output !== undefined) throw new StateError("inPlace writes the result over data: give no output");
  const signal = o.signal;
  if (signal !== undefined && !looksLikeSignal(signal)) throw new StateError("signal must be an AbortSignal");
  return {
    padding: o.padding as boolean | undefined,
    inPlace: o.inPlace === true,
    counterBits: o.counterBits as number | undefined,
    signal: signal as AbortSignal | undefined,
    // A view of the caller's memory, never a copy (asBytes may copy small arrays).
    output: o.output === undefined ? undefined : viewOf(o.output, "output"),
    sectorSize: o.sectorSize,
    firstSector: o.firstSector,
    tagLength: o.tagLength,
    allowShortTags: o.allowShortTags,
    aad: o.aad,
  };
}

function looksLikeSignal(s: unknown): boolean {
  const x = s as AbortSignal;
  return typeof s === "object" && s !== null && typeof x.aborted === "boolean" &&
    typeof x.addEventListener === "function" && typeof x.removeEventListener === "function" &&
    typeof x.throwIfAborted === "function";
}

interface JobSpec {
  kind: JobKind;
  key: Uint8Array;
  iv: Uint8Array | null;
  /** The caller's input: read only during the call. */
  data: Uint8Array;
  /** ECB/CBC with padding. */
  padded: boolean;
  counterBits: number;
  signal: AbortSignal | undefined;
  output: Uint8Array | undefined;
  /** inPlace: `data` (a SharedArrayBuffer view) is the workers' buffer and the result. */
  inPlace: boolean;
  /** Bytes the workers process: data, plus the pad block when encrypting with padding (OCB: the whole blocks). */
  length: number;
  /** Bytes of the result (before unpadding): `length`, or for OCB what this thread adds after the workers' bytes. */
  resultLength: number;
  /** XTS: the sector size (0: one data unit under `iv`) and the first sector's number. */
  xts: { sectorSize: number; firstSector: bigint } | undefined;
  /** OCB: what this thread needs to close the message. */
  ocb: OcbJob | undefined;
  /** The last, padded block when encrypting ECB/CBC with padding (else empty). */
  tail: Uint8Array;
  /** Where `tail` starts. */
  body: number;
}

class Job {
  settled = false;
  /** Shared mode: the pool-owned buffer the workers process in place. */
  readonly scratch: Uint8Array | undefined;
  /** No `output`: a fresh result, pieces copied in as they are done (returned on success, else wiped). */
  private readonly collect: Uint8Array | undefined;
  /** Transfer mode with an `output`: the pieces as they come back, copied out at the end. */
  private readonly pieces: (Uint8Array | undefined)[] = [];
  /** OCB: the XOR of the checksum parts the workers answered with (wiped when the job settles). */
  private readonly checksum: Uint8Array | undefined;
  private readonly ranges: { start: number; end: number }[];
  private left: number;
  /** Pieces posted to a worker and not back yet (or their worker not yet stopped). */
  private outstanding = 0;
  /** A worker that held a piece was terminated without a guarantee that it has stopped. */
  private tainted = false;
  private released = false;
  /** inPlace: a failed job's rejection, held until its pieces are all accounted for. */
  private rejectOnRelease: (() => void) | undefined;
  private readonly onAbort: (() => void) | undefined;

  constructor(private readonly pool: Pool, readonly spec: JobSpec,
    private readonly resolve: (r: Uint8Array) => void, private readonly reject: (e: unknown) => void) {
    const { kind, length, signal } = spec;
    this.ranges = kind.splittable ? planRanges(spec, pool.targetSize, pool.split) : [{ start: 0, end: length }];
    this.left = this.ranges.length; // > 0: empty jobs run on the calling thread
    if (spec.inPlace) this.scratch = spec.data;
    else if (pool.transport === "shared") this.scratch = pool.takeShared(length);
    if (!spec.output) this.collect = new Uint8Array(spec.resultLength);
    if (spec.ocb) this.checksum = new Uint8Array(16);
    if (signal) {
      this.onAbort = () => this.fail(signal.reason);
      signal.addEventListener("abort", this.onAbort, { once: true });
    }
    // The snapshot: every piece is copied in (and queued, so workers start on the first ones
    // while later ones are copied) before the call returns. A chained piece's register is the
    // last input block of the piece before it, taken from the copy before that piece is posted.
    let previousTail: Uint8Array | null = null;
    for (let index = 0; index < this.ranges.length; index++) {
      if (this.settled) break;
      const { start, end } = this.ranges[index];
      const piece = this.scratch ? this.scratch.subarray(start, end) : new Uint8Array(end - start);
      if (!spec.inPlace) this.copyInput(start, end, piece);
      const state = registerFor(spec, start, previousTail);
      if (kind.chained) previousTail = piece.slice(piece.length - 16);
      pool.enqueue({
        id: pool.newTaskId(), job: this, index, start, end, state, firstBlock: firstBlockAt(spec, start),
        piece: this.scratch ? undefined : piece,
      });
    }
  }

  /** Copies bytes [start, end) of the workers' input (data, then the pad block) into `dst`. */
  private copyInput(start: number, end: number, dst: Uint8Array): void {
    const { data, tail, body } = this.spec;
    const fromData = Math.min(end, body);
    if (start < fromData) dst.set(data.subarray(start, fromData));
    if (end > body) dst.set(tail.subarray(Math.max(0, start - body), end - body), Math.max(0, body - start));
  }

  /** A piece of this job was posted to a worker. */
  posted(): void {
    this.outstanding++;
  }

  /**
   * A worker answered a piece: `buffer` is the piece (transfer mode) or absent (shared);
   * `checksum` an OCB piece's checksum part.
   */
  pieceBack(task: Task, buffer: unknown, checksum: unknown): void {
    this.outstanding--;
    let piece: Uint8Array | undefined;
    if (!this.scratch && buffer instanceof ArrayBuffer) piece = new Uint8Array(buffer);
    const part = checksum instanceof ArrayBuffer ? new Uint8Array(checksum) : undefined;
    if (this.settled) {
      piece?.fill(0);
      part?.fill(0);
      this.release();
      return;
    }
    if (!this.scratch && piece?.length !== task.end - task.start) {
      piece?.fill(0);
      part?.fill(0);
      this.fail(new WorkerCrashedError("a worker answered without its piece"));
      return;
    }
    if (this.checksum) {
      if (part?.length !== 16) {
        piece?.fill(0);
        part?.fill(0);
        this.fail(new WorkerCrashedError("a worker answered without its OCB checksum"));
        return;
      }
      for (let i = 0; i < 16; i++) this.checksum[i] ^= part[i]!;
    }
    part?.fill(0);
    if (piece) {
      if (this.collect) {
        this.collect.set(piece, task.start);
        piece.fill(0);
      } else {
        this.pieces[task.index] = piece;
      }
    } else if (this.collect) {
      this.collect.set(this.scratch!.subarray(task.start, task.end), task.start);
    }
    if (--this.left === 0) this.finish();
  }

  /** A piece's worker was ended before it answered; `maybeRunning`: it may not have stopped yet. */
  pieceGone(_task: Task, maybeRunning: boolean): void {
    this.outstanding--;
    if (maybeRunning) this.tainted = true;
    this.release();
  }

  fail(error: unknown): void {
    if (this.settled) return;
    this.settle();
    this.pool.dequeue(this);
    this.collect?.fill(0);
    this.wipePieces();
    // In place, the caller gets its memory back only once no worker can write to it (release).
    if (this.spec.inPlace) this.rejectOnRelease = () => this.reject(error);
    else this.reject(error);
    this.release();
  }

  private settle(): void {
    this.settled = true;
    this.spec.key.fill(0); // the pool's copy of the raw key
    this.spec.ocb?.tail.fill(0); // OCB: the last partial block (plaintext when encrypting)
    this.checksum?.fill(0);
    if (this.onAbort) this.spec.signal?.removeEventListener("abort", this.onAbort);
  }

  private wipePieces(): void {
    for (const p of this.pieces) p?.fill(0);
    this.pieces.length = 0;
  }

  /** Once the job is settled and no worker holds a piece: wipe the shared buffer, keep it. */
  private release(): void {
    if (!this.settled || this.released || this.outstanding > 0) return;
    this.released = true;
    if (this.spec.inPlace) {
      this.rejectOnRelease?.();
      this.rejectOnRelease = undefined;
      return; // the caller's memory: neither wiped nor kept
    }
    if (!this.scratch) return;
    this.scratch.fill(0);
    // A worker that may still be running could write into it again: never reuse it then.
    if (!this.tainted) this.pool.giveBackShared(this.scratch.buffer as SharedArrayBuffer);
  }

  /** The workers' output bytes [start, end) (pieces never straddle in the cases this is used). */
  private outputBytes(start: number, end: number): Uint8Array {
    if (this.collect) return this.collect.subarray(start, end);
    if (this.scratch) return this.scratch.subarray(start, end);
    const last = this.pieces.length - 1;
    const r = this.ranges[last];
    return this.pieces[last]!.subarray(start - r.start, end - r.start);
  }

  private finish(): void {
    const { spec } = this;
    let n = spec.resultLength;
    // OCB: the last partial block and the tag, made here; a decryption that does not verify
    // fails before anything is written.
    let extra: Uint8Array | undefined;
    if (spec.ocb) {
      let closed: Uint8Array | null;
      try {
        closed = finishOcb(spec.key, spec.ocb, spec.length / 16, this.checksum!, !spec.kind.encrypt);
      } catch (e) {
        this.fail(e);
        return;
      }
      if (!closed) {
        this.fail(new DecryptionError());
        return;
      }
      extra = closed;
    }
    try {
      if (spec.padded && !spec.kind.encrypt) {
        const u = unpaddedLength("pkcs7", this.outputBytes(n - 16, n));
        if (u < 0) {
          this.fail(new DecryptionError()); // a bad pad releases nothing
          return;
        }
        n = n - 16 + u;
      }
      let result: Uint8Array;
      const out = spec.output;
      if (spec.inPlace) {
        result = spec.data; // the workers wrote it there
      } else if (out) {
        if (out.length < n) {
          this.fail(new DataLengthError(`output has room for ${out.length} bytes, needs ${n}: it was detached or shrunk while the job ran`));
          return;
        }
        const w = Math.min(n, spec.length); // the workers' bytes; `extra` follows them
        if (this.scratch) {
          out.set(this.scratch.subarray(0, w));
        } else {
          this.ranges.forEach((r, i) => {
            if (r.start < w) out.set(this.pieces[i]!.subarray(0, Math.min(r.end, w) - r.start), r.start);
          });
        }
        if (extra) out.set(extra, spec.length);
        result = out.subarray(0, n);
      } else {
        if (extra) this.collect!.set(extra, spec.length);
        result = this.collect!.subarray(0, n);
      }
      this.settle();
      this.wipePieces();
      this.resolve(result);
      this.release();
    } catch (e) {
      this.fail(e instanceof DataLengthError ? e
        : new DataLengthError(`could not write the output (detached or shrunk while the job ran?): ${(e as Error)?.message ?? String(e)}`));
    } finally {
      extra?.fill(0);
    }
  }
}

/**
 * The pieces of a splittable job. XTS with sectors: whole sectors per piece. One XTS data unit:
 * block ranges, the last one keeping the partial block with the full block it steals from.
 */
function planRanges(spec: JobSpec, workers: number, split: Required<SplitOptions>): { start: number; end: number }[] {
  const { length } = spec;
  if (spec.xts?.sectorSize) return splitRanges(length, workers, split, spec.xts.sectorSize);
  if (spec.xts) {
    const r = length % 16;
    const ranges = splitRanges(length - r, workers, split); // length ≥ 16: not empty
    ranges[ranges.length - 1]!.end = length;
    return ranges;
  }
  return splitRanges(length, workers, split);
}

/** The block number a piece starting at byte `start` begins with: XTS (one data unit) and OCB. */
function firstBlockAt(spec: JobSpec, start: number): number {
  return spec.ocb || (spec.xts && !spec.xts.sectorSize) ? start / 16 : 0;
}

/** The register a piece starting at byte `start` begins with (`previousTail`: the input block before it). */
function registerFor(spec: JobSpec, start: number, previousTail: Uint8Array | null): Uint8Array | null {
  const { kind, iv } = spec;
  if (spec.xts) {
    const { sectorSize, firstSector } = spec.xts;
    return sectorSize ? sectorTweak(firstSector + BigInt(start / sectorSize)) : iv!.slice();
  }
  if (spec.ocb) return spec.ocb.nonceBlock.slice();
  if (kind.mode === "ecb") return null;
  if (start === 0) return iv!.slice();
  if (kind.mode === "ctr") return addToCounter(iv!, BigInt(start / 16), spec.counterBits);
  if (kind.chained && previousTail) return previousTail;
  throw new Error(`internal: ${kind.op} cannot start at ${start}`);
}

/** Validates a job the way the facade and modes would, before any work is queued. */
function checkJob(kind: JobKind, keyIn: Uint8Array, ivIn: Uint8Array | null, dataIn: Uint8Array, options: ReadJobOptions): JobSpec {
  const { bits, mode } = kind;
  checkModeOptions(kind, options);
  const key = new Uint8Array(asBytes(keyIn, "key"));
  if (mode === "xts" || mode === "ocb") {
    try {
      return mode === "xts" ? checkXtsJob(kind, key, ivIn, dataIn, options) : checkOcbJob(kind, key, ivIn, dataIn, options);
    } catch (e) {
      key.fill(0);
      throw e;
    }
  }
  if (key.length !== bits / 8) throw new KeyLengthError(`key must be ${bits / 8} bytes for aes-${bits}-*, got ${key.length}`);
  let iv: Uint8Array | null = null;
  if (mode === "ecb") {
    if (ivIn != null && asBytes(ivIn, "iv").length !== 0) {
      throw new IvLengthError(`aes-${bits}-ecb takes no IV (pass null), got ${asBytes(ivIn, "iv").length} bytes`);
    }
  } else {
    if (ivIn == null) throw new IvLengthError(`aes-${bits}-${mode} needs a 16-byte IV`);
    iv = new Uint8Array(asBytes(ivIn, "iv"));
    if (iv.length !== 16) throw new IvLengthError(`iv must be 16 bytes, got ${iv.length}`);
  }
  const data = asBytes(dataIn);
  const padded = kind.blockMode && options.padding !== false;
  if (kind.blockMode) {
    if (!padded && data.length % 16 !== 0) {
      throw new DataLengthError(`data must be a multiple of 16 bytes with padding off, got ${data.length}`);
    }
    if (padded && !kind.encrypt && (data.length === 0 || data.length % 16 !== 0)) {
      throw new DataLengthError(`padded ciphertext must be a non-empty multiple of 16 bytes, got ${data.length}`);
    }
  }
  let counterBits = 128;
  if (options.counterBits !== undefined) {
    if (mode !== "ctr") throw new StateError(`counterBits applies to CTR only, not aes-${bits}-${mode}`);
    counterBits = checkCounterBits(options.counterBits);
  }
  if (mode === "ctr" && BigInt(Math.ceil(data.length / 16)) > counterSpace(counterBits)) {
    throw new CounterExhaustedError(`a ${counterBits}-bit counter allows ${counterSpace(counterBits)} blocks; the data needs ${Math.ceil(data.length / 16)}`);
  }
  let tail = new Uint8Array(0);
  let body = data.length;
  if (padded && kind.encrypt) {
    body = data.length - (data.length % 16);
    tail = new Uint8Array(16);
    padBlock("pkcs7", data.subarray(body), tail);
  }
  const length = body + tail.length;
  const output = options.output;
  if (output !== undefined && output.length < length) {
    throw new DataLengthError(`output has room for ${output.length} bytes, needs ${length}`);
  }
  return {
    kind, key, iv, data, padded, counterBits, signal: options.signal, output, inPlace: false, length, resultLength: length, tail, body,
    xts: undefined, ocb: undefined,
  };
}

/** Options of another mode are refused, not ignored (a sectorSize on CTR is a mistake worth hearing about). */
function checkModeOptions({ bits, mode }: JobKind, o: ReadJobOptions): void {
  const name = `aes-${bits}-${mode}`;
  if (mode !== "xts" && (o.sectorSize !== undefined || o.firstSector !== undefined)) {
    throw new StateError(`sectorSize and firstSector apply to XTS only, not ${name}`);
  }
  if (mode !== "ocb" && (o.tagLength !== undefined || o.aad !== undefined || o.allowShortTags !== undefined)) {
    throw new StateError(`tagLength, aad and allowShortTags apply to OCB only, not ${name}`);
  }
  if ((mode === "xts" || mode === "ocb") && o.counterBits !== undefined) {
    throw new StateError(`counterBits applies to CTR only, not ${name}`);
  }
}

const NO_BYTES = new Uint8Array(0);
const TWO_128 = 1n << 128n;

/**
 * XTS: a 2 × bits/8-byte key with differing halves (compared in constant time); either one
 * data unit under a 16-byte tweak, or whole sectors of `sectorSize` bytes numbered from
 * `firstSector` (IV null).
 */
function checkXtsJob(kind: JobKind, key: Uint8Array, ivIn: Uint8Array | null, dataIn: Uint8Array, options: ReadJobOptions): JobSpec {
  const { bits } = kind;
  const half = bits / 8;
  if (key.length !== 2 * half) {
    throw new KeyLengthError(`key must be ${2 * half} bytes for aes-${bits}-xts (two ${bits}-bit keys), got ${key.length}`);
  }
  let diff = 0;
  for (let i = 0; i < half; i++) diff |= key[i]! ^ key[half + i]!;
  if (diff === 0) throw new WeakKeyError("XTS key halves must differ (K1 = K2 would encrypt the tweak under the data key)");
  const data = asBytes(dataIn);
  let iv: Uint8Array | null = null;
  let sectorSize = 0;
  let firstSector = 0n;
  if (options.sectorSize !== undefined) {
    sectorSize = checkInteger(options.sectorSize, 16, XTS_MAX_DATA_UNIT_BYTES, "sectorSize");
    if (ivIn != null && asBytes(ivIn, "iv").length !== 0) {
      throw new IvLengthError(`with sectorSize each sector's tweak is its number: pass null as the IV (firstSector numbers the first)`);
    }
    firstSector = readFirstSector(options.firstSector);
    if (data.length % sectorSize !== 0) {
      throw new DataLengthError(`data must be whole sectors of ${sectorSize} bytes, got ${data.length}`);
    }
    if (firstSector + BigInt(data.length / sectorSize) > TWO_128) {
      throw new StateError(`sector numbers would pass 2^128 - 1 (first ${firstSector}, ${data.length / sectorSize} sectors)`);
    }
  } else {
    if (options.firstSector !== undefined) throw new StateError("firstSector needs sectorSize");
    if (ivIn == null) throw new IvLengthError(`aes-${bits}-xts needs a 16-byte IV (the tweak), or sectorSize`);
    iv = new Uint8Array(asBytes(ivIn, "iv"));
    if (iv.length !== 16) throw new IvLengthError(`aes-${bits}-xts needs a 16-byte IV (the tweak), got ${iv.length}`);
    if (data.length < 16 || data.length > XTS_MAX_DATA_UNIT_BYTES) {
      throw new DataLengthError(`an XTS data unit is 16 to ${XTS_MAX_DATA_UNIT_BYTES} bytes, got ${data.length}`);
    }
  }
  const output = options.output;
  if (output !== undefined && output.length < data.length) {
    throw new DataLengthError(`output has room for ${output.length} bytes, needs ${data.length}`);
  }
  const length = data.length;
  return {
    kind, key, iv, data, padded: false, counterBits: 128, signal: options.signal, output, inPlace: false, length, resultLength: length,
    tail: NO_BYTES, body: length, xts: { sectorSize, firstSector }, ocb: undefined,
  };
}

function readFirstSector(v: unknown): bigint {
  if (v === undefined) return 0n;
  if (typeof v === "bigint" && v >= 0n && v < TWO_128) return v;
  if (typeof v === "number" && Number.isSafeInteger(v) && v >= 0) return BigInt(v);
  throw new StateError(`firstSector must be a non-negative safe integer or a bigint below 2^128, got ${show(v)}`);
}

/**
 * OCB: a 1..15-byte nonce, tagLength (16 by default), AAD. Encryption takes the message and
 * gives ciphertext || tag; decryption takes ciphertext || tag. The workers do the whole blocks.
 */
function checkOcbJob(kind: JobKind, key: Uint8Array, ivIn: Uint8Array | null, dataIn: Uint8Array, options: ReadJobOptions): JobSpec {
  const { bits } = kind;
  if (key.length !== bits / 8) throw new KeyLengthError(`key must be ${bits / 8} bytes for aes-${bits}-ocb, got ${key.length}`);
  if (ivIn == null) throw new IvLengthError(`aes-${bits}-ocb needs a nonce of 1..15 bytes`);
  const nonce = checkOcbNonce(ivIn);
  if (options.allowShortTags !== undefined && typeof options.allowShortTags !== "boolean") {
    throw new StateError(`allowShortTags must be true or false, got ${show(options.allowShortTags)}`);
  }
  const tagLength = checkOcbTagLength(options.tagLength ?? 16, options.allowShortTags === true);
  const aad = options.aad === undefined ? new Uint8Array(0) : new Uint8Array(asBytes(options.aad, "aad"));
  if (aad.length > OCB_MAX_DATA_BYTES) throw new DataLengthError(`OCB takes at most ${OCB_MAX_DATA_BYTES} bytes of AAD per message`);
  const data = asBytes(dataIn);
  let bodyLength = data.length;
  let expected: Uint8Array | undefined;
  if (!kind.encrypt) {
    if (data.length < tagLength) throw new DecryptionError(); // as key.ocb(nonce).decrypt: no tag, no message
    bodyLength = data.length - tagLength;
    expected = data.slice(bodyLength);
  }
  if (bodyLength > OCB_MAX_DATA_BYTES) throw new DataLengthError(`OCB encrypts at most ${OCB_MAX_DATA_BYTES} bytes per message`);
  const resultLength = kind.encrypt ? bodyLength + tagLength : bodyLength;
  const output = options.output;
  if (output !== undefined && output.length < resultLength) {
    throw new DataLengthError(`output has room for ${output.length} bytes, needs ${resultLength}`);
  }
  const whole = bodyLength - (bodyLength % 16);
  return {
    kind, key, iv: nonce, data, padded: false, counterBits: 128, signal: options.signal, output, inPlace: false,
    length: whole, resultLength, tail: NO_BYTES, body: whole, xts: undefined,
    ocb: { nonceBlock: ocbNonceBlock(nonce, tagLength), tagLength, aad, tail: data.slice(whole, bodyLength), expected },
  };
}

/** Runs a job on the calling thread with the ordinary mode objects. */
function runHere(spec: JobSpec): Uint8Array {
  if (spec.xts || spec.ocb) return runConstructionHere(spec);
  const { kind, iv, data, output } = spec;
  const key = aesKey(spec.key);
  let result: Uint8Array | undefined;
  try {
    const padding = spec.padded ? "pkcs7" as const : "none" as const;
    // Every option spelled out, on null-prototype objects: nothing from a polluted Object.prototype.
    let mode: Mode;
    switch (kind.mode) {
      case "ecb": mode = key.ecb(bare({ padding })); break;
      case "cbc": mode = key.cbc(iv!, bare({ padding })); break;
      case "cfb": mode = key.cfb(iv!, bare({ segment: 128 as const })); break;
      case "cfb8": mode = key.cfb(iv!, bare({ segment: 8 as const })); break;
      case "cfb1": mode = key.cfb(iv!, bare({ segment: 1 as const })); break;
      case "ofb": mode = key.ofb(iv!); break;
      case "ctr": mode = key.ctr(iv!, bare({ counterBits: spec.counterBits, maxBlocks: Infinity })); break;
      default: throw new Error(`internal: ${kind.mode} has its own path`); // xts, ocb: runConstructionHere
    }
    // Into a fresh array, then one copy into `output`: as on the workers, `output` may overlap
    // `data` in any way, and a failure (bad pad) leaves it untouched rather than wiped (which
    // would destroy the input where the two overlap).
    result = kind.encrypt ? mode.encrypt(data) : mode.decrypt(data);
    if (!output) return result;
    output.set(result);
    return output.subarray(0, result.length);
  } finally {
    key.dispose();
    spec.key.fill(0);
    if (output) result?.fill(0);
  }
}

/** runHere for XTS (XtsKey, sector by sector with sectorSize) and OCB (OcbMode one-shot). */
function runConstructionHere(spec: JobSpec): Uint8Array {
  const { kind, iv, data, output } = spec;
  let result: Uint8Array | undefined;
  try {
    if (spec.xts) {
      const key = xtsKey(spec.key);
      try {
        const { sectorSize, firstSector } = spec.xts;
        if (!sectorSize) {
          const unit = key.xts(iv!);
          result = kind.encrypt ? unit.encrypt(data) : unit.decrypt(data);
        } else {
          result = new Uint8Array(data.length);
          for (let off = 0, sector = firstSector; off < data.length; off += sectorSize, sector++) {
            const src = data.subarray(off, off + sectorSize);
            const dst = result.subarray(off, off + sectorSize);
            if (kind.encrypt) key.encryptSector(src, sector, dst);
            else key.decryptSector(src, sector, dst);
          }
        }
      } finally {
        key.dispose();
      }
    } else {
      const key = aesKey(spec.key);
      try {
        const { tagLength, aad } = spec.ocb!;
        // tagLength was checked with the caller's allowShortTags already.
        const mode = key.ocb(iv!, bare({ tagLength, aad, allowShortTags: true }));
        result = kind.encrypt ? mode.encrypt(data) : mode.decrypt(data); // DecryptionError: nothing made
      } finally {
        key.dispose();
      }
    }
    if (!output) return result;
    output.set(result);
    return output.subarray(0, result.length);
  } finally {
    spec.key.fill(0);
    spec.ocb?.tail.fill(0);
    if (output) result?.fill(0);
  }
}
