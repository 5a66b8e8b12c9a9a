// `subtle`: the AES part of WebCrypto's SubtleCrypto, with the same argument shapes, results
// and error names, running on this library's core. Unlike crypto.subtle it exists on pages
// served over http, in workers and runtimes without crypto.subtle, and takes 192-bit keys.
//
// Every method returns a promise and reports every failure (argument types included) as a
// rejection, as WebIDL promise-returning operations do. Each method runs the spec's steps in
// the spec's order, in two parts:
// - when the call is made: WebIDL argument conversion, algorithm normalization (which reads
//   the algorithm dictionary, getters included), THEN the copy of the data (w3c/webcrypto#426:
//   a getter of the algorithm that alters or transfers the data is seen). A failure here
//   rejects the returned promise at once ("return a promise rejected with ...");
// - the steps the spec runs "in parallel" (key and usage checks, the operation itself): after
//   a microtask, so their failures reject a promise that was pending when it was returned,
//   never on the caller's stack — as Node's and the browsers' crypto.subtle do.
// The work itself is synchronous: a large message blocks the thread (use the worker pool).
import { isArrayBuffer } from "../bytes.js";
import { aesKey } from "../key.js";
import { AesError, show } from "../errors.js";
import type { AlgorithmHandler, AlgorithmParams, CipherOperation } from "./algorithm.js";
import { findAlgorithm } from "./algorithms.js";
import { bufferSource, checkBufferSource, domString, integerMember, optionalMember, toArrayBuffer } from "./convert.js";
import { AesCryptoKey, secretOf } from "./crypto-key.js";
import { DataError, InvalidAccessError, NotSupportedError, OperationError, SubtleError, SubtleSyntaxError, SubtleTypeError } from "./errors.js";
import { convertJwk, exportJwk, importJwk } from "./jwk.js";
import type { AlgorithmIdentifier, BufferSource, JsonWebKey, KeyFormat, KeyUsage } from "./types.js";

type Operation = "encrypt" | "decrypt" | "wrapKey" | "unwrapKey";
/** The operations algorithm normalization is asked for (WebCrypto's `op`). */
type NormalizeOp = Operation | "generateKey" | "importKey";
/** KeyFormat as WebIDL's enum has it: spki and pkcs8 convert, and the AES import/export refuses them. */
type AnyFormat = KeyFormat | "spki" | "pkcs8";

const KEY_USAGES: readonly string[] = ["encrypt", "decrypt", "sign", "verify", "deriveKey", "deriveBits", "wrapKey", "unwrapKey"];
const FORMATS: readonly string[] = ["raw", "spki", "pkcs8", "jwk"];

interface Normalized {
  handler: AlgorithmHandler;
  /** The parameter dictionary, converted (AlgorithmHandler.params, or AesKeyGenParams). */
  params: AlgorithmParams;
  /** encrypt/decrypt/wrapKey/unwrapKey: the handler's operation (wrapKey falls back to encrypt). */
  operation?: CipherOperation;
}

/**
 * Algorithm normalization for `op` (WebCrypto §18.4.4): the name (a string, or a dictionary's
 * `name`), the algorithm registered for `op` under it (NotSupportedError), and the dictionary
 * converted to that operation's parameter type. wrapKey and unwrapKey fall back to encrypt and
 * decrypt, as the spec's methods do.
 */
function normalize(algorithm: unknown, op: NormalizeOp): Normalized {
  const dictionary = (typeof algorithm === "object" && algorithm !== null) || typeof algorithm === "function"
    ? algorithm as AlgorithmParams
    : { name: domString(algorithm, "algorithm") }; // AlgorithmIdentifier: object or DOMString
  const rawName = optionalMember(dictionary, "name");
  if (rawName === undefined) throw new SubtleTypeError("algorithm must be a name or an object with a name");
  const name = domString(rawName, "algorithm.name");
  const handler = findAlgorithm(name);
  if (!handler) throw new NotSupportedError(`algorithm ${JSON.stringify(name)} is not supported`);
  // The dictionary converted to the operation's type starts with its inherited Algorithm
  // member: `name` is read a second time (its value is not used again), then the type's own.
  domString(optionalMember(dictionary, "name"), "algorithm.name");
  if (op === "importKey") return { handler, params: {} };
  if (op === "generateKey") return { handler, params: { length: integerMember(dictionary, "length", 65535) } }; // AesKeyGenParams: [EnforceRange] unsigned short
  const own = op === "wrapKey" || op === "unwrapKey" ? handler[op] : undefined;
  const fallback = op === "wrapKey" ? "encrypt" : op === "unwrapKey" ? "decrypt" : op;
  const operation = own ?? handler[fallback];
  if (!operation) throw new NotSupportedError(`${handler.name} does not support ${op}`);
  // A dedicated wrap (AES-KW) takes no parameters; encrypt/decrypt take the handler's dictionary.
  const params = own === undefined && handler.params ? handler.params(dictionary) : {};
  return { handler, params, operation };
}

