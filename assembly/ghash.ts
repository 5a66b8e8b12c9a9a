// GHASH for GCM (SP 800-38D §6.4): multiplication in GF(2^128) by the hash subkey H, table
// driven with Shoup's 8-bit method. Per key (per GCM slot) a table M[b] = P(b)·H for every byte
// value b is built once (4 KiB); a block X = X_0..X_15 is then multiplied as
//   X·H = M[X_0] ⊕ x^8·(M[X_1] ⊕ x^8·(… ⊕ x^8·M[X_15]))
// (Horner over bytes, last byte first), where x^8· is a right shift of the 128-bit value by 8
// bits and the byte shifted out is folded back with one lookup in the shared REM8 table.
//
// Bit order: GCM numbers bits from the most significant bit of byte 0 (x^0) to the least
// significant bit of byte 15 (x^127), so a field element loaded big-endian into (hi, lo) u64
// words has x^0 at bit 63 of hi, and "multiply by x" is a right shift. P(b) is byte b read as
// x^0..x^7 (its most significant bit is x^0). Table entries are (hi, lo) u64 pairs in native
// (little-endian) form; the accumulator in memory is a block as on the wire.
//
// The table lookups are indexed by data and key bits, like the AES T-tables: not constant-time
// with respect to cache timing (see README, Security).
import { GCM_TABLE, REM8 } from "./layout";

/** Fills REM8: REM8[d] is the top 16 bits of d·x^128 reduced, for the byte d shifted out. */
export function buildGhashTables(): void {
  for (let d: u32 = 0; d < 256; d++) {
    let r: u32 = 0;
    // Bit k of the dropped byte (k = 0 for its most significant bit) stood for x^(120+k); after
    // the shift it is x^(128+k) = x^k · (x^7 + x^2 + x + 1), i.e. 0xE1 in the top byte moved
    // right by k bits.
    for (let k: u32 = 0; k < 8; k++) {
      if ((d >> (7 - k)) & 1) r ^= 0xe100 >> k;
    }
    store<u16>(REM8 + (d << 1), <u16>r);
  }
}

/**
 * Builds the GHASH table of the GCM slot `slot` from the hash subkey H = E_K(0^128), 16 bytes
 * at `h` as on the wire.
 */
export function ghashSetup(slot: usize, h: usize): void {
  const t = slot + GCM_TABLE;
  let hi = bswap<u64>(load<u64>(h));
  let lo = bswap<u64>(load<u64>(h, 8));
  store<u64>(t, 0);
  store<u64>(t, 0, 8);
  // M[0x80] = H (x^0), M[0x40] = H·x, …, M[0x01] = H·x^7: one right shift each, reducing by
  // R = 0xE1 || 0^120 when x^127 falls out.
  for (let b: u32 = 0x80; b != 0; b >>= 1) {
    const e = t + (<usize>b << 4);
    store<u64>(e, hi);
    store<u64>(e, lo, 8);
    const carry = lo & 1;
    lo = (lo >> 1) | (hi << 63);
    hi = (hi >> 1) ^ ((0 - carry) & 0xe100000000000000);
  }
  // Every other entry is the XOR of the entries of its set bits (multiplication is linear):
  // M[b] = M[highest bit of b] ⊕ M[rest of b], with the rest already filled in.
  for (let b: u32 = 2; b < 256; b++) {
    let top: u32 = 1 << (31 - clz<u32>(b));
    if (top == b) continue;
    const e = t + (<usize>b << 4);
    const x = t + (<usize>top << 4);
    const y = t + (<usize>(b ^ top) << 4);
    store<u64>(e, load<u64>(x) ^ load<u64>(y));
    store<u64>(e, load<u64>(x, 8) ^ load<u64>(y, 8), 8);
  }
}

/**
 * GHASH over `len` bytes at `io` (a multiple of 16): for each block X, Y = (Y ⊕ X)·H, with the
 * accumulator Y the 16 bytes at `acc` (as on the wire), updated in place. The host pads a
 * partial last block with zeros.
 */
export function ghash(slot: usize, acc: usize, io: usize, len: usize): void {
  const t = slot + GCM_TABLE;
  let yHi = bswap<u64>(load<u64>(acc));
  let yLo = bswap<u64>(load<u64>(acc, 8));
  const end = io + (len & ~(<usize>15));
  for (let p = io; p < end; p += 16) {
    const xHi = yHi ^ bswap<u64>(load<u64>(p));
    let w = yLo ^ bswap<u64>(load<u64>(p, 8));
    // Z = M[X_15], then Z = Z·x^8 ⊕ M[X_j] for j = 14 … 0; bytes of the low word first.
    let e = t + (<usize>(w & 0xff) << 4);
    let zHi = load<u64>(e);
    let zLo = load<u64>(e, 8);
    for (let j = 0; j < 7; j++) {
      w >>= 8;
      const rem = <usize>(zLo & 0xff);
      zLo = (zLo >> 8) | (zHi << 56);
      zHi = (zHi >> 8) ^ (<u64>load<u16>(REM8 + (rem << 1)) << 48);
      e = t + (<usize>(w & 0xff) << 4);
      zHi ^= load<u64>(e);
      zLo ^= load<u64>(e, 8);
    }
    w = xHi;
    for (let j = 0; j < 8; j++) {
      const rem = <usize>(zLo & 0xff);
      zLo = (zLo >> 8) | (zHi << 56);
      zHi = (zHi >> 8) ^ (<u64>load<u16>(REM8 + (rem << 1)) << 48);
      e = t + (<usize>(w & 0xff) << 4);
      zHi ^= load<u64>(e);
      zLo ^= load<u64>(e, 8);
      w >>= 8;
    }
    yHi = zHi;
    yLo = zLo;
  }
  store<u64>(acc, bswap<u64>(yHi));
  store<u64>(acc, bswap<u64>(yLo), 8);
}
