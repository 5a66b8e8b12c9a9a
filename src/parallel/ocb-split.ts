// OCB3 in the pool: the data's whole blocks are cut into block ranges, each run by a worker
// from its own start. Block i is C_i = Offset_i ⊕ E(P_i ⊕ Offset_i) with Offset_i =
// Offset_(i-1) ⊕ L_ntz(i), so the offset before block j+1 is
//   Offset_j = Offset_0 ⊕ (XOR of L_k over the set bits k of gray(j) = j ^ (j >> 1)),
// because consecutive Gray codes differ in exactly bit ntz(i). Which L_k are read depends only
// on j (a position: public), never on the key or the data. A worker sets that offset and the
// block counter in its OCB slot (seekOcb), runs the kernels over its range, and answers with its
// part of the checksum (the XOR of its plaintext blocks); the calling thread XORs the parts
// and closes the message (ocb-finish.ts): the last partial block, HASH(K, A) and the tag.
//
// The OCB slot is the kernels' own format (assembly/layout.ts; the reference core,
// src/reference/ocb.ts, keeps the same one). The core contract exports only its size, so the
// fields this file touches are named below, and test/parallel-constructions.test.ts checks them
// against both cores' sources. checkOcbSlot() refuses a core whose slot size differs.
import type { Core } from "../wasm/core.js";

/** Offset_i of the data (16 bytes). */
export const OCB_OFFSET = 0;
/** The XOR of the plaintext blocks so far (16 bytes). */
export const OCB_CHECKSUM = 16;
/** L_0..L_31, 16 bytes each. */
export const OCB_L = 96;
/** u32, little-endian: data blocks so far. */
export const OCB_BLOCKS = 608;
/** The slot size these offsets belong to. */
const OCB_SLOT_FORMAT_SIZE = 640;

/** Throws unless `core`'s OCB slot is the format this file knows. */
export function checkOcbSlot(core: Core): void {
  if (core.layout.OCB_SLOT_SIZE !== OCB_SLOT_FORMAT_SIZE) {
    throw new Error(`internal: the core's OCB slot is ${core.layout.OCB_SLOT_SIZE} bytes, the pool knows the ${OCB_SLOT_FORMAT_SIZE}-byte format`);
  }
}

/**
 * An OCB slot from the core's slot allocator, after checking the layout this module relies on.
 * Free with core.release().
 */
export function allocOcbSlot(core: Core): number {
  checkOcbSlot(core);
  return core.allocOcbSlot();
}

/** RFC 7253 §4.2's nonce block: num2str(TAGLEN mod 128, 7) || zeros || 1 || N (public). */
export function ocbNonceBlock(nonce: Uint8Array, tagLength: number): Uint8Array {
  const block = new Uint8Array(16);
  block[0] = ((tagLength * 8) % 128) << 1;
  block[15 - nonce.length]! |= 1;
  block.set(nonce, 16 - nonce.length);
  return block;
}

/** Moves an OCB slot holding Offset_0 to block j: Offset_j as above, block counter j (0 ≤ j < 2^32). */
export function seekOcb(mem: Uint8Array, ocb: number, j: number): void {
  const gray = (j ^ (j >>> 1)) >>> 0;
  const offset = ocb + OCB_OFFSET;
  for (let k = 0; k < 32; k++) {
    if (((gray >>> k) & 1) === 0) continue; // a bit of the public position
    const l = ocb + OCB_L + 16 * k;
    for (let b = 0; b < 16; b++) mem[offset + b] ^= mem[l + b]!;
  }
  const at = ocb + OCB_BLOCKS;
  mem[at] = j & 0xff;
  mem[at + 1] = (j >>> 8) & 0xff;
  mem[at + 2] = (j >>> 16) & 0xff;
  mem[at + 3] = (j >>> 24) & 0xff;
}

/**
 * Sets up `ocb` for the key in `key` (a key slot) and the nonce block: L table, Offset_0,
 * checksum zero, then seeks to block j. The nonce block passes through the IO window (wiped).
 */
export function startOcb(c: Core, key: number, ocb: number, nonceBlock: Uint8Array, j: number): void {
  const { io, k } = c;
  k.ocbSetup(key, ocb);
  c.mem.set(nonceBlock, io);
  k.ocbNonce(key, ocb, io);
  k.wipe(io, 16);
  seekOcb(c.mem, ocb, j);
}

/**
 * A worker's piece: blocks j .. j + view.length/16 of the message, in place. Returns the
 * piece's checksum part in a fresh ArrayBuffer (for the transfer list); the OCB slot and the
 * window are wiped before this returns, whatever happens.
 */
export function runOcbPiece(c: Core, key: number, ocb: number, view: Uint8Array, nonceBlock: Uint8Array,
  j: number, decrypt: boolean): ArrayBuffer {
  const { io, ioSize, k } = c;
  try {
    startOcb(c, key, ocb, nonceBlock, j);
    for (let off = 0; off < view.length; off += ioSize) {
      const n = Math.min(ioSize, view.length - off); // ioSize is a multiple of 16, so every chunk is whole blocks
      const mem = c.mem;
      mem.set(view.subarray(off, off + n), io);
      if (decrypt) k.ocbDecrypt(key, ocb, io, n);
      else k.ocbEncrypt(key, ocb, io, n);
      view.set(mem.subarray(io, io + n), off);
    }
    const part = new Uint8Array(16);
    part.set(c.mem.subarray(ocb + OCB_CHECKSUM, ocb + OCB_CHECKSUM + 16));
    return part.buffer;
  } finally {
    k.wipe(ocb, c.layout.OCB_SLOT_SIZE);
    k.wipe(io, Math.min(ioSize, view.length));
  }
}
