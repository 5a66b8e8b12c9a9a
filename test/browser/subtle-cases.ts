// Misuse cases for the `subtle` facade, shared by the Node run (against node's crypto.subtle,
// test/subtle.test.ts) and the Chromium run (against the page's crypto.subtle): each is one
// call sequence that both implementations must answer with the same bytes or the same error name
// (or, for a known difference, each with the outcome listed for it).

// Either side's subtle, typed loosely: the point is that the same calls work on both.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnySubtle = any;
export type SubtleCall = (s: AnySubtle) => Promise<unknown>;

const raw = new Uint8Array(16).fill(1);
const ctr = { name: "AES-CTR", counter: new Uint8Array(16), length: 64 };
const ctrKey = (s: AnySubtle, usages = ["encrypt"]) => s.importKey("raw", raw, "AES-CTR", true, usages);
const cbcKey = (s: AnySubtle, usages = ["encrypt"]) => s.importKey("raw", raw, "AES-CBC", true, usages);
const gcmKey = (s: AnySubtle, usages = ["encrypt"]) => s.importKey("raw", raw, "AES-GCM", true, usages);
const kwKey = (s: AnySubtle, usages = ["wrapKey", "unwrapKey"]) => s.importKey("raw", raw, "AES-KW", true, usages);
const gcm = { name: "AES-GCM", iv: new Uint8Array(12).fill(2) };
const k16 = "AAAAAAAAAAAAAAAAAAAAAA"; // 16 zero bytes, base64url

/**
 * Where an implementation is known to answer differently: its outcome (as `comparable` gives
 * it), and the facade's, which follows the spec (and its notes). A side not listed must give
 * the facade's outcome.
 */
export interface KnownDifference {
  chromium?: string;
  node?: string;
  ours: string;
}

/** The outcomes `raw` (16 bytes of 1) comes back as after a successful wrap/unwrap round trip. */
const RAW_BACK = `bytes ${"01".repeat(16)}`;

/**
 * [name, call, known difference]. The known ones:
 * - an AES-CTR call needing more than 2^length blocks is an OperationError in the spec's model
 *   and in Node; Chromium rejects it as DataError;
 * - AES-KW wrapKey('jwk') of a JWK whose JSON is not a multiple of 8 bytes: the spec's note on
 *   wrapKey lets the serialization adapt, Node and the facade pad it with spaces, Chromium
 *   rejects it as DataError;
 * - AES-KW unwrapKey of 0 bytes: the RFC 3394 unwrap fails, OperationError in the spec and
 *   Chromium; Node says DataError;
 * - wrapKey of a non-extractable key: InvalidAccessError in the spec and Chromium; Node 20's
 *   DOMException is misnamed 'InvalidAccessException'.
 */
