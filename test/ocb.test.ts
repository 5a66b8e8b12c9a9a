// OCB3 against node:crypto's aes-{128,192,256}-ocb, on both backends: every key size, nonce
// length 1..15 and tag length 1..16; data and AAD lengths 0..4097 around block and 8-block
// edges; messages and AAD past the 64 KiB IO window; the RFC 7253 Appendix A iterative test
// (every key size, 128/96/64-bit tags) computed by both; random streaming splits through the
// createCipheriv facade side by side with Node, call by call (setAAD between update() calls
// too). Then tampering (every tag bit, ciphertext bits in each block class, AAD and nonce bits,
// lengths): DecryptionError, nothing released, the caller's output untouched. Then the rules:
// lengths, options, use after dispose or final, output buffers (too short, overlapping both
// ways), slots given back and wiped, no plaintext left in WASM memory.
import { createCipheriv as nodeCipher, createDecipheriv as nodeDecipher } from "node:crypto";
import { expect, it } from "vitest";
import {
  aesKey, createCipheriv, createDecipheriv, DataLengthError, DecryptionError, DisposedError, IvLengthError, IvReuseError,
  KeyLengthError, OCB_CIPHER_NAMES, StateError, TagLengthError, UnknownCipherError, type OcbCipher, type OcbDecipher,
} from "../src/index.js";
import { activeCore } from "../src/wasm/backend.js";
import { describeEachBackend } from "./helpers/backends.js";
import { concat, expectBytes } from "./helpers/bytes.js";
import { indexOfBytes } from "./helpers/fuzz-oracle.js";
import { randomBytes, randomSplits, rng } from "./helpers/random.js";

type Bits = 128 | 192 | 256;
const BITS: Bits[] = [128, 192, 256];

function nodeSeal(bits: Bits, key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, pt: Uint8Array, tagLength: number): Uint8Array {
  const c = nodeCipher(`aes-${bits}-ocb` as "aes-128-ocb", key, nonce, { authTagLength: tagLength });
  c.setAAD(aad);
  return new Uint8Array(Buffer.concat([c.update(pt), c.final(), c.getAuthTag()]));
}

function seal(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, pt: Uint8Array, tagLength: number): Uint8Array {
  const k = aesKey(key);
  try {
    return k.ocb(nonce, { aad, tagLength, allowShortTags: true }).encrypt(pt);
  } finally {
    k.dispose();
  }
}

/** Encrypts with ours, checks against Node, decrypts back. */
function roundTrip(bits: Bits, key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, pt: Uint8Array, tagLength: number, what: string): void {
  const want = nodeSeal(bits, key, nonce, aad, pt, tagLength);
  const k = aesKey(key);
  const options = { aad, tagLength, allowShortTags: true };
  expectBytes(k.ocb(nonce, options).encrypt(pt), want, `${what}: sealed`);
  expectBytes(k.ocb(nonce, options).decrypt(want), pt, `${what}: opened`);
  k.dispose();
}

// Lengths at and around block (16) and 8-block group (128) boundaries, up to 4097.
const EDGES = [0, 1, 2, 15, 16, 17, 31, 32, 33, 63, 64, 65, 112, 127, 128, 129, 143, 144, 145, 255, 256, 257,
  383, 384, 385, 1023, 1024, 1025, 2047, 2048, 2049, 4095, 4096, 4097];

