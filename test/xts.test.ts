// XTS-AES through the public API and the node:crypto facade, on both backends: differential
// against node:crypto's aes-128-xts / aes-256-xts on random keys, tweaks and data (lengths
// 16..4097 around the block edges, and past the 64 KiB IO window, where a chunk boundary must
// not separate the last full block from the partial block it lends to), the sector helpers,
// every error (key, tweak and data lengths, identical key halves, use after dispose, output
// buffers: too small, larger, in place and overlapping both ways), what is wiped after a call,
// and createCipheriv/createDecipheriv side by side with Node's.
import nodeCrypto from "node:crypto";
import util from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import {
  AesError, createCipheriv, createDecipheriv, DataLengthError, DisposedError, InputTypeError, IvLengthError,
  KeyLengthError, StateError, UnknownCipherError, WeakKeyError, XTS_MAX_DATA_UNIT_BYTES, xtsKey,
} from "../src/index.js";
import { activeCore, useBackend } from "../src/wasm/backend.js";
import type { Core } from "../src/wasm/core.js";
import { BLK, RK } from "../src/reference/aes-ct.js";
import { describeEachBackend } from "./helpers/backends.js";
import { expectBytes } from "./helpers/bytes.js";
import { indexOfBytes } from "./helpers/fuzz-oracle.js";
import { randomBytes, rng } from "./helpers/random.js";

type Bits = 128 | 256;

function nodeXts(bits: Bits, key: Uint8Array, tweak: Uint8Array, data: Uint8Array, decrypt: boolean): Uint8Array {
  const name = `aes-${bits}-xts`;
  const c = decrypt ? nodeCrypto.createDecipheriv(name, key, tweak) : nodeCrypto.createCipheriv(name, key, tweak);
  return new Uint8Array(c.update(data));
}

/** The sector number as IEEE 1619's 16-byte little-endian tweak. */
function leTweak(n: bigint): Uint8Array {
  const t = new Uint8Array(16);
  for (let i = 0; i < 16; i++, n >>= 8n) t[i] = Number(n & 0xffn);
  return t;
}

/** A random key whose halves differ (a random 32/64-byte key has equal halves with negligible odds). */
function randomKey(next: () => number, bits: Bits): Uint8Array {
  return randomBytes(next, bits / 4);
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return undefined;
}

function expectTyped(fn: () => unknown, type: new (...a: never[]) => AesError, message?: RegExp): void {
  const e = thrown(fn);
  expect(e, "expected a typed error").toBeInstanceOf(type);
  if (message) expect((e as Error).message).toMatch(message);
}

const EDGE_LENGTHS = [
  ...Array.from({ length: 65 }, (_, i) => 16 + i), // 16..80: every stealing length, 1..5 blocks
  111, 112, 113, 127, 128, 129, 143, 144, 145, 255, 256, 257, 271, 1023, 1024, 1025, 4095, 4096, 4097,
];
// Past the 64 KiB window: 65536 + r for r < 16 makes the first chunk give back one block.
const BIG_LENGTHS = [65535, 65536, 65537, 65551, 65552, 65553, 65536 + 31, 131072 + 7, 200_000 + 3];

