// AES-CMAC against @noble/ciphers' cmac (random keys of every size, every length 0..80, the
// block edges up to 4097, messages past the 64 KiB IO window, random update() splits, truncated
// tags), verify() against tampered tags, the MAC object's rules (typed errors, use after digest
// or dispose, own-property options) and its memory (slots given back; no message byte, L, K1 or
// K2 left in WASM memory).
import nodeCrypto from "node:crypto";
import { cmac as nobleCmac } from "@noble/ciphers/aes.js";
import { expect, it } from "vitest";
import {
  aesKey, DetachedBufferError, DisposedError, InputTypeError, StateError, TagLengthError,
} from "../src/index.js";
import { activeCore } from "../src/wasm/backend.js";
import { describeEachBackend } from "./helpers/backends.js";
import { expectBytes } from "./helpers/bytes.js";
import { indexOfBytes } from "./helpers/fuzz-oracle.js";
import { randomBytes, randomSplits, rng } from "./helpers/random.js";

const SIZES = [16, 24, 32] as const;

/** 0..80, the block edges around 128, 256 and 4096, and (wasm only) around and past the IO window. */
function lengths(large: boolean): number[] {
  const out = Array.from({ length: 81 }, (_, i) => i);
  for (const edge of [128, 256, 4096]) out.push(edge - 1, edge, edge + 1);
  if (large) out.push(65_392, 65_407, 65_408, 65_409, 65_535, 65_536, 65_537, 65_553, 130_817, 200_003);
  return out;
}

function tamper(tag: Uint8Array, bit: number): Uint8Array {
  const t = tag.slice();
  t[bit >> 3]! ^= 1 << (bit & 7);
  return t;
}

/** L = E_K(0), K1, K2 (SP 800-38B §6.1), computed here with node:crypto and a bigint doubling. */
function subkeys(key: Uint8Array): Uint8Array[] {
  const c = nodeCrypto.createCipheriv(`aes-${key.length * 8}-ecb`, key, null).setAutoPadding(false);
  const l = new Uint8Array(c.update(new Uint8Array(16)));
  const dbl = (b: Uint8Array): Uint8Array => {
    let x = BigInt(`0x${Buffer.from(b).toString("hex")}`) << 1n;
    if (x >> 128n) x = (x ^ 0x87n) & ((1n << 128n) - 1n);
    return new Uint8Array(Buffer.from(x.toString(16).padStart(32, "0"), "hex"));
  };
  const k1 = dbl(l);
  return [l, k1, dbl(k1)];
}

describeEachBackend("CMAC: differential vs @noble/ciphers", (backend) => {
  const all = lengths(backend === "wasm");

  it(`every length 0..80, block edges to 4097${backend === "wasm" ? " and past the IO window" : ""}, each key size (seed 41)`, () => {
    const next = rng(41);
    for (const size of SIZES) {
      const keyBytes = randomBytes(next, size);
      const key = aesKey(keyBytes);
      for (const n of all) {
        const msg = randomBytes(next, n);
        expectBytes(key.cmac().update(msg).digest(), nobleCmac(msg, keyBytes), `AES-${size * 8}, ${n} bytes`);
      }
      key.dispose();
    }
  });

  it("random update() splits (empty pieces included) give the one-call tag (seed 42)", () => {
    const next = rng(42);
    const rounds = backend === "wasm" ? 120 : 30;
    for (let i = 0; i < rounds; i++) {
      const size = SIZES[i % 3]!;
      const keyBytes = randomBytes(next, size);
      const n = next() < 0.15 && backend === "wasm" ? Math.floor(next() * 150_000) : Math.floor(next() * 600);
      const msg = randomBytes(next, n);
      const key = aesKey(keyBytes);
      const mac = key.cmac();
      let off = 0;
      for (const piece of randomSplits(next, n, n > 10_000 ? 70_000 : 40)) {
        expect(mac.update(msg.subarray(off, off + piece))).toBe(mac); // chainable
        off += piece;
      }
      if (next() < 0.3) mac.update(new Uint8Array(0));
      expectBytes(mac.digest(), nobleCmac(msg, keyBytes), `case ${i}: AES-${size * 8}, ${n} bytes`);
      key.dispose();
    }
  });

  it("tagLength 8..16: digest() is the tag's first bytes, verify() takes exactly that many", () => {
    const next = rng(43);
    const keyBytes = randomBytes(next, 16);
    const key = aesKey(keyBytes);
    const msg = randomBytes(next, 100);
    const full = nobleCmac(msg, keyBytes);
    for (let tagLength = 8; tagLength <= 16; tagLength++) {
      expectBytes(key.cmac({ tagLength }).update(msg).digest(), full.subarray(0, tagLength), `tagLength ${tagLength}`);
      expect(key.cmac({ tagLength }).update(msg).verify(full.subarray(0, tagLength))).toBe(true);
      expect(key.cmac({ tagLength }).update(msg).verify(full), `a ${16}-byte tag for tagLength ${tagLength}`).toBe(tagLength === 16);
    }
    key.dispose();
  });

  it("other byte views are taken as their bytes (DataView, Uint16Array, Buffer)", () => {
    const keyBytes = randomBytes(rng(44), 32);
    const key = aesKey(keyBytes);
    const msg = randomBytes(rng(45), 96);
    const exp = nobleCmac(msg, keyBytes);
    for (const v of [new DataView(msg.buffer), new Uint16Array(msg.buffer), Buffer.from(msg)]) {
      expectBytes(key.cmac().update(v as Uint8Array).digest(), exp, v.constructor.name);
    }
    key.dispose();
  });
});

