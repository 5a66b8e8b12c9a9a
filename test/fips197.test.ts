// FIPS 197 example vectors: Appendix C (C.1 AES-128, C.2 AES-192, C.3 AES-256) and the
// Appendix B cipher example, with the values as printed in the standard.
import { expect, it } from "vitest";
import { aesKey, bytesToHex, hexToBytes } from "../src/index.js";
import { describeEachBackend } from "./helpers/backends.js";

const VECTORS = [
  {
    name: "Appendix B (AES-128 cipher example)",
    key: "2b7e151628aed2a6abf7158809cf4f3c",
    plaintext: "3243f6a8885a308d313198a2e0370734",
    ciphertext: "3925841d02dc09fbdc118597196a0b32",
  },
  {
    name: "C.1 AES-128",
    key: "000102030405060708090a0b0c0d0e0f",
    plaintext: "00112233445566778899aabbccddeeff",
    ciphertext: "69c4e0d86a7b0430d8cdb78070b4c55a",
  },
  {
    name: "C.2 AES-192",
    key: "000102030405060708090a0b0c0d0e0f1011121314151617",
    plaintext: "00112233445566778899aabbccddeeff",
    ciphertext: "dda97ca4864cdfe06eaf70a0ec0d7191",
  },
  {
    name: "C.3 AES-256",
    key: "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
    plaintext: "00112233445566778899aabbccddeeff",
    ciphertext: "8ea2b7ca516745bfeafc49904b496089",
  },
];

describeEachBackend("FIPS 197 example vectors", (backend) => {
  for (const v of VECTORS) {
    it(`${v.name}: encryptBlock / decryptBlock`, () => {
      const key = aesKey(hexToBytes(v.key));
      try {
        expect(key.core.kind).toBe(backend);
        expect(key.bits).toBe(v.key.length * 4);
        expect(bytesToHex(key.encryptBlock(hexToBytes(v.plaintext)))).toBe(v.ciphertext);
        expect(bytesToHex(key.decryptBlock(hexToBytes(v.ciphertext)))).toBe(v.plaintext);
      } finally {
        key.dispose();
      }
    });

    it(`${v.name}: ECB one-shot and stream, padding 'none'`, () => {
      const key = aesKey(hexToBytes(v.key));
      try {
        const ecb = key.ecb({ padding: "none" });
        expect(bytesToHex(ecb.encrypt(hexToBytes(v.plaintext)))).toBe(v.ciphertext);
        expect(bytesToHex(ecb.decrypt(hexToBytes(v.ciphertext)))).toBe(v.plaintext);
        // Split across two update() calls: the block is only processed once it is complete.
        const pt = hexToBytes(v.plaintext);
        const enc = ecb.encryptor();
        const parts = [enc.update(pt.subarray(0, 5)), enc.update(pt.subarray(5)), enc.final()];
        expect(parts.map(bytesToHex).join("")).toBe(v.ciphertext);
      } finally {
        key.dispose();
      }
    });
  }
});
