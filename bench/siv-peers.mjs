// AES-CMAC and AES-SIV, this library against @noble/ciphers, as four small functions for a bench
// row (each does the whole job through the library's public API, key setup included, and
// returns the output bytes):
//   cmacNoble(key, data) / cmacOurs(key, data)        → the 16-byte tag (key: 16/24/32 bytes)
//   sivNoble(key, data, ad) / sivOurs(key, data, ad)  → V || C (key: 32/48/64 bytes; ad: a list
//                                                       of components, default none)
// `node bench/siv-peers.mjs` checks the four against each other and times 1 MiB once (AES-128
// and AES-256 keys), after `npm run build:ts` (it imports the package, i.e. dist/).
import { cmac as nobleCmac, aessiv as nobleAesSiv } from "@noble/ciphers/aes.js";
import * as aes from "aes-wasm";

export function cmacNoble(key, data) {
  return nobleCmac(data, key);
}

export function cmacOurs(key, data) {
  const k = aes.aesKey(key);
  try {
    return k.cmac().update(data).digest();
  } finally {
    k.dispose();
  }
}

export function sivNoble(key, data, ad = []) {
  return nobleAesSiv(key, ...ad).encrypt(data);
}

export function sivOurs(key, data, ad = []) {
  const k = aes.sivKey(key);
  try {
    return k.encrypt(data, ad);
  } finally {
    k.dispose();
  }
}

/** Median ms of `rounds` runs of fn, after a warm-up. */
function time(fn, rounds = 15) {
  for (let i = 0; i < 3; i++) fn();
  const t = [];
  for (let i = 0; i < rounds; i++) {
    const s = performance.now();
    fn();
    t.push(performance.now() - s);
  }
  return t.sort((a, b) => a - b)[rounds >> 1];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { randomBytes } = await import("node:crypto");
  const data = new Uint8Array(randomBytes(1 << 20));
  const same = (a, b) => Buffer.from(a).equals(Buffer.from(b));
  for (const bits of [128, 256]) {
    const k = new Uint8Array(randomBytes(bits / 8));
    const sk = new Uint8Array(randomBytes(bits / 4));
    if (!same(cmacOurs(k, data), cmacNoble(k, data))) throw new Error(`CMAC-${bits} differs`);
    if (!same(sivOurs(sk, data), sivNoble(sk, data))) throw new Error(`SIV ${bits * 2} differs`);
    const rows = [
      [`AES-${bits}-CMAC 1 MiB`, time(() => cmacNoble(k, data)), time(() => cmacOurs(k, data))],
      [`AES-SIV-${bits * 2} (AES-${bits}) 1 MiB encrypt`, time(() => sivNoble(sk, data)), time(() => sivOurs(sk, data))],
    ];
    for (const [what, noble, ours] of rows) {
      console.log(`${what}: noble ${noble.toFixed(2)} ms, ours ${ours.toFixed(2)} ms, ${(noble / ours).toFixed(2)}× noble`);
    }
  }
}
