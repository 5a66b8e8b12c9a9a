// CBC (SP 800-38A §6.2). The state register holds the IV, then the last ciphertext block.
// `len` is a multiple of 16 (the host checks).
import { KEY_ENC, KEY_DEC, KEY_ROUNDS, STATE_REG } from "./layout";
import { enc1, dec1 } from "./rounds.generated";

// Serial: each block's input depends on the previous output, so one block at a time.
export function cbcEncrypt(key: usize, state: usize, io: usize, len: usize): void {
  const k = key + KEY_ENC;
  const nr = load<u32>(key + KEY_ROUNDS);
  const reg = state + STATE_REG;
  let c0 = load<u32>(reg), c1 = load<u32>(reg, 4), c2 = load<u32>(reg, 8), c3 = load<u32>(reg, 12);
  for (let p = io, end = io + len; p < end; p += 16) {
    enc1(k, nr, 0, load<u32>(p) ^ c0, load<u32>(p, 4) ^ c1, load<u32>(p, 8) ^ c2,
      load<u32>(p, 12) ^ c3, p, false, 0);
    c0 = load<u32>(p);
    c1 = load<u32>(p, 4);
    c2 = load<u32>(p, 8);
    c3 = load<u32>(p, 12);
  }
  store<u32>(reg, c0);
  store<u32>(reg, c1, 4);
  store<u32>(reg, c2, 8);
  store<u32>(reg, c3, 12);
}

// Walking backwards: block i needs ciphertext i - 1, which is then still in memory (in place,
// going forwards would have overwritten it). One block per step: interleaving two blocks
// needs more registers than V8 gives and measured slower here.
export function cbcDecrypt(key: usize, state: usize, io: usize, len: usize): void {
  if (len == 0) return;
  const k = key + KEY_DEC;
  const nr = load<u32>(key + KEY_ROUNDS);
  const reg = state + STATE_REG;
  let p = io + len - 16; // highest block not yet decrypted
  // The last ciphertext block is the next chaining value; keep it before it is overwritten.
  const n0 = load<u32>(p), n1 = load<u32>(p, 4), n2 = load<u32>(p, 8), n3 = load<u32>(p, 12);
  for (; p != io; p -= 16) {
    dec1(k, nr, load<u32>(p), load<u32>(p, 4), load<u32>(p, 8), load<u32>(p, 12), p, true, p - 16);
  }
  dec1(k, nr, load<u32>(io), load<u32>(io, 4), load<u32>(io, 8), load<u32>(io, 12), io, true, reg);
  store<u32>(reg, n0);
  store<u32>(reg, n1, 4);
  store<u32>(reg, n2, 8);
  store<u32>(reg, n3, 12);
}
