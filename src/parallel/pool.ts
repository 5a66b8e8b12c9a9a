// The worker pool: createPool({ size }) → encrypt/decrypt(name, key, iv, data, options).
// A job is checked here, then either run on the calling thread (small jobs: a worker round
// trip costs more) or cut into 16-byte-aligned pieces (split.ts) that idle workers take from
// one queue. Output is byte-identical to node:crypto whatever the cut, because each piece is
// given the exact register it would have in a single-threaded run: the counter block
// iv + start/16 (CTR, under the counterBits rule), the ciphertext block before it (CBC/CFB
// decryption), or nothing (ECB).
//
// Data paths: with SharedArrayBuffer (Node always; cross-origin-isolated pages) each piece is
// copied into shared memory just before it is posted, the worker processes it in place, and it
// is copied out as soon as it is done (not at all with a shared `output`), so the calling
// thread's copies overlap the workers' work. Otherwise each piece is copied into its own
// ArrayBuffer, transferred to a worker and back (no structured-clone copies), and copied into
// the result.
import { asBytes } from "../bytes.js";
import { addToCounter, checkCounterBits, counterSpace } from "../counter.js";
import { CounterExhaustedError, DataLengthError, DecryptionError, IvLengthError, KeyLengthError, StateError } from "../errors.js";
import type { CipherName } from "../facade.js";
import { aesKey } from "../key.js";
import type { Mode } from "../modes/base.js";
import { padBlock, unpaddedLength } from "../padding.js";
import { wasmModule } from "../wasm/backend.js";
import { jobKind, type JobKind } from "./ops.js";
import { PoolClosedError, WorkerCrashedError, WorkerTimeoutError } from "./errors.js";
import { loadPlatform, type Platform, type WorkerHandle } from "./platform.js";
import type { FromWorker, ToWorker } from "./protocol.js";
import { DEFAULT_THRESHOLD, splitRanges, worthAWorker, type SplitOptions } from "./split.js";

export { canSplit, type Direction } from "./ops.js";

export interface PoolOptions {
  /** Number of workers. Default: the number of logical CPUs. */
  size?: number;
  /** Jobs shorter than this many bytes run on the calling thread. Default: DEFAULT_THRESHOLD. */
  threshold?: number;
  /** 'shared' (SharedArrayBuffer) or 'transfer' (moved ArrayBuffers). Default: shared where possible. */
  transport?: "shared" | "transfer";
  /**
   * A worker whose task runs this long past a deliberately slow estimate (1 MB/s) is taken
   * as hung: its job rejects with WorkerTimeoutError and the worker is replaced. Default 10 s.
   */
  stallTimeoutMs?: number;
  /** Where the worker script is, if not next to this file (custom bundling, CDN). */
  workerUrl?: string | URL;
  /** Piece sizing (tests and benchmarks). */
  split?: SplitOptions;
}

export interface JobOptions {
  /** ECB/CBC: PKCS#7 padding (default true). With false, data must be whole blocks. */
  padding?: boolean;
  /** CTR: how many low bits of the counter block advance (WebCrypto's `length`). Default 128. */
  counterBits?: number;
  /** Cancels the job: it rejects with signal.reason; pieces already running are discarded. */
  signal?: AbortSignal;
  /**
   * Where to put the result (at least the output length). A view of a SharedArrayBuffer lets
   * workers write the result in place, saving the final copy.
   */
  output?: Uint8Array;
}

