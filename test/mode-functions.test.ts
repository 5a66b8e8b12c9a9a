// The mode functions (src/mode-functions.ts) on an aesKeyBase() key give node:crypto's bytes
// for the modes node:crypto has, and the key methods' bytes for the others; an AesKeyBase has
// no mode methods, serialises like an AesKey, and an AesKey works with the functions too.
import { createCipheriv, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { AesKey, AesKeyBase, aesKey, aesKeyBase, cbc, ccm, cfb, cmac, ctr, ecb, gcm, gcmSiv, kw, kwp, ocb, ofb } from "../src/index.js";
import { describeEachBackend } from "./helpers/backends.js";

const node = (name: string, key: Uint8Array, iv: Uint8Array | null, data: Uint8Array) => {
  const c = createCipheriv(name, key, iv);
  c.setAutoPadding(false);
  return new Uint8Array(Buffer.concat([c.update(data), c.final()]));
};

describeEachBackend("mode functions", () => {
  const k = randomBytes(32), iv = randomBytes(16), data = randomBytes(64);

  it("ecb, cbc, cfb, ofb, ctr: node:crypto's bytes", () => {
    const key = aesKeyBase(k);
    expect(ecb(key, { padding: "none" }).encrypt(data)).toEqual(node("aes-256-ecb", k, null, data));
    expect(cbc(key, iv, { padding: "none" }).encrypt(data)).toEqual(node("aes-256-cbc", k, iv, data));
    expect(cfb(key, iv, { segment: 8 }).encrypt(data)).toEqual(node("aes-256-cfb8", k, iv, data));
    expect(ofb(key, iv).encrypt(data)).toEqual(node("aes-256-ofb", k, iv, data));
    expect(ctr(key, iv).encrypt(data)).toEqual(node("aes-256-ctr", k, iv, data));
    key.dispose();
  });

  it("gcm: node:crypto's ciphertext and tag, and opens it", () => {
    const key = aesKeyBase(k);
    const n = iv.subarray(0, 12);
    const c = createCipheriv("aes-256-gcm", k, n);
    const expected = Buffer.concat([c.update(data), c.final(), c.getAuthTag()]);
    const sealed = gcm(key, n).encrypt(data);
    expect(sealed).toEqual(new Uint8Array(expected));
    expect(gcm(key, n).decrypt(sealed)).toEqual(new Uint8Array(data));
  });

  it("ocb, ccm, gcmSiv, kw, kwp, cmac: the methods' bytes", () => {
    const base = aesKeyBase(k), full = aesKey(k);
    const n = iv.subarray(0, 12);
    expect(ocb(base, n).encrypt(data)).toEqual(full.ocb(n).encrypt(data));
    expect(ccm(base, n).encrypt(data)).toEqual(full.ccm(n).encrypt(data));
    expect(gcmSiv(base, n).encrypt(data)).toEqual(full.gcmSiv(n).encrypt(data));
    expect(kw(base).wrap(data.subarray(0, 32))).toEqual(full.kw().wrap(data.subarray(0, 32)));
    expect(kwp(base).wrap(data.subarray(0, 5))).toEqual(full.kwp().wrap(data.subarray(0, 5)));
    expect(cmac(base).update(data).digest()).toEqual(full.cmac().update(data).digest());
  });
});

describe("AesKeyBase", () => {
  it("has no mode methods; an AesKey is one, with them; both serialise as AesKey", () => {
    const base = aesKeyBase(new Uint8Array(16));
    const full = aesKey(new Uint8Array(16));
    expect(base).toBeInstanceOf(AesKeyBase);
    expect(base).not.toBeInstanceOf(AesKey);
    expect(full).toBeInstanceOf(AesKeyBase);
    expect((base as unknown as Record<string, unknown>).ctr).toBeUndefined();
    expect((base as unknown as Record<string, unknown>).decryptBlock).toBeUndefined(); // the CTR core has no decryption
    expect(full.decryptBlock(full.encryptBlock(new Uint8Array(16)))).toEqual(new Uint8Array(16));
    expect(JSON.stringify(base)).toBe(JSON.stringify(full));
    expect(JSON.parse(JSON.stringify(base))).toEqual({ type: "AesKey", bits: 128 });
    expect(base.encryptBlock(new Uint8Array(16))).toEqual(full.encryptBlock(new Uint8Array(16)));
    expect(ctr(full, new Uint8Array(16)).encrypt(new Uint8Array(16))).toEqual(full.encryptBlock(new Uint8Array(16)));
  });
});
