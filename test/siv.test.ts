// AES-SIV against @noble/ciphers' aessiv (all three key sizes, 0..5 AD components, plaintexts
// 0..80 bytes, the block edges to 4097 and past the 64 KiB IO window, the nonce-based form as
// AD = [aad, nonce]); tampering (every bit of V, bits of C, AD changed, reordered, added or
// dropped) releases nothing and leaves the caller's output as it was; the output rule
// (overlap = memmove) both ways; typed errors; slots given back and no plaintext left in WASM
// memory.
import { aessiv } from "@noble/ciphers/aes.js";
import { expect, it } from "vitest";
import {
  DataLengthError, DecryptionError, DetachedBufferError, DisposedError, InputTypeError, IvLengthError, KeyLengthError,
  sivKey, SIV_MAX_AD_COMPONENTS, StateError,
} from "../src/index.js";
import { activeCore } from "../src/wasm/backend.js";
import { describeEachBackend } from "./helpers/backends.js";
import { expectBytes } from "./helpers/bytes.js";
import { indexOfBytes } from "./helpers/fuzz-oracle.js";
import { randomBytes, rng } from "./helpers/random.js";

const SIZES = [32, 48, 64] as const;

function nobleSeal(key: Uint8Array, ad: Uint8Array[], pt: Uint8Array): Uint8Array {
  return aessiv(key, ...ad).encrypt(pt);
}

function lengths(large: boolean): number[] {
  const out = Array.from({ length: 81 }, (_, i) => i);
  for (const edge of [128, 256, 4096]) out.push(edge - 1, edge, edge + 1);
  if (large) out.push(65_392, 65_407, 65_408, 65_409, 65_520, 65_535, 65_536, 65_537, 65_553, 140_001);
  return out;
}

function flip(b: Uint8Array, bit: number): Uint8Array {
  const t = b.slice();
  t[bit >> 3]! ^= 1 << (bit & 7);
  return t;
}

describeEachBackend("AES-SIV: differential vs @noble/ciphers aessiv", (backend) => {
  it(`every plaintext length 0..80, block edges${backend === "wasm" ? ", past the IO window" : ""}, each key size, 0..3 AD components (seed 51)`, () => {
    const next = rng(51);
    for (const size of SIZES) {
      const keyBytes = randomBytes(next, size);
      const key = sivKey(keyBytes);
      for (const n of lengths(backend === "wasm")) {
        const ad = Array.from({ length: n % 4 }, () => randomBytes(next, Math.floor(next() * 40)));
        const pt = randomBytes(next, n);
        const exp = nobleSeal(keyBytes, ad, pt);
        const where = `${size}-byte key, ${ad.length} AD, ${n} bytes`;
        expectBytes(key.encrypt(pt, ad), exp, `${where} encrypt`);
        expectBytes(key.decrypt(exp, ad), pt, `${where} decrypt`);
      }
      key.dispose();
    }
  });

  it("random AD vectors: 0..5 components of 0..300 bytes, large ones past the window (seed 52)", () => {
    const next = rng(52);
    const rounds = backend === "wasm" ? 80 : 20;
    for (let i = 0; i < rounds; i++) {
      const size = SIZES[i % 3]!;
      const keyBytes = randomBytes(next, size);
      const ad = Array.from({ length: Math.floor(next() * 6) }, () =>
        randomBytes(next, next() < 0.05 && backend === "wasm" ? 70_000 : Math.floor(next() * 301)));
      const pt = randomBytes(next, Math.floor(next() * 500));
      const key = sivKey(keyBytes);
      const exp = nobleSeal(keyBytes, ad, pt);
      expectBytes(key.encrypt(pt, ad), exp, `case ${i} encrypt`);
      expectBytes(key.decrypt(exp, ad), pt, `case ${i} decrypt`);
      key.dispose();
    }
  });

  it("126 AD components work; 127 are DataLengthError (noble refuses them too)", () => {
    const keyBytes = randomBytes(rng(53), 32);
    const key = sivKey(keyBytes);
    const ad = Array.from({ length: SIV_MAX_AD_COMPONENTS }, (_, i) => new Uint8Array([i, i + 1]));
    const pt = randomBytes(rng(54), 33);
    const exp = nobleSeal(keyBytes, ad, pt);
    expectBytes(key.encrypt(pt, ad), exp);
    expectBytes(key.decrypt(exp, ad), pt);
    const more = [...ad, new Uint8Array(1)];
    expect(() => key.encrypt(pt, more)).toThrow(DataLengthError);
    expect(() => key.decrypt(exp, more)).toThrow(DataLengthError);
    expect(() => nobleSeal(keyBytes, more, pt)).toThrow();
    key.dispose();
  });

  it("siv(nonce, { aad }) is S2V over (aad, nonce, plaintext): noble's aessiv(key, aad, nonce) (seed 55)", () => {
    const next = rng(55);
    for (let i = 0; i < 60; i++) {
      const size = SIZES[i % 3]!;
      const keyBytes = randomBytes(next, size);
      const nonce = randomBytes(next, 1 + Math.floor(next() * 32));
      const aad = randomBytes(next, Math.floor(next() * 50));
      const pt = randomBytes(next, Math.floor(next() * 200));
      const key = sivKey(keyBytes);
      const mode = i % 2 ? key.siv(nonce, { aad }) : key.siv(nonce);
      const exp = nobleSeal(keyBytes, [i % 2 ? aad : new Uint8Array(0), nonce], pt);
      expectBytes(mode.encrypt(pt), exp, `case ${i} encrypt`);
      expectBytes(mode.encrypt(pt), exp, `case ${i} encrypt again (allowed: SIV)`);
      expectBytes(mode.decrypt(exp), pt, `case ${i} decrypt`);
      key.dispose();
    }
  });
});

