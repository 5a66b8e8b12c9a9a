// The WebCrypto-shaped facade against Node's own crypto.subtle: same bytes for AES-CTR (every
// `length`, counters at their wrap points) and AES-CBC, and the same error names for the same
// misuse. Keys for each side are imported by that side from the same bytes.
import { webcrypto } from "node:crypto";
import { describe, expect, it } from "vitest";
import { AesError } from "../src/index.js";
// (the package root re-exports these; imported from their module until that line lands)
import { subtle, OperationError, InvalidAccessError, type AesCryptoKey } from "../src/subtle/index.js";
import { describeEachBackend } from "./helpers/backends.js";
import { expectBytes } from "./helpers/bytes.js";
import { randomBytes, rng } from "./helpers/random.js";
import { comparable, MISUSE_CASES, outcome, type AnySubtle } from "./browser/subtle-cases.js";

const node = webcrypto.subtle;
type Usage = "encrypt" | "decrypt" | "wrapKey" | "unwrapKey";
const ALL: Usage[] = ["encrypt", "decrypt", "wrapKey", "unwrapKey"];

const SIDES: [string, AnySubtle][] = [["ours", subtle], ["node", node]];

async function keys(raw: Uint8Array, name: string, usages: Usage[] = ALL) {
  return {
    ours: await subtle.importKey("raw", raw, name, true, usages),
    node: await node.importKey("raw", raw, name, true, usages),
  };
}

/** Runs the same call on both sides and expects the same bytes or the same error name. */
async function same(call: (s: AnySubtle) => Promise<unknown>): Promise<string | Uint8Array> {
  const [a, b] = await Promise.all(SIDES.map(([, s]) => outcome(call(s))));
  if (a instanceof Uint8Array && b instanceof Uint8Array) expectBytes(a, b, "result");
  else expect(a).toEqual(b);
  return a;
}

describeEachBackend("subtle AES-CTR vs node crypto.subtle", () => {
  const LENGTHS = [1, 2, 3, 7, 8, 9, 16, 31, 32, 33, 48, 52, 53, 63, 64, 65, 96, 120, 127, 128];

  it.each(LENGTHS)("length %i: random and wrap-point counters, several data sizes, 128/192/256-bit keys", async (length) => {
    const next = rng(1000 + length);
    for (const keyBytes of [16, 24, 32]) {
      const k = await keys(randomBytes(next, keyBytes), "AES-CTR");
      const random = randomBytes(next, 16);
      // the low `length` bits all ones: the very next block wraps them to zero
      const atWrap = new Uint8Array(random);
      for (let b = 0; b < length; b++) atWrap[15 - (b >> 3)] |= 1 << (b & 7);
      for (const counter of [random, atWrap, new Uint8Array(16).fill(0xff), new Uint8Array(16)]) {
        const maxBytes = length < 12 ? 16 * 2 ** length : 16 * 300;
        for (const n of new Set([0, 1, 15, 16, 17, Math.floor(next() * maxBytes), maxBytes])) {
          const data = randomBytes(next, n);
          const algo = { name: "AES-CTR", counter, length };
          const ct = new Uint8Array(await subtle.encrypt(algo, k.ours, data));
          expectBytes(ct, new Uint8Array(await node.encrypt(algo, k.node, data)), `encrypt n=${n}`);
          expectBytes(new Uint8Array(await subtle.decrypt(algo, k.ours, ct)), data, `decrypt n=${n}`);
        }
      }
    }
  });

  it.each([1, 2, 4, 8])("length %i: 2^length blocks work, one byte more is OperationError on both", async (length) => {
    const k = await keys(new Uint8Array(16).fill(7), "AES-CTR");
    const counter = new Uint8Array(16).fill(0xfe);
    const full = 16 * 2 ** length;
    await same((s) => s.encrypt({ name: "AES-CTR", counter, length }, s === subtle ? k.ours : k.node, new Uint8Array(full)));
    const r = await same((s) => s.decrypt({ name: "AES-CTR", counter, length }, s === subtle ? k.ours : k.node, new Uint8Array(full + 1)));
    expect(r).toBe("rejects OperationError");
  });
});

