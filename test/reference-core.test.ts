// Tests for the pure-TypeScript reference core (src/reference/): the block cipher against the
// FIPS 197 Appendix A/C vectors, every kernel against node:crypto (OpenSSL) for all three key
// sizes, CTR counter masks against a WebCrypto-style counter computed here, and, when
// build/aes.wasm exists, a differential test of every kernel against the WASM core.
//
// Random inputs come from a seeded generator; set REF_SEED to reproduce a failure.
import { describe, it, expect } from "vitest";
import { createCipheriv, createDecipheriv, webcrypto } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { CoreInstance, CoreKernels, CoreLayout } from "../src/wasm/abi.js";
import { createReferenceCore } from "../src/reference/core.js";
import { decryptBlockRef, encryptBlockRef, expandKeyBytes, sboxTables } from "../src/reference/aes.js";

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

  it("S-box: spot values and a permutation with the inverse S-box as its inverse", () => {
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

  it("matches aes-*-ecb on random blocks for all key sizes", () => {
    for (const kl of KEY_LENGTHS) {
      for (let t = 0; t < 20; t++) {
        const key = randBytes(kl);
        const block = randBytes(16);
        const rk = expandKeyBytes(key);
        const out = new Uint8Array(16);
        encryptBlockRef(rk, kl / 4 + 6, block, out);
        expect(hex(out), seedNote).toBe(hex(nodeCrypt("ecb", key, null, block, false)));
        decryptBlockRef(rk, kl / 4 + 6, out, out);
        expect(hex(out), seedNote).toBe(hex(block));
      }
    }
  });
});

// ---------------------------------------------------------------------------------------------
// The core: memory, layout, slots

describe("reference core: memory, layout and slots", () => {
  it("uses the WASM memory map and a 4-page initial memory", () => {
    const core = createReferenceCore();
    expect(core.layout).toEqual({
      IO: 0x10000, IO_SIZE: 0x10000, KEY_SLOT_SIZE: 512, STATE_SLOT_SIZE: 64,
      KEY_ENC: 0, KEY_DEC: 256, KEY_ROUNDS: 496,
      STATE_REG: 0, STATE_KS: 16, STATE_CTR_MASK: 32, STATE_POS: 48,
    });
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

const STREAM_LENGTHS = [0, 1, 15, 16, 17, 31, 32, 33, 100, 1000];
const STREAM_SPLITS = [1, 3, 16, 5, 27, 0, 13, 64, 2, 40]; // then the rest
const BLOCK_LENGTHS = [0, 16, 48, 160, 2048];

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

    it("CFB8: any length, register = last 16 ciphertext bytes, resumable, KS left zero", () => {
      const { h, key, iv } = fresh();
      for (const len of [0, 1, 7, 16, 17, 33, 200]) {
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
      for (const len of [0, 1, 3, 16, 17, 40]) {
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
      for (const nbits of [1, 5, 7, 9, 13, 100, 129]) {
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
      const nearWrap = unhex("fffffffffffffffffffffffffffffffe");
      for (const start of [iv, nearWrap]) {
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
// Differential: the reference core against the compiled WASM core

const wasmPath = fileURLToPath(new URL("../build/aes.wasm", import.meta.url));
const LAYOUT_NAMES = [
  "IO", "IO_SIZE", "KEY_SLOT_SIZE", "STATE_SLOT_SIZE", "KEY_ENC", "KEY_DEC", "KEY_ROUNDS",
  "STATE_REG", "STATE_KS", "STATE_CTR_MASK", "STATE_POS",
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

  it("exports the same memory map", async () => {
    const p = await makePair();
    expect(p.wasm.L).toEqual(p.ref.L);
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
