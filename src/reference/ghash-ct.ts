// Constant-time GHASH (SP 800-38D §6.4) for the pure-TypeScript fallback core.
//
// Why not tables: the usual fast software GHASH looks up multiples of H in tables indexed by
// bits of the (secret) accumulator, which leaks H and the data through the cache, and the plain
// bit-by-bit algorithm branches on those bits. Here the field multiplication is carry-less
// multiplication built from ordinary integer multiplication "with holes" (the idea of BearSSL's
// ghash_ctmul, reimplemented and adapted): if every operand keeps only every third bit, an
// integer product of two such 16-bit values accumulates at most 6 terms at any bit position, so
// the carries (3 bits at most) never reach the next bit of the same class, and masking the
// product to that class leaves exactly the XOR of the terms. Three classes per operand make a
// 16x16 -> 31-bit carry-less product out of 9 Math.imul; the product of two 16-bit values is
// below 2^32, so Math.imul's low 32 bits are all of it and no bit-reversal trick is needed for
// high halves. A three-level Karatsuba tree (128 -> 64 -> 32 -> 16 bits) needs 27 such products
// per block (243 Math.imul), then a shift-and-XOR reduction: ./circuits.generated.ts, gf128Mul,
// generated and checked by scripts/gen-bitsliced32.mjs.
//
// Representation: a block read as a big-endian 128-bit integer is GCM's field element with its
// bits reversed (bit 127 - i is the coefficient of x^i). The carry-less product of two reversed
// values is the reversed product shifted right by one, so gf128Mul shifts it back and reduces
// modulo x^128 + x^7 + x^2 + x + 1 in that reflected form; no bit reversal at all.
//
// GCM slot (GCM_SLOT_SIZE bytes): GCM_ACC (16), GCM_BLOCK (16) as in src/wasm/abi.ts, then at
// HK_AT the 27 Karatsuba leaves of H, each as its three bit classes: 81 little-endian words,
// computed once by ghashSetup. They are H in another form: the host wipes the slot with the rest.
//
// Assumptions: as in ./aes-ct.ts (integer operations and Math.imul run in constant time on the
// CPU, and the JIT adds no data-dependent branches).
import { gf128Mul } from "./circuits.generated.js";

export const HK_AT = 32;
export const GCM_SLOT_SIZE = 384; // 32 + 81 * 4 = 356, rounded up to keep slots 64-byte aligned

// Bit classes of a 16-bit limb: bits 0, 1, 2 (mod 3) are 0x9249, 0x2492, 0x4924.
const H9 = new Int32Array(9);
const HK = new Int32Array(81);
const Y = new Int32Array(4);

/** Writes H's leaves (H = the 16 bytes at h) into the slot at gcm + HK_AT. */
export function ghashSetupCT(dv: DataView, gcm: number, h: number): void {
  // H's 32-bit Karatsuba operands, least significant word first: the same tree as gf128Mul's
  // operand side. (Kept in an Int32Array, not a JS array: an array of numbers changes its
  // element representation with the values it holds.)
  const a0 = dv.getInt32(h + 12, false), a1 = dv.getInt32(h + 8, false);
  const a2 = dv.getInt32(h + 4, false), a3 = dv.getInt32(h, false);
  const s0 = a0 ^ a2, s1 = a1 ^ a3;
  H9[0] = a0; H9[1] = a1; H9[2] = a0 ^ a1;
  H9[3] = a2; H9[4] = a3; H9[5] = a2 ^ a3;
  H9[6] = s0; H9[7] = s1; H9[8] = s0 ^ s1;
  for (let m = 0; m < 9; m++) {
    const w = H9[m]!;
    const lo = w & 0xffff, hi = w >>> 16, mid = (w ^ (w >>> 16)) & 0xffff;
    const at = gcm + HK_AT + 36 * m; // leaf 3m + j, class c at word 3(3m + j) + c
    dv.setInt32(at, lo & 0x9249, true);
    dv.setInt32(at + 4, lo & 0x2492, true);
    dv.setInt32(at + 8, lo & 0x4924, true);
    dv.setInt32(at + 12, hi & 0x9249, true);
    dv.setInt32(at + 16, hi & 0x2492, true);
    dv.setInt32(at + 20, hi & 0x4924, true);
    dv.setInt32(at + 24, mid & 0x9249, true);
    dv.setInt32(at + 28, mid & 0x2492, true);
    dv.setInt32(at + 32, mid & 0x4924, true);
  }
  H9.fill(0);
}

/** For each 16-byte block X at io (len a multiple of 16): Y = (Y ^ X)·H, Y the 16 bytes at acc. */
export function ghashCT(dv: DataView, gcm: number, acc: number, io: number, len: number): void {
  hashCT(dv, gcm, acc, io, len, false);
}

// POLYVAL (RFC 8452) through GHASH by its Appendix A identity: POLYVAL(H, X_1..X_n) =
// rev(GHASH(mulX_GHASH(rev(H)), rev(X_1), …, rev(X_n))), rev reversing the 16 bytes. Reading a
// reversed block's big-endian word at offset 12 - 4k is reading the block's little-endian word
// at 4k, so POLYVAL is GHASH with every word read and written little-endian, offsets mirrored.

/** Writes the leaves of H' = mulX_GHASH(rev(H)) (H = the 16 bytes at h), using GCM_BLOCK as scratch. */
export function polyvalSetupCT(dv: DataView, gcm: number, h: number): void {
  const t = gcm + 16; // GCM_BLOCK
  // rev(H) as big-endian words w0 (most significant) .. w3; shift right by one, fold 0xe1 in.
  const w0 = dv.getInt32(h + 12, true), w1 = dv.getInt32(h + 8, true);
  const w2 = dv.getInt32(h + 4, true), w3 = dv.getInt32(h, true);
  const fold = -(w3 & 1) & 0xe1000000;
  dv.setInt32(t, (w0 >>> 1) ^ fold, false);
  dv.setInt32(t + 4, (w1 >>> 1) | (w0 << 31), false);
  dv.setInt32(t + 8, (w2 >>> 1) | (w1 << 31), false);
  dv.setInt32(t + 12, (w3 >>> 1) | (w2 << 31), false);
  ghashSetupCT(dv, gcm, t);
  for (let i = 0; i < 16; i += 4) dv.setInt32(t + i, 0);
}

/** POLYVAL over the blocks at io (len a multiple of 16), accumulator S at acc. */
export function polyvalCT(dv: DataView, gcm: number, acc: number, io: number, len: number): void {
  hashCT(dv, gcm, acc, io, len, true);
}

function hashCT(dv: DataView, gcm: number, acc: number, io: number, len: number, le: boolean): void {
  // Word k of the GHASH element sits at byte 12 - 4k big-endian (GHASH), or at 4k little-endian (POLYVAL).
  const at = (k: number): number => (le ? 4 * k : 12 - 4 * k);
  for (let i = 0; i < 81; i++) HK[i] = dv.getInt32(gcm + HK_AT + 4 * i, true);
  for (let k = 0; k < 4; k++) Y[k] = dv.getInt32(acc + at(k), le);
  for (let p = io, end = io + len - (len & 15); p < end; p += 16) {
    for (let k = 0; k < 4; k++) Y[k] = Y[k]! ^ dv.getInt32(p + at(k), le);
    gf128Mul(Y, HK);
  }
  for (let k = 0; k < 4; k++) dv.setInt32(acc + at(k), Y[k]!, le);
  HK.fill(0);
  Y.fill(0);
}
