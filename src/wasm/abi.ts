// The contract between the TypeScript layer and a core. The WASM module (assembly/index.ts)
// implements it; so does the pure-TypeScript reference core (src/reference/core.ts), which is
// how the same API and test suites run on either backend.
//
// All numbers are byte offsets into `memory` or byte/bit counts. `key` is a key slot and
// `state` a state slot (sizes and field offsets in CoreLayout); `io` points at bytes that are
// processed in place. Lengths for ECB/CBC are multiples of 16 (the host checks).

export interface CoreKernels {
  /**
   * Expands the key bytes at keyPtr into the key slot; returns Nr (10/12/14) or 0 if keyLen is
   * bad. keyPtr may be the slot's own KEY_ENC (the key is read before anything is written).
   */
  expandKey(key: number, keyPtr: number, keyLen: number): number;
  /** As expandKey, but only what encryption needs (CTR, OFB, CFB never decrypt a block). */
  expandEncryptionKey(key: number, keyPtr: number, keyLen: number): number;
  /** Completes a key from expandEncryptionKey for block decryption (ECB/CBC decrypt, decryptOne). */
  expandDecryptionKey(key: number): void;
  encryptOne(key: number, src: number, dst: number): void;
  decryptOne(key: number, src: number, dst: number): void;
  ecbEncrypt(key: number, io: number, len: number): void;
  ecbDecrypt(key: number, io: number, len: number): void;
  cbcEncrypt(key: number, state: number, io: number, len: number): void;
  cbcDecrypt(key: number, state: number, io: number, len: number): void;
  /** CFB128; any byte length, resumable mid-block through STATE_POS. */
  cfbEncrypt(key: number, state: number, io: number, len: number): void;
  cfbDecrypt(key: number, state: number, io: number, len: number): void;
  cfb8Encrypt(key: number, state: number, io: number, len: number): void;
  cfb8Decrypt(key: number, state: number, io: number, len: number): void;
  /** CFB1 over `nbits` bits, most significant bit of each byte first. */
  cfb1Encrypt(key: number, state: number, io: number, nbits: number): void;
  cfb1Decrypt(key: number, state: number, io: number, nbits: number): void;
  /** OFB; any byte length, resumable mid-block through STATE_POS. */
  ofb(key: number, state: number, io: number, len: number): void;
  /**
   * CTR; any byte length; counter bits selected by STATE_CTR_MASK advance, big-endian.
   * STATE_KS holds the current keystream block only while STATE_POS != 0.
   */
  ctr(key: number, state: number, io: number, len: number): void;
  /**
   * XTS (IEEE 1619) over `len` bytes at `io`, a multiple of 16, with the key slot of K1; STATE_REG
   * holds the tweak of the next block (the host writes T_0 = E_K2(i) there) and advances.
   */
  xtsEncrypt(key: number, state: number, io: number, len: number): void;
  xtsDecrypt(key: number, state: number, io: number, len: number): void;
  /** Ciphertext stealing over the last full block and the 1..15 bytes after it (`len` 17..31). */
  xtsEncryptLast(key: number, state: number, io: number, len: number): void;
  xtsDecryptLast(key: number, state: number, io: number, len: number): void;
  /** OCB3 (RFC 7253): fills the OCB slot's L table from the key and zeroes its counters and sums. */
  ocbSetup(key: number, ocb: number): void;
  /** Offset_0 from the 16-byte formatted nonce block at `nonce`; clears the checksum. */
  ocbNonce(key: number, ocb: number, nonce: number): void;
  /** Whole data blocks (`len` a multiple of 16) in place, checksum over the plaintext. */
  ocbEncrypt(key: number, ocb: number, io: number, len: number): void;
  ocbDecrypt(key: number, ocb: number, io: number, len: number): void;
  /** A last partial data block of `r` (1..15) bytes. */
  ocbEncryptLast(key: number, ocb: number, io: number, r: number): void;
  ocbDecryptLast(key: number, ocb: number, io: number, r: number): void;
  /** Whole AAD blocks into the AAD sum; ocbAadLast: a last partial AAD block of `r` bytes. */
  ocbAad(key: number, ocb: number, io: number, len: number): void;
  ocbAadLast(key: number, ocb: number, io: number, r: number): void;
  /** The full 16-byte tag (E(Checksum ^ Offset ^ L_$) ^ HASH(K, A)) to `out`. */
  ocbTag(key: number, ocb: number, out: number): void;
  /**
   * CTR with GCM-SIV's counter (RFC 8452 §4): bytes 0..3 of the block are a little-endian
   * 32-bit counter (mod 2^32). STATE_CTR_MASK is read in the same byte order: bytes 0..3 0xff.
   */
  ctr32le(key: number, state: number, io: number, len: number): void;
  /** As ghashSetup, for POLYVAL (RFC 8452 §3) with key H (16 bytes at `h`) in a GCM slot. */
  polyvalSetup(gcm: number, h: number): void;
  /** POLYVAL over `len` bytes at `io` (a multiple of 16), accumulator S the 16 bytes at `acc`. */
  polyval(gcm: number, acc: number, io: number, len: number): void;
  /** Zeroes `len` bytes at `ptr` (slots, key bytes). */
  wipe(ptr: number, len: number): void;
  /** First address the host may use for slots. */
  heapBase(): number;
  /** Bytes of a GCM slot: GHASH accumulator (GCM_ACC), host scratch block (GCM_BLOCK), then the core's H table. */
  gcmSlotSize(): number;
  /** Prepares the GCM slot for hash subkey H (16 bytes at `h`, as on the wire). Leaves GCM_ACC as it is. */
  ghashSetup(gcm: number, h: number): void;
  /**
   * GHASH (SP 800-38D §6.4) over `len` bytes at `io`, a multiple of 16: for each block X,
   * Y = (Y xor X)·H in GF(2^128), with Y the 16 bytes at `acc` (normally gcm + GCM_ACC).
   */
  ghash(gcm: number, acc: number, io: number, len: number): void;
  /**
   * Optional (the WASM core's GHASH part has them; src/modes/gcm.ts does without): a whole
   * short GCM message in one call, in the window layout of assembly/gcm-short.ts. Seal: C in
   * place, the tag after it, the first `prefix` AAD bytes before it.
   */
  gcmShortSeal?(key: number, gcm: number, io: number, n: number, a: number, prefix: number): void;
  /** Open: 1 and the plaintext in place if the first `tagLength` tag bytes match, else 0 and the ciphertext. */
  gcmShortOpen?(key: number, gcm: number, io: number, n: number, a: number, tagLength: number): number;
}

