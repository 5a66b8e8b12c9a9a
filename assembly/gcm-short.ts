// A short GCM message (SP 800-38D, 96-bit IV) in one call: E_K(J0), the CTR blocks, GHASH over
// AAD ‖ C ‖ lengths and the tag, for src/modes/gcm.ts's short path (a few dozen bytes, where
// the cost of a message is its calls and copies more than its blocks). The keystream exists
// only in locals; E_K(J0) passes through the window's first block and is wiped from it at once.
// Every block goes through the vperm rounds, two blocks interleaved (one block at a time leaves
// the rounds' dependency chain exposed: two take ~1.4x the time of one, not 2x); for the up to
// 7 blocks the host sends here that is about one bitsliced group's time, and the GHASH part,
// which carries these exports, then needs no bitsliced code. No branch or address depends on a
// secret: open() selects the plaintext or the ciphertext by a mask made from the tag
// comparison, and returns that comparison.
//
// The window, for `a` AAD bytes and `n` data bytes (the host writes the IV, the AAD and the data):
//   io + 0    the 12-byte IV (bytes 12..15 ignored)
//   io + 16   AAD ‖ 0*                                   (the kernel writes the zero padding)
//   ct        data ‖ 0* ‖ [8a]_64 ‖ [8n]_64              ct = io + 16 + pad16(a)
import { GCM_ACC, KEY_ROUNDS, KEY_VP_ENC } from "./layout";
import { encRound, lastSub, toRep, toRowMajor, toShiftedRowMajor, vpEncrypt } from "./vperm";
import { CINV, ENC_2S_U, ENC_2S_V, ENC_S_U, ENC_S_V, INV, L_HI, L_LO, MASK_0F, SBOX_U, SBOX_V } from "./vperm-tables.generated";
import { ghash } from "./ghash";
import { bswap32, bswap64 } from "./bswap";

@inline function pad16(n: usize): usize {
  return (n + 15) & ~(<usize>15);
}

/** All-ones in the lanes below `n` (public, 0..16), zero above. */
@inline function lanesBelow(n: usize): v128 {
  return i8x16.lt_u(i8x16(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15), i8x16.splat(<i8>min<usize>(n, 16)));
}

/** IV ‖ [c]_32. */
@inline function counter(iv: v128, c: u32): v128 {
  return i32x4.replace_lane(iv, 3, <i32>bswap32(c));
}

/**
 * Zero-pads the AAD and the `n` bytes at `ct` (only their last partial blocks are touched), writes
 * the lengths block and returns the GHASH value S; the slot's accumulator is left zero.
 */
function hashWindow(gcm: usize, io: usize, n: usize, a: usize): v128 {
  const ad = io + 16;
  const ct = ad + pad16(a);
  padBlock(ad, a);
  padBlock(ct, n);
  const lengths = ct + pad16(n);
  store<u64>(lengths, bswap64(<u64>a << 3));
  store<u64>(lengths, bswap64(<u64>n << 3), 8);
  const acc = gcm + GCM_ACC;
  v128.store(acc, v128.splat<i32>(0));
  ghash(gcm, acc, ad, pad16(a) + pad16(n) + 16);
  const s = v128.load(acc);
  v128.store(acc, v128.splat<i32>(0));
  return s;
}

/**
 * E_K(x) ANDed with `kx` XORed into the block at `px`, and E_K(y) ANDed with `ky` into `py`:
 * vpEncrypt's rounds (vperm.ts) on two independent blocks side by side.
 */
function xorPair(rk: usize, nr: u32, x: v128, px: usize, kx: v128, y: v128, py: usize, ky: v128): void {
  const m = v128.load(MASK_0F), inv = v128.load(INV), cinv = v128.load(CINV);
  const su = v128.load(ENC_S_U), sv = v128.load(ENC_S_V), s2u = v128.load(ENC_2S_U), s2v = v128.load(ENC_2S_V);
  const k0 = v128.load(rk);
  let a = toRep(toShiftedRowMajor(v128.xor(x, k0)), L_LO, L_HI);
  let b = toRep(toShiftedRowMajor(v128.xor(y, k0)), L_LO, L_HI);
  const last = rk + (<usize>nr << 4);
  for (let k = rk + 16; k < last; k += 16) { // the bound is the public round count
    const rkey = v128.load(k);
    a = encRound(a, rkey, m, inv, cinv, su, sv, s2u, s2v);
    b = encRound(b, rkey, m, inv, cinv, su, sv, s2u, s2v);
  }
  const kl = v128.load(last);
  const ea = v128.xor(lastSub(toRowMajor(a), m, inv, cinv, SBOX_U, SBOX_V), kl);
  const eb = v128.xor(lastSub(toRowMajor(b), m, inv, cinv, SBOX_U, SBOX_V), kl);
  v128.store(px, v128.xor(v128.load(px), v128.and(ea, kx)));
  v128.store(py, v128.xor(v128.load(py), v128.and(eb, ky)));
}

