// AES-GCM (SP 800-38D) with a 96-bit IV and a 16-byte tag for short messages, in as few kernel
// calls as the algorithm allows: the envelope's fast path. GcmMode (src/modes/gcm.ts) spends
// about 3 µs per message on fixed costs (two slot leases, H and E_K(J0) as two separate block
// encryptions, a CTR call); for a 64-byte message that is most of the time. Here one ECB call
// encrypts 0^128 (→ H), J0 (→ the tag mask) and the counter blocks inc32(J0), inc32²(J0), …
// (→ the keystream) together, and one GHASH call hashes AAD ‖ C ‖ lengths, laid out in the IO
// window with their zero padding. Small copies are byte loops: for a few dozen bytes a loop
// costs less than making the subarray a TypedArray.set call needs.
//
// Constant time: every branch and index depends on lengths only. The keystream is XORed with the
// data in JS (at most 4 KiB); the tag is compared with an OR of XORs over all 16 bytes. Secrets
// in WASM memory (H's table, E_K(J0), the keystream) are wiped before the call returns, on every
// path; decryption writes no plaintext anywhere until the tag has matched.
//
// The IO window during a call, for n data bytes and `a` AAD bytes:
//   io + 0        E_K(0^128) = H (zeroed once H's table is made)
//   io + 16       E_K(J0), the tag mask
//   io + 32       keystream, pad16(n) bytes
//   hashAt        AAD ‖ 0* ‖ C ‖ 0* ‖ [8a]_64 ‖ [8n]_64     (hashAt = io + 32 + pad16(n))
import { DecryptionError } from "../errors.js";
import type { AesKey } from "../key.js";
import type { Core } from "../wasm/core.js";
import { GCM_ACC } from "../wasm/abi.js";

/** Most plaintext bytes, and most AAD bytes, the short path takes (the rest goes through GcmMode). */
export const SHORT_GCM_MAX_BYTES = 4096;

const pad16 = (n: number): number => (n + 15) & ~15;

/**
 * Fills the window's counter blocks and AAD, runs the ECB kernel and sets up H's table in a
 * fresh GCM slot (returned; the caller releases it). `mem` must be read after this (the slot
 * allocation may grow memory).
 */
function prepare(core: Core, slot: number, nonce: Uint8Array, nonceAt: number, n: number,
  aad1: Uint8Array, aad1Length: number, aad2: Uint8Array): number {
  const gcm = core.allocGcmSlot();
  try {
    fill(core, slot, gcm, nonce, nonceAt, n, aad1, aad1Length, aad2);
  } catch (e) {
    core.k.wipe(core.io, windowBytes(n, aad1Length + aad2.length));
    core.release(gcm, core.gcmSlotSize);
    throw e;
  }
  return gcm;
}

function fill(core: Core, slot: number, gcm: number, nonce: Uint8Array, nonceAt: number, n: number,
  aad1: Uint8Array, aad1Length: number, aad2: Uint8Array): void {
  const { io, k } = core;
  const mem = core.mem;
  const ks = pad16(n);
  const blocks = 2 + ks / 16;
  // 0^128, then nonce ‖ [b]_32 for b = 1 (J0), 2, 3, … — at most 258 blocks: no wrap.
  for (let i = 0; i < 16; i++) mem[io + i] = 0;
  for (let b = 1; b < blocks; b++) {
    const at = io + 16 * b;
    for (let i = 0; i < 12; i++) mem[at + i] = nonce[nonceAt + i]!;
    mem[at + 12] = 0; mem[at + 13] = 0; mem[at + 14] = b >>> 8; mem[at + 15] = b & 0xff;
  }
  k.ecbEncrypt(slot, io, 16 * blocks);
  k.ghashSetup(gcm, io);
  for (let i = 0; i < 16; i++) {
    mem[io + i] = 0;
    mem[gcm + GCM_ACC + i] = 0;
  }
  // AAD, its padding; the lengths block. The caller writes C (and its padding) at ctAt.
  const a = aad1Length + aad2.length;
  const hashAt = io + 32 + ks;
  const ctAt = hashAt + pad16(a);
  for (let i = 0; i < aad1Length; i++) mem[hashAt + i] = aad1[i]!;
  if (aad2.length > 0) mem.set(aad2, hashAt + aad1Length);
  for (let i = hashAt + a; i < ctAt; i++) mem[i] = 0;
  for (let i = ctAt + n; i < ctAt + ks; i++) mem[i] = 0;
  const lenAt = ctAt + ks;
  writeBitLength(mem, lenAt, a);
  writeBitLength(mem, lenAt + 8, n);
}