export interface WorkerPool {
  /** Live workers. */
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
 */
export async function createPool(options: PoolOptions = {}): Promise<WorkerPool> {
  const platform = await loadPlatform();
  const pool = new Pool(platform, options);
  try {
    await pool.started;
  } catch (e) {
    await pool.close();
    throw e;
  }
  return pool;
}

/** Worker pool internals for tests (not exported from the package root). */
export function poolInternals(pool: WorkerPool): { workers: WorkerHandle[]; spawned: number } {
  const p = pool as Pool;
  return { workers: p.slots.map((s) => s.handle), spawned: p.spawned };
}

/** At most this many tasks sit at one worker, so it starts the next without a round trip. */
const IN_FLIGHT_PER_WORKER = 2;
/** Largest shared buffer kept between jobs (its memory stays allocated while the pool lives). */
const MAX_SCRATCH = 64 << 20;
/** Starting a worker (loading its script, instantiating the core) may take this long on a busy machine. */
const START_TIMEOUT_MS = 30_000;
/** The deliberately slow rate (bytes per millisecond) a task's deadline is computed from. */
const SLOW_BYTES_PER_MS = 1000;

interface Task {
  id: number;
  job: Job;
  start: number;
  end: number;
  state: Uint8Array | null;
}

interface Slot {
  handle: WorkerHandle;
  tasks: Task[];
  ready: boolean;
  dead: boolean;
  /** Resolves close(): the worker has wiped its keys. */
  closing?: () => void;
  /** Rejects the worker's start (createPool) if it fails before "ready". */
  startFailed?: (e: Error) => void;
  timer?: ReturnType<typeof setTimeout>;
}

class Pool implements WorkerPool {
  readonly transport: "shared" | "transfer";
  readonly threshold: number;
  readonly started: Promise<void>;
  readonly slots: Slot[] = [];
  spawned = 0;
  private readonly module: WebAssembly.Module;
  private readonly queue: Task[] = [];
  private nextId = 1;
  private closed: Promise<void> | undefined;
  private readonly stallMs: number;
  /** One shared buffer kept from the last job, so the next does not page in fresh memory. */
  private scratch: SharedArrayBuffer | undefined;

  constructor(private readonly platform: Platform, private readonly options: PoolOptions) {
    const size = options.size ?? platform.defaultSize();
    if (!Number.isInteger(size) || size < 1 || size > 256) {
      throw new StateError(`pool size must be an integer from 1 to 256, got ${String(size)}`);
    }
    const threshold = options.threshold ?? DEFAULT_THRESHOLD;
    if (!(threshold >= 0)) throw new StateError(`threshold must be a non-negative number, got ${String(threshold)}`);
    this.threshold = threshold;
    const transport = options.transport ?? (platform.sharedMemory ? "shared" : "transfer");
    if (transport !== "shared" && transport !== "transfer") throw new StateError(`unknown transport ${String(transport)}`);
    if (transport === "shared" && !platform.sharedMemory) {
      throw new StateError("SharedArrayBuffer cannot be shared with workers here (the page is not cross-origin isolated)");
    }
    this.transport = transport;
    this.stallMs = options.stallTimeoutMs ?? 10_000;
    this.module = wasmModule(); // BackendError if WebAssembly is unavailable
    const ready: Promise<void>[] = [];
    for (let i = 0; i < size; i++) ready.push(this.spawn(i));
    this.started = Promise.all(ready).then(() => {});
  }

  get size(): number {
    return this.slots.filter((s) => !s.dead).length;
  }

  encrypt(name: string, key: Uint8Array, iv: Uint8Array | null, data: Uint8Array, options?: JobOptions): Promise<Uint8Array> {
    return this.job(name, true, key, iv, data, options ?? {});
  }

  decrypt(name: string, key: Uint8Array, iv: Uint8Array | null, data: Uint8Array, options?: JobOptions): Promise<Uint8Array> {
    return this.job(name, false, key, iv, data, options ?? {});
  }

  close(): Promise<void> {
    return (this.closed ??= this.shutdown());
  }

  // ---- jobs ----

  private async job(name: string, encrypt: boolean, keyIn: Uint8Array, ivIn: Uint8Array | null,
    dataIn: Uint8Array, options: JobOptions): Promise<Uint8Array> {
    if (this.closed) throw new PoolClosedError();
    options.signal?.throwIfAborted();
    const spec = checkJob(jobKind(name, encrypt), keyIn, ivIn, dataIn, options);
    if (spec.length === 0 || !worthAWorker(spec.data.length, this.threshold)) return runHere(spec);
    return new Promise<Uint8Array>((resolve, reject) => new Job(this, spec, resolve, reject));
  }

  /** Queues a job's pieces (Job calls this once it has laid out its buffers). */
  enqueue(tasks: Task[]): void {
    this.queue.push(...tasks);
    this.dispatch();
  }

  /** Drops a failed job's pieces that have not started. */
  dequeue(job: Job): void {
    for (let i = this.queue.length - 1; i >= 0; i--) if (this.queue[i].job === job) this.queue.splice(i, 1);
  }