/** WebIDL's sequence<KeyUsage>: a copy, so a later change to the caller's array is not seen. */
function checkUsageList(usages: unknown): KeyUsage[] {
  if (!Array.isArray(usages)) throw new SubtleTypeError("keyUsages must be a list of KeyUsage strings");
  const copy = [...(usages as unknown[])];
  if (copy.some((u) => !KEY_USAGES.includes(u as string))) throw new SubtleTypeError("keyUsages must be a list of KeyUsage strings");
  return copy as KeyUsage[];
}

/** WebIDL's KeyFormat enum (TypeError); the AES operations refuse spki and pkcs8 later (NotSupportedError). */
function checkFormat(format: unknown): AnyFormat {
  if (FORMATS.includes(format as string)) return format as AnyFormat;
  throw new SubtleTypeError(`format must be "raw" or "jwk", got ${show(format)}`);
}

/** The AES algorithms import and export raw and jwk only. */
function aesFormat(format: AnyFormat): KeyFormat {
  if (format === "spki" || format === "pkcs8") throw new NotSupportedError(`format ${format} is not supported for AES keys`);
  return format;
}

/** The key's algorithm and usages must fit the call (InvalidAccessError otherwise). */
function checkKey(key: unknown, handler: AlgorithmHandler, usage: KeyUsage, what = "key") {
  const secret = secretOf(key, what);
  if (secret.handler !== handler) {
    throw new InvalidAccessError(`${what} is an ${secret.handler.name} key, not ${handler.name}`);
  }
  if (!(key as AesCryptoKey).usages.includes(usage)) throw new InvalidAccessError(`${what} does not allow ${usage}`);
  return secret;
}

/** Runs one cipher operation with the key expanded just for it; library errors become OperationError. */
function run(op: CipherOperation, params: AlgorithmParams, keyBytes: Uint8Array, data: Uint8Array): Uint8Array {
  const key = aesKey(keyBytes);
  try {
    return op(params, key, data);
  } catch (e) {
    if (e instanceof AesError && !(e instanceof SubtleError)) throw new OperationError(e.message);
    throw e;
  } finally {
    key.dispose();
  }
}

/**
 * importKey's keyData as WebIDL's (BufferSource or JsonWebKey) union converts it, with the
 * other arguments: a BufferSource is only recognised (its bytes are copied after
 * normalization), anything else is converted as a JsonWebKey dictionary.
 */
function convertKeyData(keyData: unknown): { source: unknown } | { jwk: JsonWebKey } {
  if (isArrayBuffer(keyData) || ArrayBuffer.isView(keyData)) return { source: keyData };
  if (keyData === undefined || keyData === null) return { jwk: convertJwk({}) };
  if (typeof keyData !== "object" && typeof keyData !== "function") {
    throw new SubtleTypeError("keyData must be an ArrayBuffer, an ArrayBufferView or a JsonWebKey object");
  }
  return { jwk: convertJwk(keyData) };
}

/** importKey's step after normalization: keyData must fit the format; bytes are copied now. */
function keyDataFor(format: AnyFormat, converted: { source: unknown } | { jwk: JsonWebKey }): Uint8Array | JsonWebKey {
  if (format === "jwk") {
    if (!("jwk" in converted)) throw new SubtleTypeError("keyData must be a JsonWebKey object for format jwk");
    return converted.jwk;
  }
  if (!("source" in converted)) throw new SubtleTypeError(`keyData must be an ArrayBuffer or ArrayBufferView for format ${format}`);
  return bufferSource(converted.source, "keyData");
}

/**
 * The AES import key operation, then importKey's own last check (a secret key needs a usage).
 * Raw `keyData` is a private copy that the new key keeps; the caller wipes it on failure.
 */
