// The facade's AES-GCM and AES-KW against Node: byte-for-byte with Node's crypto.subtle (every
// tag length, IVs of 12/16/60 bytes, AAD 0..300 bytes, data 0..5000 bytes, 128/192/256-bit
// keys), with node:crypto's createCipheriv for IVs under 12 bytes (Node 20's crypto.subtle
// refuses those although the spec and Chromium allow them), the same OperationError for every
// tampered input, and keys wrapped by one side unwrapped by the other.
import { createCipheriv, createDecipheriv, webcrypto } from "node:crypto";
import { describe, expect, it } from "vitest";
import { subtle, type AesCryptoKey } from "../src/subtle/index.js";
import { describeEachBackend } from "./helpers/backends.js";
import { concat, expectBytes } from "./helpers/bytes.js";
import { randomBytes, rng } from "./helpers/random.js";
import { comparable } from "./browser/subtle-cases.js";

const node = webcrypto.subtle;
type Usage = "encrypt" | "decrypt" | "wrapKey" | "unwrapKey";
const TAG_BITS = [32, 64, 96, 104, 112, 120, 128];

async function keys(raw: Uint8Array, name: string, usages: Usage[]) {
  return {
    ours: await subtle.importKey("raw", raw, name, true, usages),
    node: await node.importKey("raw", raw, name, true, usages),
  };
}

/** AES-GCM through node:crypto (OpenSSL): ciphertext || tag, for any IV length. */
function nodeGcm(key: Uint8Array, iv: Uint8Array, aad: Uint8Array, data: Uint8Array, tagBytes: number): Uint8Array {
  const c = createCipheriv(`aes-${key.length * 8}-gcm` as "aes-128-gcm", key, iv, { authTagLength: tagBytes });
  c.setAAD(aad);
  return concat([c.update(data), c.final(), c.getAuthTag()]);
}

/** Flips one bit at `at` (negative: from the end). */
function flipped(b: Uint8Array, at: number): Uint8Array {
  const out = new Uint8Array(b);
  out[at < 0 ? out.length + at : at] ^= 0x10;
  return out;
}