describeEachBackend("CMAC: verify() refuses tampered tags", () => {
  it("every single flipped bit, a zero tag, a truncated or extended tag, another message", () => {
    const next = rng(46);
    for (const size of SIZES) {
      const keyBytes = randomBytes(next, size);
      const key = aesKey(keyBytes);
      for (const n of [0, 15, 16, 17, 64]) {
        const msg = randomBytes(next, n);
        const tag = nobleCmac(msg, keyBytes);
        expect(key.cmac().update(msg).verify(tag)).toBe(true);
        for (let bit = 0; bit < 128; bit++) {
          expect(key.cmac().update(msg).verify(tamper(tag, bit)), `AES-${size * 8} ${n} B, bit ${bit}`).toBe(false);
        }
        expect(key.cmac().update(msg).verify(new Uint8Array(16))).toBe(false);
        expect(key.cmac().update(msg).verify(tag.subarray(0, 15))).toBe(false);
        expect(key.cmac().update(msg).verify(new Uint8Array([...tag, 0]))).toBe(false);
        expect(key.cmac().update(msg).verify(new Uint8Array(0))).toBe(false);
        const other = msg.length ? tamper(msg, 0) : new Uint8Array(1);
        expect(key.cmac().update(other).verify(tag)).toBe(false);
      }
      key.dispose();
    }
  });
});

