// Old vs new pure-TypeScript fallback core ('js' backend), in one run, at the kernel level:
//   node bench/reference-core.bench.mjs [--old=<git rev>] [--rounds=5]
// "old" is src/reference/ at a git revision (default: the last one with the byte-wise,
// table-driven core, i.e. before src/reference/aes.ts was deleted); "new" is the working tree.
// Both are transpiled with TypeScript's transpileModule into a temporary directory (no build
// needed, nothing in dist/ or build/ is touched) and driven like the host drives a core: data
// copied into the IO window in chunks of IO_SIZE, one kernel call per chunk, copied out.
// Each case alternates old and new for `rounds` rounds and reports the medians; outputs of
// both are checked against node:crypto first.
import { execFileSync } from "node:child_process";
import { createCipheriv, randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import ts from "typescript";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const arg = (name, dflt) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1] ?? dflt;
const git = (...a) => execFileSync("git", a, { cwd: root, encoding: "utf8" });
const deleted = git("log", "-1", "--format=%H", "--diff-filter=D", "--", "src/reference/aes.ts").trim();
const oldRev = arg("old", deleted ? `${deleted}^` : "HEAD");
const ROUNDS = Number(arg("rounds", "5"));

function transpile(dir, files) {
  for (const [rel, src] of files) {
    const js = ts.transpileModule(src, { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext } }).outputText;
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel.replace(/\.ts$/, ".js")), js);
  }
}
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "refcore-bench-"));
const oldFiles = git("ls-tree", "--name-only", oldRev, "src/reference/").trim().split("\n").filter((f) => f.endsWith(".ts"));
transpile(path.join(tmp, "old"), oldFiles.map((f) => [f.slice(4), git("show", `${oldRev}:${f}`)]));
const newDir = path.join(root, "src/reference");
transpile(path.join(tmp, "new"), fs.readdirSync(newDir).filter((f) => f.endsWith(".ts")).map((f) => [`reference/${f}`, fs.readFileSync(path.join(newDir, f), "utf8")]));
const load = async (which) => (await import(pathToFileURL(path.join(tmp, which, "reference/core.js")).href)).createReferenceCore;
const cores = { old: await load("old"), new: await load("new") };
fs.rmSync(tmp, { recursive: true, force: true });

/** A host-like driver for one core: key slot + state slot at heapBase, GCM slot after them. */
function driver(createCore) {
  const core = createCore();
  const k = core.kernels, L = core.layout;
  const slot = k.heapBase(), state = slot + L.KEY_SLOT_SIZE, gcm = state + L.STATE_SLOT_SIZE;
  const need = gcm + k.gcmSlotSize();
  if (need > core.memory.buffer.byteLength) core.memory.grow(Math.ceil((need - core.memory.buffer.byteLength) / 65536));
  const mem = () => new Uint8Array(core.memory.buffer);
  const setKey = (key) => { mem().set(key, slot + L.KEY_ENC); k.expandKey(slot, slot + L.KEY_ENC, key.length); };
  const setState = (iv) => { const m = mem(); m.fill(0, state, state + L.STATE_SLOT_SIZE); m.set(iv, state + L.STATE_REG); m.fill(0xff, state + L.STATE_CTR_MASK, state + L.STATE_CTR_MASK + 16); };
  /** Runs kernel(io, n) over data in IO-window chunks, in place in `out`. */
  const chunks = (data, out, kernel) => {
    for (let at = 0; at < data.length; at += L.IO_SIZE) {
      const piece = data.subarray(at, at + L.IO_SIZE);
      mem().set(piece, L.IO);
      kernel(L.IO, piece.length);
      out.set(mem().subarray(L.IO, L.IO + piece.length), at);
    }
    return out;
  };
  return {
    ctr: (key, iv, data, out) => { setKey(key); setState(iv); return chunks(data, out, (io, n) => k.ctr(slot, state, io, n)); },
    ecb: (key, iv, data, out) => { setKey(key); return chunks(data, out, (io, n) => k.ecbEncrypt(slot, io, n)); },
    cbc: (key, iv, data, out) => { setKey(key); setState(iv); return chunks(data, out, (io, n) => k.cbcEncrypt(slot, state, io, n)); },
    // GCM's bulk work: CTR encryption plus GHASH over the ciphertext (tag and length block left out).
    gcm: (key, iv, data, out) => {
      setKey(key);
      const m = mem();
      m.fill(0, L.IO, L.IO + 16);
      k.encryptOne(slot, L.IO, L.IO);
      m.fill(0, gcm, gcm + 16);
      k.ghashSetup(gcm, L.IO);
      const ctr0 = Uint8Array.from(iv);
      setState(ctr0);
      return chunks(data, out, (io, n) => { k.ctr(slot, state, io, n); k.ghash(gcm, gcm, io, n - (n % 16)); });
    },
  };
}
const drivers = { old: driver(cores.old), new: driver(cores.new) };

