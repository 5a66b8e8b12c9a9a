// Random 96-bit nonces for the envelope, and the per-key count of them.
//
// Bound: SP 800-38D §8.3 allows at most 2^32 GCM messages per key with random IVs (beyond that
// the odds of two equal IVs, which break GCM, pass 2^-32). The count is kept per AesKey object
// in a WeakMap (nothing is added to the key, and a forgotten key takes its count with it). The
// count cannot outlive the process: a key that is persisted and reloaded starts again at 0, so
// programs that seal more than a few million messages per key, or across restarts for years,
// should rotate keys or use a NonceSource (counter-based nonces).
//
// Pool: one crypto.getRandomValues call costs ~2 µs in Node 20 and grows little with its size
// (768 bytes ~2.2 µs, 4 KiB ~2.7 µs) — on its own more than half of a 64-byte node:crypto GCM
// message. Nonces are taken from a pool of POOL_NONCES (4092 bytes), refilled by one call:
// ~8 ns per nonce. Each nonce's bytes are zeroed as they are handed out, so no two envelopes
// get the same pool bytes. The pool is this module's, so it is per JS realm: a worker thread
// loads its own copy and fills it from its own getRandomValues, and a child process starts
// with none (child_process.fork() starts a new process; it does not copy the running one). Nonces are public (they travel in the header), so
// the pool holds nothing secret. Its one hazard is a process whose memory is cloned (a VM or
// serverless snapshot restored twice, a Node startup snapshot built after seal() ran) replaying
// the pool — the same hazard OpenSSL's in-process DRBG, which Node's getRandomValues draws
// from, already has; docs/envelope.md says what to use there.
import { KeyUsageLimitError } from "../errors.js";
import type { AesKey } from "../key.js";
import { ENVELOPE_NONCE_BYTES } from "./format.js";

/** Most envelopes one key seals with random nonces (SP 800-38D §8.3). */
export const RANDOM_NONCE_LIMIT = 2 ** 32;

const POOL_NONCES = 341; // 4092 bytes: one 4 KiB getRandomValues call
const pool = new Uint8Array(POOL_NONCES * ENVELOPE_NONCE_BYTES);
let poolAt = pool.length;

/** Per key: how many envelopes it sealed with random nonces. A box, so one WeakMap lookup per seal. */
const counts = new WeakMap<AesKey, { n: number }>();

/**
 * Counts one more random-nonce message for `key`, refusing the one past the limit (before
 * anything is encrypted), then writes a fresh random nonce into `out` at `at`.
 */
export function drawRandomNonce(key: AesKey, out: Uint8Array, at: number): void {
  let box = counts.get(key);
  if (box === undefined) counts.set(key, (box = { n: 0 }));
  if (box.n >= RANDOM_NONCE_LIMIT) {
    throw new KeyUsageLimitError(`this key has sealed ${RANDOM_NONCE_LIMIT} messages with random nonces, `
      + "the most SP 800-38D §8.3 allows; use a new key (or a NonceSource)");
  }
  box.n++;
  if (poolAt === pool.length) {
    globalThis.crypto.getRandomValues(pool);
    poolAt = 0;
  }
  for (let i = 0; i < ENVELOPE_NONCE_BYTES; i++) {
    out[at + i] = pool[poolAt + i]!;
    pool[poolAt + i] = 0; // a nonce is handed out once
  }
  poolAt += ENVELOPE_NONCE_BYTES;
}

/** How many random-nonce envelopes `key` has sealed. */
export function randomNonceCount(key: AesKey): number {
  return counts.get(key)?.n ?? 0;
}

/** @internal Tests only: sets the count, to reach the limit without 2^32 messages. */
export function setRandomNonceCountForTest(key: AesKey, n: number): void {
  counts.set(key, { n });
}