/** `keep` in the lanes of data block `d` that hold data (n public). */
@inline function keepOf(keep: v128, n: usize, d: usize): v128 {
  return v128.and(keep, lanesBelow(n - (d << 4)));
}

/**
 * XORs the keystream of data blocks `d`, `d` + 1, … (counters d + 2, …) ANDed with `keep` into
 * the `n` bytes at `ct`, whose last block must already be zero past them (it stays so).
 */
function ctrFrom(vk: usize, nr: u32, iv: v128, ct: usize, n: usize, keep: v128, d: usize): void {
  const blocks = (n + 15) >> 4;
  for (; d + 1 < blocks; d += 2) {
    const at = ct + (d << 4);
    xorPair(vk, nr, counter(iv, <u32>d + 2), at, keepOf(keep, n, d), counter(iv, <u32>d + 3), at + 16, keepOf(keep, n, d + 1));
  }
  if (d < blocks) {
    const at = ct + (d << 4);
    v128.store(at, v128.xor(v128.load(at), v128.and(vpEncrypt(vk, nr, counter(iv, <u32>d + 2)), keepOf(keep, n, d))));
  }
}

/** Zeroes the bytes after the `n` at `at` in their last block. */
@inline function padBlock(at: usize, n: usize): void {
  if ((n & 15) != 0) {
    const last = at + (n & ~(<usize>15));
    v128.store(last, v128.and(v128.load(last), lanesBelow(n & 15)));
  }
}

/**
 * Encrypts the `n` bytes at ct in place and writes the 16-byte tag right after them (over the
 * padding and lengths, once hashed); then copies the first `p` AAD bytes to ct − p, so that
 * AAD[0..p) ‖ C ‖ tag leave the window in one piece (the envelope's header is its AAD's start).
 */
export function gcmShortSeal(key: usize, gcm: usize, io: usize, n: usize, a: usize, p: usize): void {
  const nr = load<u32>(key + KEY_ROUNDS);
  const vk = key + KEY_VP_ENC;
  const iv = v128.load(io);
  const ct = io + 16 + pad16(a);
  padBlock(ct, n);
  const all = i8x16.splat(-1);
  let ek0: v128;
  if (n == 0) {
    ek0 = vpEncrypt(vk, nr, counter(iv, 1));
  } else {
    // E_K(J0) beside the first keystream block: made in the window's first block (zeroed for
    // it), taken into a local and wiped at once.
    v128.store(io, v128.splat<i32>(0));
    xorPair(vk, nr, counter(iv, 1), io, all, counter(iv, 2), ct, keepOf(all, n, 0));
    ek0 = v128.load(io);
    v128.store(io, v128.splat<i32>(0));
    ctrFrom(vk, nr, iv, ct, n, all, 1);
  }
  const s = hashWindow(gcm, io, n, a);
  v128.store(ct + n, v128.xor(s, ek0));
  memory.copy(ct - p, io + 16, p);
}

/**
 * Checks the first `tagLength` bytes of the tag that follows the `n` ciphertext bytes at ct:
 * returns 1 and leaves the plaintext in their place if they match, else returns 0 and leaves
 * the ciphertext (the keystream is masked out: no plaintext is made for a forgery).
 */
export function gcmShortOpen(key: usize, gcm: usize, io: usize, n: usize, a: usize, tagLength: usize): i32 {
  const nr = load<u32>(key + KEY_ROUNDS);
  const vk = key + KEY_VP_ENC;
  const iv = v128.load(io);
  const ct = io + 16 + pad16(a);
  const received = v128.load(ct + n); // before the padding overwrites it
  const s = hashWindow(gcm, io, n, a);
  const ek0 = vpEncrypt(vk, nr, counter(iv, 1)); // alone: the keystream waits for the verdict
  const bad = <i32>v128.any_true(v128.and(v128.xor(v128.xor(s, ek0), received), lanesBelow(tagLength)));
  ctrFrom(vk, nr, iv, ct, n, i8x16.splat(<i8>(bad - 1)), 0);
  return 1 - bad;
}
