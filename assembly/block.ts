// One-block encryption and decryption with T-table rounds (FIPS 197 §5.1, §5.3.5).
// State columns are little-endian u32 words (row i in bits 8i..8i+7), so each table index
// is one shift and one mask, with the table base in the load's constant offset.
import {
  TE0, TE1, TE2, TE3, TD0, TD1, TD2, TD3, SBOX, INV_SBOX, KEY_ENC, KEY_DEC, KEY_ROUNDS,
} from "./layout";

// One output column of an encryption round: SubBytes, ShiftRows and MixColumns of
// rows 0..3 taken from columns a, b, c, d.
@inline function encCol(a: u32, b: u32, c: u32, d: u32): u32 {
  return load<u32>((a << 2) & 0x3fc, TE0) ^ load<u32>((b >> 6) & 0x3fc, TE1) ^
    load<u32>((c >> 14) & 0x3fc, TE2) ^ load<u32>((d >> 22) & 0x3fc, TE3);
}

@inline function decCol(a: u32, b: u32, c: u32, d: u32): u32 {
  return load<u32>((a << 2) & 0x3fc, TD0) ^ load<u32>((b >> 6) & 0x3fc, TD1) ^
    load<u32>((c >> 14) & 0x3fc, TD2) ^ load<u32>((d >> 22) & 0x3fc, TD3);
}

// Final round column: SubBytes and ShiftRows only.
@inline function lastCol(table: usize, a: u32, b: u32, c: u32, d: u32): u32 {
  return <u32>load<u8>(table + (a & 0xff)) | (<u32>load<u8>(table + ((b >> 8) & 0xff)) << 8) |
    (<u32>load<u8>(table + ((c >> 16) & 0xff)) << 16) | (<u32>load<u8>(table + (d >> 24)) << 24);
}

/** Encrypts the block at `src` into `dst` (they may be equal) with the key in `slot`. */
@inline export function encryptBlock(slot: usize, src: usize, dst: usize): void {
  const k0 = slot + KEY_ENC;
  const last = k0 + (<usize>load<u32>(slot + KEY_ROUNDS) << 4);
  let s0 = load<u32>(src) ^ load<u32>(k0);
  let s1 = load<u32>(src, 4) ^ load<u32>(k0, 4);
  let s2 = load<u32>(src, 8) ^ load<u32>(k0, 8);
  let s3 = load<u32>(src, 12) ^ load<u32>(k0, 12);
  // Nr - 1 full rounds (an odd number): one, then pairs.
  let t0 = encCol(s0, s1, s2, s3) ^ load<u32>(k0, 16);
  let t1 = encCol(s1, s2, s3, s0) ^ load<u32>(k0, 20);
  let t2 = encCol(s2, s3, s0, s1) ^ load<u32>(k0, 24);
  let t3 = encCol(s3, s0, s1, s2) ^ load<u32>(k0, 28);
  for (let k = k0 + 32; k < last; k += 32) {
    s0 = encCol(t0, t1, t2, t3) ^ load<u32>(k);
    s1 = encCol(t1, t2, t3, t0) ^ load<u32>(k, 4);
    s2 = encCol(t2, t3, t0, t1) ^ load<u32>(k, 8);
    s3 = encCol(t3, t0, t1, t2) ^ load<u32>(k, 12);
    t0 = encCol(s0, s1, s2, s3) ^ load<u32>(k, 16);
    t1 = encCol(s1, s2, s3, s0) ^ load<u32>(k, 20);
    t2 = encCol(s2, s3, s0, s1) ^ load<u32>(k, 24);
    t3 = encCol(s3, s0, s1, s2) ^ load<u32>(k, 28);
  }
  store<u32>(dst, lastCol(SBOX, t0, t1, t2, t3) ^ load<u32>(last));
  store<u32>(dst, lastCol(SBOX, t1, t2, t3, t0) ^ load<u32>(last, 4), 4);
  store<u32>(dst, lastCol(SBOX, t2, t3, t0, t1) ^ load<u32>(last, 8), 8);
  store<u32>(dst, lastCol(SBOX, t3, t0, t1, t2) ^ load<u32>(last, 12), 12);
}

/** Decrypts the block at `src` into `dst` (they may be equal) with the key in `slot`. */
@inline export function decryptBlock(slot: usize, src: usize, dst: usize): void {
  const k0 = slot + KEY_DEC;
  const last = k0 + (<usize>load<u32>(slot + KEY_ROUNDS) << 4);
  let s0 = load<u32>(src) ^ load<u32>(k0);
  let s1 = load<u32>(src, 4) ^ load<u32>(k0, 4);
  let s2 = load<u32>(src, 8) ^ load<u32>(k0, 8);
  let s3 = load<u32>(src, 12) ^ load<u32>(k0, 12);
  // InvShiftRows takes row i of output column j from input column j - i.
  let t0 = decCol(s0, s3, s2, s1) ^ load<u32>(k0, 16);
  let t1 = decCol(s1, s0, s3, s2) ^ load<u32>(k0, 20);
  let t2 = decCol(s2, s1, s0, s3) ^ load<u32>(k0, 24);
  let t3 = decCol(s3, s2, s1, s0) ^ load<u32>(k0, 28);
  for (let k = k0 + 32; k < last; k += 32) {
    s0 = decCol(t0, t3, t2, t1) ^ load<u32>(k);
    s1 = decCol(t1, t0, t3, t2) ^ load<u32>(k, 4);
    s2 = decCol(t2, t1, t0, t3) ^ load<u32>(k, 8);
    s3 = decCol(t3, t2, t1, t0) ^ load<u32>(k, 12);
    t0 = decCol(s0, s3, s2, s1) ^ load<u32>(k, 16);
    t1 = decCol(s1, s0, s3, s2) ^ load<u32>(k, 20);
    t2 = decCol(s2, s1, s0, s3) ^ load<u32>(k, 24);
    t3 = decCol(s3, s2, s1, s0) ^ load<u32>(k, 28);
  }
  store<u32>(dst, lastCol(INV_SBOX, t0, t3, t2, t1) ^ load<u32>(last));
  store<u32>(dst, lastCol(INV_SBOX, t1, t0, t3, t2) ^ load<u32>(last, 4), 4);
  store<u32>(dst, lastCol(INV_SBOX, t2, t1, t0, t3) ^ load<u32>(last, 8), 8);
  store<u32>(dst, lastCol(INV_SBOX, t3, t2, t1, t0) ^ load<u32>(last, 12), 12);
}
