// Node glue: worker_threads. Workers are unref'd while idle so an idle pool never keeps the
// process alive; the pool refs a worker while it holds a task.
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { bare } from "./own.js";
import type { Platform } from "./platform.js";

const defaultScript = (): URL => new URL("./node-worker.js", import.meta.url);

export const nodePlatform: Platform = {
  name: "node",
  sharedMemory: true,
  terminateStops: true, // worker.terminate() resolves with the exit code, once the thread has stopped
  defaultSize: () => availableParallelism(),
  scriptName: (url) => String(url ?? defaultScript()),
  spawn(url, events) {
    // Null prototype: Node reads eval, env, workerData, argv... from this object, and a
    // polluted Object.prototype must not supply any of them.
    const worker = new Worker(url ?? defaultScript(), bare({ execArgv: workerExecArgv(), eval: false }));
    worker.unref();
    worker.on("message", events.message);
    worker.on("error", (e: Error) => events.failure(`worker error: ${e.message}`));
    worker.on("messageerror", (e: Error) => events.failure(`unreadable message from worker: ${e.message}`));
    worker.on("exit", (code: number) => events.failure(`worker exited (code ${code})`));
    return {
      post: (message, transfer) => worker.postMessage(message, transfer),
      terminate: async () => {
        await worker.terminate();
      },
      ref: () => worker.ref(),
      unref: () => worker.unref(),
    };
  },
};

/**
 * The parent's Node flags minus those about the main entry point: a worker inherits
 * process.execArgv, and e.g. `--input-type` (from `node --input-type=module -e …`) makes
 * Node refuse to start the worker.
 */
function workerExecArgv(): string[] {
  const out: string[] = [];
  const args = process.execArgv;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a.startsWith("--input-type")) continue;
    if (["-e", "--eval", "-p", "--print"].includes(a)) {
      i++; // and its script
      continue;
    }
    if (/^(--eval|--print)=/.test(a)) continue;
    out.push(a);
  }
  return out;
}
