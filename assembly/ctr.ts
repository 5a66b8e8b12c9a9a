// CTR (SP 800-38A §6.5), any byte length. The counter block is a big-endian 128-bit number;
// after each block only the bits selected by STATE_CTR_MASK advance (all 128 for OpenSSL /
// Node, the low `length` bits for WebCrypto), the others stay fixed. The host checks that a
// call never wraps the counter into blocks already used.
import { encCol } from "./columns";
import { BS_INPUT, KEY_ENC, KEY_ROUNDS, STATE_REG, STATE_KS, STATE_CTR_MASK, STATE_POS, TE0, TE1, TE2, TE3 } from "./layout";
import { enc1 } from "./rounds.generated";
import { bsEncKeys, bsEncrypt8, bsWipeKeys } from "./bitsliced.generated";

// Lookup of byte `i` (0..3) of column word x in TE0..TE3; one function per table so that
// the table base stays a constant load offset.
@inline function idx(x: u32, i: u32): usize {
  return i == 0 ? (x << 2) & 0x3fc : (x >> (8 * i - 2)) & 0x3fc;
}
@inline function te0(x: u32, i: u32): u32 { return load<u32>(idx(x, i), TE0); }
@inline function te1(x: u32, i: u32): u32 { return load<u32>(idx(x, i), TE1); }
@inline function te2(x: u32, i: u32): u32 { return load<u32>(idx(x, i), TE2); }
@inline function te3(x: u32, i: u32): u32 { return load<u32>(idx(x, i), TE3); }

// The counter as the four little-endian column words of the block on the wire.
@inline function word(half: u64, second: bool): u32 {
  return second ? bswap<u32>(<u32>half) : bswap<u32>(<u32>(half >> 32));
}

// Rounds 3..Nr of one block, XORed into the data at p. A call of its own: inlined into this
// (large) function, the cached round-1/2 values stay live across the rounds and V8 spills
// more; as a call, 64- and 112-byte messages ran 3-11 % faster (kernel A/B, AMD EPYC).
@noinline function encFrom2(k: usize, nr: u32, s0: u32, s1: u32, s2: u32, s3: u32, p: usize): void {
  enc1(k, nr, 2, s0, s1, s2, s3, p, true, p);
}

