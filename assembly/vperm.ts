// The constant-time single-block AES kernel: vector-permute rounds (Hamburg, CHES 2009), for
// everything that is not a whole group of 8 independent blocks — the serial modes (CBC and
// CFB encryption, OFB, CFB8, CFB1), the 1–7 block tails of the parallel ones, the one-block
// exports (KW/KWP, GCM's H and E(J0)) and SubWord in the key schedule.
//
// A block is one v128. SubBytes is the inverse in GF(2^8) computed from nibbles by 16-entry
// lookups that `i8x16.swizzle` does inside a register (tables in vperm-tables.generated.ts,
// derived and checked by scripts/gen-vperm.mjs, which also explains the algebra). No memory
// address and no branch depends on the key or the data: the tables are loaded from fixed
// addresses and the only loop bound is the public round count. Between rounds the state is
// kept in the (i, j) representation (encryption) or its InvSubBytes-side twin (decryption),
// so every change of basis, the affine map, MixColumns' factors and the S-box constant are
// folded into the output tables and the round keys (prepared once per key by vpEncKeys and
// vpDecKeys into the key slot).
//
// Measured against the T-table rounds it replaced: see docs/speed.md.
import {
  MASK_0F, INV, CINV, L_LO, L_HI, ENC_S_U, ENC_S_V, ENC_2S_U, ENC_2S_V, SBOX_U, SBOX_V,
  M_LO, M_HI, DEC_14_U, DEC_14_V, DEC_11_U, DEC_11_V, DEC_13_U, DEC_13_V, DEC_9_U, DEC_9_V,
  INV_U, INV_V,
} from "./vperm-tables.generated";
import { KEY_ENC, KEY_DEC, KEY_VP_ENC, KEY_VP_DEC, KEY_ROUNDS } from "./layout";

@inline function swz(table: usize, idx: v128): v128 {
  return i8x16.swizzle(v128.load(table), idx);
}

