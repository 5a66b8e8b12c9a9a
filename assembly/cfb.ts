// CFB with 128-, 8- and 1-bit segments (SP 800-38A §6.3).
// Serial work (encryption, the tail of decryption, CFB8, CFB1) runs one block at a time on the
// vector-permute kernel; whole groups of 8 decryption blocks run bitsliced. Constant-time.
import { encryptBlock } from "./block";
import { BS_INPUT, KEY_ENC, KEY_VP_ENC, KEY_ROUNDS, STATE_REG, STATE_POS, tailBitsliced } from "./layout";
import { vpEncrypt } from "./vperm";
import { bsEncKeys, bsEncrypt8, bsWipeKeys } from "./bitsliced.generated";

// CFB128, any byte length. While a block is in progress the register holds E(previous
// ciphertext block) with its first STATE_POS bytes already replaced by ciphertext, so that
// when the block completes the register is the next feedback input (as OpenSSL keeps it).
export function cfbEncrypt(key: usize, state: usize, io: usize, len: usize): void {
  const reg = state + STATE_REG;
  let n = <usize>load<u32>(state + STATE_POS);
  let i: usize = 0;
  while (n != 0 && i < len) {
    const c = load<u8>(io + i) ^ load<u8>(reg + n);
    store<u8>(reg + n, c);
    store<u8>(io + i, c);
    i++;
    n = (n + 1) & 15;
  }
  if (len - i >= 16) {
    // Serial: each ciphertext block is the next input, carried in a register.
    const vk = key + KEY_VP_ENC;
    const nr = load<u32>(key + KEY_ROUNDS);
    let r = v128.load(reg);
    for (; len - i >= 16; i += 16) {
      const p = io + i;
      r = v128.xor(vpEncrypt(vk, nr, r), v128.load(p));
      v128.store(p, r);
    }
    v128.store(reg, r);
  }
  if (i < len) {
    encryptBlock(key, reg, reg);
    for (; i < len; i++, n++) {
      const c = load<u8>(io + i) ^ load<u8>(reg + n);
      store<u8>(reg + n, c);
      store<u8>(io + i, c);
    }
  }
  store<u32>(state + STATE_POS, <u32>n);
}

// Full blocks of CFB128 decryption (P_i = E(C_(i-1)) ^ C_i), forwards with the last
// ciphertext block carried in a register: groups of 8 bitsliced, their 8 feedback blocks
// gathered in BS_INPUT before the group is overwritten; a long enough tail (tailBitsliced,
// layout.ts) as one more (partial) group, a shorter one through the vperm kernel.
function cfbDecryptBlocks(key: usize, reg: usize, io: usize, len: usize): void {
  const nr = load<u32>(key + KEY_ROUNDS);
  const end = io + len;
  let prev = v128.load(reg);
  let q = io;
  if (len >= 128 || tailBitsliced(len, len)) {
    const keys = bsEncKeys(key + KEY_ENC, nr);
    for (; end - q >= 128 || tailBitsliced(len, end - q); q += 128) {
      const n = end - q < 128 ? end - q : 128;
      v128.store(BS_INPUT, prev);
      for (let b: usize = 16; b < n; b += 16) v128.store(BS_INPUT + b, v128.load(q + b - 16));
      prev = v128.load(q + n - 16);
      bsEncrypt8(BS_INPUT, keys, nr);
      for (let b: usize = 0; b < n; b += 16) v128.store(q + b, v128.xor(v128.load(q + b), v128.load(BS_INPUT + b)));
      if (n < 128) q = end - 128; // the partial group was the last
    }
    memory.fill(BS_INPUT, 0, 128); // no keystream left behind
    bsWipeKeys(keys, nr);
  }
  const vk = key + KEY_VP_ENC;
  for (; q < end; q += 16) {
    const c = v128.load(q);
    v128.store(q, v128.xor(vpEncrypt(vk, nr, prev), c));
    prev = c;
  }
  v128.store(reg, prev);
}

