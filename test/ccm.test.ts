// CCM against node:crypto (every key size, nonce length 7..13 and tag length; data and AAD
// lengths around block edges, the two AAD length encodings, the half-window boundary where
// decryption moves the held plaintext out of WASM memory, messages past the 64 KiB window),
// tampering, the mode object's rules and limits, output buffers (too small, larger, overlapping),
// wiping, and the createCipheriv/createDecipheriv facade side by side with node:crypto's.
import { createCipheriv as nodeCipher, createDecipheriv as nodeDecipher } from "node:crypto";
import { inspect } from "node:util";
import { expect, it } from "vitest";
import {
  aesKey, ccmMaxDataBytes, createCipheriv, createDecipheriv, DataLengthError, DecryptionError, DisposedError,
  InputTypeError, IvLengthError, IvReuseError, StateError, TagLengthError, UnknownCipherError, KeyLengthError,
} from "../src/index.js";
import { ccmAadLengthPrefix } from "../src/modes/ccm.js";
import { describeEachBackend } from "./helpers/backends.js";
import { concat, expectBytes } from "./helpers/bytes.js";
import { randomBytes, rng } from "./helpers/random.js";

type Bits = 128 | 192 | 256;
const BITS: Bits[] = [128, 192, 256];
const NONCE_LENGTHS = [7, 8, 9, 10, 11, 12, 13];
const TAG_LENGTHS = [4, 6, 8, 10, 12, 14, 16];

/**
 * A buffer node:crypto really processes: Node skips CCM for a zero-length view whose buffer has
 * no backing store (see the facade section below), so empty inputs get a pooled empty Buffer.
 */
function forNode(b: Uint8Array): Buffer {
  return b.length === 0 ? Buffer.alloc(0) : Buffer.from(b.buffer, b.byteOffset, b.length);
}

function nodeSeal(bits: Bits, key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, pt: Uint8Array, tagLength: number): Uint8Array {
  const c = nodeCipher(`aes-${bits}-ccm`, key, nonce, { authTagLength: tagLength });
  c.setAAD(forNode(aad), { plaintextLength: pt.length });
  // A plain copy: Buffer's slice() would be a view, and tests flip bits in slices.
  return new Uint8Array(Buffer.concat([c.update(forNode(pt)), c.final(), c.getAuthTag()]));
}

/** Our encrypt and decrypt of one case, checked against node:crypto. */
function checkCase(bits: Bits, key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, pt: Uint8Array, tagLength: number, what: string): void {
  const expected = nodeSeal(bits, key, nonce, aad, pt, tagLength);
  const k = aesKey(key);
  try {
    const opts = { aad, tagLength };
    expectBytes(k.ccm(nonce, opts).encrypt(pt), expected, `${what} encrypt`);
    expectBytes(k.ccm(nonce, opts).decrypt(expected), pt, `${what} decrypt`);
    const out = new Uint8Array(pt.length + 5).fill(0x33); // a larger caller buffer: the first pt.length bytes
    const got = k.ccm(nonce, opts).decrypt(expected, out);
    expect(got.length).toBe(pt.length);
    expect(got.buffer).toBe(out.buffer);
    expectBytes(out.subarray(0, pt.length), pt, `${what} decrypt into output`);
    expect(out.subarray(pt.length).every((b) => b === 0x33)).toBe(true);
  } finally {
    k.dispose();
  }
}

// Block edges, and the 8-block groups of the bitsliced CTR kernel.
const EDGES = [0, 1, 2, 15, 16, 17, 31, 32, 33, 127, 128, 129, 143, 255, 256, 257, 1023, 1024, 1025, 4095, 4096, 4097];