describeEachBackend("subtle AES-CBC vs node crypto.subtle", () => {
  it("encrypt and decrypt match for 0..70 bytes and 128/192/256-bit keys", async () => {
    const next = rng(77);
    for (const keyBytes of [16, 24, 32]) {
      const k = await keys(randomBytes(next, keyBytes), "AES-CBC");
      for (let n = 0; n <= 70; n++) {
        const algo = { name: "AES-CBC", iv: randomBytes(next, 16) };
        const data = randomBytes(next, n);
        const ct = new Uint8Array(await node.encrypt(algo, k.node, data));
        expectBytes(new Uint8Array(await subtle.encrypt(algo, k.ours, data)), ct, `encrypt n=${n}`);
        expectBytes(new Uint8Array(await subtle.decrypt(algo, k.ours, ct)), data, `decrypt n=${n}`);
      }
    }
  });

  it("a tampered last block, an empty or partial ciphertext are OperationError on both", async () => {
    const next = rng(78);
    const k = await keys(randomBytes(next, 32), "AES-CBC");
    const iv = randomBytes(next, 16);
    const ct = new Uint8Array(await node.encrypt({ name: "AES-CBC", iv }, k.node, randomBytes(next, 40)));
    const tampered = new Uint8Array(ct);
    tampered[tampered.length - 1] ^= 0x5a;
    for (const bad of [tampered, new Uint8Array(0), ct.subarray(0, 47), new Uint8Array(16)]) {
      const r = await same((s) => s.decrypt({ name: "AES-CBC", iv }, s === subtle ? k.ours : k.node, bad));
      expect(r).toBe("rejects OperationError");
    }
  });
});

describe("subtle: same error names as node crypto.subtle for the same misuse", () => {
  const raw = new Uint8Array(16).fill(1);
  const ctr = { name: "AES-CTR", counter: new Uint8Array(16), length: 64 };
  it.each(MISUSE_CASES)("%s", async (_, call, known) => {
    const [ours, theirs] = await Promise.all([comparable(call(subtle)), comparable(call(node))]);
    // a known difference: Node answers otherwise, the facade follows the spec
    expect(theirs).toBe(known?.node ?? ours);
    if (known) expect(ours).toBe(known.ours);
  });

  it("a non-extractable key cannot be exported or wrapped (InvalidAccessError)", async () => {
    const k = await subtle.importKey("raw", raw, "AES-CTR", false, ["encrypt"]);
    const w = await subtle.importKey("raw", raw, "AES-CBC", true, ["wrapKey"]);
    const e1 = await subtle.exportKey("raw", k).catch((e) => e);
    const e2 = await subtle.wrapKey("raw", k, w, { name: "AES-CBC", iv: raw }).catch((e) => e);
    for (const e of [e1, e2]) {
      expect(e).toBeInstanceOf(InvalidAccessError);
      expect(e).toBeInstanceOf(AesError);
      expect(e.name).toBe("InvalidAccessError");
    }
  });

  it("errors are typed AesErrors with the WebCrypto name, and reject rather than throw", async () => {
    const k = await subtle.importKey("raw", raw, "AES-CTR", true, ["encrypt"]);
    const p = subtle.encrypt({ ...ctr, length: 0 }, k, raw);
    expect(p).toBeInstanceOf(Promise);
    const e = await p.catch((x) => x);
    expect(e).toBeInstanceOf(OperationError);
    expect(e.name).toBe("OperationError");
    expect(e.code).toBe("ERR_AES_SUBTLE_OPERATION");
    // A key of the platform's crypto.subtle is not ours: TypeError, as a wrong type is in WebCrypto.
    const native = await node.importKey("raw", raw, "AES-CTR", true, ["encrypt"]);
    expect((await subtle.encrypt(ctr, native as unknown as AesCryptoKey, raw).catch((x) => x)).name).toBe("TypeError");
  });
});

