// Tests for the pure-TypeScript fallback core (src/reference/: constant-time, bitsliced AES and
// carry-less-multiply GHASH):
// - its S-box circuit against the S-box computed here from its definition (GF(2^8) inverse and
//   the affine map), on all 256 inputs in every byte lane, and the inverse circuit on all 256
//   inputs at every byte position of both lanes through decryption (checked by node:crypto);
// - the block cipher (encryptOne/decryptOne) against the FIPS 197 Appendix C vectors, and the
//   test-only plain AES in test/helpers/plain-aes.ts against Appendix A/C (it is an oracle here);
// - every kernel against node:crypto (OpenSSL, an independent implementation, computed inside the
//   test) for all three key sizes, at every length around the one-block, two-block (the core's
//   lane pairs) and 8-block edges, one-shot and resumed at odd split points;
// - CTR counter masks and carries against a WebCrypto-style counter computed here;
// - GHASH against a bit-by-bit GF(2^128) multiply and whole GCM tags against node's aes-*-gcm;
// - the scratch the kernels use (round keys, blocks) is zero after every call, and the key slot
//   holds no copy of the raw key or of the FIPS 197 round key bytes;
// - when build/aes.wasm exists, a differential test of every kernel against the WASM core.
//
// Random inputs come from a seeded generator; set REF_SEED to reproduce a failure.
import { describe, it, expect } from "vitest";
import { createCipheriv, createDecipheriv, webcrypto, type CipherGCMTypes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { CoreInstance, CoreKernels, CoreLayout } from "../src/wasm/abi.js";
import { createReferenceCore } from "../src/reference/core.js";
import { GCM_ACC } from "../src/wasm/abi.js";
import { BLK, RK, subWord } from "../src/reference/aes-ct.js";
import { decryptBlockRef, encryptBlockRef, expandKeyBytes, ghashBlocks, gfMultiply, sboxTables } from "./helpers/plain-aes.js";

// ---------------------------------------------------------------------------------------------
// Helpers

const SEED = Number(process.env.REF_SEED ?? Math.floor(Math.random() * 2 ** 31));
const seedNote = `REF_SEED=${SEED}`;

/** mulberry32: a tiny seeded PRNG, so random cases are reproducible. */
function makeRng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rng = makeRng(SEED);
const randInt = (lo: number, hi: number): number => lo + Math.floor(rng() * (hi - lo + 1)); // inclusive
const randBytes = (n: number): Uint8Array => {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = randInt(0, 255);
  return out;
};

const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");
const unhex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, "hex"));
const concat = (parts: Uint8Array[]): Uint8Array => new Uint8Array(Buffer.concat(parts));

type NodeMode = "ecb" | "cbc" | "cfb" | "cfb8" | "cfb1" | "ofb" | "ctr";

/** One-shot node:crypto (OpenSSL) with padding off. */
function nodeCrypt(mode: NodeMode, key: Uint8Array, iv: Uint8Array | null, data: Uint8Array, decrypt: boolean): Uint8Array {
  const name = `aes-${key.length * 8}-${mode}`;
  const c = decrypt ? createDecipheriv(name, key, iv) : createCipheriv(name, key, iv);
  c.setAutoPadding(false);
  return concat([c.update(data), c.final()]);
}

/** The 128-bit big-endian number in a 16-byte block, and back. */
const toBig = (b: Uint8Array): bigint => BigInt("0x" + (hex(b) || "0"));
const fromBig = (x: bigint): Uint8Array => unhex(x.toString(16).padStart(32, "0"));
const lowBitsMask = (bits: number): Uint8Array => fromBig((1n << BigInt(bits)) - 1n);
const ALL_ONES = lowBitsMask(128);

/**
 * CTR as WebCrypto defines it (AES-CTR with `length`): the low `length` bits of the counter
 * block count up modulo 2^length, the bits above them are a fixed nonce. Built here from
 * counter blocks and aes-*-ecb, independently of the core's mask logic.
 */
function expectedCtr(key: Uint8Array, iv: Uint8Array, length: number, data: Uint8Array): Uint8Array {
  const modulus = 1n << BigInt(length);
  const start = toBig(iv);
  const nonce = start - (start % modulus);
  const blocks = Math.ceil(data.length / 16);
  const counters = new Uint8Array(blocks * 16);
  for (let i = 0; i < blocks; i++) {
    counters.set(fromBig(nonce + ((start + BigInt(i)) % modulus)), 16 * i);
  }
  const keystream = nodeCrypt("ecb", key, null, counters, false);
  return data.map((x, i) => x ^ keystream[i]!);
}

/** Drives one core through its slots: a key slot at heapBase (64-aligned), a state slot after it. */
class Harness {
  readonly k: CoreKernels;
  readonly L: CoreLayout;
  readonly slot: number;
  readonly state: number;

  constructor(readonly core: CoreInstance, slotAt?: number) {
    this.k = core.kernels;
    this.L = core.layout;
    this.slot = slotAt ?? (core.kernels.heapBase() + 63) & ~63;
    this.state = this.slot + this.L.KEY_SLOT_SIZE;
    const need = this.state + this.L.STATE_SLOT_SIZE;
    const have = core.memory.buffer.byteLength;
    if (need > have) core.memory.grow(Math.ceil((need - have) / 65536));
  }

  get mem(): Uint8Array {
    return new Uint8Array(this.core.memory.buffer);
  }

  setKey(key: Uint8Array): number {
    this.mem.set(key, this.L.IO);
    return this.k.expandKey(this.slot, this.L.IO, key.length);
  }

  /** Fills the state slot: register, counter mask (default all ones), position 0, the rest zero. */
  setState(reg: Uint8Array, mask: Uint8Array = ALL_ONES): void {
    const m = this.mem;
    m.fill(0, this.state, this.state + this.L.STATE_SLOT_SIZE);
    m.set(reg, this.state + this.L.STATE_REG);
    m.set(mask, this.state + this.L.STATE_CTR_MASK);
  }

  stateBytes(): Uint8Array {
    return this.mem.slice(this.state, this.state + this.L.STATE_SLOT_SIZE);
  }

  reg(): Uint8Array {
    const at = this.state + this.L.STATE_REG;
    return this.mem.slice(at, at + 16);
  }

  ks(): Uint8Array {
    const at = this.state + this.L.STATE_KS;
    return this.mem.slice(at, at + 16);
  }

  pos(): number {
    return new DataView(this.core.memory.buffer).getUint32(this.state + this.L.STATE_POS, true);
  }