/** [8·bytes]_64 big-endian at `at` (bytes < 2^29 here). */
function writeBitLength(mem: Uint8Array, at: number, bytes: number): void {
  const bits = bytes * 8;
  mem[at] = 0; mem[at + 1] = 0; mem[at + 2] = 0; mem[at + 3] = 0;
  mem[at + 4] = bits >>> 24; mem[at + 5] = (bits >>> 16) & 0xff; mem[at + 6] = (bits >>> 8) & 0xff; mem[at + 7] = bits & 0xff;
}

/** Bytes of the window a message uses (all of it is wiped afterwards). */
const windowBytes = (n: number, a: number): number => 32 + 2 * pad16(n) + pad16(a) + 16;

/**
 * Encrypts `pt` (≤ SHORT_GCM_MAX_BYTES) under the 12-byte nonce at nonce[nonceAt..] with
 * AAD = aad1[0..aad1Length) ‖ aad2 (≤ SHORT_GCM_MAX_BYTES in all): C goes to out[at .. at+n),
 * the tag right after it.
 */
export function shortGcmSeal(key: AesKey, nonce: Uint8Array, nonceAt: number, aad1: Uint8Array, aad1Length: number,
  aad2: Uint8Array, pt: Uint8Array, out: Uint8Array, at: number): void {
  const slot = key.slot; // DisposedError; may load an evicted key (memory can grow here)
  const core = key.core;
  const n = pt.length;
  const a = aad1Length + aad2.length;
  const gcm = prepare(core, slot, nonce, nonceAt, n, aad1, aad1Length, aad2);
  const { io, k } = core;
  const mem = core.mem;
  try {
    const ks = io + 32;
    const hashAt = ks + pad16(n);
    const ctAt = hashAt + pad16(a);
    for (let i = 0; i < n; i++) {
      const c = pt[i]! ^ mem[ks + i]!;
      mem[ctAt + i] = c;
      out[at + i] = c;
    }
    const acc = gcm + GCM_ACC;
    k.ghash(gcm, acc, hashAt, ctAt + pad16(n) + 16 - hashAt);
    const tagAt = at + n;
    for (let i = 0; i < 16; i++) out[tagAt + i] = mem[acc + i]! ^ mem[io + 16 + i]!;
  } finally {
    k.wipe(io, windowBytes(n, a));
    core.release(gcm, core.gcmSlotSize); // wipes H's table and the accumulator
  }
}

/**
 * Decrypts C ‖ tag (sealed[from..], at least 16 bytes) into `out` (n = sealed.length − from − 16
 * bytes) if the tag matches; otherwise DecryptionError and `out` is not written.
 */
export function shortGcmOpen(key: AesKey, nonce: Uint8Array, nonceAt: number, aad1: Uint8Array, aad1Length: number,
  aad2: Uint8Array, sealed: Uint8Array, from: number, out: Uint8Array): void {
  const slot = key.slot;
  const core = key.core;
  const n = sealed.length - from - 16;
  const a = aad1Length + aad2.length;
  const gcm = prepare(core, slot, nonce, nonceAt, n, aad1, aad1Length, aad2);
  const { io, k } = core;
  const mem = core.mem;
  try {
    const ks = io + 32;
    const hashAt = ks + pad16(n);
    const ctAt = hashAt + pad16(a);
    for (let i = 0; i < n; i++) mem[ctAt + i] = sealed[from + i]!;
    const acc = gcm + GCM_ACC;
    k.ghash(gcm, acc, hashAt, ctAt + pad16(n) + 16 - hashAt);
    const tagAt = from + n;
    let diff = 0;
    for (let i = 0; i < 16; i++) diff |= mem[acc + i]! ^ mem[io + 16 + i]! ^ sealed[tagAt + i]!;
    if (diff !== 0) throw new DecryptionError();
    for (let i = 0; i < n; i++) out[i] = sealed[from + i]! ^ mem[ks + i]!;
  } finally {
    k.wipe(io, windowBytes(n, a));
    core.release(gcm, core.gcmSlotSize);
  }
}
