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

// Byte shuffles of the state (byte 4c + r is row r of column c).
@inline function shiftRows(v: v128): v128 {
  return i8x16.shuffle(v, v, 0, 5, 10, 15, 4, 9, 14, 3, 8, 13, 2, 7, 12, 1, 6, 11);
}
@inline function invShiftRows(v: v128): v128 {
  return i8x16.shuffle(v, v, 0, 13, 10, 7, 4, 1, 14, 11, 8, 5, 2, 15, 12, 9, 6, 3);
}
// Row r of each column takes row r + k.
@inline function rot1(v: v128): v128 {
  return i8x16.shuffle(v, v, 1, 2, 3, 0, 5, 6, 7, 4, 9, 10, 11, 8, 13, 14, 15, 12);
}
@inline function rot2(v: v128): v128 {
  return i8x16.shuffle(v, v, 2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13);
}
@inline function rot3(v: v128): v128 {
  return i8x16.shuffle(v, v, 3, 0, 1, 2, 7, 4, 5, 6, 11, 8, 9, 10, 15, 12, 13, 14);
}

/** A standard byte vector into the nibble representation, by a linear map given per nibble. */
@inline function toRep(v: v128, lo: usize, hi: usize): v128 {
  const m = v128.load(MASK_0F);
  return v128.xor(swz(lo, v128.and(v, m)), swz(hi, v128.and(i16x8.shr_u(v, 4), m)));
}

// The shared middle of every S-box evaluation: from (i, j) = (low, high nibble of v) to io
// and jo (see scripts/gen-vperm.mjs); then out(u, v) = U[io] ^ V[jo] for a pair of output tables.
// Written out in each caller because AssemblyScript functions return one value.

/** Encrypts one block (standard bytes) with the vperm encryption keys at `rk`. */
export function vpEncrypt(rk: usize, nr: u32, block: v128): v128 {
  const m = v128.load(MASK_0F);
  let v = toRep(v128.xor(block, v128.load(rk)), L_LO, L_HI);
  const last = rk + (<usize>nr << 4);
  for (let k = rk + 16; k < last; k += 16) {
    v = shiftRows(v);
    const i = v128.and(v, m);
    const j = v128.and(i16x8.shr_u(v, 4), m);
    const ak = swz(CINV, v128.xor(i, j));
    const io = v128.xor(swz(INV, v128.xor(swz(INV, i), ak)), j);
    const jo = v128.xor(swz(INV, v128.xor(swz(INV, j), ak)), i);
    const a = v128.xor(swz(ENC_S_U, io), swz(ENC_S_V, jo)); // S(x) per byte
    const b = v128.xor(swz(ENC_2S_U, io), swz(ENC_2S_V, jo)); // 2·S(x)
    const e = v128.xor(b, rot1(a)); // 2a_r + a_(r+1)
    v = v128.xor(v128.xor(e, rot1(e)), v128.xor(rot3(a), v128.load(k))); // MixColumns + AddRoundKey
  }
  v = shiftRows(v);
  const i = v128.and(v, m);
  const j = v128.and(i16x8.shr_u(v, 4), m);
  const ak = swz(CINV, v128.xor(i, j));
  const io = v128.xor(swz(INV, v128.xor(swz(INV, i), ak)), j);
  const jo = v128.xor(swz(INV, v128.xor(swz(INV, j), ak)), i);
  return v128.xor(v128.xor(swz(SBOX_U, io), swz(SBOX_V, jo)), v128.load(last));
}

