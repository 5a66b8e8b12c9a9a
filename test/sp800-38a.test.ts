// NIST SP 800-38A Appendix F example vectors (test/vectors/sp800-38a/sp800-38a.json): ECB, CBC,
// CFB1, CFB8, CFB128, OFB and CTR at 128/192/256-bit keys, each in the direction the vector
// names, through the one-shot mode objects (padding 'none') and through a stream fed with a
// pseudo-random split of the input into several update() calls.
import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { aesKey, bytesToHex, hexToBytes, type AesKey, type Mode } from "../src/index.js";
import { describeEachBackend } from "./helpers/backends.js";
import { concat } from "./helpers/bytes.js";
import { rng } from "./helpers/random.js";

interface Vector {
  section: string;
  name: string;
  mode: "ECB" | "CBC" | "CFB1" | "CFB8" | "CFB128" | "OFB" | "CTR";
  keyBits: 128 | 192 | 256;
  direction: "encrypt" | "decrypt";
  key: string;
  iv?: string;
  initialCounterBlock?: string;
  plaintext: string;
  ciphertext: string;
  plaintextBits?: string;
  ciphertextBits?: string;
}

const FILE = new URL("./vectors/sp800-38a/sp800-38a.json", import.meta.url);
const VECTORS: Vector[] = JSON.parse(readFileSync(FILE, "utf8")).vectors;

function modeFor(key: AesKey, v: Vector): Mode {
  const iv = () => hexToBytes(v.iv!);
  switch (v.mode) {
    case "ECB": return key.ecb({ padding: "none" });
    case "CBC": return key.cbc(iv(), { padding: "none" });
    case "CFB1": return key.cfb(iv(), { segment: 1 });
    case "CFB8": return key.cfb(iv(), { segment: 8 });
    case "CFB128": return key.cfb(iv(), { segment: 128 });
    case "OFB": return key.ofb(iv());
    case "CTR": return key.ctr(hexToBytes(v.initialCounterBlock!));
  }
}

/** Cuts `length` bytes into 3 to 6 pieces at random points (empty pieces allowed). */
function randomSplit(length: number, seed: number): number[] {
  const next = rng(seed);
  const pieces = 3 + Math.floor(next() * 4);
  const cuts = Array.from({ length: pieces - 1 }, () => Math.floor(next() * (length + 1))).sort((a, b) => a - b);
  const sizes: number[] = [];
  let prev = 0;
  for (const c of [...cuts, length]) {
    sizes.push(c - prev);
    prev = c;
  }
  return sizes;
}

function unpackBits(bytes: Uint8Array, n: number): string {
  let s = "";
  for (let i = 0; i < n; i++) s += (bytes[i >> 3] >> (7 - (i & 7))) & 1;
  return s;
}

function packBits(bits: string): Uint8Array {
  const out = new Uint8Array(Math.ceil(bits.length / 8));
  for (let i = 0; i < bits.length; i++) if (bits[i] === "1") out[i >> 3] |= 0x80 >> (i & 7);
  return out;
}

describeEachBackend("SP 800-38A Appendix F", (backend) => {
  it("has the 42 vectors of the publication", () => {
    expect(VECTORS).toHaveLength(42);
    const perMode = Object.fromEntries(["ECB", "CBC", "CFB1", "CFB8", "CFB128", "OFB", "CTR"].map(
      (m) => [m, VECTORS.filter((v) => v.mode === m).length]));
    expect(perMode).toEqual({ ECB: 6, CBC: 6, CFB1: 6, CFB8: 6, CFB128: 6, OFB: 6, CTR: 6 });
  });

  VECTORS.forEach((v, index) => {
    const encrypting = v.direction === "encrypt";
    const input = hexToBytes(encrypting ? v.plaintext : v.ciphertext);
    const expected = encrypting ? v.ciphertext : v.plaintext;

    it(`${v.section} ${v.name}: one-shot`, () => {
      const key = aesKey(hexToBytes(v.key));
      try {
        expect(key.core.kind).toBe(backend);
        expect(key.bits).toBe(v.keyBits);
        const mode = modeFor(key, v);
        const out = encrypting ? mode.encrypt(input) : mode.decrypt(input);
        expect(bytesToHex(out), v.name).toBe(expected);
        if (v.mode === "CFB1") {
          // The publication's form: 16 one-bit segments through encryptBits/decryptBits.
          const bitsIn = encrypting ? v.plaintextBits! : v.ciphertextBits!;
          const bitsOut = encrypting ? v.ciphertextBits! : v.plaintextBits!;
          expect(bitsIn).toHaveLength(16);
          const m = key.cfb(hexToBytes(v.iv!), { segment: 1 }) as ReturnType<AesKey["cfb"]>;
          const got = encrypting ? m.encryptBits(packBits(bitsIn), 16) : m.decryptBits(packBits(bitsIn), 16);
          expect(got).toHaveLength(2);
          expect(unpackBits(got, 16), `${v.name} (bits)`).toBe(bitsOut);
        }
      } finally {
        key.dispose();
      }
    });

    it(`${v.section} ${v.name}: stream with a random split`, () => {
      const key = aesKey(hexToBytes(v.key));
      try {
        const seed = 0x38a0000 + index;
        const sizes = randomSplit(input.length, seed);
        const mode = modeFor(key, v);
        const stream = encrypting ? mode.encryptor() : mode.decryptor();
        const parts: Uint8Array[] = [];
        let off = 0;
        for (const n of sizes) {
          parts.push(stream.update(input.subarray(off, off + n)));
          off += n;
        }
        parts.push(stream.final());
        expect(off).toBe(input.length);
        expect(bytesToHex(concat(parts)), `${v.name}, split ${sizes.join("+")} (seed ${seed})`).toBe(expected);
      } finally {
        key.dispose();
      }
    });
  });
});
