// `subtle`: the AES part of WebCrypto's SubtleCrypto, with the same argument shapes, results
// and error names, running on this library's core. Unlike crypto.subtle it exists on pages
// served over http, in workers and runtimes without crypto.subtle, and takes 192-bit keys.
//
// Every method returns a promise and reports every failure (argument types included) as a
// rejection, as WebIDL promise-returning operations do. The work itself is synchronous: a
// large message blocks the calling thread (use the worker pool for those).
import { isArrayBuffer } from "../bytes.js";
import { aesKey } from "../key.js";
import { AesError, show } from "../errors.js";
import type { AlgorithmHandler, AlgorithmParams, CipherOperation } from "./algorithm.js";
import { findAlgorithm } from "./algorithms.js";
import { bufferSource, integerMember, optionalMember, toArrayBuffer } from "./convert.js";
import { AesCryptoKey, secretOf } from "./crypto-key.js";
import { DataError, InvalidAccessError, NotSupportedError, OperationError, SubtleError, SubtleSyntaxError, SubtleTypeError } from "./errors.js";
import { exportJwk, importJwk } from "./jwk.js";
import type { AlgorithmIdentifier, BufferSource, JsonWebKey, KeyFormat, KeyUsage } from "./types.js";

type Operation = "encrypt" | "decrypt" | "wrapKey" | "unwrapKey";

const KEY_USAGES: readonly string[] = ["encrypt", "decrypt", "sign", "verify", "deriveKey", "deriveBits", "wrapKey", "unwrapKey"];

/** Algorithm normalization: a known name, as a string or a dictionary's `name`. */
function normalize(algorithm: unknown): { handler: AlgorithmHandler; params: AlgorithmParams } {
  const params: AlgorithmParams = typeof algorithm === "string" ? { name: algorithm } : (algorithm as AlgorithmParams);
  const name = params !== null && typeof params === "object" ? optionalMember(params, "name") : undefined;
  if (name === undefined) {
    throw new SubtleTypeError("algorithm must be a name or an object with a name");
  }
  const handler = findAlgorithm(String(name));
  if (!handler) throw new NotSupportedError(`algorithm ${JSON.stringify(String(name))} is not supported`);
  return { handler, params };
}

function checkUsageList(usages: unknown): KeyUsage[] {
  if (!Array.isArray(usages) || usages.some((u) => !KEY_USAGES.includes(u))) {
    throw new SubtleTypeError("keyUsages must be a list of KeyUsage strings");
  }
  return usages as KeyUsage[];
}

function checkFormat(format: unknown): KeyFormat {
  if (format === "raw" || format === "jwk") return format;
  if (format === "spki" || format === "pkcs8") throw new NotSupportedError(`format ${format} is not supported for AES keys`);
  throw new SubtleTypeError(`format must be "raw" or "jwk", got ${show(format)}`);
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

function importKeySync(format: KeyFormat, keyData: unknown, algorithm: unknown, extractable: boolean, keyUsages: unknown): AesCryptoKey {
  const usages = checkUsageList(keyUsages);
  const { handler } = normalize(algorithm);
  for (const u of usages) {
    if (!handler.usages.includes(u)) throw new SubtleSyntaxError(`${handler.name} keys cannot be used to ${u}`);
  }
  let bytes: Uint8Array;
  if (format === "raw") {
    bytes = bufferSource(keyData, "keyData");
    if (bytes.length !== 16 && bytes.length !== 24 && bytes.length !== 32) {
      throw new DataError(`raw AES key must be 16, 24 or 32 bytes, got ${bytes.length}`);
    }
  } else {
    if (keyData === null || typeof keyData !== "object" || ArrayBuffer.isView(keyData) || isArrayBuffer(keyData)) {
      throw new SubtleTypeError("keyData must be a JsonWebKey object for format jwk");
    }
    bytes = importJwk(keyData as JsonWebKey, handler, extractable, usages);
  }
  if (usages.length === 0) throw new SubtleSyntaxError("a secret key needs at least one usage");
  return new AesCryptoKey(handler, bytes, extractable, usages);
}

function exportKeySync(format: KeyFormat, key: unknown): ArrayBuffer | JsonWebKey {
  const { bytes, handler } = secretOf(key);
  const k = key as AesCryptoKey;
  if (!k.extractable) throw new InvalidAccessError("key is not extractable");
  return format === "raw" ? toArrayBuffer(bytes.slice()) : exportJwk(handler, bytes, k.usages, k.extractable);
}

/** encrypt/decrypt, or wrapKey/unwrapKey falling back to them (as WebCrypto does). */
function cipher(op: Operation, algorithm: unknown, key: unknown, data: Uint8Array, usage: KeyUsage): Uint8Array {
  const { handler, params } = normalize(algorithm);
  const fallback: Operation = op === "wrapKey" ? "encrypt" : op === "unwrapKey" ? "decrypt" : op;
  const fn = handler[op] ?? handler[fallback];
  if (!fn) throw new NotSupportedError(`${handler.name} does not support ${op}`);
  const secret = checkKey(key, handler, usage, op === "wrapKey" ? "wrappingKey" : op === "unwrapKey" ? "unwrappingKey" : "key");
  return run(fn, params, secret.bytes, data);
}

/** A JWK as UTF-8 JSON, padded with spaces to a multiple of `block` bytes if asked. */
function jwkBytes(jwk: JsonWebKey, block = 1): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(jwk));
  const padded = new Uint8Array(Math.ceil(json.length / block) * block).fill(0x20);
  padded.set(json);
  json.fill(0);
  return padded;
}

