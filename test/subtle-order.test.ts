// The two WPT ordering rules of WebCrypto, for the `subtle` facade, side by side with Node's
// own crypto.subtle in every case:
// 1. The algorithm is normalized BEFORE the data is copied (w3c/webcrypto#426): a getter of
//    the algorithm dictionary (its `name` or a parameter) that alters the data is seen, and
//    one that transfers (detaches) the data's buffer leaves an empty copy. Data changed after
//    the call has returned is not seen.
// 2. A failure of the steps the spec runs "in parallel" (usages, key checks, the operation)
//    rejects a promise that was still pending when it was returned — after a microtask, never
//    synchronously; a failure of argument conversion or algorithm normalization rejects the
//    returned promise at once, as the spec says ("return a promise rejected with ...") and
//    Node does. No method ever throws.
import { webcrypto } from "node:crypto";
import { describe, expect, it } from "vitest";
import { subtle } from "../src/subtle/index.js";
import { comparable, type AnySubtle } from "./browser/subtle-cases.js";
import { describeEachBackend } from "./helpers/backends.js";

const node = webcrypto.subtle as AnySubtle;
const SIDES: [string, AnySubtle][] = [["ours", subtle], ["node", node]];
const raw = new Uint8Array(16).fill(1);
const iv16 = new Uint8Array(16).fill(2);
const iv12 = new Uint8Array(12).fill(3);

/** Detaches `view`'s buffer (what postMessage with a transfer list does); once. */
function transfer(view: Uint8Array): void {
  if (view.byteLength > 0) structuredClone(view.buffer, { transfer: [view.buffer as ArrayBuffer] });
}

/**
 * A copy of the plain `dict` whose `member` getter runs `effect` and then returns the value.
 * Effects are idempotent: WebIDL reads `name` twice (to find the algorithm, then as the first
 * member of its parameter dictionary).
 */
function withGetter(dict: Record<string, unknown>, member: string, effect: () => void): Record<string, unknown> {
  const out: Record<string, unknown> = { ...dict };
  const value = dict[member];
  delete out[member];
  Object.defineProperty(out, member, { get: () => (effect(), value), enumerable: true, configurable: true });
  return out;
}

const key = (s: AnySubtle, name: string, usages: string[]) => s.importKey("raw", raw, name, true, usages);

const ALGORITHMS: Record<string, Record<string, unknown>> = {
  "AES-CTR": { name: "AES-CTR", counter: iv16, length: 64 },
  "AES-CBC": { name: "AES-CBC", iv: iv16 },
  "AES-GCM": { name: "AES-GCM", iv: iv12, additionalData: new Uint8Array(5).fill(4), tagLength: 128 },
};
/** Each algorithm's parameter members (a getter on each must run before the data is copied). */
const MEMBERS: Record<string, string[]> = { "AES-CTR": ["name", "counter", "length"], "AES-CBC": ["name", "iv"], "AES-GCM": ["name", "additionalData", "iv", "tagLength"] };