describeEachBackend("AES-SIV: tampering releases nothing", (backend) => {
  const next = rng(56);
  const keyBytes = randomBytes(next, 48);
  const ad = [randomBytes(next, 20), randomBytes(next, 3)];

  for (const n of backend === "wasm" ? [0, 7, 16, 33, 70_001] : [0, 7, 16, 33]) {
    it(`${n}-byte plaintext: any flipped bit of V, bits of C, changed AD: DecryptionError, output untouched`, () => {
      const key = sivKey(keyBytes);
      const pt = randomBytes(next, n);
      const sealed = key.encrypt(pt, ad);
      const bits = [...Array.from({ length: 128 }, (_, i) => i), ...(n ? [128, 135, 128 + 8 * n - 1, 128 + 4 * n] : [])];
      const out = new Uint8Array(n).fill(0x77);
      for (const bit of bits) {
        expect(() => key.decrypt(flip(sealed, bit), ad, out), `bit ${bit}`).toThrow(DecryptionError);
      }
      expectBytes(out, new Uint8Array(n).fill(0x77), "output");
      for (const other of [[], [ad[0]!], [ad[1]!, ad[0]!], [...ad, new Uint8Array(0)], [flip(ad[0]!, 3), ad[1]!], [ad[0]!, new Uint8Array(0)]]) {
        expect(() => key.decrypt(sealed, other, out)).toThrow(DecryptionError);
      }
      expectBytes(out, new Uint8Array(n).fill(0x77), "output after AD changes");
      // in place: the input buffer is the output, and stays as it was
      const buf = sealed.slice();
      const bad = flip(buf, 5);
      buf.set(bad);
      expect(() => key.decrypt(buf, ad, buf.subarray(16))).toThrow(DecryptionError);
      expectBytes(buf, bad, "in place");
      expectBytes(key.decrypt(sealed, ad), pt, "the genuine one still decrypts");
      key.dispose();
    });
  }

  it("inputs under 16 bytes are DecryptionError; [] and [empty] are different AD", () => {
    const key = sivKey(keyBytes);
    for (let n = 0; n < 16; n++) expect(() => key.decrypt(new Uint8Array(n))).toThrow(DecryptionError);
    const pt = new Uint8Array([1, 2, 3]);
    expect(() => key.decrypt(key.encrypt(pt), [new Uint8Array(0)])).toThrow(DecryptionError);
    expect(() => key.decrypt(key.encrypt(pt, [new Uint8Array(0)]))).toThrow(DecryptionError);
    const mode = key.siv(new Uint8Array([9]), { aad: new Uint8Array([1]) });
    expect(() => key.siv(new Uint8Array([8]), { aad: new Uint8Array([1]) }).decrypt(mode.encrypt(pt))).toThrow(DecryptionError);
    expect(() => key.siv(new Uint8Array([9])).decrypt(mode.encrypt(pt))).toThrow(DecryptionError);
    key.dispose();
  });
});

