// ECB: every block on its own. `len` is a multiple of 16 (the host checks).
import { encryptBlock, decryptBlock } from "./block";

export function ecbEncrypt(key: usize, io: usize, len: usize): void {
  for (let p = io, end = io + len; p < end; p += 16) encryptBlock(key, p, p);
}

export function ecbDecrypt(key: usize, io: usize, len: usize): void {
  for (let p = io, end = io + len; p < end; p += 16) decryptBlock(key, p, p);
}
