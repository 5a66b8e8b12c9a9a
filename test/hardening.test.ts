// Regression tests for the attack-minded review ("No data lost, no secret leaked"): each block
// reproduces one finding, against node:crypto computed here.
import nodeCrypto from "node:crypto";
import util from "node:util";
import v8 from "node:v8";
import vm from "node:vm";
import { afterEach, describe, expect, it } from "vitest";
import {
  AesError, aesKey, bytesToHex, createCipheriv, createDecipheriv, DataLengthError, DecryptionError, DetachedBufferError,
  InputTypeError, toTransformStream, type CipherStream,
} from "../src/index.js";
import { subtle } from "../src/subtle/index.js";
import { toNodeTransform } from "../src/index.node.js";
import { AesError as AesErrorClass, KeyLengthError } from "../src/errors.js";
import { flushPending } from "../src/lifetime.js";
import { activeCore, useBackend } from "../src/wasm/backend.js";
import { describeEachBackend } from "./helpers/backends.js";
import { expectBytes } from "./helpers/bytes.js";
import { expected, gcmSeal, indexOfBytes, keyWrap, type OracleMode, type OraclePadding } from "./helpers/fuzz-oracle.js";
import { randomBytes, rng } from "./helpers/random.js";

v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc") as () => void;

const KEY = Uint8Array.from({ length: 16 }, (_, i) => 0xd0 + i);
const IV = Uint8Array.from({ length: 16 }, (_, i) => 0x40 + i);
const IV12 = IV.subarray(0, 12);

afterEach(() => useBackend("wasm"));

function typedError(fn: () => unknown): AesError {
  try {
    fn();
  } catch (e) {
    expect(e, String(e)).toBeInstanceOf(AesError);
    return e as AesError;
  }
  throw new Error("expected a typed error");
}

type Case = { name: string; mode: OracleMode; padding: OraclePadding; make: (k: ReturnType<typeof aesKey>) => { encrypt(d: Uint8Array, o?: Uint8Array): Uint8Array; decrypt(d: Uint8Array, o?: Uint8Array): Uint8Array; decryptor(): CipherStream } };
const CASES: Case[] = [
  { name: "ecb none", mode: "ecb", padding: "none", make: (k) => k.ecb({ padding: "none" }) },
  { name: "ecb pkcs7", mode: "ecb", padding: "pkcs7", make: (k) => k.ecb() },
  { name: "cbc none", mode: "cbc", padding: "none", make: (k) => k.cbc(IV, { padding: "none" }) },
  { name: "cbc pkcs7", mode: "cbc", padding: "pkcs7", make: (k) => k.cbc(IV) },
  { name: "cbc iso", mode: "cbc", padding: "iso9797-m2", make: (k) => k.cbc(IV, { padding: "iso9797-m2" }) },
  { name: "cfb", mode: "cfb", padding: "none", make: (k) => k.cfb(IV) },
  { name: "cfb8", mode: "cfb8", padding: "none", make: (k) => k.cfb(IV, { segment: 8 }) },
  { name: "cfb1", mode: "cfb1", padding: "none", make: (k) => k.cfb(IV, { segment: 1 }) },
  { name: "ofb", mode: "ofb", padding: "none", make: (k) => k.ofb(IV) },
  { name: "ctr", mode: "ctr", padding: "none", make: (k) => k.ctr(IV) },
];

