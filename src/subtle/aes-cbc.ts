// AES-CBC as WebCrypto defines it: { iv: 16 bytes }, PKCS#7 padding always. A ciphertext that
// is empty, not whole blocks, or badly padded is one OperationError (no padding oracle in
// the error either).
import type { AlgorithmHandler, AlgorithmParams } from "./algorithm.js";
import { bytesMember } from "./convert.js";
import { OperationError } from "./errors.js";

function iv(params: AlgorithmParams): Uint8Array {
  const v = params.iv as Uint8Array;
  if (v.length !== 16) throw new OperationError(`AES-CBC iv must be 16 bytes, got ${v.length}`);
  return v;
}

export const aesCbc: AlgorithmHandler = {
  name: "AES-CBC",
  jwkSuffix: "CBC",
  usages: ["encrypt", "decrypt", "wrapKey", "unwrapKey"],
  params: (dictionary) => ({ iv: bytesMember(dictionary, "iv") }), // AesCbcParams
  encrypt: (params, key, data) => key.cbc(iv(params), { padding: "pkcs7" }).encrypt(data),
  decrypt: (params, key, data) => {
    const mode = key.cbc(iv(params), { padding: "pkcs7" });
    if (data.length === 0 || data.length % 16 !== 0) throw new OperationError("AES-CBC decryption failed");
    return mode.decrypt(data);
  },
};
