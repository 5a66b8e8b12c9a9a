// XTS-AES (IEEE 1619-2018, NIST SP 800-38E): C_j = E_K1(P_j ^ T_j) ^ T_j with T_0 = E_K2(i)
// (computed by the host with encryptOne on K2) and T_(j+1) = T_j · α in GF(2^128), little-endian.
// The state register holds the tweak of the next block, so a data unit may arrive in several
// calls. Whole groups of 8 blocks run bitsliced (the 8 tweaks kept in BS_MASKS, wiped after),
// the rest through the vperm kernel; ciphertext stealing for a last partial block is done here
// too (xtsEncryptLast / xtsDecryptLast), so no tweak leaves WASM memory. Constant-time: the
// tweak doubling is shifts and a mask, and every branch depends on lengths only.
import { BS_INPUT, KEY_ENC, KEY_DEC, KEY_VP_ENC, KEY_VP_DEC, KEY_ROUNDS, STATE_REG, BS_MASKS } from "./layout";
import { vpEncrypt, vpDecrypt } from "./vperm";
import { bsEncKeys, bsEncrypt8, bsDecKeys, bsDecrypt8, bsWipeKeys } from "./bitsliced.generated";

/** T · α: a 1-bit left shift of the little-endian 128-bit value, 0x87 folded in on carry. */
@inline function double(t: v128): v128 {
  const lo = <u64>i64x2.extract_lane(t, 0), hi = <u64>i64x2.extract_lane(t, 1);
  const carry = <u64>0 - (hi >> 63);
  return i64x2.replace_lane(i64x2.splat((lo << 1) ^ (carry & 0x87)), 1, (hi << 1) | (lo >> 63));
}

// Runs `len` bytes (a multiple of 16) in place; `decrypt` is a compile-time constant.
@inline function run(key: usize, state: usize, io: usize, len: usize, decrypt: bool): void {
  const nr = load<u32>(key + KEY_ROUNDS);
  let t = v128.load(state + STATE_REG);
  const end = io + len;
  let p = io;
  if (len >= 128) {
    const keys = decrypt ? bsDecKeys(key + KEY_DEC, nr) : bsEncKeys(key + KEY_ENC, nr);
    for (; end - p >= 128; p += 128) {
      for (let b: usize = 0; b < 128; b += 16) {
        v128.store(BS_MASKS + b, t);
        v128.store(p + b, v128.xor(v128.load(p + b), t));
        t = double(t);
      }
      if (decrypt) bsDecrypt8(p, keys, nr);
      else bsEncrypt8(p, keys, nr);
      for (let b: usize = 0; b < 128; b += 16) v128.store(p + b, v128.xor(v128.load(p + b), v128.load(BS_MASKS + b)));
    }
    memory.fill(BS_MASKS, 0, 128);
    bsWipeKeys(keys, nr);
  }
  const vk = key + (decrypt ? KEY_VP_DEC : KEY_VP_ENC);
  for (; p < end; p += 16) {
    const x = v128.xor(v128.load(p), t);
    v128.store(p, v128.xor(decrypt ? vpDecrypt(vk, nr, x) : vpEncrypt(vk, nr, x), t));
    t = double(t);
  }
  v128.store(state + STATE_REG, t);
}

export function xtsEncrypt(key: usize, state: usize, io: usize, len: usize): void {
  run(key, state, io, len, false);
}

export function xtsDecrypt(key: usize, state: usize, io: usize, len: usize): void {
  run(key, state, io, len, true);
}

// Ciphertext stealing (IEEE 1619 §5.3.2 / §5.4.2) over the last full block and the r = len - 16
// (1..15) bytes after it, at io. BS_INPUT is the 16-byte scratch for the block being built.
@inline function steal(key: usize, state: usize, io: usize, len: usize, decrypt: bool): void {
  const nr = load<u32>(key + KEY_ROUNDS);
  const vk = key + (decrypt ? KEY_VP_DEC : KEY_VP_ENC);
  const r = len - 16;
  const t1 = v128.load(state + STATE_REG);
  const t2 = double(t1);
  // Encryption: CC = E(P_(m-1)) under T_(m-1); decryption: PP = D(C_(m-1)) under T_m.
  const first = decrypt ? t2 : t1;
  const second = decrypt ? t1 : t2;
  const x = v128.xor(v128.load(io), first);
  v128.store(BS_INPUT, v128.xor(decrypt ? vpDecrypt(vk, nr, x) : vpEncrypt(vk, nr, x), first));
  // The partial block's output is the head of that block; its tail completes the partial input.
  for (let j: usize = 0; j < r; j++) {
    const head = load<u8>(BS_INPUT + j);
    store<u8>(BS_INPUT + j, load<u8>(io + 16 + j));
    store<u8>(io + 16 + j, head);
  }
  const y = v128.xor(v128.load(BS_INPUT), second);
  v128.store(io, v128.xor(decrypt ? vpDecrypt(vk, nr, y) : vpEncrypt(vk, nr, y), second));
  v128.store(BS_INPUT, v128.splat<i32>(0));
  v128.store(state + STATE_REG, double(t2));
}

/** The last 17..31 bytes of a data unit whose length is not a multiple of 16. */
export function xtsEncryptLast(key: usize, state: usize, io: usize, len: usize): void {
  steal(key, state, io, len, false);
}

export function xtsDecryptLast(key: usize, state: usize, io: usize, len: usize): void {
  steal(key, state, io, len, true);
}