describeEachBackend("XTS: differential against node:crypto", (backend) => {
  for (const bits of [128, 256] as const) {
    it(`XTS-AES-${bits}: lengths 16..80 and around 128, 256, 1024, 4096, random keys and tweaks, both ways (seed ${bits})`, () => {
      const next = rng(bits + (backend === "js" ? 1 : 0));
      for (const len of EDGE_LENGTHS) {
        const keyBytes = randomKey(next, bits);
        const tweak = randomBytes(next, 16);
        const pt = randomBytes(next, len);
        const ct = nodeXts(bits, keyBytes, tweak, pt, false);
        const key = xtsKey(keyBytes);
        const mode = key.xts(tweak);
        expectBytes(mode.encrypt(pt), ct, `encrypt ${len}`);
        expectBytes(mode.decrypt(ct), pt, `decrypt ${len}`);
        // A random ciphertext decrypts as node decrypts it (not only our own round trip).
        const junk = randomBytes(next, len);
        expectBytes(mode.decrypt(junk), nodeXts(bits, keyBytes, tweak, junk, true), `decrypt random ${len}`);
        key.dispose();
      }
    });

    it(`XTS-AES-${bits}: data units past the 64 KiB IO window (${BIG_LENGTHS.join(", ")} bytes)`, () => {
      const next = rng(bits * 3 + (backend === "js" ? 1 : 0));
      for (const len of BIG_LENGTHS) {
        const keyBytes = randomKey(next, bits);
        const tweak = randomBytes(next, 16);
        const pt = randomBytes(next, len);
        const ct = nodeXts(bits, keyBytes, tweak, pt, false);
        const key = xtsKey(keyBytes);
        expectBytes(key.xts(tweak).encrypt(pt), ct, `encrypt ${len}`);
        expectBytes(key.xts(tweak).decrypt(ct), pt, `decrypt ${len}`);
        key.dispose();
      }
    });
  }

  it("encryptSector/decryptSector: the sector number as a 16-byte little-endian tweak (number and bigint)", () => {
    const next = rng(77);
    const sectors: (number | bigint)[] = [0, 1, 255, 256, 2 ** 32 + 5, Number.MAX_SAFE_INTEGER, 2n ** 64n + 3n, 2n ** 128n - 1n];
    for (const bits of [128, 256] as const) {
      const keyBytes = randomKey(next, bits);
      const key = xtsKey(keyBytes);
      for (const sector of sectors) {
        const pt = randomBytes(next, 512 + 3);
        const tweak = leTweak(BigInt(sector));
        const ct = nodeXts(bits, keyBytes, tweak, pt, false);
        expectBytes(key.encryptSector(pt, sector), ct, `sector ${sector}`);
        expectBytes(key.decryptSector(ct, sector), pt, `sector ${sector} back`);
        expectBytes(key.xts(tweak).encrypt(pt), ct, `sector ${sector} as a tweak`);
      }
      key.dispose();
    }
  });

  it("one mode object encrypts any number of data units under its tweak (re-encrypting a sector is the use case)", () => {
    const next = rng(78);
    const keyBytes = randomKey(next, 128);
    const tweak = randomBytes(next, 16);
    const key = xtsKey(keyBytes);
    const mode = key.xts(tweak);
    for (const len of [16, 33, 512]) {
      const pt = randomBytes(next, len);
      expectBytes(mode.encrypt(pt), nodeXts(128, keyBytes, tweak, pt, false));
      expectBytes(mode.encrypt(pt), nodeXts(128, keyBytes, tweak, pt, false), "again");
    }
    // The mode keeps its own copy of the tweak.
    const pt = randomBytes(next, 48);
    const before = mode.encrypt(pt);
    tweak.fill(0);
    expectBytes(mode.encrypt(pt), before, "tweak changed by the caller afterwards");
    key.dispose();
  });

  it("keys of one backend, any ArrayBufferView as key, tweak and data (DataView, Uint32Array)", () => {
    const next = rng(79);
    const keyBytes = randomKey(next, 256);
    const tweak = randomBytes(next, 16);
    const pt = randomBytes(next, 64);
    const key = xtsKey(new DataView(keyBytes.buffer) as unknown as Uint8Array);
    const ct = key.xts(new Uint32Array(tweak.buffer) as unknown as Uint8Array).encrypt(new Uint32Array(pt.buffer) as unknown as Uint8Array);
    expectBytes(ct, nodeXts(256, keyBytes, tweak, pt, false));
    expect(key.bits).toBe(256);
    key.dispose();
  });
});

