// The WASM GHASH kernel (assembly/ghash.ts: ghashSetup / ghash / gcmSlotSize) against an
// independent GF(2^128) multiply written here plainly, bit by bit, as SP 800-38D §6.3
// Algorithm 1 states it: random H and data of 0..64 blocks, edge values of H, Y and the data,
// calls continuing one accumulator, what the kernel may and may not write, and whole AES-GCM
// messages through the library against node:crypto's tags.
// The kernel is the one the normal build embeds (the CTR core with its GHASH part, src/wasm/core-*-bytes.ts);
// GHASH_WASM=/path/to/module.wasm runs the kernel checks on another module with the same GCM
// exports (e.g. a standalone build of assembly/ghash-standalone.ts).
import { createCipheriv as nodeCipher } from "node:crypto";
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { aesKey, useBackend } from "../src/index.js";
import { wasmModules } from "../src/wasm/backend.js";
import { instantiateWasm } from "../src/wasm/instantiate.js";
import { randomBytes, rng } from "./helpers/random.js";

// ---- the reference: SP 800-38D §6.3 Algorithm 1, on 16-byte arrays -------------------------

/** Bit i of a block (i = 0 is the most significant bit of byte 0: GCM's x^0). */
const bit = (x: Uint8Array, i: number): number => (x[i >> 3]! >> (7 - (i & 7))) & 1;

/** X·Y in GF(2^128) (Algorithm 1): Z accumulates V = Y·x^i for every set bit i of X. */
function gfMul(x: Uint8Array, y: Uint8Array): Uint8Array {
  const z = new Uint8Array(16);
  const v = Uint8Array.from(y);
  for (let i = 0; i < 128; i++) {
    if (bit(x, i)) for (let k = 0; k < 16; k++) z[k]! ^= v[k]!;
    // V = V·x: a right shift of the block by one bit; if x^127 fell out, add R = 11100001 || 0^120.
    const carry = v[15]! & 1;
    for (let k = 15; k > 0; k--) v[k] = (v[k]! >> 1) | ((v[k - 1]! & 1) << 7);
    v[0] = v[0]! >> 1;
    if (carry) v[0]! ^= 0xe1;
  }
  return z;
}

/** GHASH_H with initial Y (§6.4): Y = (Y xor X_i)·H for each block. */
function refGhash(h: Uint8Array, y0: Uint8Array, data: Uint8Array): Uint8Array {
  let y: Uint8Array = Uint8Array.from(y0);
  for (let off = 0; off < data.length; off += 16) {
    const x = Uint8Array.from(y);
    for (let k = 0; k < 16; k++) x[k]! ^= data[off + k]!;
    y = gfMul(x, h);
  }
  return y;
}

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const fromHex = (s: string) => Uint8Array.from(Buffer.from(s, "hex"));

// ---- the kernel --------------------------------------------------------------------------

interface GhashExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  gcmSlotSize(): number;
  ghashSetup(gcm: number, h: number): void;
  ghash(gcm: number, acc: number, io: number, len: number): void;
}

const source = process.env.GHASH_WASM;
let x: GhashExports;
let slot: number; // GCM slot (64-byte aligned), GCM_ACC = 0
let size: number; // gcmSlotSize()
let hAt: number; // 16 bytes for H
let io: number; // data, up to MAX_BLOCKS blocks
let guardEnd: number; // end of the region whose bytes are checked around every call
const MAX_BLOCKS = 130;

beforeAll(() => {
  x = (source ? new WebAssembly.Instance(new WebAssembly.Module(readFileSync(source)), {}).exports : instantiateWasm(wasmModules()).kernels) as unknown as GhashExports;
  size = x.gcmSlotSize() >>> 0;
  slot = ((x.heapBase() >>> 0) + 63 + 64) & ~63; // 64 guard bytes below the slot
  hAt = slot + ((size + 63) & ~63) + 64;
  io = hAt + 64;
  guardEnd = io + MAX_BLOCKS * 16 + 64;
  const need = guardEnd - x.memory.buffer.byteLength;
  if (need > 0) x.memory.grow(Math.ceil(need / 65536));
});

const mem = () => new Uint8Array(x.memory.buffer);

/**
 * Runs the kernel: ghashSetup(H), Y at GCM_ACC, then one ghash call per chunk (each a multiple
 * of 16 bytes, copied to io). Checks that nothing outside [slot, slot + size) changes, that
 * ghash leaves the data and H untouched and ghashSetup leaves GCM_ACC alone.
 */