describeEachBackend("CCM: differential vs node:crypto", (backend) => {
  const fast = backend === "wasm";

  it("every key size × nonce length 7..13 × tag length 4..16 (random data and AAD, seed 31)", () => {
    const next = rng(31);
    for (const bits of BITS) {
      for (const n of NONCE_LENGTHS) {
        for (const t of TAG_LENGTHS) {
          const dataLen = Math.floor(next() * (fast ? 600 : 100));
          const aadLen = next() < 0.3 ? 0 : Math.floor(next() * 100);
          checkCase(bits, randomBytes(next, bits / 8), randomBytes(next, n), randomBytes(next, aadLen),
            randomBytes(next, dataLen), t, `aes-${bits} nonce ${n} tag ${t} data ${dataLen} aad ${aadLen}`);
        }
      }
    }
  });

  it(`data and AAD lengths at block edges 0..4097 (${fast ? "every pair" : "each alone"}; seed 32)`, () => {
    const next = rng(32);
    const pairs = fast
      ? EDGES.flatMap((d) => EDGES.map((a) => [d, a] as const))
      : [...EDGES.map((d) => [d, 3] as const), ...EDGES.map((a) => [5, a] as const)];
    for (const [d, a] of pairs) {
      const bits = BITS[Math.floor(next() * 3)]!;
      const n = NONCE_LENGTHS[Math.floor(next() * 7)]!;
      const t = TAG_LENGTHS[Math.floor(next() * 7)]!;
      checkCase(bits, randomBytes(next, bits / 8), randomBytes(next, n), randomBytes(next, a), randomBytes(next, d), t,
        `data ${d} aad ${a} nonce ${n} tag ${t}`);
    }
  });

  it("AAD of 65279 bytes (2-byte length) and 65280, 70000 (0xfffe + 4-byte length); AAD past the window", () => {
    const next = rng(33);
    for (const a of [0xfeff, 0xff00, 70_000]) {
      checkCase(128, randomBytes(next, 16), randomBytes(next, 12), randomBytes(next, a), randomBytes(next, 40), 16, `aad ${a}`);
    }
  });

  it("messages around the half window (32 KiB: plaintext held in WASM or in a buffer) and past 64 KiB", () => {
    const next = rng(34);
    const lengths = fast ? [32_767, 32_768, 32_769, 65_535, 65_536, 65_537, 200_000] : [32_768, 32_769, 70_000];
    for (const d of lengths) {
      const n = d > 65_535 ? 12 : 13;
      checkCase(256, randomBytes(next, 32), randomBytes(next, n), randomBytes(next, 7), randomBytes(next, d), 16, `data ${d}`);
    }
  });

  it("the length limit 2^(8q) − 1: a 13-byte nonce takes 65535 bytes, not 65536", () => {
    const next = rng(35);
    checkCase(128, randomBytes(next, 16), randomBytes(next, 13), new Uint8Array(0), randomBytes(next, 65_535), 8, "data 65535");
    const key = aesKey(new Uint8Array(16));
    const mode = key.ccm(new Uint8Array(13));
    expect(mode.maxDataBytes).toBe(65_535);
    expect(() => mode.encrypt(new Uint8Array(65_536))).toThrow(DataLengthError);
    expect(() => mode.decrypt(new Uint8Array(65_536 + 16))).toThrow(DataLengthError);
    expect(() => key.ccm(new Uint8Array(12)).encrypt(new Uint8Array(2 ** 24))).toThrow(DataLengthError);
    mode.encrypt(new Uint8Array(3)); // the refusals did not use up the nonce
    key.dispose();
  });
});

