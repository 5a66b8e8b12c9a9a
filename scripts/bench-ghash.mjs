// GHASH kernel throughput: two (or more) WASM modules that export the GHASH ABI
// (ghashSetup, ghash, gcmSlotSize, heapBase) side by side, in interleaved rounds.
//   node scripts/bench-ghash.mjs [new.wasm] --vs old.wasm [--also a.wasm,b.wasm]
//                                [--rounds 31] [--ms 20] [--gcm full.wasm] [--no-check] [--cpu]
// new.wasm defaults to build/aes.wasm. Each round times, for every module in turn:
//   1 MiB    ghashSetup once, then one ghash call over 1 MiB (repeated for ~--ms ms);
//   64 B     ghashSetup + one ghash call over 64 bytes (what a short GCM message pays).
// Reported: MB/s (median of rounds, and the best round: closest to an unloaded machine) per
// module and the median over rounds of the per-round ratio module / --vs (paired, so drift on a
// shared machine cancels).
// Before timing, every module's ghash is checked against SP 800-38D Algorithm 1 (BigInt).
//
// --gcm full.wasm: also AES-128-GCM encryption of 1 MiB (12-byte IV, 16 bytes of AAD) through
// that module's kernels, the way src/modes/gcm.ts drives them (CTR then GHASH per 64 KiB
// window, copies in and out included), against @noble/ciphers' gcm, paired per round; the tag
// and ciphertext are checked against node:crypto first.
//
// The table-driven GHASH this replaced (Shoup 8-bit tables; the constant-time kernel landed in
// commit 867e3bd, so 867e3bd^ still has the tables) can be rebuilt for --vs with:
//   mkdir -p /tmp/old && git show 867e3bd^:assembly/ghash.ts > /tmp/old/ghash.ts &&
//   git show 867e3bd^:assembly/layout.ts > /tmp/old/layout.ts && (entry: see below) and
//   cd /tmp/old && asc entry.ts --outFile /tmp/ghash-table.wasm --runtime stub --use abort= \
//     --enable simd -O3 --noAssert --memoryBase 131072 --initialMemory 4
// with /tmp/old/entry.ts:
//   import { buildGhashTables } from "./ghash"; import { GCM_SLOT_SIZE } from "./layout";
//   export { ghashSetup, ghash } from "./ghash"; buildGhashTables();
//   export function gcmSlotSize(): usize { return GCM_SLOT_SIZE; }
//   export function heapBase(): usize { return __heap_base; }
// and the new kernel alone from assembly/ghash-standalone.ts (see its header).
// (run asc outside the repository, or it also compiles asconfig.json's entries).
import fs from "node:fs";
import crypto from "node:crypto";

const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(name);
  return i < 0 ? def : args.splice(i, 2)[1];
};
const ROUNDS = +opt("--rounds", 31);
const WINDOW_MS = +opt("--ms", 20);
const VS = opt("--vs", "");
const ALSO = opt("--also", "");
const GCM = opt("--gcm", "");
const noCheck = args.includes("--no-check");
// --cpu: time with the process's CPU time (process.cpuUsage) instead of the wall clock, so time
// the process spends descheduled on a busy shared machine is not counted.
const useCpu = args.includes("--cpu");
const now = useCpu ? () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; } : () => performance.now();
const main = args.find((a) => !a.startsWith("--")) ?? "build/aes.wasm";
const paths = [main, ...(VS ? [VS] : []), ...(ALSO ? ALSO.split(",") : [])];

const MiB = 1 << 20;

async function load(path) {
  const { instance } = await WebAssembly.instantiate(fs.readFileSync(path), {});
  const e = instance.exports;
  const slot = (e.heapBase() + 63) & ~63;
  const h = slot + ((e.gcmSlotSize() + 63) & ~63);
  const io = h + 64;
  const need = io + MiB;
  const have = e.memory.buffer.byteLength;
  if (need > have) e.memory.grow(Math.ceil((need - have) / 65536));
  return { path, e, slot, h, io, mem: () => new Uint8Array(e.memory.buffer) };
}
const mods = await Promise.all(paths.map(load));