describe("finding 1: overlapping input and output", () => {
  const n = 70_000 - (70_000 % 16); // past the 64 KiB IO window, whole blocks
  for (const shift of [1, 16, 4096]) {
    for (const c of CASES) {
      it(`${c.name}: forward overlap by ${shift} (output = input + ${shift}) is a memmove`, () => {
        const key = aesKey(KEY);
        const plain = randomBytes(rng(shift), n);
        const ct = expected(c.mode, KEY, IV, plain, true, c.padding)!;
        // encrypt: input at 0, output at shift
        const buf = new Uint8Array(ct.length + shift);
        buf.set(plain);
        const out = c.make(key).encrypt(buf.subarray(0, n), buf.subarray(shift));
        expectBytes(out, ct, "ciphertext");
        expectBytes(buf.subarray(shift, shift + ct.length), ct, "ciphertext in the buffer");
        // decrypt: input at 0, output at shift
        const buf2 = new Uint8Array(ct.length + shift);
        buf2.set(ct);
        const pt = c.make(key).decrypt(buf2.subarray(0, ct.length), buf2.subarray(shift));
        expectBytes(pt, plain, "plaintext");
        key.dispose();
      });
    }
  }

  it("in place and backward overlap still work (every mode)", () => {
    const key = aesKey(KEY);
    const plain = randomBytes(rng(2), n);
    for (const c of CASES) {
      const ct = expected(c.mode, KEY, IV, plain, true, c.padding)!;
      const buf = new Uint8Array(ct.length + 16);
      buf.set(plain);
      expectBytes(c.make(key).encrypt(buf.subarray(0, n), buf), ct, `${c.name} in place`);
      const back = new Uint8Array(ct.length + 16);
      back.set(ct, 16);
      expectBytes(c.make(key).decrypt(back.subarray(16), back.subarray(0)), plain, `${c.name} backward`);
    }
    key.dispose();
  });

  it("GCM: decrypting into a forward-overlapping output gives the right plaintext; encrypting tags the right data", () => {
    const key = aesKey(KEY);
    const plain = randomBytes(rng(3), 100_000);
    const sealed = gcmSeal(KEY, IV12, plain, undefined);
    const buf = new Uint8Array(sealed.length + 1);
    buf.set(sealed);
    expectBytes(key.gcm(IV12).decrypt(buf.subarray(0, sealed.length), buf.subarray(1)), plain, "plaintext");
    const buf2 = new Uint8Array(sealed.length + 1);
    buf2.set(plain);
    expectBytes(key.gcm(IV12).encrypt(buf2.subarray(0, plain.length), buf2.subarray(1)), sealed, "sealed");
    key.dispose();
  });

  it("streams: update() into an output overlapping its input forward", () => {
    const key = aesKey(KEY);
    const plain = randomBytes(rng(4), n);
    const ct = expected("ctr", KEY, IV, plain, true)!;
    const buf = new Uint8Array(n + 1);
    buf.set(plain);
    const s = key.ctr(IV).encryptor();
    expectBytes(s.update(buf.subarray(0, n), buf.subarray(1)), ct);
    s.final();
    key.dispose();
  });
});

