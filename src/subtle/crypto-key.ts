// The facade's CryptoKey: the same readable shape as WebCrypto's (type, extractable,
// algorithm, usages). The raw key bytes stay in a module-private WeakMap, out of reach of
// callers; each operation expands them into the core and wipes the expansion afterwards, so
// no WASM key slot outlives a call.
import type { AlgorithmHandler } from "./algorithm.js";
import { SubtleTypeError } from "./errors.js";
import type { KeyAlgorithm, KeyUsage } from "./types.js";

const secrets = new WeakMap<AesCryptoKey, { bytes: Uint8Array; handler: AlgorithmHandler }>();

// The order WebCrypto implementations report usages in, whatever order they were given in.
const USAGE_ORDER: readonly KeyUsage[] = ["encrypt", "decrypt", "sign", "verify", "deriveKey", "deriveBits", "wrapKey", "unwrapKey"];

export class AesCryptoKey {
  readonly type = "secret" as const;
  readonly extractable: boolean;
  readonly algorithm: KeyAlgorithm;
  readonly usages: KeyUsage[];

  /** Made by subtle.importKey / generateKey / unwrapKey, not directly. */
  constructor(handler: AlgorithmHandler, bytes: Uint8Array, extractable: boolean, usages: readonly KeyUsage[]) {
    this.extractable = extractable;
    this.algorithm = Object.freeze({ name: handler.name, length: bytes.length * 8 });
    this.usages = USAGE_ORDER.filter((u) => usages.includes(u));
    secrets.set(this, { bytes, handler });
  }

  get [Symbol.toStringTag](): string {
    return "CryptoKey";
  }
}

/** The key's bytes and algorithm; TypeError for anything that is not one of our keys. */
export function secretOf(key: unknown, what = "key"): { bytes: Uint8Array; handler: AlgorithmHandler } {
  const secret = key instanceof AesCryptoKey ? secrets.get(key) : undefined;
  if (!secret) {
    throw new SubtleTypeError(`${what} must be a key made by this library's subtle (importKey/generateKey/unwrapKey); ` +
      "keys of the platform's crypto.subtle cannot be read synchronously");
  }
  return secret;
}
