// Built-in known-answer self-test: FIPS 197 Appendix C, every SP 800-38A Appendix F vector, and
// a few GCM (NIST CAVP, Wycheproof) and AES-KW/KWP (RFC 3394 / RFC 5649 examples, Wycheproof)
// known answers, run through the public API on the active backend. Used by `npm start`,
// `aes-wasm selftest` and `aes-wasm/selftest`. The vectors are embedded by scripts/embed.mjs.
import { bytesToHex, hexToBytes } from "../bytes.js";
import { DecryptionError } from "../errors.js";
import { AesKey } from "../key.js";
import { GCM, KEY_WRAP, SP800_38A } from "./vectors.js";

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

/** GCM (SP 800-38D): lowercase hex; `valid: false` means decryption must refuse the input. */
export interface GcmKnownAnswer {
  name: string;
  key: string;
  iv: string;
  aad: string;
  plaintext: string;
  ciphertext: string;
  /** Its length is the tag length (4 and 8 bytes are checked with allowShortTags). */
  tag: string;
  valid: boolean;
}

/** AES-KW (RFC 3394) or AES-KWP (RFC 5649); `valid: false` means unwrap must refuse `wrapped`. */
export interface KeyWrapKnownAnswer {
  name: string;
  mode: "KW" | "KWP";
  key: string;
  keyData: string;
  wrapped: string;
  valid: boolean;
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

/** True if `run` throws DecryptionError (the one error for every refused input). */
function refuses(run: () => unknown): boolean {
  try {
    run();
    return false;
  } catch (e) {
    return e instanceof DecryptionError;
  }
}

/**
 * Runs one GCM known answer: a valid one must encrypt to ciphertext‖tag and decrypt back; an
 * invalid one must be refused by decrypt() with DecryptionError.
 */
export function checkGcmKnownAnswer(v: GcmKnownAnswer): boolean {
  const key = new AesKey(hexToBytes(v.key));
  try {
    const iv = hexToBytes(v.iv);
    const options = { aad: hexToBytes(v.aad), tagLength: v.tag.length / 2, allowShortTags: true };
    const sealed = hexToBytes(v.ciphertext + v.tag);
    if (!v.valid) return refuses(() => key.gcm(iv, options).decrypt(sealed));
    const encrypted = bytesToHex(key.gcm(iv, options).encrypt(hexToBytes(v.plaintext)));
    return encrypted === v.ciphertext + v.tag && bytesToHex(key.gcm(iv, options).decrypt(sealed)) === v.plaintext;
  } catch {
    return false; // e.g. a valid vector's tag refused
  } finally {
    key.dispose();
  }
}

/**
 * Runs one AES-KW/KWP known answer: a valid one must wrap to `wrapped` and unwrap back; an
 * invalid one must be refused by unwrap() with DecryptionError.
 */
export function checkKeyWrapKnownAnswer(v: KeyWrapKnownAnswer): boolean {
  const key = new AesKey(hexToBytes(v.key));
  try {
    const mode = v.mode === "KW" ? key.kw() : key.kwp();
    const wrapped = hexToBytes(v.wrapped);
    if (!v.valid) return refuses(() => mode.unwrap(wrapped));
    return bytesToHex(mode.wrap(hexToBytes(v.keyData))) === v.wrapped && bytesToHex(mode.unwrap(wrapped)) === v.keyData;
  } catch {
    return false; // e.g. a valid vector refused by unwrap
  } finally {
    key.dispose();
  }
}

function run<T extends { name: string }>(source: string, vectors: T[], check: (v: T) => boolean): SelfTestResult {
  const failures = vectors.filter((v) => {
    try {
      return !check(v);
    } catch {
      return true; // an unexpected error is a failure of that vector, not of the self-test
    }
  }).map((v) => v.name);
  return { source, passed: vectors.length - failures.length, total: vectors.length, failures };
}

/** Runs every built-in known answer on the active backend. */
export function selfTest(): SelfTestResult[] {
  return [
    run("FIPS 197 Appendix C", FIPS197, checkKnownAnswer),
    run("SP 800-38A Appendix F", SP800_38A, checkKnownAnswer),
    run("GCM (SP 800-38D): NIST CAVP and Wycheproof", GCM, checkGcmKnownAnswer),
    run("AES-KW/KWP (RFC 3394, RFC 5649): Wycheproof", KEY_WRAP, checkKeyWrapKnownAnswer),
  ];
}