describeEachBackend("XTS: errors", () => {
  const next = rng(90);
  const keyBytes = randomKey(next, 128);
  const tweak = randomBytes(next, 16);

  it("key lengths other than 32 and 64 bytes: KeyLengthError (48, two AES-192 halves, included)", () => {
    for (const n of [0, 1, 16, 24, 31, 33, 48, 63, 65, 96]) {
      expectTyped(() => xtsKey(new Uint8Array(n).map((_, i) => i)), KeyLengthError, new RegExp(`got ${n}$`));
    }
    expectTyped(() => xtsKey("0".repeat(32) as unknown as Uint8Array), InputTypeError);
  });

  it("identical halves (K1 = K2): WeakKeyError, both sizes; halves differing in one bit are fine", () => {
    for (const half of [16, 32]) {
      const k = new Uint8Array(2 * half);
      const h = randomBytes(next, half);
      k.set(h);
      k.set(h, half);
      expectTyped(() => xtsKey(k), WeakKeyError, /halves must differ/);
      expectTyped(() => xtsKey(new Uint8Array(2 * half)), WeakKeyError); // all zero
      for (const at of [0, half - 1, half, 2 * half - 1]) {
        const d = k.slice();
        d[at]! ^= 0x80;
        xtsKey(d).dispose();
      }
    }
    expect(new WeakKeyError("x").code).toBe("ERR_AES_WEAK_KEY");
  });

  it("tweak lengths other than 16: IvLengthError", () => {
    const key = xtsKey(keyBytes);
    for (const n of [0, 8, 15, 17, 32]) expectTyped(() => key.xts(new Uint8Array(n)), IvLengthError, new RegExp(`got ${n}`));
    expectTyped(() => key.xts(null as unknown as Uint8Array), InputTypeError);
    key.dispose();
  });

  it("data below 16 bytes or above 2^20 blocks: DataLengthError, and the output stays untouched", () => {
    const key = xtsKey(keyBytes);
    const mode = key.xts(tweak);
    for (const n of [0, 1, 15]) {
      const out = new Uint8Array(64).fill(0x5a);
      expectTyped(() => mode.encrypt(new Uint8Array(n), out), DataLengthError, new RegExp(`got ${n}$`));
      expectTyped(() => mode.decrypt(new Uint8Array(n), out), DataLengthError);
      expectTyped(() => key.encryptSector(new Uint8Array(n), 1, out), DataLengthError);
      expect(out.every((b) => b === 0x5a)).toBe(true);
    }
    expect(XTS_MAX_DATA_UNIT_BYTES).toBe(16 * 2 ** 20);
    expectTyped(() => mode.encrypt(new Uint8Array(XTS_MAX_DATA_UNIT_BYTES + 1)), DataLengthError);
    expectTyped(() => mode.decrypt(new Uint8Array(XTS_MAX_DATA_UNIT_BYTES + 16)), DataLengthError);
    expectTyped(() => mode.encrypt("sixteen bytes!!!" as unknown as Uint8Array), InputTypeError);
    key.dispose();
  });

  it("bad sector numbers: StateError", () => {
    const key = xtsKey(keyBytes);
    for (const s of [-1, 1.5, 2 ** 53, NaN, Infinity, -1n, 2n ** 128n, "1", null]) {
      expectTyped(() => key.encryptSector(new Uint8Array(16), s as number), StateError, /sector/);
    }
    key.dispose();
  });

  it("use after dispose: DisposedError from the key, its modes and the sector helpers; dispose() is idempotent", () => {
    const key = xtsKey(keyBytes);
    const mode = key.xts(tweak);
    expect(key.disposed).toBe(false);
    key.dispose();
    key.dispose();
    expect(key.disposed).toBe(true);
    expectTyped(() => mode.encrypt(new Uint8Array(16)), DisposedError);
    expectTyped(() => mode.decrypt(new Uint8Array(16)), DisposedError);
    expectTyped(() => key.xts(tweak), DisposedError);
    expectTyped(() => key.encryptSector(new Uint8Array(16), 0), DisposedError);
    expectTyped(() => key.decryptSector(new Uint8Array(16), 0), DisposedError);
    if (typeof Symbol.dispose === "symbol") {
      const k2 = xtsKey(keyBytes);
      (k2 as unknown as Record<symbol, () => void>)[Symbol.dispose]!();
      expect(k2.disposed).toBe(true);
    }
  });

  it("output buffers: too small is DataLengthError with nothing written; larger receives the first bytes; in place works", () => {
    const key = xtsKey(keyBytes);
    const mode = key.xts(tweak);
    const pt = randomBytes(next, 100);
    const ct = nodeXts(128, keyBytes, tweak, pt, false);
    const small = new Uint8Array(99).fill(7);
    expectTyped(() => mode.encrypt(pt, small), DataLengthError, /room for 99/);
    expect(small.every((b) => b === 7)).toBe(true);
    const big = new Uint8Array(120).fill(7);
    const got = mode.encrypt(pt, big);
    expect(got.length).toBe(100);
    expect(got.buffer).toBe(big.buffer);
    expectBytes(big.subarray(0, 100), ct);
    expect(big.subarray(100).every((b) => b === 7)).toBe(true);
    const buf = pt.slice();
    expectBytes(mode.encrypt(buf, buf), ct, "in place");
    expectBytes(mode.decrypt(buf, buf), pt, "in place back");
    key.dispose();
  });

  for (const shift of [1, 16, 4096]) {
    it(`an output overlapping the input forward by ${shift} or backward is a memmove (past the IO window, with stealing)`, () => {
      const n = 70_000 + 5;
      const k = randomKey(next, 256);
      const key = xtsKey(k);
      const mode = key.xts(tweak);
      const pt = randomBytes(rng(shift), n);
      const ct = nodeXts(256, k, tweak, pt, false);
      const fwd = new Uint8Array(n + shift);
      fwd.set(pt);
      expectBytes(mode.encrypt(fwd.subarray(0, n), fwd.subarray(shift)), ct, "forward encrypt");
      fwd.copyWithin(0, shift);
      expectBytes(mode.decrypt(fwd.subarray(0, n), fwd.subarray(shift)), pt, "forward decrypt");
      const back = new Uint8Array(n + shift);
      back.set(pt, shift);
      expectBytes(mode.encrypt(back.subarray(shift), back.subarray(0, n)), ct, "backward encrypt");
      key.dispose();
    });
  }

  it("serialises to its type and size only", () => {
    const key = xtsKey(keyBytes);
    const mode = key.xts(tweak);
    expect(JSON.parse(JSON.stringify(key))).toEqual({ type: "XtsKey", bits: 128 });
    expect(JSON.parse(JSON.stringify(mode))).toEqual({ type: "XtsMode", bits: 128 });
    expect(util.inspect(key)).toBe("XtsKey { bits: 128 }");
    expect(util.inspect(mode, { depth: 5 })).toBe("XtsMode { bits: 128 }");
    key.dispose();
  });

  it("after a call, the IO window, the tweak and the plaintext are gone from core memory, and no slot is left behind", () => {
    const core = activeCore();
    const k = randomKey(next, 128);
    const t = randomBytes(next, 16);
    const pt = randomBytes(next, 70_000 + 9);
    const before = core.stats().slotsInUse;
    const key = xtsKey(k);
    const ct = key.xts(t).encrypt(pt);
    key.xts(t).decrypt(ct);
    key.encryptSector(pt.subarray(0, 4099), 12345);
    const mem = core.mem;
    expect(mem.subarray(core.io, core.io + core.ioSize).every((b) => b === 0), "IO window wiped").toBe(true);
    // T_0 = E_K2(tweak): found nowhere, nor the plaintext's first and last blocks.
    const t0 = new Uint8Array(nodeCrypto.createCipheriv("aes-128-ecb", k.subarray(16), null).update(t));
    expect(indexOfBytes(mem, t0)).toBe(-1);
    expect(indexOfBytes(mem, pt.subarray(0, 16))).toBe(-1);
    expect(indexOfBytes(mem, pt.subarray(pt.length - 16))).toBe(-1);
    expect(core.stats().slotsInUse).toBe(before + 2); // the two key blocks, nothing else
    key.dispose();
    expect(core.stats().slotsInUse).toBe(before);
  });
});