describeEachBackend("CMAC: rules", () => {
  const KEY = Uint8Array.from({ length: 16 }, (_, i) => 0x30 + i);

  it("bad tag lengths and options are typed errors", () => {
    const key = aesKey(KEY);
    for (const tagLength of [0, 4, 7, 17, 32, 8.5, "16", NaN]) {
      expect(() => key.cmac({ tagLength } as never), String(tagLength)).toThrow(TagLengthError);
    }
    expect(() => key.cmac(5 as never)).toThrow(StateError);
    expect(key.cmac({}).tagLength).toBe(16);
    expect(key.cmac({ tagLength: undefined }).tagLength).toBe(16);
    key.dispose();
  });

  it("options come from own properties only (a polluted Object.prototype.tagLength is ignored)", () => {
    const key = aesKey(KEY);
    const proto = Object.prototype as Record<string, unknown>;
    proto.tagLength = 8;
    try {
      expect(key.cmac({}).update(new Uint8Array(3)).digest().length).toBe(16);
    } finally {
      delete proto.tagLength;
    }
    key.dispose();
  });

  it("digest() and verify() end the MAC: every later call is a StateError", () => {
    const key = aesKey(KEY);
    const calls: ((m: ReturnType<typeof key.cmac>) => unknown)[] = [
      (m) => m.update(new Uint8Array(1)), (m) => m.digest(), (m) => m.verify(new Uint8Array(16)),
    ];
    for (const end of [(m: ReturnType<typeof key.cmac>) => m.digest(), (m: ReturnType<typeof key.cmac>) => m.verify(new Uint8Array(16))]) {
      for (const call of calls) {
        const m = key.cmac().update(new Uint8Array(20));
        end(m);
        expect(() => call(m)).toThrow(StateError);
      }
    }
    key.dispose();
  });

  it("a disposed key: cmac() and an open MAC's calls are DisposedError", () => {
    const key = aesKey(KEY);
    const m = key.cmac().update(new Uint8Array(5));
    key.dispose();
    expect(() => key.cmac()).toThrow(DisposedError);
    expect(() => m.update(new Uint8Array(1))).toThrow(DisposedError);
    expect(() => m.digest()).toThrow(DisposedError);
    expect(() => m.verify(new Uint8Array(16))).toThrow(DisposedError);
  });

  it("bad data and tags are typed errors that leave the MAC usable", () => {
    const key = aesKey(KEY);
    const m = key.cmac().update(new Uint8Array([1, 2, 3]));
    expect(() => m.update([1, 2] as never)).toThrow(InputTypeError);
    expect(() => m.update("ab" as never)).toThrow(InputTypeError);
    const detached = new Uint8Array(8);
    structuredClone(detached.buffer, { transfer: [detached.buffer] });
    expect(() => m.update(detached)).toThrow(DetachedBufferError);
    expect(() => m.verify({} as never)).toThrow(InputTypeError);
    expectBytes(m.digest(), nobleCmac(new Uint8Array([1, 2, 3]), KEY));
    key.dispose();
  });

  it("the message is read at update(): changing the caller's array afterwards changes nothing", () => {
    const key = aesKey(KEY);
    for (const n of [5, 16, 100]) {
      const msg = randomBytes(rng(n), n);
      const exp = nobleCmac(msg, KEY);
      const copy = msg.slice();
      const m = key.cmac().update(copy);
      copy.fill(0xee);
      expectBytes(m.digest(), exp, `${n} bytes`);
    }
    key.dispose();
  });

  it("serialises to its type only", () => {
    const key = aesKey(KEY);
    const m = key.cmac({ tagLength: 12 }).update(new Uint8Array(5));
    expect(JSON.parse(JSON.stringify(m))).toEqual({ type: "Cmac", bits: 128, tagLength: 12 });
    m.digest();
    key.dispose();
  });
});

describeEachBackend("CMAC: memory", () => {
  it("slots are given back: many MACs, open or finished, leave no slot behind; dispose() frees an open MAC's", () => {
    const core = activeCore();
    const key = aesKey(randomBytes(rng(47), 24));
    const before = core.stats().slotsInUse;
    for (let i = 0; i < 200; i++) key.cmac().update(new Uint8Array(i)).digest();
    expect(core.stats().slotsInUse).toBe(before);
    const a = key.cmac().update(new Uint8Array(5)); // the key's own state slot
    const b = key.cmac().update(new Uint8Array(5)); // an extra one
    expect(core.stats().slotsInUse).toBe(before + 1);
    a.digest();
    expect(core.stats().slotsInUse).toBe(before + 1);
    key.dispose();
    expect(core.stats().slotsInUse).toBe(before - 1);
    expect(() => b.digest()).toThrow(DisposedError);
  });

  it("no message byte, L, K1 or K2 stays in WASM memory after digest() or verify()", () => {
    const core = activeCore();
    const keyBytes = randomBytes(rng(48), 32);
    const key = aesKey(keyBytes);
    const [l, k1, k2] = subkeys(keyBytes);
    const msg = Uint8Array.from({ length: 70_013 }, (_, i) => (i * 7 + 0x31) & 0xff);
    for (const n of [5, 16, 40, 70_013]) {
      const m = msg.subarray(0, n);
      const mac = key.cmac().update(m.subarray(0, n >> 1)).update(m.subarray(n >> 1));
      const tail = m.subarray(n - (((n - 1) & 15) + 1)); // the held-back bytes, in the state slot until digest()
      expect(indexOfBytes(core.mem, tail), `held-back block of ${n} bytes`).not.toBe(-1);
      if (n & 1) mac.verify(new Uint8Array(16));
      else mac.digest();
      expect(indexOfBytes(core.mem, tail), `${n}: message tail`).toBe(-1);
      if (n > 24) expect(indexOfBytes(core.mem, m.subarray(0, 24)), `${n}: message head`).toBe(-1);
      for (const [name, s] of [["L", l], ["K1", k1], ["K2", k2]] as const) {
        expect(indexOfBytes(core.mem, s!), `${n}: ${name}`).toBe(-1);
      }
    }
    key.dispose();
  });
});