  /** Copies `data` into IO, runs `call(io)` and returns the IO bytes afterwards. */
  run(data: Uint8Array, call: (io: number) => void): Uint8Array {
    const io = this.L.IO;
    this.mem.set(data, io);
    call(io);
    return this.mem.slice(io, io + data.length);
  }

  /** Runs a (key, state, io, len) kernel over `data` in pieces of the given lengths, in order. */
  runSplit(kernel: ModeKernel, data: Uint8Array, splits: number[]): Uint8Array {
    const out: Uint8Array[] = [];
    let at = 0;
    for (const n of [...splits, data.length - splits.reduce((a, b) => a + b, 0)]) {
      const piece = data.subarray(at, at + n);
      out.push(this.run(piece, (io) => this.k[kernel](this.slot, this.state, io, piece.length)));
      at += n;
    }
    return concat(out);
  }
}

type ModeKernel =
  | "cbcEncrypt" | "cbcDecrypt" | "cfbEncrypt" | "cfbDecrypt" | "cfb8Encrypt" | "cfb8Decrypt"
  | "cfb1Encrypt" | "cfb1Decrypt" | "ofb" | "ctr";

const KEY_LENGTHS = [16, 24, 32] as const;

// ---------------------------------------------------------------------------------------------
// The block cipher on its own

// ---------------------------------------------------------------------------------------------
// The S-box circuits, against the S-box computed from its definition (FIPS 197 §5.1.1)

describe("bitsliced S-box circuits vs the S-box from its definition", () => {
  // GF(2^8) modulo x^8 + x^4 + x^3 + x + 1, by shift-and-add; the inverse by exhaustive search.
  const mul = (a: number, b: number): number => {
    let r = 0;
    for (let i = 0; i < 8; i++) {
      if ((b >> i) & 1) r ^= a;
      a = (a << 1) ^ ((a >> 7) * 0x11b);
    }
    return r;
  };
  const inverse = (a: number): number => {
    for (let b = 1; b < 256; b++) if (mul(a, b) === 1) return b;
    return 0; // 0 maps to 0
  };
  // b_i' = b_i ^ b_(i+4) ^ b_(i+5) ^ b_(i+6) ^ b_(i+7) ^ c_i, c = 0x63
  const affine = (b: number): number => {
    let r = 0;
    for (let i = 0; i < 8; i++) {
      const bit = ((b >> i) ^ (b >> ((i + 4) % 8)) ^ (b >> ((i + 5) % 8)) ^ (b >> ((i + 6) % 8)) ^ (b >> ((i + 7) % 8)) ^ (0x63 >> i)) & 1;
      r |= bit << i;
    }
    return r;
  };
  const SBOX = Array.from({ length: 256 }, (_, x) => affine(inverse(x)));

  it("the definition gives the FIPS 197 values (sanity of this test's own S-box)", () => {
    expect([SBOX[0x00], SBOX[0x01], SBOX[0x53], SBOX[0xff]]).toEqual([0x63, 0x7c, 0xed, 0x16]);
    expect(new Set(SBOX).size).toBe(256);
  });

  it("SubWord (the forward circuit) on all 256 inputs in each of the four byte lanes", () => {
    for (let x = 0; x < 256; x++) {
      for (let lane = 0; lane < 4; lane++) {
        const other = (x * 37 + 11 * lane + 5) & 0xff; // the other lanes must not interfere
        const w = (((other * 0x01010101) & ~(0xff << (8 * lane))) | (x << (8 * lane))) >>> 0;
        const want = [0, 1, 2, 3].reduce((acc, k) => acc | (SBOX[(w >>> (8 * k)) & 0xff]! << (8 * k)), 0) >>> 0;
        expect(subWord(w) >>> 0, `x=${x} lane=${lane}`).toBe(want);
      }
    }
  });

  it("the inverse circuit, through decryption: all 256 inputs at every byte position of both lanes", () => {
    // Ciphertext block v is v ^ (last round key) in every byte, so the first InvSubBytes sees v at
    // all 16 positions; 256 blocks are 128 lane pairs. node:crypto checks the result.
    for (const kl of KEY_LENGTHS) {
      const h = new Harness(createReferenceCore());
      const key = randBytes(kl);
      h.setKey(key);
      const last = expandKeyBytes(key).slice(-16);
      const ct = new Uint8Array(256 * 16).map((_, i) => (i >> 4) ^ last[i & 15]!);
      const got = h.run(ct, (io) => h.k.ecbDecrypt(h.slot, io, ct.length));
      expect(hex(got), `${seedNote} kl=${kl}`).toBe(hex(nodeCrypt("ecb", key, null, ct, true)));
    }
  });
});

// ---------------------------------------------------------------------------------------------
// The test-only plain AES (the oracle) and the block cipher of the core

