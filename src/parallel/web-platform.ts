// Browser glue: module Web Workers. SharedArrayBuffer is used only on cross-origin-isolated
// pages (COOP: same-origin + COEP: require-corp); elsewhere pieces are transferred.
import type { Platform } from "./platform.js";

export const webPlatform: Platform = {
  name: "web",
  sharedMemory: typeof SharedArrayBuffer === "function" && (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true,
  defaultSize: () => (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency || 4,
  spawn(url, events) {
    // Written out in full so bundlers (Vite, webpack 5, Parcel) see and emit the worker file.
    const worker = url
      ? new Worker(url, { type: "module" })
      : new Worker(new URL("./web-worker.js", import.meta.url), { type: "module" });
    worker.onmessage = (e) => events.message(e.data);
    worker.onerror = (e) => {
      e.preventDefault();
      events.failure(`worker error: ${e.message || "failed to load or crashed"}`);
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