describeEachBackend("OCB3: differential vs node:crypto", (backend) => {
  it("every key size x nonce length 1..15 x tag length 1..16 (random AAD and data under 100 bytes; seed 7)", () => {
    expect(activeCore().kind).toBe(backend);
    const next = rng(7);
    let n = 0;
    for (const bits of BITS) {
      for (let nonceLength = 1; nonceLength <= 15; nonceLength++) {
        for (let tagLength = 1; tagLength <= 16; tagLength++) {
          const key = randomBytes(next, bits / 8);
          roundTrip(bits, key, randomBytes(next, nonceLength), randomBytes(next, Math.floor(next() * 50)),
            randomBytes(next, Math.floor(next() * 100)), tagLength, `AES-${bits} nonce ${nonceLength} tag ${tagLength}`);
          n++;
        }
      }
    }
    expect(n).toBe(720);
  });

  it(`data lengths ${EDGES.length} edges 0..4097 x AAD lengths 0/1/15/16/17/128/4097 (seed 8)`, () => {
    const next = rng(8);
    const aadLengths = [0, 1, 15, 16, 17, 128, 4097];
    let n = 0;
    for (const len of EDGES) {
      for (const aadLength of aadLengths) {
        const bits = BITS[n % 3]!;
        roundTrip(bits, randomBytes(next, bits / 8), randomBytes(next, 12), randomBytes(next, aadLength), randomBytes(next, len),
          [16, 12, 8][n % 3]!, `data ${len} aad ${aadLength}`);
        n++;
      }
    }
  });

  const rounds = backend === "js" ? 60 : 300;
  it(`${rounds} random cases: lengths 0..4097, nonces 1..15, tags 8..16 (seed 9)`, () => {
    const next = rng(9);
    for (let t = 0; t < rounds; t++) {
      const bits = BITS[Math.floor(next() * 3)]!;
      roundTrip(bits, randomBytes(next, bits / 8), randomBytes(next, 1 + Math.floor(next() * 15)),
        randomBytes(next, Math.floor(next() * 4098)), randomBytes(next, Math.floor(next() * 4098)), 8 + Math.floor(next() * 9), `case ${t}`);
    }
  });

  it("past the 64 KiB IO window: data 65 408 + 1, 65 536, 65 536 + 7, 200 003 bytes, AAD 70 001 bytes; fresh and caller outputs", () => {
    const next = rng(10);
    const cases: [number, number][] = [[65_409, 0], [65_536, 16], [65_543, 70_001], [200_003, 3]];
    for (const [i, [len, aadLength]] of cases.entries()) {
      const bits = BITS[i % 3]!;
      const key = randomBytes(next, bits / 8);
      const nonce = randomBytes(next, 12);
      const aad = randomBytes(next, aadLength);
      const pt = randomBytes(next, len);
      roundTrip(bits, key, nonce, aad, pt, 16, `data ${len}`);
      const want = nodeSeal(bits, key, nonce, aad, pt, 16);
      const k = aesKey(key);
      const out = new Uint8Array(len + 16 + 5);
      const sealed = k.ocb(nonce, { aad }).encrypt(pt, out);
      expectBytes(sealed, want, "into a caller's output");
      expect(sealed.buffer).toBe(out.buffer);
      const back = new Uint8Array(len + 3);
      expectBytes(k.ocb(nonce, { aad }).decrypt(want, back), pt, "decrypted into a caller's output");
      expectBytes(back.subarray(0, len), pt);
      k.dispose();
    }
  });

  it("RFC 7253 Appendix A iterative test (C of 128 rounds x 3 messages, then its tag), every key size, TAGLEN 128/96/64", () => {
    const nonce = (i: number) => {
      const n = new Uint8Array(12);
      new DataView(n.buffer).setUint32(8, i);
      return n;
    };
    for (const bits of BITS) {
      for (const tagBits of [128, 96, 64]) {
        const tagLength = tagBits / 8;
        const key = new Uint8Array(bits / 8);
        key[key.length - 1] = tagBits; // K = zeros(KEYLEN-8) || num2str(TAGLEN, 8)
        const k = aesKey(key);
        const empty = new Uint8Array(0);
        const ours: Uint8Array[] = [];
        const theirs: Uint8Array[] = [];
        for (let i = 0; i < 128; i++) {
          const s = new Uint8Array(i);
          for (const [n, aad, pt] of [[3 * i + 1, s, s], [3 * i + 2, empty, s], [3 * i + 3, s, empty]] as const) {
            ours.push(k.ocb(nonce(n), { aad, tagLength }).encrypt(pt));
            theirs.push(nodeSeal(bits, key, nonce(n), aad, pt, tagLength));
          }
        }
        const c = concat(ours);
        expectBytes(c, concat(theirs), `AES-${bits} TAGLEN ${tagBits}: C`);
        const tag = k.ocb(nonce(385), { aad: c, tagLength }).encrypt(empty);
        expect(tag.length).toBe(tagLength);
        expectBytes(tag, nodeSeal(bits, key, nonce(385), c, empty, tagLength), `AES-${bits} TAGLEN ${tagBits}: final tag`);
        k.dispose();
      }
    }
  });
});