// ---- reference: SP 800-38D §6.3 Algorithm 1 on BigInt -----------------------------------
const R = 0xe1n << 120n;
function gfMul(x, y) {
  let z = 0n;
  let v = y;
  for (let i = 127; i >= 0; i--) {
    if ((x >> BigInt(i)) & 1n) z ^= v;
    v = v & 1n ? (v >> 1n) ^ R : v >> 1n;
  }
  return z;
}
const toBig = (b) => BigInt("0x" + (Buffer.from(b).toString("hex") || "0"));
const toBytes = (n) => Buffer.from(n.toString(16).padStart(32, "0"), "hex");
function refGhash(h, y, data) {
  let acc = toBig(y);
  const H = toBig(h);
  for (let i = 0; i < data.length; i += 16) acc = gfMul(acc ^ toBig(data.subarray(i, i + 16)), H);
  return toBytes(acc);
}
function runGhash(x, h, y, chunks) {
  const m = x.mem();
  m.set(h, x.h);
  x.e.ghashSetup(x.slot, x.h);
  m.set(y, x.slot);
  for (const c of chunks) {
    m.set(c, x.io);
    x.e.ghash(x.slot, x.slot, x.io, c.length);
  }
  return Buffer.from(m.slice(x.slot, x.slot + 16));
}
if (!noCheck) {
  for (const x of mods) {
    let bad = 0;
    for (let i = 0; i < 60; i++) {
      const h = i === 0 ? Buffer.alloc(16) : i === 1 ? Buffer.alloc(16, 0xff) : crypto.randomBytes(16);
      const y = crypto.randomBytes(16);
      const d = crypto.randomBytes(16 * [0, 1, 3, 4, 5, 8, 9, 33][i % 8]);
      const cut = 16 * Math.floor((d.length / 16) * Math.random());
      if (!runGhash(x, h, y, [d.subarray(0, cut), d.subarray(cut)]).equals(refGhash(h, y, d))) bad++;
    }
    if (bad) {
      console.error(`${x.path}: ghash differs from Algorithm 1 in ${bad} of 60 cases; not timing it`);
      process.exit(1);
    }
  }
  console.log(`check: ${mods.length} module(s) agree with SP 800-38D Algorithm 1 (60 cases each)`);
}

// ---- timing --------------------------------------------------------------------------------
function time(fn, bytes, ms = WINDOW_MS) {
  let n = 0;
  const t0 = now();
  let t = t0;
  do {
    fn();
    n++;
    t = now();
  } while (t - t0 < ms);
  return (n * bytes) / (t - t0) / 1000; // MB/s
}

const H = crypto.randomBytes(16);
const data = crypto.randomBytes(MiB);
const cases = [];
for (const x of mods) {
  const m = x.mem();
  m.set(data, x.io);
  m.set(H, x.h);
  x.e.ghashSetup(x.slot, x.h);
  cases.push({ mod: x, name: "1 MiB", bytes: MiB, fn: () => x.e.ghash(x.slot, x.slot, x.io, MiB) });
  cases.push({
    mod: x, name: "64 B", bytes: 64,
    fn: () => {
      x.e.ghashSetup(x.slot, x.h);
      x.e.ghash(x.slot, x.slot, x.io, 64);
    },
    // many calls per timing sample: a single 64-byte call is below the timer's resolution
    batch: 1000,
  });
}

