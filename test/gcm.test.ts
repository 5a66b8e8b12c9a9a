// GCM against node:crypto and WebCrypto (random keys, IV lengths 1..128, AAD 0..300, tag
// lengths 12..16, plaintexts up to 70 000 bytes, random streaming splits), tampering, and the
// mode object's rules (one encryption per IV, tag lengths, AAD order, nothing released on a
// bad tag).
import { createCipheriv as nodeCipher, createDecipheriv as nodeDecipher, webcrypto } from "node:crypto";
import { expect, it } from "vitest";
import {
  aesKey, createCipheriv, createDecipheriv, DecryptionError, DisposedError, IvLengthError, IvReuseError, StateError,
} from "../src/index.js";
import { TagLengthError } from "../src/aead-errors.js";
import { describeEachBackend } from "./helpers/backends.js";
import { concat, expectBytes } from "./helpers/bytes.js";
import { randomBytes, randomSplits, rng } from "./helpers/random.js";

type Bits = 128 | 192 | 256;

function nodeSeal(bits: Bits, key: Uint8Array, iv: Uint8Array, aad: Uint8Array, pt: Uint8Array, tagLength: number): Uint8Array {
  const c = nodeCipher(`aes-${bits}-gcm`, key, iv, { authTagLength: tagLength });
  c.setAAD(aad);
  return Buffer.concat([c.update(pt), c.final(), c.getAuthTag()]);
}

/** A random case; the plaintext length is skewed small with some large ones. */
function randomCase(next: () => number, maxLen: number) {
  const bits = ([128, 192, 256] as const)[Math.floor(next() * 3)];
  const ivLen = next() < 0.4 ? 12 : 1 + Math.floor(next() * 128);
  const len = next() < 0.1 ? Math.floor(next() * maxLen) : Math.floor(next() * 300);
  return {
    bits, key: randomBytes(next, bits / 8), iv: randomBytes(next, ivLen),
    aad: randomBytes(next, Math.floor(next() * 301)), pt: randomBytes(next, len),
    tagLength: 12 + Math.floor(next() * 5),
  };
}

