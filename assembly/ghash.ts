// GHASH for GCM (SP 800-38D §6.4) in constant time: no table lookups, and no branch or select
// on H, on the accumulator or on the data.
//
// Method: carry-less multiplication from integer multiplication "with holes" (the idea of
// BearSSL's ghash_ctmul* and RustCrypto's polyval soft backends; reimplemented for WASM SIMD).
// Split a 16-bit operand into 3 bit classes with the masks 0x9249, 0x2492, 0x4924 (bits
// 0, 3, 6, …; 1, 4, 7, …; 2, 5, 8, …). In the integer product of a class-i piece by a class-j
// piece, every bit position of class (i + j) mod 3 receives at most 6 one-bit terms (a class has
// at most 6 bits), so each column sum fits in 3 bits and its carries stop short of the next
// position of that class: keeping the class-(i + j) bits leaves exactly the XOR of the terms.
// Nine products then make one carry-less 16×16 product; i16x8.mul does eight of them at once,
// keeping the low 16 bits of each. The high 16 bits come from the same products of the
// bit-reversed operands: for 16-bit a, b, the low half of rev(a)·rev(b) (carry-less) is the
// reversed bits 15..30 of a·b. A 128×128 product is three levels of Karatsuba down to 27
// 16-bit leaves (128 → 3×64 → 9×32 → 27×16), each multiplied as above in both bit orders.
//
// Aggregation: eight blocks at a time, Y ← (Y ⊕ X1)·H^8 ⊕ X2·H^7 ⊕ … ⊕ X8·H, so the leaf
// products of the eight blocks are summed lane by lane before the class masking, the Karatsuba
// recombination and the single reduction per group; a last group of n < 8 blocks uses H^n … H.
// What depends only on H — the leaves of H, H^2, …, H^8 in both bit orders, each split into its
// 3 classes — is computed by ghashSetup into the GCM slot (GCM_TABLE, 8 × 336 bytes); H^2, H^4,
// H^6, H^8 by squaring (a linear map: spread the bits, reduce), the odd powers by one multiply.
//
// Bit order: GCM numbers bits from the most significant bit of byte 0 (x^0) to the least
// significant bit of byte 15 (x^127). A block read as a big-endian 128-bit integer is its field
// element with the bits reversed, and the carry-less product of two such integers is the
// reversed 255-bit product, so reduce() shifts it left by one and reduces it modulo
// x^128 + x^7 + x^2 + x + 1 in that reflected form with shifts and XORs only. "D form" is that
// integer as a v128 (the block's bytes reversed): i64 lane 0 = low word, i16 lane k = bits
// 16k..16k+15 = the 16-bit piece w_k.
//
// Why constant time: every load and store address is the slot, the data pointer, the scratch
// area or the constant block K plus an offset that depends only on loop counters and `len`;
// the loop bounds and the one select (min) depend only on `len`; everything done to secrets is
// and/or/xor, shifts by constants, shuffles with constant lane indices, i8x16.swizzle (a
// register permute: pshufb / tbl, not a memory access) and integer multiplication. Assumption:
// the CPU multiplies in time independent of the operand values — here the 16-bit SIMD multiply
// (i16x8.mul: pmullw on x86, mul on NEON); the scalar code uses no multiply. That holds on
// x86-64 and recent ARM cores, as for i64.mul; it does not on some small cores with
// early-terminating multipliers (ARM Cortex-M3 class, old PowerPC/ARM9), which run no WASM SIMD.
//
// The GCM slot after GCM_BLOCK holds H in another form (the tables) and, in the scratch area,
// values of the last group hashed (from Y and the data): secret, like the accumulator, and
// wiped with the slot by the host when it is released.
import { GCM_BLOCK, GCM_SCRATCH, GCM_TABLE } from "./layout";

/** Blocks per aggregated group: powers H..H^8 in the tables. */
const GROUP: usize = 8;
/** Bytes of one power's table: 7 leaf vectors × 3 bit classes × 16 bytes. */
const POWER: usize = 7 * 3 * 16;
/** Scratch bytes per leaf vector: one 16-byte vector per block of a group. */
const STRIDE: usize = GROUP * 16;

