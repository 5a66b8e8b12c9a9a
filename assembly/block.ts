// One-block encryption and decryption from and to memory (FIPS 197 §5.1, §5.3.5), for the
// serial modes and the single-block exports. The rounds are in rounds.generated.ts.
import { KEY_ENC, KEY_DEC, KEY_ROUNDS } from "./layout";
import { enc1, dec1 } from "./rounds.generated";

/** Encrypts the block at `src` into `dst` (they may be equal) with the key in `slot`. */
@inline export function encryptBlock(slot: usize, src: usize, dst: usize): void {
  enc1(slot + KEY_ENC, load<u32>(slot + KEY_ROUNDS), 0,
    load<u32>(src), load<u32>(src, 4), load<u32>(src, 8), load<u32>(src, 12), dst, false, 0);
}

/** Decrypts the block at `src` into `dst` (they may be equal) with the key in `slot`. */
@inline export function decryptBlock(slot: usize, src: usize, dst: usize): void {
  dec1(slot + KEY_DEC, load<u32>(slot + KEY_ROUNDS),
    load<u32>(src), load<u32>(src, 4), load<u32>(src, 8), load<u32>(src, 12), dst, false, 0);
}