function importKeyOperation(format: AnyFormat, keyData: Uint8Array | JsonWebKey, handler: AlgorithmHandler, extractable: boolean,
  usages: readonly KeyUsage[]): AesCryptoKey {
  for (const u of usages) {
    if (!handler.usages.includes(u)) throw new SubtleSyntaxError(`${handler.name} keys cannot be used to ${u}`);
  }
  let bytes: Uint8Array;
  if (aesFormat(format) === "raw") {
    bytes = keyData as Uint8Array; // the caller's own copy: the key keeps it
    if (bytes.length !== 16 && bytes.length !== 24 && bytes.length !== 32) {
      throw new DataError(`raw AES key must be 16, 24 or 32 bytes, got ${bytes.length}`);
    }
  } else {
    bytes = importJwk(keyData as JsonWebKey, handler, extractable, usages);
  }
  if (usages.length === 0) throw new SubtleSyntaxError("a secret key needs at least one usage");
  return new AesCryptoKey(handler, bytes, extractable, usages);
}

/** The export key steps: extractable first, then the format. */
function exportKeyOperation(format: AnyFormat, key: unknown): ArrayBuffer | JsonWebKey {
  const { bytes, handler } = secretOf(key);
  const k = key as AesCryptoKey;
  if (!k.extractable) throw new InvalidAccessError("key is not extractable");
  return aesFormat(format) === "raw" ? toArrayBuffer(bytes.slice()) : exportJwk(handler, bytes, k.usages, k.extractable);
}

/** A JWK as UTF-8 JSON, padded with spaces to a multiple of `block` bytes if asked. */
function jwkBytes(jwk: JsonWebKey, block = 1): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(jwk));
  const padded = new Uint8Array(Math.ceil(json.length / block) * block).fill(0x20);
  padded.set(json);
  json.fill(0);
  return padded;
}

/**
 * Where the spec says "return promise and perform the remaining steps in parallel": the steps
 * after `await inParallel()` run in a later microtask, so whatever they throw rejects a
 * promise that was still pending when the caller got it.
 */
function inParallel(): Promise<void> {
  return Promise.resolve();
}

/** encrypt and decrypt: convert, normalize, copy the data, then (in parallel) check the key and run. */
async function encryptOrDecrypt(op: "encrypt" | "decrypt", algorithm: unknown, key: unknown, data: unknown): Promise<ArrayBuffer> {
  secretOf(key);
  checkBufferSource(data, "data");
  const { handler, params, operation } = normalize(algorithm, op);
  const bytes = bufferSource(data, "data"); // after normalization (w3c/webcrypto#426)
  await inParallel();
  const secret = checkKey(key, handler, op);
  return toArrayBuffer(run(operation!, params, secret.bytes, bytes));
}