describeEachBackend("subtle: the algorithm is normalized before the data is copied, as in node", () => {
  for (const [name, algorithm] of Object.entries(ALGORITHMS)) {
    for (const member of MEMBERS[name]) {
      it(`${name} encrypt: a getter on ${member} that alters the data is seen`, async () => {
        const results: string[] = [];
        for (const [, s] of SIDES) {
          const data = new Uint8Array(40).fill(7);
          const k = await key(s, name, ["encrypt"]);
          const altered = await comparable(s.encrypt(withGetter(algorithm, member, () => data.fill(9, 0, 20)), k, data));
          const expected = await comparable(s.encrypt(algorithm, k, new Uint8Array(40).fill(9, 0, 20).fill(7, 20)));
          expect(altered).toBe(expected);
          results.push(altered);
        }
        expect(results[0]).toBe(results[1]);
      });

      it(`${name} encrypt and decrypt: a getter on ${member} that transfers the data leaves an empty copy`, async () => {
        const results: string[] = [];
        for (const [side, s] of SIDES) {
          const k = await key(s, name, ["encrypt", "decrypt"]);
          const data = new Uint8Array(40).fill(7);
          const encrypted = await comparable(s.encrypt(withGetter(algorithm, member, () => transfer(data)), k, data));
          expect(data.byteLength).toBe(0);
          expect(encrypted).toBe(await comparable(s.encrypt(algorithm, k, new Uint8Array(0))));
          const ct = new Uint8Array(await s.encrypt(algorithm, k, new Uint8Array(3)));
          const decrypted = await comparable(s.decrypt(withGetter(algorithm, member, () => transfer(ct)), k, ct));
          // Known difference: Node 20's AES-GCM decrypt slices the detached view (a TypeError);
          // the spec's copy of a detached buffer is empty, too short for the tag.
          if (side === "node" && name === "AES-GCM") expect(decrypted).toBe("rejects TypeError");
          else expect(decrypted).toBe(await comparable(s.decrypt(algorithm, k, new Uint8Array(0))));
          results.push(`${encrypted} / ${side === "node" && name === "AES-GCM" ? "rejects OperationError" : decrypted}`);
        }
        expect(results[0]).toBe(results[1]);
      });
    }

    it(`${name} decrypt: a getter on name that alters the ciphertext is seen; a change after the call is not`, async () => {
      const results: string[] = [];
      for (const [, s] of SIDES) {
        const k = await key(s, name, ["encrypt", "decrypt"]);
        const ct = new Uint8Array(await s.encrypt(algorithm, k, new Uint8Array(33).fill(5)));
        const tampered = new Uint8Array(ct);
        const during = await comparable(s.decrypt(withGetter(algorithm, "name", () => { tampered[0] = ct[0] ^ 1; }), k, tampered));
        const expected = new Uint8Array(ct);
        expected[0] ^= 1;
        expect(during).toBe(await comparable(s.decrypt(algorithm, k, expected)));
        const after = new Uint8Array(ct);
        const p = s.decrypt(algorithm, k, after);
        after[0] ^= 1; // after the call: the copy was made already
        const untouched = await comparable(p);
        expect(untouched).toBe(`bytes ${"05".repeat(33)}`);
        results.push(`${during} / ${untouched}`);
      }
      expect(results[0]).toBe(results[1]);
    });
  }

  // Known difference: Node 20 copies the wrapped key before it normalizes unwrappedKeyAlgorithm
  // (and only then, after the unwrap); the spec normalizes both algorithms first.
  it("unwrapKey: getters on both algorithms run before the wrapped key is copied", async () => {
    const results: string[] = [];
    const gcm = ALGORITHMS["AES-GCM"];
    for (const [, s] of SIDES) {
      const w = await key(s, "AES-GCM", ["wrapKey", "unwrapKey"]);
      const inner = await s.importKey("raw", new Uint8Array(16).fill(8), "AES-CBC", true, ["encrypt"]);
      const wrapped = new Uint8Array(await s.wrapKey("raw", inner, w, gcm));
      const unwrap = (bytes: Uint8Array, unwrapAlgorithm: unknown, keyAlgorithm: unknown) =>
        comparable(s.unwrapKey("raw", bytes, w, unwrapAlgorithm, keyAlgorithm, true, ["encrypt"]).then((k: unknown) => s.exportKey("raw", k)));
      const plain = await unwrap(new Uint8Array(wrapped), gcm, "AES-CBC");
      expect(plain).toBe(`bytes ${"08".repeat(16)}`);
      // a tampered byte (the tag fails) and a transfer (nothing to unwrap), from either algorithm's getter
      const t1 = new Uint8Array(wrapped);
      const byUnwrapAlgorithm = await unwrap(t1, withGetter(gcm, "iv", () => { t1[0] = wrapped[0] ^ 1; }), "AES-CBC");
      const t2 = new Uint8Array(wrapped);
      const byKeyAlgorithm = await unwrap(t2, gcm, withGetter({ name: "AES-CBC" }, "name", () => { t2[0] = wrapped[0] ^ 1; }));
      const t3 = new Uint8Array(wrapped);
      const transferred = await unwrap(t3, gcm, withGetter({ name: "AES-CBC" }, "name", () => transfer(t3)));
      expect(byUnwrapAlgorithm).toBe("rejects OperationError");
      results.push([plain, byUnwrapAlgorithm, byKeyAlgorithm, transferred].join(" / "));
    }
    const bytes = `bytes ${"08".repeat(16)}`;
    expect(results[0]).toBe([bytes, "rejects OperationError", "rejects OperationError", "rejects OperationError"].join(" / "));
    expect(results[1]).toBe([bytes, "rejects OperationError", bytes, bytes].join(" / "));
  });

  it("importKey: a getter on the algorithm's name that alters the raw key data is seen", async () => {
    const results: string[] = [];
    for (const [, s] of SIDES) {
      const keyData = new Uint8Array(16).fill(1);
      const k = await s.importKey("raw", keyData, withGetter({ name: "AES-CBC" }, "name", () => keyData.fill(6)), true, ["encrypt"]);
      results.push(await comparable(s.exportKey("raw", k)));
    }
    expect(results[0]).toBe(`bytes ${"06".repeat(16)}`);
    expect(results[0]).toBe(results[1]);
  });

  it("the dictionary is read in WebIDL's order: name, then the parameter type's members in lexicographic order", async () => {
    const log: string[] = [];
    const logged = (dict: Record<string, unknown>) => {
      const out = {};
      for (const [m, value] of Object.entries(dict)) {
        Object.defineProperty(out, m, { get: () => (log.push(m), value), enumerable: true });
      }
      return out;
    };
    const k = await key(subtle, "AES-GCM", ["encrypt"]);
    await subtle.encrypt(logged({ tagLength: 128, iv: iv12, name: "AES-GCM", additionalData: raw }) as never, k, raw);
    // Algorithm (name) to find the algorithm, then AesGcmParams: name, additionalData, iv, tagLength
    expect(log).toEqual(["name", "name", "additionalData", "iv", "tagLength"]);
    log.length = 0;
    await subtle.encrypt(logged({ length: 64, counter: iv16, name: "AES-CTR" }) as never, await key(subtle, "AES-CTR", ["encrypt"]), raw);
    expect(log).toEqual(["name", "name", "counter", "length"]);
    log.length = 0;
    await subtle.generateKey(logged({ length: 128, name: "AES-CBC" }) as never, true, ["encrypt"]);
    expect(log).toEqual(["name", "name", "length"]);
  });

  it("usages and JWK members are copied when the call is made", async () => {
    const results: string[] = [];
    for (const [, s] of SIDES) {
      const usages = ["encrypt"];
      const p = s.generateKey({ name: "AES-CBC", length: 128 }, true, usages);
      usages.push("sign"); // not seen: the sequence was converted already
      const k = await p;
      const ops = ["encrypt"];
      const jwk = { kty: "oct", k: "AQEBAQEBAQEBAQEBAQEBAQ", key_ops: ops };
      const q = s.importKey("jwk", jwk, "AES-CBC", true, ["encrypt"]);
      ops.length = 0; // not seen either
      jwk.kty = "RSA";
      results.push(`${k.usages.join()} / ${await comparable(q.then((x: unknown) => s.exportKey("raw", x)))}`);
    }
    expect(results[0]).toBe(`encrypt / bytes ${"01".repeat(16)}`);
    expect(results[0]).toBe(results[1]);
  });
});

