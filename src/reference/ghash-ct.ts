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
  for (let i = 0; i < 81; i++) HK[i] = dv.getInt32(gcm + HK_AT + 4 * i, true);
  Y[0] = dv.getInt32(acc + 12, false);
  Y[1] = dv.getInt32(acc + 8, false);
  Y[2] = dv.getInt32(acc + 4, false);
  Y[3] = dv.getInt32(acc, false);
  for (let p = io, end = io + len - (len & 15); p < end; p += 16) {
    Y[0] = Y[0]! ^ dv.getInt32(p + 12, false);
    Y[1] = Y[1]! ^ dv.getInt32(p + 8, false);
    Y[2] = Y[2]! ^ dv.getInt32(p + 4, false);
    Y[3] = Y[3]! ^ dv.getInt32(p, false);
    gf128Mul(Y, HK);
  }
  dv.setInt32(acc + 12, Y[0]!, false);
  dv.setInt32(acc + 8, Y[1]!, false);
  dv.setInt32(acc + 4, Y[2]!, false);
  dv.setInt32(acc, Y[3]!, false);
  HK.fill(0);
  Y.fill(0);
}
