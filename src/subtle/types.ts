// The WebCrypto shapes the facade accepts, declared here so the package's types do not depend
// on the DOM lib (Node users compile without it).

export type KeyUsage = "encrypt" | "decrypt" | "wrapKey" | "unwrapKey" | "sign" | "verify" | "deriveKey" | "deriveBits";
export type KeyFormat = "raw" | "jwk";
export type BufferSource = ArrayBuffer | ArrayBufferView;

/** An algorithm name, or a dictionary with `name` and the algorithm's parameters. */
export type AlgorithmIdentifier = string | { name: string; [param: string]: unknown };

export interface AesCtrParams { name: string; counter: BufferSource; length: number }
export interface AesCbcParams { name: string; iv: BufferSource }
/** tagLength in bits: 32, 64, 96, 104, 112, 120 or 128 (default 128). */
export interface AesGcmParams { name: string; iv: BufferSource; additionalData?: BufferSource; tagLength?: number }
export interface AesKeyGenParams { name: string; length: number }

export interface JsonWebKey {
  kty?: string;
  k?: string;
  alg?: string;
  use?: string;
  key_ops?: string[];
  ext?: boolean;
}

export interface KeyAlgorithm {
  readonly name: string;
  readonly length: number;
}
