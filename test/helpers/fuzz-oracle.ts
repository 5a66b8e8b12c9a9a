// The expected bytes for hardening and fuzz tests, computed by node:crypto (OpenSSL) in the
// test: every mode and padding of the library, on plain copies of the input.
import nodeCrypto from "node:crypto";

export type OracleMode = "ecb" | "cbc" | "cfb" | "cfb8" | "cfb1" | "ofb" | "ctr";
export type OraclePadding = "pkcs7" | "iso9797-m2" | "none";

function bits(key: Uint8Array): number {
  return key.length * 8;
}

function run(name: string, key: Uint8Array, iv: Uint8Array | null, data: Uint8Array, encrypt: boolean, autoPadding: boolean): Uint8Array {
  const c = encrypt ? nodeCrypto.createCipheriv(name, key, iv) : nodeCrypto.createDecipheriv(name, key, iv);
  c.setAutoPadding(autoPadding);
  return new Uint8Array(Buffer.concat([c.update(data), c.final()]));
}

/** ISO/IEC 9797-1 method 2 padding, or null if `block` (the last one) is not so padded. */
function isoUnpad(data: Uint8Array): Uint8Array | null {
  let i = data.length - 1;
  const start = Math.max(0, data.length - 16);
  while (i >= start && data[i] === 0) i--;
  if (i < start || data[i] !== 0x80) return null;
  return data.slice(0, i);
}

/**
 * The library's mode on `data` as OpenSSL computes it. Null when decryption must fail (bad
 * padding) or the length is not acceptable for a block mode.
 */
export function expected(mode: OracleMode, key: Uint8Array, iv: Uint8Array | null, data: Uint8Array, encrypt: boolean,
  padding: OraclePadding = "pkcs7"): Uint8Array | null {
  const name = `aes-${bits(key)}-${mode}`;
  const block = mode === "ecb" || mode === "cbc";
  const ivArg = mode === "ecb" ? null : iv;
  if (!block || padding === "none") {
    if (block && data.length % 16 !== 0) return null;
    return run(name, key, ivArg, data, encrypt, false);
  }
  if (padding === "pkcs7") {
    if (!encrypt && (data.length === 0 || data.length % 16 !== 0)) return null;
    try {
      return run(name, key, ivArg, data, encrypt, true);
    } catch {
      return null;
    }
  }
  if (encrypt) {
    const padded = new Uint8Array(data.length - (data.length % 16) + 16);
    padded.set(data);
    padded[data.length] = 0x80;
    return run(name, key, ivArg, padded, true, false);
  }
  if (data.length === 0 || data.length % 16 !== 0) return null;
  return isoUnpad(run(name, key, ivArg, data, false, false));
}

/** AES-GCM ciphertext || tag (tagLength bytes). */
export function gcmSeal(key: Uint8Array, iv: Uint8Array, data: Uint8Array, aad: Uint8Array | undefined, tagLength = 16): Uint8Array {
  const c = nodeCrypto.createCipheriv(`aes-${bits(key)}-gcm` as "aes-128-gcm", key, iv, { authTagLength: tagLength });
  if (aad) c.setAAD(aad);
  const body = Buffer.concat([c.update(data), c.final()]);
  return new Uint8Array(Buffer.concat([body, c.getAuthTag()]));
}

/** AES-KW / AES-KWP wrapping by OpenSSL. */
export function keyWrap(key: Uint8Array, data: Uint8Array, pad: boolean): Uint8Array {
  const iv = pad ? Buffer.from("a65959a6", "hex") : Buffer.from("a6a6a6a6a6a6a6a6", "hex");
  const c = nodeCrypto.createCipheriv(`id-aes${bits(key)}-wrap${pad ? "-pad" : ""}`, key, iv);
  return new Uint8Array(Buffer.concat([c.update(data), c.final()]));
}

/** Where `needle` (at least a few bytes) occurs in `haystack`, or -1. */
export function indexOfBytes(haystack: Uint8Array, needle: Uint8Array, from = 0): number {
  return Buffer.from(haystack.buffer, haystack.byteOffset, haystack.byteLength).indexOf(
    Buffer.from(needle.buffer, needle.byteOffset, needle.byteLength), from);
}

/** CTR keystream of `n` bytes by AES-ECB over counter blocks advancing only the low `counterBits` bits. */
export function ctrKeystream(key: Uint8Array, iv: Uint8Array, counterBits: number, n: number): Uint8Array {
  const blocks = Math.ceil(n / 16);
  const counters = new Uint8Array(blocks * 16);
  const space = 1n << BigInt(counterBits);
  let x = 0n;
  for (const b of iv) x = (x << 8n) | BigInt(b);
  const high = x - (x & (space - 1n));
  let low = x & (space - 1n);
  for (let i = 0; i < blocks; i++) {
    let v = high | low;
    for (let j = 15; j >= 0; j--) {
      counters[i * 16 + j] = Number(v & 0xffn);
      v >>= 8n;
    }
    low = (low + 1n) % space;
  }
  const c = nodeCrypto.createCipheriv(`aes-${bits(key)}-ecb`, key, null);
  c.setAutoPadding(false);
  return new Uint8Array(Buffer.concat([c.update(counters), c.final()])).subarray(0, n);
}