/** Offsets in a GCM slot shared by every core: the GHASH accumulator and a 16-byte host scratch block. */
export const GCM_ACC = 0;
export const GCM_BLOCK = 16;

export interface CoreLayout {
  IO: number;
  IO_SIZE: number;
  KEY_SLOT_SIZE: number;
  STATE_SLOT_SIZE: number;
  KEY_ENC: number;
  KEY_DEC: number;
  KEY_ROUNDS: number;
  /** Where the raw key bytes stay in a key slot after expansion (an evicted key is saved as just these). */
  KEY_RAW: number;
  STATE_REG: number;
  STATE_KS: number;
  STATE_CTR_MASK: number;
  STATE_POS: number;
  /** Bytes of an OCB slot (the kernels' own format; the host only allocates and wipes it). */
  OCB_SLOT_SIZE: number;
}

/** What a backend provides: kernels, its memory, and where things are in it. */
export interface CoreInstance {
  kernels: CoreKernels;
  /** `buffer` is replaced when the memory grows; `grow` adds 64 KiB pages. */
  memory: { readonly buffer: ArrayBuffer; grow(pages: number): number };
  layout: CoreLayout;
}

/**
 * 'wasm': the WASM core (one build, with WASM SIMD: the bitsliced kernels need it); 'js': the
 * reference core, which also takes over where WebAssembly or its SIMD is unavailable.
 */
export type BackendKind = "wasm" | "js";
