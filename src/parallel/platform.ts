// What the pool needs from the host to run workers: Node's worker_threads (node-platform.ts)
// or browsers' Web Workers (web-platform.ts). Loaded on demand so that neither side's code
// (or a `node:` import) reaches the other.
import type { FromWorker, ToWorker } from "./protocol.js";
import type { URLLike } from "../host-types.js";

export interface WorkerEvents {
  message(message: FromWorker): void;
  /** The worker errored, exited or sent something unreadable: it is gone or unusable. */
  failure(reason: string): void;
}

export interface WorkerHandle {
  post(message: ToWorker, transfer?: ArrayBuffer[]): void;
  /** Ends the worker. See Platform.terminateStops for what the returned promise means. */
  terminate(): Promise<void>;
  /** Node: keep the process alive while this worker has work (no-op in browsers). */
  ref(): void;
  /** Node: let the process exit while this worker is idle (no-op in browsers). */
  unref(): void;
}

export interface Platform {
  readonly name: "node" | "web";
  /** SharedArrayBuffer can be posted to workers here (Node; cross-origin-isolated pages). */
  readonly sharedMemory: boolean;
  /**
   * terminate() resolves only once the worker's thread has stopped, so it cannot write to
   * shared memory any more (Node). Browsers give no such signal: a terminated worker may run
   * on briefly.
   */
  readonly terminateStops: boolean;
  defaultSize(): number;
  spawn(url: string | URLLike | undefined, events: WorkerEvents): WorkerHandle;
  /** The worker script `spawn(url)` loads, for error messages. */
  scriptName(url: string | URLLike | undefined): string;
}

export function isNode(): boolean {
  // Own property only: a polluted Object.prototype.process must not make a page look like Node.
  const p = Object.hasOwn(globalThis, "process")
    ? (globalThis as { process?: { versions?: { node?: string } } }).process
    : undefined;
  return typeof p?.versions?.node === "string";
}

export async function loadPlatform(): Promise<Platform> {
  if (isNode()) return (await import("./node-platform.js")).nodePlatform;
  return (await import("./web-platform.js")).webPlatform;
}
