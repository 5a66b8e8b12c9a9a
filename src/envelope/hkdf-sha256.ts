// HKDF-SHA256 (RFC 5869 over FIPS 180-4 SHA-256 and RFC 2104 HMAC), for the sealed stream's
// per-file key. In TypeScript rather than node:crypto or WebCrypto: the stream format must work
// in browsers (crypto.subtle exists only in secure contexts, and is async) and the derivation
// must be synchronous and leave no copy of the key it cannot wipe.
//
// Constant time by construction: SHA-256 is additions, rotations and bitwise operations on
// 32-bit words; the one table (K) is indexed by the round number. Every buffer that held key
// material (pads, chaining values, the message schedule) is zeroed before returning.
import { DataLengthError } from "../errors.js";

const K = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);
const IV = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];

/** An incremental SHA-256. wipe() zeroes its state; digest() wipes it too. */
class Sha256 {
  readonly #h = new Uint32Array(IV);
  readonly #w = new Uint32Array(64);
  readonly #block = new Uint8Array(64);
  #fill = 0;
  #bytes = 0;

  update(data: Uint8Array): this {
    let i = 0;
    this.#bytes += data.length;
    while (i < data.length) {
      const take = Math.min(64 - this.#fill, data.length - i);
      this.#block.set(data.subarray(i, i + take), this.#fill);
      this.#fill += take;
      i += take;
      if (this.#fill === 64) {
        this.#compress();
        this.#fill = 0;
      }
    }
    return this;
  }

  /** The 32-byte digest; the hash state is wiped. */
  digest(): Uint8Array {
    const bits = this.#bytes * 8;
    const b = this.#block;
    b[this.#fill++] = 0x80;
    if (this.#fill > 56) {
      b.fill(0, this.#fill);
      this.#compress();
      this.#fill = 0;
    }
    b.fill(0, this.#fill, 56);
    const hi = Math.floor(bits / 2 ** 32);
    b[56] = hi >>> 24; b[57] = (hi >>> 16) & 0xff; b[58] = (hi >>> 8) & 0xff; b[59] = hi & 0xff;
    b[60] = bits >>> 24; b[61] = (bits >>> 16) & 0xff; b[62] = (bits >>> 8) & 0xff; b[63] = bits & 0xff;
    this.#compress();
    const out = new Uint8Array(32);
    for (let i = 0; i < 8; i++) {
      const v = this.#h[i]!;
      out[4 * i] = v >>> 24; out[4 * i + 1] = (v >>> 16) & 0xff; out[4 * i + 2] = (v >>> 8) & 0xff; out[4 * i + 3] = v & 0xff;
    }
    this.wipe();
    return out;
  }

  wipe(): void {
    this.#h.fill(0);
    this.#w.fill(0);
    this.#block.fill(0);
  }

  #compress(): void {
    const w = this.#w;
    const b = this.#block;
    for (let t = 0; t < 16; t++) w[t] = (b[4 * t]! << 24) | (b[4 * t + 1]! << 16) | (b[4 * t + 2]! << 8) | b[4 * t + 3]!;
    for (let t = 16; t < 64; t++) {
      const x = w[t - 15]!;
      const y = w[t - 2]!;
      const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
      const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
      w[t] = (w[t - 16]! + s0 + w[t - 7]! + s1) | 0;
    }
    const h = this.#h;
    let a = h[0]!, c1 = h[1]!, c2 = h[2]!, d = h[3]!, e = h[4]!, f = h[5]!, g = h[6]!, hh = h[7]!;
    for (let t = 0; t < 64; t++) {
      const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const ch = (e & f) ^ (~e & g);
      const t1 = (hh + S1 + ch + K[t]! + w[t]!) | 0;
      const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const maj = (a & c1) ^ (a & c2) ^ (c1 & c2);
      const t2 = (S0 + maj) | 0;
      hh = g; g = f; f = e; e = (d + t1) | 0;
      d = c2; c2 = c1; c1 = a; a = (t1 + t2) | 0;
    }
    h[0] = h[0]! + a; h[1] = h[1]! + c1; h[2] = h[2]! + c2; h[3] = h[3]! + d;
    h[4] = h[4]! + e; h[5] = h[5]! + f; h[6] = h[6]! + g; h[7] = h[7]! + hh;
  }
}

/** SHA-256 of the concatenation of `parts`. */
export function sha256(...parts: Uint8Array[]): Uint8Array {
  const s = new Sha256();
  for (const p of parts) s.update(p);
  return s.digest();
}

/** HMAC-SHA256(key, concatenation of `parts`). */
export function hmacSha256(key: Uint8Array, ...parts: Uint8Array[]): Uint8Array {
  const k = new Uint8Array(64);
  if (key.length > 64) {
    const hk = sha256(key);
    k.set(hk);
    hk.fill(0);
  } else {
    k.set(key);
  }
  const pad = new Uint8Array(64);
  for (let i = 0; i < 64; i++) pad[i] = k[i]! ^ 0x36;
  const inner = new Sha256().update(pad);
  for (const p of parts) inner.update(p);
  const ih = inner.digest();
  for (let i = 0; i < 64; i++) pad[i] = k[i]! ^ 0x5c;
  const out = new Sha256().update(pad).update(ih).digest();
  k.fill(0);
  pad.fill(0);
  ih.fill(0);
  return out;
}

/** HKDF-SHA256 (RFC 5869): `length` (≤ 8160) bytes of output keying material. */
export function hkdfSha256(ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  if (!Number.isInteger(length) || length < 0 || length > 255 * 32) throw new DataLengthError(`HKDF-SHA256 output is 0 to 8160 bytes, got ${length}`);
  const prk = hmacSha256(salt.length === 0 ? new Uint8Array(32) : salt, ikm); // §2.2: no salt = HashLen zeros
  const okm = new Uint8Array(length);
  let t: Uint8Array = new Uint8Array(0);
  const counter = new Uint8Array(1);
  for (let i = 0, off = 0; off < length; i++, off += 32) {
    counter[0] = i + 1;
    const next = hmacSha256(prk, t, info, counter);
    t.fill(0);
    t = next;
    okm.set(t.subarray(0, Math.min(32, length - off)), off);
  }
  t.fill(0);
  prk.fill(0);
  return okm;
}
