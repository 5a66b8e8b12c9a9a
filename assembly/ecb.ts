// ECB: every block on its own. `len` is a multiple of 16 (the host checks).
// Two blocks at a time: their rounds interleave, which keeps more loads in flight.
import { KEY_ENC, KEY_DEC, KEY_ROUNDS } from "./layout";
import { enc1, enc2, dec1, dec2 } from "./rounds.generated";

export function ecbEncrypt(key: usize, io: usize, len: usize): void {
  const k = key + KEY_ENC;
  const nr = load<u32>(key + KEY_ROUNDS);
  const end = io + len;
  let p = io;
  for (; end - p >= 32; p += 32) {
    enc2(k, nr, 0, load<u32>(p), load<u32>(p, 4), load<u32>(p, 8), load<u32>(p, 12),
      load<u32>(p, 16), load<u32>(p, 20), load<u32>(p, 24), load<u32>(p, 28), p, false, 0);
  }
  if (p < end) {
    enc1(k, nr, 0, load<u32>(p), load<u32>(p, 4), load<u32>(p, 8), load<u32>(p, 12), p, false, 0);
  }
}

export function ecbDecrypt(key: usize, io: usize, len: usize): void {
  const k = key + KEY_DEC;
  const nr = load<u32>(key + KEY_ROUNDS);
  const end = io + len;
  let p = io;
  for (; end - p >= 32; p += 32) {
    dec2(k, nr, load<u32>(p), load<u32>(p, 4), load<u32>(p, 8), load<u32>(p, 12),
      load<u32>(p, 16), load<u32>(p, 20), load<u32>(p, 24), load<u32>(p, 28), p, false, 0);
  }
  if (p < end) {
    dec1(k, nr, load<u32>(p), load<u32>(p, 4), load<u32>(p, 8), load<u32>(p, 12), p, false, 0);
  }
}
