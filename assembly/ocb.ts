// OCB3 (RFC 7253) on the constant-time kernels: every block is one AES call with an offset
// XORed in and out, so whole groups of 8 run bitsliced (offsets kept in BS_MASKS, wiped after),
// the rest through vperm. The OCB slot (layout.ts) holds L_*, L_$ and L_0..L_31, the running
// offsets, checksum and AAD sum, and the two block counters. Which L_i a block uses depends on
// ntz(block number) — public, like the counters — so that load's address is public; everything
// else is register arithmetic. The host formats the nonce block and checks lengths and tags.
import {
  BS_INPUT, BS_MASKS, KEY_ENC, KEY_DEC, KEY_VP_ENC, KEY_VP_DEC, KEY_ROUNDS,
  OCB_OFFSET, OCB_CHECKSUM, OCB_AAD_OFFSET, OCB_AAD_SUM, OCB_L_STAR, OCB_L_DOLLAR, OCB_L, OCB_BLOCKS, OCB_AAD_BLOCKS,
} from "./layout";
import { vpEncrypt, vpDecrypt } from "./vperm";
import { bsEncKeys, bsEncrypt8, bsDecKeys, bsDecrypt8, bsWipeKeys } from "./bitsliced.generated";

// A block as a big-endian 128-bit number in two u64 halves, and back.
@inline function hiOf(v: v128): u64 { return bswap<u64>(<u64>i64x2.extract_lane(v, 0)); }
@inline function loOf(v: v128): u64 { return bswap<u64>(<u64>i64x2.extract_lane(v, 1)); }
@inline function block(hi: u64, lo: u64): v128 {
  return i64x2.replace_lane(i64x2.splat(bswap<u64>(hi)), 1, bswap<u64>(lo));
}

/** double(S) of RFC 7253 §2: S·x in GF(2^128), big-endian, 0x87 folded in on carry. */
@inline function double(v: v128): v128 {
  const hi = hiOf(v), lo = loOf(v);
  return block((hi << 1) | (lo >> 63), (lo << 1) ^ ((<u64>0 - (hi >> 63)) & 0x87));
}

@inline function encrypt1(key: usize, nr: u32, x: v128): v128 {
  return vpEncrypt(key + KEY_VP_ENC, nr, x);
}

/** L_* = E(0), L_$ = double(L_*), L_i = double^(i+1)(L_$) for i = 0..31; clears the rest. */
export function ocbSetup(key: usize, ocb: usize): void {
  const nr = load<u32>(key + KEY_ROUNDS);
  memory.fill(ocb, 0, OCB_L_STAR);
  let l = encrypt1(key, nr, v128.splat<i32>(0));
  v128.store(ocb + OCB_L_STAR, l);
  l = double(l);
  v128.store(ocb + OCB_L_DOLLAR, l);
  for (let i: usize = 0; i < 32; i++) {
    l = double(l);
    v128.store(ocb + OCB_L + (i << 4), l);
  }
  store<u32>(ocb + OCB_BLOCKS, 0);
  store<u32>(ocb + OCB_AAD_BLOCKS, 0);
}

/**
 * Offset_0 from the 16-byte formatted nonce block at `nonce` (RFC 7253 §4.2: TAGLEN mod 128,
 * zeros, a 1 bit, N): Ktop = E(nonce with its low 6 bits cleared), Stretch = Ktop ||
 * (Ktop[1..64] ^ Ktop[9..72]), Offset_0 = Stretch[1 + bottom .. 128 + bottom]. The shifts are
 * written so that bottom = 0 needs no branch.
 */
export function ocbNonce(key: usize, ocb: usize, nonce: usize): void {
  const nr = load<u32>(key + KEY_ROUNDS);
  const bottom = <u64>(load<u8>(nonce, 15) & 63);
  const n = v128.load(nonce);
  const ktop = encrypt1(key, nr, v128.and(n, i8x16(-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -64)));
  const k0 = hiOf(ktop), k1 = loOf(ktop);
  const k2 = k0 ^ ((k0 << 8) | (k1 >> 56));
  const hi = (k0 << bottom) | ((k1 >> 1) >> (63 - bottom));
  const lo = (k1 << bottom) | ((k2 >> 1) >> (63 - bottom));
  v128.store(ocb + OCB_OFFSET, block(hi, lo));
  v128.store(ocb + OCB_CHECKSUM, v128.splat<i32>(0));
}