describe("reference AES block cipher (FIPS 197)", () => {
  const plaintext = unhex("00112233445566778899aabbccddeeff");
  const appendixC = [
    { name: "C.1 AES-128", key: "000102030405060708090a0b0c0d0e0f", ct: "69c4e0d86a7b0430d8cdb78070b4c55a" },
    { name: "C.2 AES-192", key: "000102030405060708090a0b0c0d0e0f1011121314151617", ct: "dda97ca4864cdfe06eaf70a0ec0d7191" },
    {
      name: "C.3 AES-256",
      key: "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
      ct: "8ea2b7ca516745bfeafc49904b496089",
    },
  ];

  it("plain oracle S-box: spot values and a permutation with the inverse S-box as its inverse", () => {
    const { sbox, invSbox } = sboxTables();
    expect(sbox[0x00]).toBe(0x63);
    expect(sbox[0x01]).toBe(0x7c);
    expect(sbox[0x53]).toBe(0xed); // FIPS 197 §5.1.1 example
    expect(sbox[0xff]).toBe(0x16);
    expect(new Set(sbox).size).toBe(256);
    for (let x = 0; x < 256; x++) expect(invSbox[sbox[x]!]).toBe(x);
  });

  it("key expansion: last words of FIPS 197 Appendix A.1/A.2/A.3", () => {
    const cases = [
      { key: "2b7e151628aed2a6abf7158809cf4f3c", last: "b6630ca6" },
      { key: "8e73b0f7da0e6452c810f32b809079e562f8ead2522c6b7b", last: "01002202" },
      { key: "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4", last: "706c631e" },
    ];
    for (const { key, last } of cases) {
      const k = unhex(key);
      const w = expandKeyBytes(k);
      expect(w.length).toBe((k.length / 4 + 7) * 16);
      expect(hex(w.subarray(0, k.length))).toBe(key);
      expect(hex(w.subarray(w.length - 4))).toBe(last);
    }
  });

  it("rejects bad key lengths", () => {
    for (const n of [0, 8, 15, 17, 20, 31, 33, 64]) expect(() => expandKeyBytes(new Uint8Array(n))).toThrow(RangeError);
  });

  for (const { name, key, ct } of appendixC) {
    it(`FIPS 197 Appendix ${name}: encrypt and decrypt`, () => {
      const k = unhex(key);
      const rk = expandKeyBytes(k);
      const nr = k.length / 4 + 6;
      const out = new Uint8Array(16);
      encryptBlockRef(rk, nr, plaintext, out);
      expect(hex(out)).toBe(ct);
      decryptBlockRef(rk, nr, out, out); // in place
      expect(hex(out)).toBe(hex(plaintext));
    });

    it(`FIPS 197 Appendix ${name} through the core's encryptOne/decryptOne`, () => {
      const h = new Harness(createReferenceCore());
      const k = unhex(key);
      expect(h.setKey(k)).toBe(k.length / 4 + 6);
      const src = h.L.IO + 100;
      const dst = h.L.IO + 300;
      h.mem.set(plaintext, src);
      h.k.encryptOne(h.slot, src, dst);
      expect(hex(h.mem.slice(dst, dst + 16))).toBe(ct);
      h.k.decryptOne(h.slot, dst, dst);
      expect(hex(h.mem.slice(dst, dst + 16))).toBe(hex(plaintext));
    });
  }

  it("core encryptOne/decryptOne and the plain oracle match aes-*-ecb on random blocks for all key sizes", () => {
    const h = new Harness(createReferenceCore());
    for (const kl of KEY_LENGTHS) {
      for (let t = 0; t < 40; t++) {
        const key = randBytes(kl);
        const block = randBytes(16);
        const rk = expandKeyBytes(key);
        const out = new Uint8Array(16);
        encryptBlockRef(rk, kl / 4 + 6, block, out);
        expect(hex(out), seedNote).toBe(hex(nodeCrypt("ecb", key, null, block, false)));
        decryptBlockRef(rk, kl / 4 + 6, out, out);
        expect(hex(out), seedNote).toBe(hex(block));
        // The core, in place and out of place, at unaligned addresses.
        h.setKey(key);
        const src = h.L.IO + randInt(0, 40), dst = h.L.IO + 64 + randInt(0, 40);
        h.mem.set(block, src);
        h.k.encryptOne(h.slot, src, dst);
        const ct = h.mem.slice(dst, dst + 16);
        expect(hex(ct), seedNote).toBe(hex(nodeCrypt("ecb", key, null, block, false)));
        h.k.decryptOne(h.slot, dst, dst);
        expect(hex(h.mem.slice(dst, dst + 16)), seedNote).toBe(hex(block));
      }
    }
  });
});

// ---------------------------------------------------------------------------------------------
// The core: memory, layout, slots

