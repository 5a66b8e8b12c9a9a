// CBC (SP 800-38A §6.2). The state register holds the IV, then the last ciphertext block.
// `len` is a multiple of 16 (the host checks).
import { encryptBlock, decryptBlock } from "./block";
import { STATE_REG } from "./layout";

export function cbcEncrypt(key: usize, state: usize, io: usize, len: usize): void {
  let prev = state + STATE_REG;
  for (let p = io, end = io + len; p < end; p += 16) {
    store<u64>(p, load<u64>(p) ^ load<u64>(prev));
    store<u64>(p, load<u64>(p, 8) ^ load<u64>(prev, 8), 8);
    encryptBlock(key, p, p);
    prev = p;
  }
  if (len) memory.copy(state + STATE_REG, prev, 16);
}

export function cbcDecrypt(key: usize, state: usize, io: usize, len: usize): void {
  const reg = state + STATE_REG;
  // The previous ciphertext block lives in locals because decryption overwrites it in place.
  let c0 = load<u64>(reg);
  let c1 = load<u64>(reg, 8);
  for (let p = io, end = io + len; p < end; p += 16) {
    const n0 = load<u64>(p);
    const n1 = load<u64>(p, 8);
    decryptBlock(key, p, p);
    store<u64>(p, load<u64>(p) ^ c0);
    store<u64>(p, load<u64>(p, 8) ^ c1, 8);
    c0 = n0;
    c1 = n1;
  }
  store<u64>(reg, c0);
  store<u64>(reg, c1, 8);
}
