// Worker entry for Node's worker_threads (the pool points at the compiled dist/parallel/node-worker.js:
// Node 20 cannot start a Worker from a .ts file).
import { parentPort } from "node:worker_threads";
import type { ToWorker } from "./protocol.js";
import { serve } from "./serve.js";

const port = parentPort!;
const handle = serve({ post: (message, transfer) => port.postMessage(message, transfer ?? []) });
port.on("message", (message: ToWorker) => handle(message));
