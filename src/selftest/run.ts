// Built-in known-answer self-test: FIPS 197 Appendix C and every SP 800-38A Appendix F vector,
// run through the public API on the active backend. Used by `npm start` and `aes-wasm selftest`.
import { bytesToHex, hexToBytes } from "../bytes.js";
import { AesKey } from "../key.js";
import { SP800_38A } from "./vectors.js";

export interface KnownAnswer {
  name: string;
  mode: "ECB" | "CBC" | "CFB1" | "CFB8" | "CFB128" | "OFB" | "CTR";
  encrypt: boolean;
  key: string;
  iv?: string;
  plaintext: string;
  ciphertext: string;
  /** CFB1 only: the number of one-bit segments. */
  bits?: number;
}

// FIPS 197 Appendix C: one block, keys 00 01 02 ..., plaintext 00 11 22 ... ff.
const FIPS197: KnownAnswer[] = [
  ["C.1 AES-128", "000102030405060708090a0b0c0d0e0f", "69c4e0d86a7b0430d8cdb78070b4c55a"],
  ["C.2 AES-192", "000102030405060708090a0b0c0d0e0f1011121314151617", "dda97ca4864cdfe06eaf70a0ec0d7191"],
  ["C.3 AES-256", "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", "8ea2b7ca516745bfeafc49904b496089"],
].flatMap(([name, key, ciphertext]) => [true, false].map((encrypt) => ({
  name: `FIPS 197 ${name} ${encrypt ? "encrypt" : "decrypt"}`, mode: "ECB" as const, encrypt, key,
  plaintext: "00112233445566778899aabbccddeeff", ciphertext,
})));

export interface SelfTestResult {
  source: string;
  passed: number;
  total: number;
  failures: string[];
}

interface OneShot {
  encrypt(data: Uint8Array): Uint8Array;
  decrypt(data: Uint8Array): Uint8Array;
}

/** Runs one known answer; returns true if the output matches. */
export function checkKnownAnswer(v: KnownAnswer): boolean {
  const key = new AesKey(hexToBytes(v.key));
  try {
    const input = hexToBytes(v.encrypt ? v.plaintext : v.ciphertext);
    const iv = v.iv ? hexToBytes(v.iv) : new Uint8Array(16);
    const oneShot = (mode: OneShot) => (v.encrypt ? mode.encrypt(input) : mode.decrypt(input));
    let out: Uint8Array;
    switch (v.mode) {
      case "ECB": out = oneShot(key.ecb({ padding: "none" })); break;
      case "CBC": out = oneShot(key.cbc(iv, { padding: "none" })); break;
      case "CFB128": out = oneShot(key.cfb(iv)); break;
      case "CFB8": out = oneShot(key.cfb(iv, { segment: 8 })); break;
      case "OFB": out = oneShot(key.ofb(iv)); break;
      case "CTR": out = oneShot(key.ctr(iv)); break;
      case "CFB1": {
        const mode = key.cfb(iv, { segment: 1 });
        out = v.encrypt ? mode.encryptBits(input, v.bits!) : mode.decryptBits(input, v.bits!);
        break;
      }
    }
    return bytesToHex(out) === (v.encrypt ? v.ciphertext : v.plaintext);
  } finally {
    key.dispose();
  }
}

/** Runs every built-in known answer on the active backend. */
export function selfTest(): SelfTestResult[] {
  const sources: [string, KnownAnswer[]][] = [["FIPS 197 Appendix C", FIPS197], ["SP 800-38A Appendix F", SP800_38A]];
  return sources.map(([source, vectors]) => {
    const failures = vectors.filter((v) => !checkKnownAnswer(v)).map((v) => v.name);
    return { source, passed: vectors.length - failures.length, total: vectors.length, failures };
  });
}
