// CFB with 128-, 8- and 1-bit segments (SP 800-38A §6.3).
import { encryptBlock } from "./block";
import { BS_INPUT, KEY_ENC, KEY_ROUNDS, STATE_REG, STATE_KS, STATE_POS } from "./layout";
import { enc1 } from "./rounds.generated";
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
    // Serial: each ciphertext block is the next input, carried in locals (not in reg).
    const k = key + KEY_ENC;
    const nr = load<u32>(key + KEY_ROUNDS);
    let r0 = load<u32>(reg), r1 = load<u32>(reg, 4), r2 = load<u32>(reg, 8), r3 = load<u32>(reg, 12);
    for (; len - i >= 16; i += 16) {
      const p = io + i;
      enc1(k, nr, 0, r0, r1, r2, r3, p, true, p);
      r0 = load<u32>(p);
      r1 = load<u32>(p, 4);
      r2 = load<u32>(p, 8);
      r3 = load<u32>(p, 12);
    }
    store<u32>(reg, r0);
    store<u32>(reg, r1, 4);
    store<u32>(reg, r2, 8);
    store<u32>(reg, r3, 12);
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

// Full blocks of CFB128 decryption (P_i = E(C_(i-1)) ^ C_i): the blocks past the last whole
// group of 8 first, one at a time and walking backwards so that C_(i-1) is still in memory;
// then each group of 8 bitsliced, its 8 feedback blocks gathered in BS_INPUT before the group
// is overwritten (the last ciphertext block of a group is carried to the next).
function cfbDecryptBlocks(key: usize, reg: usize, io: usize, len: usize): void {
  const k = key + KEY_ENC;
  const nr = load<u32>(key + KEY_ROUNDS);
  const next = v128.load(io + len - 16); // the register after these blocks
  const groups = io + (len & ~<usize>127); // end of the whole groups of 8 blocks
  for (let p = io + len - 16; p >= groups; p -= 16) {
    const a = p == io ? reg : p - 16;
    enc1(k, nr, 0, load<u32>(a), load<u32>(a, 4), load<u32>(a, 8), load<u32>(a, 12), p, true, p);
  }
  if (groups != io) {
    const keys = bsEncKeys(k, nr);
    let prev = v128.load(reg);
    for (let q = io; q < groups; q += 128) {
      v128.store(BS_INPUT, prev);
      for (let b: usize = 16; b < 128; b += 16) v128.store(BS_INPUT + b, v128.load(q + b - 16));
      prev = v128.load(q, 112);
      bsEncrypt8(BS_INPUT, keys, nr);
      for (let b: usize = 0; b < 128; b += 16) v128.store(q + b, v128.xor(v128.load(q + b), v128.load(BS_INPUT + b)));
    }
    for (let b: usize = 0; b < 128; b += 16) v128.store(BS_INPUT + b, v128.splat<i32>(0)); // no keystream left behind
    bsWipeKeys(keys, nr);
  }
  v128.store(reg, next);
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
// ciphertext byte. The register is kept as two big-endian halves in locals.
@inline function cfb8(key: usize, state: usize, io: usize, len: usize, decrypt: bool): void {
  const reg = state + STATE_REG;
  const ks = state + STATE_KS;
  let hi = bswap<u64>(load<u64>(reg));
  let lo = bswap<u64>(load<u64>(reg, 8));
  for (let p = io, end = io + len; p < end; p++) {
    store<u64>(ks, bswap<u64>(hi));
    store<u64>(ks, bswap<u64>(lo), 8);
    encryptBlock(key, ks, ks);
    const x = load<u8>(p);
    const y = x ^ load<u8>(ks);
    store<u8>(p, y);
    const c = <u64>(decrypt ? x : y);
    hi = (hi << 8) | (lo >> 56);
    lo = (lo << 8) | c;
  }
  store<u64>(reg, bswap<u64>(hi));
  store<u64>(reg, bswap<u64>(lo), 8);
  memory.fill(ks, 0, 16);
}

export function cfb8Encrypt(key: usize, state: usize, io: usize, len: usize): void {
  cfb8(key, state, io, len, false);
}

export function cfb8Decrypt(key: usize, state: usize, io: usize, len: usize): void {
  cfb8(key, state, io, len, true);
}

// CFB1: one block encryption per bit. Bits are taken most significant first, so `nbits`
// bits occupy the first ceil(nbits / 8) bytes of io; bits past nbits are left as they were.
@inline function cfb1(key: usize, state: usize, io: usize, nbits: usize, decrypt: bool): void {
  const reg = state + STATE_REG;
  const ks = state + STATE_KS;
  let hi = bswap<u64>(load<u64>(reg));
  let lo = bswap<u64>(load<u64>(reg, 8));
  for (let b: usize = 0; b < nbits; b++) {
    store<u64>(ks, bswap<u64>(hi));
    store<u64>(ks, bswap<u64>(lo), 8);
    encryptBlock(key, ks, ks);
    const p = io + (b >> 3);
    const shift = 7 - <u32>(b & 7);
    const byte = <u32>load<u8>(p);
    const x = (byte >> shift) & 1;
    const y = x ^ (<u32>load<u8>(ks) >> 7);
    store<u8>(p, <u8>((byte & ~(1 << shift)) | (y << shift)));
    hi = (hi << 1) | (lo >> 63);
    lo = (lo << 1) | <u64>(decrypt ? x : y);
  }
  store<u64>(reg, bswap<u64>(hi));
  store<u64>(reg, bswap<u64>(lo), 8);
  memory.fill(ks, 0, 16);
}

export function cfb1Encrypt(key: usize, state: usize, io: usize, nbits: usize): void {
  cfb1(key, state, io, nbits, false);
}

export function cfb1Decrypt(key: usize, state: usize, io: usize, nbits: usize): void {
  cfb1(key, state, io, nbits, true);
}
