// The WASM core's parts (src/wasm/backend.ts, scripts/embed.mjs): an app that loads only
// aesKeyBase, ctr and gcm runs on the CTR core, with the GHASH part on its memory, and must
// give node:crypto's bytes through every path those modes take (one-shot, streaming in odd
// pieces, counter widths, IVs of other lengths, AAD, short tags, evicted and reloaded keys).
// Loading a module that needs every mode later adds the rest of the kernels to the same core:
// keys made before then (and their open streams) keep working and get the other modes too.
// This file imports src/ modules one by one, not src/index.ts (which loads AesKey, hence the rest).
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { aesKeyBase, type AesKeyBase } from "../src/key-base.js";
import { ctr } from "../src/mode-functions/ctr.js";
import { gcm } from "../src/mode-functions/gcm.js";
import { isFullCore, wasmModules } from "../src/wasm/backend.js";
import { instantiateWasm } from "../src/wasm/instantiate.js";
import { rng } from "./helpers/random.js";

const nodeCtr = (key: Uint8Array, iv: Uint8Array, data: Uint8Array) =>
  new Uint8Array(createCipheriv(`aes-${key.length * 8}-ctr`, key, iv).update(data));
function nodeGcm(key: Uint8Array, iv: Uint8Array, data: Uint8Array, aad: Uint8Array, tagLength = 16) {
  const c = createCipheriv(`aes-${key.length * 8}-gcm` as "aes-128-gcm", key, iv, { authTagLength: tagLength });
  c.setAAD(aad);
  return new Uint8Array(Buffer.concat([c.update(data), c.final(), c.getAuthTag()]));
}
const core = (key: AesKeyBase) => (key as unknown as { core: Parameters<typeof isFullCore>[0] }).core;

