// Misuse cases for the `subtle` facade, shared by the Node run (against node's crypto.subtle,
// test/subtle.test.ts) and the Chromium run (against the page's crypto.subtle): each is one
// call sequence that both implementations must answer with the same bytes or the same error name.

// Either side's subtle, typed loosely: the point is that the same calls work on both.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnySubtle = any;
export type SubtleCall = (s: AnySubtle) => Promise<unknown>;

const raw = new Uint8Array(16).fill(1);
const ctr = { name: "AES-CTR", counter: new Uint8Array(16), length: 64 };
const ctrKey = (s: AnySubtle, usages = ["encrypt"]) => s.importKey("raw", raw, "AES-CTR", true, usages);
const cbcKey = (s: AnySubtle, usages = ["encrypt"]) => s.importKey("raw", raw, "AES-CBC", true, usages);
const k16 = "AAAAAAAAAAAAAAAAAAAAAA"; // 16 zero bytes, base64url

/**
 * [name, call, the error name Chromium gives where it differs from the spec and Node]. The one
 * known case: an AES-CTR call needing more than 2^length blocks is an OperationError in the
 * spec's model and in Node; Chromium rejects it as DataError. The facade says OperationError.
 */
export const MISUSE_CASES: [string, SubtleCall, string?][] = [
  ["raw key of 15 bytes", (s) => s.importKey("raw", new Uint8Array(15), "AES-CTR", true, ["encrypt"])],
  ["raw key of 20 bytes", (s) => s.importKey("raw", new Uint8Array(20), "AES-CBC", true, ["encrypt"])],
  ["no usages", (s) => s.importKey("raw", raw, "AES-CTR", true, [])],
  ["usage sign on AES", (s) => s.importKey("raw", raw, "AES-CTR", true, ["sign"])],
  ["unknown algorithm", (s) => s.importKey("raw", raw, "AES-XYZ", true, ["encrypt"])],
  ["unknown format", (s) => s.importKey("spki", raw, "AES-CTR", true, ["encrypt"])],
  ["jwk of another kty", (s) => s.importKey("jwk", { kty: "RSA", k: k16 }, "AES-CTR", true, ["encrypt"])],
  ["jwk alg of another mode", (s) => s.importKey("jwk", { kty: "oct", k: k16, alg: "A128CBC" }, "AES-CTR", true, ["encrypt"])],
  ["jwk alg of another size", (s) => s.importKey("jwk", { kty: "oct", k: k16, alg: "A256CTR" }, "AES-CTR", true, ["encrypt"])],
  ["jwk ext false, extractable asked", (s) => s.importKey("jwk", { kty: "oct", k: k16, ext: false }, "AES-CTR", true, ["encrypt"])],
  ["jwk key_ops without the usage", (s) => s.importKey("jwk", { kty: "oct", k: k16, key_ops: ["decrypt"] }, "AES-CTR", true, ["encrypt"])],
  ["generateKey length 100", (s) => s.generateKey({ name: "AES-CBC", length: 100 }, true, ["encrypt"])],
  ["generateKey no usages", (s) => s.generateKey({ name: "AES-CBC", length: 128 }, true, [])],
  ["CTR length 0", async (s) => s.encrypt({ ...ctr, length: 0 }, await ctrKey(s), raw)],
  ["CTR length 129", async (s) => s.encrypt({ ...ctr, length: 129 }, await ctrKey(s), raw)],
  ["CTR length 256 (not an octet)", async (s) => s.encrypt({ ...ctr, length: 256 }, await ctrKey(s), raw)],
  ["CTR counter of 8 bytes", async (s) => s.encrypt({ ...ctr, counter: new Uint8Array(8) }, await ctrKey(s), raw)],
  ["CTR without counter", async (s) => s.encrypt({ name: "AES-CTR", length: 64 }, await ctrKey(s), raw)],
  ["CTR with 2^4 blocks at length 4", async (s) => s.encrypt({ ...ctr, length: 4 }, await ctrKey(s), new Uint8Array(256))],
  ["CTR with 2^4 blocks + 1 byte at length 4", async (s) => s.encrypt({ ...ctr, length: 4 }, await ctrKey(s), new Uint8Array(257)), "DataError"],
  ["CTR with a CBC key", async (s) => s.encrypt(ctr, await cbcKey(s), raw)],
  ["encrypt without the usage", async (s) => s.encrypt(ctr, await ctrKey(s, ["decrypt"]), raw)],
  ["data a string", async (s) => s.encrypt(ctr, await ctrKey(s), "abc")],
  ["CBC iv of 12 bytes", async (s) => s.encrypt({ name: "AES-CBC", iv: new Uint8Array(12) }, await cbcKey(s), raw)],
  ["CBC as a bare name", async (s) => s.encrypt("AES-CBC", await cbcKey(s), raw)],
  ["CBC decrypt of an empty ciphertext", async (s) => s.decrypt({ name: "AES-CBC", iv: raw }, await cbcKey(s, ["decrypt"]), new Uint8Array(0))],
  ["CBC decrypt of 17 bytes", async (s) => s.decrypt({ name: "AES-CBC", iv: raw }, await cbcKey(s, ["decrypt"]), new Uint8Array(17))],
  ["algorithm name in lower case", async (s) => s.encrypt({ ...ctr, name: "aes-ctr" }, await s.importKey("raw", raw, "aes-ctr", true, ["encrypt"]), raw)],
  ["wrapKey without wrapKey usage", async (s) => s.wrapKey("raw", await ctrKey(s), await cbcKey(s), { name: "AES-CBC", iv: raw })],
  ["unwrapKey into a key of 15 bytes", async (s) => {
    const w = await cbcKey(s, ["wrapKey", "unwrapKey", "encrypt"]);
    const wrapped = await s.encrypt({ name: "AES-CBC", iv: raw }, w, new Uint8Array(15));
    return s.unwrapKey("raw", wrapped, w, { name: "AES-CBC", iv: raw }, "AES-CTR", true, ["encrypt"]);
  }],
];

/** The error name a promise rejects with, or the bytes (or JSON) it resolves with. */
export async function outcome(p: Promise<unknown>): Promise<string | Uint8Array> {
  try {
    const r = await p;
    return r instanceof ArrayBuffer ? new Uint8Array(r) : JSON.stringify(r);
  } catch (e) {
    return `rejects ${(e as Error).name}`;
  }
}

export function hex(b: Uint8Array): string {
  let s = "";
  for (const x of b) s += x.toString(16).padStart(2, "0");
  return s;
}

/** Outcomes in a comparable form (hex for bytes). */
export async function comparable(p: Promise<unknown>): Promise<string> {
  const r = await outcome(p);
  return r instanceof Uint8Array ? `bytes ${hex(r)}` : r;
}