describe("reference core: memory, layout and slots", () => {
  it("memory map (its own 576-byte key slot; IO and state slot fields as the host expects) and a 4-page initial memory", () => {
    const core = createReferenceCore();
    const { OCB_SLOT_SIZE, ...fixed } = core.layout;
    expect(fixed).toEqual({
      IO: 0x10000, IO_SIZE: 0x10000, KEY_SLOT_SIZE: 576, STATE_SLOT_SIZE: 64,
      KEY_ENC: 0, KEY_DEC: 256, KEY_ROUNDS: 496, KEY_RAW: 512,
      STATE_REG: 0, STATE_KS: 16, STATE_CTR_MASK: 32, STATE_POS: 48,
    });
    expect(OCB_SLOT_SIZE % 64).toBe(0); // slots stay 64-byte aligned
    expect(OCB_SLOT_SIZE).toBeGreaterThan(0);
    expect(core.kernels.heapBase()).toBe(0x20000);
    expect(core.memory.buffer.byteLength).toBe(4 * 65536);
  });

  it("grow() returns the old page count, keeps the contents and replaces the buffer", () => {
    const core = createReferenceCore();
    const before = core.memory.buffer;
    const marker = randBytes(64);
    new Uint8Array(before).set(marker, 0x3ffc0);
    expect(core.memory.grow(0)).toBe(4);
    expect(core.memory.grow(3)).toBe(4);
    expect(core.memory.buffer).not.toBe(before);
    expect(core.memory.buffer.byteLength).toBe(7 * 65536);
    expect(hex(new Uint8Array(core.memory.buffer, 0x3ffc0, 64))).toBe(hex(marker));
    expect(() => core.memory.grow(-1)).toThrow(RangeError);
    expect(() => core.memory.grow(70000)).toThrow(RangeError);
  });

  it("kernels use the current buffer after grow (slots in the new pages)", () => {
    const core = createReferenceCore();
    const oldBuffer = core.memory.buffer;
    const oldCopy = new Uint8Array(oldBuffer).slice();
    const h = new Harness(core, 0x40000 + 64 * 5); // beyond the initial 4 pages: forces grow
    expect(core.memory.buffer.byteLength).toBeGreaterThan(0x40000);
    const key = randBytes(16);
    const iv = randBytes(16);
    const data = randBytes(100);
    expect(h.setKey(key)).toBe(10);
    h.setState(iv);
    const out = h.run(data, (io) => h.k.ctr(h.slot, h.state, io, data.length));
    expect(hex(out), seedNote).toBe(hex(nodeCrypt("ctr", key, iv, data, false)));
    expect(hex(new Uint8Array(oldBuffer)), "old buffer must not be written").toBe(hex(oldCopy));
  });

  it("expandKey: Nr at KEY_ROUNDS, 0 and no writes for a bad length; wiped slots are reusable", () => {
    const h = new Harness(createReferenceCore());
    for (const kl of KEY_LENGTHS) {
      expect(h.setKey(randBytes(kl))).toBe(kl / 4 + 6);
      expect(new DataView(h.core.memory.buffer).getUint32(h.slot + h.L.KEY_ROUNDS, true)).toBe(kl / 4 + 6);
    }
    const before = h.mem.slice(h.slot, h.slot + h.L.KEY_SLOT_SIZE);
    for (const bad of [0, 1, 15, 17, 23, 25, 31, 33, 48]) {
      expect(h.setKey(randBytes(bad))).toBe(0);
      expect(hex(h.mem.slice(h.slot, h.slot + h.L.KEY_SLOT_SIZE))).toBe(hex(before));
    }
    // No copy of the raw key, nor of any FIPS 197 round key word, stays in the slot: it holds
    // bitsliced round keys only. (4-byte words of the schedule: a coincidental match of a
    // random 32-bit word is ~2^-32 per position.)
    for (const kl of KEY_LENGTHS) {
      const key = randBytes(kl);
      h.setKey(key);
      const slot = h.mem.slice(h.slot, h.slot + h.L.KEY_SLOT_SIZE);
      const schedule = expandKeyBytes(key);
      const words = new Set<string>();
      for (let i = 0; i < schedule.length; i += 4) words.add(hex(schedule.subarray(i, i + 4)));
      for (let i = 0; i + 4 <= h.L.KEY_ROUNDS; i++) expect(words.has(hex(slot.subarray(i, i + 4))), `${seedNote} kl=${kl} at ${i}`).toBe(false);
      expect(hex(slot.subarray(8 * 4 * (kl / 4 + 7), h.L.KEY_ROUNDS)), "the rest of the key area is zero").toBe("00".repeat(h.L.KEY_ROUNDS - 32 * (kl / 4 + 7)));
    }
    // Wipe with zeros (as the host does), then reuse the slot with another key.
    for (const kl of [32, 16, 24]) {
      h.mem.fill(0, h.slot, h.slot + h.L.KEY_SLOT_SIZE);
      const key = randBytes(kl);
      h.setKey(key);
      const data = randBytes(64);
      const out = h.run(data, (io) => h.k.ecbEncrypt(h.slot, io, data.length));
      expect(hex(out), seedNote).toBe(hex(nodeCrypt("ecb", key, null, data, false)));
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Every kernel against node:crypto, for every key size

// Around one block, a lane pair (32 bytes: the core encrypts two blocks per call where it can)
// and 8 blocks (the WASM core's bitsliced group), and a few longer ones.
const STREAM_LENGTHS = [0, 1, 15, 16, 17, 31, 32, 33, 47, 48, 49, 63, 64, 65, 100, 127, 128, 129, 143, 144, 145, 1000];
const STREAM_SPLITS = [1, 3, 16, 5, 27, 0, 13, 64, 2, 40]; // then the rest
const BLOCK_LENGTHS = [0, 16, 32, 48, 64, 112, 128, 144, 160, 240, 256, 272, 2048];

/** The register after `data` when the chaining value is the last 16 ciphertext bytes. */
const lastBlock = (b: Uint8Array): Uint8Array => b.slice(b.length - 16);

for (const kl of KEY_LENGTHS) {
  describe(`reference core vs node:crypto, AES-${kl * 8}`, () => {
    const fresh = (): { h: Harness; key: Uint8Array; iv: Uint8Array } => {
      const h = new Harness(createReferenceCore());
      const key = randBytes(kl);
      expect(h.setKey(key)).toBe(kl / 4 + 6);
      return { h, key, iv: randBytes(16) };
    };

    it("ECB encrypt/decrypt", () => {
      const { h, key } = fresh();
      for (const len of BLOCK_LENGTHS) {
        const data = randBytes(len);
        const enc = h.run(data, (io) => h.k.ecbEncrypt(h.slot, io, len));
        expect(hex(enc), `${seedNote} len=${len}`).toBe(hex(nodeCrypt("ecb", key, null, data, false)));
        const dec = h.run(enc, (io) => h.k.ecbDecrypt(h.slot, io, len));
        expect(hex(dec), `${seedNote} len=${len}`).toBe(hex(data));
      }
    });

    it("CBC encrypt/decrypt, register = last ciphertext block, resumable at block boundaries", () => {
      const { h, key, iv } = fresh();
      for (const len of BLOCK_LENGTHS) {
        const data = randBytes(len);
        const expected = nodeCrypt("cbc", key, iv, data, false);
        h.setState(iv);
        const enc = h.run(data, (io) => h.k.cbcEncrypt(h.slot, h.state, io, len));
        expect(hex(enc), `${seedNote} len=${len}`).toBe(hex(expected));
        expect(hex(h.reg())).toBe(hex(len ? lastBlock(expected) : iv));
        h.setState(iv);
        const dec = h.run(enc, (io) => h.k.cbcDecrypt(h.slot, h.state, io, len));
        expect(hex(dec), `${seedNote} len=${len}`).toBe(hex(data));
        expect(hex(h.reg())).toBe(hex(len ? lastBlock(expected) : iv));
      }
      const data = randBytes(16 * 20);
      const expected = nodeCrypt("cbc", key, iv, data, false);
      h.setState(iv);
      expect(hex(h.runSplit("cbcEncrypt", data, [16, 0, 48, 32, 160])), seedNote).toBe(hex(expected));
      h.setState(iv);
      expect(hex(h.runSplit("cbcDecrypt", expected, [32, 16, 0, 208])), seedNote).toBe(hex(data));
    });

    for (const [mode, encK, decK] of [
      ["cfb", "cfbEncrypt", "cfbDecrypt"],
      ["ofb", "ofb", "ofb"],
    ] as const) {
      it(`${mode.toUpperCase()}${mode === "cfb" ? "128" : ""}: any length, STATE_POS, resuming at odd split points`, () => {
        const { h, key, iv } = fresh();
        for (const len of STREAM_LENGTHS) {
          const data = randBytes(len);
          const expected = nodeCrypt(mode, key, iv, data, false);
          h.setState(iv);
          const enc = h.run(data, (io) => h.k[encK](h.slot, h.state, io, len));
          expect(hex(enc), `${seedNote} len=${len}`).toBe(hex(expected));
          expect(h.pos()).toBe(len % 16);
          if (len % 16 === 0 && len > 0) {
            // At a block boundary the register is the next feedback input: the last
            // ciphertext block (CFB) or the last output block (OFB).
            const last = mode === "cfb" ? lastBlock(expected) : lastBlock(expected).map((c, i) => c ^ data[len - 16 + i]!);
            expect(hex(h.reg())).toBe(hex(last));
          }
          h.setState(iv);
          const dec = h.run(expected, (io) => h.k[decK](h.slot, h.state, io, len));
          expect(hex(dec), `${seedNote} len=${len}`).toBe(hex(data));
          expect(h.pos()).toBe(len % 16);
        }
        const data = randBytes(333);
        const expected = nodeCrypt(mode, key, iv, data, false);
        h.setState(iv);
        expect(hex(h.runSplit(encK, data, STREAM_SPLITS)), seedNote).toBe(hex(expected));
        expect(h.pos()).toBe(333 % 16);
        h.setState(iv);
        expect(hex(h.runSplit(decK, expected, [7, 9, 1, 0, 15, 17, 100])), seedNote).toBe(hex(data));
        // Node/OpenSSL decrypting agrees too.
        expect(hex(nodeCrypt(mode, key, iv, expected, true))).toBe(hex(data));
      });
    }

    it("CFB8: any length, register = last 16 ciphertext bytes, resumable, KS untouched", () => {
      const { h, key, iv } = fresh();
      for (const len of [0, 1, 2, 3, 7, 15, 16, 17, 31, 32, 33, 127, 128, 129, 200]) {
        const data = randBytes(len);
        const expected = nodeCrypt("cfb8", key, iv, data, false);
        h.setState(iv);
        const enc = h.run(data, (io) => h.k.cfb8Encrypt(h.slot, h.state, io, len));
        expect(hex(enc), `${seedNote} len=${len}`).toBe(hex(expected));
        expect(hex(h.reg())).toBe(hex(concat([iv, expected]).slice(len)));
        expect(hex(h.ks())).toBe("00".repeat(16));
        h.setState(iv);
        const dec = h.run(expected, (io) => h.k.cfb8Decrypt(h.slot, h.state, io, len));
        expect(hex(dec), `${seedNote} len=${len}`).toBe(hex(data));
        expect(hex(h.reg())).toBe(hex(concat([iv, expected]).slice(len)));
      }
      const data = randBytes(150);
      const expected = nodeCrypt("cfb8", key, iv, data, false);
      h.setState(iv);
      expect(hex(h.runSplit("cfb8Encrypt", data, [1, 3, 16, 5, 27, 0, 13])), seedNote).toBe(hex(expected));
      h.setState(iv);
      expect(hex(h.runSplit("cfb8Decrypt", expected, [17, 2, 0, 31])), seedNote).toBe(hex(data));
    });

    it("CFB1: whole bytes vs node, partial bit counts leave later bits untouched, resumable", () => {
      const { h, key, iv } = fresh();
      const cfb1 = (kernel: "cfb1Encrypt" | "cfb1Decrypt", bytes: Uint8Array, nbits: number, at = 0): Uint8Array =>
        h.run(bytes, (io) => h.k[kernel](h.slot, h.state, io + at, nbits));
      for (const len of [0, 1, 2, 3, 15, 16, 17, 33, 40]) {
        const data = randBytes(len);
        const expected = nodeCrypt("cfb1", key, iv, data, false);
        h.setState(iv);
        expect(hex(cfb1("cfb1Encrypt", data, 8 * len)), `${seedNote} len=${len}`).toBe(hex(expected));
        expect(hex(h.reg())).toBe(hex(concat([iv, expected]).slice(len)));
        expect(hex(h.ks())).toBe("00".repeat(16));
        h.setState(iv);
        expect(hex(cfb1("cfb1Decrypt", expected, 8 * len)), `${seedNote} len=${len}`).toBe(hex(data));
      }
      // nbits not a multiple of 8: the first nbits bits match (CFB1 is a bit stream, so a
      // prefix of the output is the output of the prefix); the bits after them are unchanged.
      const keepFirstBits = (fromOut: Uint8Array, fromIn: Uint8Array, nbits: number): Uint8Array =>
        fromIn.map((x, i) => {
          const taken = Math.max(0, Math.min(8, nbits - 8 * i)); // bits of byte i from the output
          const hiMask = (0xff00 >> taken) & 0xff;
          return (fromOut[i]! & hiMask) | (x & ~hiMask & 0xff);
        });
      for (const nbits of [1, 2, 3, 5, 7, 9, 13, 100, 127, 128, 129]) {
        const data = randBytes(Math.ceil(nbits / 8) + 2);
        const full = nodeCrypt("cfb1", key, iv, data, false);
        h.setState(iv);
        const enc = cfb1("cfb1Encrypt", data, nbits);
        expect(hex(enc), `${seedNote} nbits=${nbits}`).toBe(hex(keepFirstBits(full, data, nbits)));
        h.setState(iv);
        const dec = cfb1("cfb1Decrypt", enc, nbits);
        expect(hex(dec), `${seedNote} nbits=${nbits}`).toBe(hex(data));
      }
      // Resume: whole-byte calls, then a final call with a partial bit count.
      const data = randBytes(12);
      const full = nodeCrypt("cfb1", key, iv, data, false);
      h.setState(iv);
      const mem = () => h.mem;
      mem().set(data, h.L.IO);
      let bitAt = 0;
      for (const nbits of [24, 8, 0, 40, 13]) {
        h.k.cfb1Encrypt(h.slot, h.state, h.L.IO + bitAt / 8, nbits);
        bitAt += nbits;
      }
      const got = mem().slice(h.L.IO, h.L.IO + data.length);
      expect(hex(got), seedNote).toBe(hex(keepFirstBits(full, data, bitAt)));
    });

    it("CTR with the all-ones mask: vs node aes-ctr, 128-bit wrap, register and STATE_POS, resumable", () => {
      const { h, key, iv } = fresh();
      // Carries out of each 32-bit word of the counter (the core increments word-wise, branch-free).
      const carries = ["000000000000000000000000fffffffe", "0123456789abcdef00000000fffffffd", "00000000fffffffffffffffffffffffe"];
      const nearWrap = unhex("fffffffffffffffffffffffffffffffe");
      for (const start of [iv, nearWrap, ...carries.map(unhex)]) {
        for (const len of STREAM_LENGTHS) {
          const data = randBytes(len);
          const expected = nodeCrypt("ctr", key, start, data, false);
          h.setState(start);
          const out = h.run(data, (io) => h.k.ctr(h.slot, h.state, io, len));
          expect(hex(out), `${seedNote} len=${len}`).toBe(hex(expected));
          expect(h.pos()).toBe(len % 16);
          const next = (toBig(start) + BigInt(Math.ceil(len / 16))) % (1n << 128n);
          expect(hex(h.reg()), `len=${len}`).toBe(hex(fromBig(next)));
          // CTR is its own inverse
          h.setState(start);
          expect(hex(h.run(out, (io) => h.k.ctr(h.slot, h.state, io, len)))).toBe(hex(data));
        }
        const data = randBytes(333);
        h.setState(start);
        expect(hex(h.runSplit("ctr", data, STREAM_SPLITS)), seedNote).toBe(hex(nodeCrypt("ctr", key, start, data, false)));
        expect(h.pos()).toBe(333 % 16);
      }
    });

    it("CTR with low-bit masks (WebCrypto length): counter wraps within the mask, other bits fixed", async () => {
      const { h, key } = fresh();
      const subtleKey = await webcrypto.subtle.importKey("raw", key, "AES-CTR", false, ["encrypt"]);
      for (const length of [16, 32, 64, 128]) {
        // Start a few blocks before the masked counter wraps, with random bits above it.
        const above = toBig(randBytes(16)) & ~((1n << BigInt(length)) - 1n) & ((1n << 128n) - 1n);
        const start = fromBig(above | ((1n << BigInt(length)) - 3n));
        for (const len of [0, 1, 16, 47, 48, 49, 100, 300]) {
          const data = randBytes(len);
          const expected = expectedCtr(key, start, length, data);
          h.setState(start, lowBitsMask(length));
          const out = h.run(data, (io) => h.k.ctr(h.slot, h.state, io, len));
          expect(hex(out), `${seedNote} length=${length} len=${len}`).toBe(hex(expected));
          const subtle = new Uint8Array(
            await webcrypto.subtle.encrypt({ name: "AES-CTR", counter: start, length }, subtleKey, data),
          );
          expect(hex(subtle), "WebCrypto agrees with expectedCtr").toBe(hex(expected));
          if (length === 128) expect(hex(expected)).toBe(hex(nodeCrypt("ctr", key, start, data, false)));
          // The register is the next counter block; the bits above the mask never change.
          const modulus = 1n << BigInt(length);
          const next = above | ((toBig(start) + BigInt(Math.ceil(len / 16))) % modulus);
          expect(hex(h.reg()), `length=${length} len=${len}`).toBe(hex(fromBig(next)));
          expect(hex(h.stateBytes().subarray(32, 48))).toBe(hex(lowBitsMask(length)));
        }
        const data = randBytes(333);
        h.setState(start, lowBitsMask(length));
        expect(hex(h.runSplit("ctr", data, STREAM_SPLITS)), `${seedNote} length=${length}`).toBe(
          hex(expectedCtr(key, start, length, data)),
        );
      }
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Every length around the lane-pair and 8-block edges, one shot, for every mode and key size

const SWEEP = [...Array(41).keys(), ...Array.from({ length: 17 }, (_, i) => 120 + i), ...Array.from({ length: 9 }, (_, i) => 250 + i)];
const SWEEP_BLOCKS = Array.from({ length: 21 }, (_, i) => 16 * i);

describe("reference core vs node:crypto: length sweep (0..40, 120..136, 250..258 bytes; 0..20 blocks)", () => {
  for (const kl of KEY_LENGTHS) {
    it(`AES-${kl * 8}: ECB, CBC, CFB128, CFB8, CFB1, OFB, CTR encrypt and decrypt`, () => {
      const h = new Harness(createReferenceCore());
      const key = randBytes(kl);
      h.setKey(key);
      const iv = randBytes(16);
      for (const len of SWEEP_BLOCKS) {
        const data = randBytes(len);
        const ctx = `${seedNote} kl=${kl} len=${len}`;
        const ecb = nodeCrypt("ecb", key, null, data, false);
        expect(hex(h.run(data, (io) => h.k.ecbEncrypt(h.slot, io, len))), `ECB ${ctx}`).toBe(hex(ecb));
        expect(hex(h.run(ecb, (io) => h.k.ecbDecrypt(h.slot, io, len))), `ECB-dec ${ctx}`).toBe(hex(data));
        const cbc = nodeCrypt("cbc", key, iv, data, false);
        h.setState(iv);
        expect(hex(h.run(data, (io) => h.k.cbcEncrypt(h.slot, h.state, io, len))), `CBC ${ctx}`).toBe(hex(cbc));
        h.setState(iv);
        expect(hex(h.run(cbc, (io) => h.k.cbcDecrypt(h.slot, h.state, io, len))), `CBC-dec ${ctx}`).toBe(hex(data));
      }
      const stream: [NodeMode, ModeKernel, ModeKernel][] = [
        ["cfb", "cfbEncrypt", "cfbDecrypt"], ["cfb8", "cfb8Encrypt", "cfb8Decrypt"], ["ofb", "ofb", "ofb"], ["ctr", "ctr", "ctr"],
      ];
      for (const len of SWEEP) {
        const data = randBytes(len);
        const ctx = `${seedNote} kl=${kl} len=${len}`;
        for (const [mode, enc, dec] of stream) {
          const want = nodeCrypt(mode, key, iv, data, false);
          h.setState(iv);
          expect(hex(h.run(data, (io) => h.k[enc](h.slot, h.state, io, len))), `${mode} ${ctx}`).toBe(hex(want));
          h.setState(iv);
          expect(hex(h.run(want, (io) => h.k[dec](h.slot, h.state, io, len))), `${mode}-dec ${ctx}`).toBe(hex(data));
        }
        if (len <= 40) {
          const want = nodeCrypt("cfb1", key, iv, data, false);
          h.setState(iv);
          expect(hex(h.run(data, (io) => h.k.cfb1Encrypt(h.slot, h.state, io, 8 * len))), `cfb1 ${ctx}`).toBe(hex(want));
          h.setState(iv);
          expect(hex(h.run(want, (io) => h.k.cfb1Decrypt(h.slot, h.state, io, 8 * len))), `cfb1-dec ${ctx}`).toBe(hex(data));
        }
      }
    });
  }
});

// ---------------------------------------------------------------------------------------------
// GHASH: against the bit-by-bit multiply, and whole GCM tags against node:crypto

describe("reference core GHASH (constant-time carry-less multiply)", () => {
  /** A GCM slot after the key block; returns its address. */
  const gcmSlot = (h: Harness): number => {
    const at = (h.state + h.L.STATE_SLOT_SIZE + 63) & ~63;
    const need = at + h.k.gcmSlotSize();
    const have = h.core.memory.buffer.byteLength;
    if (need > have) h.core.memory.grow(Math.ceil((need - have) / 65536));
    return at;
  };

  it("one multiply (Y = X·H) on edge and random values vs SP 800-38D Algorithm 1", () => {
    const h = new Harness(createReferenceCore());
    const gcm = gcmSlot(h);
    const edges = ["00".repeat(16), "80" + "00".repeat(15), "00".repeat(15) + "01", "ff".repeat(16), "00".repeat(15) + "80", "01" + "00".repeat(15)].map(unhex);
    const values = [...edges, ...Array.from({ length: 60 }, () => randBytes(16))];
    for (let t = 0; t < 200; t++) {
      const H = values[t % values.length]!, X = values[(t * 7 + 3) % values.length]!;
      h.mem.set(H, h.L.IO);
      h.k.ghashSetup(gcm, h.L.IO);
      h.mem.fill(0, gcm + GCM_ACC, gcm + GCM_ACC + 16);
      h.mem.set(X, h.L.IO + 16);
      h.k.ghash(gcm, gcm + GCM_ACC, h.L.IO + 16, 16);
      expect(hex(h.mem.slice(gcm + GCM_ACC, gcm + GCM_ACC + 16)), `${seedNote} t=${t}`).toBe(hex(gfMultiply(X, H)));
    }
  });

  it("GHASH over 0..40 blocks, resumed across calls, accumulator anywhere, vs the bitwise oracle", () => {
    const h = new Harness(createReferenceCore());
    const gcm = gcmSlot(h);
    for (let nblocks = 0; nblocks <= 40; nblocks++) {
      const H = randBytes(16), y0 = randBytes(16), data = randBytes(16 * nblocks);
      h.mem.set(H, h.L.IO + 1000);
      h.k.ghashSetup(gcm, h.L.IO + 1000);
      const acc = nblocks % 2 ? gcm + GCM_ACC : h.L.IO + 2000 + (nblocks % 5); // any address, unaligned too
      h.mem.set(y0, acc);
      const io = h.L.IO + (nblocks % 7);
      h.mem.set(data, io);
      const cut = 16 * Math.floor(nblocks / 3);
      h.k.ghash(gcm, acc, io, cut);
      h.k.ghash(gcm, acc, io + cut, data.length - cut);
      expect(hex(h.mem.slice(acc, acc + 16)), `${seedNote} blocks=${nblocks}`).toBe(hex(ghashBlocks(H, y0, data)));
      expect(hex(h.mem.slice(io, io + data.length)), "data is not modified").toBe(hex(data));
    }
  });

  it("GCM tags (12-byte IV, AAD, any length) built from the core's kernels match node's aes-*-gcm", () => {
    for (const kl of KEY_LENGTHS) {
      const h = new Harness(createReferenceCore());
      const gcm = gcmSlot(h);
      for (const [aadLen, len] of [[0, 0], [0, 16], [13, 1], [16, 31], [20, 32], [0, 33], [5, 127], [64, 128], [1, 129], [0, 1000]] as const) {
        const key = randBytes(kl), iv = randBytes(12), aad = randBytes(aadLen), pt = randBytes(len);
        const c = createCipheriv(`aes-${kl * 8}-gcm` as CipherGCMTypes, key, iv);
        c.setAAD(aad);
        const ct = concat([c.update(pt), c.final()]);
        const tag = c.getAuthTag();
        // H = E(0); J0 = IV || 0^31 1; C = CTR from inc32(J0); S = GHASH(A pad, C pad, lengths); T = E(J0) ^ S.
        h.setKey(key);
        h.mem.fill(0, h.L.IO, h.L.IO + 16);
        h.k.encryptOne(h.slot, h.L.IO, h.L.IO);
        h.k.ghashSetup(gcm, h.L.IO);
        const j0 = concat([iv, unhex("00000001")]);
        h.setState(concat([iv, unhex("00000002")]), lowBitsMask(32));
        const ours = h.run(pt, (io) => h.k.ctr(h.slot, h.state, io, len));
        expect(hex(ours), `${seedNote} kl=${kl} len=${len}`).toBe(hex(ct));
        const pad = (b: Uint8Array) => concat([b, new Uint8Array((16 - (b.length % 16)) % 16)]);
        const lengths = new Uint8Array(16);
        new DataView(lengths.buffer).setBigUint64(0, BigInt(aadLen * 8));
        new DataView(lengths.buffer).setBigUint64(8, BigInt(len * 8));
        const input = concat([pad(aad), pad(ours), lengths]);
        h.mem.fill(0, gcm + GCM_ACC, gcm + GCM_ACC + 16);
        h.mem.set(input, h.L.IO);
        h.k.ghash(gcm, gcm + GCM_ACC, h.L.IO, input.length);
        const s = h.mem.slice(gcm + GCM_ACC, gcm + GCM_ACC + 16);
        h.mem.set(j0, h.L.IO);
        h.k.encryptOne(h.slot, h.L.IO, h.L.IO);
        const t = h.mem.slice(h.L.IO, h.L.IO + 16).map((x, i) => x ^ s[i]!);
        expect(hex(t), `${seedNote} tag kl=${kl} aad=${aadLen} len=${len}`).toBe(hex(tag));
      }
    }
  });
});

// ---------------------------------------------------------------------------------------------
// No key material or data left in the core's module-level scratch

describe("reference core scratch is wiped after every kernel", () => {
  it("round keys and block lanes are zero after each kind of call", () => {
    const h = new Harness(createReferenceCore());
    h.setKey(randBytes(32));
    const zero = (what: string) => {
      expect(RK.every((x) => x === 0), `RK after ${what}`).toBe(true);
      expect(BLK.every((x) => x === 0), `BLK after ${what}`).toBe(true);
    };
    zero("expandKey");
    const data = randBytes(100);
    const io = h.L.IO;
    h.mem.set(data, io);
    h.k.encryptOne(h.slot, io, io); zero("encryptOne");
    h.k.decryptOne(h.slot, io, io); zero("decryptOne");
    h.k.ecbEncrypt(h.slot, io, 96); zero("ecbEncrypt");
    h.k.ecbDecrypt(h.slot, io, 96); zero("ecbDecrypt");
    for (const name of ["cbcEncrypt", "cbcDecrypt"] as const) {
      h.setState(randBytes(16));
      h.k[name](h.slot, h.state, io, 96); zero(name);
    }
    for (const name of ["cfbEncrypt", "cfbDecrypt", "cfb8Encrypt", "cfb8Decrypt", "cfb1Encrypt", "cfb1Decrypt", "ofb", "ctr"] as const) {
      h.setState(randBytes(16));
      h.k[name](h.slot, h.state, io, 37); zero(name);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Differential: the reference core against the compiled WASM core

const wasmPath = fileURLToPath(new URL("../build/aes.wasm", import.meta.url));
const LAYOUT_NAMES = [
  "IO", "IO_SIZE", "KEY_SLOT_SIZE", "STATE_SLOT_SIZE", "KEY_ENC", "KEY_DEC", "KEY_ROUNDS", "KEY_RAW",
  "STATE_REG", "STATE_KS", "STATE_CTR_MASK", "STATE_POS", "OCB_SLOT_SIZE",
] as const;

async function instantiateWasmCore(): Promise<CoreInstance> {
  const { instance } = await WebAssembly.instantiate(readFileSync(wasmPath), {});
  const e = instance.exports as Record<string, unknown>;
  const layout = {} as Record<(typeof LAYOUT_NAMES)[number], number>;
  for (const name of LAYOUT_NAMES) layout[name] = Number((e[name] as WebAssembly.Global).value);
  return {
    kernels: e as unknown as CoreKernels,
    memory: e.memory as WebAssembly.Memory,
    layout,
  };
}

describe.skipIf(!existsSync(wasmPath))("differential: reference core vs build/aes.wasm", () => {
  type Pair = { ref: Harness; wasm: Harness };
  const makePair = async (): Promise<Pair> => ({
    ref: new Harness(createReferenceCore()),
    wasm: new Harness(await instantiateWasmCore()),
  });

  /** Puts the same bytes at the same offset (relative to `base`) in both memories. */
  const setBoth = (p: Pair, where: (h: Harness) => number, bytes: Uint8Array): void => {
    p.ref.mem.set(bytes, where(p.ref));
    p.wasm.mem.set(bytes, where(p.wasm));
  };

  /** A random state slot; `mask` picks the CTR mask style. */
  const randomState = (pos: number): Uint8Array => {
    const s = randBytes(64);
    const maskKind = randInt(0, 3);
    const mask = maskKind === 0 ? ALL_ONES : maskKind === 1 ? lowBitsMask([16, 32, 64][randInt(0, 2)]!) : maskKind === 2 ? s.slice(32, 48) : new Uint8Array(16);
    s.set(mask, 32);
    if (maskKind === 1) {
      // Put the counter a few blocks before its low 16 bits wrap.
      s[14] = 0xff;
      s[15] = randInt(0xf0, 0xff);
    }
    new DataView(s.buffer).setUint32(48, pos, true);
    return s;
  };

  it("agrees on the IO window and the state slot fields (each core has its own key slot format)", async () => {
    const p = await makePair();
    for (const name of ["IO", "IO_SIZE", "STATE_SLOT_SIZE", "KEY_ENC", "STATE_REG", "STATE_KS", "STATE_CTR_MASK", "STATE_POS"] as const) {
      expect(p.ref.L[name], name).toBe(p.wasm.L[name]);
    }
    for (const L of [p.ref.L, p.wasm.L]) expect(L.KEY_ROUNDS + 4).toBeLessThanOrEqual(L.KEY_SLOT_SIZE);
  });

  it("expandKey returns the same Nr (and 0 for bad lengths) and encryptOne/decryptOne agree", async () => {
    const p = await makePair();
    for (const kl of [16, 24, 32, 0, 8, 20, 33]) {
      const key = randBytes(kl);
      const nr = p.ref.setKey(key);
      expect(p.wasm.setKey(key)).toBe(nr);
      if (nr === 0) continue;
      const rounds = (h: Harness) => new DataView(h.core.memory.buffer).getUint32(h.slot + h.L.KEY_ROUNDS, true);
      expect(rounds(p.wasm)).toBe(rounds(p.ref));
      for (let t = 0; t < 10; t++) {
        const block = randBytes(16);
        const src = randInt(0, 200);
        const dst = randInt(0, 200);
        for (const op of ["encryptOne", "decryptOne"] as const) {
          setBoth(p, (h) => h.L.IO + src, block);
          p.ref.k[op](p.ref.slot, p.ref.L.IO + src, p.ref.L.IO + dst);
          p.wasm.k[op](p.wasm.slot, p.wasm.L.IO + src, p.wasm.L.IO + dst);
          const view = (h: Harness) => hex(h.mem.subarray(h.L.IO, h.L.IO + 256));
          expect(view(p.ref), `${seedNote} ${op} kl=${kl}`).toBe(view(p.wasm));
        }
      }
    }
  });

  const kernels: { name: keyof CoreKernels; unit: "block" | "byte" | "bit"; usesState: boolean }[] = [
    { name: "ecbEncrypt", unit: "block", usesState: false },
    { name: "ecbDecrypt", unit: "block", usesState: false },
    { name: "cbcEncrypt", unit: "block", usesState: true },
    { name: "cbcDecrypt", unit: "block", usesState: true },
    { name: "cfbEncrypt", unit: "byte", usesState: true },
    { name: "cfbDecrypt", unit: "byte", usesState: true },
    { name: "cfb8Encrypt", unit: "byte", usesState: true },
    { name: "cfb8Decrypt", unit: "byte", usesState: true },
    { name: "cfb1Encrypt", unit: "bit", usesState: true },
    { name: "cfb1Decrypt", unit: "bit", usesState: true },
    { name: "ofb", unit: "byte", usesState: true },
    { name: "ctr", unit: "byte", usesState: true },
  ];

  for (const { name, unit, usesState } of kernels) {
    it(`${name}: same output and state slot on random keys, states, lengths and call sequences`, async () => {
      const p = await makePair();
      for (let trial = 0; trial < 25; trial++) {
        const kl = KEY_LENGTHS[randInt(0, 2)]!;
        const key = randBytes(kl);
        expect(p.wasm.setKey(key)).toBe(p.ref.setKey(key));
        // Random register, keystream, mask and (for stream modes) a mid-block position.
        setBoth(p, (h) => h.state, randomState(randInt(0, 15)));
        const calls = randInt(1, 4);
        for (let c = 0; c < calls; c++) {
          const big = randInt(0, 9) === 0;
          const len =
            unit === "block" ? 16 * randInt(0, big ? 64 : 5)
            : unit === "byte" ? randInt(0, big ? (name.startsWith("cfb8") ? 300 : 1500) : 40)
            : randInt(0, big ? 700 : 40); // bits
          const span = unit === "bit" ? Math.ceil(len / 8) : len;
          const offset = randInt(0, 7); // unaligned io is allowed
          const window = randBytes(offset + span + 16);
          setBoth(p, (h) => h.L.IO, window);
          const run = (h: Harness): void => {
            const io = h.L.IO + offset;
            if (usesState) (h.k[name] as (k: number, s: number, io: number, n: number) => void)(h.slot, h.state, io, len);
            else (h.k[name] as (k: number, io: number, n: number) => void)(h.slot, io, len);
          };
          run(p.ref);
          run(p.wasm);
          const ctx = `${seedNote} ${name} trial=${trial} call=${c} kl=${kl} len=${len} offset=${offset}`;
          const io = (h: Harness) => hex(h.mem.subarray(h.L.IO, h.L.IO + window.length));
          expect(io(p.ref), ctx).toBe(io(p.wasm));
          expect(hex(p.ref.reg()), `${ctx} REG`).toBe(hex(p.wasm.reg()));
          expect(p.ref.pos(), `${ctx} POS`).toBe(p.wasm.pos());
          // The keystream block (STATE_KS) is part of the contract only mid-block (POS != 0);
          // at a block boundary a kernel may leave scratch there.
          const slotBytes = (h: Harness) => {
            const b = h.stateBytes().slice();
            if (h.pos() === 0 && name === "ctr") b.fill(0, 16, 32);
            return hex(b);
          };
          expect(slotBytes(p.ref), `${ctx} state slot`).toBe(slotBytes(p.wasm));
        }
      }
    });
  }
});
