// Worker entry for browsers (a module Web Worker).
import type { ToWorker } from "./protocol.js";
import { serve } from "./serve.js";

interface DedicatedScope {
  postMessage(message: unknown, transfer: Transferable[]): void;
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null;
}

const scope = globalThis as unknown as DedicatedScope;
const handle = serve({ post: (message, transfer) => scope.postMessage(message, transfer ?? []) });
scope.onmessage = (event) => handle(event.data);