  private dispatch(): void {
    while (this.queue.length) {
      let best: Slot | undefined;
      for (const s of this.slots) {
        if (s.dead || s.closing || s.tasks.length >= IN_FLIGHT_PER_WORKER) continue;
        if (!best || s.tasks.length < best.tasks.length) best = s;
      }
      if (!best) {
        if (!this.slots.some((s) => !s.dead)) {
          for (const t of this.queue.splice(0)) t.job.fail(new WorkerCrashedError("no workers left in the pool"));
        }
        return;
      }
      const task = this.queue.shift()!;
      if (task.job.settled) continue;
      this.send(best, task);
    }
  }

  private send(slot: Slot, task: Task): void {
    const { job } = task;
    const length = task.end - task.start;
    let buffer: SharedArrayBuffer | ArrayBuffer;
    let offset: number;
    const transfer: ArrayBuffer[] = [];
    if (job.shared) {
      job.copyInput(task.start, task.end, job.shared.subarray(task.start, task.end));
      buffer = job.shared.buffer as SharedArrayBuffer;
      offset = job.shared.byteOffset + task.start;
    } else {
      const piece = new Uint8Array(length);
      job.copyInput(task.start, task.end, piece);
      buffer = piece.buffer;
      offset = 0;
      transfer.push(piece.buffer);
    }
    const message: ToWorker = {
      type: "task", id: task.id, op: job.spec.kind.op, key: job.spec.key, state: task.state,
      counterBits: job.spec.counterBits, buffer, offset, length,
    };
    if (slot.tasks.length === 0) slot.handle.ref();
    slot.tasks.push(task);
    if (slot.tasks.length === 1) this.arm(slot);
    try {
      slot.handle.post(message, transfer);
    } catch (e) {
      this.lost(slot, new WorkerCrashedError(`could not post to worker: ${(e as Error).message}`));
    }
  }

  /** A shared buffer of at least `length` bytes: the kept one if it fits and is free. */
  takeShared(length: number): Uint8Array {
    const kept = this.scratch;
    if (kept && kept.byteLength >= length) {
      this.scratch = undefined;
      return new Uint8Array(kept, 0, length);
    }
    return new Uint8Array(new SharedArrayBuffer(length));
  }

  /** Keeps a job's shared buffer for the next job (only once no worker can still write to it). */
  giveBackShared(buffer: SharedArrayBuffer): void {
    if (this.closed || buffer.byteLength > MAX_SCRATCH) return;
    if (!this.scratch || buffer.byteLength > this.scratch.byteLength) this.scratch = buffer;
  }

  newTaskId(): number {
    return this.nextId++;
  }

  splitOptions(): SplitOptions | undefined {
    return this.options.split;
  }

  /** Starts the watchdog for the task at the head of a worker's queue. */
  private arm(slot: Slot): void {
    clearTimeout(slot.timer);
    const head = slot.tasks[0];
    if (!head) return;
    const expected = ((head.end - head.start) * head.job.spec.kind.cost) / SLOW_BYTES_PER_MS;
    const ms = this.stallMs + expected;
    slot.timer = setTimeout(() => {
      this.lost(slot, new WorkerTimeoutError(`a worker did not answer within ${Math.round(ms)} ms; it was replaced`));
    }, ms);
    (slot.timer as { unref?: () => void }).unref?.();
  }

  // ---- workers ----

  private spawn(index: number): Promise<void> {
    this.spawned++;
    let settle!: { resolve: () => void; reject: (e: Error) => void };
    const started = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
    const slot: Slot = {
      handle: undefined as unknown as WorkerHandle,
      tasks: [],
      ready: false,
      dead: false,
    };
    const startMs = Math.max(this.stallMs, START_TIMEOUT_MS);
    const startTimer = setTimeout(() => {
      this.lost(slot, new WorkerTimeoutError(`a worker did not start within ${startMs} ms`));
    }, startMs);
    (startTimer as { unref?: () => void }).unref?.();
    slot.handle = this.platform.spawn(this.options.workerUrl, {
      message: (m: FromWorker) => {
        if (m.type === "ready") {
          clearTimeout(startTimer);
          slot.ready = true;
          slot.startFailed = undefined;
          if (slot.tasks.length === 0) slot.handle.unref();
          settle.resolve();
        } else if (m.type === "init-failed") {
          this.lost(slot, new WorkerCrashedError(`worker could not start the core: ${m.message}`));
        } else if (m.type === "closed") {
          slot.closing?.();
        } else {
          this.answered(slot, m);
        }
      },
      failure: (reason) => this.lost(slot, new WorkerCrashedError(`${reason} while it held part of a job`)),
    });
    // Keep the process alive until the worker has started (createPool awaits it).
    slot.handle.ref();
    this.slots[index] = slot;
    slot.startFailed = (e) => {
      clearTimeout(startTimer);
      settle.reject(e);
    };
    slot.handle.post({ type: "init", module: this.module });
    return started;
  }