describe("finding 2: serialising objects dumps no memory", () => {
  const plain = Uint8Array.from({ length: 37 }, (_, i) => 0x90 + i);
  const needles = [KEY, plain.subarray(0, 8)].map((b) => [
    Array.from(b.subarray(0, 6)).join(","), Array.from(b.subarray(0, 6)).join(", "), bytesToHex(b.subarray(0, 6)),
    Buffer.from(b.subarray(0, 6)).toString("base64").slice(0, 6),
  ]).flat();

  function objects(): [string, unknown][] {
    const key = aesKey(KEY);
    const cbcEnc = key.cbc(IV).encryptor();
    cbcEnc.update(plain.subarray(0, 5)); // 5 bytes pending in the stream
    const ctrEnc = key.ctr(IV).encryptor();
    ctrEnc.update(plain);
    const gcmEnc = key.gcm(IV12).encryptor();
    gcmEnc.update(plain);
    const gcmDec = key.gcm(IV12).unverifiedDecryptor();
    const cipher = createCipheriv("aes-128-cbc", KEY, IV);
    cipher.update(plain.subarray(0, 5));
    const gcmCipher = createCipheriv("aes-128-gcm", KEY, IV12);
    gcmCipher.update(plain);
    const gcmDecipher = createDecipheriv("aes-128-gcm", KEY, IV12);
    return [
      ["AesKey", key], ["EcbMode", key.ecb()], ["CbcMode", key.cbc(IV)], ["CfbMode", key.cfb(IV)], ["OfbMode", key.ofb(IV)],
      ["CtrMode", key.ctr(IV)], ["GcmMode", key.gcm(IV12)], ["KwMode", key.kw()], ["KwpMode", key.kwp()],
      ["BlockStream", cbcEnc], ["CtrStream", ctrEnc], ["ByteStream", key.ofb(IV).decryptor()],
      ["GcmEncryptor", gcmEnc], ["GcmUnverifiedDecryptor", gcmDec],
      ["Cipher", cipher], ["GcmCipher", gcmCipher], ["GcmDecipher", gcmDecipher],
      ["TransformStream", toTransformStream(key.ctr(IV).decryptor())], ["Transform", toNodeTransform(key.ctr(IV).decryptor())],
    ];
  }

  it("JSON.stringify of every public object is small and holds no key or plaintext byte", async () => {
    const cryptoKey = await subtle.importKey("raw", KEY, "AES-GCM", true, ["encrypt"]);
    for (const [name, obj] of [...objects(), ["AesCryptoKey", cryptoKey] as [string, unknown]]) {
      const json = JSON.stringify(obj) ?? "";
      expect(json.length, `${name}: ${json.slice(0, 200)}`).toBeLessThan(name === "Transform" ? 4000 : 200);
      for (const n of needles) expect(json.includes(n), `${name} contains ${n}`).toBe(false);
    }
  });

  it("key, mode, stream and cipher objects serialise to a type and nothing secret", () => {
    const key = aesKey(KEY);
    expect(JSON.parse(JSON.stringify(key))).toEqual({ type: "AesKey", bits: 128 });
    expect(JSON.parse(JSON.stringify({ k: key.ctr(IV) }))).toEqual({ k: { type: "CtrMode", bits: 128 } });
    key.dispose();
  });

  it("util.inspect (console.log) of every public object holds no key or plaintext byte", async () => {
    const cryptoKey = await subtle.importKey("raw", KEY, "AES-GCM", true, ["encrypt"]);
    for (const [name, obj] of [...objects(), ["AesCryptoKey", cryptoKey] as [string, unknown]]) {
      for (const opts of [{}, { depth: Infinity, showHidden: true }, { depth: 4, customInspect: false }] as util.InspectOptions[]) {
        const s = util.inspect(obj, opts);
        expect(s.length, `${name} ${JSON.stringify(opts)}: ${s.slice(0, 300)}`).toBeLessThan(name === "Transform" || name === "TransformStream" ? 20_000 : 2000);
        for (const n of needles) expect(s.includes(n), `${name} ${JSON.stringify(opts)} contains ${n}`).toBe(false);
      }
    }
  });

  it("structuredClone of a key or stream copies no memory", () => {
    const key = aesKey(KEY);
    const s = key.cbc(IV).encryptor();
    s.update(plain.subarray(0, 5));
    for (const obj of [key, s, key.ctr(IV)]) {
      let clone: unknown;
      try {
        clone = structuredClone(obj);
      } catch {
        continue; // refusing to clone is fine too
      }
      let bytes = 0;
      JSON.stringify(clone, (_k, v: unknown) => {
        if (ArrayBuffer.isView(v)) bytes += v.byteLength;
        return ArrayBuffer.isView(v) ? null : v;
      });
      expect(bytes).toBeLessThan(64); // at most an IV, never memory
    }
    s.final();
    key.dispose();
  });
});

