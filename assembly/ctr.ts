// CTR (SP 800-38A §6.5), any byte length. The counter block is a big-endian 128-bit number;
// after each block only the bits selected by STATE_CTR_MASK advance (all 128 for OpenSSL /
// Node, the low `length` bits for WebCrypto), the others stay fixed. The host checks that a
// call never wraps the counter into blocks already used.
// Whole groups of 8 blocks run bitsliced; a long enough tail (tailBitsliced, layout.ts) as one
// more bitsliced group (surplus keystream discarded), a shorter one block by block through the
// vector-permute kernel. The counter arithmetic has no branch (the carry is added as 0 or 1),
// and the mask is public.
import { BS_INPUT, KEY_ENC, KEY_VP_ENC, KEY_ROUNDS, STATE_REG, STATE_KS, STATE_CTR_MASK, STATE_POS, tailBitsliced } from "./layout";
import { vpEncrypt } from "./vperm";
import { bsEncKeys, bsEncrypt8, bsWipeKeys } from "./bitsliced.generated";

// The counter block as on the wire, from its halves: big-endian (hi = bytes 0..7), or for
// ctr32le little-endian (lo = bytes 0..7, so the low 32 bits of lo are bytes 0..3). The
// big-endian halves are byte-swapped in one shuffle.
@inline function counterBlock(hi: u64, lo: u64, le: bool): v128 {
  if (le) return i64x2.replace_lane(i64x2.splat(lo), 1, hi);
  const v = i64x2.replace_lane(i64x2.splat(hi), 1, lo);
  return i8x16.shuffle(v, v, 7, 6, 5, 4, 3, 2, 1, 0, 15, 14, 13, 12, 11, 10, 9, 8);
}

export function ctr(key: usize, state: usize, io: usize, len: usize): void {
  ctrWith(key, state, io, len, false);
}

/**
 * CTR with GCM-SIV's counter (RFC 8452 §4): the first 4 bytes of the block are a little-endian
 * 32-bit counter that wraps mod 2^32, the other 12 stay fixed. STATE_CTR_MASK is read in the
 * same little-endian order: the host sets its bytes 0..3 to 0xff, the rest to 0.
 */
export function ctr32le(key: usize, state: usize, io: usize, len: usize): void {
  ctrWith(key, state, io, len, true);
}

// `le` is a compile-time constant at both calls.
@inline function ctrWith(key: usize, state: usize, io: usize, len: usize, le: bool): void {
  const reg = state + STATE_REG;
  const ks = state + STATE_KS;
  let n = <usize>load<u32>(state + STATE_POS);
  let i: usize = 0;
  while (n != 0 && i < len) {
    store<u8>(io + i, load<u8>(io + i) ^ load<u8>(ks + n));
    i++;
    n = (n + 1) & 15;
  }
  if (i == len) {
    store<u32>(state + STATE_POS, <u32>n);
    return;
  }
  const nr = load<u32>(key + KEY_ROUNDS);
  const mHi = le ? load<u64>(state + STATE_CTR_MASK, 8) : bswap<u64>(load<u64>(state + STATE_CTR_MASK));
  const mLo = le ? load<u64>(state + STATE_CTR_MASK) : bswap<u64>(load<u64>(state + STATE_CTR_MASK, 8));
  let hi = le ? load<u64>(reg, 8) : bswap<u64>(load<u64>(reg));
  let lo = le ? load<u64>(reg) : bswap<u64>(load<u64>(reg, 8));
  let p = io + i;
  const end = io + len;
  const total = end - p;
  const bitsliced = total >= 128 || tailBitsliced(total, (total + 15) & ~<usize>15);

  if (bitsliced) {
    // Groups of 8 counter blocks in BS_INPUT, encrypted in place, XORed into the data; the
    // last group may be partial (its surplus counters are not kept).
    const keys = bsEncKeys(key + KEY_ENC, nr);
    while (end - p >= 128) {
      for (let b: usize = 0; b < 128; b += 16) {
        v128.store(BS_INPUT + b, counterBlock(hi, lo, le));
        const lo1 = lo + 1; // counter + 1 within the mask
        const hi1 = hi + <u64>(lo1 == 0);
        lo = (lo & ~mLo) | (lo1 & mLo);
        hi = (hi & ~mHi) | (hi1 & mHi);
      }
      bsEncrypt8(BS_INPUT, keys, nr);
      for (let b: usize = 0; b < 128; b += 16) v128.store(p + b, v128.xor(v128.load(p + b), v128.load(BS_INPUT + b)));
      p += 128;
    }
    const rest = end - p;
    if (rest != 0 && tailBitsliced(total, (rest + 15) & ~<usize>15)) {
      const whole = rest >> 4;
      for (let b: usize = 0; b < rest; b += 16) {
        v128.store(BS_INPUT + b, counterBlock(hi, lo, le));
        const lo1 = lo + 1;
        const hi1 = hi + <u64>(lo1 == 0);
        lo = (lo & ~mLo) | (lo1 & mLo);
        hi = (hi & ~mHi) | (hi1 & mHi);
      }
      bsEncrypt8(BS_INPUT, keys, nr);
      for (let b: usize = 0; b < whole << 4; b += 16) v128.store(p + b, v128.xor(v128.load(p + b), v128.load(BS_INPUT + b)));
      p += whole << 4;
      n = end - p;
      if (n != 0) {
        v128.store(ks, v128.load(BS_INPUT + (whole << 4))); // the partial block's keystream, for the next call
        for (let j: usize = 0; j < n; j++) store<u8>(p + j, load<u8>(p + j) ^ load<u8>(ks + j));
        p = end;
      }
    }
    for (let b: usize = 0; b < 128; b += 16) v128.store(BS_INPUT + b, v128.splat<i32>(0)); // no keystream left behind
    bsWipeKeys(keys, nr);
  }

  // Blocks one at a time (vperm); a partial last block's keystream stays in STATE_KS.
  const vk = key + KEY_VP_ENC;
  while (p < end) {
    const k = vpEncrypt(vk, nr, counterBlock(hi, lo, le));
    const lo1 = lo + 1;
    const hi1 = hi + <u64>(lo1 == 0);
    lo = (lo & ~mLo) | (lo1 & mLo);
    hi = (hi & ~mHi) | (hi1 & mHi);
    if (end - p >= 16) {
      v128.store(p, v128.xor(v128.load(p), k));
      p += 16;
    } else {
      v128.store(ks, k);
      n = end - p;
      for (let j: usize = 0; j < n; j++) store<u8>(p + j, load<u8>(p + j) ^ load<u8>(ks + j));
      p = end;
    }
  }
  store<u64>(reg, le ? lo : bswap<u64>(hi));
  store<u64>(reg, le ? hi : bswap<u64>(lo), 8);
  store<u32>(state + STATE_POS, <u32>n);
}