describeEachBackend("GCM: differential", (backend) => {
  const rounds = backend === "js" ? 25 : 300;
  const maxLen = backend === "js" ? 2000 : 70_000;

  it(`${rounds} random one-shot cases vs node:crypto (IV 1..128 B, AAD 0..300 B, tag 12..16 B, data < ${maxLen} B; seed 11)`, () => {
    const next = rng(11);
    for (let i = 0; i < rounds; i++) {
      const c = randomCase(next, maxLen);
      const expected = nodeSeal(c.bits, c.key, c.iv, c.aad, c.pt, c.tagLength);
      const key = aesKey(c.key);
      const opts = { aad: c.aad, tagLength: c.tagLength };
      expectBytes(key.gcm(c.iv, opts).encrypt(c.pt), expected, `case ${i} encrypt`);
      expectBytes(key.gcm(c.iv, opts).decrypt(expected), c.pt, `case ${i} decrypt`);
      key.dispose();
    }
  });

  it(`${rounds} random streaming cases with random split points, both ways (seed 12)`, () => {
    const next = rng(12);
    for (let i = 0; i < rounds; i++) {
      const c = randomCase(next, maxLen);
      const expected = nodeSeal(c.bits, c.key, c.iv, c.aad, c.pt, c.tagLength);
      const key = aesKey(c.key);
      const mode = key.gcm(c.iv, { tagLength: c.tagLength });
      const enc = mode.encryptor();
      let off = 0;
      for (const n of randomSplits(next, c.aad.length, 100)) enc.setAAD(c.aad.subarray(off, (off += n)));
      const parts: Uint8Array[] = [];
      off = 0;
      for (const n of randomSplits(next, c.pt.length, 20_000)) parts.push(enc.update(c.pt.subarray(off, (off += n))));
      parts.push(enc.final(), enc.tag);
      expectBytes(concat(parts), expected, `case ${i} streaming encrypt`);

      const body = expected.subarray(0, c.pt.length);
      const dec = mode.unverifiedDecryptor();
      dec.setAAD(c.aad);
      const out: Uint8Array[] = [];
      off = 0;
      for (const n of randomSplits(next, body.length, 20_000)) out.push(dec.update(body.subarray(off, (off += n))));
      dec.setAuthTag(expected.subarray(c.pt.length));
      out.push(dec.final());
      expectBytes(concat(out), c.pt, `case ${i} streaming decrypt`);
      key.dispose();
    }
  });

  it("createCipheriv/createDecipheriv('aes-*-gcm') behave as node:crypto's, split at random (seed 13)", () => {
    const next = rng(13);
    for (let i = 0; i < Math.min(rounds, 60); i++) {
      const c = randomCase(next, maxLen);
      const name = `aes-${c.bits}-gcm` as const;
      const nc = nodeCipher(name, c.key, c.iv, { authTagLength: c.tagLength }).setAAD(c.aad);
      const ours = createCipheriv(name, c.key, c.iv, { authTagLength: c.tagLength }).setAAD(c.aad);
      const a: Uint8Array[] = [];
      const b: Uint8Array[] = [];
      let off = 0;
      for (const n of randomSplits(next, c.pt.length, 9000)) {
        const piece = c.pt.subarray(off, (off += n));
        a.push(ours.update(piece));
        b.push(nc.update(piece));
      }
      a.push(ours.final());
      b.push(nc.final());
      expectBytes(concat(a), concat(b), `case ${i} ciphertext`);
      expectBytes(ours.getAuthTag(), nc.getAuthTag(), `case ${i} tag`);

      const ct = concat(b);
      const tag = nc.getAuthTag();
      const d = createDecipheriv(name, c.key, c.iv, { authTagLength: c.tagLength });
      d.setAAD(c.aad).setAuthTag(tag);
      expectBytes(concat([d.update(ct), d.final()]), c.pt, `case ${i} decipher`);
      // Our ciphertext through Node's decipher as well.
      const nd = nodeDecipher(name, c.key, c.iv, { authTagLength: c.tagLength }).setAAD(c.aad);
      nd.setAuthTag(ours.getAuthTag());
      expectBytes(concat([nd.update(concat(a)), nd.final()]), c.pt, `case ${i} node decipher`);
    }
  });

  it("vs WebCrypto AES-GCM (tagLength in bits, iv 12 and 16 bytes, with and without AAD)", async () => {
    const { subtle } = webcrypto;
    const next = rng(14);
    for (let i = 0; i < 24; i++) {
      const bits = ([128, 192, 256] as const)[i % 3];
      const k = randomBytes(next, bits / 8);
      const iv = randomBytes(next, i % 2 ? 12 : 16);
      const aad = randomBytes(next, i % 4 < 2 ? 0 : 40);
      const pt = randomBytes(next, Math.floor(next() * 5000));
      const tagLength = [128, 120, 112, 104, 96, 64, 32][i % 7];
      const wk = await subtle.importKey("raw", k, "AES-GCM", false, ["encrypt"]);
      const expected = new Uint8Array(await subtle.encrypt(
        { name: "AES-GCM", iv, additionalData: aad, tagLength }, wk, pt));
      const key = aesKey(k);
      const opts = { aad, tagLength: tagLength / 8, allowShortTags: true };
      expectBytes(key.gcm(iv, opts).encrypt(pt), expected, `case ${i} vs WebCrypto`);
      expectBytes(key.gcm(iv, opts).decrypt(expected), pt, `case ${i} decrypt`);
      key.dispose();
    }
  });
});

