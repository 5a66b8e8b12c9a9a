// The facade's AES-GCM and AES-KW against the page's crypto.subtle in Chromium: same bytes for
// every tag length, IVs of 1..60 bytes and AAD; the same OperationError for tampered input;
// keys wrapped by one side unwrapped by the other (AES-KW raw and jwk). Chromium has no
// 192-bit AES: those keys are only checked to work in the facade.
import { describe, expect, it } from "vitest";
import { subtle } from "../../src/subtle/index.js";
import { describeEachBackend } from "../helpers/backends.js";
import { randomBytes, rng } from "../helpers/random.js";
import { comparable, hex } from "./subtle-cases.js";
import { pair, type Usage } from "./key-pair.js";

const web = globalThis.crypto.subtle;

describeEachBackend("subtle AES-GCM vs the page's crypto.subtle", (backend) => {
  const maxData = backend === "js" ? 300 : 3000;

  it.each([32, 64, 96, 104, 112, 120, 128])("tagLength %i: IVs of 1/12/16/60 bytes, AAD 0..300, 128/256-bit keys", async (tagLength) => {
    const next = rng(tagLength + 1);
    for (const keyBytes of [16, 32]) {
      const k = await pair(randomBytes(next, keyBytes), "AES-GCM", ["encrypt", "decrypt"]);
      for (const ivBytes of [1, 12, 16, 60]) {
        for (const [aadBytes, dataBytes] of [[0, 0], [300, 1], [Math.floor(next() * 301), Math.floor(next() * maxData)]]) {
          const algo = { name: "AES-GCM", iv: randomBytes(next, ivBytes), additionalData: randomBytes(next, aadBytes), tagLength };
          const data = randomBytes(next, dataBytes);
          const what = `key ${keyBytes} iv ${ivBytes} aad ${aadBytes} data ${dataBytes}`;
          const expected = new Uint8Array(await web.encrypt(algo, k.web, data as BufferSource));
          expect(hex(new Uint8Array(await subtle.encrypt(algo, k.ours, data))), what).toBe(hex(expected));
          expect(hex(new Uint8Array(await subtle.decrypt(algo, k.ours, expected))), what).toBe(hex(data));
        }
      }
    }
  });

  it("a flipped bit in ciphertext, tag, AAD or IV, or a cut tag, is OperationError on both", async () => {
    const next = rng(9);
    const k = await pair(randomBytes(next, 16), "AES-GCM", ["encrypt", "decrypt"]);
    const algo = { name: "AES-GCM", iv: randomBytes(next, 12), additionalData: randomBytes(next, 20), tagLength: 96 };
    const ct = new Uint8Array(await web.encrypt(algo, k.web, randomBytes(next, 33) as BufferSource));
    const flip = (b: Uint8Array, at: number) => {
      const out = new Uint8Array(b);
      out[at] ^= 1;
      return out;
    };
    const bad: [string, typeof algo, Uint8Array][] = [
      ["ciphertext", algo, flip(ct, 5)],
      ["tag", algo, flip(ct, ct.length - 1)],
      ["aad", { ...algo, additionalData: flip(algo.additionalData, 0) }, ct],
      ["iv", { ...algo, iv: flip(algo.iv, 0) }, ct],
      ["cut", algo, ct.subarray(0, ct.length - 1)],
      ["shorter than the tag", algo, ct.subarray(0, 11)],
    ];
    for (const [what, a, data] of bad) {
      const [ours, theirs] = await Promise.all([comparable(subtle.decrypt(a, k.ours, data)), comparable(web.decrypt(a, k.web, data as BufferSource))]);
      expect(theirs, what).toBe("rejects OperationError");
      expect(ours, what).toBe("rejects OperationError");
    }
  });

  it("wrapKey/unwrapKey with AES-GCM interoperate both ways (raw and jwk)", async () => {
    const next = rng(10);
    const params = { name: "AES-GCM", iv: randomBytes(next, 16), additionalData: randomBytes(next, 5), tagLength: 120 };
    const w = await pair(randomBytes(next, 32), "AES-GCM", ["wrapKey", "unwrapKey"]);
    const inner = randomBytes(next, 16);
    const i = await pair(inner, "AES-CTR", ["encrypt"]);
    for (const format of ["raw", "jwk"] as const) {
      const fromOurs = await web.unwrapKey(format, await subtle.wrapKey(format, i.ours, w.ours, params), w.web, params, "AES-CTR", true, ["encrypt"]);
      expect(hex(new Uint8Array(await web.exportKey("raw", fromOurs)))).toBe(hex(inner));
      const fromWeb = await subtle.unwrapKey(format, await web.wrapKey(format, i.web, w.web, params), w.ours, params, "AES-CTR", true, ["encrypt"]);
      expect(hex(new Uint8Array(await subtle.exportKey("raw", fromWeb)))).toBe(hex(inner));
    }
  });
});