/**
 * How a call's promise settles: "at once" if it was already rejected when returned (its
 * handler runs before a microtask queued after it), "later" if it was still pending then; with
 * the error name, or the result.
 */
async function settling(call: () => Promise<unknown>): Promise<string> {
  let state = "pending";
  let p: Promise<unknown>;
  try {
    p = call();
  } catch (e) {
    return `threw ${(e as Error).name}`; // never expected: every failure is a rejection
  }
  if (!(p instanceof Promise)) return "not a promise";
  p.then(() => { state = "resolved"; }, (e: Error) => { state = `rejected ${e.name}`; });
  await null; // one microtask: the handlers of an already-settled promise have run by now
  const when = state === "pending" ? "later" : "at once";
  const result = await comparable(p);
  return typeof result === "string" && result.startsWith("rejects") ? `${result}, ${when}` : `resolves, ${when}`;
}

type Call = (s: AnySubtle, keys: Record<string, unknown>) => Promise<unknown>;

/**
 * [name, call, known difference]. Where Node 20 differs, the facade follows the spec:
 * - Node's InvalidAccessError for a non-extractable key is misnamed 'InvalidAccessException',
 *   and exportKey rejects with it at once (the spec checks extractability in parallel);
 * - Node's generateKey checks the length before the usages (the spec: usages first);
 * - Node normalizes unwrapKey's unwrappedKeyAlgorithm only after the unwrap (the spec: both
 *   algorithms are normalized when the call is made).
 */
