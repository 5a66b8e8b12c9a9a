// The `subtle` facade against the page's own crypto.subtle in Chromium: same bytes for AES-CTR
// and AES-CBC, same error names for the same misuse (the cases shared with the Node run), keys
// wrapped by one side unwrapped by the other; and the 192-bit keys Chromium refuses.
import { describe, expect, it } from "vitest";
import { subtle, type AesCryptoKey } from "../../src/subtle/index.js";
import { describeEachBackend } from "../helpers/backends.js";
import { randomBytes, rng } from "../helpers/random.js";
import { comparable, hex, MISUSE_CASES, type AnySubtle } from "./subtle-cases.js";
import { pair, type Usage } from "./key-pair.js";

const web = globalThis.crypto.subtle;

describeEachBackend("subtle vs the page's crypto.subtle", () => {
  it.each([1, 3, 8, 16, 32, 64, 96, 128])("AES-CTR length %i", async (length) => {
    const next = rng(length);
    for (const n of [16, 32]) {
      const k = await pair(randomBytes(next, n), "AES-CTR", ["encrypt", "decrypt"]);
      const max = length < 10 ? 16 * 2 ** length : 1000;
      for (const size of [0, 1, 15, 16, 33, max].filter((x) => x <= max)) {
        const algo = { name: "AES-CTR", counter: new Uint8Array(16).fill(0xff), length };
        const data = randomBytes(next, size);
        const expected = new Uint8Array(await web.encrypt(algo, k.web, data as BufferSource));
        expect(hex(new Uint8Array(await subtle.encrypt(algo, k.ours, data)))).toBe(hex(expected));
        expect(hex(new Uint8Array(await subtle.decrypt(algo, k.ours, expected)))).toBe(hex(data));
      }
    }
  });

  it("AES-CBC for 0..40 bytes, and a tampered ciphertext is OperationError on both", async () => {
    const next = rng(2);
    const k = await pair(randomBytes(next, 32), "AES-CBC", ["encrypt", "decrypt"]);
    for (let size = 0; size <= 40; size++) {
      const algo = { name: "AES-CBC", iv: randomBytes(next, 16) };
      const data = randomBytes(next, size);
      const expected = new Uint8Array(await web.encrypt(algo, k.web, data as BufferSource));
      expect(hex(new Uint8Array(await subtle.encrypt(algo, k.ours, data)))).toBe(hex(expected));
      expect(hex(new Uint8Array(await subtle.decrypt(algo, k.ours, expected)))).toBe(hex(data));
      expected[expected.length - 1] ^= 1;
      const [a, b] = await Promise.all([comparable(subtle.decrypt(algo, k.ours, expected)), comparable(web.decrypt(algo, k.web, expected as BufferSource))]);
      expect(a).toBe(b);
    }
  });
});

describe("subtle: same outcome as the page's crypto.subtle for the same misuse", () => {
  it.each(MISUSE_CASES)("%s", async (_, call, known) => {
    const [ours, theirs] = await Promise.all([comparable(call(subtle)), comparable(call(web as AnySubtle))]);
    // a known difference: Chromium answers otherwise, the facade follows the spec
    expect(theirs).toBe(known?.chromium ?? ours);
    if (known) expect(ours).toBe(known.ours);
  });
});

describe("subtle keys in the page", () => {
  it("reports usages in the order Chromium does, and exports the same JWK", async () => {
    const usages: Usage[] = ["unwrapKey", "decrypt", "encrypt"];
    const k = await pair(new Uint8Array(16).fill(3), "AES-CBC", usages);
    expect(k.ours.usages).toEqual(k.web.usages);
    expect(k.ours.algorithm).toEqual(k.web.algorithm);
    expect(await subtle.exportKey("jwk", k.ours)).toEqual(await web.exportKey("jwk", k.web));
  });

  it("wrapKey/unwrapKey interoperate both ways (raw and jwk, CBC and CTR wrapping)", async () => {
    const next = rng(3);
    const inner = randomBytes(next, 32);
    for (const params of [{ name: "AES-CBC", iv: randomBytes(next, 16) }, { name: "AES-CTR", counter: randomBytes(next, 16), length: 64 }]) {
      const w = await pair(randomBytes(next, 16), params.name, ["wrapKey", "unwrapKey"]);
      const i = await pair(inner, "AES-CBC", ["encrypt"]);
      for (const format of ["raw", "jwk"] as const) {
        const fromOurs = await web.unwrapKey(format, await subtle.wrapKey(format, i.ours, w.ours, params), w.web, params, "AES-CBC", true, ["encrypt"]);
        expect(hex(new Uint8Array(await web.exportKey("raw", fromOurs)))).toBe(hex(inner));
        const fromWeb = await subtle.unwrapKey(format, await web.wrapKey(format, i.web, w.web, params), w.ours, params, "AES-CBC", true, ["encrypt"]);
        expect(hex(new Uint8Array(await subtle.exportKey("raw", fromWeb)))).toBe(hex(inner));
      }
    }
  });

  it("takes the 192-bit keys Chromium refuses, and agrees with 128-bit WebCrypto where the key sizes meet", async () => {
    const key: AesCryptoKey = await subtle.generateKey({ name: "AES-CTR", length: 192 }, true, ["encrypt", "decrypt"]);
    expect(key.algorithm).toEqual({ name: "AES-CTR", length: 192 });
    const algo = { name: "AES-CTR", counter: new Uint8Array(16), length: 128 };
    const data = randomBytes(rng(4), 100);
    const ct = new Uint8Array(await subtle.encrypt(algo, key, data));
    expect(hex(ct)).not.toBe(hex(data));
    expect(hex(new Uint8Array(await subtle.decrypt(algo, key, ct)))).toBe(hex(data));
    expect((await web.generateKey({ name: "AES-CTR", length: 192 }, true, ["encrypt"]).catch((e) => e)).name).toBe("OperationError");
  });
});