describeEachBackend("subtle AES-GCM vs node crypto.subtle", (backend) => {
  // the bitwise reference GHASH is slow: fewer, smaller messages there
  const maxData = backend === "js" ? 600 : 5000;

  it.each(TAG_BITS)("tagLength %i: 128/192/256-bit keys, IVs of 12/16/60 bytes, AAD 0..300, data 0..5000", async (tagLength) => {
    const next = rng(tagLength);
    for (const keyBytes of [16, 24, 32]) {
      const k = await keys(randomBytes(next, keyBytes), "AES-GCM", ["encrypt", "decrypt"]);
      for (const ivBytes of [12, 16, 60]) {
        for (const [aadBytes, dataBytes] of [[0, 0], [0, 1], [300, 16], [Math.floor(next() * 301), Math.floor(next() * maxData)], [17, maxData]]) {
          const algo = { name: "AES-GCM", iv: randomBytes(next, ivBytes), additionalData: randomBytes(next, aadBytes), tagLength };
          const data = randomBytes(next, dataBytes);
          const what = `key ${keyBytes} iv ${ivBytes} aad ${aadBytes} data ${dataBytes}`;
          const expected = new Uint8Array(await node.encrypt(algo, k.node, data));
          expect(expected.length).toBe(dataBytes + tagLength / 8);
          expectBytes(new Uint8Array(await subtle.encrypt(algo, k.ours, data)), expected, `encrypt ${what}`);
          expectBytes(new Uint8Array(await subtle.decrypt(algo, k.ours, expected)), data, `decrypt ${what}`);
        }
      }
    }
  });

  it("tagLength left out is 128 bits, additionalData left out is empty", async () => {
    const k = await keys(new Uint8Array(16).fill(5), "AES-GCM", ["encrypt"]);
    const iv = new Uint8Array(12).fill(6);
    const data = new Uint8Array(40).fill(7);
    const expected = new Uint8Array(await node.encrypt({ name: "AES-GCM", iv, additionalData: new Uint8Array(0), tagLength: 128 }, k.node, data));
    expectBytes(new Uint8Array(await subtle.encrypt({ name: "AES-GCM", iv }, k.ours, data)), expected);
  });

  it("IVs of 1, 8 and 11 bytes (allowed by the spec) match node:crypto's createCipheriv", async () => {
    const next = rng(99);
    for (const keyBytes of [16, 24, 32]) {
      const raw = randomBytes(next, keyBytes);
      const key = await subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt", "decrypt"]);
      for (const ivBytes of [1, 8, 11]) {
        for (const tagLength of [32, 96, 128]) {
          const iv = randomBytes(next, ivBytes);
          const aad = randomBytes(next, 20);
          const data = randomBytes(next, 100);
          const expected = nodeGcm(raw, iv, aad, data, tagLength / 8);
          const algo = { name: "AES-GCM", iv, additionalData: aad, tagLength };
          expectBytes(new Uint8Array(await subtle.encrypt(algo, key, data)), expected, `iv ${ivBytes} tag ${tagLength}`);
          expectBytes(new Uint8Array(await subtle.decrypt(algo, key, expected)), data);
        }
      }
    }
  });

  it("a flipped bit in ciphertext, tag, AAD or IV, or a cut tag, is OperationError on both sides", async () => {
    const next = rng(7);
    const k = await keys(randomBytes(next, 32), "AES-GCM", ["encrypt", "decrypt"]);
    for (const tagLength of [32, 128]) {
      const algo = { name: "AES-GCM", iv: randomBytes(next, 12), additionalData: randomBytes(next, 30), tagLength };
      const ct = new Uint8Array(await node.encrypt(algo, k.node, randomBytes(next, 50)));
      const bad: [string, object, Uint8Array][] = [
        ["ciphertext byte 0", algo, flipped(ct, 0)],
        ["last ciphertext byte", algo, flipped(ct, 49)],
        ["tag", algo, flipped(ct, -1)],
        ["aad", { ...algo, additionalData: flipped(algo.additionalData, 3) }, ct],
        ["no aad", { ...algo, additionalData: undefined }, ct],
        ["iv", { ...algo, iv: flipped(algo.iv, 11) }, ct],
        ["a byte cut", algo, ct.subarray(0, ct.length - 1)],
        ["tag only", algo, ct.subarray(50)],
      ];
      for (const [what, a, data] of bad) {
        const [ours, theirs] = await Promise.all([comparable(subtle.decrypt(a as never, k.ours, data)), comparable(node.decrypt(a as never, k.node, data))]);
        expect(theirs, what).toBe("rejects OperationError");
        expect(ours, what).toBe("rejects OperationError");
      }
    }
  });

  it("wrapKey/unwrapKey with AES-GCM, raw and jwk, interoperate with node both ways", async () => {
    const next = rng(8);
    const params = { name: "AES-GCM", iv: randomBytes(next, 12), additionalData: randomBytes(next, 9), tagLength: 112 };
    const w = await keys(randomBytes(next, 16), "AES-GCM", ["wrapKey", "unwrapKey"]);
    const inner = randomBytes(next, 32);
    const i = await keys(inner, "AES-CTR", ["encrypt"]);
    expectBytes(new Uint8Array(await subtle.wrapKey("raw", i.ours, w.ours, params)), new Uint8Array(await node.wrapKey("raw", i.node, w.node, params)));
    for (const format of ["raw", "jwk"] as const) {
      const k1 = await node.unwrapKey(format, await subtle.wrapKey(format, i.ours, w.ours, params), w.node, params, "AES-CTR", true, ["encrypt"]);
      expectBytes(new Uint8Array(await node.exportKey("raw", k1)), inner, `${format} ours→node`);
      const k2 = await subtle.unwrapKey(format, await node.wrapKey(format, i.node, w.node, params), w.ours, params, "AES-CTR", true, ["encrypt"]);
      expectBytes(new Uint8Array(await subtle.exportKey("raw", k2)), inner, `${format} node→ours`);
    }
  });
});

