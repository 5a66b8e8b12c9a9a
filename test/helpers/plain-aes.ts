// TEST-ONLY oracle: a small, slow, deliberately plain AES block cipher (FIPS 197) and GHASH
// multiply (SP 800-38D), written exactly as the standards describe them. It is NOT constant-time
// (S-box lookups indexed by state bytes, branches on secret bits) and must never ship in src/:
// the fallback core in src/reference/ is the constant-time bitsliced one, and the tests hold it
// to this code, to node:crypto and to the S-box computed from its definition.
//
// State layout (FIPS 197 §3.4): the 16 input bytes fill the state column by column, so
// state[r][c] is byte r + 4c of the block. Round keys are stored the same way: round key r
// is 16 bytes, words w[4r..4r+3] one after another, and AddRoundKey is a plain byte XOR.

/** Multiplication by x (i.e. {02}) in GF(2^8) modulo x^8 + x^4 + x^3 + x + 1 (FIPS 197 §4.2.1). */
function xtime(a: number): number {
  return ((a << 1) ^ (a & 0x80 ? 0x1b : 0)) & 0xff;
}

/** General GF(2^8) multiplication by repeated xtime (FIPS 197 §4.2.1). */
function gmul(a: number, b: number): number {
  let product = 0;
  while (b !== 0) {
    if (b & 1) product ^= a;
    a = xtime(a);
    b >>= 1;
  }
  return product;
}

/** Multiplicative inverse in GF(2^8), with 0 mapped to 0 (FIPS 197 §5.1.1): a^254 = a^-1. */
function ginv(a: number): number {
  let result = 1;
  for (let i = 0; i < 254; i++) result = gmul(result, a);
  return a === 0 ? 0 : result;
}

function rotl8(x: number, n: number): number {
  return ((x << n) | (x >> (8 - n))) & 0xff;
}

/** The S-box and its inverse, computed once from their definition (FIPS 197 §5.1.1, §5.3.2). */
const SBOX = new Uint8Array(256);
const INV_SBOX = new Uint8Array(256);
for (let x = 0; x < 256; x++) {
  const b = ginv(x);
  // Affine transformation: b ^ (b <<< 1) ^ (b <<< 2) ^ (b <<< 3) ^ (b <<< 4) ^ {63}.
  const s = b ^ rotl8(b, 1) ^ rotl8(b, 2) ^ rotl8(b, 3) ^ rotl8(b, 4) ^ 0x63;
  SBOX[x] = s;
  INV_SBOX[s] = x;
}

/** Read-only copies for tests. */
export function sboxTables(): { sbox: Uint8Array; invSbox: Uint8Array } {
  return { sbox: SBOX.slice(), invSbox: INV_SBOX.slice() };
}

/** Number of rounds for a key length in bytes (FIPS 197 §5, Figure 4), or 0 if invalid. */
export function roundsForKeyLength(keyLen: number): number {
  return keyLen === 16 ? 10 : keyLen === 24 ? 12 : keyLen === 32 ? 14 : 0;
}

/**
 * Key expansion (FIPS 197 §5.2). Returns the (Nr + 1) * 16 round key bytes: word w[i] is
 * bytes 4i..4i+3. Throws for a key that is not 16, 24 or 32 bytes.
 */
export function expandKeyBytes(key: Uint8Array): Uint8Array {
  const nr = roundsForKeyLength(key.length);
  if (nr === 0) throw new RangeError(`AES key must be 16, 24 or 32 bytes, got ${key.length}`);
  const nk = key.length / 4;
  const totalWords = 4 * (nr + 1);
  const w = new Uint8Array(4 * totalWords);
  w.set(key);
  let rcon = 0x01; // Rcon[i/Nk] = [x^(i/Nk - 1), 0, 0, 0]
  const temp = new Uint8Array(4);
  for (let i = nk; i < totalWords; i++) {
    for (let j = 0; j < 4; j++) temp[j] = w[4 * (i - 1) + j]!;
    if (i % nk === 0) {
      // temp = SubWord(RotWord(temp)) xor Rcon
      const t0 = temp[0]!;
      temp[0] = SBOX[temp[1]!]! ^ rcon;
      temp[1] = SBOX[temp[2]!]!;
      temp[2] = SBOX[temp[3]!]!;
      temp[3] = SBOX[t0]!;
      rcon = xtime(rcon);
    } else if (nk > 6 && i % nk === 4) {
      // temp = SubWord(temp), AES-256 only
      for (let j = 0; j < 4; j++) temp[j] = SBOX[temp[j]!]!;
    }
    for (let j = 0; j < 4; j++) w[4 * i + j] = w[4 * (i - nk) + j]! ^ temp[j]!;
  }
  return w;
}

/** AddRoundKey (FIPS 197 §5.1.4): XOR round key `round` into the state. */
function addRoundKey(state: Uint8Array, roundKeys: Uint8Array, round: number): void {
  for (let i = 0; i < 16; i++) state[i]! ^= roundKeys[16 * round + i]!;
}

/** SubBytes (§5.1.1) or InvSubBytes (§5.3.2), depending on the table. */
function subBytes(state: Uint8Array, box: Uint8Array): void {
  for (let i = 0; i < 16; i++) state[i] = box[state[i]!]!;
}

/** ShiftRows (§5.1.2): row r moves left by r, i.e. s'[r][c] = s[r][(c + r) mod 4]. */
function shiftRows(state: Uint8Array): void {
  const s = state.slice();
  for (let r = 1; r < 4; r++) {
    for (let c = 0; c < 4; c++) state[r + 4 * c] = s[r + 4 * ((c + r) % 4)]!;
  }
}