describeEachBackend("CCM: tampering releases nothing", () => {
  const k = new Uint8Array(32).fill(0x42);
  const nonce = Uint8Array.from({ length: 11 }, (_, i) => i);
  const aad = new TextEncoder().encode("header: v1");
  const pt = Uint8Array.from({ length: 77 }, (_, i) => (i * 7) & 0xff);
  const sealed = nodeSeal(256, k, nonce, aad, pt, 12);

  it("a flipped bit anywhere in ciphertext or tag: DecryptionError, output untouched", () => {
    const key = aesKey(k);
    for (let bit = 0; bit < sealed.length * 8; bit++) {
      const bad = sealed.slice();
      bad[bit >> 3] ^= 1 << (bit & 7);
      const output = new Uint8Array(pt.length).fill(0xee);
      expect(() => key.ccm(nonce, { aad, tagLength: 12 }).decrypt(bad, output)).toThrow(DecryptionError);
      expect(output.every((b) => b === 0xee)).toBe(true);
    }
    key.dispose();
  });

  it("a flipped bit in the AAD or the nonce: DecryptionError", () => {
    const key = aesKey(k);
    for (let bit = 0; bit < aad.length * 8; bit++) {
      const bad = aad.slice();
      bad[bit >> 3] ^= 1 << (bit & 7);
      expect(() => key.ccm(nonce, { aad: bad, tagLength: 12 }).decrypt(sealed)).toThrow(DecryptionError);
    }
    for (let bit = 0; bit < nonce.length * 8; bit++) {
      const bad = nonce.slice();
      bad[bit >> 3] ^= 1 << (bit & 7);
      expect(() => key.ccm(bad, { aad, tagLength: 12 }).decrypt(sealed)).toThrow(DecryptionError);
    }
    key.dispose();
  });

  it("truncated or extended input, missing AAD, another tag length: DecryptionError", () => {
    const key = aesKey(k);
    const mode = key.ccm(nonce, { aad, tagLength: 12 });
    expect(() => mode.decrypt(sealed.subarray(0, 11))).toThrow(DecryptionError); // shorter than a tag
    expect(() => mode.decrypt(sealed.subarray(0, 12))).toThrow(DecryptionError);
    expect(() => mode.decrypt(sealed.subarray(0, sealed.length - 1))).toThrow(DecryptionError);
    expect(() => mode.decrypt(concat([sealed, new Uint8Array(1)]))).toThrow(DecryptionError);
    expect(() => key.ccm(nonce, { tagLength: 12 }).decrypt(sealed)).toThrow(DecryptionError);
    for (const t of [4, 10, 14, 16]) expect(() => key.ccm(nonce, { aad, tagLength: t }).decrypt(sealed)).toThrow(DecryptionError);
    expectBytes(mode.decrypt(sealed), pt); // and the genuine one still opens
    key.dispose();
  });

  it("long messages (plaintext held in a buffer): a bad tag leaves output untouched and returns nothing", () => {
    const key = aesKey(k);
    const big = Uint8Array.from({ length: 100_000 }, (_, i) => (i * 13) & 0xff);
    const good = key.ccm(nonce, { aad }).encrypt(big);
    for (const at of [0, 50_000, good.length - 1]) {
      const bad = good.slice();
      bad[at] ^= 0x80;
      const output = new Uint8Array(big.length).fill(0xee);
      expect(() => key.ccm(nonce, { aad }).decrypt(bad, output)).toThrow(DecryptionError);
      expect(output.every((b) => b === 0xee)).toBe(true);
      expect(() => key.ccm(nonce, { aad }).decrypt(bad)).toThrow(DecryptionError);
      // In place: the caller's ciphertext stays as it was.
      const inPlace = bad.slice();
      expect(() => key.ccm(nonce, { aad }).decrypt(inPlace, inPlace)).toThrow(DecryptionError);
      expectBytes(inPlace, bad, "in-place input after a failure");
    }
    key.dispose();
  });
});