describeEachBackend("subtle AES-KW vs node crypto.subtle", () => {
  it("wrapKey of raw 128/192/256-bit keys under 128/192/256-bit KEKs: node's bytes; each side unwraps the other's", async () => {
    const next = rng(20);
    for (const kekBytes of [16, 24, 32]) {
      const kek = await keys(randomBytes(next, kekBytes), "AES-KW", ["wrapKey", "unwrapKey"]);
      for (const innerBytes of [16, 24, 32]) {
        const inner = randomBytes(next, innerBytes);
        const i = await keys(inner, "AES-GCM", ["encrypt", "decrypt"]);
        const expected = new Uint8Array(await node.wrapKey("raw", i.node, kek.node, "AES-KW"));
        expect(expected.length).toBe(innerBytes + 8);
        expectBytes(new Uint8Array(await subtle.wrapKey("raw", i.ours, kek.ours, "AES-KW")), expected, `kek ${kekBytes} key ${innerBytes}`);
        const back = await subtle.unwrapKey("raw", expected, kek.ours, "AES-KW", "AES-GCM", true, ["decrypt"]);
        expect(back.algorithm).toEqual({ name: "AES-GCM", length: innerBytes * 8 });
        expect(back.usages).toEqual(["decrypt"]);
        expectBytes(new Uint8Array(await subtle.exportKey("raw", back)), inner);
      }
    }
  });

  it("wrapKey('jwk') pads the JSON with spaces to a multiple of 8, as node does; each side unwraps the other's", async () => {
    const next = rng(21);
    const kekRaw = randomBytes(next, 32);
    const kek = await keys(kekRaw, "AES-KW", ["wrapKey", "unwrapKey"]);
    const lengths = new Set<number>();
    // usage lists of different lengths give JSON of different lengths modulo 8
    for (const usages of [["encrypt"], ["encrypt", "decrypt"], ["wrapKey"], ["decrypt", "unwrapKey"], ["encrypt", "decrypt", "wrapKey", "unwrapKey"]] as Usage[][]) {
      for (const innerBytes of [16, 24, 32]) {
        const inner = randomBytes(next, innerBytes);
        const i = await keys(inner, "AES-CBC", usages);
        const json = JSON.stringify(await subtle.exportKey("jwk", i.ours));
        lengths.add(json.length % 8);
        const ourWrap = new Uint8Array(await subtle.wrapKey("jwk", i.ours, kek.ours, "AES-KW"));
        const nodeWrap = new Uint8Array(await node.wrapKey("jwk", i.node, kek.node, "AES-KW"));
        expect(ourWrap.length).toBe(Math.ceil(json.length / 8) * 8 + 8);
        expect(ourWrap.length).toBe(nodeWrap.length);
        // inside: our JSON, then spaces (RFC 3394 unwrap by node:crypto, default IV A6…A6)
        const d = createDecipheriv("id-aes256-wrap", kekRaw, Buffer.alloc(8, 0xa6));
        const plain = concat([d.update(ourWrap), d.final()]);
        expect(new TextDecoder().decode(plain)).toBe(json.padEnd(ourWrap.length - 8, " "));
        const k1 = await node.unwrapKey("jwk", ourWrap, kek.node, "AES-KW", "AES-CBC", true, usages);
        expectBytes(new Uint8Array(await node.exportKey("raw", k1)), inner, "ours→node");
        const k2 = await subtle.unwrapKey("jwk", nodeWrap, kek.ours, "AES-KW", "AES-CBC", true, usages);
        expectBytes(new Uint8Array(await subtle.exportKey("raw", k2)), inner, "node→ours");
      }
    }
    expect(lengths.size).toBeGreaterThan(1); // some were not multiples of 8 already
  });

  it("a flipped bit anywhere in the wrapped key, or a wrong KEK, is OperationError on both sides", async () => {
    const next = rng(22);
    const kek = await keys(randomBytes(next, 16), "AES-KW", ["wrapKey", "unwrapKey"]);
    const other = await keys(randomBytes(next, 16), "AES-KW", ["unwrapKey"]);
    const i = await keys(randomBytes(next, 24), "AES-CTR", ["encrypt"]);
    const wrapped = new Uint8Array(await node.wrapKey("raw", i.node, kek.node, "AES-KW"));
    const cases: [string, Uint8Array, { ours: AesCryptoKey; node: CryptoKey }][] = [
      ...[0, 7, 8, 31].map((at): [string, Uint8Array, typeof kek] => [`bit at byte ${at}`, flipped(wrapped, at), kek]),
      ["other KEK", wrapped, other],
    ];
    for (const [what, data, k] of cases) {
      const [ours, theirs] = await Promise.all([
        comparable(subtle.unwrapKey("raw", data, k.ours, "AES-KW", "AES-CTR", true, ["encrypt"])),
        comparable(node.unwrapKey("raw", data, k.node, "AES-KW", "AES-CTR", true, ["encrypt"])),
      ]);
      expect(theirs, what).toBe("rejects OperationError");
      expect(ours, what).toBe("rejects OperationError");
    }
  });
});

