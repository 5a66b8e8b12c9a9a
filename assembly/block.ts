// One-block encryption and decryption from and to memory, for the serial modes and the
// single-block exports: the vector-permute kernel (vperm.ts) with the slot's vperm keys.
import { KEY_VP_ENC, KEY_VP_DEC, KEY_ROUNDS } from "./layout";
import { vpEncrypt, vpDecrypt } from "./vperm";

/** Encrypts the block at `src` into `dst` (they may be equal) with the key in `slot`. */
@inline export function encryptBlock(slot: usize, src: usize, dst: usize): void {
  v128.store(dst, vpEncrypt(slot + KEY_VP_ENC, load<u32>(slot + KEY_ROUNDS), v128.load(src)));
}

/** Decrypts the block at `src` into `dst` (they may be equal) with the key in `slot`. */
@inline export function decryptBlock(slot: usize, src: usize, dst: usize): void {
  v128.store(dst, vpDecrypt(slot + KEY_VP_DEC, load<u32>(slot + KEY_ROUNDS), v128.load(src)));
}
