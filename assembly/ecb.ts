// ECB: every block on its own. `len` is a multiple of 16 (the host checks).
// Groups of 8 blocks run bitsliced (bitsliced.generated.ts); the last 0-7 blocks one at a time
// through the T-table rounds.
import { KEY_ENC, KEY_DEC, KEY_ROUNDS } from "./layout";
import { enc1, dec1 } from "./rounds.generated";
import { bsEncKeys, bsEncrypt8, bsDecKeys, bsDecrypt8, bsWipeKeys } from "./bitsliced.generated";

export function ecbEncrypt(key: usize, io: usize, len: usize): void {
  const k = key + KEY_ENC;
  const nr = load<u32>(key + KEY_ROUNDS);
  const end = io + len;
  let p = io;
  if (len >= 128) {
    const keys = bsEncKeys(k, nr);
    for (; end - p >= 128; p += 128) bsEncrypt8(p, keys, nr);
    bsWipeKeys(keys, nr);
  }
  for (; p < end; p += 16) {
    enc1(k, nr, 0, load<u32>(p), load<u32>(p, 4), load<u32>(p, 8), load<u32>(p, 12), p, false, 0);
  }
}

export function ecbDecrypt(key: usize, io: usize, len: usize): void {
  const k = key + KEY_DEC;
  const nr = load<u32>(key + KEY_ROUNDS);
  const end = io + len;
  let p = io;
  if (len >= 128) {
    const keys = bsDecKeys(k, nr);
    for (; end - p >= 128; p += 128) bsDecrypt8(p, keys, nr);
    bsWipeKeys(keys, nr);
  }
  for (; p < end; p += 16) {
    dec1(k, nr, load<u32>(p), load<u32>(p, 4), load<u32>(p, 8), load<u32>(p, 12), p, false, 0);
  }
}