describeEachBackend("CCM: rules", () => {
  const k = new Uint8Array(16).fill(9);
  const nonce = new Uint8Array(12).fill(1);

  it("one mode object encrypts once (IvReuseError); a refused call does not use the nonce; decrypt any number of times", () => {
    const key = aesKey(k);
    const mode = key.ccm(nonce);
    expect(() => mode.encrypt(new Uint8Array(5), new Uint8Array(20))).toThrow(DataLengthError); // output too small
    const sealed = mode.encrypt(new Uint8Array(5));
    expect(() => mode.encrypt(new Uint8Array(5))).toThrow(IvReuseError);
    expectBytes(mode.decrypt(sealed), new Uint8Array(5));
    expectBytes(mode.decrypt(sealed), new Uint8Array(5));
    key.dispose();
  });

  it("nonces of 7..13 bytes only (IvLengthError); tag lengths 4..16 even only (TagLengthError); default 16", () => {
    const key = aesKey(k);
    for (const n of [0, 1, 6, 14, 15, 16, 32]) expect(() => key.ccm(new Uint8Array(n))).toThrow(IvLengthError);
    for (const t of [0, 1, 2, 3, 5, 7, 9, 11, 13, 15, 17, 18, 32, 12.5, -4, NaN, "16"]) {
      expect(() => key.ccm(nonce, { tagLength: t as number })).toThrow(TagLengthError);
    }
    for (const t of TAG_LENGTHS) expect(key.ccm(nonce, { tagLength: t }).encrypt(new Uint8Array(1)).length).toBe(1 + t);
    expect(key.ccm(nonce).tagLength).toBe(16);
    expect(() => key.ccm("nonce" as unknown as Uint8Array)).toThrow(InputTypeError);
    expect(() => key.ccm(nonce, 16 as never)).toThrow(StateError);
    key.dispose();
  });

  it("limits: ccmMaxDataBytes per nonce length; the AAD length encodings of RFC 3610 §2.2", () => {
    expect(NONCE_LENGTHS.map(ccmMaxDataBytes)).toEqual([
      Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, 2 ** 48 - 1, 2 ** 40 - 1, 2 ** 32 - 1, 2 ** 24 - 1, 2 ** 16 - 1]);
    const hex = (a: number) => Buffer.from(ccmAadLengthPrefix(a)).toString("hex");
    expect(hex(0)).toBe("");
    expect(hex(1)).toBe("0001");
    expect(hex(0xfeff)).toBe("feff");
    expect(hex(0xff00)).toBe("fffe0000ff00");
    expect(hex(2 ** 32 - 1)).toBe("fffeffffffff");
    expect(hex(2 ** 32)).toBe("ffff0000000100000000");
    expect(hex(2 ** 53 - 1)).toBe("ffff001fffffffffffff");
  });

  it("options are read from own properties only; nonce and AAD are copied", () => {
    const key = aesKey(k);
    const inherited = Object.create({ tagLength: 4, aad: new Uint8Array(3) }) as { tagLength?: number };
    expect(key.ccm(nonce, inherited).tagLength).toBe(16);
    const n = nonce.slice();
    const aad = new Uint8Array(20).fill(3);
    const mode = key.ccm(n, { aad });
    n[0] ^= 1;
    aad[0] ^= 1;
    expectBytes(mode.encrypt(new Uint8Array(10)), nodeSeal(128, k, nonce, new Uint8Array(20).fill(3), new Uint8Array(10), 16));
    key.dispose();
  });

  it("output buffers: too small is DataLengthError (untouched); larger gets a view of the first bytes", () => {
    const key = aesKey(k);
    const pt = new Uint8Array(40).fill(7);
    const small = new Uint8Array(55).fill(0xaa);
    expect(() => key.ccm(nonce).encrypt(pt, small)).toThrow(DataLengthError);
    expect(small.every((b) => b === 0xaa)).toBe(true);
    const sealed = key.ccm(nonce).encrypt(pt);
    const short = new Uint8Array(39).fill(0xaa);
    expect(() => key.ccm(nonce).decrypt(sealed, short)).toThrow(DataLengthError);
    expect(short.every((b) => b === 0xaa)).toBe(true);
    const big = new Uint8Array(100).fill(0xaa);
    const got = key.ccm(nonce).encrypt(pt, big);
    expect(got.length).toBe(56);
    expectBytes(got, sealed);
    expect(big.subarray(56).every((b) => b === 0xaa)).toBe(true);
    expect(() => key.ccm(nonce).encrypt(pt, new ArrayBuffer(56) as never)).toThrow(InputTypeError);
    key.dispose();
  });

  for (const size of [100, 40_000, 100_000]) {
    it(`overlapping input and output behave as memmove (${size} bytes; forward, backward, in place)`, () => {
      const key = aesKey(k);
      const pt = Uint8Array.from({ length: size }, (_, i) => (i * 31 + 7) & 0xff);
      const sealed = key.ccm(nonce).encrypt(pt);
      for (const shift of [-33, -16, -1, 0, 1, 16, 33]) {
        // encrypt: input at 64, output at 64 + shift (the tag lands after the ciphertext)
        const buf = new Uint8Array(size + 200);
        buf.set(pt, 64);
        const out = key.ccm(nonce).encrypt(buf.subarray(64, 64 + size), buf.subarray(64 + shift, 64 + shift + size + 16));
        expectBytes(out, sealed, `encrypt shift ${shift}`);
        // decrypt: ciphertext || tag at 64, output at 64 + shift
        const dbuf = new Uint8Array(size + 200);
        dbuf.set(sealed, 64);
        const back = key.ccm(nonce).decrypt(dbuf.subarray(64, 64 + size + 16), dbuf.subarray(64 + shift, 64 + shift + size));
        expectBytes(back, pt, `decrypt shift ${shift}`);
      }
      key.dispose();
    });
  }

  it("a disposed key refuses (DisposedError): new mode objects and ones made before", () => {
    const key = aesKey(k);
    const mode = key.ccm(nonce);
    const sealed = key.ccm(nonce).encrypt(new Uint8Array(4));
    key.dispose();
    expect(() => key.ccm(nonce)).toThrow(DisposedError);
    expect(() => mode.encrypt(new Uint8Array(4))).toThrow(DisposedError);
    expect(() => mode.decrypt(sealed)).toThrow(DisposedError);
  });

  it("slots are returned and WASM memory keeps no plaintext: after success, bad tags and refusals", () => {
    const key = aesKey(k);
    const core = key.core;
    key.ccm(nonce).encrypt(new Uint8Array(10));
    const before = core.stats();
    // A plaintext pattern that occurs nowhere else: 16 bytes of 0x5c..0x6b, repeated.
    for (const size of [0, 33, 32_769, 70_000]) {
      const pt = Uint8Array.from({ length: size }, (_, i) => 0x5c + (i % 16));
      const aad = new Uint8Array(50).fill(0x5a);
      const sealed = key.ccm(nonce, { aad }).encrypt(pt);
      expectBytes(key.ccm(nonce, { aad }).decrypt(sealed), pt);
      const bad = sealed.slice();
      bad[bad.length - 1] ^= 1;
      expect(() => key.ccm(nonce, { aad }).decrypt(bad)).toThrow(DecryptionError);
      if (size > 1) expect(() => key.ccm(nonce, { aad }).decrypt(bad, new Uint8Array(1))).toThrow(DataLengthError);
      const mem = Buffer.from(core.mem.buffer, core.mem.byteOffset, core.mem.length);
      const marker = Buffer.from(pt.subarray(0, 16));
      if (size >= 16) expect(mem.indexOf(marker)).toBe(-1);
      expect(core.mem.subarray(core.io, core.io + core.ioSize).every((b) => b === 0)).toBe(true);
    }
    expect(core.stats()).toEqual(before);
    key.dispose();
  });

  it("serialises to nothing secret", () => {
    const key = aesKey(k);
    const mode = key.ccm(nonce, { tagLength: 8, aad: new Uint8Array(3) });
    expect(JSON.stringify(mode)).toBe('{"type":"CcmMode","bits":128,"tagLength":8}');
    expect(inspect(mode)).toBe("CcmMode { bits: 128, tagLength: 8 }");
    const c = createCipheriv("aes-128-ccm", k, nonce, { authTagLength: 8 });
    expect(JSON.stringify(c)).toBe('{"type":"CcmCipher","tagLength":8}');
    key.dispose();
  });
});