const TIMING_CASES: [string, Call, { node?: string; ours: string }?][] = [
  // generateKey: usages, length and empty usages are checked in parallel; names and types at once
  ["generateKey with bad usages", (s) => s.generateKey({ name: "AES-GCM", length: 128 }, true, ["sign"])],
  ["generateKey with bad usages and a bad length", (s) => s.generateKey({ name: "AES-GCM", length: 100 }, true, ["sign"]),
    { node: "rejects OperationError, later", ours: "rejects SyntaxError, later" }],
  ["generateKey with a bad length", (s) => s.generateKey({ name: "AES-CTR", length: 100 }, true, ["encrypt"])],
  ["generateKey with no usages", (s) => s.generateKey({ name: "AES-CBC", length: 128 }, true, [])],
  ["generateKey of an unknown algorithm", (s) => s.generateKey({ name: "AES", length: 128 }, true, ["sign"])],
  ["generateKey without length", (s) => s.generateKey({ name: "AES-GCM" }, true, ["sign"])],
  ["generateKey with length 2^20 (not an unsigned short)", (s) => s.generateKey({ name: "AES-GCM", length: 2 ** 20 }, true, ["encrypt"])],
  ["generateKey with usages not a list", (s) => s.generateKey({ name: "AES-GCM", length: 128 }, true, "encrypt")],
  ["generateKey with an unknown usage", (s) => s.generateKey({ name: "AES-GCM", length: 128 }, true, ["fly"])],
  ["generateKey of AES-KW with usage encrypt", (s) => s.generateKey({ name: "AES-KW", length: 128 }, true, ["encrypt"])],
  ["generateKey that works", (s) => s.generateKey({ name: "AES-GCM", length: 256 }, true, ["encrypt"]).then(() => undefined)],
  // importKey
  ["importKey of 15 bytes", (s) => s.importKey("raw", new Uint8Array(15), "AES-CBC", true, ["encrypt"])],
  ["importKey with usage sign", (s) => s.importKey("raw", raw, "AES-CBC", true, ["sign"])],
  ["importKey with no usages", (s) => s.importKey("raw", raw, "AES-CBC", true, [])],
  ["importKey of an unknown algorithm", (s) => s.importKey("raw", raw, "AES-XYZ", true, ["encrypt"])],
  ["importKey in format bogus", (s) => s.importKey("bogus", raw, "AES-CBC", true, ["encrypt"])],
  ["importKey in format spki", (s) => s.importKey("spki", raw, "AES-CBC", true, ["encrypt"])],
  ["importKey raw of a JWK object", (s) => s.importKey("raw", { kty: "oct" }, "AES-CBC", true, ["encrypt"])],
  ["importKey jwk of kty RSA", (s) => s.importKey("jwk", { kty: "RSA", k: "AAAAAAAAAAAAAAAAAAAAAA" }, "AES-CBC", true, ["encrypt"])],
  ["importKey that works", (s) => s.importKey("raw", raw, "AES-CBC", true, ["encrypt"]).then(() => undefined)],
  // encrypt / decrypt
  ["encrypt without the usage", (s, k) => s.encrypt(ALGORITHMS["AES-CBC"], k.cbcDecrypt, raw)],
  ["encrypt with a key of another algorithm", (s, k) => s.encrypt(ALGORITHMS["AES-CBC"], k.ctr, raw)],
  ["encrypt with a CBC iv of 12 bytes", (s, k) => s.encrypt({ name: "AES-CBC", iv: iv12 }, k.cbc, raw)],
  ["encrypt with CTR length 0", (s, k) => s.encrypt({ ...ALGORITHMS["AES-CTR"], length: 0 }, k.ctr, raw)],
  ["encrypt with GCM tagLength 100", (s, k) => s.encrypt({ ...ALGORITHMS["AES-GCM"], tagLength: 100 }, k.gcm, raw)],
  ["encrypt without an iv", (s, k) => s.encrypt({ name: "AES-CBC" }, k.cbc, raw)],
  ["encrypt with GCM tagLength 256 (not an octet)", (s, k) => s.encrypt({ ...ALGORITHMS["AES-GCM"], tagLength: 256 }, k.gcm, raw)],
  ["encrypt of a string", (s, k) => s.encrypt(ALGORITHMS["AES-CBC"], k.cbc, "abc")],
  ["encrypt with a key that is not a CryptoKey", (s) => s.encrypt(ALGORITHMS["AES-CBC"], {}, raw)],
  ["encrypt with an unknown algorithm", (s, k) => s.encrypt({ name: "AES-XYZ" }, k.cbc, raw)],
  ["encrypt with AES-KW (no encrypt operation)", (s, k) => s.encrypt("AES-KW", k.kw, raw)],
  ["encrypt that works", (s, k) => s.encrypt(ALGORITHMS["AES-CBC"], k.cbc, raw).then(() => undefined)],
  ["decrypt of a bad GCM tag", (s, k) => s.decrypt({ name: "AES-GCM", iv: iv12 }, k.gcm, new Uint8Array(32))],
  ["decrypt of a bad CBC padding", (s, k) => s.decrypt(ALGORITHMS["AES-CBC"], k.cbc, new Uint8Array(16))],
  // exportKey / wrapKey / unwrapKey
  ["exportKey of a non-extractable key", (s, k) => s.exportKey("raw", k.fixed), { node: "rejects InvalidAccessException, at once", ours: "rejects InvalidAccessError, later" }],
  ["exportKey in format bogus", (s, k) => s.exportKey("bogus", k.cbc)],
  ["exportKey of something else", (s) => s.exportKey("raw", {})],
  ["wrapKey without the usage", (s, k) => s.wrapKey("raw", k.cbc, k.cbc, ALGORITHMS["AES-CBC"])],
  ["wrapKey with an unknown algorithm", (s, k) => s.wrapKey("raw", k.cbc, k.kw, "AES-XYZ")],
  ["wrapKey of a non-extractable key", (s, k) => s.wrapKey("raw", k.fixed, k.kw, "AES-KW"), { node: "rejects InvalidAccessException, later", ours: "rejects InvalidAccessError, later" }],
  ["unwrapKey that fails the integrity check", (s, k) => s.unwrapKey("raw", new Uint8Array(24), k.kw, "AES-KW", "AES-CBC", true, ["encrypt"])],
  ["unwrapKey into an unknown algorithm", (s, k) => s.unwrapKey("raw", new Uint8Array(24), k.kw, "AES-KW", "AES-XYZ", true, ["encrypt"]),
    { node: "rejects OperationError, later", ours: "rejects NotSupportedError, at once" }],
  ["unwrapKey with an unknown algorithm", (s, k) => s.unwrapKey("raw", new Uint8Array(24), k.kw, "AES-XYZ", "AES-CBC", true, ["encrypt"])],
  ["unwrapKey with the wrong key", (s, k) => s.unwrapKey("raw", new Uint8Array(24), k.cbc, "AES-KW", "AES-CBC", true, ["encrypt"])],
  ["unwrapKey of a string", (s, k) => s.unwrapKey("raw", "abc", k.kw, "AES-KW", "AES-CBC", true, ["encrypt"])],
];

