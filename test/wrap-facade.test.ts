// createCipheriv('id-aes*-wrap[-pad]' / 'aes*-wrap') side by side with node:crypto: the same
// wrapped bytes for standard and alternative IVs, every key size, KW and KWP lengths; unwrapping
// gives the key data back or throws (as node does) for a tampered input; the one-update rule,
// key and IV lengths. Both backends.
import * as nodeCrypto from "node:crypto";
import { expect, it } from "vitest";
import { createCipheriv, createDecipheriv, DecryptionError, IvLengthError, KeyLengthError, StateError, WRAP_CIPHER_NAMES } from "../src/index.js";
import { describeEachBackend } from "./helpers/backends.js";
import { expectBytes } from "./helpers/bytes.js";
import { randomBytes, rng } from "./helpers/random.js";

const KW_IV = Buffer.from("a6a6a6a6a6a6a6a6", "hex");
const KWP_IV = Buffer.from("a65959a6", "hex");

describeEachBackend("key-wrap names in the node:crypto facade", () => {
  it("every name wraps and unwraps as node:crypto does, with the standard and an alternative IV", () => {
    const next = rng(5);
    expect(WRAP_CIPHER_NAMES.length).toBe(9);
    for (const name of WRAP_CIPHER_NAMES) {
      const bits = Number(/(128|192|256)/.exec(name)![1]);
      const pad = name.endsWith("-pad");
      for (const len of pad ? [1, 7, 8, 9, 16, 20, 33, 64] : [16, 24, 32, 40, 64]) {
        for (const iv of pad ? [KWP_IV, Buffer.from(randomBytes(next, 4))] : [KW_IV, Buffer.from(randomBytes(next, 8))]) {
          const kek = randomBytes(next, bits / 8), data = randomBytes(next, len);
          const n = nodeCrypto.createCipheriv(name, kek, iv);
          const expected = Buffer.concat([n.update(data), n.final()]);
          const c = createCipheriv(name, kek, iv);
          const wrapped = c.update(data);
          expect(c.final().length).toBe(0);
          expectBytes(wrapped, expected, `${name} ${len} bytes`);
          const d = createDecipheriv(name, kek, iv);
          expectBytes(d.update(expected), data, `${name} unwrap`);
          expect(d.final().length).toBe(0);
        }
      }
    }
  });

  it("a tampered wrapped key or a different IV throws from update(), as in node", () => {
    const kek = new Uint8Array(16).fill(4), data = new Uint8Array(24).fill(9);
    for (const [name, iv] of [["id-aes128-wrap", KW_IV], ["id-aes128-wrap-pad", KWP_IV]] as const) {
      const wrapped = createCipheriv(name, kek, iv).update(data);
      for (let i = 0; i < wrapped.length; i++) {
        const bad = wrapped.slice();
        bad[i]! ^= 0x10;
        expect(() => createDecipheriv(name, kek, iv).update(bad)).toThrow(DecryptionError);
        expect(() => nodeCrypto.createDecipheriv(name, kek, iv).update(bad)).toThrow();
      }
      const other = Buffer.from(iv);
      other[0]! ^= 1;
      expect(() => createDecipheriv(name, kek, other).update(wrapped)).toThrow(DecryptionError);
    }
  });

  it("one update only, key and IV lengths, names in any case", () => {
    const kek = new Uint8Array(32);
    const c = createCipheriv("id-aes256-wrap", kek, KW_IV);
    c.update(new Uint8Array(16));
    expect(() => c.update(new Uint8Array(16))).toThrow(StateError);
    c.final();
    expect(() => c.final()).toThrow(StateError);
    expect(() => createCipheriv("id-aes256-wrap", new Uint8Array(16), KW_IV)).toThrow(KeyLengthError);
    expect(() => createCipheriv("id-aes256-wrap", kek, null)).toThrow(IvLengthError);
    expect(() => createCipheriv("id-aes256-wrap", kek, KWP_IV)).toThrow(IvLengthError);
    expect(() => createCipheriv("id-aes256-wrap-pad", kek, KW_IV)).toThrow(IvLengthError);
    expect(createCipheriv("ID-AES256-WRAP", kek, KW_IV).update(new Uint8Array(16)).length).toBe(24);
    expect(createCipheriv("AES256-wrap", kek, KW_IV).update(new Uint8Array(16)).length).toBe(24);
  });
});
