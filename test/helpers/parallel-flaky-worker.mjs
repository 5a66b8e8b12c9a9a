// A pool worker for the restart tests: the real worker (dist/parallel/serve.js), except that it
// dies during start-up, before answering "ready", while the parent's
// AES_POOL_TEST_DIE_AT_START is "1" when it is spawned (a worker gets a copy of the parent's
// environment at spawn time).
import { parentPort } from "node:worker_threads";
import { serve } from "../../dist/parallel/serve.js";

if (process.env.AES_POOL_TEST_DIE_AT_START === "1") process.exit(3);
const handle = serve({ post: (message, transfer) => parentPort.postMessage(message, transfer ?? []) });
parentPort.on("message", (message) => handle(message));