/** L_ntz(i): the offset step of block number i (i >= 1, public). */
@inline function lFor(ocb: usize, i: u32): v128 {
  return v128.load(ocb + OCB_L + (<usize>ctz<u32>(i) << 4));
}

// Whole blocks of data: C_i = Offset_i ^ E(P_i ^ Offset_i) (decryption: D), checksum over the
// plaintext. `decrypt` is a compile-time constant.
@inline function crypt(key: usize, ocb: usize, io: usize, len: usize, decrypt: bool): void {
  const nr = load<u32>(key + KEY_ROUNDS);
  let off = v128.load(ocb + OCB_OFFSET);
  let sum = v128.load(ocb + OCB_CHECKSUM);
  let i = load<u32>(ocb + OCB_BLOCKS);
  const end = io + len;
  let p = io;
  if (len >= 128) {
    const keys = decrypt ? bsDecKeys(key + KEY_DEC, nr) : bsEncKeys(key + KEY_ENC, nr);
    for (; end - p >= 128; p += 128) {
      for (let b: usize = 0; b < 128; b += 16) {
        off = v128.xor(off, lFor(ocb, ++i));
        v128.store(BS_MASKS + b, off);
        const x = v128.load(p + b);
        if (!decrypt) sum = v128.xor(sum, x);
        v128.store(p + b, v128.xor(x, off));
      }
      if (decrypt) bsDecrypt8(p, keys, nr);
      else bsEncrypt8(p, keys, nr);
      for (let b: usize = 0; b < 128; b += 16) {
        const y = v128.xor(v128.load(p + b), v128.load(BS_MASKS + b));
        if (decrypt) sum = v128.xor(sum, y);
        v128.store(p + b, y);
      }
    }
    memory.fill(BS_MASKS, 0, 128);
    bsWipeKeys(keys, nr);
  }
  const vk = key + (decrypt ? KEY_VP_DEC : KEY_VP_ENC);
  for (; p < end; p += 16) {
    off = v128.xor(off, lFor(ocb, ++i));
    const x = v128.load(p);
    const y = v128.xor(decrypt ? vpDecrypt(vk, nr, v128.xor(x, off)) : vpEncrypt(vk, nr, v128.xor(x, off)), off);
    sum = v128.xor(sum, decrypt ? y : x);
    v128.store(p, y);
  }
  v128.store(ocb + OCB_OFFSET, off);
  v128.store(ocb + OCB_CHECKSUM, sum);
  store<u32>(ocb + OCB_BLOCKS, i);
}

export function ocbEncrypt(key: usize, ocb: usize, io: usize, len: usize): void {
  crypt(key, ocb, io, len, false);
}

export function ocbDecrypt(key: usize, ocb: usize, io: usize, len: usize): void {
  crypt(key, ocb, io, len, true);
}

/** The `r` (1..15) bytes at p followed by 0x80 and zeros (RFC 7253's X || 1 || 0*), built in BS_INPUT. */
@inline function padded(p: usize, r: usize): v128 {
  v128.store(BS_INPUT, v128.splat<i32>(0));
  memory.copy(BS_INPUT, p, r);
  store<u8>(BS_INPUT + r, 0x80);
  const v = v128.load(BS_INPUT);
  v128.store(BS_INPUT, v128.splat<i32>(0));
  return v;
}

