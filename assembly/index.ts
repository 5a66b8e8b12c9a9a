// The exported ABI: integers in, integers out; no GC objects cross the boundary.
// Pointers are byte offsets into this module's memory (see layout.ts); `key` is a key slot,
// `state` a state slot, `io` a region (normally the IO window) processed in place.
import { writeVpermTables } from "./vperm-tables.generated";
import { encryptBlock, decryptBlock } from "./block";
import { GCM_SLOT_SIZE } from "./layout";

export {
  IO, IO_SIZE, FIXED_END, KEY_SLOT_SIZE, STATE_SLOT_SIZE,
  KEY_ENC, KEY_DEC, KEY_VP_ENC, KEY_VP_DEC, KEY_ROUNDS, KEY_RAW, STATE_REG, STATE_KS, STATE_CTR_MASK, STATE_POS,
  BS_ENC_KEYS, BS_DEC_KEYS, BS_INPUT, CT_TABLES, CT_TABLES_END,
} from "./layout";
export { expandKey, expandEncryptionKey, expandDecryptionKey } from "./key";
export { ecbEncrypt, ecbDecrypt } from "./ecb";
export { cbcEncrypt, cbcDecrypt } from "./cbc";
export { cfbEncrypt, cfbDecrypt, cfb8Encrypt, cfb8Decrypt, cfb1Encrypt, cfb1Decrypt } from "./cfb";
export { ofb } from "./ofb";
export { ctr, ctr32le } from "./ctr";
export { xtsEncrypt, xtsDecrypt, xtsEncryptLast, xtsDecryptLast } from "./xts";
export { ocbSetup, ocbNonce, ocbEncrypt, ocbDecrypt, ocbEncryptLast, ocbDecryptLast, ocbAad, ocbAadLast, ocbTag } from "./ocb";
export { OCB_SLOT_SIZE, OCB_BLOCKS, OCB_AAD_BLOCKS } from "./layout";
export { ghashSetup, ghash, polyvalSetup, polyval } from "./ghash";
export { GCM_SLOT_SIZE, GCM_ACC, GCM_BLOCK, GCM_TABLE } from "./layout";
export { gcmShortSeal, gcmShortOpen } from "./gcm-short";

writeVpermTables();

/** Bytes of a GCM slot (the host allocates them like state slots). */
export function gcmSlotSize(): usize {
  return GCM_SLOT_SIZE;
}

/** Zeroes `len` bytes at `ptr`: slots and key bytes are wiped here, as one memory.fill is
 * cheaper than a TypedArray fill from JS for these sizes. */
export function wipe(ptr: usize, len: usize): void {
  memory.fill(ptr, 0, len);
}

/** First byte above the compiler's static data: where host-allocated slots may start. */
export function heapBase(): usize {
  return __heap_base;
}

/** One block, for callers that want a single block without a mode (hex helpers, tests). */
export function encryptOne(key: usize, src: usize, dst: usize): void {
  encryptBlock(key, src, dst);
}

export function decryptOne(key: usize, src: usize, dst: usize): void {
  decryptBlock(key, src, dst);
}
