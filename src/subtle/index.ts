// The WebCrypto-shaped facade: `subtle`, its key type and its errors.
export { subtle, type Subtle } from "./subtle.js";
export { AesCryptoKey } from "./crypto-key.js";
export { SubtleError, OperationError, DataError, InvalidAccessError, NotSupportedError, SubtleSyntaxError, SubtleTypeError } from "./errors.js";
export type { AlgorithmHandler, AlgorithmParams, CipherOperation } from "./algorithm.js";
export type { AlgorithmIdentifier, AesCbcParams, AesCtrParams, AesGcmParams, AesKeyGenParams, BufferSource, JsonWebKey, KeyAlgorithm, KeyFormat, KeyUsage } from "./types.js";