// A last partial block of r bytes (RFC 7253 §4.2): Offset_* = Offset ^ L_*, Pad = E(Offset_*),
// output = input ^ Pad, checksum ^= plaintext || 1 || 0*.
@inline function last(key: usize, ocb: usize, io: usize, r: usize, decrypt: bool): void {
  const nr = load<u32>(key + KEY_ROUNDS);
  const off = v128.xor(v128.load(ocb + OCB_OFFSET), v128.load(ocb + OCB_L_STAR));
  const sum = ocb + OCB_CHECKSUM;
  if (!decrypt) v128.store(sum, v128.xor(v128.load(sum), padded(io, r))); // plaintext before it is overwritten
  v128.store(BS_INPUT, encrypt1(key, nr, off));
  for (let j: usize = 0; j < r; j++) store<u8>(io + j, load<u8>(io + j) ^ load<u8>(BS_INPUT + j));
  v128.store(BS_INPUT, v128.splat<i32>(0));
  if (decrypt) v128.store(sum, v128.xor(v128.load(sum), padded(io, r))); // the plaintext just made
  v128.store(ocb + OCB_OFFSET, off);
}

export function ocbEncryptLast(key: usize, ocb: usize, io: usize, r: usize): void {
  last(key, ocb, io, r, false);
}

export function ocbDecryptLast(key: usize, ocb: usize, io: usize, r: usize): void {
  last(key, ocb, io, r, true);
}

/** HASH(K, A) over whole blocks (RFC 7253 §4.1): Sum ^= E(A_i ^ Offset_i); groups of 8 bitsliced. */
export function ocbAad(key: usize, ocb: usize, io: usize, len: usize): void {
  const nr = load<u32>(key + KEY_ROUNDS);
  let off = v128.load(ocb + OCB_AAD_OFFSET);
  let sum = v128.load(ocb + OCB_AAD_SUM);
  let i = load<u32>(ocb + OCB_AAD_BLOCKS);
  const end = io + len;
  let p = io;
  if (len >= 128) {
    const keys = bsEncKeys(key + KEY_ENC, nr);
    for (; end - p >= 128; p += 128) {
      for (let b: usize = 0; b < 128; b += 16) {
        off = v128.xor(off, lFor(ocb, ++i));
        v128.store(BS_INPUT + b, v128.xor(v128.load(p + b), off));
      }
      bsEncrypt8(BS_INPUT, keys, nr);
      for (let b: usize = 0; b < 128; b += 16) sum = v128.xor(sum, v128.load(BS_INPUT + b));
    }
    memory.fill(BS_INPUT, 0, 128);
    bsWipeKeys(keys, nr);
  }
  for (; p < end; p += 16) {
    off = v128.xor(off, lFor(ocb, ++i));
    sum = v128.xor(sum, encrypt1(key, nr, v128.xor(v128.load(p), off)));
  }
  v128.store(ocb + OCB_AAD_OFFSET, off);
  v128.store(ocb + OCB_AAD_SUM, sum);
  store<u32>(ocb + OCB_AAD_BLOCKS, i);
}

/** The last partial AAD block of r (1..15) bytes. */
export function ocbAadLast(key: usize, ocb: usize, io: usize, r: usize): void {
  const nr = load<u32>(key + KEY_ROUNDS);
  const off = v128.xor(v128.load(ocb + OCB_AAD_OFFSET), v128.load(ocb + OCB_L_STAR));
  v128.store(ocb + OCB_AAD_SUM, v128.xor(v128.load(ocb + OCB_AAD_SUM), encrypt1(key, nr, v128.xor(padded(io, r), off))));
  v128.store(ocb + OCB_AAD_OFFSET, off);
}

/** The full 16-byte tag at `out`: E(Checksum ^ Offset ^ L_$) ^ HASH(K, A). */
export function ocbTag(key: usize, ocb: usize, out: usize): void {
  const nr = load<u32>(key + KEY_ROUNDS);
  const x = v128.xor(v128.xor(v128.load(ocb + OCB_CHECKSUM), v128.load(ocb + OCB_OFFSET)), v128.load(ocb + OCB_L_DOLLAR));
  v128.store(out, v128.xor(encrypt1(key, nr, x), v128.load(ocb + OCB_AAD_SUM)));
}
