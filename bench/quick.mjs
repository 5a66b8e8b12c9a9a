// The short benchmark `npm start` prints: AES-128-CTR and AES-128-CBC encryption at 64 B and
// 1 MiB against node:crypto and @noble/ciphers, in one run, as MB/s and ratios.
import { LIBS } from "./peers.mjs";
import { throughputCase, messageCase } from "./cases.mjs";
import { sizeLabel } from "./harness.mjs";

export async function quickBench({ log = console.log } = {}) {
  const libs = LIBS.filter((l) => ["aes-wasm", "node:crypto", "@noble/ciphers"].includes(l.name));
  const rows = [];
  for (const mode of ["ctr", "cbc-enc"]) {
    for (const size of [64, 1 << 20]) {
      rows.push(...(await throughputCase(mode, 128, size, { libs, rounds: 3, time: 150 })));
    }
  }
  const message = await messageCase(64, { libs: undefined, rounds: 3, time: 150 });
  log("\nAES-128, single thread, one run (MB/s = 10^6 bytes/s; ratio = aes-wasm / peer throughput)\n");
  log("| mode | size | aes-wasm MB/s | node:crypto MB/s | @noble/ciphers MB/s | vs node | vs noble |");
  log("|---|---:|---:|---:|---:|---:|---:|");
  for (const mode of ["ctr", "cbc-enc"]) {
    for (const size of [64, 1 << 20]) {
      const get = (lib) => rows.find((r) => r.mode === mode && r.size === size && r.lib === lib).mbps;
      const w = get("aes-wasm");
      const n = get("node:crypto");
      const b = get("@noble/ciphers");
      log(`| ${mode === "ctr" ? "CTR" : "CBC encrypt"} | ${sizeLabel(size)} | ${w.toFixed(1)} | ${n.toFixed(1)} | ${b.toFixed(1)} | ${(w / n).toFixed(2)}x | ${(w / b).toFixed(2)}x |`);
    }
  }
  log("\nOne 64-byte AES-128-CTR message, key setup included (createCipheriv().update().final() or the peer's equivalent)\n");
  log("| library | ns per message | relative to aes-wasm |");
  log("|---|---:|---:|");
  const ours = message.find((r) => r.lib === "aes-wasm").nsPerOp;
  for (const r of message) log(`| ${r.lib} | ${Math.round(r.nsPerOp)} | ${(r.nsPerOp / ours).toFixed(2)}x |`);
  return { rows, message };
}
