// Keys that are never disposed, in one synchronous loop (issue "Safe by default"): 300,000 keys,
// each made, used for one 64-byte AES-128-CTR message and forgotten, in 10 batches. Prints the
// per-key time of every batch and the RSS growth as JSON. Run in its own process (bench/run.mjs
// spawns it) so the RSS is this loop's alone. Target: last batch within 2x of the first, RSS
// growth under 64 MiB.
import { aesKey } from "aes-wasm";

const N = Number(process.argv[2] ?? 300000);
const BATCHES = 10;
const k = new Uint8Array(16), iv = new Uint8Array(16), msg = new Uint8Array(64);
const rss0 = process.memoryUsage().rss;
const usPerKey = [];
for (let b = 0; b < BATCHES; b++) {
  const t0 = performance.now();
  for (let i = 0; i < N / BATCHES; i++) {
    k[0] = i;
    k[1] = i >> 8;
    k[2] = b;
    aesKey(k).ctr(iv).encrypt(msg);
  }
  usPerKey.push(((performance.now() - t0) * 1000) / (N / BATCHES));
}
const rssGrowthMiB = (process.memoryUsage().rss - rss0) / 2 ** 20;
console.log(JSON.stringify({ keys: N, usPerKey, rssGrowthMiB }));