// Constant vectors, loaded once per call: V8 rebuilds a v128.const at every use from immediates.
const K: usize = memory.data<u8>([
  0x00, 0x80, 0x40, 0xc0, 0x20, 0xa0, 0x60, 0xe0, 0x10, 0x90, 0x50, 0xd0, 0x30, 0xb0, 0x70, 0xf0, // rev4(n) << 4
  0x0, 0x8, 0x4, 0xc, 0x2, 0xa, 0x6, 0xe, 0x1, 0x9, 0x5, 0xd, 0x3, 0xb, 0x7, 0xf, //                 rev4(n)
  0x0f, 0x0f, 0x0f, 0x0f, 0x0f, 0x0f, 0x0f, 0x0f, 0x0f, 0x0f, 0x0f, 0x0f, 0x0f, 0x0f, 0x0f, 0x0f, // low nibbles
  0, 0, 0, 0, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, //                             i16 lanes 2 and 6
  0x49, 0x92, 0x49, 0x92, 0x49, 0x92, 0x49, 0x92, 0x49, 0x92, 0x49, 0x92, 0x49, 0x92, 0x49, 0x92, // class 0: 0x9249
  0x92, 0x24, 0x92, 0x24, 0x92, 0x24, 0x92, 0x24, 0x92, 0x24, 0x92, 0x24, 0x92, 0x24, 0x92, 0x24, // class 1: 0x2492
  0x24, 0x49, 0x24, 0x49, 0x24, 0x49, 0x24, 0x49, 0x24, 0x49, 0x24, 0x49, 0x24, 0x49, 0x24, 0x49, // class 2: 0x4924
], 16);
const K_REV_HI: usize = 0;
const K_REV_LO: usize = 16;
const K_NIBBLE: usize = 32;
const K_Z: usize = 48;
const K_CLASS0: usize = 64;
const K_CLASS1: usize = 80;
const K_CLASS2: usize = 96;

