// Browser glue: module Web Workers. SharedArrayBuffer is used only on cross-origin-isolated
// pages (COOP: same-origin + COEP: require-corp); elsewhere pieces are transferred.
import { bare } from "./own.js";
import type { Platform } from "./platform.js";

/** The script a pool without `workerUrl` loads (for messages; `new Worker` below spells it out for bundlers). */
function defaultScript(): string {
  try {
    return String(new URL("./web-worker.js", import.meta.url));
  } catch {
    return "./web-worker.js";
  }
}

export const webPlatform: Platform = {
  name: "web",
  sharedMemory: typeof SharedArrayBuffer === "function" && (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true,
  terminateStops: false, // Worker.terminate() returns at once; the thread may still be running
  defaultSize: () => (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency || 4,
  scriptName: (url) => (url ? String(url) : defaultScript()),
  spawn(url, events) {
    // Written out in full so bundlers (Vite, webpack 5, Parcel) see and emit the worker file:
    // they need a literal options object, so every option WebIDL reads (`type`, `name`,
    // `credentials`, read through the prototype chain) is an own property of it.
    // A caller's URL gets null-prototype options.
    const worker = url
      ? new Worker(url, bare({ type: "module" as const }))
      : new Worker(new URL("./web-worker.js", import.meta.url), { type: "module", name: "aes-wasm", credentials: "same-origin" });
    const script = url ? String(url) : defaultScript();
    worker.onmessage = (e) => events.message(e.data);
    worker.onerror = (e) => {
      e.preventDefault();
      // A module worker that fails to load (404, wrong MIME type, a bundler that did not emit
      // or moved the file) fires an error event with no message at all: say which script.
      events.failure(e.message
        ? `worker error: ${e.message} (worker script ${script})`
        : `worker script ${script} failed to load or crashed (if a bundler moved it, pass its URL as workerUrl)`);
    };
    worker.onmessageerror = () => events.failure("unreadable message from worker");
    return {
      post: (message, transfer) => worker.postMessage(message, transfer ?? []),
      terminate: async () => {
        worker.terminate();
        // Browsers fire no event for a terminated worker: report it as Node's "exit" would.
        events.failure("worker was terminated");
      },
      ref: () => {},
      unref: () => {},
    };
  },
};
