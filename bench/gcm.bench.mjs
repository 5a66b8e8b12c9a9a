// AES-GCM encryption (ciphertext || 16-byte tag, 12-byte IV, 16 bytes of AAD) at 64 B, 1 KiB
// and 1 MiB: aes-wasm against node:crypto (OpenSSL, AES-NI + PCLMULQDQ: the native ceiling)
// and @noble/ciphers' gcm (pure JS), all in the same interleaved rounds (bench/harness.mjs).
// Every task does its per-message setup (node: createCipheriv; noble: gcm(key, iv); aes-wasm:
// key.gcm(iv) on a key expanded once, and createCipheriv with a fresh key as node does).
// Ratios are ours / peer throughput. Run: npm run build && node bench/gcm.bench.mjs [--quick]
import * as nodeCrypto from "node:crypto";
import * as aes from "aes-wasm";
import { gcm as nobleGcm } from "@noble/ciphers/aes.js";
import { measure, mbps, sizeLabel, randomBytes } from "./harness.mjs";

const quick = process.argv.includes("--quick");
const SIZES = [64, 1024, 1 << 20];
await aes.ready();

function concat(a, b) {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

const rows = [];
for (const bits of [128, 256]) {
  for (const size of SIZES) {
    const key = randomBytes(bits / 8);
    const iv = randomBytes(12);
    const aad = randomBytes(16);
    const pt = randomBytes(size);
    const name = `aes-${bits}-gcm`;
    const nodeSeal = () => {
      const c = nodeCrypto.createCipheriv(name, key, iv).setAAD(aad);
      const ct = c.update(pt);
      c.final();
      return concat(ct, c.getAuthTag());
    };
    const expected = nodeSeal();
    const k = aes.aesKey(key);
    const tasks = [
      { name: "aes-wasm key.gcm", fn: () => k.gcm(iv, { aad }).encrypt(pt), expected },
      {
        name: "aes-wasm createCipheriv", expected, fn: () => {
          const c = aes.createCipheriv(name, key, iv).setAAD(aad);
          const ct = c.update(pt);
          c.final();
          return concat(ct, c.getAuthTag());
        },
      },
      { name: "node:crypto", fn: nodeSeal, expected },
      { name: "@noble/ciphers", fn: () => nobleGcm(key, iv, aad).encrypt(pt), expected },
    ];
    const time = quick ? 60 : size >= 1 << 20 ? 400 : 150;
    const result = await measure(tasks, { rounds: quick ? 3 : 5, time });
    k.dispose();
    const speed = Object.fromEntries([...result].map(([n, r]) => [n, mbps(size, r.ms)]));
    rows.push({ cipher: `AES-${bits}-GCM`, size, speed });
  }
}

const names = Object.keys(rows[0].speed);
const f = (x) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));
console.log(`\nAES-GCM encrypt, MB/s (median of rounds), Node ${process.version}, aes-wasm ${aes.backend()} backend\n`);
console.log(`| cipher | size | ${names.join(" | ")} | key.gcm / noble | key.gcm / node |`);
console.log(`|---|---|${names.map(() => "---:").join("|")}|---:|---:|`);
for (const r of rows) {
  const ours = r.speed["aes-wasm key.gcm"];
  console.log(`| ${r.cipher} | ${sizeLabel(r.size)} | ${names.map((n) => f(r.speed[n])).join(" | ")} | ` +
    `${(ours / r.speed["@noble/ciphers"]).toFixed(2)}× | ${(ours / r.speed["node:crypto"]).toFixed(2)}× |`);
}
