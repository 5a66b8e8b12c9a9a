// Key expansion (FIPS 197 §5.2) into a key slot, without a table: SubWord is the vector-permute
// S-box (vperm.ts) on a splatted word, and the decryption keys' InvMixColumns is arithmetic.
// The slot gets every form its kernels use (layout.ts): standard round keys for the bitsliced
// kernel, and the vperm kernel's forms, so that no kernel call converts keys for one block.
import { KEY_ENC, KEY_ROUNDS } from "./layout";
import { subBytes, vpEncKeys, vpDecKeys } from "./vperm";

@inline function subWord(w: u32): u32 {
  return i32x4.extract_lane(subBytes(i32x4.splat(w)), 0);
}

/**
 * Expands the `keyLen`-byte key at `keyPtr` into `slot`: encryption round keys only (what
 * CTR, OFB, CFB and encryption need). Returns Nr, or 0 for a bad length. `keyPtr` may be
 * `slot + KEY_ENC` (in place: the key words are read before the first store, and they are
 * round key 0 anyway).
 * The last Nk words live in locals, one schedule step (Nk words) per iteration: reading back
 * words just stored made every word wait on a store-to-load round trip.
 */
export function expandEncryptionKey(slot: usize, keyPtr: usize, keyLen: u32): u32 {
  if (keyLen != 16 && keyLen != 24 && keyLen != 32) return 0;
  const nr = (keyLen >> 2) + 6;
  const ek = slot + KEY_ENC;
  const end = ek + (((nr + 1) << 4)); // (Nr + 1) round keys of 16 bytes
  let w0 = load<u32>(keyPtr), w1 = load<u32>(keyPtr, 4), w2 = load<u32>(keyPtr, 8), w3 = load<u32>(keyPtr, 12);
  let w4: u32 = 0, w5: u32 = 0, w6: u32 = 0, w7: u32 = 0;
  if (keyLen > 16) { w4 = load<u32>(keyPtr, 16); w5 = load<u32>(keyPtr, 20); }
  if (keyLen > 24) { w6 = load<u32>(keyPtr, 24); w7 = load<u32>(keyPtr, 28); }
  let rcon: u32 = 1;
  let p = ek;
  // Each step stores the current Nk words (clipped at the end of the schedule), then derives
  // the next Nk (FIPS 197 §5.2: RotWord moves byte 1 to byte 0, a right rotation with row 0 in
  // the low bits; AES-256 applies SubWord alone to the word after the middle). Every branch
  // and bound here depends only on the key length.
  if (keyLen == 16) {
    while (true) {
      store<u32>(p, w0); store<u32>(p, w1, 4); store<u32>(p, w2, 8); store<u32>(p, w3, 12);
      p += 16;
      if (p >= end) break;
      w0 ^= subWord(rotr<u32>(w3, 8)) ^ rcon; w1 ^= w0; w2 ^= w1; w3 ^= w2;
      rcon = nextRcon(rcon);
    }
  } else if (keyLen == 24) {
    while (true) {
      store<u32>(p, w0); store<u32>(p, w1, 4); store<u32>(p, w2, 8); store<u32>(p, w3, 12);
      if (p + 16 >= end) break;
      store<u32>(p, w4, 16); store<u32>(p, w5, 20);
      p += 24;
      w0 ^= subWord(rotr<u32>(w5, 8)) ^ rcon; w1 ^= w0; w2 ^= w1; w3 ^= w2; w4 ^= w3; w5 ^= w4;
      rcon = nextRcon(rcon);
    }
  } else {
    while (true) {
      store<u32>(p, w0); store<u32>(p, w1, 4); store<u32>(p, w2, 8); store<u32>(p, w3, 12);
      if (p + 16 >= end) break;
      store<u32>(p, w4, 16); store<u32>(p, w5, 20); store<u32>(p, w6, 24); store<u32>(p, w7, 28);
      p += 32;
      w0 ^= subWord(rotr<u32>(w7, 8)) ^ rcon; w1 ^= w0; w2 ^= w1; w3 ^= w2;
      w4 ^= subWord(w3); w5 ^= w4; w6 ^= w5; w7 ^= w6;
      rcon = nextRcon(rcon);
    }
  }
  store<u32>(slot + KEY_ROUNDS, nr);
  vpEncKeys(slot);
  return nr;
}

// x·rcon in GF(2^8) (rcon is public: it depends only on the round).
@inline function nextRcon(rcon: u32): u32 {
  return ((rcon << 1) ^ (0x1b & (0 - (rcon >> 7)))) & 0xff;
}

/** Derives the decryption round keys of `slot` (both forms) from its encryption round keys. */
export function expandDecryptionKey(slot: usize): void {
  vpDecKeys(slot);
}

/** Both schedules at once. Returns Nr, or 0 for a bad length. */
export function expandKey(slot: usize, keyPtr: usize, keyLen: u32): u32 {
  const nr = expandEncryptionKey(slot, keyPtr, keyLen);
  if (nr != 0) expandDecryptionKey(slot);
  return nr;
}
