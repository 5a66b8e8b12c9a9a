// AES-GCM as WebCrypto defines it: { iv, additionalData?, tagLength? } with tagLength in BITS
// (32, 64, 96, 104, 112, 120 or 128; default 128) and the tag appended to the ciphertext.
// WebCrypto lets callers pick 32- and 64-bit tags without ceremony, so the facade passes
// allowShortTags to the mode; the library's own API keeps asking for the opt-in.
// Failures (bad tag, data shorter than the tag, tagLength not in the list, empty IV) are
// OperationError, as in the spec; a tagLength outside 0..255 is WebIDL's TypeError (octet).
import type { AlgorithmHandler, AlgorithmParams } from "./algorithm.js";
import { bufferSource, bytesMember, integerMember, optionalMember } from "./convert.js";
import { OperationError } from "./errors.js";
import type { GcmOptions } from "../modes/gcm.js";

const TAG_BITS: readonly number[] = [32, 64, 96, 104, 112, 120, 128];

function gcmParams(params: AlgorithmParams): { iv: Uint8Array; options: GcmOptions } {
  // WebIDL converts every member before the operation checks any of them.
  const additionalData = optionalMember(params, "additionalData");
  const aad = additionalData === undefined ? undefined : bufferSource(additionalData, "algorithm.additionalData");
  const iv = bytesMember(params, "iv");
  const tagBits = optionalMember(params, "tagLength") === undefined ? 128 : integerMember(params, "tagLength", 255); // [EnforceRange] octet
  if (!TAG_BITS.includes(tagBits)) {
    throw new OperationError(`AES-GCM tagLength must be 32, 64, 96, 104, 112, 120 or 128 bits, got ${tagBits}`);
  }
  // The spec's only IV limit is 2^64 - 1 bytes; an empty IV is meaningless to GCM (SP 800-38D
  // §5.2.1.1 needs at least one bit) and every implementation refuses it.
  if (iv.length === 0) throw new OperationError("AES-GCM iv must not be empty");
  return { iv, options: { aad, tagLength: tagBits / 8, allowShortTags: true } };
}

export const aesGcm: AlgorithmHandler = {
  name: "AES-GCM",
  jwkSuffix: "GCM",
  usages: ["encrypt", "decrypt", "wrapKey", "unwrapKey"],
  encrypt: (params, key, data) => {
    const { iv, options } = gcmParams(params);
    return key.gcm(iv, options).encrypt(data);
  },
  // The mode checks the tag before it decrypts anything; a short or tampered input is a
  // DecryptionError, which the dispatcher turns into OperationError.
  decrypt: (params, key, data) => {
    const { iv, options } = gcmParams(params);
    return key.gcm(iv, options).decrypt(data);
  },
};
