// ECB: every block on its own. `len` is a multiple of 16 (the host checks).
// One block per step: interleaving two blocks needs more registers than V8 gives and
// measured 12-20 % slower here (scripts/bench-kernels.mjs --vs).
import { KEY_ENC, KEY_DEC, KEY_ROUNDS } from "./layout";
import { enc1, dec1 } from "./rounds.generated";

export function ecbEncrypt(key: usize, io: usize, len: usize): void {
  const k = key + KEY_ENC;
  const nr = load<u32>(key + KEY_ROUNDS);
  const end = io + len;
  let p = io;
  for (; p < end; p += 16) {
    enc1(k, nr, 0, load<u32>(p), load<u32>(p, 4), load<u32>(p, 8), load<u32>(p, 12), p, false, 0);
  }
}

export function ecbDecrypt(key: usize, io: usize, len: usize): void {
  const k = key + KEY_DEC;
  const nr = load<u32>(key + KEY_ROUNDS);
  const end = io + len;
  let p = io;
  for (; p < end; p += 16) {
    dec1(k, nr, load<u32>(p), load<u32>(p, 4), load<u32>(p, 8), load<u32>(p, 12), p, false, 0);
  }
}