export const MISUSE_CASES: [string, SubtleCall, KnownDifference?][] = [
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
  ["CTR with 2^4 blocks + 1 byte at length 4", async (s) => s.encrypt({ ...ctr, length: 4 }, await ctrKey(s), new Uint8Array(257)),
    { chromium: "rejects DataError", ours: "rejects OperationError" }],
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
  // AES-GCM: tagLength is an [EnforceRange] octet (TypeError outside 0..255), then one of the
  // seven lengths (OperationError); too short or tampered input is OperationError.
  ["GCM tagLength 100", async (s) => s.encrypt({ ...gcm, tagLength: 100 }, await gcmKey(s), raw)],
  ["GCM tagLength 0", async (s) => s.encrypt({ ...gcm, tagLength: 0 }, await gcmKey(s), raw)],
  ["GCM tagLength 256 (not an octet)", async (s) => s.encrypt({ ...gcm, tagLength: 256 }, await gcmKey(s), raw)],
  ["GCM tagLength -1", async (s) => s.encrypt({ ...gcm, tagLength: -1 }, await gcmKey(s), raw)],
  ["GCM tagLength NaN", async (s) => s.encrypt({ ...gcm, tagLength: NaN }, await gcmKey(s), raw)],
  ["GCM tagLength 96.5 is 96", async (s) => s.encrypt({ ...gcm, tagLength: 96.5 }, await gcmKey(s), raw)],
  ["GCM tagLength '32' is 32", async (s) => s.encrypt({ ...gcm, tagLength: "32" }, await gcmKey(s), raw)],
  ["GCM decrypt with tagLength 100", async (s) => s.decrypt({ ...gcm, tagLength: 100 }, await gcmKey(s, ["decrypt"]), new Uint8Array(32))],
  ["GCM empty iv", async (s) => s.encrypt({ ...gcm, iv: new Uint8Array(0) }, await gcmKey(s), raw)],
  ["GCM without iv", async (s) => s.encrypt({ name: "AES-GCM" }, await gcmKey(s), raw)],
  ["GCM as a bare name", async (s) => s.encrypt("AES-GCM", await gcmKey(s), raw)],
  ["GCM additionalData a string", async (s) => s.encrypt({ ...gcm, additionalData: "x" }, await gcmKey(s), raw)],
  ["GCM additionalData null", async (s) => s.encrypt({ ...gcm, additionalData: null }, await gcmKey(s), raw)],
  ["GCM with AAD and a 64-bit tag", async (s) => s.encrypt({ ...gcm, additionalData: raw, tagLength: 64 }, await gcmKey(s), raw)],
  ["GCM decrypt of 15 bytes (shorter than the tag)", async (s) => s.decrypt(gcm, await gcmKey(s, ["decrypt"]), new Uint8Array(15))],
  ["GCM decrypt of an empty ciphertext", async (s) => s.decrypt(gcm, await gcmKey(s, ["decrypt"]), new Uint8Array(0))],
  ["GCM decrypt of 16 zero bytes (bad tag)", async (s) => s.decrypt(gcm, await gcmKey(s, ["decrypt"]), new Uint8Array(16))],
  ["GCM decrypt with a shorter tagLength than used", async (s) => {
    const k = await gcmKey(s, ["encrypt", "decrypt"]);
    return s.decrypt({ ...gcm, tagLength: 96 }, k, await s.encrypt(gcm, k, raw));
  }],
  ["GCM decrypt with other AAD", async (s) => {
    const k = await gcmKey(s, ["encrypt", "decrypt"]);
    return s.decrypt({ ...gcm, additionalData: new Uint8Array(1) }, k, await s.encrypt(gcm, k, raw));
  }],
  ["GCM with a CTR key", async (s) => s.encrypt(gcm, await ctrKey(s), raw)],
  ["GCM key with usage wrapKey", async (s) => s.exportKey("raw", await gcmKey(s, ["wrapKey"]))],
  ["GCM jwk alg of KW", (s) => s.importKey("jwk", { kty: "oct", k: k16, alg: "A128KW" }, "AES-GCM", true, ["encrypt"])],
  ["GCM wraps a jwk and unwraps it", async (s) => {
    const w = await gcmKey(s, ["wrapKey", "unwrapKey"]);
    const wrapped = await s.wrapKey("jwk", await cbcKey(s), w, { ...gcm, tagLength: 104 });
    return s.exportKey("raw", await s.unwrapKey("jwk", wrapped, w, { ...gcm, tagLength: 104 }, "AES-CBC", true, ["encrypt"]));
  }],
  ["GCM unwrapKey of a tampered key", async (s) => {
    const w = await gcmKey(s, ["wrapKey", "unwrapKey"]);
    const wrapped = new Uint8Array(await s.wrapKey("raw", await cbcKey(s), w, gcm));
    wrapped[0] ^= 1;
    return s.unwrapKey("raw", wrapped, w, gcm, "AES-CBC", true, ["encrypt"]);
  }],
  // AES-KW: wrapKey/unwrapKey only.
  ["KW encrypt", async (s) => s.encrypt("AES-KW", await kwKey(s), raw)],
  ["KW decrypt", async (s) => s.decrypt({ name: "AES-KW" }, await kwKey(s), new Uint8Array(24))],
  ["KW key with usage encrypt", (s) => s.importKey("raw", raw, "AES-KW", true, ["encrypt"])],
  ["KW key with usages wrapKey and decrypt", (s) => s.importKey("raw", raw, "AES-KW", true, ["wrapKey", "decrypt"])],
  ["KW generateKey length 100", (s) => s.generateKey({ name: "AES-KW", length: 100 }, true, ["wrapKey"])],
  ["KW jwk alg of GCM", (s) => s.importKey("jwk", { kty: "oct", k: k16, alg: "A128GCM" }, "AES-KW", true, ["wrapKey"])],
  ["KW jwk use sig", (s) => s.importKey("jwk", { kty: "oct", k: k16, use: "sig" }, "AES-KW", true, ["wrapKey"])],
  ["KW jwk key_ops without unwrapKey", (s) => s.importKey("jwk", { kty: "oct", k: k16, key_ops: ["wrapKey"] }, "AES-KW", true, ["unwrapKey"])],
  ["KW wraps a raw key", async (s) => s.wrapKey("raw", await cbcKey(s), await kwKey(s), "AES-KW")],
  ["KW wraps a raw key ({ name } form)", async (s) => s.wrapKey("raw", await cbcKey(s), await kwKey(s), { name: "aes-kw" })],
  ["KW wrapKey with a GCM algorithm", async (s) => s.wrapKey("raw", await cbcKey(s), await kwKey(s), gcm)],
  ["KW wrapKey without the usage", async (s) => s.wrapKey("raw", await cbcKey(s), await kwKey(s, ["unwrapKey"]), "AES-KW")],
  ["KW wrapKey of a non-extractable key", async (s) => s.wrapKey("raw", await s.importKey("raw", raw, "AES-CBC", false, ["encrypt"]), await kwKey(s), "AES-KW"),
    { node: "rejects InvalidAccessException", ours: "rejects InvalidAccessError" }],
  ["KW wrapKey of a jwk of 91 bytes (not a multiple of 8)", async (s) => {
    const w = await kwKey(s);
    const wrapped = await s.wrapKey("jwk", await cbcKey(s), w, "AES-KW");
    return s.exportKey("raw", await s.unwrapKey("jwk", wrapped, w, "AES-KW", "AES-CBC", true, ["encrypt"]));
  }, { chromium: "rejects DataError", ours: RAW_BACK }],
  ["KW wrapKey of a jwk of 112 bytes (a 256-bit key's)", async (s) => {
    const w = await kwKey(s);
    const wrapped = await s.wrapKey("jwk", await s.importKey("raw", new Uint8Array(32).fill(1), "AES-CBC", true, ["encrypt"]), w, "AES-KW");
    return s.exportKey("raw", await s.unwrapKey("jwk", wrapped, w, "AES-KW", "AES-CBC", true, ["encrypt"]));
  }],
  ["KW unwrapKey of 24 zero bytes (integrity check fails)", async (s) => s.unwrapKey("raw", new Uint8Array(24), await kwKey(s), "AES-KW", "AES-CBC", true, ["encrypt"])],
  ["KW unwrapKey of 20 bytes", async (s) => s.unwrapKey("raw", new Uint8Array(20), await kwKey(s), "AES-KW", "AES-CBC", true, ["encrypt"])],
  ["KW unwrapKey of 16 bytes", async (s) => s.unwrapKey("raw", new Uint8Array(16), await kwKey(s), "AES-KW", "AES-CBC", true, ["encrypt"])],
  ["KW unwrapKey of 0 bytes", async (s) => s.unwrapKey("raw", new Uint8Array(0), await kwKey(s), "AES-KW", "AES-CBC", true, ["encrypt"]),
    { node: "rejects DataError", ours: "rejects OperationError" }],
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