// @ts-ignore: decorator
@inline function reverseBytes(x: v128): v128 {
  return i8x16.shuffle(x, x, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
}

/** Reverses the bits of every byte (two 4-bit lookups by swizzle, in registers). */
// @ts-ignore: decorator
@inline function reverseBits8(x: v128, revHi: v128, revLo: v128, nibble: v128): v128 {
  return v128.or(
    i8x16.swizzle(revHi, v128.and(x, nibble)),
    i8x16.swizzle(revLo, v128.and(i16x8.shr_u(x, 4), nibble)));
}

/**
 * The 27 Karatsuba leaves of a block (as on the wire), in both bit orders, as 7 vectors of
 * 16-bit lanes stored at q, q + stride, …, q + 6·stride:
 *   0  d: the pieces w7 … w0 (the wire's 16-bit lanes, bytes swapped)
 *   1  d1 = pairs of 32-bit pieces XORed: [w5^w7, w4^w6, w1^w3, w0^w2, w3^w7, w2^w6, w1^w5, w0^w4]
 *   2  d2 = pair sums: even lanes of d ^ (d >> 16), odd lanes of d1 ^ (d1 << 16)
 *   3–5 the same from r, the block with all 128 bits reversed (lane k = rev16(w_(7-k)): the
 *      wire's bytes, each bit-reversed in place), so lane L of vector 3 + v is rev16 of the
 *      leaf in some lane of vector v (combine() knows which)
 *   6  the last level's third leaves: lanes 0–2 [s1^s3, s0^s2, all 8] from d1, 4–6 the same
 *      from r1 (s_k = w_k ^ w_(k+4)); lanes 3 and 7 are don't-care.
 * The same function makes H's tables, so every lane meets its matching leaf of H.
 */
// @ts-ignore: decorator
@inline function leaves(wire: v128, q: usize, stride: usize, revHi: v128, revLo: v128, nibble: v128, zMask: v128): void {
  const d = v128.or(i16x8.shl(wire, 8), i16x8.shr_u(wire, 8));
  const r = reverseBits8(wire, revHi, revLo, nibble);
  const d1 = v128.xor(v128.shuffle<i32>(d, d, 0, 2, 0, 1), v128.shuffle<i32>(d, d, 1, 3, 2, 3));
  const d2 = v128.shuffle<i16>(v128.xor(d, i32x4.shr_u(d, 16)), v128.xor(d1, i32x4.shl(d1, 16)), 0, 9, 2, 11, 4, 13, 6, 15);
  const r1 = v128.xor(v128.shuffle<i32>(r, r, 0, 2, 0, 1), v128.shuffle<i32>(r, r, 1, 3, 2, 3));
  const r2 = v128.shuffle<i16>(v128.xor(r, i32x4.shr_u(r, 16)), v128.xor(r1, i32x4.shl(r1, 16)), 0, 9, 2, 11, 4, 13, 6, 15);
  const c = v128.xor(v128.shuffle<i32>(d1, r1, 2, 2, 6, 6), v128.shuffle<i32>(d1, r1, 3, 3, 7, 7));
  v128.store(q, d);
  v128.store(q + stride, d1);
  v128.store(q + 2 * stride, d2);
  v128.store(q + 3 * stride, r);
  v128.store(q + 4 * stride, r1);
  v128.store(q + 5 * stride, r2);
  v128.store(q + 6 * stride, v128.xor(c, v128.and(i32x4.shr_u(c, 16), zMask)));
}

/**
 * One group of n (1..GROUP) blocks: returns (D form) X_0·H^n ⊕ X_1·H^(n-1) ⊕ … ⊕ X_(n-1)·H,
 * with w0 the first block (on the wire, Y already XORed in) and blocks 1..n-1 at p + 16, ….
 */
function group(slot: usize, w0: v128, p: usize, n: usize, polyval: bool): v128 {
  const t = slot + GCM_TABLE;
  const s = slot + GCM_SCRATCH;
  const revHi = v128.load(K, K_REV_HI);
  const revLo = v128.load(K, K_REV_LO);
  const nibble = v128.load(K, K_NIBBLE);
  const zMask = v128.load(K, K_Z);
  // Leaf vector v of block j at s + v·STRIDE + 16j.
  leaves(w0, s, STRIDE, revHi, revLo, nibble, zMask);
  for (let j: usize = 1; j < n; j++) {
    const x = v128.load(p + (j << 4));
    leaves(polyval ? reverseBytes(x) : x, s + (j << 4), STRIDE, revHi, revLo, nibble, zMask);
  }
  // Per leaf vector: the 9 class products of every block with its power of H, summed per
  // result class over the group, then masked once. Each sum replaces the vector's first leaf.
  const k0 = v128.load(K, K_CLASS0);
  const k1 = v128.load(K, K_CLASS1);
  const k2 = v128.load(K, K_CLASS2);
  for (let v: usize = 0; v < 7; v++) {
    let c0 = i16x8.splat(0);
    let c1 = c0;
    let c2 = c0;
    let h = t + (n - 1) * POWER + v * 48;
    const end = s + v * STRIDE + (n << 4);
    for (let q = s + v * STRIDE; q < end; q += 16, h -= POWER) {
      const a = v128.load(q);
      const a0 = v128.and(a, k0);
      const a1 = v128.and(a, k1);
      const a2 = v128.and(a, k2);
      const b0 = v128.load(h);
      const b1 = v128.load(h, 16);
      const b2 = v128.load(h, 32);
      c0 = v128.xor(c0, v128.xor(v128.xor(i16x8.mul(a0, b0), i16x8.mul(a1, b2)), i16x8.mul(a2, b1)));
      c1 = v128.xor(c1, v128.xor(v128.xor(i16x8.mul(a0, b1), i16x8.mul(a1, b0)), i16x8.mul(a2, b2)));
      c2 = v128.xor(c2, v128.xor(v128.xor(i16x8.mul(a0, b2), i16x8.mul(a1, b1)), i16x8.mul(a2, b0)));
    }
    v128.store(s + v * STRIDE, v128.or(v128.or(v128.and(c0, k0), v128.and(c1, k1)), v128.and(c2, k2)));
  }
  return combine(s, revHi, revLo, nibble);
}

/**
 * The product from the 7 summed leaf vectors at u (vector v at u + v·STRIDE): 16-bit halves
 * joined into 31-bit leaf products, Karatsuba recombination, reduction. D form.
 */
function combine(u: usize, revHi: v128, revLo: v128, nibble: v128): v128 {
  const n0 = v128.load(u);
  const n1 = v128.load(u, STRIDE);
  const n2 = v128.load(u, 2 * STRIDE);
  const nz = v128.load(u, 6 * STRIDE);
  // Bits 16..30 of a leaf product: rev16 of its reversed sum, shifted right by one; the
  // reversal is reverseBits8 of (sum << 1) with the byte swap left to the shuffles below.
  const g0 = reverseBits8(i16x8.shl(v128.load(u, 3 * STRIDE), 1), revHi, revLo, nibble);
  const g1 = reverseBits8(i16x8.shl(v128.load(u, 4 * STRIDE), 1), revHi, revLo, nibble);
  const g2 = reverseBits8(i16x8.shl(v128.load(u, 5 * STRIDE), 1), revHi, revLo, nibble);
  const gz = reverseBits8(i16x8.shl(nz, 1), revHi, revLo, nibble);
  // Leaf products (low half | high half << 16) of the leaves, in 32-bit lanes:
  //   s0 [w0, w2, w4, w6]   s1 [w1, w3, w5, w7]   s2 [w0^w1, w2^w3, w4^w5, w6^w7]
  //   s3 [w0^w2, w4^w6, s0, s2]   s4 [w1^w3, w5^w7, s1, s3]   s5 = pair sums of s3, s4's leaves
  //   s6 [s0^s2, s1^s3, s0^…^s3, -]
  // (the byte indices follow from the lane maps of leaves(): low half from the normal sum,
  // high half from the matching lane of the reversed one, its two bytes swapped).
  const s0 = i8x16.shuffle(n0, g0, 14, 15, 31, 30, 10, 11, 27, 26, 6, 7, 23, 22, 2, 3, 19, 18);
  const s1 = i8x16.shuffle(n0, g0, 12, 13, 29, 28, 8, 9, 25, 24, 4, 5, 21, 20, 0, 1, 17, 16);
  const s2 = i8x16.shuffle(n2, g2, 12, 13, 29, 28, 8, 9, 25, 24, 4, 5, 21, 20, 0, 1, 17, 16);
  const s3 = i8x16.shuffle(n1, g1, 6, 7, 23, 22, 2, 3, 19, 18, 14, 15, 31, 30, 10, 11, 27, 26);
  const s4 = i8x16.shuffle(n1, g1, 4, 5, 21, 20, 0, 1, 17, 16, 12, 13, 29, 28, 8, 9, 25, 24);
  const s5 = i8x16.shuffle(n2, g2, 6, 7, 23, 22, 2, 3, 19, 18, 14, 15, 31, 30, 10, 11, 27, 26);
  const s6 = i8x16.shuffle(nz, gz, 2, 3, 27, 26, 0, 1, 25, 24, 4, 5, 29, 28, 2, 3, 27, 26);
  // 16 → 32 bits: lo ⊕ (lo ⊕ hi ⊕ mid)·x^16 ⊕ hi·x^32, in 64-bit lanes.
  const mx = v128.xor(v128.xor(s0, s1), s2);
  const qxl = v128.xor(v128.shuffle<i32>(s0, s1, 0, 4, 1, 5), i64x2.shl(i64x2.extend_low_i32x4_u(mx), 16));
  const qxh = v128.xor(v128.shuffle<i32>(s0, s1, 2, 6, 3, 7), i64x2.shl(i64x2.extend_high_i32x4_u(mx), 16));
  const my = v128.xor(v128.xor(s3, s4), s5);
  const qyl = v128.xor(v128.shuffle<i32>(s3, s4, 0, 4, 1, 5), i64x2.shl(i64x2.extend_low_i32x4_u(my), 16));
  const qyh = v128.xor(v128.shuffle<i32>(s3, s4, 2, 6, 3, 7), i64x2.shl(i64x2.extend_high_i32x4_u(my), 16));
  // qxl = [w0w1, w2w3], qxh = [w4w5, w6w7], qyl = [w0w1^w2w3, w4w5^w6w7], qyh = [s0s1, s2s3]
  const e0 = <u64><u32>i32x4.extract_lane(s6, 0);
  const e1 = <u64><u32>i32x4.extract_lane(s6, 1);
  const e2 = <u64><u32>i32x4.extract_lane(s6, 2);
  const qz = e0 ^ ((e0 ^ e1 ^ e2) << 16) ^ (e1 << 32); // s0s1 ^ s2s3
  // 32 → 64 bits for the low and the high 64-bit halves together: lanes [low, high].
  const a0 = v128.shuffle<i64>(qxl, qxh, 0, 2);
  const a1 = v128.shuffle<i64>(qxl, qxh, 1, 3);
  const m = v128.xor(v128.xor(a0, a1), qyl);
  const rl = v128.xor(a0, i64x2.shl(m, 32)); // low words of the two 128-bit products
  const rh = v128.xor(a1, i64x2.shr_u(m, 32)); // high words
  const z0 = <u64>i64x2.extract_lane(qyh, 0);
  const z1 = <u64>i64x2.extract_lane(qyh, 1);
  const ms = z0 ^ z1 ^ qz;
  const sl = z0 ^ (ms << 32); // the middle product, low and high words
  const sh = z1 ^ (ms >> 32);
  // 64 → 128 bits: the 255-bit product v3:v2:v1:v0.
  const l0 = <u64>i64x2.extract_lane(rl, 0);
  const h0 = <u64>i64x2.extract_lane(rl, 1);
  const l1 = <u64>i64x2.extract_lane(rh, 0);
  const h1 = <u64>i64x2.extract_lane(rh, 1);
  return reduce(l0, l1 ^ l0 ^ h0 ^ sl, h0 ^ l1 ^ h1 ^ sh, h1);
}

/**
 * The field element (D form) of a 255-bit carry-less product v3:v2:v1:v0 of two reflected
 * elements: shift left by one, then fold v0 and v1 (x^128 … x^255, reversed) back with
 * x^128 = x^7 + x^2 + x + 1 (in the reflected order each x^k· is a right shift by k).
 */
// @ts-ignore: decorator
@inline function reduce(v0: u64, v1: u64, v2: u64, v3: u64): v128 {
  v3 = (v3 << 1) | (v2 >> 63);
  v2 = (v2 << 1) | (v1 >> 63);
  v1 = (v1 << 1) | (v0 >> 63);
  v0 <<= 1;
  v2 ^= v0 ^ (v0 >> 1) ^ (v0 >> 2) ^ (v0 >> 7);
  v1 ^= (v0 << 63) ^ (v0 << 62) ^ (v0 << 57);
  v3 ^= v1 ^ (v1 >> 1) ^ (v1 >> 2) ^ (v1 >> 7);
  v2 ^= (v1 << 63) ^ (v1 << 62) ^ (v1 << 57);
  return i64x2.replace_lane(i64x2.splat(v2), 1, v3);
}

/** Bits 0..31 of x moved to the even bits 0, 2, …, 62. */
// @ts-ignore: decorator
@inline function spread(x: u64): u64 {
  x &= 0xffffffff;
  x = (x | (x << 16)) & 0x0000ffff0000ffff;
  x = (x | (x << 8)) & 0x00ff00ff00ff00ff;
  x = (x | (x << 4)) & 0x0f0f0f0f0f0f0f0f;
  x = (x | (x << 2)) & 0x3333333333333333;
  return (x | (x << 1)) & 0x5555555555555555;
}

/** d² (D form): the carry-less square of a polynomial is its bits spread out (cross terms cancel). */
function square(d: v128): v128 {
  const lo = <u64>i64x2.extract_lane(d, 0);
  const hi = <u64>i64x2.extract_lane(d, 1);
  return reduce(spread(lo), spread(lo >> 32), spread(hi), spread(hi >> 32));
}

/** The table of one power (D form) at q: its 7 leaf vectors, each as its 3 bit classes. */
function powerTable(slot: usize, d: v128, q: usize): void {
  const s = slot + GCM_SCRATCH;
  leaves(reverseBytes(d), s, 16, v128.load(K, K_REV_HI), v128.load(K, K_REV_LO), v128.load(K, K_NIBBLE), v128.load(K, K_Z));
  const k0 = v128.load(K, K_CLASS0);
  const k1 = v128.load(K, K_CLASS1);
  const k2 = v128.load(K, K_CLASS2);
  for (let v: usize = 0; v < 7; v++) {
    const a = v128.load(s + (v << 4));
    v128.store(q + v * 48, v128.and(a, k0));
    v128.store(q + v * 48, v128.and(a, k1), 16);
    v128.store(q + v * 48, v128.and(a, k2), 32);
  }
}

/** d·H (D form), with the table of H in place. */
// @ts-ignore: decorator
@inline function timesH(slot: usize, d: v128): v128 {
  return group(slot, reverseBytes(d), 0, 1, false);
}

/**
 * Prepares the GCM slot `slot` for the hash subkey H = E_K(0^128), 16 bytes at `h` as on the
 * wire: the tables of H … H^8. Leaves GCM_ACC as it is.
 */
export function ghashSetup(slot: usize, h: usize): void {
  const t = slot + GCM_TABLE;
  const h1 = reverseBytes(v128.load(h));
  powerTable(slot, h1, t);
  const h2 = square(h1);
  powerTable(slot, h2, t + POWER);
  const h3 = timesH(slot, h2);
  powerTable(slot, h3, t + 2 * POWER);
  const h4 = square(h2);
  powerTable(slot, h4, t + 3 * POWER);
  const h5 = timesH(slot, h4);
  powerTable(slot, h5, t + 4 * POWER);
  const h6 = square(h3);
  powerTable(slot, h6, t + 5 * POWER);
  const h7 = timesH(slot, h6);
  powerTable(slot, h7, t + 6 * POWER);
  powerTable(slot, square(h4), t + 7 * POWER);
}

/**
 * GHASH over `len` bytes at `io` (a multiple of 16): for each block X, Y = (Y ⊕ X)·H, with the
 * accumulator Y the 16 bytes at `acc` (as on the wire), updated in place. The host pads a
 * partial last block with zeros.
 */
export function ghash(slot: usize, acc: usize, io: usize, len: usize): void {
  hashBlocks(slot, acc, io, len, false);
}

// POLYVAL (RFC 8452 §3) on the same machinery, by the identity of its Appendix A:
// POLYVAL(H, X_1..X_n) = rev(GHASH(mulX_GHASH(rev(H)), rev(X_1), …, rev(X_n))), rev reversing
// the 16 bytes. So polyvalSetup makes GHASH tables for H' = mulX_GHASH(rev(H)), and polyval
// feeds GHASH the reversed blocks and keeps the accumulator reversed; `polyval` is a
// compile-time constant at every call of hashBlocks and a public flag in group.

/**
 * Prepares the slot for POLYVAL with key H (16 bytes at `h`, as in RFC 8452): GHASH tables of
 * H' = H·x in GHASH's bit order (a right shift of rev(H) with the reduction folded in by mask).
 */
export function polyvalSetup(slot: usize, h: usize): void {
  const scratch = slot + GCM_BLOCK;
  const hi = load<u64>(h, 8), lo = load<u64>(h); // rev(H) as a big-endian number: bytes 15..8, 7..0 of H
  const carry = lo & 1;
  store<u64>(scratch, bswap<u64>((hi >> 1) ^ ((<u64>0 - carry) & 0xe100000000000000)));
  store<u64>(scratch, bswap<u64>((lo >> 1) | (hi << 63)), 8);
  ghashSetup(slot, scratch);
  v128.store(scratch, v128.splat<i32>(0));
}

/** POLYVAL over `len` bytes at `io` (a multiple of 16), accumulator S (16 bytes, RFC 8452 order) at `acc`. */
export function polyval(slot: usize, acc: usize, io: usize, len: usize): void {
  hashBlocks(slot, acc, io, len, true);
}

// @ts-ignore: decorator
@inline function hashBlocks(slot: usize, acc: usize, io: usize, len: usize, polyval: bool): void {
  let y = v128.load(acc);
  if (polyval) y = reverseBytes(y);
  const end = io + (len & ~(<usize>15));
  for (let p = io; p < end; p += GROUP << 4) {
    const n = min<usize>(GROUP, (end - p) >> 4);
    const x = v128.load(p);
    y = reverseBytes(group(slot, v128.xor(y, polyval ? reverseBytes(x) : x), p, n, polyval));
  }
  if (polyval) y = reverseBytes(y);
  v128.store(acc, y);
}