  private answered(slot: Slot, m: FromWorker & { id: number }): void {
    if (slot.dead) return;
    const i = slot.tasks.findIndex((t) => t.id === m.id);
    if (i < 0) return;
    const [task] = slot.tasks.splice(i, 1);
    this.arm(slot); // the next task at this worker starts now
    if (slot.tasks.length === 0) slot.handle.unref();
    if (m.type === "failed") task.job.fail(new WorkerCrashedError(`worker failed: ${m.message}`));
    else if (m.type === "done") task.job.pieceDone(task, m.buffer);
    this.dispatch();
  }

  /** A worker is gone or unusable: fail what it held, replace it, carry on. */
  private lost(slot: Slot, error: Error): void {
    if (slot.dead) return;
    slot.dead = true;
    clearTimeout(slot.timer);
    slot.startFailed?.(error);
    for (const t of slot.tasks.splice(0)) t.job.fail(error);
    slot.handle.terminate().catch(() => {});
    if (!this.closed && slot.ready) {
      const index = this.slots.indexOf(slot);
      // The replacement's own start failure just leaves the pool one worker smaller.
      this.spawn(index).catch(() => {});
    }
    this.dispatch();
  }

  private async shutdown(): Promise<void> {
    this.scratch = undefined;
    for (const t of this.queue.splice(0)) t.job.fail(new PoolClosedError());
    await Promise.all(this.slots.map(async (slot) => {
      if (slot.dead) return;
      for (const t of slot.tasks.splice(0)) t.job.fail(new PoolClosedError());
      clearTimeout(slot.timer);
      if (slot.ready) {
        // Let the worker wipe its key schedules, but do not wait long for a busy one.
        slot.handle.ref(); // close() is awaited: the process must not exit under it
        await new Promise<void>((resolve) => {
          slot.closing = resolve;
          const t = setTimeout(resolve, 1000);
          (t as { unref?: () => void }).unref?.();
          try {
            slot.handle.post({ type: "close" });
          } catch {
            resolve();
          }
        });
      }
      slot.dead = true;
      slot.startFailed?.(new PoolClosedError());
      await slot.handle.terminate().catch(() => {});
    }));
  }
}

// ---- one job ----

interface JobSpec {
  kind: JobKind;
  key: Uint8Array;
  iv: Uint8Array | null;
  data: Uint8Array;
  /** ECB/CBC with padding. */
  padded: boolean;
  counterBits: number;
  options: JobOptions;
  /** Bytes the workers process: data, plus the pad block when encrypting with padding. */
  length: number;
  /** The last, padded block when encrypting ECB/CBC with padding (else empty). */
  tail: Uint8Array;
  /** Where `tail` starts. */
  body: number;
}

class Job {
  settled = false;
  /** Shared mode: the buffer workers process in place. */
  readonly shared: Uint8Array | undefined;
  /** Where pieces are copied when done; none when the workers write into a shared `output`. */
  private readonly result: Uint8Array | undefined;
  private ownsShared = false;
  private left: number;
  private readonly onAbort: (() => void) | undefined;

  constructor(private readonly pool: Pool, readonly spec: JobSpec,
    private readonly resolve: (r: Uint8Array) => void, private readonly reject: (e: unknown) => void) {
    const { kind, length, options } = spec;
    const out = options.output;
    if (pool.transport === "shared") {
      if (out && typeof SharedArrayBuffer === "function" && out.buffer instanceof SharedArrayBuffer) {
        this.shared = out.subarray(0, length);
      } else {
        this.shared = pool.takeShared(length);
        this.ownsShared = true;
        this.result = out ?? new Uint8Array(length);
      }
    } else {
      this.result = out ?? new Uint8Array(length);
    }
    const ranges = kind.splittable ? splitRanges(length, pool.size, pool.splitOptions()) : [{ start: 0, end: length }];
    const tasks: Task[] = ranges.map(({ start, end }) => ({
      id: pool.newTaskId(), job: this, start, end, state: registerFor(spec, start),
    }));
    this.left = tasks.length; // > 0: empty jobs run on the calling thread
    if (options.signal) {
      const signal = options.signal;
      this.onAbort = () => this.fail(signal.reason);
      signal.addEventListener("abort", this.onAbort, { once: true });
    }
    pool.enqueue(tasks);
  }