describe("the CTR core with GHASH (no AesKey loaded)", () => {
  const next = rng(0x7135);
  const sizes = [0, 1, 15, 16, 17, 127, 128, 129, 1000, 4096 + 3, 70_000];

  it("the keys are on the CTR core with GHASH, without the other modes' kernels", () => {
    const c = core(aesKeyBase(randomBytes(16)));
    expect(isFullCore(c)).toBe(false);
    expect(typeof c.k.ghash).toBe("function");
    expect((c.k as unknown as Record<string, unknown>).cbcEncrypt).toBeUndefined();
    expect(wasmModules()).toHaveLength(3); // the CTR core, GF, GHASH
  });

  for (const bytes of [16, 24, 32]) {
    it(`CTR, AES-${bytes * 8}: one-shot and streamed in odd pieces = node:crypto`, () => {
      for (const n of sizes) {
        const k = randomBytes(bytes), iv = randomBytes(16), data = randomBytes(n);
        const key = aesKeyBase(k);
        expect(ctr(key, iv).encrypt(data)).toEqual(nodeCtr(k, iv, data));
        const enc = ctr(key, iv).encryptor();
        const parts: Uint8Array[] = [];
        for (let off = 0; off < n;) {
          const len = Math.min(n - off, 1 + Math.floor(next() * 50));
          parts.push(enc.update(data.subarray(off, off + len)));
          off += len;
        }
        parts.push(enc.final());
        expect(Buffer.concat(parts)).toEqual(Buffer.from(nodeCtr(k, iv, data)));
        expect(ctr(key, iv).decrypt(nodeCtr(k, iv, data))).toEqual(new Uint8Array(data));
        key.dispose();
      }
    });

    it(`GCM, AES-${bytes * 8}: 12-byte and other IVs, AAD, short tags, streaming = node:crypto`, () => {
      for (const n of sizes) {
        for (const ivLength of [12, 1, 16, 60]) {
          const k = randomBytes(bytes), iv = randomBytes(ivLength), data = randomBytes(n), aad = randomBytes(Math.floor(next() * 40));
          const key = aesKeyBase(k);
          const expected = nodeGcm(k, iv, data, aad);
          expect(gcm(key, iv, { aad }).encrypt(data)).toEqual(expected);
          expect(gcm(key, iv, { aad }).decrypt(expected)).toEqual(new Uint8Array(data));
          const enc = gcm(key, iv).encryptor().setAAD(aad);
          const half = n >> 1;
          const streamed = Buffer.concat([enc.update(data.subarray(0, half)), enc.update(data.subarray(half)), enc.final(), enc.tag]);
          expect(streamed).toEqual(Buffer.from(expected));
          expect(gcm(key, iv, { aad, tagLength: 12 }).encrypt(data)).toEqual(nodeGcm(k, iv, data, aad, 12));
          const bad = Uint8Array.from(expected);
          bad[bad.length - 1]! ^= 1;
          expect(() => gcm(key, iv, { aad }).decrypt(bad)).toThrow();
          key.dispose();
        }
      }
    });
  }

  it("keys past the residency limit are evicted and reloaded: CTR and GCM still match", () => {
    const keys = Array.from({ length: 300 }, () => randomBytes(16));
    const made = keys.map((k) => aesKeyBase(k));
    const iv = randomBytes(12), data = randomBytes(100);
    for (let i = 0; i < keys.length; i += 7) {
      expect(gcm(made[i]!, iv).encrypt(data)).toEqual(nodeGcm(keys[i]!, iv, data, new Uint8Array(0)));
      expect(ctr(made[i]!, randomBytes(16).fill(0)).encrypt(data)).toEqual(nodeCtr(keys[i]!, new Uint8Array(16), data));
    }
    const block = randomBytes(16);
    expect(made[0]!.encryptBlock(block)).toEqual(new Uint8Array(createCipheriv("aes-128-ecb", keys[0]!, null).setAutoPadding(false).update(block)));
    for (const key of made) key.dispose();
  });

  it("once a module needing every mode loads: its kernels join the same core, old keys and open streams get them", async () => {
    const k = randomBytes(32), iv = randomBytes(16), data = randomBytes(48), gcmIv = randomBytes(12);
    const old = aesKeyBase(k);
    const before = core(old);
    const open = ctr(old, iv).encryptor();
    const head = open.update(data.subarray(0, 20));
    const { cbc, ocb } = await import("../src/mode-functions/full.js");
    expect(isFullCore(before)).toBe(true);
    // The stream opened before goes on across the change.
    expect(Buffer.concat([head, open.update(data.subarray(20)), open.final()])).toEqual(Buffer.from(nodeCtr(k, iv, data)));
    const expected = new Uint8Array(createCipheriv("aes-256-cbc", k, iv).setAutoPadding(false).update(data));
    for (const key of [old, aesKeyBase(k)]) {
      expect(core(key)).toBe(before); // one core
      expect(cbc(key, iv, { padding: "none" }).encrypt(data)).toEqual(expected);
      expect(cbc(key, iv, { padding: "none" }).decrypt(expected)).toEqual(new Uint8Array(data)); // decryption keys derived by the rest
      expect(ctr(key, iv).encrypt(data)).toEqual(nodeCtr(k, iv, data));
      expect(gcm(key, gcmIv).encrypt(data)).toEqual(nodeGcm(k, gcmIv, data, new Uint8Array(0)));
      const sealed = ocb(key, gcmIv).encrypt(data);
      expect(ocb(key, gcmIv).decrypt(sealed)).toEqual(new Uint8Array(data));
    }
    expect(new Uint8Array(createDecipheriv("aes-256-cbc", k, iv).setAutoPadding(false).update(expected))).toEqual(new Uint8Array(data));
  });

  it("the parts the core is made of export every kernel once", () => {
    const names = wasmModules().flatMap((m) => WebAssembly.Module.exports(m).filter((e) => e.kind === "function").map((e) => e.name));
    expect(wasmModules()).toHaveLength(4); // the CTR core, GF, GHASH, the rest
    expect(new Set(names).size).toBe(names.length);
    for (const kernel of ["expandEncryptionKey", "ctr", "ghash", "expandDecryptionKey", "cbcDecrypt", "ocbEncrypt", "xtsEncrypt", "polyval"]) expect(names).toContain(kernel);
  });

  it("a part's imports come from the parts before it, never from a polluted Object.prototype", () => {
    const [ctrCore, gf, ghash] = wasmModules();
    const needed = WebAssembly.Module.imports(ghash!).filter((i) => i.module === "core").map((i) => i.name);
    const fromGf = needed.filter((name) => WebAssembly.Module.exports(gf!).some((e) => e.name === name));
    expect(fromGf.length).toBeGreaterThan(0);
    const proto = Object.prototype as unknown as Record<string, unknown>;
    for (const name of fromGf) proto[name] = () => 0;
    try {
      // GHASH on a CTR core without GF: what GF should give is missing, and must stay missing.
      expect(() => instantiateWasm([ctrCore!, ghash!])).toThrow(WebAssembly.LinkError);
    } finally {
      for (const name of fromGf) delete proto[name];
    }
  });
});