describeEachBackend("finding 3: views that lie about themselves", () => {
  class Liar extends Uint8Array {
    override get length(): number {
      return 1 << 20;
    }
  }
  class Liar2 extends Uint8Array {
    override get length(): number {
      return 65_536 + 7;
    }
    override subarray(): Uint8Array<ArrayBuffer> {
      return new Uint8Array(70_000);
    }
  }
  const real = Uint8Array.from({ length: 10 }, (_, i) => i * 3);

  it("a subclass with a lying length: the real bytes are used, and every key keeps working", () => {
    const other = aesKey(KEY.slice().reverse());
    for (const Cls of [Liar, Liar2]) {
      const data = new Cls(10);
      data.set(real);
      const key = aesKey(KEY);
      for (const c of CASES.filter((x) => x.padding !== "none" || x.mode !== "ecb" && x.mode !== "cbc")) {
        let out: Uint8Array | AesError;
        try {
          out = c.make(key).encrypt(data);
        } catch (e) {
          expect(e, `${c.name}: ${String(e)}`).toBeInstanceOf(AesError);
          continue;
        }
        expectBytes(out, expected(c.mode, KEY, IV, real, true, c.padding)!, c.name);
      }
      expectBytes(key.gcm(IV12).encrypt(data), gcmSeal(KEY, IV12, real, undefined), "gcm");
      const c = createCipheriv("aes-128-ctr", KEY, IV);
      expectBytes(c.update(data), expected("ctr", KEY, IV, real, true)!, "facade");
      key.dispose();
      // a key made before, and one made after, still work
      expectBytes(other.ctr(IV).encrypt(real), expected("ctr", KEY.slice().reverse(), IV, real, true)!, "other key");
      const after = aesKey(KEY);
      expectBytes(after.ctr(IV).encrypt(real), expected("ctr", KEY, IV, real, true)!, "new key");
      after.dispose();
    }
    other.dispose();
  });

  it("an own `length`/`byteLength` property on a plain Uint8Array is ignored", () => {
    const data = real.slice();
    Object.defineProperty(data, "length", { get: () => 1 << 24 });
    Object.defineProperty(data, "byteLength", { get: () => 1 << 24 });
    const key = aesKey(KEY);
    expectBytes(key.ctr(IV).encrypt(data), expected("ctr", KEY, IV, real, true)!);
    const lyingKey = KEY.slice();
    Object.defineProperty(lyingKey, "length", { get: () => 32 });
    expect(aesKey(lyingKey).bits).toBe(128);
    key.dispose();
  });

  it("DataView and other TypedArrays are taken as their bytes", () => {
    const key = aesKey(KEY);
    const bytes = randomBytes(rng(9), 48);
    const exp = expected("ctr", KEY, IV, bytes, true)!;
    for (const v of [new DataView(bytes.buffer), new Uint16Array(bytes.buffer), new Float64Array(bytes.buffer), new BigInt64Array(bytes.buffer), Buffer.from(bytes)]) {
      expectBytes(key.ctr(IV).encrypt(v as Uint8Array), exp, v.constructor.name);
    }
    expectBytes(key.ctr(new DataView(IV.buffer) as unknown as Uint8Array).encrypt(bytes), exp, "DataView IV");
    expect(typedError(() => key.ctr(IV).encrypt([1, 2, 3] as unknown as Uint8Array))).toBeInstanceOf(InputTypeError);
    expect(typedError(() => key.ctr(IV).encrypt({ buffer: bytes.buffer, byteLength: 48, byteOffset: 0 } as unknown as Uint8Array))).toBeInstanceOf(InputTypeError);
    key.dispose();
  });
});