describeEachBackend("GCM: tampering releases nothing", () => {
  const k = new Uint8Array(32).fill(0x42);
  const iv = Uint8Array.from({ length: 12 }, (_, i) => i);
  const aad = new TextEncoder().encode("header: v1");
  const pt = Uint8Array.from({ length: 77 }, (_, i) => (i * 7) & 0xff);
  const sealed = nodeSeal(256, k, iv, aad, pt, 16);

  it("a flipped bit anywhere in ciphertext or tag: DecryptionError, output untouched", () => {
    const key = aesKey(k);
    for (let bit = 0; bit < sealed.length * 8; bit++) {
      const bad = sealed.slice();
      bad[bit >> 3] ^= 1 << (bit & 7);
      const output = new Uint8Array(pt.length).fill(0xee);
      expect(() => key.gcm(iv, { aad }).decrypt(bad, output)).toThrow(DecryptionError);
      expect(output.every((b) => b === 0xee)).toBe(true);
    }
    key.dispose();
  });

  it("a flipped bit in the AAD or the IV: DecryptionError", () => {
    const key = aesKey(k);
    for (let bit = 0; bit < aad.length * 8; bit++) {
      const bad = aad.slice();
      bad[bit >> 3] ^= 1 << (bit & 7);
      expect(() => key.gcm(iv, { aad: bad }).decrypt(sealed)).toThrow(DecryptionError);
    }
    for (let bit = 0; bit < iv.length * 8; bit++) {
      const bad = iv.slice();
      bad[bit >> 3] ^= 1 << (bit & 7);
      expect(() => key.gcm(bad, { aad }).decrypt(sealed)).toThrow(DecryptionError);
    }
    key.dispose();
  });

  it("truncated input, missing AAD, wrong tag length: DecryptionError", () => {
    const key = aesKey(k);
    expect(() => key.gcm(iv, { aad }).decrypt(sealed.subarray(0, 10))).toThrow(DecryptionError);
    expect(() => key.gcm(iv, { aad }).decrypt(sealed.subarray(0, sealed.length - 1))).toThrow(DecryptionError);
    expect(() => key.gcm(iv).decrypt(sealed)).toThrow(DecryptionError);
    expect(() => key.gcm(iv, { aad, tagLength: 12 }).decrypt(sealed)).toThrow(DecryptionError);
    key.dispose();
  });

  it("the facade's final() throws on a bad tag (as node:crypto does) and on a missing one", () => {
    const body = sealed.subarray(0, pt.length);
    const tag = sealed.slice(pt.length);
    tag[0] ^= 1;
    const d = createDecipheriv("aes-256-gcm", k, iv).setAAD(aad).setAuthTag(tag);
    d.update(body); // unauthenticated plaintext, as documented
    expect(() => d.final()).toThrow(DecryptionError);
    const n = createDecipheriv("aes-256-gcm", k, iv).setAAD(aad);
    n.update(body);
    expect(() => n.final()).toThrow(StateError);
  });
});

