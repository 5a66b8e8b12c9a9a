// AES-CTR as WebCrypto defines it: { counter: 16 bytes, length: 1..128 }. Only the low
// `length` bits of the counter block advance, wrapping within them; a single call whose data
// needs more than 2^length blocks would reuse a counter block, and is an OperationError.
import type { AlgorithmHandler, AlgorithmParams, CipherOperation } from "./algorithm.js";
import { bytesMember, integerMember } from "./convert.js";
import { OperationError } from "./errors.js";

function check(params: AlgorithmParams, dataLength: number): { counter: Uint8Array; length: number } {
  const counter = params.counter as Uint8Array;
  const length = params.length as number;
  if (counter.length !== 16) throw new OperationError(`AES-CTR counter must be 16 bytes, got ${counter.length}`);
  if (length === 0 || length > 128) throw new OperationError(`AES-CTR length must be 1..128, got ${length}`);
  const blocks = Math.ceil(dataLength / 16);
  if (length < 53 && blocks > 2 ** length) {
    throw new OperationError(`AES-CTR with length ${length} allows ${2 ** length} blocks per call; the data needs ${blocks}`);
  }
  return { counter, length };
}

// CTR is its own inverse; decrypting through decrypt() keeps the one-encryption-per-IV guard
// of the mode object out of the way (a fresh mode object is made per call anyway).
const run: CipherOperation = (params, key, data) => {
  const { counter, length } = check(params, data.length);
  return key.ctr(counter, { counterBits: length }).decrypt(data);
};

export const aesCtr: AlgorithmHandler = {
  name: "AES-CTR",
  jwkSuffix: "CTR",
  usages: ["encrypt", "decrypt", "wrapKey", "unwrapKey"],
  // AesCtrParams, members in WebIDL order: counter, then length ([EnforceRange] octet)
  params: (dictionary) => ({ counter: bytesMember(dictionary, "counter"), length: integerMember(dictionary, "length", 255) }),
  encrypt: run,
  decrypt: run,
};