describe("finding 4: options come from own properties only", () => {
  function polluted<T>(props: Record<string, unknown>, fn: () => T): T {
    const proto = Object.prototype as Record<string, unknown>;
    for (const [k, v] of Object.entries(props)) proto[k] = v;
    try {
      return fn();
    } finally {
      for (const k of Object.keys(props)) delete proto[k];
    }
  }
  const data = randomBytes(rng(11), 45);

  it("modes: padding, segment, counterBits, maxBlocks, tagLength, allowShortTags, aad", () => {
    const key = aesKey(KEY);
    const evil = { padding: "none", segment: 8, counterBits: 8, maxBlocks: 0, tagLength: 4, allowShortTags: true, aad: new Uint8Array([1, 2, 3]), authTagLength: 4 };
    polluted(evil, () => {
      expectBytes(key.cbc(IV).encrypt(data), expected("cbc", KEY, IV, data, true, "pkcs7")!, "cbc");
      expectBytes(key.cbc(IV, {}).encrypt(data), expected("cbc", KEY, IV, data, true, "pkcs7")!, "cbc {}");
      expectBytes(key.ecb().encrypt(data), expected("ecb", KEY, null, data, true, "pkcs7")!, "ecb");
      expectBytes(key.cfb(IV).encrypt(data), expected("cfb", KEY, IV, data, true)!, "cfb");
      expectBytes(key.ctr(IV).encrypt(data), expected("ctr", KEY, IV, data, true)!, "ctr");
      expectBytes(key.gcm(IV12).encrypt(data), gcmSeal(KEY, IV12, data, undefined), "gcm");
      expectBytes(key.gcm(IV12, {}).decrypt(gcmSeal(KEY, IV12, data, undefined)), data, "gcm decrypt");
      const c = createCipheriv("aes-128-gcm", KEY, IV12, {});
      const out = Buffer.concat([c.update(data), c.final()]);
      expect(c.getAuthTag().length).toBe(16);
      expectBytes(new Uint8Array(Buffer.concat([out, c.getAuthTag()])), gcmSeal(KEY, IV12, data, undefined), "gcm facade");
    });
    key.dispose();
  });

  it("subtle: AES-GCM additionalData/tagLength and AES-CTR length", async () => {
    const k = await subtle.importKey("raw", KEY, "AES-GCM", false, ["encrypt", "decrypt"]);
    const sealed = await polluted({ additionalData: new Uint8Array([9]), tagLength: 32 }, () => subtle.encrypt({ name: "AES-GCM", iv: IV12 }, k, data));
    expectBytes(new Uint8Array(sealed), gcmSeal(KEY, IV12, data, undefined), "AES-GCM");
    const kc = await subtle.importKey("raw", KEY, "AES-CTR", false, ["encrypt"]);
    const err = await polluted({ length: 64 }, () => subtle.encrypt({ name: "AES-CTR", counter: IV } as never, kc, data).then(() => null, (e: Error) => e));
    expect(err?.name).toBe("TypeError"); // `length` is required and missing
  });
});