  /** Copies bytes [start, end) of the workers' input (data, then the pad block) into `dst`. */
  copyInput(start: number, end: number, dst: Uint8Array): void {
    const { data, tail, body } = this.spec;
    const fromData = Math.min(end, body);
    if (start < fromData) dst.set(data.subarray(start, fromData));
    if (end > body) dst.set(tail.subarray(Math.max(0, start - body), end - body), Math.max(0, body - start));
  }

  pieceDone(task: Task, buffer: ArrayBuffer | undefined): void {
    if (this.settled) return;
    if (buffer) this.result!.set(new Uint8Array(buffer), task.start);
    else if (this.result) this.result.set(this.shared!.subarray(task.start, task.end), task.start);
    if (--this.left === 0) this.finish();
  }

  fail(error: unknown): void {
    if (this.settled) return;
    this.settle();
    this.pool.dequeue(this);
    this.reject(error);
  }

  private settle(): void {
    this.settled = true;
    this.spec.key.fill(0); // the pool's copy of the raw key
    if (this.onAbort) this.spec.options.signal?.removeEventListener("abort", this.onAbort);
  }

  private finish(): void {
    const { spec } = this;
    let out = (this.result ?? this.shared!).subarray(0, spec.length);
    if (spec.padded && !spec.kind.encrypt) {
      const n = unpaddedLength("pkcs7", out.subarray(out.length - 16));
      if (n < 0) {
        out.fill(0); // a bad pad releases nothing
        this.shared?.fill(0);
        this.fail(new DecryptionError());
        return;
      }
      out = out.subarray(0, out.length - 16 + n);
    }
    this.settle();
    // Every piece has come back, so no worker writes to the shared buffer any more.
    if (this.ownsShared) this.pool.giveBackShared(this.shared!.buffer as SharedArrayBuffer);
    this.resolve(out);
  }
}

/** The register a piece starting at byte `start` begins with. */
function registerFor(spec: JobSpec, start: number): Uint8Array | null {
  const { kind, iv, data } = spec;
  if (kind.mode === "ecb") return null;
  if (start === 0) return iv!.slice();
  if (kind.mode === "ctr") return addToCounter(iv!, BigInt(start / 16), spec.counterBits);
  if (kind.chained) return data.slice(start - 16, start);
  throw new Error(`internal: ${kind.op} cannot start at ${start}`);
}

/** Validates a job the way the facade and modes would, before any work is queued. */
function checkJob(kind: JobKind, keyIn: Uint8Array, ivIn: Uint8Array | null, dataIn: Uint8Array, options: JobOptions): JobSpec {
  const { bits, mode } = kind;
  const key = new Uint8Array(asBytes(keyIn, "key"));
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
  if (options.output !== undefined) asBytes(options.output, "output");
  if (options.padding !== undefined && typeof options.padding !== "boolean") {
    throw new StateError(`padding must be true or false, got ${String(options.padding)}`);
  }
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
  if (options.output !== undefined && options.output.length < length) {
    throw new DataLengthError(`output has room for ${options.output.length} bytes, needs ${length}`);
  }
  return { kind, key, iv, data, padded, counterBits, options, length, tail, body };
}

/** Runs a job on the calling thread with the ordinary mode objects. */
function runHere(spec: JobSpec): Uint8Array {
  const { kind, iv, data, options } = spec;
  const key = aesKey(spec.key);
  try {
    const padding = spec.padded ? "pkcs7" : "none";
    let mode: Mode;
    switch (kind.mode) {
      case "ecb": mode = key.ecb({ padding }); break;
      case "cbc": mode = key.cbc(iv!, { padding }); break;
      case "cfb": mode = key.cfb(iv!); break;
      case "cfb8": mode = key.cfb(iv!, { segment: 8 }); break;
      case "cfb1": mode = key.cfb(iv!, { segment: 1 }); break;
      case "ofb": mode = key.ofb(iv!); break;
      case "ctr": mode = key.ctr(iv!, { counterBits: spec.counterBits }); break;
    }
    return kind.encrypt ? mode.encrypt(data, options.output) : mode.decrypt(data, options.output);
  } finally {
    key.dispose();
    spec.key.fill(0);
  }
}
