// The free-standing mode functions (ctr(key, iv), gcm(key, iv), …) and the exported mode
// classes, tested as an attacker would call them: forged keys (a plain object carrying a real
// key's slot and core, a proxy, an object made from the class prototype), a polluted
// Object.prototype, odd views and overlapping output, disposed keys. Expected bytes come from
// node:crypto in the same test, or from the AesKey methods for modes node:crypto lacks.
import { createCipheriv, randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import {
  AesError, AesKey, AesKeyBase, aesKey, aesKeyBase, cbc, CbcMode, ccm, CcmMode, cfb, cmac, Cmac, ctr, CtrMode, DisposedError,
  ecb, EcbMode, gcm, GcmMode, gcmSiv, GcmSivMode, InputTypeError, kw, KwMode, kwp, KwpMode, ocb, OcbMode, ofb, SivMode,
} from "../src/index.js";
import { describeEachBackend } from "./helpers/backends.js";

const K = randomBytes(32), IV = randomBytes(16), N12 = IV.subarray(0, 12);
const DATA = randomBytes(80);

/** node:crypto's output for a mode without padding (and the tag appended for GCM). */
function nodeBytes(name: string, key: Uint8Array, iv: Uint8Array | null, data: Uint8Array): Uint8Array {
  const c = createCipheriv(name, key, iv);
  c.setAutoPadding(false);
  const out = Buffer.concat([c.update(data), c.final()]);
  return new Uint8Array(name.endsWith("gcm") ? Buffer.concat([out, (c as unknown as { getAuthTag(): Buffer }).getAuthTag()]) : out);
}

/** Every mode function, run once on `key` over `data` (each returns the bytes it makes). */
const RUNS: Record<string, (key: AesKeyBase, data: Uint8Array) => Uint8Array> = {
  ecb: (k, d) => ecb(k, { padding: "none" }).encrypt(d),
  cbc: (k, d) => cbc(k, IV, { padding: "none" }).encrypt(d),
  cfb: (k, d) => cfb(k, IV).encrypt(d),
  ofb: (k, d) => ofb(k, IV).encrypt(d),
  ctr: (k, d) => ctr(k, IV).encrypt(d),
  gcm: (k, d) => gcm(k, N12).encrypt(d),
  ocb: (k, d) => ocb(k, N12).encrypt(d),
  ccm: (k, d) => ccm(k, N12).encrypt(d),
  gcmSiv: (k, d) => gcmSiv(k, N12).encrypt(d),
  kw: (k, d) => kw(k).wrap(d.subarray(0, 32)),
  kwp: (k, d) => kwp(k).wrap(d.subarray(0, 5)),
  cmac: (k, d) => cmac(k).update(d).digest(),
};

/** The exported mode classes, constructed directly. */
const CLASSES: Record<string, (key: AesKeyBase) => unknown> = {
  EcbMode: (k) => new EcbMode(k as AesKey),
  CbcMode: (k) => new CbcMode(k as AesKey, IV),
  CtrMode: (k) => new CtrMode(k as AesKey, IV),
  GcmMode: (k) => new GcmMode(k as AesKey, N12),
  OcbMode: (k) => new OcbMode(k as AesKey, N12),
  CcmMode: (k) => new CcmMode(k as AesKey, N12),
  GcmSivMode: (k) => new GcmSivMode(k as AesKey, N12),
  KwMode: (k) => new KwMode(k as AesKey),
  KwpMode: (k) => new KwpMode(k as AesKey),
  Cmac: (k) => new Cmac(k as AesKey),
  SivMode: (k) => new SivMode(k as AesKey, k as AesKey, N12),
};

/** Runs `fn` with `props` set on Object.prototype, and removes them again. */
function polluted<T>(props: Record<string, unknown>, fn: () => T): T {
  const proto = Object.prototype as Record<string, unknown>;
  for (const [name, value] of Object.entries(props)) Object.defineProperty(proto, name, { value, configurable: true, writable: true });
  try {
    return fn();
  } finally {
    for (const name of Object.keys(props)) delete proto[name];
  }
}

describeEachBackend("mode functions under attack", () => {
  let real: AesKeyBase;
  afterEach(() => real?.dispose());

  const forgeries = (): Record<string, unknown> => {
    real = aesKeyBase(K);
    return {
      "a plain object with the real key's slot and core": { slot: real.slot, core: real.core, bits: real.bits },
      "an object made from AesKey.prototype": Object.create(AesKey.prototype),
      "an object made from AesKeyBase.prototype": Object.create(AesKeyBase.prototype),
      "a Proxy of a real key": new Proxy(real, {}),
      "null": null,
      "the key bytes themselves": K,
    };
  };

  it("a forged key is refused with InputTypeError by every mode function, and nothing is made", () => {
    for (const [what, fake] of Object.entries(forgeries())) {
      for (const [name, run] of Object.entries(RUNS)) {
        let out: Uint8Array | undefined;
        const err = (() => {
          try {
            out = run(fake as AesKeyBase, DATA);
          } catch (e) {
            return e;
          }
        })();
        expect(out, `${name}(${what}) made output`).toBeUndefined();
        expect(err, `${name}(${what})`).toBeInstanceOf(InputTypeError);
        expect((err as Error).message).toMatch(/aesKey\(\) or aesKeyBase\(\)/);
      }
    }
  });

  it("a forged key is refused by every exported mode class's constructor", () => {
    for (const [what, fake] of Object.entries(forgeries())) {
      for (const [name, make] of Object.entries(CLASSES)) {
        expect(() => make(fake as AesKeyBase), `new ${name}(${what})`).toThrow(InputTypeError);
      }
    }
    // the genuine key still works after all that
    expect(ctr(real, IV).encrypt(DATA)).toEqual(nodeBytes("aes-256-ctr", K, IV, DATA));
  });

  it("a polluted Object.prototype changes no option of any mode function", () => {
    const base = aesKeyBase(K), full = aesKey(K);
    try {
      const clean = Object.fromEntries(Object.keys(RUNS).filter((n) => n !== "ecb" && n !== "cbc").map((n) => [n, RUNS[n](full, DATA)]));
      const evil = { padding: "pkcs7", segment: 8, counterBits: 8, maxBlocks: 1, tagLength: 4, allowShortTags: true, aad: new Uint8Array([1, 2, 3]) };
      polluted(evil, () => {
        // defaults (no options object) and an empty options object: the inherited values are not options
        expect(ctr(base, IV, {}).encrypt(DATA)).toEqual(nodeBytes("aes-256-ctr", K, IV, DATA));
        expect(cfb(base, IV, {}).encrypt(DATA)).toEqual(nodeBytes("aes-256-cfb", K, IV, DATA));
        expect(gcm(base, N12, {}).encrypt(DATA)).toEqual(nodeBytes("aes-256-gcm", K, N12, DATA));
        expect(ecb(base, {}).encrypt(DATA.subarray(0, 32)).length).toBe(48); // pkcs7 by default, not inherited
        for (const [name, bytes] of Object.entries(clean)) expect(RUNS[name](base, DATA), name).toEqual(bytes);
      });
    } finally {
      base.dispose();
      full.dispose();
    }
  });

  it("odd views in, overlapping output: node:crypto's bytes", () => {
    const key = aesKeyBase(K);
    try {
      const want = nodeBytes("aes-256-ctr", K, IV, DATA);
      // a Buffer at an odd offset of a larger pool, a DataView, a Uint16Array over the same bytes
      const host = new Uint8Array(DATA.length + 3);
      host.set(DATA, 1);
      const shifted = host.subarray(1, 1 + DATA.length);
      expect(ctr(key, IV).encrypt(shifted)).toEqual(want);
      expect(ctr(key, IV).encrypt(new DataView(host.buffer, 1, DATA.length) as unknown as Uint8Array)).toEqual(want);
      expect(ctr(key, IV).encrypt(new Uint16Array(DATA.buffer.slice(DATA.byteOffset, DATA.byteOffset + DATA.length)) as unknown as Uint8Array)).toEqual(want);
      // a SharedArrayBuffer-backed input
      const shared = new Uint8Array(new SharedArrayBuffer(DATA.length));
      shared.set(DATA);
      expect(ctr(key, IV).encrypt(shared)).toEqual(want);
      // output over the input, in place and shifted by one byte either way
      for (const shift of [0, 1, -1]) {
        const room = new Uint8Array(DATA.length + 2);
        room.set(DATA, 1);
        const input = room.subarray(1, 1 + DATA.length);
        const output = room.subarray(1 + shift, 1 + shift + DATA.length);
        ctr(key, IV).encrypt(input, output);
        expect(output, `shift ${shift}`).toEqual(want);
      }
      // GCM: a ciphertext view into a bigger buffer opens; the output may be the ciphertext's own bytes
      const sealed = gcm(key, N12).encrypt(DATA);
      const box = new Uint8Array(sealed.length + 5);
      box.set(sealed, 5);
      const view = box.subarray(5);
      expect(gcm(key, N12).decrypt(view, view.subarray(0, DATA.length))).toEqual(new Uint8Array(DATA));
    } finally {
      key.dispose();
    }
  });

  it("a disposed key: DisposedError from every mode function, and no output", () => {
    const key = aesKeyBase(K);
    key.dispose();
    for (const [name, run] of Object.entries(RUNS)) {
      expect(() => run(key, DATA), name).toThrow(DisposedError);
    }
  });
});

describe("AesKeyBase.check", () => {
  it("passes genuine keys through and names what it got otherwise", () => {
    const a = aesKey(K), b = aesKeyBase(K);
    try {
      expect(AesKeyBase.check(a)).toBe(a);
      expect(AesKeyBase.check(b)).toBe(b);
      for (const v of [undefined, 0, "k", {}, [], () => undefined]) {
        const err = (() => { try { AesKeyBase.check(v as AesKeyBase); } catch (e) { return e; } })();
        expect(err).toBeInstanceOf(AesError);
        expect((err as Error).name).toBe("InputTypeError");
      }
    } finally {
      a.dispose();
      b.dispose();
    }
  });
});