/** The WebCrypto-shaped facade (AES only). */
export const subtle = {
  async importKey(format: KeyFormat, keyData: BufferSource | JsonWebKey, algorithm: AlgorithmIdentifier,
    extractable: boolean, keyUsages: KeyUsage[]): Promise<AesCryptoKey> {
    return importKeySync(checkFormat(format), keyData, algorithm, Boolean(extractable), keyUsages);
  },

  exportKey: (async (format: KeyFormat, key: AesCryptoKey): Promise<ArrayBuffer | JsonWebKey> => {
    return exportKeySync(checkFormat(format), key);
  }) as {
    (format: "raw", key: AesCryptoKey): Promise<ArrayBuffer>;
    (format: "jwk", key: AesCryptoKey): Promise<JsonWebKey>;
    (format: KeyFormat, key: AesCryptoKey): Promise<ArrayBuffer | JsonWebKey>;
  },

  /** A random key; `length` 128, 192 or 256 (OperationError otherwise). */
  async generateKey(algorithm: { name: string; length: number }, extractable: boolean, keyUsages: KeyUsage[]): Promise<AesCryptoKey> {
    const usages = checkUsageList(keyUsages);
    const { handler, params } = normalize(algorithm);
    for (const u of usages) {
      if (!handler.usages.includes(u)) throw new SubtleSyntaxError(`${handler.name} keys cannot be used to ${u}`);
    }
    const length = integerMember(params, "length", 65535); // [EnforceRange] unsigned short
    if (length !== 128 && length !== 192 && length !== 256) throw new OperationError(`AES key length must be 128, 192 or 256, got ${length}`);
    const random = (globalThis as { crypto?: { getRandomValues?<T extends ArrayBufferView>(a: T): T } }).crypto;
    if (typeof random?.getRandomValues !== "function") throw new NotSupportedError("crypto.getRandomValues is not available here");
    const bytes = random.getRandomValues(new Uint8Array(length / 8));
    if (usages.length === 0) throw new SubtleSyntaxError("a secret key needs at least one usage");
    return new AesCryptoKey(handler, bytes, Boolean(extractable), usages);
  },

  async encrypt(algorithm: AlgorithmIdentifier, key: AesCryptoKey, data: BufferSource): Promise<ArrayBuffer> {
    secretOf(key);
    const bytes = bufferSource(data, "data");
    return toArrayBuffer(cipher("encrypt", algorithm, key, bytes, "encrypt"));
  },

  async decrypt(algorithm: AlgorithmIdentifier, key: AesCryptoKey, data: BufferSource): Promise<ArrayBuffer> {
    secretOf(key);
    const bytes = bufferSource(data, "data");
    return toArrayBuffer(cipher("decrypt", algorithm, key, bytes, "decrypt"));
  },

  /** Exports `key` (raw bytes, or JWK as UTF-8 JSON) and encrypts it with `wrappingKey`. */
  async wrapKey(format: KeyFormat, key: AesCryptoKey, wrappingKey: AesCryptoKey, wrapAlgorithm: AlgorithmIdentifier): Promise<ArrayBuffer> {
    const f = checkFormat(format);
    secretOf(key);
    secretOf(wrappingKey, "wrappingKey");
    const { handler } = normalize(wrapAlgorithm);
    checkKey(wrappingKey, handler, "wrapKey", "wrappingKey");
    const exported = exportKeySync(f, key);
    const bytes = f === "raw" ? new Uint8Array(exported as ArrayBuffer) : jwkBytes(exported as JsonWebKey, handler.jwkWrapBlock);
    try {
      return toArrayBuffer(cipher("wrapKey", wrapAlgorithm, wrappingKey, bytes, "wrapKey"));
    } finally {
      bytes.fill(0); // the exported key, in the clear
    }
  },

  /** Decrypts `wrappedKey` with `unwrappingKey` and imports the result. */
  async unwrapKey(format: KeyFormat, wrappedKey: BufferSource, unwrappingKey: AesCryptoKey, unwrapAlgorithm: AlgorithmIdentifier,
    unwrappedKeyAlgorithm: AlgorithmIdentifier, extractable: boolean, keyUsages: KeyUsage[]): Promise<AesCryptoKey> {
    const f = checkFormat(format);
    const wrapped = bufferSource(wrappedKey, "wrappedKey");
    secretOf(unwrappingKey, "unwrappingKey");
    checkUsageList(keyUsages);
    normalize(unwrappedKeyAlgorithm);
    const bytes = cipher("unwrapKey", unwrapAlgorithm, unwrappingKey, wrapped, "unwrapKey");
    let keyData: Uint8Array | JsonWebKey = bytes;
    if (f === "jwk") {
      try {
        keyData = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes)) as JsonWebKey;
      } catch {
        throw new DataError("unwrapped bytes are not a JSON Web Key");
      } finally {
        bytes.fill(0);
      }
    }
    try {
      return importKeySync(f, keyData, unwrappedKeyAlgorithm, Boolean(extractable), keyUsages);
    } finally {
      if (keyData instanceof Uint8Array) keyData.fill(0);
    }
  },
};

export type Subtle = typeof subtle;
