// AES-KW as WebCrypto defines it: RFC 3394 key wrap with the default IV, no parameters, and
// only wrapKey/unwrapKey (an encrypt or decrypt with it is NotSupportedError, as the
// algorithm registers no such operation). The wrapped payload must be 16+ bytes in
// multiples of 8; a raw AES key always is, a JWK's JSON is padded to fit (jwkWrapBlock).
// A payload that does not fit, or an unwrap whose integrity check fails, is OperationError.
import type { AlgorithmHandler } from "./algorithm.js";

export const aesKw: AlgorithmHandler = {
  name: "AES-KW",
  jwkSuffix: "KW",
  usages: ["wrapKey", "unwrapKey"],
  wrapKey: (_params, key, data) => key.kw().wrap(data),
  unwrapKey: (_params, key, data) => key.kw().unwrap(data),
  // The spec's note on wrapKey lets a JWK serialization adapt to the wrapping algorithm;
  // Node pads with spaces too, so our wrapped JWKs are the same size as Node's.
  jwkWrapBlock: 8,
};