export function cfbDecrypt(key: usize, state: usize, io: usize, len: usize): void {
  const reg = state + STATE_REG;
  let n = <usize>load<u32>(state + STATE_POS);
  let i: usize = 0;
  while (n != 0 && i < len) {
    const c = load<u8>(io + i);
    store<u8>(io + i, c ^ load<u8>(reg + n));
    store<u8>(reg + n, c);
    i++;
    n = (n + 1) & 15;
  }
  const blocks = (len - i) >> 4;
  if (blocks != 0) {
    cfbDecryptBlocks(key, reg, io + i, blocks << 4);
    i += blocks << 4;
  }
  if (i < len) {
    encryptBlock(key, reg, reg);
    for (; i < len; i++, n++) {
      const c = load<u8>(io + i);
      store<u8>(io + i, c ^ load<u8>(reg + n));
      store<u8>(reg + n, c);
    }
  }
  store<u32>(state + STATE_POS, <u32>n);
}

// CFB8: one block encryption per byte; the register shifts left by one byte and takes the
// ciphertext byte. The register stays in a v128 local, so no keystream block touches memory.
@inline function cfb8(key: usize, state: usize, io: usize, len: usize, decrypt: bool): void {
  const reg = state + STATE_REG;
  const vk = key + KEY_VP_ENC;
  const nr = load<u32>(key + KEY_ROUNDS);
  let r = v128.load(reg);
  for (let p = io, end = io + len; p < end; p++) {
    const x = <u32>load<u8>(p);
    const y = x ^ i8x16.extract_lane_u(vpEncrypt(vk, nr, r), 0);
    store<u8>(p, <u8>y);
    r = i8x16.replace_lane(i8x16.shuffle(r, r, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0), 15, <i8>(decrypt ? x : y));
  }
  v128.store(reg, r);
}

export function cfb8Encrypt(key: usize, state: usize, io: usize, len: usize): void {
  cfb8(key, state, io, len, false);
}

export function cfb8Decrypt(key: usize, state: usize, io: usize, len: usize): void {
  cfb8(key, state, io, len, true);
}

// CFB1: one block encryption per bit. Bits are taken most significant first, so `nbits`
// bits occupy the first ceil(nbits / 8) bytes of io; bits past nbits are left as they were.
// The register is kept as two big-endian halves in locals (a 128-bit shift by one bit).
@inline function cfb1(key: usize, state: usize, io: usize, nbits: usize, decrypt: bool): void {
  const reg = state + STATE_REG;
  const vk = key + KEY_VP_ENC;
  const nr = load<u32>(key + KEY_ROUNDS);
  let hi = bswap<u64>(load<u64>(reg));
  let lo = bswap<u64>(load<u64>(reg, 8));
  for (let b: usize = 0; b < nbits; b++) {
    const block = i64x2.replace_lane(i64x2.splat(bswap<u64>(hi)), 1, bswap<u64>(lo));
    const p = io + (b >> 3);
    const shift = 7 - <u32>(b & 7);
    const byte = <u32>load<u8>(p);
    const x = (byte >> shift) & 1;
    const y = x ^ (i8x16.extract_lane_u(vpEncrypt(vk, nr, block), 0) >> 7);
    store<u8>(p, <u8>((byte & ~(1 << shift)) | (y << shift)));
    hi = (hi << 1) | (lo >> 63);
    lo = (lo << 1) | <u64>(decrypt ? x : y);
  }
  store<u64>(reg, bswap<u64>(hi));
  store<u64>(reg, bswap<u64>(lo), 8);
}

export function cfb1Encrypt(key: usize, state: usize, io: usize, nbits: usize): void {
  cfb1(key, state, io, nbits, false);
}

export function cfb1Decrypt(key: usize, state: usize, io: usize, nbits: usize): void {
  cfb1(key, state, io, nbits, true);
}
