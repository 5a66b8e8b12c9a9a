// A short GCM message (SP 800-38D, 96-bit IV) in one call: E_K(J0), the CTR blocks, GHASH over
// AAD ‖ C ‖ lengths and the tag, for src/modes/gcm.ts's short path (a few dozen bytes, where
// the cost of a message is its calls and copies more than its blocks). E_K(J0) and the
// keystream exist only in locals: nothing the host must wipe but the window's data itself.
// Every block goes through the vperm kernel (for up to 5 blocks it is as fast as one bitsliced
// group, and the GHASH module, which carries these exports in the GCM-only tier, then needs no
// bitsliced code). No branch or address depends on a secret: open() selects the plaintext or
// the ciphertext by a mask made from the tag comparison, and returns that comparison.
//
// The window, for `a` AAD bytes and `n` data bytes (the host writes the IV, the AAD and the data):
//   io + 0    the 12-byte IV (bytes 12..15 ignored)
//   io + 16   AAD ‖ 0*                                   (the kernel writes the zero padding)
//   ct        data ‖ 0* ‖ [8a]_64 ‖ [8n]_64              ct = io + 16 + pad16(a)
import { GCM_ACC, KEY_ROUNDS, KEY_VP_ENC } from "./layout";
import { vpEncrypt } from "./vperm";
import { ghash } from "./ghash";

@inline function pad16(n: usize): usize {
  return (n + 15) & ~(<usize>15);
}

/** All-ones in the lanes below `n` (public, 0..16), zero above. */
@inline function lanesBelow(n: usize): v128 {
  return i8x16.lt_u(i8x16(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15), i8x16.splat(<i8>min<usize>(n, 16)));
}

/** IV ‖ [c]_32. */
@inline function counter(iv: v128, c: u32): v128 {
  return i32x4.replace_lane(iv, 3, <i32>bswap<u32>(c));
}

/**
 * Zero-pads the AAD and the `n` bytes at `ct` (only their last partial blocks are touched), writes
 * the lengths block and returns the GHASH value S; the slot's accumulator is left zero.
 */
function hashWindow(gcm: usize, io: usize, n: usize, a: usize): v128 {
  const ad = io + 16;
  const ct = ad + pad16(a);
  if ((a & 15) != 0) {
    const last = ad + (a & ~(<usize>15));
    v128.store(last, v128.and(v128.load(last), lanesBelow(a & 15)));
  }
  if ((n & 15) != 0) {
    const last = ct + (n & ~(<usize>15));
    v128.store(last, v128.and(v128.load(last), lanesBelow(n & 15)));
  }
  const lengths = ct + pad16(n);
  store<u64>(lengths, bswap<u64>(<u64>a << 3));
  store<u64>(lengths, bswap<u64>(<u64>n << 3), 8);
  const acc = gcm + GCM_ACC;
  v128.store(acc, v128.splat<i32>(0));
  ghash(gcm, acc, ad, pad16(a) + pad16(n) + 16);
  const s = v128.load(acc);
  v128.store(acc, v128.splat<i32>(0));
  return s;
}

/**
 * XORs the keystream of counters 2, 3, … ANDed with `keep` into the `n` bytes at `ct`; the
 * bytes after them in the last block become zero.
 */
function ctrBlocks(vk: usize, nr: u32, iv: v128, ct: usize, n: usize, keep: v128): void {
  let c: u32 = 2;
  for (let o: usize = 0; o < n; o += 16, c++) {
    const x = v128.xor(v128.load(ct + o), v128.and(vpEncrypt(vk, nr, counter(iv, c)), keep));
    v128.store(ct + o, n - o >= 16 ? x : v128.and(x, lanesBelow(n - o)));
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
  const ek0 = vpEncrypt(vk, nr, counter(iv, 1));
  const ct = io + 16 + pad16(a);
  ctrBlocks(vk, nr, iv, ct, n, i8x16.splat(-1));
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
  const ek0 = vpEncrypt(vk, nr, counter(iv, 1));
  const ct = io + 16 + pad16(a);
  const received = v128.load(ct + n); // before the padding overwrites it
  const s = hashWindow(gcm, io, n, a);
  const bad = <i32>v128.any_true(v128.and(v128.xor(v128.xor(s, ek0), received), lanesBelow(tagLength)));
  ctrBlocks(vk, nr, iv, ct, n, i8x16.splat(<i8>(bad - 1)));
  return 1 - bad;
}
