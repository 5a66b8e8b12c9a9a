// Password to key and IV, as `openssl enc` does it (openssl 3, apps/enc.c):
// - the file format: "Salted__" and the 8-byte salt in front of the ciphertext (unless -nosalt,
//   or -S, which gives the salt on the command line and writes no header);
// - -pbkdf2 / -iter N: PBKDF2-HMAC(-md, default SHA-256) over password and salt, N iterations
//   (10,000 when only -pbkdf2 is given), key‖IV taken from one output;
// - otherwise EVP_BytesToKey with one iteration, D_i = md(D_{i-1} ‖ password ‖ salt), which
//   openssl still does for old files with a warning (the text is openssl's own).
// The digests come from node:crypto; every intermediate is wiped once the key and IV are cut out.
import { createHash, pbkdf2Sync } from "node:crypto";
import { UsageError } from "./errors.js";

export const SALT_MAGIC = Buffer.from("Salted__", "latin1");
export const SALT_BYTES = 8;
export const SALT_HEADER_BYTES = SALT_MAGIC.length + SALT_BYTES;
export const DEFAULT_PBKDF2_ITERATIONS = 10_000;
export const DEFAULT_DIGEST = "sha256";
export const DEPRECATED_KDF_WARNING = "*** WARNING : deprecated key derivation used.\nUsing -iter or -pbkdf2 would be better.";

/** -md names: openssl's spelling, any case, to node:crypto's (which is openssl's too). XOFs excluded. */
const DIGESTS = new Set([
  "md5", "sha1", "sha224", "sha256", "sha384", "sha512", "sha512-224", "sha512-256",
  "sha3-224", "sha3-256", "sha3-384", "sha3-512", "blake2b512", "blake2s256", "ripemd160", "sm3",
]);
const DIGEST_ALIASES = new Map([["sha-1", "sha1"], ["sha-224", "sha224"], ["sha-256", "sha256"], ["sha-384", "sha384"], ["sha-512", "sha512"],
  ["sha512/224", "sha512-224"], ["sha512/256", "sha512-256"], ["rmd160", "ripemd160"], ["ripemd", "ripemd160"]]);

export function digestName(md: string): string {
  const lower = md.toLowerCase();
  const name = DIGEST_ALIASES.get(lower) ?? lower;
  if (!DIGESTS.has(name)) throw new UsageError(`-md ${JSON.stringify(md)} is not a digest aes-wasm knows (${[...DIGESTS].join(", ")})`);
  return name;
}

export interface KeyAndIv {
  key: Uint8Array;
  iv: Uint8Array;
}

/** PKCS5_PBKDF2_HMAC(password, salt or empty, iterations, md) → key ‖ iv. */
export function pbkdf2KeyIv(password: Uint8Array, salt: Uint8Array | null, iterations: number, md: string, keyBytes: number, ivBytes: number): KeyAndIv {
  const out = pbkdf2Sync(password, salt ?? new Uint8Array(0), iterations, keyBytes + ivBytes, md);
  try {
    return { key: new Uint8Array(out.subarray(0, keyBytes)), iv: new Uint8Array(out.subarray(keyBytes)) };
  } finally {
    out.fill(0);
  }
}

/** EVP_BytesToKey(cipher, md, salt, password, count = 1): D_1 = md(password ‖ salt), D_i = md(D_{i-1} ‖ password ‖ salt). */
export function bytesToKeyIv(password: Uint8Array, salt: Uint8Array | null, md: string, keyBytes: number, ivBytes: number): KeyAndIv {
  const need = keyBytes + ivBytes;
  const blocks: Buffer[] = [];
  let have = 0;
  let previous: Buffer | null = null;
  try {
    while (have < need) {
      const h = createHash(md);
      if (previous) h.update(previous);
      h.update(password);
      if (salt) h.update(salt);
      previous = h.digest();
      blocks.push(previous);
      have += previous.length;
    }
    const all = Buffer.concat(blocks);
    try {
      return { key: new Uint8Array(all.subarray(0, keyBytes)), iv: new Uint8Array(all.subarray(keyBytes, need)) };
    } finally {
      all.fill(0);
    }
  } finally {
    for (const b of blocks) b.fill(0);
  }
}

/** The 16-byte header `openssl enc` writes in front of salted output. */
export function saltHeader(salt: Uint8Array): Uint8Array {
  const h = new Uint8Array(SALT_HEADER_BYTES);
  h.set(SALT_MAGIC);
  h.set(salt, SALT_MAGIC.length);
  return h;
}

/** The salt of a header, or null when the magic is not "Salted__" (it is not secret: a plain compare). */
export function saltOfHeader(header: Uint8Array): Uint8Array | null {
  if (header.length !== SALT_HEADER_BYTES) return null;
  for (let i = 0; i < SALT_MAGIC.length; i++) if (header[i] !== SALT_MAGIC[i]) return null;
  return header.slice(SALT_MAGIC.length);
}
