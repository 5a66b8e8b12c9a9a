// dudect-style statistical timing check (Reparaz, Balasch, Verbauwhede, "Dude, is my code
// constant time?", DATE 2017): for each public operation, two input classes — class 0 fixed,
// class 1 random (or, where the decision itself is public, two inputs that differ only in
// WHERE they differ) — are measured in random interleaving, and Welch's t-test asks whether
// the two timing distributions have different means. Measurements are cropped at several
// percentiles (dudect's cropping, against GC pauses and interrupts), and a second-order test
// (squared deviations) looks for a difference in spread. |t| is the evidence:
//   |t| < 4.5        no leak detected (at this many measurements, on this machine)
//   4.5 <= |t| < 10  inconclusive: rerun (noise on a shared machine can reach this)
//   |t| >= 10        leak likely
// Planted leaks (an early-exit comparison, a secret-indexed read from a large table) are
// measured the same way to show that the method detects a leak here at all.
//
// Usage: node bench/ct-timing.mjs [--seconds 60] [--backend wasm|js|all] [--only text]
//                                 [--dist dir] [--json file]
// --only keeps the operations whose name contains one of its comma-separated fragments;
// --dist imports the library from another build directory (default: dist/).
// `npm run ct:timing` builds first. It is a measurement, not a unit test: the verdicts are
// statistical, and on a shared machine a rerun can move |t| by several units.
// See docs/constant-time.md.
import { webcrypto } from "node:crypto";
import { writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

const here = dirname(fileURLToPath(import.meta.url));
const { values: opts } = parseArgs({
  options: {
    seconds: { type: "string", default: "60" },
    backend: { type: "string", default: "wasm" },
    only: { type: "string" },
    dist: { type: "string", default: join(here, "..", "dist") },
    json: { type: "string" },
  },
});
const SECONDS = Number(opts.seconds);
if (!(SECONDS > 0)) throw new Error(`--seconds must be a positive number, got ${opts.seconds}`);
const BACKENDS = opts.backend === "all" ? ["wasm", "js"] : [opts.backend];
for (const b of BACKENDS) if (b !== "wasm" && b !== "js") throw new Error(`--backend must be wasm, js or all, got ${b}`);

// No stack traces: a thrown DecryptionError (bad tag) then costs ~0.1 us instead of several,
// which keeps the GCM bad-tag batches short and their noise low.
Error.stackTraceLimit = 0;

const dist = resolve(opts.dist);
const load = (p) => import(pathToFileURL(join(dist, p)).href);
const lib = await load("index.js");
const { unpaddedLength } = await load("padding.js");
const { fromBase64url } = await load("subtle/jwk.js");
const { aesKey, backend, useBackend, hexToBytes, DecryptionError } = lib;

// ---------------------------------------------------------------------------------------
// Statistics: Welch's t-test with online (Welford) means and variances per class.

class Welch {
  n = [0, 0];
  mean = [0, 0];
  m2 = [0, 0];
  push(cls, x) {
    const n = ++this.n[cls];
    const d = x - this.mean[cls];
    this.mean[cls] += d / n;
    this.m2[cls] += d * (x - this.mean[cls]);
  }
  get t() {
    const [n0, n1] = this.n;
    if (n0 < 2 || n1 < 2) return 0;
    const v0 = this.m2[0] / (n0 - 1);
    const v1 = this.m2[1] / (n1 - 1);
    const den = Math.sqrt(v0 / n0 + v1 / n1);
    return den > 0 ? (this.mean[0] - this.mean[1]) / den : 0;
  }
}

// dudect's crop thresholds: percentile 1 - 0.5^(10 (k+1) / CROPS) of the warm-up measurements.
const CROPS = 20;
const CROP_PERCENTILES = Array.from({ length: CROPS }, (_, k) => 1 - 0.5 ** ((10 * (k + 1)) / CROPS));
const SECOND_ORDER_CROP = 0.9; // the second-order test runs on the measurements below this percentile

class Tests {
  constructor(warmup) {
    const sorted = Float64Array.from(warmup).sort();
    const at = (p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
    this.thresholds = CROP_PERCENTILES.map(at);
    this.secondThreshold = at(SECOND_ORDER_CROP);
    this.uncropped = new Welch();
    this.cropped = this.thresholds.map(() => new Welch());
    this.second = new Welch();
    this.firstForSecond = new Welch(); // running class means for the centring (as dudect)
  }
  push(cls, x) {
    this.uncropped.push(cls, x);
    for (let k = 0; k < this.thresholds.length; k++) if (x < this.thresholds[k]) this.cropped[k].push(cls, x);
    if (x < this.secondThreshold) {
      const f = this.firstForSecond;
      f.push(cls, x);
      if (f.n[0] > 1000 && f.n[1] > 1000) {
        const d = x - f.mean[cls];
        this.second.push(cls, d * d);
      }
    }
  }
  /** The largest |t| of all tests, and which test it came from. */
  max() {
    let best = { t: this.uncropped.t, test: "uncropped" };
    this.cropped.forEach((w, k) => {
      if (w.n[0] > 500 && w.n[1] > 500 && Math.abs(w.t) > Math.abs(best.t)) best = { t: w.t, test: `crop p${(100 * CROP_PERCENTILES[k]).toFixed(1)}` };
    });
    if (Math.abs(this.second.t) > Math.abs(best.t)) best = { t: this.second.t, test: "2nd order" };
    return best;
  }
}

function verdict(t) {
  const a = Math.abs(t);
  if (a < 4.5) return "no leak detected";
  if (a < 10) return "inconclusive, rerun";
  return "LEAK LIKELY";
}

// ---------------------------------------------------------------------------------------
// Inputs. Both classes do the same untimed preparation (random bytes are drawn for both, then
// the fixed or the random value is copied into the same buffer), so the classes differ only
// in the value the timed code sees, not in what ran just before it.

const random = (buf) => webcrypto.getRandomValues(buf);
let seed = random(new Uint32Array(1))[0] | 1;
function coin() {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return seed & 1;
}

const FIXED_KEY = new Uint8Array(32); // class 0: the all-zero key and data (dudect's usual choice)
const ZERO_1K = new Uint8Array(1024);

/** A fixed-vs-random operation on `keyBytes` of key and `dataBytes` of data, run through `call`. */
function keyAndData(name, keyBytes, dataBytes, call) {
  const keyIn = new Uint8Array(keyBytes);
  const data = new Uint8Array(dataBytes);
  const scratchKey = new Uint8Array(keyBytes);
  const scratchData = new Uint8Array(dataBytes);
  let key = null;
  return {
    name,
    setup(cls) {
      random(scratchKey);
      random(scratchData);
      keyIn.set(cls === 0 ? FIXED_KEY.subarray(0, keyBytes) : scratchKey);
      data.set(cls === 0 ? ZERO_1K.subarray(0, dataBytes) : scratchData);
      key = aesKey(keyIn);
    },
    run(n) {
      let sink = 0;
      for (let i = 0; i < n; i++) sink ^= call(key, data)[0];
      return sink;
    },
    teardown() {
      key.dispose();
    },
  };
}

const IV16 = new Uint8Array(16).fill(7);
const IV12 = new Uint8Array(12).fill(9);

function keySetup(bytes) {
  const keyIn = new Uint8Array(bytes);
  const scratch = new Uint8Array(bytes);
  return {
    name: `key setup AES-${bytes * 8} (aesKey + dispose)`,
    setup(cls) {
      random(scratch);
      keyIn.set(cls === 0 ? FIXED_KEY.subarray(0, bytes) : scratch);
    },
    run(n) {
      let sink = 0;
      for (let i = 0; i < n; i++) {
        const k = aesKey(keyIn);
        sink ^= k.bits;
        k.dispose();
      }
      return sink;
    },
    teardown() {},
  };
}

/** GCM decryption of 64 bytes whose tag is wrong in byte 0 (class 0) or byte 15 (class 1). */
function gcmBadTag(name, leakyCompare) {
  const keyBytes = Uint8Array.from({ length: 16 }, (_, i) => i * 17);
  const key = aesKey(keyBytes);
  const good = key.gcm(IV12).encrypt(new Uint8Array(64).fill(0x42));
  const goodTag = good.slice(64);
  key.dispose();
  const msg = new Uint8Array(good.length);
  let k = null;
  return {
    name,
    setup(cls) {
      msg.set(good);
      msg[64 + (cls === 0 ? 0 : 15)] ^= 0x01;
      k = aesKey(keyBytes);
    },
    run(n) {
      let sink = 0;
      for (let i = 0; i < n; i++) {
        try {
          k.gcm(IV12).decrypt(msg);
        } catch (e) {
          if (!(e instanceof DecryptionError)) throw e;
          sink++;
        }
        // the planted variant: also compares the tag the obvious way (stops at the first difference)
        if (leakyCompare && earlyExitEqual(msg.subarray(64), goodTag)) sink++;
      }
      return sink;
    },
    teardown() {
      k.dispose();
    },
  };
}

function earlyExitEqual(a, b) {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** PKCS#7: class 0 one pad byte after 15 zero bytes; class 1 random data with a random valid pad. */
function pkcs7() {
  const block = new Uint8Array(16);
  const scratch = new Uint8Array(16);
  const fixed = new Uint8Array(16);
  fixed[15] = 1;
  return {
    name: "PKCS#7 unpad, valid (pad 1 vs random 1..16)",
    setup(cls) {
      random(scratch);
      const p = (scratch[0] & 15) + 1;
      scratch.fill(p, 16 - p);
      block.set(cls === 0 ? fixed : scratch);
    },
    run(n) {
      let sink = 0;
      for (let i = 0; i < n; i++) sink += unpaddedLength("pkcs7", block);
      return sink;
    },
    teardown() {},
  };
}

/** ISO/IEC 9797-1 M2: class 0 marker at byte 15 after zeros; class 1 random data, marker anywhere. */
function iso() {
  const block = new Uint8Array(16);
  const scratch = new Uint8Array(16);
  const fixed = new Uint8Array(16);
  fixed[15] = 0x80;
  return {
    name: "ISO 9797-1 M2 unpad, valid (marker 15 vs random)",
    setup(cls) {
      random(scratch);
      const m = scratch[0] & 15;
      scratch[m] = 0x80;
      scratch.fill(0, m + 1);
      block.set(cls === 0 ? fixed : scratch);
    },
    run(n) {
      let sink = 0;
      for (let i = 0; i < n; i++) sink += unpaddedLength("iso9797-m2", block);
      return sink;
    },
    teardown() {},
  };
}

/** A 32-byte key as text (hex, base64url), decoded: the all-zero key vs a random key. */
function textKey(name, encoding, decode) {
  const scratch = new Uint8Array(32);
  let text = "";
  return {
    name,
    setup(cls) {
      random(scratch);
      // both classes build a fresh string the same way (no cached or interned string for class 0)
      text = Buffer.from(cls === 0 ? FIXED_KEY : scratch).toString(encoding);
    },
    run(n) {
      let sink = 0;
      for (let i = 0; i < n; i++) sink ^= decode(text)[0];
      return sink;
    },
    teardown() {},
  };
}

// Planted leaks: the method's sanity check.

function plantedEarlyExit() {
  const secret = Uint8Array.from({ length: 16 }, (_, i) => 0x30 + i);
  const guess = new Uint8Array(16);
  return {
    name: "PLANTED: early-exit compare, 16 B (differs at byte 0 vs 15)",
    planted: true,
    setup(cls) {
      guess.set(secret);
      guess[cls === 0 ? 0 : 15] ^= 1;
    },
    run(n) {
      let sink = 0;
      for (let i = 0; i < n; i++) if (earlyExitEqual(guess, secret)) sink++;
      return sink;
    },
    teardown() {},
  };
}

function plantedTable() {
  const table = new Uint32Array(4 << 20); // 16 MiB: far beyond L1/L2, and many pages
  for (let i = 0; i < table.length; i += 1024) table[i] = i;
  // One secret 16-bit index per call (so each call of the batch reads its own line): class 0
  // all zero (the same line every time, always cached), class 1 random (misses).
  const LEN = 1 << 14;
  const secret = new Uint16Array(LEN);
  const scratch = new Uint16Array(LEN);
  return {
    name: "PLANTED: secret-indexed read, 16 MiB table (0 vs random)",
    planted: true,
    setup(cls) {
      random(scratch);
      secret.set(cls === 0 ? ZERO_16K : scratch);
    },
    run(n) {
      let sink = 0;
      for (let i = 0; i < n; i++) sink ^= table[secret[i & (LEN - 1)] * 64]; // lines 256 B apart
      return sink;
    },
    teardown() {},
  };
}
const ZERO_16K = new Uint16Array(1 << 14);

/**
 * A leak of one early-exit 16-byte comparison inside a cheap real operation: ECB, 16 B, always
 * on a WASM key (whatever --backend says), since the point is a small leak in a short call.
 */
function plantedInEcb() {
  const previous = backend();
  useBackend("wasm");
  const key = aesKey(Uint8Array.from({ length: 16 }, (_, i) => i));
  useBackend(previous);
  const secret = Uint8Array.from({ length: 16 }, (_, i) => 0x30 + i);
  const guess = new Uint8Array(16);
  const ecb = key.ecb({ padding: "none" });
  return {
    name: "PLANTED: ECB encrypt 16 B (wasm) + early-exit compare (byte 0 vs 15)",
    planted: true,
    setup(cls) {
      guess.set(secret);
      guess[cls === 0 ? 0 : 15] ^= 1;
    },
    run(n) {
      let sink = 0;
      for (let i = 0; i < n; i++) {
        sink ^= ecb.encrypt(guess)[0];
        if (earlyExitEqual(guess, secret)) sink++;
      }
      return sink;
    },
    teardown() {},
  };
}

function operations() {
  return [
    keySetup(16),
    keySetup(32),
    keyAndData("ECB encrypt 16 B (AES-128)", 16, 16, (k, d) => k.ecb({ padding: "none" }).encrypt(d)),
    keyAndData("ECB decrypt 16 B (AES-128)", 16, 16, (k, d) => k.ecb({ padding: "none" }).decrypt(d)),
    keyAndData("CBC encrypt 16 B (AES-128)", 16, 16, (k, d) => k.cbc(IV16, { padding: "none" }).encrypt(d)),
    keyAndData("CBC decrypt 16 B (AES-128)", 16, 16, (k, d) => k.cbc(IV16, { padding: "none" }).decrypt(d)),
    keyAndData("CTR 64 B (AES-128)", 16, 64, (k, d) => k.ctr(IV16).encrypt(d)),
    keyAndData("CBC encrypt 1 KiB (AES-128)", 16, 1024, (k, d) => k.cbc(IV16, { padding: "none" }).encrypt(d)),
    keyAndData("CBC encrypt 1 KiB (AES-256)", 32, 1024, (k, d) => k.cbc(IV16, { padding: "none" }).encrypt(d)),
    keyAndData("GCM encrypt 64 B (AES-128)", 16, 64, (k, d) => k.gcm(IV12).encrypt(d)),
    keyAndData("GCM encrypt 1 KiB (AES-128)", 16, 1024, (k, d) => k.gcm(IV12).encrypt(d)),
    gcmBadTag("GCM decrypt 64 B, bad tag (byte 0 vs 15 wrong)", false),
    pkcs7(),
    iso(),
    textKey("hex key decode, 64 digits (hexToBytes)", "hex", hexToBytes),
    textKey("base64url JWK k decode, 32 B (fromBase64url)", "base64url", fromBase64url),
    plantedEarlyExit(),
    plantedTable(),
    plantedInEcb(),
    gcmBadTag("PLANTED: GCM decrypt bad tag + early-exit tag compare", true),
  ];
}

// ---------------------------------------------------------------------------------------
// Measurement.

const TARGET_NS = 30_000; // one measurement: a batch of N calls taking about 30 us
const WARMUP = 2000; // at most this many measurements discarded (JIT, caches); their later half sets the crop thresholds

function measureOnce(op, cls, n) {
  op.setup(cls);
  op.run(1); // untimed: the same warm state (lazy key work, caches) for both classes
  const t0 = process.hrtime.bigint();
  op.run(n);
  const t1 = process.hrtime.bigint();
  op.teardown();
  return Number(t1 - t0);
}

function medianBatch(op, n, runs = 21) {
  const ns = [];
  for (let r = 0; r < runs; r++) ns.push(measureOnce(op, r & 1, n));
  return ns.sort((a, b) => a - b)[runs >> 1];
}

/**
 * N such that one batch takes about TARGET_NS (median of both classes): grown from 1 after a
 * warm-up, then re-checked until stable, since tiering up in the JIT can make the calls several
 * times faster after the first estimate.
 */
function calibrate(op, warmMs) {
  const warmUntil = performance.now() + warmMs;
  for (let i = 0; performance.now() < warmUntil || i < 20; i++) measureOnce(op, i & 1, 1);
  let n = 1;
  let median = medianBatch(op, n);
  while (median < TARGET_NS * 0.7 && n < 1 << 20) {
    n = Math.max(n + 1, Math.min(n * 8, Math.round((n * TARGET_NS) / Math.max(median, 1))));
    median = medianBatch(op, n);
  }
  for (let k = 0; k < 4; k++) {
    median = medianBatch(op, n, 51);
    const next = Math.max(1, Math.round((n * TARGET_NS) / Math.max(median, 1)));
    if (next >= n / 1.5 && next <= n * 1.5) break;
    n = next;
  }
  return { n, ns: median };
}

/**
 * One operation within its time budget: 10 % (at most 200 ms) warming up and calibrating N,
 * up to 15 % for the discarded warm-up measurements that set the crop thresholds, the rest
 * measuring (at least 200 measurements, so a very slow operation can overrun a little).
 */
function runOp(op, seconds) {
  const budget = seconds * 1000;
  const start = performance.now();
  const deadline = start + budget;
  const { n, ns: calNs } = calibrate(op, Math.min(200, budget * 0.1));
  if (process.env.CT_DEBUG) console.error(`${op.name}: N=${n}, calibrated batch ${calNs} ns`);
  const warm = [];
  const warmUntil = performance.now() + budget * 0.15;
  while (warm.length < 100 || (warm.length < WARMUP && performance.now() < warmUntil)) warm.push(measureOnce(op, coin(), n));
  const tests = new Tests(warm.slice(warm.length >> 1));
  let count = 0;
  let sumNs = 0;
  while (performance.now() < deadline || count < 200) {
    for (let i = 0; i < 8; i++) {
      const cls = coin();
      const ns = measureOnce(op, cls, n);
      tests.push(cls, ns);
      sumNs += ns;
      count++;
    }
  }
  const best = tests.max();
  return { n, count, nsPerCall: sumNs / count / n, maxT: best.t, test: best.test, verdict: verdict(best.t) };
}

const results = [];
const only = opts.only ? opts.only.toLowerCase().split(",") : null; // comma-separated name fragments
const ops = operations().filter((op) => !only || only.some((w) => op.name.toLowerCase().includes(w)));
const perOp = SECONDS / (ops.length * BACKENDS.length);
const started = performance.now();
console.log(`dudect-style timing check: ${ops.length} operations x ${BACKENDS.join(", ")}, ~${perOp.toFixed(1)} s each (${SECONDS} s total), library from ${dist}`);
console.log(`Node ${process.version}; |t| < 4.5 no leak detected, 4.5..10 inconclusive (rerun), > 10 leak likely\n`);
const header = ["backend", "operation", "N/batch", "ns/call", "measurements", "max |t|", "from test", "verdict"];
console.log(header.join(" | "));
for (const backend of BACKENDS) {
  useBackend(backend);
  for (const op of ops) {
    // planted leaks do not depend on --backend: run them once, under the first backend
    if (op.planted && backend !== BACKENDS[0]) continue;
    const r = runOp(op, perOp);
    const row = { backend: op.planted ? "-" : backend, operation: op.name, ...r };
    results.push(row);
    console.log([row.backend, op.name, r.n, r.nsPerCall.toFixed(1), r.count, Math.abs(r.maxT).toFixed(2), r.test, r.verdict].join(" | "));
  }
}
const elapsed = (performance.now() - started) / 1000;
console.log(`\n${elapsed.toFixed(1)} s`);
if (opts.json) writeFileSync(opts.json, JSON.stringify({ node: process.version, seconds: SECONDS, elapsed, dist, results }, null, 2) + "\n");
