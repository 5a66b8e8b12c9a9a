// Worker-pool scaling, in one run so every row sees the same machine load:
//   1. AES-128-CTR on 64 MiB: node:crypto, the single-thread path (key.ctr(iv).encrypt), and
//      the pool with 1, 2 and 4 workers. Throughput in MB/s and as a ratio to single-thread.
//   2. The threshold: for sizes from 4 KiB up, the calling-thread time against a 2-worker pool
//      forced to use its workers (threshold 0). Below the crossover, a worker costs more than
//      it saves; DEFAULT_THRESHOLD in src/parallel/split.ts comes from this table.
// Needs dist/ (npm run build). Usage: node bench/parallel.bench.mjs [--quick]
import { randomBytes, createCipheriv } from "node:crypto";
import { availableParallelism } from "node:os";
import { Bench } from "tinybench";
import { aesKey } from "../dist/index.js";
import { createPool } from "../dist/parallel/pool.js";
import { DEFAULT_THRESHOLD } from "../dist/parallel/split.js";

const quick = process.argv.includes("--quick");
const MiB = 1 << 20;
const SIZE = 64 * MiB;
const key = randomBytes(16);
const iv = randomBytes(16);
const data = randomBytes(SIZE);
const mbps = (bytes, ms) => bytes / 1e6 / (ms / 1e3);

console.log(`Node ${process.version}, ${availableParallelism()} logical CPUs, AES-128-CTR\n`);

// ---- 1. scaling on 64 MiB ----
const pools = {};
for (const n of [1, 2, 4]) pools[n] = await createPool({ size: n });

// Rounds interleave the variants (rotating their order), so load from other processes on the
// machine hits every row alike; best-of-rounds is the least disturbed figure, the median the typical.
const ROUNDS = quick ? 2 : 7;
const sharedOut = new Uint8Array(new SharedArrayBuffer(SIZE));
const variants = [
  ["node:crypto", () => {
    const c = createCipheriv("aes-128-ctr", key, iv);
    c.update(data);
    c.final();
  }],
  ["single thread (wasm)", () => {
    const k = aesKey(key);
    k.ctr(iv).encrypt(data);
    k.dispose();
  }],
  ...[1, 2, 4].map((n) => [`pool, ${n} worker${n > 1 ? "s" : ""}`, () => pools[n].encrypt("aes-128-ctr", key, iv, data)]),
  // A SharedArrayBuffer-backed output: the workers' in-place result is returned as is (no copy out).
  ["pool, 2 workers, shared output", () => pools[2].encrypt("aes-128-ctr", key, iv, data, { output: sharedOut })],
];
const samples = new Map(variants.map(([name]) => [name, []]));
for (const [, fn] of variants) await fn(); // warm-up: JIT, worker key caches, page faults
for (let r = 0; r < ROUNDS; r++) {
  const bench = new Bench({ time: 0, iterations: 1, warmup: false });
  for (let i = 0; i < variants.length; i++) {
    const [name, fn] = variants[(i + r) % variants.length];
    bench.add(name, fn);
  }
  await bench.run();
  for (const t of bench.tasks) samples.get(t.name).push(t.result.latency.mean);
}
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const best = (xs) => Math.min(...xs);
const singleBest = best(samples.get("single thread (wasm)"));
const singleMed = median(samples.get("single thread (wasm)"));
console.log(`1. AES-128-CTR, ${SIZE / MiB} MiB per call, ${ROUNDS} interleaved rounds:`);
console.table([...samples].map(([name, xs]) => ({
  task: name,
  "best ms": best(xs).toFixed(0),
  "best MB/s": mbps(SIZE, best(xs)).toFixed(0),
  "× single (best)": (singleBest / best(xs)).toFixed(2),
  "median MB/s": mbps(SIZE, median(xs)).toFixed(0),
  "× single (median)": (singleMed / median(xs)).toFixed(2),
})));
for (const n of [1, 2, 4]) await pools[n].close();

// ---- 2. where a worker starts to pay ----
const pool = await createPool({ size: 2, threshold: 0 });
const sizes = [4, 16, 32, 64, 128, 256, 512, 1024, 2048].map((k) => k * 1024);
const small = new Bench({ time: quick ? 50 : 150, warmupTime: 20 });
for (const n of sizes) {
  const d = data.subarray(0, n);
  small.add(`here ${n}`, () => {
    const k = aesKey(key);
    k.ctr(iv).encrypt(d);
    k.dispose();
  });
  small.add(`pool ${n}`, () => pool.encrypt("aes-128-ctr", key, iv, d));
}
small.add("round trip", () => pool.encrypt("aes-128-ctr", key, iv, data.subarray(0, 16)));
await small.run();
await pool.close();

const med = (name) => small.tasks.find((t) => t.name === name).result.latency.p50;
console.log(`\n2. Calling thread vs 2-worker pool (threshold forced to 0), median µs per call:`);
console.log(`   round trip through a worker (16-byte job): ${(med("round trip") * 1000).toFixed(0)} µs`);
let crossover;
console.table(sizes.map((n) => {
  const here = med(`here ${n}`);
  const there = med(`pool ${n}`);
  if (crossover === undefined && there < here) crossover = n;
  return { KiB: n / 1024, "here µs": (here * 1000).toFixed(0), "pool µs": (there * 1000).toFixed(0), "pool / here": (there / here).toFixed(2) };
}));
console.log(`   first size where the pool wins: ${crossover === undefined ? "none measured" : `${crossover / 1024} KiB`}; ` +
  `DEFAULT_THRESHOLD = ${DEFAULT_THRESHOLD / 1024} KiB`);
