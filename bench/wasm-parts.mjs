// `node bench/wasm-parts.mjs`: the WASM core as the library runs it (four parts cut from one
// build, scripts/embed.mjs: the CTR core, GF, GHASH and the rest added on its memory) against the
// whole build (build/aes.wasm) in the same run, kernel by kernel over a 64 KiB window. The parts
// keep each kernel's loops inside one module and call the functions they import from another
// (AES rounds, the 8-block kernel, GF products) across instances, so the ratio should be ~1.
// Each number is the median over rounds of the per-round time ratio parts / whole, the two run
// back to back in alternating order. Needs the build (build/aes.wasm, dist/wasm/core-bytes.js).
//   node bench/wasm-parts.mjs [other.wasm]   against another whole build instead (e.g. the last
//                                             release's, before a change of kernels or of asc flags)
import { readFileSync } from "node:fs";

const root = new URL("../", import.meta.url);
const embedded = readFileSync(new URL("dist/wasm/core-bytes.js", root), "utf8");
const part = (name) => new WebAssembly.Module(Buffer.from(new RegExp(`${name} = "([0-9a-f]+)"`).exec(embedded)[1], "hex"));

const whole = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(process.argv[2] ?? new URL("build/aes.wasm", root))), {}).exports;
const ctrCore = new WebAssembly.Instance(part("CTR_CORE_WASM_HEX"), {}).exports;
const onItsMemory = { env: { memory: ctrCore.memory }, core: { ...ctrCore } };
Object.assign(onItsMemory.core, new WebAssembly.Instance(part("GF_WASM_HEX"), onItsMemory).exports);
const parts = {
  ...onItsMemory.core,
  ...new WebAssembly.Instance(part("GHASH_WASM_HEX"), onItsMemory).exports,
  ...new WebAssembly.Instance(part("REST_WASM_HEX"), onItsMemory).exports,
};

const IO = 65536, N = 65536, ROUNDS = 21, CALLS = 40;
/** A key slot, a state slot, a GCM slot and an OCB slot above the heap; key and H from fixed bytes. */
function prepare(x) {
  const key = ((x.heapBase() >>> 0) + 63) & ~63, state = key + 1024, gcm = state + 64;
  const ocb = gcm + x.gcmSlotSize();
  const need = ocb + 65536 - x.memory.buffer.byteLength;
  if (need > 0) x.memory.grow(Math.ceil(need / 65536));
  const m = new Uint8Array(x.memory.buffer);
  for (let i = 0; i < N; i++) m[IO + i] = (i * 7 + 3) & 255;
  m.copyWithin(key, IO, IO + 16);
  x.expandKey(key, key, 16);
  x.ghashSetup(gcm, IO);
  return { key, state, gcm, ocb };
}
const KERNELS = {
  ctr: (x, s) => x.ctr(s.key, s.state, IO, N),
  ghash: (x, s) => x.ghash(s.gcm, s.gcm, IO, N),
  ecbDecrypt: (x, s) => x.ecbDecrypt(s.key, IO, N),
  cbcDecrypt: (x, s) => x.cbcDecrypt(s.key, s.state, IO, N),
  cbcEncrypt: (x, s) => x.cbcEncrypt(s.key, s.state, IO, N),
  xtsEncrypt: (x, s) => x.xtsEncrypt(s.key, s.state, IO, N),
  polyval: (x, s) => x.polyval(s.gcm, s.gcm, IO, N),
  ecbEncrypt: (x, s) => x.ecbEncrypt(s.key, IO, N),
  ocbEncrypt: (x, s) => x.ocbEncrypt(s.key, s.ocb, IO, N),
  cfb8Encrypt: (x, s) => x.cfb8Encrypt(s.key, s.state, IO, 4096),
  // Short calls: 256 single blocks, 128 key expansions, 128 one-call GCM seals of 64 bytes.
  encryptOne: (x, s) => { for (let i = 0; i < 256; i++) x.encryptOne(s.key, IO + (i & 63) * 16, IO + 4096 + (i & 63) * 16); },
  expandKey: (x, s) => { for (let i = 0; i < 128; i++) x.expandKey(s.key, IO + (i & 15) * 32, 32); },
  gcmShortSeal: (x, s) => { for (let i = 0; i < 128; i++) x.gcmShortSeal(s.key, s.gcm, IO, 64, 16, 16); },
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
