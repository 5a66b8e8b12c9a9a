// A pool worker that works like the real one but also reports every raw key it is handed on a
// BroadcastChannel: the prototype-pollution test shows that no pool ever loads it unasked.
import { parentPort } from "node:worker_threads";
import { serve } from "../../dist/parallel/serve.js";

const spy = new BroadcastChannel("aes-wasm-pool-spy");
const handle = serve({ post: (message, transfer) => parentPort.postMessage(message, transfer ?? []) });
parentPort.on("message", (message) => {
  if (message.type === "init") spy.postMessage({ loaded: true });
  if (message.type === "task") spy.postMessage({ key: Array.from(message.key) });
  handle(message);
});