function kernel(h: Uint8Array, y: Uint8Array, chunks: Uint8Array[]): Uint8Array {
  const m = mem();
  const base = slot - 64;
  m.set(h, hAt);
  m.set(y, slot);
  const snapshot = () => {
    const s = m.slice(base, guardEnd);
    s.fill(0, 64, 64 + size); // the slot may change
    return s;
  };
  const before = snapshot();
  x.ghashSetup(slot, hAt);
  expect(hex(m.subarray(slot, slot + 16)), "ghashSetup left GCM_ACC as it was").toBe(hex(y));
  for (const c of chunks) {
    m.set(c, io);
    const copy = m.slice(io, io + c.length);
    x.ghash(slot, slot, io, c.length);
    expect(hex(m.subarray(io, io + c.length)), "ghash does not write the data").toBe(hex(copy));
    m.fill(0, io, io + c.length);
  }
  const after = snapshot();
  expect(Buffer.from(after).equals(Buffer.from(before)), "nothing outside the slot changed").toBe(true);
  return m.slice(slot, slot + 16);
}

/** Cuts data (a multiple of 16 bytes) into random chunks of whole blocks, empty ones included. */
function blockChunks(next: () => number, data: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let off = 0; off < data.length; ) {
    const n = 16 * Math.min((data.length - off) / 16, Math.floor(next() * 9));
    out.push(data.subarray(off, off + n));
    off += n;
  }
  if (next() < 0.5) out.splice(Math.floor(next() * (out.length + 1)), 0, new Uint8Array(0));
  return out;
}

describe(`GHASH kernel (${source ?? "the embedded build"})`, () => {
  it("the reference multiply gives SP 800-38D / McGrew-Viega test case 2's GHASH", () => {
    // AES-128, K = 0, P = 0^128: H = E_K(0), C = 0388…78, GHASH(H, {}, C) = f38c…85.
    const h = fromHex("66e94bd4ef8a2c3b884cfa59ca342b2e");
    const c = fromHex("0388dace60b6a392f328c2b971b2fe78");
    const len = fromHex("00000000000000000000000000000080");
    const all = new Uint8Array(32);
    all.set(c);
    all.set(len, 16);
    expect(hex(refGhash(h, new Uint8Array(16), all))).toBe("f38cbb1ad69223dcc3457ae5b6b0f885");
    // and x^0 is the multiplicative identity, x^1·x^127 = x^128 = 1 + x + x^2 + x^7
    const one = fromHex("80000000000000000000000000000000");
    const r = fromHex("1234567890abcdef0fedcba987654321");
    expect(hex(gfMul(r, one))).toBe(hex(r));
    expect(hex(gfMul(fromHex("40" + "00".repeat(15)), fromHex("00".repeat(15) + "01")))).toBe("e1" + "00".repeat(15));
  });

  it("gcmSlotSize() is at least 64 bytes and a multiple of 16", () => {
    expect(size).toBeGreaterThanOrEqual(64);
    expect(size % 16).toBe(0);
  });

  it("random H, Y and data of 0..64 blocks, one call (seed 301)", () => {
    const next = rng(301);
    for (let nb = 0; nb <= 64; nb++) {
      for (let rep = 0; rep < 3; rep++) {
        const h = randomBytes(next, 16);
        const y = rep === 0 ? new Uint8Array(16) : randomBytes(next, 16);
        const data = randomBytes(next, nb * 16);
        expect(hex(kernel(h, y, [data])), `${nb} blocks, H ${hex(h)}`).toBe(hex(refGhash(h, y, data)));
      }
    }
  });

  it("calls continuing one accumulator: random chunks of whole blocks, empty calls (seed 302)", () => {
    const next = rng(302);
    for (let trial = 0; trial < 60; trial++) {
      const h = randomBytes(next, 16);
      const y = randomBytes(next, 16);
      const data = randomBytes(next, 16 * Math.floor(next() * MAX_BLOCKS));
      const chunks = blockChunks(next, data);
      expect(hex(kernel(h, y, chunks)), `chunks ${chunks.map((c) => c.length / 16).join(",")}`)
        .toBe(hex(refGhash(h, y, data)));
    }
  });

  it("length 0 leaves Y as it was", () => {
    const next = rng(303);
    const h = randomBytes(next, 16);
    const y = randomBytes(next, 16);
    expect(hex(kernel(h, y, [new Uint8Array(0)]))).toBe(hex(y));
    expect(hex(kernel(h, y, [new Uint8Array(0), new Uint8Array(0)]))).toBe(hex(y));
  });

  it("edge values of H: 0, 1 (x^0), all ones, every single bit, with edge and random data (seed 304)", () => {
    const next = rng(304);
    const hs: [string, Uint8Array][] = [
      ["0", new Uint8Array(16)],
      ["x^0", fromHex("80" + "00".repeat(15))],
      ["all ones", new Uint8Array(16).fill(0xff)],
      ["x^127", fromHex("00".repeat(15) + "01")],
    ];
    for (let i = 0; i < 128; i++) {
      const h = new Uint8Array(16);
      h[i >> 3] = 0x80 >> (i & 7);
      hs.push([`x^${i}`, h]);
    }
    const datas: [string, Uint8Array][] = [
      ["zeros", new Uint8Array(5 * 16)],
      ["ones", new Uint8Array(5 * 16).fill(0xff)],
      ["alternating", new Uint8Array(9 * 16).fill(0xaa)],
      ["random", randomBytes(next, 7 * 16)],
    ];
    const ys: Uint8Array[] = [new Uint8Array(16), new Uint8Array(16).fill(0xff)];
    for (const [hn, h] of hs) {
      for (const [dn, d] of datas) {
        for (const y of ys) {
          expect(hex(kernel(h, y, [d])), `H ${hn}, data ${dn}, Y ${hex(y)}`).toBe(hex(refGhash(h, y, d)));
        }
      }
    }
  });

  it("single-bit Y and data against H = all ones and random H (every bit position)", () => {
    const next = rng(305);
    const hs = [new Uint8Array(16).fill(0xff), randomBytes(next, 16)];
    for (const h of hs) {
      for (let i = 0; i < 128; i++) {
        const b = new Uint8Array(16);
        b[i >> 3] = 0x80 >> (i & 7);
        // the bit in Y (one block of zeros), and in each of 8 blocks (one aggregated group)
        expect(hex(kernel(h, b, [new Uint8Array(16)])), `Y x^${i}`).toBe(hex(refGhash(h, b, new Uint8Array(16))));
        const d = new Uint8Array(128);
        d.set(b, 16 * (i & 7));
        expect(hex(kernel(h, new Uint8Array(16), [d])), `data x^${i}`).toBe(hex(refGhash(h, new Uint8Array(16), d)));
      }
    }
  });

  it("one ghashSetup serves many calls; a new ghashSetup replaces H (seed 306)", () => {
    const next = rng(306);
    const m = mem();
    const h1 = randomBytes(next, 16);
    const h2 = randomBytes(next, 16);
    m.set(h1, hAt);
    x.ghashSetup(slot, hAt);
    m.set(h2, hAt);
    x.ghashSetup(slot, hAt);
    m.fill(0, hAt, hAt + 16); // the kernel must not need H itself after setup
    let y: Uint8Array = new Uint8Array(16);
    m.set(y, slot);
    const all: Uint8Array[] = [];
    for (let i = 0; i < 20; i++) {
      const d = randomBytes(next, 16 * Math.floor(next() * 11));
      all.push(d);
      m.set(d, io);
      x.ghash(slot, slot, io, d.length);
    }
    const data = new Uint8Array(all.reduce((n, d) => n + d.length, 0));
    let off = 0;
    for (const d of all) {
      data.set(d, off);
      off += d.length;
    }
    y = refGhash(h2, y, data);
    expect(hex(m.slice(slot, slot + 16))).toBe(hex(y));
    m.fill(0, io, io + 16 * MAX_BLOCKS);
  });
});