async function keysFor(s: AnySubtle): Promise<Record<string, unknown>> {
  return {
    cbc: await key(s, "AES-CBC", ["encrypt", "decrypt", "wrapKey"]),
    cbcDecrypt: await key(s, "AES-CBC", ["decrypt"]),
    ctr: await key(s, "AES-CTR", ["encrypt"]),
    gcm: await key(s, "AES-GCM", ["encrypt", "decrypt"]),
    kw: await key(s, "AES-KW", ["wrapKey", "unwrapKey"]),
    fixed: await s.importKey("raw", raw, "AES-CBC", false, ["encrypt"]),
  };
}

describe("subtle: rejections come after a microtask when the spec says in parallel, at once when it says so, as in node", async () => {
  const ours = await keysFor(subtle);
  const theirs = await keysFor(node);

  it.each(TIMING_CASES)("%s", async (_, call, known) => {
    const [a, b] = [await settling(() => call(subtle, ours)), await settling(() => call(node, theirs))];
    expect(b).toBe(known?.node ?? a);
    if (known) expect(a).toBe(known.ours);
    expect(a).not.toMatch(/^threw|not a promise/);
  });

  it("the cases cover both timings for both rejections and results", async () => {
    const seen = new Set<string>();
    for (const [, call] of TIMING_CASES) seen.add((await settling(() => call(subtle, ours))).replace(/^rejects \w+/, "rejects"));
    expect([...seen].sort()).toEqual(["rejects, at once", "rejects, later", "resolves, later"]);
  });
});