export function ctr(key: usize, state: usize, io: usize, len: usize): void {
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
  const k = key + KEY_ENC;
  const nr = load<u32>(key + KEY_ROUNDS);
  const mHi = bswap<u64>(load<u64>(state + STATE_CTR_MASK));
  const mLo = bswap<u64>(load<u64>(state + STATE_CTR_MASK, 8));
  let hi = bswap<u64>(load<u64>(reg));
  let lo = bswap<u64>(load<u64>(reg, 8));
  let p = io + i;
  const end = io + len;

  // Groups of 8 blocks: the counter blocks are written to BS_INPUT, encrypted bitsliced, and
  // XORed into the data. Shorter tails take the T-table paths below.
  if (end - p >= 128) {
    const keys = bsEncKeys(k, nr);
    while (end - p >= 128) {
      for (let b: usize = 0; b < 128; b += 16) {
        store<u64>(BS_INPUT + b, bswap<u64>(hi));
        store<u64>(BS_INPUT + b, bswap<u64>(lo), 8);
        const lo1 = lo + 1; // counter + 1 within the mask
        const hi1 = lo1 == 0 ? hi + 1 : hi;
        lo = (lo & ~mLo) | (lo1 & mLo);
        hi = (hi & ~mHi) | (hi1 & mHi);
      }
      bsEncrypt8(BS_INPUT, keys, nr);
      for (let b: usize = 0; b < 128; b += 16) v128.store(p + b, v128.xor(v128.load(p + b), v128.load(BS_INPUT + b)));
      p += 128;
    }
    for (let b: usize = 0; b < 128; b += 16) v128.store(BS_INPUT + b, v128.splat<i32>(0)); // no keystream left behind
    bsWipeKeys(keys, nr);
  }

  if ((mLo & 0xff) == 0xff && end - p >= 32) { // (one block alone is faster without the cache)
    // Fast path: the whole last counter byte advances, so in a run of blocks that ends where
    // that byte wraps, the byte is the only difference. It enters AddRoundKey in column 3,
    // row 3; round 1 then depends on it only in column 0 (one lookup), and round 2 in each
    // column only through one lookup of that column 0. The rest of rounds 1 and 2 is done
    // once per run (up to 256 blocks).
    while (end - p >= 16) {
      const first = <u32>lo & 0xff;
      let run: u32 = 256 - first;
      const avail = <u32>((end - p) >> 4);
      if (avail < run) run = avail;
      const k15 = load<u32>(k, 12) >> 24; // round key byte that meets the counter byte
      const s0 = word(hi, false) ^ load<u32>(k);
      const s1 = word(hi, true) ^ load<u32>(k, 4);
      const s2 = word(lo, false) ^ load<u32>(k, 8);
      const s3 = word(lo, true) ^ load<u32>(k, 12); // only its low three bytes are used
      const c0 = te0(s0, 0) ^ te1(s1, 1) ^ te2(s2, 2) ^ load<u32>(k, 16);
      const t1 = encCol(s1, s2, s3, s0) ^ load<u32>(k, 20);
      const t2 = encCol(s2, s3, s0, s1) ^ load<u32>(k, 24);
      const t3 = encCol(s3, s0, s1, s2) ^ load<u32>(k, 28);
      const d0 = te1(t1, 1) ^ te2(t2, 2) ^ te3(t3, 3) ^ load<u32>(k, 32);
      const d1 = te0(t1, 0) ^ te1(t2, 1) ^ te2(t3, 2) ^ load<u32>(k, 36);
      const d2 = te0(t2, 0) ^ te1(t3, 1) ^ te3(t1, 3) ^ load<u32>(k, 40);
      const d3 = te0(t3, 0) ^ te2(t1, 2) ^ te3(t2, 3) ^ load<u32>(k, 44);
      // Per block: column 0 of round 1 (a), then round 2 = d ^ one lookup of a per column.
      let c = first;
      const stop = p + (<usize>run << 4);
      for (; p < stop; p += 16, c++) {
        const a = c0 ^ load<u32>(((c ^ k15) & 0xff) << 2, TE3);
        encFrom2(k, nr, d0 ^ te0(a, 0), d1 ^ te3(a, 3), d2 ^ te2(a, 2), d3 ^ te1(a, 1), p);
      }
      // Set the last byte to the last counter used, then one ordinary step (it may carry).
      lo = (lo & ~<u64>0xff) | <u64>(first + run - 1);
      const lo1 = lo + 1;
      const hi1 = lo1 == 0 ? hi + 1 : hi;
      lo = (lo & ~mLo) | (lo1 & mLo);
      hi = (hi & ~mHi) | (hi1 & mHi);
    }
  }
  // Generic path (a mask that does not cover the whole last byte), then a partial last block
  // whose keystream stays in STATE_KS for the next call.
  while (p < end) {
    const full = end - p >= 16;
    const dst = full ? p : ks;
    enc1(k, nr, 0, word(hi, false), word(hi, true), word(lo, false), word(lo, true), dst, full, p);
    // counter + 1 within the mask
    const lo1 = lo + 1;
    const hi1 = lo1 == 0 ? hi + 1 : hi;
    lo = (lo & ~mLo) | (lo1 & mLo);
    hi = (hi & ~mHi) | (hi1 & mHi);
    if (full) {
      p += 16;
    } else {
      n = end - p;
      for (let j: usize = 0; j < n; j++) store<u8>(p + j, load<u8>(p + j) ^ load<u8>(ks + j));
      p = end;
    }
  }
  store<u64>(reg, bswap<u64>(hi));
  store<u64>(reg, bswap<u64>(lo), 8);
  store<u32>(state + STATE_POS, <u32>n);
}