// ---- the facade, side by side with node:crypto ----

interface FacadeCipher {
  setAAD(aad: Uint8Array, options?: { plaintextLength?: number }): unknown;
  update(data: Uint8Array): Uint8Array;
  final(): Uint8Array;
  getAuthTag?(): Uint8Array;
  setAuthTag?(tag: Uint8Array): unknown;
}
type Maker = (decrypt: boolean, name: string, key: Uint8Array, nonce: Uint8Array | null, options?: object) => FacadeCipher;

const nodeMaker: Maker = (decrypt, name, key, nonce, options) =>
  (decrypt ? nodeDecipher : nodeCipher)(name as "aes-128-ccm", key, nonce as Uint8Array, options as { authTagLength: number }) as unknown as FacadeCipher;
const ourMaker: Maker = (decrypt, name, key, nonce, options) =>
  (decrypt ? createDecipheriv(name, key, nonce, options as never) : createCipheriv(name, key, nonce, options as never)) as unknown as FacadeCipher;

/** Whether node:crypto accepts ciphertext `ct` with `tag` (aes-128-ccm, the facade tests' key and nonce). */
function verifies(ct: Uint8Array, tag: Uint8Array): boolean {
  const d = nodeDecipher("aes-128-ccm", Uint8Array.from({ length: 16 }, (_, i) => i), new Uint8Array(12).fill(7), { authTagLength: 16 });
  d.setAuthTag(tag);
  d.update(forNode(ct));
  try {
    d.final();
    return true;
  } catch {
    return false;
  }
}

/** What a scenario did: each step's output (hex) or "throws", up to the first throw. */
function outcome(run: () => unknown[]): string {
  const steps: string[] = [];
  try {
    for (const v of run()) steps.push(v instanceof Uint8Array ? Buffer.from(v).toString("hex") : String(v));
  } catch {
    steps.push("throws");
  }
  return steps.join(" ");
}

