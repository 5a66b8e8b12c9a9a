// SHA-256, HMAC-SHA256 and HKDF-SHA256 in TypeScript (src/envelope/hkdf-sha256.ts, the sealed
// stream's key derivation) against node:crypto: every message length 0..300 (both padding
// cases and the block edges), long messages, keys around the 64-byte block, HKDF output lengths
// 0..8160 with and without salt and info. No backend involved (pure TypeScript).
import { createHash, createHmac, hkdfSync, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { DataLengthError } from "../src/index.js";
import { hkdfSha256, hmacSha256, sha256 } from "../src/envelope/hkdf-sha256.js";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

describe("HKDF-SHA256 (TypeScript) vs node:crypto", () => {
  it("SHA-256 at every length 0..300, at 1 MiB + 3, and fed in pieces", () => {
    for (let n = 0; n <= 300; n++) {
      const m = randomBytes(n);
      expect(hex(sha256(m)), `n=${n}`).toBe(createHash("sha256").update(m).digest("hex"));
      expect(hex(sha256(m.subarray(0, n >> 1), m.subarray(n >> 1))), `n=${n} in two`).toBe(createHash("sha256").update(m).digest("hex"));
    }
    const big = randomBytes((1 << 20) + 3);
    expect(hex(sha256(big))).toBe(createHash("sha256").update(big).digest("hex"));
  });

  it("HMAC-SHA256 with keys of 0..130 bytes (hashed above 64)", () => {
    for (let k = 0; k <= 130; k++) {
      const key = randomBytes(k), msg = randomBytes(k * 3);
      expect(hex(hmacSha256(key, msg)), `key ${k}`).toBe(createHmac("sha256", key).update(msg).digest("hex"));
    }
  });

  it("HKDF output lengths 0..100, 8160; empty and long salt and info", () => {
    for (let len = 0; len <= 100; len++) {
      const ikm = randomBytes(32), salt = randomBytes(len % 3 === 0 ? 0 : 16 + len), info = randomBytes(len % 5 === 0 ? 0 : len);
      expect(hex(hkdfSha256(ikm, salt, info, len)), `len ${len}`).toBe(Buffer.from(hkdfSync("sha256", ikm, salt, info, len)).toString("hex"));
    }
    const ikm = randomBytes(80), salt = randomBytes(100), info = randomBytes(1000);
    expect(hex(hkdfSha256(ikm, salt, info, 8160))).toBe(Buffer.from(hkdfSync("sha256", ikm, salt, info, 8160)).toString("hex"));
    expect(() => hkdfSha256(ikm, salt, info, 8161)).toThrow(DataLengthError);
    expect(() => hkdfSha256(ikm, salt, info, -1)).toThrow(DataLengthError);
  });

  it("leaves the caller's key bytes as they were", () => {
    const ikm = randomBytes(32);
    const copy = Buffer.from(ikm);
    hkdfSha256(ikm, randomBytes(16), new Uint8Array(0), 32);
    hmacSha256(ikm, ikm);
    expect(ikm.equals(copy)).toBe(true);
  });
});