/** Decrypts one block (standard bytes) with the vperm decryption keys at `rk`. */
export function vpDecrypt(rk: usize, nr: u32, block: v128): v128 {
  const m = v128.load(MASK_0F);
  let v = toRep(v128.xor(block, v128.load(rk)), M_LO, M_HI);
  const last = rk + (<usize>nr << 4);
  for (let k = rk + 16; k < last; k += 16) {
    v = invShiftRows(v);
    const i = v128.and(v, m);
    const j = v128.and(i16x8.shr_u(v, 4), m);
    const ak = swz(CINV, v128.xor(i, j));
    const io = v128.xor(swz(INV, v128.xor(swz(INV, i), ak)), j);
    const jo = v128.xor(swz(INV, v128.xor(swz(INV, j), ak)), i);
    const t14 = v128.xor(swz(DEC_14_U, io), swz(DEC_14_V, jo));
    const t11 = v128.xor(swz(DEC_11_U, io), swz(DEC_11_V, jo));
    const t13 = v128.xor(swz(DEC_13_U, io), swz(DEC_13_V, jo));
    const t9 = v128.xor(swz(DEC_9_U, io), swz(DEC_9_V, jo));
    // InvMixColumns: 14a_r + 11a_(r+1) + 13a_(r+2) + 9a_(r+3), then AddRoundKey
    v = v128.xor(v128.xor(t14, rot1(t11)), v128.xor(v128.xor(rot2(t13), rot3(t9)), v128.load(k)));
  }
  v = invShiftRows(v);
  const i = v128.and(v, m);
  const j = v128.and(i16x8.shr_u(v, 4), m);
  const ak = swz(CINV, v128.xor(i, j));
  const io = v128.xor(swz(INV, v128.xor(swz(INV, i), ak)), j);
  const jo = v128.xor(swz(INV, v128.xor(swz(INV, j), ak)), i);
  return v128.xor(v128.xor(swz(INV_U, io), swz(INV_V, jo)), v128.load(last));
}

/** The AES S-box on all 16 bytes of v (FIPS 197 §5.1.1), for the key schedule. */
export function subBytes(v: v128): v128 {
  const m = v128.load(MASK_0F);
  v = toRep(v, L_LO, L_HI);
  const i = v128.and(v, m);
  const j = v128.and(i16x8.shr_u(v, 4), m);
  const ak = swz(CINV, v128.xor(i, j));
  const io = v128.xor(swz(INV, v128.xor(swz(INV, i), ak)), j);
  const jo = v128.xor(swz(INV, v128.xor(swz(INV, j), ak)), i);
  return v128.xor(v128.xor(swz(SBOX_U, io), swz(SBOX_V, jo)), i8x16.splat(0x63));
}

// Multiplication by x in GF(2^8) of every byte, by shifts and masks (FIPS 197 §4.2.1).
@inline function xtime16(v: v128): v128 {
  return v128.xor(i8x16.shl(v, 1), v128.and(i8x16.shr_s(v, 7), i8x16.splat(0x1b)));
}

/** InvMixColumns of a round key (FIPS 197 §5.3.3), by arithmetic. */
export function invMixColumns(k: v128): v128 {
  const k2 = xtime16(k), k4 = xtime16(k2), k8 = xtime16(k4);
  const k9 = v128.xor(k8, k), k11 = v128.xor(k9, k2), k13 = v128.xor(k9, k4), k14 = v128.xor(v128.xor(k8, k4), k2);
  return v128.xor(v128.xor(k14, rot1(k11)), v128.xor(rot2(k13), rot3(k9)));
}

/** Writes the vperm encryption keys of `slot` from its standard ones (KEY_ENC). */
export function vpEncKeys(slot: usize): void {
  const nr = load<u32>(slot + KEY_ROUNDS);
  const c = i8x16.splat(0x63);
  const src = slot + KEY_ENC, dst = slot + KEY_VP_ENC;
  v128.store(dst, v128.load(src));
  for (let r: u32 = 1; r < nr; r++) {
    const o = <usize>r << 4;
    v128.store(dst + o, toRep(v128.xor(v128.load(src + o), c), L_LO, L_HI));
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
      v128.store(vk + o, toRep(v128.xor(d, c), M_LO, M_HI));
    }
  }
}
