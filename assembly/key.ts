// Key expansion (FIPS 197 §5.2) into a key slot: encryption round keys, and decryption round
// keys for the equivalent inverse cipher (§5.3.5: reversed order, InvMixColumns applied to
// rounds 1..Nr-1) so that decryption runs the same T-table round shape as encryption.
import { SBOX, TD0, TD1, TD2, TD3, KEY_ENC, KEY_DEC, KEY_ROUNDS } from "./layout";

@inline function subWord(w: u32): u32 {
  return <u32>load<u8>(SBOX + (w & 0xff)) |
    (<u32>load<u8>(SBOX + ((w >> 8) & 0xff)) << 8) |
    (<u32>load<u8>(SBOX + ((w >> 16) & 0xff)) << 16) |
    (<u32>load<u8>(SBOX + (w >> 24)) << 24);
}

// InvMixColumns of one column: TD tables are InvMixColumns∘InvSubBytes, so feed them S(x).
@inline function invMixColumn(w: u32): u32 {
  return load<u32>(<usize>load<u8>(SBOX + (w & 0xff)) << 2, TD0) ^
    load<u32>(<usize>load<u8>(SBOX + ((w >> 8) & 0xff)) << 2, TD1) ^
    load<u32>(<usize>load<u8>(SBOX + ((w >> 16) & 0xff)) << 2, TD2) ^
    load<u32>(<usize>load<u8>(SBOX + (w >> 24)) << 2, TD3);
}

/**
 * Expands the `keyLen`-byte key at `keyPtr` into `slot`: encryption round keys only (what
 * CTR, OFB, CFB and encryption need). Returns Nr, or 0 for a bad length.
 */
export function expandEncryptionKey(slot: usize, keyPtr: usize, keyLen: u32): u32 {
  if (keyLen != 16 && keyLen != 24 && keyLen != 32) return 0;
  const nk = keyLen >> 2;
  const nr = nk + 6;
  const words = (nr + 1) << 2;
  const ek = slot + KEY_ENC;
  for (let i: u32 = 0; i < nk; i++) store<u32>(ek + (i << 2), load<u32>(keyPtr + (i << 2)));
  let rcon: u32 = 1;
  for (let i = nk; i < words; i++) {
    let t = load<u32>(ek + ((i - 1) << 2));
    if (i % nk == 0) {
      // RotWord moves byte 1 to byte 0: with row 0 in the low bits that is a right rotation.
      t = subWord(rotr<u32>(t, 8)) ^ rcon;
      rcon = ((rcon << 1) ^ (0x1b & (0 - (rcon >> 7)))) & 0xff;
    } else if (nk > 6 && i % nk == 4) {
      t = subWord(t);
    }
    store<u32>(ek + (i << 2), load<u32>(ek + ((i - nk) << 2)) ^ t);
  }
  store<u32>(slot + KEY_ROUNDS, nr);
  return nr;
}

/** Derives the decryption round keys of `slot` from its encryption round keys. */
export function expandDecryptionKey(slot: usize): void {
  const nr = load<u32>(slot + KEY_ROUNDS);
  const ek = slot + KEY_ENC;
  const dk = slot + KEY_DEC;
  for (let r: u32 = 0; r <= nr; r++) {
    const from = ek + ((nr - r) << 4);
    const to = dk + (r << 4);
    for (let j: u32 = 0; j < 16; j += 4) {
      const w = load<u32>(from + j);
      store<u32>(to + j, r == 0 || r == nr ? w : invMixColumn(w));
    }
  }
}

/** Both schedules at once. Returns Nr, or 0 for a bad length. */
export function expandKey(slot: usize, keyPtr: usize, keyLen: u32): u32 {
  const nr = expandEncryptionKey(slot, keyPtr, keyLen);
  if (nr != 0) expandDecryptionKey(slot);
  return nr;
}