describeEachBackend("AES-SIV: output buffers", (backend) => {
  const n = backend === "wasm" ? 70_003 : 2_003;
  const keyBytes = randomBytes(rng(57), 32);
  const ad = [randomBytes(rng(58), 10)];

  it("a given output receives the bytes; too small is DataLengthError before anything runs", () => {
    const key = sivKey(keyBytes);
    const pt = randomBytes(rng(59), n);
    const exp = nobleSeal(keyBytes, ad, pt);
    const out = new Uint8Array(n + 20);
    expect(key.encrypt(pt, ad, out)).toHaveLength(n + 16);
    expectBytes(out.subarray(0, n + 16), exp);
    const back = new Uint8Array(n);
    const got = key.decrypt(exp, ad, back); // a view of `back`
    expect(got.buffer).toBe(back.buffer);
    expect([got.byteOffset, got.length]).toEqual([0, n]);
    expectBytes(back, pt);
    expect(() => key.encrypt(pt, ad, new Uint8Array(n + 15))).toThrow(DataLengthError);
    expect(() => key.decrypt(exp, ad, new Uint8Array(n - 1))).toThrow(DataLengthError);
    key.dispose();
  });

  for (const shift of [-16, -1, 0, 1, 16, 4096]) {
    it(`an output overlapping the input (output = input ${shift >= 0 ? "+" : "-"} ${Math.abs(shift)}) behaves as memmove`, () => {
      const key = sivKey(keyBytes);
      const pt = randomBytes(rng(60 + shift), n);
      const exp = nobleSeal(keyBytes, ad, pt);
      const pad = 4096 + 32;
      // encrypt: input at `pad`, output at `pad + shift`
      const buf = new Uint8Array(2 * pad + n + 16);
      buf.set(pt, pad);
      key.encrypt(buf.subarray(pad, pad + n), ad, buf.subarray(pad + shift, pad + shift + n + 16));
      expectBytes(buf.subarray(pad + shift, pad + shift + n + 16), exp, "encrypt");
      // decrypt: input at `pad`, output at `pad + shift`
      const buf2 = new Uint8Array(2 * pad + n + 16);
      buf2.set(exp, pad);
      key.decrypt(buf2.subarray(pad, pad + n + 16), ad, buf2.subarray(pad + shift, pad + shift + n));
      expectBytes(buf2.subarray(pad + shift, pad + shift + n), pt, "decrypt");
      key.dispose();
    });
  }
});