// Optional AES-128-GCM through a full module's kernels vs @noble/ciphers.
if (GCM) {
  const { gcm: nobleGcm } = await import("@noble/ciphers/aes.js");
  const { instance } = await WebAssembly.instantiate(fs.readFileSync(GCM), {});
  const k = instance.exports;
  const IO = k.IO.value;
  const room = k.IO_SIZE.value - 16;
  const key = crypto.randomBytes(16);
  const iv = crypto.randomBytes(12);
  const aad = crypto.randomBytes(16);
  const pt = crypto.randomBytes(MiB);
  const base = (k.heapBase() + 63) & ~63;
  const ks = base;
  const st = ks + k.KEY_SLOT_SIZE.value;
  const gs = st + k.STATE_SLOT_SIZE.value;
  const need = gs + k.gcmSlotSize() + 64;
  if (need > k.memory.buffer.byteLength) k.memory.grow(Math.ceil((need - k.memory.buffer.byteLength) / 65536));
  const m = () => new Uint8Array(k.memory.buffer);
  m().set(key, IO);
  k.expandKey(ks, IO, 16);
  const STATE_REG = k.STATE_REG.value;
  const STATE_CTR_MASK = k.STATE_CTR_MASK.value;
  // One GCM encryption as src/modes/gcm.ts does it for a 12-byte IV and 16 bytes of AAD.
  const seal = () => {
    const mem = m();
    const out = new Uint8Array(pt.length + 16);
    mem.fill(0, IO, IO + 16);
    k.encryptOne(ks, IO, IO);
    k.ghashSetup(gs, IO);
    mem.fill(0, gs, gs + 16);
    const j0 = new Uint8Array(16);
    j0.set(iv);
    j0[15] = 1;
    mem.set(j0, IO);
    k.encryptOne(ks, IO, IO);
    const ek0 = mem.slice(IO, IO + 16);
    j0[15] = 2;
    mem.set(j0, st + STATE_REG);
    mem.fill(0, st + STATE_CTR_MASK, st + STATE_CTR_MASK + 12);
    mem.fill(0xff, st + STATE_CTR_MASK + 12, st + STATE_CTR_MASK + 16);
    mem.fill(0, st + k.STATE_POS.value, st + k.STATE_POS.value + 4);
    mem.set(aad, IO);
    k.ghash(gs, gs, IO, 16);
    for (let off = 0; off < pt.length; off += room) {
      const n = Math.min(room, pt.length - off);
      mem.set(pt.subarray(off, off + n), IO);
      k.ctr(ks, st, IO, n);
      k.ghash(gs, gs, IO, n - (n % 16)); // 1 MiB: every window but the last is whole blocks
      out.set(mem.subarray(IO, IO + n), off);
      if (n % 16) throw new Error("bench: window not a multiple of 16");
    }
    const lb = new DataView(new ArrayBuffer(16));
    lb.setBigUint64(0, BigInt(aad.length * 8));
    lb.setBigUint64(8, BigInt(pt.length * 8));
    mem.set(new Uint8Array(lb.buffer), IO);
    k.ghash(gs, gs, IO, 16);
    for (let i = 0; i < 16; i++) out[pt.length + i] = mem[gs + i] ^ ek0[i];
    return out;
  };
  const c = crypto.createCipheriv("aes-128-gcm", key, iv).setAAD(aad);
  const expected = Buffer.concat([c.update(pt), c.final(), c.getAuthTag()]);
  if (!expected.equals(seal())) throw new Error(`${GCM}: AES-128-GCM output differs from node:crypto`);
  if (!expected.equals(nobleGcm(key, iv, aad).encrypt(pt))) throw new Error("noble gcm differs from node:crypto");
  const gx = { path: GCM + " (GCM)" };
  cases.push({ mod: gx, name: "AES-128-GCM 1 MiB", bytes: MiB, fn: seal, gcm: "wasm" });
  cases.push({ mod: { path: "@noble/ciphers gcm" }, name: "AES-128-GCM 1 MiB", bytes: MiB, fn: () => nobleGcm(key, iv, aad).encrypt(pt), gcm: "noble" });
}

const sample = (c, ms) => {
  if (!c.batch) return time(c.fn, c.bytes, ms);
  const f = c.fn;
  const b = c.batch;
  return time(() => { for (let i = 0; i < b; i++) f(); }, c.bytes * b, ms);
};
for (const c of cases) {
  sample(c, 200); // warm-up and tier-up
  c.samples = [];
}
for (let r = 0; r < ROUNDS; r++) {
  const order = cases.map((_, i) => cases[(i + r) % cases.length]);
  for (const c of order) c.samples.push(sample(c, c.gcm ? Math.max(WINDOW_MS, 60) : WINDOW_MS));
}

const median = (a) => {
  const s = [...a].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const f = (x) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));
console.log(`\nGHASH, MB/s: median of ${ROUNDS} interleaved rounds (~${WINDOW_MS} ms ${useCpu ? "CPU time" : "wall clock"} each), Node ${process.version}`);
for (const name of ["1 MiB", "64 B"]) {
  const rows = cases.filter((c) => c.name === name);
  const ref = rows.find((c) => c.mod.path === VS);
  console.log(`\n${name}${name === "64 B" ? " (ghashSetup + one ghash call)" : ""}`);
  for (const c of rows) {
    const ratio = ref && c !== ref ? `  ${median(c.samples.map((s, i) => s / ref.samples[i])).toFixed(2)}x vs ${VS}` : "";
    console.log(`  ${c.mod.path.padEnd(28)} ${f(median(c.samples)).padStart(7)} MB/s (best ${f(Math.max(...c.samples))})${ratio}`);
  }
}
const gw = cases.find((c) => c.gcm === "wasm");
const gn = cases.find((c) => c.gcm === "noble");
if (gw && gn) {
  console.log(`\nAES-128-GCM encrypt 1 MiB (16 B AAD), MB/s`);
  console.log(`  ${GCM} kernels ${f(median(gw.samples))}, @noble/ciphers gcm ${f(median(gn.samples))}: ` +
    `${median(gw.samples.map((s, i) => s / gn.samples[i])).toFixed(2)}x (median of paired ratios)`);
}