function nodeRef(mode, key, iv, data) {
  const c = createCipheriv(`aes-128-${mode}`, key, mode === "ecb" ? null : iv);
  c.setAutoPadding(false);
  return Buffer.concat([c.update(data), c.final()]);
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[s.length >> 1]; };
function time(fn, minMs) {
  let n = 0;
  const t0 = performance.now();
  let t;
  do { fn(); n++; t = performance.now() - t0; } while (t < minMs);
  return t / n; // ms per call
}

const key = randomBytes(16), iv = randomBytes(16);
console.log(`reference core, old = ${oldRev} (${git("log", "-1", "--format=%h %s", oldRev).trim().slice(0, 70)}), new = working tree`);
console.log(`node ${process.version}, ${os.cpus()[0]?.model ?? "?"}; medians of ${ROUNDS} alternating rounds\n`);
console.log("case                      old            new            new/old speed");
for (const [mode, sizes] of [["ctr", [65536, 1 << 20]], ["cbc", [65536, 1 << 20]], ["ecb", [65536, 1 << 20]], ["gcm", [65536, 1 << 20]]]) {
  for (const size of sizes) {
    const data = randomBytes(size), out = new Uint8Array(size);
    if (mode !== "gcm") {
      const want = nodeRef(mode, key, iv, data);
      for (const w of ["old", "new"]) if (Buffer.compare(Buffer.from(drivers[w][mode](key, iv, data, out)), want)) throw new Error(`${w} ${mode} wrong`);
    } else {
      const a = Buffer.from(drivers.old.gcm(key, iv, data, out)), b = Buffer.from(drivers.new.gcm(key, iv, data, out));
      if (Buffer.compare(a, b)) throw new Error("gcm old/new differ");
    }
    const res = { old: [], new: [] };
    for (let r = 0; r < ROUNDS; r++) for (const w of ["old", "new"]) res[w].push(time(() => drivers[w][mode](key, iv, data, out), size > 65536 ? 1500 : 600));
    const mbps = (ms) => (size / 1e6 / (ms / 1e3)).toFixed(2).padStart(7) + " MB/s";
    const o = median(res.old), n = median(res.new);
    console.log(`AES-128-${mode.toUpperCase()} ${String(size >> 10).padStart(5)} KiB  ${mbps(o)}   ${mbps(n)}   ${(o / n).toFixed(2)}x`);
  }
}
// A 64-byte CTR message: key expansion, state setup, one kernel call, copies in and out.
{
  const data = randomBytes(64), out = new Uint8Array(64);
  const res = { old: [], new: [] };
  for (let r = 0; r < ROUNDS; r++) for (const w of ["old", "new"]) res[w].push(time(() => drivers[w].ctr(key, iv, data, out), 400));
  const us = (ms) => (ms * 1e3).toFixed(2).padStart(8) + " us  ";
  const o = median(res.old), n = median(res.new);
  console.log(`64 B CTR message (+key)  ${us(o)}   ${us(n)}   ${(o / n).toFixed(2)}x`);
}
