// Worker-pool scaling, in one run so every row sees the same machine load:
//   1. AES-128-CTR on 64 MiB: node:crypto, the single-thread path (key.ctr(iv).encrypt), and
//      the pool with 1, 2 and 4 workers. Throughput in MB/s and as a ratio to single-thread.
//   2. The threshold: for sizes from 4 KiB up, the calling-thread time against a 2-worker pool
//      forced to use its workers (threshold 0). Below the crossover, a worker costs more than
//      it saves; DEFAULT_THRESHOLD in src/parallel/split.ts comes from this table.
//   3. XTS (4 KiB sectors, and one 16 MiB data unit) and OCB3 (seal, open) on 16 MiB: node:crypto,
//      the single-thread path and the pool with 2 and 4 workers, interleaved rounds as in part 1.
// Needs dist/ (npm run build). Usage: node bench/parallel.bench.mjs [--quick]
import { randomBytes, createCipheriv, createDecipheriv } from "node:crypto";
import { availableParallelism } from "node:os";
import { Bench } from "tinybench";
import { aesKey, xtsKey } from "../dist/index.js";
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

// ---- 3. XTS and OCB3 through the pool ----
{
  const CSIZE = 16 * MiB; // also XTS's largest data unit (2^20 blocks)
  const cdata = data.subarray(0, CSIZE);
  const SECTOR = 4096;
  const xKey = randomBytes(32);
  const tweak = randomBytes(16);
  const oKey = randomBytes(16);
  const nonce = randomBytes(12);
  const sectorTweak = (s) => {
    const t = Buffer.alloc(16);
    t.writeUInt32LE(s, 0);
    return t;
  };
  const seal = () => {
    const c = createCipheriv("aes-128-ocb", oKey, nonce, { authTagLength: 16 });
    return Buffer.concat([c.update(cdata), c.final(), c.getAuthTag()]);
  };
  const sealed = seal();
  const cpools = { 2: await createPool({ size: 2 }), 4: await createPool({ size: 4 }) };
  const rows = [
    ["XTS-AES-128, 4 KiB sectors", {
      "node:crypto": () => {
        for (let off = 0, s = 0; off < CSIZE; off += SECTOR, s++) createCipheriv("aes-128-xts", xKey, sectorTweak(s)).update(cdata.subarray(off, off + SECTOR));
      },
      "single thread (wasm)": () => {
        const k = xtsKey(xKey);
        const out = new Uint8Array(CSIZE);
        for (let off = 0, s = 0; off < CSIZE; off += SECTOR, s++) k.encryptSector(cdata.subarray(off, off + SECTOR), s, out.subarray(off, off + SECTOR));
        k.dispose();
      },
      pool: (p) => p.encrypt("aes-128-xts", xKey, null, cdata, { sectorSize: SECTOR }),
    }],
    ["XTS-AES-128, one 16 MiB data unit", {
      "node:crypto": () => createCipheriv("aes-128-xts", xKey, tweak).update(cdata),
      "single thread (wasm)": () => {
        const k = xtsKey(xKey);
        k.xts(tweak).encrypt(cdata);
        k.dispose();
      },
      pool: (p) => p.encrypt("aes-128-xts", xKey, tweak, cdata),
    }],
    ["AES-128-OCB3 seal", {
      "node:crypto": seal,
      "single thread (wasm)": () => {
        const k = aesKey(oKey);
        k.ocb(nonce).encrypt(cdata);
        k.dispose();
      },
      pool: (p) => p.encrypt("aes-128-ocb", oKey, nonce, cdata),
    }],
    ["AES-128-OCB3 open", {
      "node:crypto": () => {
        const d = createDecipheriv("aes-128-ocb", oKey, nonce, { authTagLength: 16 });
        d.setAuthTag(sealed.subarray(CSIZE));
        d.update(sealed.subarray(0, CSIZE));
        d.final();
      },
      "single thread (wasm)": () => {
        const k = aesKey(oKey);
        k.ocb(nonce).decrypt(sealed);
        k.dispose();
      },
      pool: (p) => p.decrypt("aes-128-ocb", oKey, nonce, sealed),
    }],
  ];
  const table = [];
  for (const [construction, fns] of rows) {
    const cvariants = [
      ["node:crypto", fns["node:crypto"]],
      ["single thread (wasm)", fns["single thread (wasm)"]],
      ...[2, 4].map((n) => [`pool, ${n} workers`, () => fns.pool(cpools[n])]),
    ];
    const cs = new Map(cvariants.map(([name]) => [name, []]));
    for (const [, fn] of cvariants) await fn(); // warm-up
    for (let r = 0; r < ROUNDS; r++) {
      const bench = new Bench({ time: 0, iterations: 1, warmup: false });
      for (let i = 0; i < cvariants.length; i++) {
        const [name, fn] = cvariants[(i + r) % cvariants.length];
        bench.add(name, fn);
      }
      await bench.run();
      for (const t of bench.tasks) cs.get(t.name).push(t.result.latency.mean);
    }
    const sBest = best(cs.get("single thread (wasm)"));
    const sMed = median(cs.get("single thread (wasm)"));
    for (const [name, xs] of cs) {
      table.push({
        construction, task: name,
        "best MB/s": mbps(CSIZE, best(xs)).toFixed(0),
        "× single (best)": (sBest / best(xs)).toFixed(2),
        "median MB/s": mbps(CSIZE, median(xs)).toFixed(0),
        "× single (median)": (sMed / median(xs)).toFixed(2),
      });
    }
  }
  for (const n of [2, 4]) await cpools[n].close();
  console.log(`\n3. XTS and OCB3, ${CSIZE / MiB} MiB per call, ${ROUNDS} interleaved rounds:`);
  console.table(table);
}