describeEachBackend("CCM: createCipheriv / createDecipheriv vs node:crypto", () => {
  const k = Uint8Array.from({ length: 16 }, (_, i) => i);
  const nonce = new Uint8Array(12).fill(7);
  const aad = new TextEncoder().encode("aad");
  const pt = new TextEncoder().encode("a CCM message, 31 bytes long..");
  const opts = { authTagLength: 16 };
  const sealOf = (m: Maker) => {
    const c = m(false, "aes-128-ccm", k, nonce, opts);
    c.setAAD(aad, { plaintextLength: pt.length });
    const ct = c.update(pt);
    c.final();
    return { ct, tag: c.getAuthTag!() };
  };

  it("random messages: same ciphertext and tag as node:crypto; each decrypts the other's (every key size, nonce, tag; seed 36)", () => {
    const next = rng(36);
    for (const bits of BITS) {
      for (const n of NONCE_LENGTHS) {
        const t = TAG_LENGTHS[Math.floor(next() * 7)]!;
        const key = randomBytes(next, bits / 8), iv = randomBytes(next, n);
        const a = randomBytes(next, Math.floor(next() * 40)), p = randomBytes(next, Math.floor(next() * 300));
        const name = `aes-${bits}-ccm`;
        const ours = createCipheriv(name as "aes-128-ccm", key, iv, { authTagLength: t });
        if (a.length > 0 || next() < 0.5) ours.setAAD(a, { plaintextLength: p.length });
        const ct = ours.update(p);
        expect(ours.final().length).toBe(0);
        const sealed = concat([ct, ours.getAuthTag()]);
        expectBytes(sealed, nodeSeal(bits, key, iv, a, p, t), `${name} nonce ${n} tag ${t}`);
        const d = createDecipheriv(name as "aes-128-ccm", key, iv, { authTagLength: t });
        d.setAuthTag(sealed.subarray(ct.length));
        d.setAAD(a, { plaintextLength: ct.length });
        expectBytes(d.update(ct), p);
        expect(d.final().length).toBe(0);
      }
    }
  });

  // Scenarios where this facade does what Node does: the same outputs, or both throw.
  const same: [string, (m: Maker) => unknown[]][] = [
    ["authTagLength missing", (m) => [m(false, "aes-128-ccm", k, nonce)]],
    ["authTagLength 5", (m) => [m(false, "aes-128-ccm", k, nonce, { authTagLength: 5 })]],
    ["authTagLength 18", (m) => [m(true, "aes-128-ccm", k, nonce, { authTagLength: 18 })]],
    ["authTagLength '16'", (m) => [m(false, "aes-128-ccm", k, nonce, { authTagLength: "16" })]],
    ["nonce of 6 bytes", (m) => [m(false, "aes-128-ccm", k, new Uint8Array(6), opts)]],
    ["nonce of 14 bytes", (m) => [m(false, "aes-128-ccm", k, new Uint8Array(14), opts)]],
    ["no nonce", (m) => [m(false, "aes-128-ccm", k, null, opts)]],
    ["a 24-byte key for aes-128-ccm", (m) => [m(false, "aes-128-ccm", new Uint8Array(24), nonce, opts)]],
    ["upper-case name", (m) => { const c = m(false, "AES-128-CCM", k, nonce, opts); return [c.update(pt), c.final(), c.getAuthTag!()]; }],
    ["encrypt without setAAD", (m) => { const c = m(false, "aes-128-ccm", k, nonce, opts); return [c.update(pt), c.final(), c.getAuthTag!()]; }],
    ["encrypt an empty message", (m) => { const c = m(false, "aes-128-ccm", k, nonce, { authTagLength: 4 }); return [c.update(new Uint8Array(0)), c.final(), c.getAuthTag!()]; }],
    ["encrypt with AAD", (m) => { const s = sealOf(m); return [s.ct, s.tag]; }],
    ["setAAD without plaintextLength", (m) => { const c = m(false, "aes-128-ccm", k, nonce, opts); return [c.setAAD(aad) && "set"]; }],
    ["setAAD of empty AAD without plaintextLength", (m) => { const c = m(false, "aes-128-ccm", k, nonce, opts); return [c.setAAD(new Uint8Array(0)) && "set"]; }],
    ["plaintextLength -1", (m) => { const c = m(false, "aes-128-ccm", k, nonce, opts); return [c.setAAD(aad, { plaintextLength: -1 }) && "set"]; }],
    ["plaintextLength 1.5", (m) => { const c = m(false, "aes-128-ccm", k, nonce, opts); return [c.setAAD(aad, { plaintextLength: 1.5 }) && "set"]; }],
    ["plaintextLength 65536 with a 13-byte nonce", (m) => { const c = m(false, "aes-128-ccm", k, new Uint8Array(13), opts); return [c.setAAD(aad, { plaintextLength: 65_536 }) && "set"]; }],
    ["plaintextLength 65535 with a 13-byte nonce", (m) => { const c = m(true, "aes-128-ccm", k, new Uint8Array(13), opts); return [c.setAAD(aad, { plaintextLength: 65_535 }) && "set"]; }],
    ["update of 65536 bytes with a 13-byte nonce", (m) => { const c = m(false, "aes-128-ccm", k, new Uint8Array(13), opts); return [c.update(new Uint8Array(65_536))]; }],
    ["getAuthTag before final", (m) => { const c = m(false, "aes-128-ccm", k, nonce, opts); c.update(pt); return [c.getAuthTag!()]; }],
    ["final twice", (m) => { const c = m(false, "aes-128-ccm", k, nonce, opts); c.update(pt); return [c.final(), c.final()]; }],
    ["update after final", (m) => { const c = m(false, "aes-128-ccm", k, nonce, opts); c.update(pt); c.final(); return [c.update(pt)]; }],
    ["decrypt with the right tag", (m) => { const s = sealOf(nodeMaker); const d = m(true, "aes-128-ccm", k, nonce, opts); d.setAuthTag!(s.tag); d.setAAD(aad, { plaintextLength: s.ct.length }); return [d.update(s.ct), d.final()]; }],
    ["decrypt with a bad tag: update() gives nothing, final() throws", (m) => { const s = sealOf(nodeMaker); s.tag[0] ^= 1; const d = m(true, "aes-128-ccm", k, nonce, opts); d.setAuthTag!(s.tag); d.setAAD(aad, { plaintextLength: s.ct.length }); return [d.update(s.ct), d.final()]; }],
    ["decrypt with a bad ciphertext", (m) => { const s = sealOf(nodeMaker); s.ct[3] ^= 1; const d = m(true, "aes-128-ccm", k, nonce, opts); d.setAuthTag!(s.tag); d.setAAD(aad, { plaintextLength: s.ct.length }); return [d.update(s.ct), d.final()]; }],
    ["decrypt without setAuthTag: update() gives nothing, final() throws", (m) => { const s = sealOf(nodeMaker); const d = m(true, "aes-128-ccm", k, nonce, opts); d.setAAD(aad, { plaintextLength: s.ct.length }); return [d.update(s.ct), d.final()]; }],
    ["decrypt an empty message with a bad tag (pooled buffer)", (m) => { const d = m(true, "aes-128-ccm", k, nonce, opts); d.setAuthTag!(new Uint8Array(16)); return [d.update(Buffer.alloc(0)), d.final()]; }],
    ["setAuthTag of the wrong length", (m) => { const d = m(true, "aes-128-ccm", k, nonce, opts); return [d.setAuthTag!(new Uint8Array(8)) && "set"]; }],
    ["setAuthTag twice", (m) => { const d = m(true, "aes-128-ccm", k, nonce, opts); d.setAuthTag!(new Uint8Array(16)); return [d.setAuthTag!(new Uint8Array(16)) && "set"]; }],
    ["setAuthTag after final", (m) => { const s = sealOf(nodeMaker); const d = m(true, "aes-128-ccm", k, nonce, opts); d.setAuthTag!(s.tag); d.setAAD(aad, { plaintextLength: s.ct.length }); d.update(s.ct); d.final(); return [d.setAuthTag!(s.tag) && "set"]; }],
  ];
  for (const [name, run] of same) {
    it(`as node:crypto: ${name}`, () => {
      const theirs = outcome(() => run(nodeMaker));
      expect(outcome(() => run(ourMaker))).toBe(theirs);
    });
  }

  it("errors are typed where Node's are codes", () => {
    expect(() => createCipheriv("aes-128-ccm", k, nonce)).toThrow(TagLengthError);
    expect(() => createCipheriv("aes-128-ccm", k, nonce, { authTagLength: 5 })).toThrow(TagLengthError);
    expect(() => createCipheriv("aes-128-ccm", k, new Uint8Array(6), opts)).toThrow(IvLengthError);
    expect(() => createCipheriv("aes-128-ccm", new Uint8Array(24), nonce, opts)).toThrow(KeyLengthError);
    expect(() => createCipheriv("aes-512-ccm" as never, k, nonce, opts)).toThrow(UnknownCipherError);
    expect(() => createCipheriv("aes-128-ccm", k, nonce, opts).setAAD(aad)).toThrow(StateError);
    expect(() => createCipheriv("aes-128-ccm", k, new Uint8Array(13), opts).setAAD(aad, { plaintextLength: 65_536 })).toThrow(DataLengthError);
    expect(() => createDecipheriv("aes-128-ccm", k, nonce, opts).setAuthTag(new Uint8Array(8))).toThrow(TagLengthError);
    const d = createDecipheriv("aes-128-ccm", k, nonce, opts).setAuthTag(new Uint8Array(16));
    expect(d.update(pt).length).toBe(0);
    expect(() => d.final()).toThrow(DecryptionError);
    expect(() => d.final()).toThrow(StateError);
  });

  // Where Node goes on silently; this facade throws a typed error at the faulty call instead.
  // Node's side is asserted too, so a change in Node shows up here.
  const differ: [string, (m: Maker) => unknown[], string, string, new (...a: never[]) => Error][] = [
    ["final() without update() when decrypting: Node succeeds with any tag, nothing verified",
      (m) => { const d = m(true, "aes-128-ccm", k, nonce, opts); d.setAuthTag!(new Uint8Array(16)); return [d.final()]; }, "", "throws", StateError],
    ["final() without update() when encrypting",
      (m) => { const c = m(false, "aes-128-ccm", k, nonce, opts); return [c.final()]; }, "throws", "throws", StateError],
    ["an empty message without a backing store: Node skips CCM, accepts any tag",
      (m) => { const d = m(true, "aes-128-ccm", k, nonce, opts); d.setAuthTag!(new Uint8Array(16)); return [d.update(new Uint8Array(new ArrayBuffer(0))), d.final()]; }, " ", "throws", DecryptionError],
    ["a second setAAD(): Node replaces the first AAD (the tag is that of the second alone)",
      (m) => { const c = m(false, "aes-128-ccm", k, nonce, opts); c.setAAD(new Uint8Array(1), { plaintextLength: 3 }); c.setAAD(aad, { plaintextLength: 3 }); c.update(new Uint8Array(3)); c.final(); return [c.getAuthTag!()]; },
      Buffer.from(nodeSeal(128, k, nonce, aad, new Uint8Array(3), 16).subarray(3)).toString("hex"), "throws", StateError],
    ["setAAD() after update(): Node accepts it, the tag comes out wrong",
      (m) => { const c = m(false, "aes-128-ccm", k, nonce, opts); c.update(pt); return [c.setAAD(aad, { plaintextLength: pt.length }) && "set"]; }, "set", "throws", StateError],
    ["setAuthTag() after update(): Node accepts it, final() fails",
      (m) => { const s = sealOf(nodeMaker); const d = m(true, "aes-128-ccm", k, nonce, opts); d.setAAD(aad, { plaintextLength: s.ct.length }); d.update(s.ct); return [d.setAuthTag!(s.tag) && "set"]; }, "set", "throws", StateError],
    ["a second update() with data when decrypting: Node returns nothing, final() fails",
      (m) => { const s = sealOf(nodeMaker); const d = m(true, "aes-128-ccm", k, nonce, opts); d.setAuthTag!(s.tag); d.setAAD(aad, { plaintextLength: s.ct.length }); d.update(s.ct); return [d.update(s.ct)]; }, "", "throws", StateError],
    ["a second, empty update() when encrypting: Node replaces the tag by the empty message's",
      (m) => { const c = m(false, "aes-128-ccm", k, nonce, opts); const ct = c.update(pt); c.update(new Uint8Array(0)); c.final(); return [verifies(ct, c.getAuthTag!())]; }, "false", "throws", StateError],
    ["a second update() with data when encrypting (Node: an untyped error)",
      (m) => { const c = m(false, "aes-128-ccm", k, nonce, opts); c.update(pt.subarray(0, 5)); return [c.update(pt.subarray(5))]; }, "throws", "throws", StateError],
    ["update() of another length than plaintextLength when decrypting: Node returns nothing",
      (m) => { const s = sealOf(nodeMaker); const d = m(true, "aes-128-ccm", k, nonce, opts); d.setAuthTag!(s.tag); d.setAAD(aad, { plaintextLength: s.ct.length + 1 }); return [d.update(s.ct)]; }, "", "throws", DataLengthError],
    ["update() of another length than plaintextLength when encrypting (Node: an untyped error)",
      (m) => { const c = m(false, "aes-128-ccm", k, nonce, opts); c.setAAD(aad, { plaintextLength: 3 }); return [c.update(pt)]; }, "throws", "throws", DataLengthError],
  ];
  for (const [name, run, theirs, ours, type] of differ) {
    it(`stricter than node:crypto: ${name}`, () => {
      expect(outcome(() => run(nodeMaker))).toBe(theirs);
      expect(outcome(() => run(ourMaker))).toBe(ours);
      expect(() => run(ourMaker)).toThrow(type);
    });
  }

  it("each object wipes its key: after update() the key slot is gone (slots return to the core)", () => {
    const probe = aesKey(k);
    const core = probe.core;
    probe.dispose();
    const before = core.stats().slotsInUse;
    const c = createCipheriv("aes-128-ccm", k, nonce, opts);
    expect(core.stats().slotsInUse).toBe(before + 1);
    c.update(pt);
    expect(core.stats().slotsInUse).toBe(before);
    c.final();
    const d = createDecipheriv("aes-128-ccm", k, nonce, opts);
    expect(() => d.final()).toThrow(StateError); // no update(): refused, and the key wiped all the same
    expect(core.stats().slotsInUse).toBe(before);
  });
});
