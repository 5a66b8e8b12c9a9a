// S-box, inverse S-box and T-tables, computed at start-up from the field arithmetic of
// FIPS 197 rather than pasted as data: 10 KiB of tables cost ~20 µs to build and cannot
// contain a typo.
import { TE0, TE1, TE2, TE3, TD0, TD1, TD2, TD3, SBOX, INV_SBOX } from "./layout";

// Multiplication by x in GF(2^8) modulo x^8 + x^4 + x^3 + x + 1 (FIPS 197 §4.2.1).
@inline function xtime(a: u32): u32 {
  return ((a << 1) ^ (0x1b & (0 - (a >> 7)))) & 0xff;
}

function gmul(a: u32, b: u32): u32 {
  let r: u32 = 0;
  while (b != 0) {
    if (b & 1) r ^= a;
    a = xtime(a);
    b >>= 1;
  }
  return r;
}

@inline function rotl8(x: u32, n: u32): u32 {
  return ((x << n) | (x >> (8 - n))) & 0xff;
}

export function buildTables(): void {
  // S-box (FIPS 197 §5.1.1): walk the multiplicative group with generator 3, so that
  // p runs over all non-zero elements and q = p^-1; apply the affine map to q.
  let p: u32 = 1;
  let q: u32 = 1;
  do {
    p = p ^ xtime(p); // p * 3
    q ^= q << 1; // q / 3 (multiply by 0xf6, the inverse of 3)
    q ^= q << 2;
    q ^= q << 4;
    q &= 0xff;
    if (q & 0x80) q ^= 0x09;
    const s = q ^ rotl8(q, 1) ^ rotl8(q, 2) ^ rotl8(q, 3) ^ rotl8(q, 4) ^ 0x63;
    store<u8>(SBOX + p, <u8>s);
  } while (p != 1);
  store<u8>(SBOX, 0x63); // 0 has no inverse; the affine map of 0 is 0x63

  for (let x: u32 = 0; x < 256; x++) {
    const s = <u32>load<u8>(SBOX + x);
    store<u8>(INV_SBOX + s, <u8>x);
  }

  // T-tables (FIPS 197 §5.1.3 folded with §5.1.1–5.1.2): TE0[x] is the MixColumns column of a
  // row-0 byte x after SubBytes, i.e. (2s, s, s, 3s) with row i in bits 8i..8i+7. TE1..TE3
  // are its byte rotations for rows 1..3. TD0[x] is InvMixColumns of InvSubBytes:
  // (14s', 9s', 13s', 11s').
  for (let x: u32 = 0; x < 256; x++) {
    const s = <u32>load<u8>(SBOX + x);
    const e = gmul(s, 2) | (s << 8) | (s << 16) | (gmul(s, 3) << 24);
    const i = <u32>load<u8>(INV_SBOX + x);
    const d = gmul(i, 14) | (gmul(i, 9) << 8) | (gmul(i, 13) << 16) | (gmul(i, 11) << 24);
    const o = x << 2;
    store<u32>(TE0 + o, e);
    store<u32>(TE1 + o, rotl<u32>(e, 8));
    store<u32>(TE2 + o, rotl<u32>(e, 16));
    store<u32>(TE3 + o, rotl<u32>(e, 24));
    store<u32>(TD0 + o, d);
    store<u32>(TD1 + o, rotl<u32>(d, 8));
    store<u32>(TD2 + o, rotl<u32>(d, 16));
    store<u32>(TD3 + o, rotl<u32>(d, 24));
  }
}
