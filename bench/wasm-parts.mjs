// `node bench/wasm-parts.mjs`: the WASM core as the library runs it (three parts cut from one
// build, scripts/embed.mjs: the CTR core, GHASH and the rest added on its memory) against the
// whole build (build/aes.wasm) in the same run, kernel by kernel over a 64 KiB window. The parts
// keep each kernel's code and loops inside one module, so the ratio should be 1 (noise aside).
// Each number is the median over rounds of the per-round time ratio parts / whole, the two run
// back to back in alternating order. Needs the build (build/aes.wasm, dist/wasm/core-bytes.js).
import { readFileSync } from "node:fs";

const root = new URL("../", import.meta.url);
const embedded = readFileSync(new URL("dist/wasm/core-bytes.js", root), "utf8");
const part = (name) => new WebAssembly.Module(Buffer.from(new RegExp(`${name} = "([0-9a-f]+)"`).exec(embedded)[1], "hex"));

const whole = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(new URL("build/aes.wasm", root))), {}).exports;
const ctrCore = new WebAssembly.Instance(part("CTR_CORE_WASM_HEX"), {}).exports;
const onItsMemory = { env: { memory: ctrCore.memory }, core: ctrCore };
const parts = {
  ...ctrCore,
  ...new WebAssembly.Instance(part("GHASH_WASM_HEX"), onItsMemory).exports,
  ...new WebAssembly.Instance(part("REST_WASM_HEX"), onItsMemory).exports,
};

const IO = 65536, N = 65536, ROUNDS = 21, CALLS = 40;
/** A key slot, a state slot and a GCM slot above the heap; key and H from fixed bytes. */
function prepare(x) {
  const key = ((x.heapBase() >>> 0) + 63) & ~63, state = key + 1024, gcm = state + 64;
  const need = gcm + x.gcmSlotSize() - x.memory.buffer.byteLength;
  if (need > 0) x.memory.grow(Math.ceil(need / 65536));
  const m = new Uint8Array(x.memory.buffer);
  for (let i = 0; i < N; i++) m[IO + i] = (i * 7 + 3) & 255;
  m.copyWithin(key, IO, IO + 16);
  x.expandKey(key, key, 16);
  x.ghashSetup(gcm, IO);
  return { key, state, gcm };
}
const KERNELS = {
  ctr: (x, s) => x.ctr(s.key, s.state, IO, N),
  ghash: (x, s) => x.ghash(s.gcm, s.gcm, IO, N),
  ecbDecrypt: (x, s) => x.ecbDecrypt(s.key, IO, N),
  cbcDecrypt: (x, s) => x.cbcDecrypt(s.key, s.state, IO, N),
  cbcEncrypt: (x, s) => x.cbcEncrypt(s.key, s.state, IO, N),
  xtsEncrypt: (x, s) => x.xtsEncrypt(s.key, s.state, IO, N),
  polyval: (x, s) => x.polyval(s.gcm, s.gcm, IO, N),
};
const impls = { whole, parts };
const slots = { whole: prepare(whole), parts: prepare(parts) };
const median = (a) => [...a].sort((p, q) => p - q)[a.length >> 1];

console.log("kernel        parts / whole time (median of per-round ratios)");
for (const [name, run] of Object.entries(KERNELS)) {
  const ms = { whole: [], parts: [] };
  for (let r = 0; r < ROUNDS; r++) {
    for (const which of r % 2 ? ["whole", "parts"] : ["parts", "whole"]) {
      const t = performance.now();
      for (let i = 0; i < CALLS; i++) run(impls[which], slots[which]);
      ms[which].push(performance.now() - t);
    }
  }
  console.log(`${name.padEnd(13)} ${median(ms.parts.map((p, i) => p / ms.whole[i])).toFixed(3)}`);
}