/** The WebCrypto-shaped facade (AES only). */
export const subtle = {
  async importKey(format: KeyFormat, keyData: BufferSource | JsonWebKey, algorithm: AlgorithmIdentifier,
    extractable: boolean, keyUsages: KeyUsage[]): Promise<AesCryptoKey> {
    const f = checkFormat(format);
    const converted = convertKeyData(keyData);
    const extract = Boolean(extractable);
    const usages = checkUsageList(keyUsages);
    const { handler } = normalize(algorithm, "importKey");
    const data = keyDataFor(f, converted); // the bytes copied after normalization
    await inParallel();
    try {
      return importKeyOperation(f, data, handler, extract, usages);
    } catch (e) {
      if (data instanceof Uint8Array) data.fill(0);
      throw e;
    }
  },

  exportKey: (async (format: KeyFormat, key: AesCryptoKey): Promise<ArrayBuffer | JsonWebKey> => {
    const f = checkFormat(format);
    secretOf(key);
    await inParallel();
    return exportKeyOperation(f, key);
  }) as {
    (format: "raw", key: AesCryptoKey): Promise<ArrayBuffer>;
    (format: "jwk", key: AesCryptoKey): Promise<JsonWebKey>;
    (format: KeyFormat, key: AesCryptoKey): Promise<ArrayBuffer | JsonWebKey>;
  },

  /** A random key; `length` 128, 192 or 256 (OperationError otherwise). */
  async generateKey(algorithm: { name: string; length: number }, extractable: boolean, keyUsages: KeyUsage[]): Promise<AesCryptoKey> {
    const extract = Boolean(extractable);
    const usages = checkUsageList(keyUsages);
    const { handler, params } = normalize(algorithm, "generateKey");
    await inParallel();
    for (const u of usages) {
      if (!handler.usages.includes(u)) throw new SubtleSyntaxError(`${handler.name} keys cannot be used to ${u}`);
    }
    const length = params.length as number;
    if (length !== 128 && length !== 192 && length !== 256) throw new OperationError(`AES key length must be 128, 192 or 256, got ${length}`);
    const random = (globalThis as { crypto?: { getRandomValues?<T extends ArrayBufferView>(a: T): T } }).crypto;
    if (typeof random?.getRandomValues !== "function") throw new NotSupportedError("crypto.getRandomValues is not available here");
    const bytes = random.getRandomValues(new Uint8Array(length / 8));
    if (usages.length === 0) throw new SubtleSyntaxError("a secret key needs at least one usage");
    return new AesCryptoKey(handler, bytes, extract, usages);
  },

  encrypt(algorithm: AlgorithmIdentifier, key: AesCryptoKey, data: BufferSource): Promise<ArrayBuffer> {
    return encryptOrDecrypt("encrypt", algorithm, key, data);
  },

  decrypt(algorithm: AlgorithmIdentifier, key: AesCryptoKey, data: BufferSource): Promise<ArrayBuffer> {
    return encryptOrDecrypt("decrypt", algorithm, key, data);
  },

  /** Exports `key` (raw bytes, or JWK as UTF-8 JSON) and encrypts it with `wrappingKey`. */
  async wrapKey(format: KeyFormat, key: AesCryptoKey, wrappingKey: AesCryptoKey, wrapAlgorithm: AlgorithmIdentifier): Promise<ArrayBuffer> {
    const f = checkFormat(format);
    secretOf(key);
    secretOf(wrappingKey, "wrappingKey");
    const { handler, params, operation } = normalize(wrapAlgorithm, "wrapKey");
    await inParallel();
    const secret = checkKey(wrappingKey, handler, "wrapKey", "wrappingKey");
    const exported = exportKeyOperation(f, key);
    const bytes = f === "raw" ? new Uint8Array(exported as ArrayBuffer) : jwkBytes(exported as JsonWebKey, handler.jwkWrapBlock);
    try {
      return toArrayBuffer(run(operation!, params, secret.bytes, bytes));
    } finally {
      bytes.fill(0); // the exported key, in the clear
    }
  },

  /** Decrypts `wrappedKey` with `unwrappingKey` and imports the result. */
  async unwrapKey(format: KeyFormat, wrappedKey: BufferSource, unwrappingKey: AesCryptoKey, unwrapAlgorithm: AlgorithmIdentifier,
    unwrappedKeyAlgorithm: AlgorithmIdentifier, extractable: boolean, keyUsages: KeyUsage[]): Promise<AesCryptoKey> {
    const f = checkFormat(format);
    checkBufferSource(wrappedKey, "wrappedKey");
    secretOf(unwrappingKey, "unwrappingKey");
    const extract = Boolean(extractable);
    const usages = checkUsageList(keyUsages);
    const { handler, params, operation } = normalize(unwrapAlgorithm, "unwrapKey");
    const { handler: keyHandler } = normalize(unwrappedKeyAlgorithm, "importKey");
    const wrapped = bufferSource(wrappedKey, "wrappedKey"); // after both normalizations
    await inParallel();
    const secret = checkKey(unwrappingKey, handler, "unwrapKey", "unwrappingKey");
    const bytes = run(operation!, params, secret.bytes, wrapped);
    let keyData: Uint8Array | JsonWebKey = bytes;
    if (f === "jwk") {
      let parsed: unknown;
      try {
        parsed = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
      } catch {
        throw new DataError("unwrapped bytes are not a JSON Web Key");
      } finally {
        bytes.fill(0);
      }
      if (parsed === null || typeof parsed !== "object") throw new DataError("unwrapped bytes are not a JSON Web Key");
      keyData = convertJwk(parsed);
    }
    try {
      return importKeyOperation(f, keyData, keyHandler, extract, usages);
    } catch (e) {
      if (keyData instanceof Uint8Array) keyData.fill(0);
      throw e;
    }
  },
};

export type Subtle = typeof subtle;