describe("AES-GCM through the library (wasm backend) against node:crypto's tag", () => {
  beforeAll(() => useBackend("wasm"));

  it("random keys, 12-byte and other IVs, AAD and messages around the 8-block groups (seed 307)", () => {
    const next = rng(307);
    const lengths = [0, 1, 15, 16, 17, 31, 32, 48, 63, 64, 65, 80, 127, 128, 129, 1000, 4096, 65519, 65536, 70000];
    for (let i = 0; i < 80; i++) {
      const bits = ([128, 192, 256] as const)[i % 3]!;
      const key = randomBytes(next, bits / 8);
      const iv = randomBytes(next, i % 4 === 3 ? 1 + Math.floor(next() * 100) : 12);
      const aad = randomBytes(next, i % 5 === 0 ? 0 : Math.floor(next() * 200));
      const pt = randomBytes(next, i < lengths.length ? lengths[i]! : Math.floor(next() * 3000));
      const c = nodeCipher(`aes-${bits}-gcm`, key, iv);
      c.setAAD(aad);
      const expected = Buffer.concat([c.update(pt), c.final(), c.getAuthTag()]);
      const k = aesKey(key);
      const sealed = k.gcm(iv, { aad }).encrypt(pt);
      expect(hex(sealed), `AES-${bits}, IV ${iv.length} B, AAD ${aad.length} B, ${pt.length} B`).toBe(hex(expected));
      expect(hex(k.gcm(iv, { aad }).decrypt(sealed))).toBe(hex(pt));
      k.dispose();
    }
  });
});
