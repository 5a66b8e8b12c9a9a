// JSON Web Key (RFC 7517/7518 'oct' keys) import and export for the AES algorithms, with the
// checks WebCrypto makes on import (each failure a DataError).
import type { AlgorithmHandler } from "./algorithm.js";
import { readOptions } from "../modes/guard.js";
import { show } from "../errors.js";
import { DataError } from "./errors.js";
import type { JsonWebKey, KeyUsage } from "./types.js";

// base64url (RFC 4648 §5, no padding) in both directions by arithmetic on character codes,
// constant-time in the key bytes and characters: no alphabet string indexed by a secret
// sextet, no indexOf, no regex. A range test is an int32 mask, ((lo - 1 - c) & (c - hi - 1))
// >> 31, -1 exactly when lo <= c <= hi; validity is one flag, checked after the whole input.

/** The base64url character code for a sextet v (0..63). */
function b64Char(v: number): number {
  // 'A' + v, then +6 from 26 ('a' - 26), -75 from 52 ('0' - 52), -13 at 62 ('-'), +49 at 63 ('_').
  // ~((v - k) >> 31) is -1 exactly when v >= k.
  return 65 + v + (~((v - 26) >> 31) & 6) + (~((v - 52) >> 31) & -75) + (~((v - 62) >> 31) & -13) + (~((v - 63) >> 31) & 49);
}

export function base64url(bytes: Uint8Array): string {
  const codes = new Uint16Array(Math.ceil((bytes.length * 8) / 6));
  let c = 0;
  for (let i = 0; i < bytes.length; i += 3) {
    const left = bytes.length - i; // public
    const n = (bytes[i]! << 16) | ((left > 1 ? bytes[i + 1]! : 0) << 8) | (left > 2 ? bytes[i + 2]! : 0);
    const chars = Math.min(4, Math.ceil((left * 8) / 6));
    for (let k = 0; k < chars; k++) codes[c++] = b64Char((n >> (18 - 6 * k)) & 63);
  }
  let s = "";
  for (let off = 0; off < codes.length; off += 8192) {
    s += String.fromCharCode.apply(null, codes.subarray(off, off + 8192) as unknown as number[]);
  }
  codes.fill(0);
  return s;
}

/** Sextet (0..63) of the base64url character with code c (0..0xffff), plus 0x100 when c is not one. */
function b64Value(c: number): number {
  const upper = ((0x40 - c) & (c - 0x5b)) >> 31; // 'A'..'Z' -> 0..25
  const lower = ((0x60 - c) & (c - 0x7b)) >> 31; // 'a'..'z' -> 26..51
  const digit = ((0x2f - c) & (c - 0x3a)) >> 31; // '0'..'9' -> 52..61
  const dash = ((0x2c - c) & (c - 0x2e)) >> 31; // '-' -> 62
  const under = ((0x5e - c) & (c - 0x60)) >> 31; // '_' -> 63
  const ok = upper | lower | digit | dash | under;
  return (upper & (c - 0x41)) | (lower & (c - 0x47)) | (digit & (c + 4)) | (dash & 62) | (under & 63) | (~ok & 0x100);
}

export function fromBase64url(s: string): Uint8Array {
  if (s.length % 4 === 1) throw new DataError("JWK k is not base64url"); // the length is public
  const out = new Uint8Array(Math.floor((s.length * 6) / 8));
  let bits = 0, acc = 0, o = 0, bad = 0;
  for (let i = 0; i < s.length; i++) {
    const v = b64Value(s.charCodeAt(i));
    bad |= v;
    acc = ((acc << 6) | (v & 63)) & 0xffff;
    bits += 6; // bits and o depend on the position only
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  acc = 0;
  if ((bad & 0x100) !== 0) {
    out.fill(0);
    throw new DataError("JWK k is not base64url");
  }
  return out;
}

export function jwkAlg(handler: AlgorithmHandler, keyBytes: number): string {
  return `A${keyBytes * 8}${handler.jwkSuffix}`;
}

/**
 * WebIDL's conversion of a JsonWebKey argument, when the call is made: the members AES keys
 * use, in the dictionary's member order, own members only, each read once (a polluted
 * Object.prototype supplies no alg/ext/key_ops); key_ops copied, so a later change to the
 * caller's array is not seen. importJwk checks the values.
 */
export function convertJwk(input: object): JsonWebKey {
  const jwk = readOptions(input as JsonWebKey, ["alg", "ext", "k", "key_ops", "kty", "use"], "JWK");
  if (Array.isArray(jwk.key_ops)) jwk.key_ops = [...(jwk.key_ops as unknown[])] as string[];
  return jwk as JsonWebKey;
}

/** The raw key bytes of a converted JWK, checked against the algorithm, usages and extractability asked for. */
export function importJwk(jwk: JsonWebKey, handler: AlgorithmHandler, extractable: boolean, usages: readonly KeyUsage[]): Uint8Array {
  if (jwk.kty !== "oct") throw new DataError(`JWK kty must be "oct", got ${show(jwk.kty)}`);
  if (typeof jwk.k !== "string") throw new DataError("JWK k is missing");
  const bytes = fromBase64url(jwk.k);
  if (bytes.length !== 16 && bytes.length !== 24 && bytes.length !== 32) {
    throw new DataError(`JWK key must be 128, 192 or 256 bits, got ${bytes.length * 8}`);
  }
  if (jwk.alg !== undefined && jwk.alg !== jwkAlg(handler, bytes.length)) {
    throw new DataError(`JWK alg ${show(jwk.alg)} does not match ${jwkAlg(handler, bytes.length)}`);
  }
  if (usages.length > 0 && jwk.use !== undefined && jwk.use !== "enc") throw new DataError('JWK use must be "enc"');
  if (jwk.key_ops !== undefined) {
    if (!Array.isArray(jwk.key_ops) || new Set(jwk.key_ops).size !== jwk.key_ops.length) {
      throw new DataError("JWK key_ops must be a list without duplicates");
    }
    for (const u of usages) if (!jwk.key_ops.includes(u)) throw new DataError(`JWK key_ops does not allow ${u}`);
  }
  if (jwk.ext === false && extractable) throw new DataError("JWK ext is false but an extractable key was asked for");
  return bytes;
}

export function exportJwk(handler: AlgorithmHandler, bytes: Uint8Array, usages: readonly KeyUsage[], extractable: boolean): JsonWebKey {
  return { kty: "oct", k: base64url(bytes), alg: jwkAlg(handler, bytes.length), key_ops: [...usages], ext: extractable };
}
