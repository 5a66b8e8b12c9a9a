// Cost of NonceSource.next(): memory and file stores, with and without reservation, against
// the alternative it replaces (a random 16-byte IV from crypto.getRandomValues), all in one run.
// Uses the built dist/ (`npm run build` first).  node bench/nonce.bench.mjs [--time ms]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Bench } from "tinybench";
import { NonceSource } from "../dist/nonce/source.js";
import { MemoryNonceStore } from "../dist/nonce/stores.js";
import { FileNonceStore } from "../dist/nonce/file-store.js";

const timeArg = process.argv.indexOf("--time");
const time = timeArg > 0 ? Number(process.argv[timeArg + 1]) : 500;
const dir = mkdtempSync(join(tmpdir(), "aes-nonce-bench-"));

const sources = {
  "memory store, reserve 1": new NonceSource({ store: new MemoryNonceStore(), reserve: 1 }),
  "memory store, reserve 1000": new NonceSource({ store: new MemoryNonceStore(), reserve: 1000 }),
  "file store, reserve 1 (fsync each)": new NonceSource({ store: new FileNonceStore(join(dir, "r1.json")), reserve: 1 }),
  "file store, reserve 1000": new NonceSource({ store: new FileNonceStore(join(dir, "r1000.json")), reserve: 1000 }),
};

const PEER = "random IV (crypto.getRandomValues)";
const bench = new Bench({ time, warmupTime: 100 });
bench.add(PEER, () => crypto.getRandomValues(new Uint8Array(16)));
for (const [name, source] of Object.entries(sources)) bench.add(`next(): ${name}`, () => source.next());

try {
  await bench.run();
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const peer = bench.getTask(PEER).result;
const meanOf = (r) => r.latency?.mean ?? r.mean; // tinybench 6 nests latency stats
const rows = bench.tasks.map((t) => {
  const mean = meanOf(t.result);
  return {
    task: t.name,
    "mean µs": (mean * 1000).toFixed(3),
    "ops/s": Math.round(1000 / mean),
    "× random IV": (mean / meanOf(peer)).toFixed(1),
    samples: t.result.latency?.samplesCount ?? t.result.samples?.length,
  };
});
console.table(rows);