/** Runs the same random call sequence on Node's and our facade objects, comparing every result. */
function sideBySide(next: () => number, bits: Bits, len: number, aadLength: number, tagLength: number): void {
  const key = randomBytes(next, bits / 8);
  const nonce = randomBytes(next, 1 + Math.floor(next() * 15));
  const aad = randomBytes(next, aadLength);
  const pt = randomBytes(next, len);
  const name = `aes-${bits}-ocb` as "aes-128-ocb";
  const options = { authTagLength: tagLength, allowShortTags: true };
  // One plan of calls for both directions: data pieces with AAD pieces interleaved.
  const dataCuts = randomSplits(next, len, 300);
  const aadCuts = randomSplits(next, aadLength, 100);
  const plan: ["aad" | "data", number][] = [];
  let d = 0, a = 0;
  while (d < dataCuts.length || a < aadCuts.length) {
    if (a < aadCuts.length && (d >= dataCuts.length || next() < 0.5)) plan.push(["aad", aadCuts[a++]!]);
    else plan.push(["data", dataCuts[d++]!]);
  }
  const run = (input: Uint8Array, step: (kind: "aad" | "data", piece: Uint8Array) => [Uint8Array, Uint8Array] | undefined) => {
    let di = 0, ai = 0;
    for (const [kind, size] of plan) {
      const piece = kind === "aad" ? aad.subarray(ai, (ai += size)) : input.subarray(di, (di += size));
      const got = step(kind, piece);
      if (got) expectBytes(got[0], got[1], `update of ${size} bytes`);
    }
  };
  const nodeEnc = nodeCipher(name, key, nonce, { authTagLength: tagLength });
  const ourEnc = createCipheriv(name, key, nonce, options) as OcbCipher;
  run(pt, (kind, piece) => {
    if (kind === "aad") {
      nodeEnc.setAAD(piece);
      ourEnc.setAAD(piece);
      return undefined;
    }
    return [ourEnc.update(piece), nodeEnc.update(piece)];
  });
  expectBytes(ourEnc.final(), nodeEnc.final(), "final");
  const tag = new Uint8Array(nodeEnc.getAuthTag());
  expectBytes(ourEnc.getAuthTag(), tag, "tag");
  const ct = nodeSeal(bits, key, nonce, aad, pt, tagLength).subarray(0, len);

  const nodeDec = nodeDecipher(name, key, nonce, { authTagLength: tagLength });
  const ourDec = createDecipheriv(name, key, nonce, options) as OcbDecipher;
  const tagAt = Math.floor(next() * (plan.length + 1)); // setAuthTag at any point before final()
  let step = 0;
  run(ct, (kind, piece) => {
    if (step++ === tagAt) {
      nodeDec.setAuthTag(tag);
      ourDec.setAuthTag(tag);
    }
    if (kind === "aad") {
      nodeDec.setAAD(piece);
      ourDec.setAAD(piece);
      return undefined;
    }
    return [ourDec.update(piece), nodeDec.update(piece)];
  });
  if (tagAt >= plan.length) {
    nodeDec.setAuthTag(tag);
    ourDec.setAuthTag(tag);
  }
  expectBytes(ourDec.final(), nodeDec.final(), "decipher final");
}

describeEachBackend("OCB3: createCipheriv/createDecipheriv side by side with node:crypto", (backend) => {
  const rounds = backend === "js" ? 40 : 150;
  it(`${rounds} random call sequences: update() splits, setAAD() pieces between them, setAuthTag() anywhere (seed 21)`, () => {
    const next = rng(21);
    for (let t = 0; t < rounds; t++) {
      const len = t % 10 === 0 ? Math.floor(next() * 70_000) : Math.floor(next() * 1200);
      sideBySide(next, BITS[t % 3]!, len, Math.floor(next() * 200), [16, 12, 8, 15, 1][t % 5]!);
    }
  });

  it("every name, any letter case; setAutoPadding accepted; an empty message", () => {
    const next = rng(22);
    for (const name of [...OCB_CIPHER_NAMES, "AES-128-OCB", "Aes-256-Ocb"]) {
      const bits = Number(/\d+/.exec(name)![0]) as Bits;
      const key = randomBytes(next, bits / 8);
      const nonce = randomBytes(next, 12);
      const c = createCipheriv(name, key, nonce, { authTagLength: 16 }) as OcbCipher;
      c.setAutoPadding(false);
      expect(c.final().length).toBe(0);
      expectBytes(c.getAuthTag(), nodeSeal(bits, key, nonce, new Uint8Array(0), new Uint8Array(0), 16));
    }
  });

  it("mode streams: encryptor/unverifiedDecryptor with outputs of their own, random splits (seed 23)", () => {
    const next = rng(23);
    for (let t = 0; t < 30; t++) {
      const bits = BITS[t % 3]!;
      const key = randomBytes(next, bits / 8);
      const nonce = randomBytes(next, 12);
      const aad = randomBytes(next, Math.floor(next() * 100));
      const pt = randomBytes(next, Math.floor(next() * 3000));
      const want = nodeSeal(bits, key, nonce, aad, pt, 16);
      const k = aesKey(key);
      const enc = k.ocb(nonce, { aad }).encryptor();
      const parts: Uint8Array[] = [];
      let off = 0;
      for (const size of randomSplits(next, pt.length, 500)) {
        const out = new Uint8Array(size + 16);
        const got = enc.update(pt.subarray(off, (off += size)), out);
        expect(got.buffer).toBe(out.buffer);
        parts.push(got.slice());
      }
      parts.push(enc.final(new Uint8Array(16)).slice(), enc.tag);
      expectBytes(concat(parts), want, `encryptor ${t}`);
      const dec = k.ocb(nonce, { aad }).unverifiedDecryptor(want.subarray(pt.length));
      const plain: Uint8Array[] = [];
      off = 0;
      for (const size of randomSplits(next, pt.length, 500)) plain.push(dec.update(want.subarray(off, (off += size))));
      plain.push(dec.final());
      expectBytes(concat(plain), pt, `decryptor ${t}`);
      k.dispose();
    }
  });
});