describe("subtle keys: import, export, generate, wrap", () => {
  it("key objects look like CryptoKeys; raw and jwk exports equal node's", async () => {
    for (const n of [16, 24, 32]) {
      const raw = randomBytes(rng(n), n);
      for (const name of ["AES-CTR", "AES-CBC"]) {
        const usages: Usage[] = ["decrypt", "encrypt", "unwrapKey"];
        const ours = await subtle.importKey("raw", raw, name.toLowerCase(), true, usages);
        const theirs = await node.importKey("raw", raw, name, true, usages);
        expect(ours.type).toBe("secret");
        expect(ours.extractable).toBe(true);
        expect(ours.algorithm).toEqual(theirs.algorithm);
        expect([...ours.usages].sort()).toEqual([...theirs.usages].sort());
        expect(Object.prototype.toString.call(ours)).toBe("[object CryptoKey]");
        expectBytes(new Uint8Array(await subtle.exportKey("raw", ours)), raw);
        const jwk = await subtle.exportKey("jwk", ours);
        const nodeJwk = await node.exportKey("jwk", theirs);
        expect({ ...jwk, key_ops: [...jwk.key_ops!].sort() }).toEqual({ ...nodeJwk, key_ops: [...nodeJwk.key_ops!].sort() });
        // and node's JWK imports into ours
        const back = await subtle.importKey("jwk", nodeJwk, name, true, ["encrypt"]);
        expectBytes(new Uint8Array(await subtle.exportKey("raw", back)), raw);
      }
    }
  });

  it("generateKey makes keys of 128, 192 and 256 bits that node agrees with", async () => {
    for (const length of [128, 192, 256]) {
      const key = await subtle.generateKey({ name: "AES-CBC", length }, true, ["encrypt"]);
      expect(key.algorithm).toEqual({ name: "AES-CBC", length });
      const raw = new Uint8Array(await subtle.exportKey("raw", key));
      expect(raw.length).toBe(length / 8);
      const theirs = await node.importKey("raw", raw, "AES-CBC", false, ["encrypt"]);
      const algo = { name: "AES-CBC", iv: new Uint8Array(16) };
      expectBytes(new Uint8Array(await subtle.encrypt(algo, key, raw)), new Uint8Array(await node.encrypt(algo, theirs, raw)));
    }
  });

  it("wrapKey/unwrapKey with AES-CBC and AES-CTR, raw and jwk, interoperate with node both ways", async () => {
    const next = rng(5);
    const inner = randomBytes(next, 24);
    const wrapRaw = randomBytes(next, 32);
    for (const [name, params] of [
      ["AES-CBC", { name: "AES-CBC", iv: randomBytes(next, 16) }],
      ["AES-CTR", { name: "AES-CTR", counter: randomBytes(next, 16), length: 32 }],
    ] as const) {
      const w = await keys(wrapRaw, name, ["wrapKey", "unwrapKey"]);
      const i = await keys(inner, "AES-CTR", ["encrypt", "decrypt"]);
      const wrappedRaw = new Uint8Array(await subtle.wrapKey("raw", i.ours, w.ours, params));
      expectBytes(wrappedRaw, new Uint8Array(await node.wrapKey("raw", i.node, w.node, params)), `${name} raw wrap`);
      for (const format of ["raw", "jwk"] as const) {
        // ours wraps, node unwraps; node wraps, ours unwraps
        const ourWrap = await subtle.wrapKey(format, i.ours, w.ours, params);
        const k1 = await node.unwrapKey(format, ourWrap, w.node, params, "AES-CTR", true, ["encrypt"]);
        expectBytes(new Uint8Array(await node.exportKey("raw", k1)), inner, `${name} ${format} ours→node`);
        const nodeWrap = await node.wrapKey(format, i.node, w.node, params);
        const k2 = await subtle.unwrapKey(format, nodeWrap, w.ours, params, "AES-CTR", true, ["encrypt"]);
        expect(k2.algorithm).toEqual({ name: "AES-CTR", length: 192 });
        expectBytes(new Uint8Array(await subtle.exportKey("raw", k2)), inner, `${name} ${format} node→ours`);
      }
    }
  });

  it("inputs are copied when the call is made", async () => {
    const key = await subtle.importKey("raw", new Uint8Array(16), "AES-CTR", true, ["encrypt"]);
    const theirs = await node.importKey("raw", new Uint8Array(16), "AES-CTR", true, ["encrypt"]);
    const counter = new Uint8Array(16);
    const data = new Uint8Array(32).fill(9);
    const p = subtle.encrypt({ name: "AES-CTR", counter, length: 128 }, key, data);
    counter.fill(1);
    data.fill(0);
    const expected = await node.encrypt({ name: "AES-CTR", counter: new Uint8Array(16), length: 128 }, theirs, new Uint8Array(32).fill(9));
    expectBytes(new Uint8Array(await p), new Uint8Array(expected));
  });
});