describeEachBackend("XTS: createCipheriv / createDecipheriv side by side with node:crypto", (backend) => {
  const next = rng(backend === "js" ? 101 : 100);

  /** What a call does: its bytes as hex, or "throws" (the error types differ: Node's are generic). */
  function outcome(fn: () => Uint8Array | Buffer): string {
    try {
      return Buffer.from(fn()).toString("hex");
    } catch {
      return "throws";
    }
  }

  for (const bits of [128, 256] as const) {
    const name = `aes-${bits}-xts` as const;
    it(`${name}: each update() is one data unit under the same tweak; short data throws and the cipher goes on; final() is empty`, () => {
      const keyBytes = randomKey(next, bits);
      const iv = randomBytes(next, 16);
      const pieces = [20, 16, 5, 0, 33, 15, 70_000, 4097].map((n) => randomBytes(next, n));
      for (const decrypt of [false, true]) {
        const ours = decrypt ? createDecipheriv(name, keyBytes, iv) : createCipheriv(name, keyBytes, iv);
        const theirs = decrypt ? nodeCrypto.createDecipheriv(name, keyBytes, iv) : nodeCrypto.createCipheriv(name, keyBytes, iv);
        expect(ours.setAutoPadding(false)).toBe(ours);
        theirs.setAutoPadding(false);
        for (const p of pieces) {
          const o = outcome(() => ours.update(p));
          expect(o, `update of ${p.length}`).toBe(outcome(() => theirs.update(p)));
          if (p.length < 16) {
            expect(o).toBe("throws");
            expectTyped(() => ours.update(p), DataLengthError);
          }
        }
        expect(outcome(() => ours.final())).toBe(outcome(() => theirs.final()));
        expect(outcome(() => ours.final())).toBe("throws");
        expect(outcome(() => theirs.final())).toBe("throws");
        expect(outcome(() => ours.update(pieces[0]!))).toBe(outcome(() => theirs.update(pieces[0]!)));
        expectTyped(() => ours.update(pieces[0]!), StateError);
      }
    });

    it(`${name}: key, IV and name rules as in Node (wrong sizes, null IV, letter case)`, () => {
      const good = randomKey(next, bits);
      const iv = randomBytes(next, 16);
      const cases: [string, Uint8Array, Uint8Array | null, (new (m: string) => AesError) | typeof UnknownCipherError | undefined][] = [
        [name, good, iv, undefined],
        [name.toUpperCase(), good, iv, undefined],
        [name, randomBytes(next, bits === 128 ? 64 : 32), iv, KeyLengthError],
        [name, randomBytes(next, 48), iv, KeyLengthError],
        [name, good, randomBytes(next, 8), IvLengthError],
        [name, good, new Uint8Array(0), IvLengthError],
        [name, good, randomBytes(next, 17), IvLengthError],
        [name, good, null, IvLengthError],
        ["aes-192-xts", randomBytes(next, 48), iv, UnknownCipherError],
      ];
      for (const [n, k, v, err] of cases) {
        for (const decrypt of [false, true]) {
          const ours = thrown(() => (decrypt ? createDecipheriv(n, k, v) : createCipheriv(n, k, v)));
          const theirs = thrown(() => (decrypt ? nodeCrypto.createDecipheriv(n, k, v) : nodeCrypto.createCipheriv(n, k, v)));
          const where = `${n} key ${k.length} iv ${v?.length ?? null} ${decrypt ? "decipher" : "cipher"}`;
          expect(ours === undefined, `${where}: ours ${String(ours)}`).toBe(theirs === undefined);
          if (err) expect(ours, where).toBeInstanceOf(err);
        }
      }
      const pt = randomBytes(next, 50);
      expectBytes(createCipheriv(name.toUpperCase(), good, iv).update(pt) as Uint8Array,
        new Uint8Array(nodeCrypto.createCipheriv(name, good, iv).update(pt)), "upper-case name");
    });

    it(`${name}: identical key halves — both refuse to encrypt; Node decrypts (OpenSSL outside FIPS), this library refuses`, () => {
      const half = randomBytes(next, bits / 8);
      const k = new Uint8Array(bits / 4);
      k.set(half);
      k.set(half, bits / 8);
      const iv = randomBytes(next, 16);
      expect(thrown(() => nodeCrypto.createCipheriv(name, k, iv))).toBeInstanceOf(Error);
      expect(thrown(() => createCipheriv(name, k, iv))).toBeInstanceOf(WeakKeyError);
      // The deliberate difference: SP 800-38E's FIPS rule (key_1 != key_2) applies both ways here.
      expect(thrown(() => nodeCrypto.createDecipheriv(name, k, iv))).toBeUndefined();
      expect(thrown(() => createDecipheriv(name, k, iv))).toBeInstanceOf(WeakKeyError);
    });
  }

  it("aes-128-xts: more than 2^20 blocks in one update() throws in both; exactly 2^20 blocks matches Node", () => {
    const keyBytes = randomKey(next, 128);
    const iv = randomBytes(next, 16);
    const over = new Uint8Array(XTS_MAX_DATA_UNIT_BYTES + 16);
    expect(outcome(() => createCipheriv("aes-128-xts", keyBytes, iv).update(over))).toBe("throws");
    expect(outcome(() => nodeCrypto.createCipheriv("aes-128-xts", keyBytes, iv).update(over))).toBe("throws");
    if (backend === "wasm") { // 16 MiB: the reference core would take seconds
      const max = over.subarray(0, XTS_MAX_DATA_UNIT_BYTES);
      for (let i = 0; i < max.length; i += 4096) max[i] = i >>> 12;
      expectBytes(createCipheriv("aes-128-xts", keyBytes, iv).update(max) as Uint8Array,
        new Uint8Array(nodeCrypto.createCipheriv("aes-128-xts", keyBytes, iv).update(max)), "2^20 blocks");
    }
  });
});