describeEachBackend("OCB3: tampering releases nothing", () => {
  const next = rng(31);
  const key = randomBytes(next, 16);
  const nonce = randomBytes(next, 12);
  const aad = randomBytes(next, 40); // two whole AAD blocks and a partial one
  const pt = randomBytes(next, 50); // three whole blocks and a 2-byte partial one
  const sealed = nodeSeal(128, key, nonce, aad, pt, 16);

  /** Decrypts `input` into a sentinel-filled output: must throw DecryptionError and leave it as it was. */
  function refused(k: ReturnType<typeof aesKey>, n: Uint8Array, a: Uint8Array, input: Uint8Array, what: string, tagLength = 16): void {
    const out = new Uint8Array(Math.max(0, input.length - tagLength) + 8).fill(0xa5);
    expect(() => k.ocb(n, { aad: a, tagLength }).decrypt(input, out), what).toThrow(DecryptionError);
    expect(out.every((b) => b === 0xa5), `${what}: output untouched`).toBe(true);
    expect(() => k.ocb(n, { aad: a, tagLength }).decrypt(input), what).toThrow(DecryptionError);
  }

  const flipped = (b: Uint8Array, bit: number) => {
    const c = b.slice();
    c[bit >>> 3]! ^= 1 << (bit & 7);
    return c;
  };

  it("the genuine message opens (control)", () => {
    const k = aesKey(key);
    expectBytes(k.ocb(nonce, { aad }).decrypt(sealed), pt);
    k.dispose();
  });

  it("each of the 128 tag bits", () => {
    const k = aesKey(key);
    for (let bit = 0; bit < 128; bit++) refused(k, nonce, aad, flipped(sealed, 8 * pt.length + bit), `tag bit ${bit}`);
    k.dispose();
  });

  it("ciphertext: every bit of the first and last byte of each whole block and of the partial block", () => {
    const k = aesKey(key);
    for (const byte of [0, 15, 16, 31, 32, 47, 48, 49]) {
      for (let b = 0; b < 8; b++) refused(k, nonce, aad, flipped(sealed, 8 * byte + b), `ciphertext byte ${byte} bit ${b}`);
    }
    k.dispose();
  });

  it("AAD: every bit of the first and last byte of each whole block and of the partial one; AAD shortened, extended, dropped", () => {
    const k = aesKey(key);
    for (const byte of [0, 15, 16, 31, 32, 39]) {
      for (let b = 0; b < 8; b++) refused(k, nonce, flipped(aad, 8 * byte + b), sealed, `AAD byte ${byte} bit ${b}`);
    }
    refused(k, nonce, aad.subarray(0, 39), sealed, "AAD shortened");
    refused(k, nonce, concat([aad, new Uint8Array(1)]), sealed, "AAD extended by a zero byte");
    refused(k, nonce, new Uint8Array(0), sealed, "AAD dropped");
    k.dispose();
  });

  it("nonce: each of its 96 bits; a shorter or longer nonce; another tag length; another key", () => {
    const k = aesKey(key);
    for (let bit = 0; bit < 96; bit++) refused(k, flipped(nonce, bit), aad, sealed, `nonce bit ${bit}`);
    refused(k, nonce.subarray(1), aad, sealed, "nonce without its first byte");
    refused(k, concat([new Uint8Array(1), nonce]), aad, sealed, "nonce with a zero byte in front (same number, other length)");
    // The tag length is in the nonce block: the 12-byte prefix of the 16-byte tag is no 12-byte tag.
    refused(k, nonce, aad, sealed.subarray(0, sealed.length - 4), "16-byte tag cut to 12", 12);
    k.dispose();
    const other = aesKey(flipped(key, 0));
    refused(other, nonce, aad, sealed, "another key");
    other.dispose();
  });

  it("lengths: truncated or extended ciphertext, shorter than a tag, the tag alone", () => {
    const k = aesKey(key);
    refused(k, nonce, aad, sealed.subarray(1), "first byte dropped");
    refused(k, nonce, aad, sealed.subarray(0, sealed.length - 1), "last byte dropped");
    refused(k, nonce, aad, concat([sealed, new Uint8Array(1)]), "a byte appended");
    refused(k, nonce, aad, concat([sealed.subarray(0, 48), sealed.subarray(50)]), "partial block dropped");
    refused(k, nonce, aad, sealed.subarray(pt.length), "the tag alone");
    expect(() => k.ocb(nonce).decrypt(new Uint8Array(15))).toThrow(DecryptionError);
    expect(() => k.ocb(nonce, { tagLength: 8 }).decrypt(new Uint8Array(7))).toThrow(DecryptionError);
    k.dispose();
  });

  it("past the IO window (the private-scratch path): a bad tag or first-block bit leaves a caller's output untouched", () => {
    const big = randomBytes(next, 150_007);
    const bigSealed = nodeSeal(128, key, nonce, aad, big, 16);
    const k = aesKey(key);
    expectBytes(k.ocb(nonce, { aad }).decrypt(bigSealed), big, "control");
    for (const bit of [0, 8 * 70_000 + 3, 8 * (bigSealed.length - 1) + 7]) refused(k, nonce, aad, flipped(bigSealed, bit), `bit ${bit}`);
    // in place: the ciphertext stays as it was too
    const buf = flipped(bigSealed, 5);
    const copy = buf.slice();
    expect(() => k.ocb(nonce, { aad }).decrypt(buf, buf)).toThrow(DecryptionError);
    expectBytes(buf, copy, "in place, bad tag");
    k.dispose();
  });

  it("streams: the unverified decryptor's final() and the facade's final() throw and hold back the last partial block", () => {
    const k = aesKey(key);
    const bad = flipped(sealed, 8 * pt.length);
    const dec = k.ocb(nonce, { aad }).unverifiedDecryptor(bad.subarray(pt.length));
    expect(dec.update(bad.subarray(0, pt.length)).length).toBe(48);
    const last = new Uint8Array(2).fill(0xa5);
    expect(() => dec.final(last)).toThrow(DecryptionError);
    expect([...last]).toEqual([0xa5, 0xa5]);
    expect(() => dec.final()).toThrow(StateError);
    k.dispose();
    const d = createDecipheriv("aes-128-ocb", key, nonce, { authTagLength: 16 });
    d.setAAD(aad);
    d.setAuthTag(bad.subarray(pt.length));
    expect(d.update(bad.subarray(0, pt.length)).length).toBe(48);
    expect(() => d.final()).toThrow(DecryptionError);
    // node:crypto agrees that the tag is bad
    const n = nodeDecipher("aes-128-ocb", key, nonce, { authTagLength: 16 });
    n.setAAD(aad);
    n.setAuthTag(bad.subarray(pt.length));
    n.update(bad.subarray(0, pt.length));
    expect(() => n.final()).toThrow();
  });
});