describeEachBackend("GCM: rules", () => {
  const k = new Uint8Array(16).fill(9);
  const iv = new Uint8Array(12).fill(1);

  it("one mode object encrypts once: a second encryption under its IV is IvReuseError", () => {
    const key = aesKey(k);
    const mode = key.gcm(iv);
    mode.encrypt(new Uint8Array(5));
    expect(() => mode.encrypt(new Uint8Array(5))).toThrow(IvReuseError);
    expect(() => mode.encryptor()).toThrow(IvReuseError);
    // Decryption is not limited.
    const sealed = key.gcm(iv).encrypt(new Uint8Array(3));
    expect(mode.decrypt(sealed)).toEqual(new Uint8Array(3));
    expect(mode.decrypt(sealed)).toEqual(new Uint8Array(3));
    key.dispose();
  });

  it("tag lengths 16..12 by default; 8 and 4 only with allowShortTags; others never", () => {
    const key = aesKey(k);
    for (const t of [16, 15, 14, 13, 12]) expect(key.gcm(iv, { tagLength: t }).encrypt(new Uint8Array(1)).length).toBe(1 + t);
    for (const t of [8, 4]) {
      expect(() => key.gcm(iv, { tagLength: t })).toThrow(TagLengthError);
      expect(key.gcm(iv, { tagLength: t, allowShortTags: true }).encrypt(new Uint8Array(1)).length).toBe(1 + t);
      expect(() => createCipheriv("aes-128-gcm", k, iv, { authTagLength: t })).toThrow(TagLengthError);
    }
    for (const t of [0, 1, 11, 17, 32, 12.5]) {
      expect(() => key.gcm(iv, { tagLength: t, allowShortTags: true })).toThrow(TagLengthError);
    }
    // The facade decipher checks setAuthTag against authTagLength, or the allowed set.
    expect(() => createDecipheriv("aes-128-gcm", k, iv, { authTagLength: 16 }).setAuthTag(new Uint8Array(12))).toThrow(TagLengthError);
    expect(() => createDecipheriv("aes-128-gcm", k, iv).setAuthTag(new Uint8Array(8))).toThrow(TagLengthError);
    key.dispose();
  });

  it("IVs: empty is IvLengthError; 1 byte and 128 bytes work", () => {
    const key = aesKey(k);
    expect(() => key.gcm(new Uint8Array(0))).toThrow(IvLengthError);
    expect(() => createCipheriv("aes-128-gcm", k, new Uint8Array(0))).toThrow(IvLengthError);
    for (const n of [1, 128]) {
      const v = new Uint8Array(n).fill(5);
      expectBytes(key.gcm(v).encrypt(new Uint8Array(20)), nodeSeal(128, k, v, new Uint8Array(0), new Uint8Array(20), 16));
    }
    key.dispose();
  });

  it("AAD only before data; getAuthTag only after final; nothing after final", () => {
    const enc = aesKey(k).gcm(iv).encryptor();
    enc.update(new Uint8Array(3));
    expect(() => enc.setAAD(new Uint8Array(1))).toThrow(StateError);
    expect(() => enc.tag).toThrow(StateError);
    enc.final();
    expect(enc.tag.length).toBe(16);
    expect(() => enc.update(new Uint8Array(1))).toThrow(StateError);
    const c = createCipheriv("aes-128-gcm", k, iv);
    expect(() => c.getAuthTag()).toThrow(StateError);
    c.final();
    expect(() => c.final()).toThrow(StateError);
  });

  it("the IV and AAD are copied: changing the caller's arrays afterwards changes nothing", () => {
    const key = aesKey(k);
    const v = iv.slice();
    const aad = new Uint8Array(20).fill(3);
    const mode = key.gcm(v, { aad });
    v[0] ^= 1;
    aad[0] ^= 1;
    expectBytes(mode.encrypt(new Uint8Array(10)), nodeSeal(128, k, iv, new Uint8Array(20).fill(3), new Uint8Array(10), 16));
    key.dispose();
  });

  it("in-place one-shot decryption (output aliases the input) works", () => {
    const key = aesKey(k);
    const pt = new Uint8Array(100_000).map((_, i) => i & 0xff);
    const sealed = key.gcm(iv).encrypt(pt);
    const out = key.gcm(iv).decrypt(sealed, sealed);
    expectBytes(out, pt);
    key.dispose();
  });

  it("slots are returned: no growth over many GCM messages; a disposed key refuses", () => {
    const key = aesKey(k);
    const core = key.core;
    key.gcm(iv).encrypt(new Uint8Array(10));
    const before = core.stats();
    for (let i = 0; i < 200; i++) {
      const sealed = key.gcm(new Uint8Array([i])).encrypt(new Uint8Array(i));
      key.gcm(new Uint8Array([i])).decrypt(sealed);
      expect(() => key.gcm(new Uint8Array([i + 1])).decrypt(sealed)).toThrow(DecryptionError);
    }
    expect(core.stats()).toEqual(before);
    key.dispose();
    expect(() => key.gcm(iv)).toThrow(DisposedError);
  });
});