describeEachBackend("subtle AES-KW vs the page's crypto.subtle", () => {
  it("wrapKey of raw 128/256-bit keys under 128/256-bit KEKs: Chromium's bytes; each side unwraps the other's", async () => {
    const next = rng(11);
    for (const kekBytes of [16, 32]) {
      const kek = await pair(randomBytes(next, kekBytes), "AES-KW", ["wrapKey", "unwrapKey"]);
      for (const innerBytes of [16, 32]) {
        const inner = randomBytes(next, innerBytes);
        const i = await pair(inner, "AES-GCM", ["encrypt"]);
        const expected = new Uint8Array(await web.wrapKey("raw", i.web, kek.web, "AES-KW"));
        expect(hex(new Uint8Array(await subtle.wrapKey("raw", i.ours, kek.ours, "AES-KW")))).toBe(hex(expected));
        const back = await subtle.unwrapKey("raw", expected, kek.ours, "AES-KW", "AES-GCM", true, ["encrypt"]);
        expect(hex(new Uint8Array(await subtle.exportKey("raw", back)))).toBe(hex(inner));
      }
    }
  });

  it("a JWK the facade pads to a multiple of 8 (Chromium would refuse to wrap it) unwraps in Chromium", async () => {
    const next = rng(12);
    const kek = await pair(randomBytes(next, 16), "AES-KW", ["wrapKey", "unwrapKey"]);
    const inner = randomBytes(next, 16);
    const i = await pair(inner, "AES-CBC", ["encrypt"]); // its JWK is 91 bytes of JSON
    expect((await web.wrapKey("jwk", i.web, kek.web, "AES-KW").catch((e) => e)).name).toBe("DataError");
    const wrapped = await subtle.wrapKey("jwk", i.ours, kek.ours, "AES-KW");
    expect(wrapped.byteLength).toBe(96 + 8);
    const k = await web.unwrapKey("jwk", wrapped, kek.web, "AES-KW", "AES-CBC", true, ["encrypt"]);
    expect(hex(new Uint8Array(await web.exportKey("raw", k)))).toBe(hex(inner));
  });

  it("a flipped bit in a wrapped key is OperationError on both", async () => {
    const kek = await pair(new Uint8Array(32).fill(4), "AES-KW", ["wrapKey", "unwrapKey"]);
    const i = await pair(new Uint8Array(32).fill(5), "AES-CBC", ["encrypt"]);
    const wrapped = new Uint8Array(await web.wrapKey("raw", i.web, kek.web, "AES-KW"));
    for (const at of [0, 8, 39]) {
      const bad = new Uint8Array(wrapped);
      bad[at] ^= 0x80;
      const [ours, theirs] = await Promise.all([
        comparable(subtle.unwrapKey("raw", bad, kek.ours, "AES-KW", "AES-CBC", true, ["encrypt"])),
        comparable(web.unwrapKey("raw", bad as BufferSource, kek.web, "AES-KW", "AES-CBC", true, ["encrypt"])),
      ]);
      expect(theirs, `byte ${at}`).toBe("rejects OperationError");
      expect(ours, `byte ${at}`).toBe("rejects OperationError");
    }
  });
});

describe("subtle AES-GCM and AES-KW keys in the page", () => {
  it("JWK exports equal Chromium's (A128GCM, A256KW), usages in Chromium's order", async () => {
    for (const [name, raw, usages] of [
      ["AES-GCM", new Uint8Array(16).fill(1), ["decrypt", "unwrapKey", "encrypt"]],
      ["AES-KW", new Uint8Array(32).fill(2), ["unwrapKey", "wrapKey"]],
    ] as [string, Uint8Array, Usage[]][]) {
      const k = await pair(raw, name, usages);
      expect(k.ours.usages).toEqual(k.web.usages);
      expect(k.ours.algorithm).toEqual(k.web.algorithm);
      expect(await subtle.exportKey("jwk", k.ours)).toEqual(await web.exportKey("jwk", k.web));
    }
  });

  it("takes the 192-bit GCM and KW keys Chromium refuses", async () => {
    const g = await subtle.generateKey({ name: "AES-GCM", length: 192 }, true, ["encrypt", "decrypt"]);
    const kw = await subtle.generateKey({ name: "AES-KW", length: 192 }, true, ["wrapKey", "unwrapKey"]);
    expect([g.algorithm, kw.algorithm]).toEqual([{ name: "AES-GCM", length: 192 }, { name: "AES-KW", length: 192 }]);
    const algo = { name: "AES-GCM", iv: new Uint8Array(12), tagLength: 64 };
    const data = randomBytes(rng(13), 50);
    const ct = new Uint8Array(await subtle.encrypt(algo, g, data));
    expect(ct.length).toBe(58);
    expect(hex(new Uint8Array(await subtle.decrypt(algo, g, ct)))).toBe(hex(data));
    const wrapped = await subtle.wrapKey("raw", g, kw, "AES-KW");
    expect(wrapped.byteLength).toBe(32);
    const back = await subtle.unwrapKey("raw", wrapped, kw, "AES-KW", "AES-GCM", true, ["decrypt"]);
    expect(hex(new Uint8Array(await subtle.exportKey("raw", back)))).toBe(hex(new Uint8Array(await subtle.exportKey("raw", g))));
    for (const name of ["AES-GCM", "AES-KW"]) {
      const usages: Usage[] = name === "AES-GCM" ? ["encrypt"] : ["wrapKey"];
      // Chromium: "192-bit AES keys are not supported", on import as on generation
      expect((await web.importKey("raw", new Uint8Array(24), name, true, usages).catch((e) => e)).name).toBe("OperationError");
      expect((await web.generateKey({ name, length: 192 }, true, usages).catch((e) => e)).name).toBe("OperationError");
    }
  });
});