describe("XTS kernels: the reference core behaves as the WASM core, call by call", () => {
  afterAll(() => useBackend("wasm"));

  /** A key block of `core` (K1 slot, then its state slot) with `key` expanded into it. */
  function setUp(core: Core, key: Uint8Array): { slot: number; state: number } {
    const slot = core.allocKeyBlock();
    core.mem.set(key, slot + core.layout.KEY_ENC);
    expect(core.k.expandKey(slot, slot + core.layout.KEY_ENC, key.length)).toBeGreaterThan(0);
    return { slot, state: slot + core.layout.KEY_SLOT_SIZE };
  }

  it("random AES-128/192/256 K1, random tweak registers, split calls (whole blocks, then stealing), unaligned io: same bytes, same STATE_REG, scratch clean", () => {
    useBackend("wasm");
    const wasm = activeCore();
    useBackend("js");
    const js = activeCore();
    const next = rng(4242);
    for (let trial = 0; trial < 60; trial++) {
      const key = randomBytes(next, [16, 24, 32][trial % 3]!);
      const decrypt = trial % 2 === 1;
      const a = setUp(wasm, key), b = setUp(js, key);
      const reg = randomBytes(next, 16);
      wasm.mem.set(reg, a.state + wasm.layout.STATE_REG);
      js.mem.set(reg, b.state + js.layout.STATE_REG);
      if (decrypt) {
        wasm.k.expandDecryptionKey(a.slot);
        js.k.expandDecryptionKey(b.slot);
      }
      const offset = Math.floor(next() * 8);
      const calls = [16 * Math.floor(next() * 12), 16 * Math.floor(next() * 40), 0];
      const r = 1 + Math.floor(next() * 15);
      const data = randomBytes(next, calls[0]! + calls[1]! + 16 + r);
      for (const core of [wasm, js]) core.mem.set(data, core.io + offset);
      for (const [core, h] of [[wasm, a], [js, b]] as const) {
        let at = core.io + offset;
        for (const n of calls) {
          if (decrypt) core.k.xtsDecrypt(h.slot, h.state, at, n);
          else core.k.xtsEncrypt(h.slot, h.state, at, n);
          at += n;
        }
        if (decrypt) core.k.xtsDecryptLast(h.slot, h.state, at, 16 + r);
        else core.k.xtsEncryptLast(h.slot, h.state, at, 16 + r);
      }
      const where = `trial ${trial}: key ${key.length}, ${decrypt ? "decrypt" : "encrypt"}, calls ${calls.join("+")}+${16 + r}, offset ${offset}`;
      const window = (core: Core) => core.mem.slice(core.io, core.io + offset + data.length + 16);
      expectBytes(window(js), window(wasm), where);
      expectBytes(js.mem.slice(b.state, b.state + 16), wasm.mem.slice(a.state, a.state + 16), `${where}: STATE_REG`);
      expect(BLK.every((w) => w === 0) && RK.every((w) => w === 0), `${where}: reference scratch wiped`).toBe(true);
      for (const core of [wasm, js]) core.k.wipe(core.io, offset + data.length);
      wasm.release(a.slot, wasm.keyBlockSize);
      js.release(b.slot, js.keyBlockSize);
    }
  });
});