describeEachBackend("OCB3: rules and errors", () => {
  const KEY = Uint8Array.from({ length: 16 }, (_, i) => 0xd0 + i);
  const NONCE = Uint8Array.from({ length: 12 }, (_, i) => 0x40 + i);

  it("nonce of 1..15 bytes: 0 and 16 are IvLengthError (mode and facade, as Node)", () => {
    const k = aesKey(KEY);
    for (const n of [0, 16, 32]) {
      expect(() => k.ocb(new Uint8Array(n)), `${n}`).toThrow(IvLengthError);
      expect(() => createCipheriv("aes-128-ocb", KEY, new Uint8Array(n), { authTagLength: 16 })).toThrow(IvLengthError);
      expect(() => nodeCipher("aes-128-ocb", KEY, new Uint8Array(n), { authTagLength: 16 })).toThrow();
    }
    expect(() => createCipheriv("aes-128-ocb", KEY, null as unknown as Uint8Array, { authTagLength: 16 })).toThrow(IvLengthError);
    k.dispose();
  });

  it("tag lengths: 8..16 plain, 1..7 with allowShortTags, 0 / 17 / non-integers never; the facade needs authTagLength (as Node 20)", () => {
    const k = aesKey(KEY);
    for (let t = 8; t <= 16; t++) expect(k.ocb(NONCE, { tagLength: t }).encrypt(new Uint8Array(3)).length).toBe(3 + t);
    for (let t = 1; t <= 7; t++) {
      expect(() => k.ocb(NONCE, { tagLength: t }), `${t}`).toThrow(TagLengthError);
      expect(k.ocb(NONCE, { tagLength: t, allowShortTags: true }).encrypt(new Uint8Array(3)).length).toBe(3 + t);
      expect(() => createCipheriv("aes-128-ocb", KEY, NONCE, { authTagLength: t })).toThrow(TagLengthError);
    }
    for (const t of [0, 17, 12.5, -16, "16", NaN]) {
      expect(() => k.ocb(NONCE, { tagLength: t as number, allowShortTags: true }), String(t)).toThrow(TagLengthError);
    }
    expect(() => createCipheriv("aes-128-ocb", KEY, NONCE, {})).toThrow(TagLengthError);
    expect(() => createDecipheriv("aes-128-ocb", KEY, NONCE, undefined as unknown as { authTagLength: number })).toThrow(TagLengthError);
    expect(() => nodeCipher("aes-128-ocb", KEY, NONCE, {} as { authTagLength: number })).toThrow(/authTagLength/);
    k.dispose();
  });

  it("options come from own properties only", () => {
    const k = aesKey(KEY);
    const inherited = Object.create({ tagLength: 8, aad: new Uint8Array(5), allowShortTags: true }) as { tagLength?: number };
    const m = k.ocb(NONCE, inherited);
    expect(m.tagLength).toBe(16);
    expectBytes(m.encrypt(new Uint8Array(4)), seal(KEY, NONCE, new Uint8Array(0), new Uint8Array(4), 16));
    expect(() => k.ocb(NONCE, Object.create({ tagLength: 4 }) as { tagLength?: number })).not.toThrow();
    k.dispose();
  });

  it("facade: key length, unknown name, setAuthTag length and once, final without a tag, getAuthTag before final, use after final", () => {
    expect(() => createCipheriv("aes-192-ocb", KEY, NONCE, { authTagLength: 16 })).toThrow(KeyLengthError);
    expect(() => createCipheriv("aes-128-ocb3" as string, KEY, NONCE)).toThrow(UnknownCipherError);
    const d = createDecipheriv("aes-128-ocb", KEY, NONCE, { authTagLength: 12 });
    expect(() => d.setAuthTag(new Uint8Array(16))).toThrow(TagLengthError);
    d.setAuthTag(new Uint8Array(12));
    expect(() => d.setAuthTag(new Uint8Array(12))).toThrow(StateError);
    const d2 = createDecipheriv("aes-128-ocb", KEY, NONCE, { authTagLength: 12 });
    d2.update(new Uint8Array(20));
    expect(() => d2.final()).toThrow(StateError);
    const c = createCipheriv("aes-128-ocb", KEY, NONCE, { authTagLength: 16 });
    expect(() => c.getAuthTag()).toThrow(StateError);
    c.update(new Uint8Array(5));
    c.final();
    expect(() => c.update(new Uint8Array(1))).toThrow(StateError);
    expect(() => c.setAAD(new Uint8Array(1))).toThrow(StateError);
    expect(() => c.final()).toThrow(StateError);
    expect(c.getAuthTag().length).toBe(16);
  });

  it("one encryption per mode object (IvReuseError); decrypt any number of times", () => {
    const k = aesKey(KEY);
    const m = k.ocb(NONCE);
    const sealed = m.encrypt(new Uint8Array(20));
    expect(() => m.encrypt(new Uint8Array(20))).toThrow(IvReuseError);
    expect(() => m.encryptor()).toThrow(IvReuseError);
    expectBytes(m.decrypt(sealed), new Uint8Array(20));
    expectBytes(m.decrypt(sealed), new Uint8Array(20));
    k.dispose();
  });

  it("streams: AAD after final() or data after final() is StateError; the tag only after final()", () => {
    const k = aesKey(KEY);
    const e = k.ocb(NONCE).encryptor();
    expect(() => e.tag).toThrow(StateError);
    e.update(new Uint8Array(17));
    e.setAAD(new Uint8Array(3)); // OCB hashes AAD apart from the data: allowed between updates, as in Node
    e.final();
    expect(() => e.setAAD(new Uint8Array(1))).toThrow(StateError);
    expect(() => e.update(new Uint8Array(1))).toThrow(StateError);
    expect(() => e.final()).toThrow(StateError);
    k.dispose();
  });

  it("use after dispose: DisposedError from ocb(), from a mode object and from an open stream; slots given back", () => {
    const core = activeCore();
    const k = aesKey(KEY);
    const before = core.stats().slotsInUse;
    const m = k.ocb(NONCE);
    const a = k.ocb(NONCE).encryptor(); // an OCB slot, the key's own state slot
    const b = k.ocb(NONCE).unverifiedDecryptor(); // an OCB slot and an extra state slot
    a.update(new Uint8Array(5));
    b.update(new Uint8Array(5));
    expect(core.stats().slotsInUse).toBe(before + 3);
    k.dispose();
    expect(core.stats().slotsInUse).toBe(before - 1);
    expect(() => a.update(new Uint8Array(1))).toThrow(DisposedError);
    expect(() => a.final()).toThrow(DisposedError);
    expect(() => b.update(new Uint8Array(1))).toThrow(DisposedError);
    expect(() => m.encrypt(new Uint8Array(1))).toThrow(DisposedError);
    expect(() => m.decrypt(new Uint8Array(20))).toThrow(DisposedError);
    expect(() => k.ocb(NONCE)).toThrow(DisposedError);
    expect(core.stats().slotsInUse).toBe(before - 1);
  });

  it("every call gives its slots back: one-shot, failed decryption, streams, facade objects", () => {
    const core = activeCore();
    const k = aesKey(KEY);
    const before = core.stats().slotsInUse;
    const sealed = k.ocb(NONCE).encrypt(new Uint8Array(100));
    k.ocb(NONCE).decrypt(sealed);
    expect(() => k.ocb(NONCE).decrypt(sealed.subarray(1))).toThrow(DecryptionError);
    expect(() => k.ocb(NONCE).decrypt(new Uint8Array(3))).toThrow(DecryptionError);
    expect(() => k.ocb(NONCE).encrypt(new Uint8Array(10), new Uint8Array(25))).toThrow(DataLengthError);
    const e = k.ocb(NONCE).encryptor();
    e.update(new Uint8Array(33));
    e.final();
    const d = k.ocb(NONCE).unverifiedDecryptor(new Uint8Array(16));
    d.update(sealed.subarray(0, 100));
    expect(() => d.final()).toThrow(DecryptionError);
    expect(core.stats().slotsInUse).toBe(before);
    k.dispose();
    const afterKey = core.stats().slotsInUse;
    const c = createCipheriv("aes-128-ocb", KEY, NONCE, { authTagLength: 16 });
    c.update(new Uint8Array(40));
    c.final();
    const f = createDecipheriv("aes-128-ocb", KEY, NONCE, { authTagLength: 16 });
    f.setAuthTag(new Uint8Array(16));
    f.update(new Uint8Array(40));
    expect(() => f.final()).toThrow(DecryptionError);
    expect(core.stats().slotsInUse).toBe(afterKey);
  });

  it("output buffers: too short is DataLengthError before anything is written, and a refused update() does not advance the stream", () => {
    const k = aesKey(KEY);
    const pt = Uint8Array.from({ length: 40 }, (_, i) => i);
    const want = seal(KEY, NONCE, new Uint8Array(0), pt, 16);
    const short = new Uint8Array(55).fill(7);
    expect(() => k.ocb(NONCE).encrypt(pt, short)).toThrow(DataLengthError);
    expect(short.every((b) => b === 7)).toBe(true);
    expect(() => k.ocb(NONCE).decrypt(want, new Uint8Array(39))).toThrow(DataLengthError);
    const e = k.ocb(NONCE).encryptor();
    expect(e.update(pt.subarray(0, 7)).length).toBe(0); // pending
    expect(() => e.update(pt.subarray(7, 40), new Uint8Array(31))).toThrow(DataLengthError); // 32 would come out
    const got = e.update(pt.subarray(7, 40), new Uint8Array(32));
    expect(() => e.final(new Uint8Array(7))).toThrow(DataLengthError); // 8 bytes left
    const last = e.final(new Uint8Array(8));
    expectBytes(concat([got, last, e.tag]), want);
    k.dispose();
  });

  it("overlapping input and output behave as memmove: forward by 1/16/4096, in place, backward, past the IO window", () => {
    const k = aesKey(KEY);
    const n = 70_003;
    const pt = randomBytes(rng(41), n);
    const sealed = seal(KEY, NONCE, new Uint8Array(0), pt, 16);
    for (const shift of [1, 16, 4096]) {
      const buf = new Uint8Array(n + 16 + shift);
      buf.set(pt);
      expectBytes(k.ocb(NONCE).encrypt(buf.subarray(0, n), buf.subarray(shift)), sealed, `encrypt forward ${shift}`);
      const buf2 = new Uint8Array(n + 16 + shift);
      buf2.set(sealed);
      expectBytes(k.ocb(NONCE).decrypt(buf2.subarray(0, n + 16), buf2.subarray(shift)), pt, `decrypt forward ${shift}`);
      const back = new Uint8Array(n + 16 + shift);
      back.set(sealed, shift);
      expectBytes(k.ocb(NONCE).decrypt(back.subarray(shift), back), pt, `decrypt backward ${shift}`);
    }
    const inPlace = new Uint8Array(n + 16);
    inPlace.set(pt);
    expectBytes(k.ocb(NONCE).encrypt(inPlace.subarray(0, n), inPlace), sealed, "encrypt in place");
    expectBytes(k.ocb(NONCE).decrypt(inPlace, inPlace), pt, "decrypt in place");
    // streaming with a block pending: output runs ahead of the input by the pending bytes
    const e = k.ocb(NONCE).encryptor();
    const head = e.update(pt.subarray(0, 5));
    const buf = new Uint8Array(n);
    buf.set(pt.subarray(5));
    const body = e.update(buf.subarray(0, n - 5), buf).slice();
    expectBytes(concat([head, body, e.final(), e.tag]), sealed, "streaming in place with 5 bytes pending");
    k.dispose();
  });

  it("no plaintext and no L table left in WASM memory; serialises to type, bits and tag length only", () => {
    const core = activeCore();
    const key = randomBytes(rng(51), 16); // a key no other test here leaves an open stream of
    const k = aesKey(key);
    const lStar = k.encryptBlock(new Uint8Array(16)); // L_* = E_K(0^128), the first entry of the OCB slot's table
    const pt = Uint8Array.from({ length: 200 }, (_, i) => (i * 7 + 0x31) & 0xff);
    const probe = pt.subarray(0, 24);
    const tail = pt.subarray(192); // the last partial block
    const left = (what: string) => {
      expect(indexOfBytes(core.mem, probe), `${what}: plaintext`).toBe(-1);
      expect(indexOfBytes(core.mem, tail), `${what}: last partial block`).toBe(-1);
      expect(indexOfBytes(core.mem, lStar), `${what}: L_*`).toBe(-1);
    };
    left("before");
    const sealed = k.ocb(NONCE).encrypt(pt);
    left("encrypt");
    expectBytes(k.ocb(NONCE).decrypt(sealed), pt);
    left("decrypt");
    expect(() => k.ocb(NONCE).decrypt(sealed.subarray(1))).toThrow(DecryptionError);
    left("failed decrypt");
    const d = k.ocb(NONCE).unverifiedDecryptor(sealed.subarray(200));
    d.update(sealed.subarray(0, 200));
    d.final();
    left("streaming decrypt");
    const m = k.ocb(NONCE, { tagLength: 12 });
    expect(JSON.stringify(m)).toBe('{"type":"OcbMode","bits":128,"tagLength":12}');
    expect(JSON.stringify(m.unverifiedDecryptor())).toBe('{"type":"OcbUnverifiedDecryptor"}');
    const c = createCipheriv("aes-128-ocb", key, NONCE, { authTagLength: 16 });
    expect(JSON.stringify(c)).toBe('{"type":"OcbCipher"}');
    c.final();
    k.dispose();
    left("after dispose");
  });
});