/** InvShiftRows (§5.3.1): row r moves right by r, i.e. s'[r][(c + r) mod 4] = s[r][c]. */
function invShiftRows(state: Uint8Array): void {
  const s = state.slice();
  for (let r = 1; r < 4; r++) {
    for (let c = 0; c < 4; c++) state[r + 4 * ((c + r) % 4)] = s[r + 4 * c]!;
  }
}

/** MixColumns (§5.1.3): each column times {03}x^3 + {01}x^2 + {01}x + {02}. */
function mixColumns(state: Uint8Array): void {
  for (let c = 0; c < 4; c++) {
    const a0 = state[4 * c]!, a1 = state[4 * c + 1]!, a2 = state[4 * c + 2]!, a3 = state[4 * c + 3]!;
    state[4 * c] = gmul(a0, 2) ^ gmul(a1, 3) ^ a2 ^ a3;
    state[4 * c + 1] = a0 ^ gmul(a1, 2) ^ gmul(a2, 3) ^ a3;
    state[4 * c + 2] = a0 ^ a1 ^ gmul(a2, 2) ^ gmul(a3, 3);
    state[4 * c + 3] = gmul(a0, 3) ^ a1 ^ a2 ^ gmul(a3, 2);
  }
}

/** InvMixColumns (§5.3.3): each column times {0b}x^3 + {0d}x^2 + {09}x + {0e}. */
function invMixColumns(state: Uint8Array): void {
  for (let c = 0; c < 4; c++) {
    const a0 = state[4 * c]!, a1 = state[4 * c + 1]!, a2 = state[4 * c + 2]!, a3 = state[4 * c + 3]!;
    state[4 * c] = gmul(a0, 0x0e) ^ gmul(a1, 0x0b) ^ gmul(a2, 0x0d) ^ gmul(a3, 0x09);
    state[4 * c + 1] = gmul(a0, 0x09) ^ gmul(a1, 0x0e) ^ gmul(a2, 0x0b) ^ gmul(a3, 0x0d);
    state[4 * c + 2] = gmul(a0, 0x0d) ^ gmul(a1, 0x09) ^ gmul(a2, 0x0e) ^ gmul(a3, 0x0b);
    state[4 * c + 3] = gmul(a0, 0x0b) ^ gmul(a1, 0x0d) ^ gmul(a2, 0x09) ^ gmul(a3, 0x0e);
  }
}

/**
 * Cipher (FIPS 197 §5.1, Figure 5): encrypts the 16 bytes of `src` into `dst` with the
 * round keys from expandKeyBytes and `nr` rounds. `src` and `dst` may be the same bytes.
 */
export function encryptBlockRef(roundKeys: Uint8Array, nr: number, src: Uint8Array, dst: Uint8Array): void {
  const state = src.slice(0, 16);
  addRoundKey(state, roundKeys, 0);
  for (let round = 1; round < nr; round++) {
    subBytes(state, SBOX);
    shiftRows(state);
    mixColumns(state);
    addRoundKey(state, roundKeys, round);
  }
  subBytes(state, SBOX);
  shiftRows(state);
  addRoundKey(state, roundKeys, nr);
  dst.set(state);
}

/**
 * InvCipher (FIPS 197 §5.3, Figure 12), the straightforward inverse cipher: decrypts the 16
 * bytes of `src` into `dst` with the same round keys as encryption. `src` and `dst` may be
 * the same bytes.
 */
export function decryptBlockRef(roundKeys: Uint8Array, nr: number, src: Uint8Array, dst: Uint8Array): void {
  const state = src.slice(0, 16);
  addRoundKey(state, roundKeys, nr);
  for (let round = nr - 1; round >= 1; round--) {
    invShiftRows(state);
    subBytes(state, INV_SBOX);
    addRoundKey(state, roundKeys, round);
    invMixColumns(state);
  }
  invShiftRows(state);
  subBytes(state, INV_SBOX);
  addRoundKey(state, roundKeys, 0);
  dst.set(state);
}

/**
 * Z = X·Y in GCM's field, bit by bit as SP 800-38D §6.3 Algorithm 1 states it. Blocks are 16
 * bytes as on the wire; bit 0 is the most significant bit of byte 0.
 */
export function gfMultiply(x: Uint8Array, y: Uint8Array): Uint8Array {
  const z = new Uint8Array(16);
  const v = Uint8Array.from(y.subarray(0, 16));
  for (let i = 0; i < 128; i++) {
    // Step 2a: if bit i of X is set, Z ^= V.
    if ((x[i >> 3]! >> (7 - (i & 7))) & 1) for (let j = 0; j < 16; j++) z[j]! ^= v[j]!;
    // Step 2b: V = V >> 1, xor R = 11100001 || 0^120 if the bit shifted out (bit 127) was 1.
    const lsb = v[15]! & 1;
    for (let j = 15; j > 0; j--) v[j] = ((v[j]! >> 1) | (v[j - 1]! << 7)) & 0xff;
    v[0] = v[0]! >> 1;
    if (lsb) v[0]! ^= 0xe1;
  }
  return z;
}

/** GHASH_H over whole blocks (§6.4): for each block X, Y = (Y ^ X)·H; returns the new Y. */
export function ghashBlocks(h: Uint8Array, y: Uint8Array, data: Uint8Array): Uint8Array {
  let acc: Uint8Array = Uint8Array.from(y);
  for (let p = 0; p + 16 <= data.length; p += 16) {
    acc = gfMultiply(acc.map((b, j) => b ^ data[p + j]!), h);
  }
  return acc;
}
