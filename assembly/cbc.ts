// CBC (SP 800-38A §6.2). The state register holds the IV, then the last ciphertext block.
// `len` is a multiple of 16 (the host checks).
import { BS_INPUT, KEY_DEC, KEY_VP_ENC, KEY_VP_DEC, KEY_ROUNDS, STATE_REG, tailBitsliced } from "./layout";
import { vpEncrypt, vpDecrypt } from "./vperm";
import { bsDecKeys, bsDecrypt8, bsWipeKeys } from "./bitsliced.generated";

// Serial: each block's input depends on the previous output, so one block at a time through
// the vector-permute kernel, the chaining value carried in a register.
export function cbcEncrypt(key: usize, state: usize, io: usize, len: usize): void {
  const vk = key + KEY_VP_ENC;
  const nr = load<u32>(key + KEY_ROUNDS);
  const reg = state + STATE_REG;
  let c = v128.load(reg);
  for (let p = io, end = io + len; p < end; p += 16) {
    c = vpEncrypt(vk, nr, v128.xor(v128.load(p), c));
    v128.store(p, c);
  }
  v128.store(reg, c);
}

// Walking backwards: block i needs ciphertext i - 1, which is then still in memory (in place,
// going forwards would have overwritten it). The blocks past the last whole group of 8 first:
// enough of them (tailBitsliced, layout.ts) as one padded bitsliced group in BS_INPUT, fewer one at a time
// through the vperm kernel; then each group of 8, from the last, is decrypted bitsliced and
// XORed with the ciphertext blocks kept from before it was overwritten.
export function cbcDecrypt(key: usize, state: usize, io: usize, len: usize): void {
  if (len == 0) return;
  const nr = load<u32>(key + KEY_ROUNDS);
  const reg = state + STATE_REG;
  // The last ciphertext block is the next chaining value; keep it before it is overwritten.
  const next = v128.load(io + len - 16);
  const groups = io + (len & ~<usize>127); // end of the whole groups of 8 blocks
  const tail = io + len - groups;
  const bitsliced = groups != io || tailBitsliced(len, tail);
  const keys = bitsliced ? bsDecKeys(key + KEY_DEC, nr) : 0;
  if (tailBitsliced(len, tail)) {
    memory.copy(BS_INPUT, groups, tail);
    bsDecrypt8(BS_INPUT, keys, nr);
    for (let b = tail - 16; ; b -= 16) {
      const p = groups + b;
      v128.store(p, v128.xor(v128.load(BS_INPUT + b), v128.load(p == io ? reg : p - 16)));
      if (b == 0) break;
    }
    memory.fill(BS_INPUT, 0, 128);
  } else {
    const vk = key + KEY_VP_DEC;
    for (let p = io + len - 16; p >= groups; p -= 16) {
      v128.store(p, v128.xor(vpDecrypt(vk, nr, v128.load(p)), v128.load(p == io ? reg : p - 16)));
    }
  }
  if (groups != io) {
    for (let q = groups - 128; ; q -= 128) {
      const prev = v128.load(q == io ? reg : q - 16);
      const c0 = v128.load(q), c1 = v128.load(q, 16), c2 = v128.load(q, 32), c3 = v128.load(q, 48);
      const c4 = v128.load(q, 64), c5 = v128.load(q, 80), c6 = v128.load(q, 96);
      bsDecrypt8(q, keys, nr);
      v128.store(q, v128.xor(v128.load(q), prev));
      v128.store(q, v128.xor(v128.load(q, 16), c0), 16);
      v128.store(q, v128.xor(v128.load(q, 32), c1), 32);
      v128.store(q, v128.xor(v128.load(q, 48), c2), 48);
      v128.store(q, v128.xor(v128.load(q, 64), c3), 64);
      v128.store(q, v128.xor(v128.load(q, 80), c4), 80);
      v128.store(q, v128.xor(v128.load(q, 96), c5), 96);
      v128.store(q, v128.xor(v128.load(q, 112), c6), 112);
      if (q == io) break;
    }
  }
  if (bitsliced) bsWipeKeys(keys, nr);
  v128.store(reg, next);
}