// The state is kept ROW-major between rounds (byte 4r + c is row r of column c), the transpose
// of a block on the wire: MixColumns' "row r takes row r + k" is then a rotation of whole
// 32-bit lanes (one pshufd), where column-major order needs a byte shuffle per rotation (which
// V8 builds from a 4-instruction mask each time). ShiftRows rotates row r by r bytes: one
// swizzle by a mask held in a local.
@inline export function toRowMajor(v: v128): v128 {
  return i8x16.shuffle(v, v, 0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15);
}
/** ShiftRows of the transpose: the entry of encryption, and the form of its round keys. */
@inline export function toShiftedRowMajor(v: v128): v128 {
  return i8x16.shuffle(v, v, 0, 4, 8, 12, 5, 9, 13, 1, 10, 14, 2, 6, 15, 3, 7, 11);
}
@inline function rot1(v: v128): v128 {
  return i8x16.shuffle(v, v, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3);
}
@inline function rot2(v: v128): v128 {
  return i8x16.shuffle(v, v, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7);
}
@inline function rot3(v: v128): v128 {
  return i8x16.shuffle(v, v, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
}
// Column-major twins, for round keys as FIPS 197 stores them (invMixColumns).
@inline function colRot1(v: v128): v128 {
  return i8x16.shuffle(v, v, 1, 2, 3, 0, 5, 6, 7, 4, 9, 10, 11, 8, 13, 14, 15, 12);
}
@inline function colRot2(v: v128): v128 {
  return i8x16.shuffle(v, v, 2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13);
}
@inline function colRot3(v: v128): v128 {
  return i8x16.shuffle(v, v, 3, 0, 1, 2, 7, 4, 5, 6, 11, 8, 9, 10, 15, 12, 13, 14);
}
// Swizzle mask: InvShiftRows on a row-major state.
@inline function invShiftRowsMask(): v128 {
  return i8x16(0, 1, 2, 3, 7, 4, 5, 6, 10, 11, 8, 9, 13, 14, 15, 12);
}
// The last decryption round: InvShiftRows and the transpose back to wire order in one shuffle.
@inline function lastInvShiftRows(v: v128): v128 {
  return i8x16.shuffle(v, v, 0, 7, 10, 13, 1, 4, 11, 14, 2, 5, 8, 15, 3, 6, 9, 12);
}

/** A standard byte vector into the nibble representation, by a linear map given per nibble. */
@inline export function toRep(v: v128, lo: usize, hi: usize): v128 {
  const m = v128.load(MASK_0F);
  return v128.xor(swz(lo, v128.and(v, m)), swz(hi, v128.and(i16x8.shr_u(v, 4), m)));
}

// ShiftRows after row r + k of each column (k = 0..3), on a row-major state: constant masks
// (binaryen folds these immutable globals into the rounds as v128 constants).
const SHIFT_Q0: v128 = i8x16(0, 1, 2, 3, 5, 6, 7, 4, 10, 11, 8, 9, 15, 12, 13, 14);
const SHIFT_Q1: v128 = i8x16(4, 5, 6, 7, 9, 10, 11, 8, 14, 15, 12, 13, 3, 0, 1, 2);
const SHIFT_Q2: v128 = i8x16(8, 9, 10, 11, 13, 14, 15, 12, 2, 3, 0, 1, 7, 4, 5, 6);
const SHIFT_Q3: v128 = i8x16(12, 13, 14, 15, 1, 2, 3, 0, 6, 7, 4, 5, 11, 8, 9, 10);

// One middle encryption round, with every table in a local (V8 keeps them in registers or
// reloads them from the stack; both cost less than an address and a load per use). The input
// is already ShiftRows'ed: each round's output shuffles fold ShiftRows of the next round into
// MixColumns (and the round keys are stored shifted), which takes one shuffle off the serial
// chain per round. From (i, j) = (low, high nibble) to io and jo, then S(x) = U[io] ^ V[jo]
// (see scripts/gen-vperm.mjs); 2·S(x) comes from its own tables, 3·S(x) = S(x) + 2·S(x).
// (Two more tables for 3·S(x) took an XOR off the chain but measured no faster: the kernel is
// bound by instruction throughput, and each swizzle is three instructions on V8 11.3.)
@inline export function encRound(v: v128, key: v128, m: v128, inv: v128, cinv: v128,
  su: v128, sv: v128, s2u: v128, s2v: v128): v128 {
  const i = v128.and(v, m);
  const j = v128.and(i16x8.shr_u(v, 4), m);
  const ak = i8x16.swizzle(cinv, v128.xor(i, j));
  const io = v128.xor(i8x16.swizzle(inv, v128.xor(i8x16.swizzle(inv, i), ak)), j);
  const jo = v128.xor(i8x16.swizzle(inv, v128.xor(i8x16.swizzle(inv, j), ak)), i);
  const a = v128.xor(i8x16.swizzle(su, io), i8x16.swizzle(sv, jo)); // S(x) per byte
  const b = v128.xor(i8x16.swizzle(s2u, io), i8x16.swizzle(s2v, jo)); // 2·S(x)
  // ShiftRows(MixColumns): 2a_r + 3a_(r+1) + a_(r+2) + a_(r+3), each term moved by ShiftRows; then AddRoundKey
  return v128.xor(v128.xor(i8x16.swizzle(b, SHIFT_Q0), i8x16.swizzle(v128.xor(a, b), SHIFT_Q1)),
    v128.xor(v128.xor(i8x16.swizzle(a, SHIFT_Q2), i8x16.swizzle(a, SHIFT_Q3)), key));
}

@inline function decRound(v: v128, key: v128, m: v128, isr: v128, inv: v128, cinv: v128,
  d14u: v128, d14v: v128, d11u: v128, d11v: v128, d13u: v128, d13v: v128, d9u: v128, d9v: v128): v128 {
  v = i8x16.swizzle(v, isr);
  const i = v128.and(v, m);
  const j = v128.and(i16x8.shr_u(v, 4), m);
  const ak = i8x16.swizzle(cinv, v128.xor(i, j));
  const io = v128.xor(i8x16.swizzle(inv, v128.xor(i8x16.swizzle(inv, i), ak)), j);
  const jo = v128.xor(i8x16.swizzle(inv, v128.xor(i8x16.swizzle(inv, j), ak)), i);
  const t14 = v128.xor(i8x16.swizzle(d14u, io), i8x16.swizzle(d14v, jo));
  const t11 = v128.xor(i8x16.swizzle(d11u, io), i8x16.swizzle(d11v, jo));
  const t13 = v128.xor(i8x16.swizzle(d13u, io), i8x16.swizzle(d13v, jo));
  const t9 = v128.xor(i8x16.swizzle(d9u, io), i8x16.swizzle(d9v, jo));
  // InvMixColumns: 14a_r + 11a_(r+1) + 13a_(r+2) + 9a_(r+3), then AddRoundKey
  return v128.xor(v128.xor(t14, rot1(t11)), v128.xor(v128.xor(rot2(t13), rot3(t9)), key));
}

// The last round's S-box evaluation (output tables u, v) after the shuffle `v` already had.
@inline export function lastSub(v: v128, m: v128, inv: v128, cinv: v128, u: usize, w: usize): v128 {
  const i = v128.and(v, m);
  const j = v128.and(i16x8.shr_u(v, 4), m);
  const ak = i8x16.swizzle(cinv, v128.xor(i, j));
  const io = v128.xor(i8x16.swizzle(inv, v128.xor(i8x16.swizzle(inv, i), ak)), j);
  const jo = v128.xor(i8x16.swizzle(inv, v128.xor(i8x16.swizzle(inv, j), ak)), i);
  return v128.xor(swz(u, io), swz(w, jo));
}

/** Encrypts one block (wire order) with the vperm encryption keys at `rk` (Nr = 10, 12, 14). */
export function vpEncrypt(rk: usize, nr: u32, block: v128): v128 {
  const m = v128.load(MASK_0F), inv = v128.load(INV), cinv = v128.load(CINV);
  const su = v128.load(ENC_S_U), sv = v128.load(ENC_S_V), s2u = v128.load(ENC_2S_U), s2v = v128.load(ENC_2S_V);
  let v = toRep(toShiftedRowMajor(v128.xor(block, v128.load(rk))), L_LO, L_HI);
  // Unrolled (no loop counter or stack check per round); the branches depend on Nr only.
  v = encRound(v, v128.load(rk, 16), m, inv, cinv, su, sv, s2u, s2v);
  v = encRound(v, v128.load(rk, 32), m, inv, cinv, su, sv, s2u, s2v);
  v = encRound(v, v128.load(rk, 48), m, inv, cinv, su, sv, s2u, s2v);
  v = encRound(v, v128.load(rk, 64), m, inv, cinv, su, sv, s2u, s2v);
  v = encRound(v, v128.load(rk, 80), m, inv, cinv, su, sv, s2u, s2v);
  v = encRound(v, v128.load(rk, 96), m, inv, cinv, su, sv, s2u, s2v);
  v = encRound(v, v128.load(rk, 112), m, inv, cinv, su, sv, s2u, s2v);
  v = encRound(v, v128.load(rk, 128), m, inv, cinv, su, sv, s2u, s2v);
  v = encRound(v, v128.load(rk, 144), m, inv, cinv, su, sv, s2u, s2v);
  if (nr > 10) {
    v = encRound(v, v128.load(rk, 160), m, inv, cinv, su, sv, s2u, s2v);
    v = encRound(v, v128.load(rk, 176), m, inv, cinv, su, sv, s2u, s2v);
    if (nr > 12) {
      v = encRound(v, v128.load(rk, 192), m, inv, cinv, su, sv, s2u, s2v);
      v = encRound(v, v128.load(rk, 208), m, inv, cinv, su, sv, s2u, s2v);
    }
  }
  // Last round: the state is already shifted; back to wire order, S-box, last key (wire order).
  return v128.xor(lastSub(toRowMajor(v), m, inv, cinv, SBOX_U, SBOX_V), v128.load(rk + (<usize>nr << 4)));
}

/** Decrypts one block (wire order) with the vperm decryption keys at `rk`. */
export function vpDecrypt(rk: usize, nr: u32, block: v128): v128 {
  const m = v128.load(MASK_0F), isr = invShiftRowsMask(), inv = v128.load(INV), cinv = v128.load(CINV);
  const d14u = v128.load(DEC_14_U), d14v = v128.load(DEC_14_V), d11u = v128.load(DEC_11_U), d11v = v128.load(DEC_11_V);
  const d13u = v128.load(DEC_13_U), d13v = v128.load(DEC_13_V), d9u = v128.load(DEC_9_U), d9v = v128.load(DEC_9_V);
  let v = toRep(toRowMajor(v128.xor(block, v128.load(rk))), M_LO, M_HI);
  for (let k = rk + 16, last = rk + (<usize>nr << 4); k < last; k += 16) {
    v = decRound(v, v128.load(k), m, isr, inv, cinv, d14u, d14v, d11u, d11v, d13u, d13v, d9u, d9v);
  }
  return v128.xor(lastSub(lastInvShiftRows(v), m, inv, cinv, INV_U, INV_V), v128.load(rk + (<usize>nr << 4)));
}

/** The AES S-box on all 16 bytes of v (FIPS 197 §5.1.1), for the key schedule. */
export function subBytes(v: v128): v128 {
  const m = v128.load(MASK_0F);
  return v128.xor(lastSub(toRep(v, L_LO, L_HI), m, v128.load(INV), v128.load(CINV), SBOX_U, SBOX_V), i8x16.splat(0x63));
}

// Multiplication by x in GF(2^8) of every byte, by shifts and masks (FIPS 197 §4.2.1).
@inline function xtime16(v: v128): v128 {
  return v128.xor(i8x16.shl(v, 1), v128.and(i8x16.shr_s(v, 7), i8x16.splat(0x1b)));
}

/** InvMixColumns of a round key (FIPS 197 §5.3.3), by arithmetic. */
export function invMixColumns(k: v128): v128 {
  const k2 = xtime16(k), k4 = xtime16(k2), k8 = xtime16(k4);
  const k9 = v128.xor(k8, k), k11 = v128.xor(k9, k2), k13 = v128.xor(k9, k4), k14 = v128.xor(v128.xor(k8, k4), k2);
  return v128.xor(v128.xor(k14, colRot1(k11)), v128.xor(colRot2(k13), colRot3(k9)));
}

/** Writes the vperm encryption keys of `slot` from its standard ones (KEY_ENC). */
export function vpEncKeys(slot: usize): void {
  const nr = load<u32>(slot + KEY_ROUNDS);
  const c = i8x16.splat(0x63);
  const src = slot + KEY_ENC, dst = slot + KEY_VP_ENC;
  v128.store(dst, v128.load(src));
  for (let r: u32 = 1; r < nr; r++) {
    const o = <usize>r << 4;
    v128.store(dst + o, toRep(toShiftedRowMajor(v128.xor(v128.load(src + o), c)), L_LO, L_HI));
  }
  const o = <usize>nr << 4;
  v128.store(dst + o, v128.xor(v128.load(src + o), c));
}

/**
 * Writes both decryption key forms of `slot` from KEY_ENC: the standard equivalent-inverse
 * keys (KEY_DEC: reversed, InvMixColumns on rounds 1..Nr-1, FIPS 197 §5.3.5; the bitsliced
 * kernel uses them) and the vperm ones (KEY_VP_DEC).
 */
export function vpDecKeys(slot: usize): void {
  const nr = load<u32>(slot + KEY_ROUNDS);
  const c = i8x16.splat(0x63);
  const ek = slot + KEY_ENC, dk = slot + KEY_DEC, vk = slot + KEY_VP_DEC;
  for (let q: u32 = 0; q <= nr; q++) {
    const k = v128.load(ek + (<usize>(nr - q) << 4));
    const o = <usize>q << 4;
    if (q == 0) {
      v128.store(dk, k);
      v128.store(vk, v128.xor(k, c));
    } else if (q == nr) {
      v128.store(dk + o, k);
      v128.store(vk + o, k);
    } else {
      const d = invMixColumns(k);
      v128.store(dk + o, d);
      v128.store(vk + o, toRep(toRowMajor(v128.xor(d, c)), M_LO, M_HI));
    }
  }
}