describeEachBackend("AES-SIV: rules", () => {
  const KEY = Uint8Array.from({ length: 32 }, (_, i) => i);

  it("keys of 32, 48, 64 bytes only: KeyLengthError otherwise", () => {
    for (const n of [0, 16, 24, 31, 33, 40, 63, 65, 128]) expect(() => sivKey(new Uint8Array(n)), `${n}`).toThrow(KeyLengthError);
    for (const n of [32, 48, 64]) {
      const k = sivKey(new Uint8Array(n));
      expect(k.bits).toBe(n * 8);
      k.dispose();
    }
    expect(() => sivKey("k".repeat(32) as never)).toThrow(InputTypeError);
  });

  it("associated data must be an array of byte views; nonces at least 1 byte; options own properties", () => {
    const key = sivKey(KEY);
    const pt = new Uint8Array(4);
    expect(() => key.encrypt(pt, new Uint8Array(3) as never)).toThrow(InputTypeError);
    expect(() => key.encrypt(pt, null as never)).toThrow(InputTypeError);
    expect(() => key.encrypt(pt, [[1, 2]] as never)).toThrow(InputTypeError);
    expect(() => key.encrypt([1] as never)).toThrow(InputTypeError);
    expect(() => key.siv(new Uint8Array(0))).toThrow(IvLengthError);
    expect(() => key.siv(new Uint8Array(1), 3 as never)).toThrow(StateError);
    const detached = new Uint8Array(8);
    structuredClone(detached.buffer, { transfer: [detached.buffer] });
    expect(() => key.encrypt(detached)).toThrow(DetachedBufferError);
    const proto = Object.prototype as Record<string, unknown>;
    proto.aad = new Uint8Array([1]);
    try {
      expectBytes(key.siv(new Uint8Array([7]), {}).encrypt(pt), nobleSeal(KEY, [new Uint8Array(0), new Uint8Array([7])], pt));
    } finally {
      delete proto.aad;
    }
    key.dispose();
  });

  it("the nonce, aad and AD components are read at the call: later changes to the caller's arrays change nothing", () => {
    const key = sivKey(KEY);
    const nonce = new Uint8Array([1, 2, 3]);
    const aad = new Uint8Array([4, 5]);
    const pt = new Uint8Array([6, 7, 8]);
    const exp = nobleSeal(KEY, [aad.slice(), nonce.slice()], pt);
    const mode = key.siv(nonce, { aad });
    nonce.fill(0);
    aad.fill(0);
    mode.nonce.fill(9);
    expectBytes(mode.encrypt(pt), exp);
    key.dispose();
  });

  it("dispose(): every later call is DisposedError; Symbol.dispose disposes; serialises to its type only", () => {
    const key = sivKey(KEY);
    const mode = key.siv(new Uint8Array([1]));
    expect(JSON.parse(JSON.stringify(key))).toEqual({ type: "SivKey", bits: 256 });
    expect(JSON.parse(JSON.stringify(mode))).toEqual({ type: "SivMode", bits: 256 });
    const sealed = key.encrypt(new Uint8Array(3));
    key.dispose();
    key.dispose(); // idempotent
    expect(key.disposed).toBe(true);
    expect(() => key.encrypt(new Uint8Array(3))).toThrow(DisposedError);
    expect(() => key.decrypt(sealed)).toThrow(DisposedError);
    expect(() => key.siv(new Uint8Array([1]))).toThrow(DisposedError);
    expect(() => mode.encrypt(new Uint8Array(3))).toThrow(DisposedError);
    expect(() => mode.decrypt(sealed)).toThrow(DisposedError);
    if (typeof Symbol.dispose === "symbol") {
      const k = sivKey(KEY);
      (k as unknown as Record<symbol, () => void>)[Symbol.dispose]!();
      expect(k.disposed).toBe(true);
    }
  });
});

describeEachBackend("AES-SIV: memory", () => {
  it("slots are given back over many messages; dispose() frees both key blocks", () => {
    const core = activeCore();
    const before = core.stats().slotsInUse;
    const key = sivKey(randomBytes(rng(61), 64));
    expect(core.stats().slotsInUse).toBe(before + 2);
    for (let i = 0; i < 100; i++) {
      const sealed = key.encrypt(new Uint8Array(i), [new Uint8Array(i)]);
      key.decrypt(sealed, [new Uint8Array(i)]);
      expect(() => key.decrypt(flip(sealed, 1))).toThrow(DecryptionError);
    }
    expect(core.stats().slotsInUse).toBe(before + 2);
    key.dispose();
    expect(core.stats().slotsInUse).toBe(before);
  });

  it("no plaintext (nor D or keystream) stays in WASM memory after encrypt, decrypt or a failed decrypt", () => {
    const core = activeCore();
    const key = sivKey(randomBytes(rng(62), 32));
    const pt = Uint8Array.from({ length: 70_013 }, (_, i) => (i * 11 + 0x17) & 0xff);
    for (const n of [5, 40, 70_013]) {
      const p = pt.subarray(0, n);
      const probe = p.subarray(0, Math.min(n, 24));
      const sealed = key.encrypt(p, [p]);
      expect(indexOfBytes(core.mem, probe), `${n}: encrypt`).toBe(-1);
      expectBytes(key.decrypt(sealed, [p]), p);
      expect(indexOfBytes(core.mem, probe), `${n}: decrypt`).toBe(-1);
      expect(() => key.decrypt(flip(sealed, 0), [p])).toThrow(DecryptionError);
      expect(indexOfBytes(core.mem, probe), `${n}: failed decrypt`).toBe(-1);
      // keystream: the ciphertext of zeros under a fixed V is pure keystream
      const zeros = key.encrypt(new Uint8Array(48));
      expect(indexOfBytes(core.mem, zeros.subarray(16, 40)), `${n}: keystream`).toBe(-1);
    }
    key.dispose();
  });
});
