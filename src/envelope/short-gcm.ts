// AES-GCM (SP 800-38D) with a 96-bit IV and a 16-byte tag for short messages, in as few kernel
// calls as the algorithm allows: the envelope's fast path. GcmMode (src/modes/gcm.ts) spends
// about 3 µs per message on fixed costs (two slot leases, H and E_K(J0) as two separate block
// encryptions, a CTR call); for a 64-byte message that is most of the time. Here one ECB call
// encrypts 0^128 (→ H), J0 (→ the tag mask) and the counter blocks inc32(J0), inc32²(J0), …
// (→ the keystream) together, and one GHASH call hashes AAD ‖ C ‖ lengths, laid out in the IO
// window with their zero padding.
//
// Constant time: every branch and index depends on lengths only. The keystream is XORed with the
// data in JS (a few hundred bytes at most); the tag is compared with an OR of XORs over all 16
// bytes. Secrets in WASM memory (H's table, E_K(J0), the keystream) are wiped before the call
// returns, on every path; decryption writes no plaintext anywhere until the tag has matched.
import { DecryptionError } from "../errors.js";
import type { AesKey } from "../key.js";
import { GCM_ACC } from "../wasm/abi.js";

/** Most plaintext bytes, and most AAD bytes, the short path takes (the rest goes through GcmMode). */
export const SHORT_GCM_MAX_BYTES = 4096;

const pad16 = (n: number): number => (n + 15) & ~15;

/**
 * Runs the shared part for a message of `n` bytes: keystream and tag mask in the window,
 * H's table in a GCM slot. Then `body` (which must not throw after writing plaintext) runs with
 * the window laid out as below, and everything is wiped.
 *   io + 0        E_K(0^128) = H, then zeroed
 *   io + 16       E_K(J0)             (the tag mask)
 *   io + 32       keystream, pad16(n) bytes
 *   io + hashAt   AAD ‖ 0* ‖ C ‖ 0* ‖ [len(A)]64 ‖ [len(C)]64   (written by the caller)
 */
function withKeystream<T>(key: AesKey, nonce: Uint8Array, aadParts: readonly Uint8Array[], n: number,
  body: (mem: Uint8Array, io: number, hashAt: number, ctAt: number, acc: number) => T): T {
  const slot = key.slot; // DisposedError; may load an evicted key (memory can grow here)
  const core = key.core;
  const gcmSize = core.gcmSlotSize;
  const gcm = core.allocGcmSlot(); // may grow memory too: `mem` is read after both
  const { io, k } = core;
  const mem = core.mem;
  let aadLength = 0;
  for (const p of aadParts) aadLength += p.length;
  const ksBytes = pad16(n);
  const hashAt = io + 32 + ksBytes;
  const ctAt = hashAt + pad16(aadLength);
  const lenAt = ctAt + ksBytes;
  const used = lenAt + 16 - io;
  try {
    // Counter blocks: 0^128, J0 = nonce ‖ 0^31 ‖ 1, then nonce ‖ [2, 3, …]32. The counter
    // never wraps: at most 4096 bytes is 257 blocks.
    mem.fill(0, io, io + 16);
    const blocks = 2 + ksBytes / 16;
    for (let b = 1; b < blocks; b++) {
      const at = io + 16 * b;
      mem.set(nonce, at);
      const c = b;
      mem[at + 12] = 0; mem[at + 13] = 0; mem[at + 14] = c >>> 8; mem[at + 15] = c & 0xff;
    }
    k.ecbEncrypt(slot, io, 16 * blocks);
    k.ghashSetup(gcm, io);
    mem.fill(0, io, io + 16);
    mem.fill(0, gcm + GCM_ACC, gcm + GCM_ACC + 16);
    // AAD with its padding, and the lengths block; the caller writes C (and its padding) at ctAt.
    let at = hashAt;
    for (const p of aadParts) {
      mem.set(p, at);
      at += p.length;
    }
    mem.fill(0, at, ctAt);
    mem.fill(0, ctAt + n, lenAt);
    writeBitLength(mem, lenAt, aadLength);
    writeBitLength(mem, lenAt + 8, n);
    return body(mem, io, hashAt, ctAt, gcm + GCM_ACC);
  } finally {
    k.wipe(io, used);
    core.release(gcm, gcmSize); // wipes H's table and the accumulator
  }
}

/** [8·bytes]_64 big-endian at `at` (bytes < 2^29 here). */
function writeBitLength(mem: Uint8Array, at: number, bytes: number): void {
  const bits = bytes * 8;
  mem[at] = 0; mem[at + 1] = 0; mem[at + 2] = 0; mem[at + 3] = 0;
  mem[at + 4] = bits >>> 24; mem[at + 5] = (bits >>> 16) & 0xff; mem[at + 6] = (bits >>> 8) & 0xff; mem[at + 7] = bits & 0xff;
}

/**
 * Encrypts `pt` (≤ SHORT_GCM_MAX_BYTES) under a 12-byte nonce with AAD = the concatenation of
 * `aadParts` (≤ SHORT_GCM_MAX_BYTES in all): C goes to out[at .. at+n), the tag right after it.
 */
export function shortGcmSeal(key: AesKey, nonce: Uint8Array, aadParts: readonly Uint8Array[], pt: Uint8Array,
  out: Uint8Array, at: number): void {
  const n = pt.length;
  withKeystream(key, nonce, aadParts, n, (mem, io, hashAt, ctAt, acc) => {
    const ks = io + 32;
    for (let i = 0; i < n; i++) {
      const c = pt[i]! ^ mem[ks + i]!;
      mem[ctAt + i] = c;
      out[at + i] = c;
    }
    key.core.k.ghash(accGcm(acc), acc, hashAt, ctAt + pad16(n) + 16 - hashAt);
    for (let i = 0; i < 16; i++) out[at + n + i] = mem[acc + i]! ^ mem[io + 16 + i]!;
  });
}

/**
 * Decrypts C ‖ tag (`sealed`, at least 16 bytes) into `out` (n = sealed.length − 16 bytes) if
 * the tag matches; otherwise DecryptionError and `out` is not written.
 */
export function shortGcmOpen(key: AesKey, nonce: Uint8Array, aadParts: readonly Uint8Array[], sealed: Uint8Array,
  out: Uint8Array): void {
  const n = sealed.length - 16;
  withKeystream(key, nonce, aadParts, n, (mem, io, hashAt, ctAt, acc) => {
    mem.set(sealed.subarray(0, n), ctAt);
    key.core.k.ghash(accGcm(acc), acc, hashAt, ctAt + pad16(n) + 16 - hashAt);
    let diff = 0;
    for (let i = 0; i < 16; i++) diff |= mem[acc + i]! ^ mem[io + 16 + i]! ^ sealed[n + i]!;
    if (diff !== 0) throw new DecryptionError();
    const ks = io + 32;
    for (let i = 0; i < n; i++) out[i] = sealed[i]! ^ mem[ks + i]!;
  });
}

/** The GCM slot whose accumulator is at `acc` (GCM_ACC is its offset in the slot). */
const accGcm = (acc: number): number => acc - GCM_ACC;
