// JSON Web Key (RFC 7517/7518 'oct' keys) import and export for the AES algorithms, with the
// checks WebCrypto makes on import (each failure a DataError).
import type { AlgorithmHandler } from "./algorithm.js";
import { DataError } from "./errors.js";
import type { JsonWebKey, KeyUsage } from "./types.js";

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

export function base64url(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    const chars = Math.min(4, Math.ceil(((bytes.length - i) * 8) / 6));
    for (let c = 0; c < chars; c++) s += B64[(n >> (18 - 6 * c)) & 63];
  }
  return s;
}

export function fromBase64url(s: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(s) || s.length % 4 === 1) throw new DataError("JWK k is not base64url");
  const out = new Uint8Array(Math.floor((s.length * 6) / 8));
  let bits = 0, acc = 0, o = 0;
  for (const ch of s) {
    acc = (acc << 6) | B64.indexOf(ch);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  return out;
}

export function jwkAlg(handler: AlgorithmHandler, keyBytes: number): string {
  return `A${keyBytes * 8}${handler.jwkSuffix}`;
}

/** The raw key bytes of a JWK, checked against the algorithm, usages and extractability asked for. */
export function importJwk(jwk: JsonWebKey, handler: AlgorithmHandler, extractable: boolean, usages: readonly KeyUsage[]): Uint8Array {
  if (jwk.kty !== "oct") throw new DataError(`JWK kty must be "oct", got ${JSON.stringify(jwk.kty)}`);
  if (typeof jwk.k !== "string") throw new DataError("JWK k is missing");
  const bytes = fromBase64url(jwk.k);
  if (bytes.length !== 16 && bytes.length !== 24 && bytes.length !== 32) {
    throw new DataError(`JWK key must be 128, 192 or 256 bits, got ${bytes.length * 8}`);
  }
  if (jwk.alg !== undefined && jwk.alg !== jwkAlg(handler, bytes.length)) {
    throw new DataError(`JWK alg ${JSON.stringify(jwk.alg)} does not match ${jwkAlg(handler, bytes.length)}`);
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