describeEachBackend("finding 5", (backend) => {
  it("detached buffers are a typed error (DetachedBufferError), for data, key, IV and output", () => {
    const key = aesKey(KEY);
    const detach = <T extends ArrayBufferView>(v: T): T => {
      structuredClone(v.buffer, { transfer: [v.buffer as ArrayBuffer] });
      return v;
    };
    const cases: (() => unknown)[] = [
      () => key.ctr(IV).encrypt(detach(new Uint8Array(32))),
      () => key.ctr(IV).encrypt(detach(new Uint16Array(16)) as unknown as Uint8Array),
      () => key.ctr(IV).encrypt(detach(new DataView(new ArrayBuffer(32))) as unknown as Uint8Array),
      () => key.ctr(IV).encrypt(new Uint8Array(32), detach(new Uint8Array(32))),
      () => key.ctr(detach(new Uint8Array(16))),
      () => aesKey(detach(new Uint8Array(16))),
      () => key.gcm(IV12).encrypt(detach(new Uint8Array(0))),
      () => bytesToHex(detach(new Uint8Array(4))),
    ];
    for (const fn of cases) expect(typedError(fn)).toBeInstanceOf(DetachedBufferError);
    key.dispose();
  });

  it("KW/KWP: whatever wrap() accepts, unwrap() takes back (lengths at the IO-window limit)", () => {
    const key = aesKey(KEY);
    for (let len = 65_480; len <= 65_536; len++) {
      const data = new Uint8Array(len).fill(len & 0xff);
      for (const [name, mode, pad] of [["kw", key.kw(), false], ["kwp", key.kwp(), true]] as const) {
        if (!pad && len % 8 !== 0) continue;
        let wrapped: Uint8Array;
        try {
          wrapped = mode.wrap(data);
        } catch (e) {
          expect(e, `${name} ${len}`).toBeInstanceOf(DataLengthError);
          continue;
        }
        if (len % 8 === 0 || len === 65_497) expectBytes(wrapped, keyWrap(KEY, data, pad), `${name} ${len} vs OpenSSL`);
        expectBytes(mode.unwrap(wrapped), data, `${name} ${len}`);
      }
    }
    key.dispose();
  });

  it("CTR: an update() refused for a short output does not advance the stream", () => {
    const key = aesKey(KEY);
    const data = randomBytes(rng(12), 40);
    const s = key.ctr(IV).encryptor();
    expect(typedError(() => s.update(data, new Uint8Array(8)))).toBeInstanceOf(DataLengthError);
    expect(s.position).toBe(0);
    expectBytes(s.update(data), expected("ctr", KEY, IV, data, true)!);
    s.final();
    for (const mk of [() => key.ofb(IV).encryptor(), () => key.cfb(IV).encryptor(), () => key.cbc(IV, { padding: "none" }).encryptor()]) {
      const t = mk();
      const blocks = data.subarray(0, 32);
      typedError(() => t.update(blocks, new Uint8Array(8)));
      expect(t.update(blocks).length).toBe(32);
      t.final();
    }
    key.dispose();
  });

  it("bytesToHex of a Uint16Array or DataView: the bytes of the view", () => {
    const b = new Uint8Array([1, 2, 0xab, 0xcd, 0xef, 0x10]);
    expect(bytesToHex(new Uint16Array(b.buffer) as unknown as Uint8Array)).toBe("0102abcdef10");
    expect(bytesToHex(new DataView(b.buffer, 1, 3) as unknown as Uint8Array)).toBe("02abcd");
    expect(bytesToHex(Buffer.from(b))).toBe("0102abcdef10");
  });

  for (const size of backend === "wasm" ? [48, 70_000 - (70_000 % 16)] : [48]) {
    it(`a padding failure leaves the caller's buffer as it was (in place and separate output, ${size} bytes)`, () => {
      const plain = randomBytes(rng(13), size);
      const wrong = aesKey(KEY.slice().reverse());
      for (const [mode, pad] of [["cbc", "pkcs7"], ["cbc", "iso9797-m2"], ["ecb", "pkcs7"]] as const) {
        // a ciphertext whose decryption under the wrong key is badly padded
        for (let t = 0; t < 20; t++) {
          plain[0] = t;
          const ct = expected(mode, KEY, IV, plain, true, pad)!;
          if (expected(mode, KEY.slice().reverse(), IV, ct, false, pad) !== null) continue;
          const m = () => mode === "cbc" ? wrong.cbc(IV, { padding: pad }) : wrong.ecb({ padding: pad });
          const buf = ct.slice();
          expect(typedError(() => m().decrypt(buf, buf))).toBeInstanceOf(DecryptionError);
          expectBytes(buf, ct, `${mode} ${pad} in place`);
          const out = new Uint8Array(ct.length).fill(0x77);
          expect(typedError(() => m().decrypt(ct, out))).toBeInstanceOf(DecryptionError);
          expectBytes(out, new Uint8Array(ct.length).fill(0x77), `${mode} ${pad} output`);
          break;
        }
      }
      wrong.dispose();
    });
  }

  it("an abandoned stream's state slot (the key's own one) is wiped and given back after GC", async () => {
    const core = activeCore();
    const key = aesKey(KEY);
    const own = key.slot + core.layout.KEY_SLOT_SIZE;
    (() => {
      key.ctr(IV).encryptor().update(new Uint8Array(5)); // mid-block: a keystream block in the slot
    })();
    expect(core.mem.subarray(own, own + core.layout.STATE_SLOT_SIZE).some((b) => b !== 0)).toBe(true);
    flushPending();
    for (let i = 0; i < 50 && core.mem.subarray(own, own + core.layout.STATE_SLOT_SIZE).some((b) => b !== 0); i++) {
      gc();
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(core.mem.subarray(own, own + core.layout.STATE_SLOT_SIZE).every((b) => b === 0)).toBe(true);
    // and the key lends it again (no extra slot)
    const before = core.stats().slotsInUse;
    const s = key.ctr(IV).encryptor();
    expect(core.stats().slotsInUse).toBe(before);
    s.final();
    key.dispose();
  });

  it("dispose() wipes and frees the state slots of streams still open", () => {
    const core = activeCore();
    const key = aesKey(KEY);
    const before = core.stats().slotsInUse;
    const a = key.ctr(IV).encryptor();
    const b = key.ofb(IV).encryptor(); // an extra slot
    const c = key.gcm(IV12).encryptor(); // a GHASH slot and an extra state slot
    a.update(new Uint8Array(5));
    b.update(new Uint8Array(5));
    c.update(new Uint8Array(5));
    expect(core.stats().slotsInUse).toBe(before + 3);
    key.dispose();
    expect(core.stats().slotsInUse).toBe(before - 1);
    expect(typedError(() => c.update(new Uint8Array(1))).code).toBe("ERR_AES_DISPOSED");
    expect(typedError(() => b.update(new Uint8Array(1))).code).toBe("ERR_AES_DISPOSED");
    expect(typedError(() => b.final()).code).toBe("ERR_AES_DISPOSED");
    expect(core.stats().slotsInUse).toBe(before - 1);
  });

  it("stream adapters: an aborted TransformStream or destroyed Transform ends its cipher stream (state wiped at once)", async () => {
    const core = activeCore();
    const key = aesKey(KEY);
    const before = core.stats().slotsInUse;
    const ts = toTransformStream(key.ofb(IV).encryptor());
    const w = ts.writable.getWriter();
    void ts.readable.getReader().read();
    await w.write(new Uint8Array(5));
    await w.abort(new Error("stop")).catch(() => undefined);
    const t = toNodeTransform(key.cfb(IV).encryptor());
    t.write(new Uint8Array(5));
    t.destroy(new Error("stop"));
    t.on("error", () => undefined);
    await new Promise((r) => setImmediate(r));
    // the key's own slot is free again (a new stream takes it: no extra slot)
    const s = key.ctr(IV).encryptor();
    expect(core.stats().slotsInUse).toBe(before);
    s.final();
    key.dispose();
  });

  it("no plaintext or keystream stays in WASM memory after a call returns", () => {
    const core = activeCore();
    const key = aesKey(KEY);
    const plain = Uint8Array.from({ length: 208 }, (_, i) => (i * 7 + 0x31) & 0xff);
    const probe = plain.subarray(0, 24);
    const leftovers = (what: string) => {
      const at = indexOfBytes(core.mem, probe);
      expect(at, `${what}: plaintext at ${at}`).toBe(-1);
    };
    for (const c of CASES) {
      const ct = c.make(key).encrypt(plain);
      leftovers(`${c.name} encrypt`);
      expectBytes(c.make(key).decrypt(ct), plain);
      leftovers(`${c.name} decrypt`);
      const d = c.make(key).decryptor();
      d.update(ct);
      d.final();
      leftovers(`${c.name} streaming decrypt`);
    }
    // keystream: CTR over zeros is the keystream itself
    const zeros = new Uint8Array(64);
    const ks = key.ctr(IV).encrypt(zeros);
    expect(indexOfBytes(core.mem, ks.subarray(0, 24)), "keystream").toBe(-1);
    const blk = key.decryptBlock(key.encryptBlock(plain.subarray(0, 16)));
    expectBytes(blk, plain.subarray(0, 16));
    expect(indexOfBytes(core.mem, plain.subarray(0, 16)), "decryptBlock").toBe(-1);
    key.dispose();
    leftovers("after dispose");
  });
});

describe("errors", () => {
  it("names are string literals (they survive minification)", () => {
    Object.defineProperty(KeyLengthError, "name", { value: "t" });
    try {
      expect(new KeyLengthError("x").name).toBe("KeyLengthError");
      expect(new DecryptionError().name).toBe("DecryptionError");
      expect(new AesErrorClass("X", "y").name).toBe("AesError");
    } finally {
      Object.defineProperty(KeyLengthError, "name", { value: "KeyLengthError" });
    }
  });
});

// A sanity check that the oracle agrees with node's own streaming on what the test expects.
it("oracle: node:crypto round trip", () => {
  const ct = expected("cbc", KEY, IV, new Uint8Array(5), true)!;
  const d = nodeCrypto.createDecipheriv("aes-128-cbc", KEY, IV);
  expect(Buffer.concat([d.update(ct), d.final()]).length).toBe(5);
});
