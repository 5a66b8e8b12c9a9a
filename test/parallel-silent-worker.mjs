// A worker for the pool's hang test: it starts like the real one but never answers a task.
import { parentPort } from "node:worker_threads";

parentPort.on("message", (m) => {
  if (m.type === "init") parentPort.postMessage({ type: "ready" });
  if (m.type === "close") parentPort.postMessage({ type: "closed" });
});
