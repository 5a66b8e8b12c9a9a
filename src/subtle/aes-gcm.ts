// AES-GCM as WebCrypto defines it: { iv, additionalData?, tagLength? } with tagLength in BITS
// (32, 64, 96, 104, 112, 120 or 128; default 128) and the tag appended to the ciphertext.
// WebCrypto lets callers pick 32- and 64-bit tags without ceremony, so the facade passes
// allowShortTags to the mode; the library's own API keeps asking for the opt-in.
// Failures (bad tag, data shorter than the tag, tagLength not in the list, empty IV) are
// OperationError, as in the spec; a tagLength outside 0..255 is WebIDL's TypeError (octet).
import type { AlgorithmHandler, AlgorithmParams } from "./algorithm.js";
import { bufferSource, bytesMember, integerValue, optionalMember } from "./convert.js";
import { OperationError } from "./errors.js";
import type { GcmOptions } from "../modes/gcm.js";

const TAG_BITS: readonly number[] = [32, 64, 96, 104, 112, 120, 128];

/** AesGcmParams: every member converted (WebIDL order: additionalData, iv, tagLength) before any is checked. */
function convert(dictionary: AlgorithmParams): AlgorithmParams {
  const additionalData = optionalMember(dictionary, "additionalData");
  const aad = additionalData === undefined ? undefined : bufferSource(additionalData, "algorithm.additionalData");
  const iv = bytesMember(dictionary, "iv");
  const tagLength = optionalMember(dictionary, "tagLength");
  const tagBits = tagLength === undefined ? 128 : integerValue(tagLength, "tagLength", 255); // [EnforceRange] octet
  return { additionalData: aad, iv, tagLength: tagBits };
}

/** The operation's checks of the converted parameters (OperationError). */
function gcmParams(params: AlgorithmParams): { iv: Uint8Array; options: GcmOptions } {
  const iv = params.iv as Uint8Array;
  const tagBits = params.tagLength as number;
  if (!TAG_BITS.includes(tagBits)) {
    throw new OperationError(`AES-GCM tagLength must be 32, 64, 96, 104, 112, 120 or 128 bits, got ${tagBits}`);
  }
  // The spec's only IV limit is 2^64 - 1 bytes; an empty IV is meaningless to GCM (SP 800-38D
  // §5.2.1.1 needs at least one bit) and every implementation refuses it.
  if (iv.length === 0) throw new OperationError("AES-GCM iv must not be empty");
  return { iv, options: { aad: params.additionalData as Uint8Array | undefined, tagLength: tagBits / 8, allowShortTags: true } };
}

export const aesGcm: AlgorithmHandler = {
  name: "AES-GCM",
  jwkSuffix: "GCM",
  usages: ["encrypt", "decrypt", "wrapKey", "unwrapKey"],
  params: convert,
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