describe("subtle AES-GCM and AES-KW keys: import, export, generate", () => {
  it("raw and jwk exports equal node's (alg A*GCM, A*KW); node's JWKs import", async () => {
    for (const [name, usages] of [["AES-GCM", ["encrypt", "decrypt", "wrapKey"]], ["AES-KW", ["unwrapKey", "wrapKey"]]] as [string, Usage[]][]) {
      for (const n of [16, 24, 32]) {
        const raw = randomBytes(rng(n), n);
        const k = await keys(raw, name, usages);
        expect(k.ours.algorithm).toEqual(k.node.algorithm);
        expect([...k.ours.usages].sort()).toEqual([...k.node.usages].sort());
        const ours = await subtle.exportKey("jwk", k.ours);
        const theirs = await node.exportKey("jwk", k.node);
        expect({ ...ours, key_ops: [...ours.key_ops!].sort() }).toEqual({ ...theirs, key_ops: [...theirs.key_ops!].sort() });
        const back = await subtle.importKey("jwk", theirs, name.toLowerCase(), true, usages);
        expectBytes(new Uint8Array(await subtle.exportKey("raw", back)), raw);
      }
    }
  });

  it("generateKey makes 128/192/256-bit GCM and KW keys that node agrees with", async () => {
    for (const length of [128, 192, 256]) {
      const g = await subtle.generateKey({ name: "AES-GCM", length }, true, ["encrypt"]);
      const kw = await subtle.generateKey({ name: "AES-KW", length }, true, ["wrapKey"]);
      expect(g.algorithm).toEqual({ name: "AES-GCM", length });
      expect(kw.algorithm).toEqual({ name: "AES-KW", length });
      const gRaw = new Uint8Array(await subtle.exportKey("raw", g));
      const kwRaw = new Uint8Array(await subtle.exportKey("raw", kw));
      expect([gRaw.length, kwRaw.length]).toEqual([length / 8, length / 8]);
      const algo = { name: "AES-GCM", iv: new Uint8Array(12) };
      const gNode = await node.importKey("raw", gRaw, "AES-GCM", false, ["encrypt"]);
      expectBytes(new Uint8Array(await subtle.encrypt(algo, g, gRaw)), new Uint8Array(await node.encrypt(algo, gNode, gRaw)));
      const kwNode = await node.importKey("raw", kwRaw, "AES-KW", false, ["wrapKey"]);
      expectBytes(new Uint8Array(await subtle.wrapKey("raw", g, kw, "AES-KW")), new Uint8Array(await node.wrapKey("raw", await node.importKey("raw", gRaw, "AES-GCM", true, ["encrypt"]), kwNode, "AES-KW")));
    }
  });
});
