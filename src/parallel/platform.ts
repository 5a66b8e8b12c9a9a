// What the pool needs from the host to run workers: Node's worker_threads (node-platform.ts)
// or browsers' Web Workers (web-platform.ts). Loaded on demand so that neither side's code
// (or a `node:` import) reaches the other.
import type { FromWorker, ToWorker } from "./protocol.js";

export interface WorkerEvents {
  message(message: FromWorker): void;
  /** The worker errored, exited or sent something unreadable: it is gone or unusable. */
  failure(reason: string): void;
}

export interface WorkerHandle {
  post(message: ToWorker, transfer?: ArrayBuffer[]): void;
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
  defaultSize(): number;
  spawn(url: string | URL | undefined, events: WorkerEvents): WorkerHandle;
}

export function isNode(): boolean {
  const p = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof p?.versions?.node === "string";
}

export async function loadPlatform(): Promise<Platform> {
  if (isNode()) return (await import("./node-platform.js")).nodePlatform;
  return (await import("./web-platform.js")).webPlatform;
}
