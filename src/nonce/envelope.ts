// The counter block travels with the data: sealCtr() returns counterBlock || ciphertext,
// openCtr() reads the block back from the front. CTR only: no integrity — pair with a MAC
// (encrypt-then-MAC over the whole sealed bytes) or use an AEAD when tampering matters.
import { asBytes } from "../bytes.js";
import { CounterExhaustedError, DataLengthError } from "../errors.js";
import type { AesKey } from "../key.js";
import { bare, integerOption, ownOptions } from "./own.js";
import { DEFAULT_MAX_BLOCKS_PER_MESSAGE, MAX_BLOCKS_PER_MESSAGE_LIMIT, type NonceSource } from "./source.js";

/** Bytes of the counter block at the front of a sealed message. */
export const COUNTER_BLOCK_BYTES = 16;

/**
 * Encrypts `data` with AES-CTR under a fresh block from `source`; returns block || ciphertext.
 * **Unauthenticated**: anyone can flip bits of the ciphertext and openCtr() returns the changed
 * plaintext without noticing. Kept for existing data.
 * @deprecated Use `seal(key, data, { nonceSource: source })` / `open(key, sealed)` (AES-GCM,
 * authenticated, versioned header; docs/envelope.md).
 */
export async function sealCtr(key: AesKey, source: NonceSource, data: Uint8Array): Promise<Uint8Array> {
  const src = asBytes(data);
  const blocks = Math.ceil(src.length / 16);
  // Refuse before drawing, so a too-long message does not consume a nonce.
  if (blocks > source.maxBlocksPerMessage) {
    throw new CounterExhaustedError(
      `message needs ${blocks} blocks; this NonceSource allows ${source.maxBlocksPerMessage} per message`);
  }
  const block = await source.next();
  const sealed = new Uint8Array(COUNTER_BLOCK_BYTES + src.length);
  sealed.set(block);
  key.ctr(block, bare(source.ctrOptions)).encrypt(src, sealed.subarray(COUNTER_BLOCK_BYTES));
  return sealed;
}

export interface OpenCtrOptions {
  /** Refuse messages longer than this many blocks (default 2^32, NonceSource's default). */
  maxBlocks?: number;
}

/**
 * Decrypts the output of sealCtr(): reads the counter block from the front. **Unauthenticated**:
 * a tampered message decrypts to changed plaintext with no error.
 * @deprecated Use `open(key, sealed)` on envelopes made by `seal()` (authenticated; docs/envelope.md).
 */
export function openCtr(key: AesKey, sealed: Uint8Array, options?: OpenCtrOptions): Uint8Array {
  // Own properties only (own.ts), checked before anything is decrypted.
  const maxBlocks = integerOption(ownOptions(options, ["maxBlocks"], "openCtr options").maxBlocks,
    DEFAULT_MAX_BLOCKS_PER_MESSAGE, 1, MAX_BLOCKS_PER_MESSAGE_LIMIT, "maxBlocks");
  const s = asBytes(sealed, "sealed");
  if (s.length < COUNTER_BLOCK_BYTES) {
    throw new DataLengthError(`sealed data must start with a ${COUNTER_BLOCK_BYTES}-byte counter block, got ${s.length} bytes`);
  }
  const mode = key.ctr(s.subarray(0, COUNTER_BLOCK_BYTES), bare({ counterBits: 128 as const, maxBlocks }));
  return mode.decrypt(s.subarray(COUNTER_BLOCK_BYTES));
}
