// Column steps of the T-table rounds (FIPS 197 §5.1, §5.3.5), shared by the generated
// unrolled rounds (rounds.generated.ts) and the CTR round-1/2 cache (ctr.ts).
// State columns are little-endian u32 words (row i in bits 8i..8i+7), so each table index
// is one shift and one mask, with the table base in the load's constant offset.
import { TE0, TE1, TE2, TE3, TD0, TD1, TD2, TD3, SBOX, INV_SBOX } from "./layout";

// One output column of an encryption round before AddRoundKey: SubBytes, ShiftRows and
// MixColumns of row i taken from the i-th argument.
@inline export function encCol(a: u32, b: u32, c: u32, d: u32): u32 {
  return load<u32>((a << 2) & 0x3fc, TE0) ^ load<u32>((b >> 6) & 0x3fc, TE1) ^
    load<u32>((c >> 14) & 0x3fc, TE2) ^ load<u32>((d >> 22) & 0x3fc, TE3);
}

// The same for decryption (callers pass the columns in InvShiftRows order).
@inline export function decCol(a: u32, b: u32, c: u32, d: u32): u32 {
  return load<u32>((a << 2) & 0x3fc, TD0) ^ load<u32>((b >> 6) & 0x3fc, TD1) ^
    load<u32>((c >> 14) & 0x3fc, TD2) ^ load<u32>((d >> 22) & 0x3fc, TD3);
}

// Final round column: SubBytes and ShiftRows only (separate functions so that the S-box
// base stays a constant load offset rather than an add).
@inline export function lastEnc(a: u32, b: u32, c: u32, d: u32): u32 {
  return <u32>load<u8>(a & 0xff, SBOX) | (<u32>load<u8>((b >> 8) & 0xff, SBOX) << 8) |
    (<u32>load<u8>((c >> 16) & 0xff, SBOX) << 16) | (<u32>load<u8>(d >> 24, SBOX) << 24);
}

@inline export function lastDec(a: u32, b: u32, c: u32, d: u32): u32 {
  return <u32>load<u8>(a & 0xff, INV_SBOX) | (<u32>load<u8>((b >> 8) & 0xff, INV_SBOX) << 8) |
    (<u32>load<u8>((c >> 16) & 0xff, INV_SBOX) << 16) | (<u32>load<u8>(d >> 24, INV_SBOX) << 24);
}
