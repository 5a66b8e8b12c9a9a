// ECB: every block on its own. `len` is a multiple of 16 (the host checks).
// Groups of 8 blocks run bitsliced (bitsliced.generated.ts); a tail of 4 or more blocks (6 in a
// message under 128 bytes) as one more group padded in BS_INPUT, a shorter one block at a time through the
// vector-permute kernel (vperm.ts). Both are constant-time; the choice depends on the length.
import { BS_INPUT, KEY_ENC, KEY_DEC, KEY_VP_ENC, KEY_VP_DEC, KEY_ROUNDS, tailBitsliced } from "./layout";
import { vpEncrypt, vpDecrypt } from "./vperm";
import { bsEncKeys, bsEncrypt8, bsDecKeys, bsDecrypt8, bsWipeKeys } from "./bitsliced.generated";

export function ecbEncrypt(key: usize, io: usize, len: usize): void {
  const nr = load<u32>(key + KEY_ROUNDS);
  const end = io + len;
  let p = io;
  if (len >= 128 || tailBitsliced(len, len)) {
    const keys = bsEncKeys(key + KEY_ENC, nr);
    for (; end - p >= 128; p += 128) bsEncrypt8(p, keys, nr);
    if (tailBitsliced(len, end - p)) {
      const n = end - p;
      memory.copy(BS_INPUT, p, n);
      bsEncrypt8(BS_INPUT, keys, nr);
      memory.copy(p, BS_INPUT, n);
      memory.fill(BS_INPUT, 0, 128);
      p = end;
    }
    bsWipeKeys(keys, nr);
  }
  const vk = key + KEY_VP_ENC;
  for (; p < end; p += 16) v128.store(p, vpEncrypt(vk, nr, v128.load(p)));
}

export function ecbDecrypt(key: usize, io: usize, len: usize): void {
  const nr = load<u32>(key + KEY_ROUNDS);
  const end = io + len;
  let p = io;
  if (len >= 128 || tailBitsliced(len, len)) {
    const keys = bsDecKeys(key + KEY_DEC, nr);
    for (; end - p >= 128; p += 128) bsDecrypt8(p, keys, nr);
    if (tailBitsliced(len, end - p)) {
      const n = end - p;
      memory.copy(BS_INPUT, p, n);
      bsDecrypt8(BS_INPUT, keys, nr);
      memory.copy(p, BS_INPUT, n);
      memory.fill(BS_INPUT, 0, 128);
      p = end;
    }
    bsWipeKeys(keys, nr);
  }
  const vk = key + KEY_VP_DEC;
  for (; p < end; p += 16) v128.store(p, vpDecrypt(vk, nr, v128.load(p)));
}
