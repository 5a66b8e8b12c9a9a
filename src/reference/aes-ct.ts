// Constant-time AES (FIPS 197) on 32-bit integers for the pure-TypeScript fallback core: two
// blocks at a time, bitsliced, with no table lookups and no branches on secret data.
//
// Why bitsliced: a table-driven AES (S-box or T-tables indexed by state bytes) leaks its
// indices, and so the key, through the CPU cache to anyone sharing the machine: other
// processes, co-tenant VMs, or JavaScript timers in the same browser process; the byte-wise
// reference this replaces also had `a & 0x80 ? 0x1b : 0` branches on secret bits. Here SubBytes
// is a Boolean circuit (XOR/AND only: 144 gates, the inverse 143, derived through the tower
// field and checked on all 256 inputs by scripts/gen-bitsliced32.mjs), and the linear layers are
// shifts, rotations and masks, so the sequence of instructions and memory addresses is the same
// for every key and every block. Bitslicing is also what makes it fast enough: one circuit
// evaluation does 32 S-boxes, two whole blocks, in 32-bit words (JavaScript has no wider integer
// type that stays in registers). The layout is the well-known 32-bit one (as in BearSSL's aes_ct,
// reimplemented from the idea, not the code): 8 words q0..q7, word i holding bit i of each of the
// 32 bytes of two blocks, at bit position 8*row + 2*column + block. The blocks go in and out of
// this layout by an 8x8 bit transposition in each byte position (12 swap-moves).
//
// The rounds themselves are generated (./circuits.generated.ts: encrypt2/decrypt2, the planes in
// locals, the circuit inline) — about 1.5x faster than a function call per step on an Int32Array.
//
// "Fixsliced" rounds (the idea of Adomnicai and Peyrin, 2020): ShiftRows is never executed.
// After r rounds the stored state T relates to the real state S by S = ShiftRows^r(T), i.e. row
// i's columns are rotated by r*i; the MixColumns of round r reads each column from where it is
// (variant r mod 4, chosen by a switch on the public round number), and the round keys are
// stored pre-rotated (ShiftRows^-r applied at key expansion). After the last round one
// ShiftRows^(Nr mod 4) puts the columns back; Nr mod 4 is 2 or 0, and ShiftRows^2 is a nibble
// swap in rows 1 and 3. This removes ~150 of ~370 operations per round. Decryption (the straight
// inverse cipher, FIPS 197 §5.3; InvMixColumns as MixColumns times 04x^2 + 05, by shifts and
// masks) applies ShiftRows^(Nr mod 4) first, after which round r is again in state r mod 4: the
// same stored round keys serve both directions, and no decryption key schedule is needed. The
// S-box's constant 0x63 is folded into round keys 1..Nr; InvSubBytes' constant lands in the same
// keys, because InvMixColumns maps a state of all 0x63 bytes to itself.
//
// Key slot (see ./core.ts): round key r as 8 bitsliced words (both lanes equal, 0x63 and the
// rotation folded in) at r*32, little-endian; 15 round keys are 480 bytes, below KEY_ROUNDS (496).
// Key expansion runs SubWord through the same S-box circuit (the four bytes as four lanes), so
// it is table-free too; Rcon is a public constant list.
//
// Assumptions (the usual ones for constant-time JavaScript): the JIT compiles these integer
// operations (^ & | << >>> and Math.imul, on int32 values) to instructions whose timing does not
// depend on their operands, and introduces no data-dependent branches of its own; typed-array
// indices here are all public (loop counters, offsets); secrets live only in locals and in
// Int32Arrays, never in JS arrays (whose element representation follows their values). What
// source code cannot rule out: before the functions are optimised, V8's interpreter and baseline
// tiers keep int32 values outside the 31-bit small-integer range as heap numbers (allocation
// depends on the data), and the type feedback they collect, hence when and whether optimised
// code deoptimises, can depend on the first values seen. Steady-state optimised code works on
// untagged int32 registers.
import { decrypt2 as decryptBlocks, encrypt2 as encryptBlocks, sbox } from "./circuits.generated.js";

/** Two blocks as little-endian words: BLK[0..3] block A (word c = column c), BLK[4..7] block B. */
export const BLK = new Int32Array(8);
/** The bitsliced state (bit-planes). */
const Q = new Int32Array(8);
/** Bitsliced round keys of the key in use (copied from its slot by loadKeys; wipe after use). */
export const RK = new Int32Array(120);
/** Key schedule words during expansion. */
const W = new Int32Array(60);

const RCON = [0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0x1b, 0x36];

/** Number of rounds for a key length in bytes (FIPS 197 §5, Figure 4), or 0 if invalid. */
export function roundsForKeyLength(keyLen: number): number {
  return keyLen === 16 ? 10 : keyLen === 24 ? 12 : keyLen === 32 ? 14 : 0;
}

/**
 * BLK -> Q: q[2c + b] = column c of block b, then an 8x8 bit transpose in each of the four
 * byte positions, so plane i bit (8*row + 2*col + b) = bit i of that byte. (encrypt2/decrypt2
 * in circuits.generated.ts do the same on their locals; this one bitslices round keys.)
 */
function bitslice(): void {
  let q0 = BLK[0]!, q1 = BLK[4]!, q2 = BLK[1]!, q3 = BLK[5]!, q4 = BLK[2]!, q5 = BLK[6]!, q6 = BLK[3]!, q7 = BLK[7]!;
  let t: number;
  t = ((q0 >>> 1) ^ q1) & 0x55555555; q1 ^= t; q0 ^= t << 1;
  t = ((q2 >>> 1) ^ q3) & 0x55555555; q3 ^= t; q2 ^= t << 1;
  t = ((q4 >>> 1) ^ q5) & 0x55555555; q5 ^= t; q4 ^= t << 1;
  t = ((q6 >>> 1) ^ q7) & 0x55555555; q7 ^= t; q6 ^= t << 1;
  t = ((q0 >>> 2) ^ q2) & 0x33333333; q2 ^= t; q0 ^= t << 2;
  t = ((q1 >>> 2) ^ q3) & 0x33333333; q3 ^= t; q1 ^= t << 2;
  t = ((q4 >>> 2) ^ q6) & 0x33333333; q6 ^= t; q4 ^= t << 2;
  t = ((q5 >>> 2) ^ q7) & 0x33333333; q7 ^= t; q5 ^= t << 2;
  t = ((q0 >>> 4) ^ q4) & 0x0f0f0f0f; q4 ^= t; q0 ^= t << 4;
  t = ((q1 >>> 4) ^ q5) & 0x0f0f0f0f; q5 ^= t; q1 ^= t << 4;
  t = ((q2 >>> 4) ^ q6) & 0x0f0f0f0f; q6 ^= t; q2 ^= t << 4;
  t = ((q3 >>> 4) ^ q7) & 0x0f0f0f0f; q7 ^= t; q3 ^= t << 4;
  Q[0] = q0; Q[1] = q1; Q[2] = q2; Q[3] = q3; Q[4] = q4; Q[5] = q5; Q[6] = q6; Q[7] = q7;
}

/** Encrypts the two blocks in BLK in place with the round keys in RK (nr rounds). */
export function encrypt2(nr: number): void {
  encryptBlocks(BLK, RK, nr);
}

/** Decrypts the two blocks in BLK in place with the same round keys (straight inverse cipher). */
export function decrypt2(nr: number): void {
  decryptBlocks(BLK, RK, nr);
}

/** SubWord (FIPS 197 §5.2) of a little-endian word: its four bytes as four lanes of the circuit. */
export function subWord(w: number): number {
  for (let i = 0; i < 8; i++) Q[i] = w >>> i; // lane 8k of plane i: bit i of byte k
  sbox(Q);
  let out = 0;
  for (let i = 0; i < 8; i++) out |= (Q[i]! & 0x01010101) << i;
  return (out ^ 0x63636363) | 0;
}

/**
 * Key expansion (FIPS 197 §5.2) of the keyLen bytes at keyPtr into bitsliced round keys, written
 * as 8(Nr + 1) little-endian words at `dst`. Returns Nr, or 0 (writing nothing) for a bad length.
 * The key is read completely before anything is written, so keyPtr may equal dst.
 */
export function expandKeyCT(dv: DataView, dst: number, keyPtr: number, keyLen: number): number {
  const nr = roundsForKeyLength(keyLen);
  if (nr === 0) return 0;
  const nk = keyLen >>> 2;
  const total = 4 * (nr + 1);
  for (let i = 0; i < nk; i++) W[i] = dv.getInt32(keyPtr + 4 * i, true);
  for (let i = nk; i < total; i++) {
    let t = W[i - 1]!;
    if (i % nk === 0) {
      t = subWord((t >>> 8) | (t << 24)) ^ RCON[i / nk - 1]!; // SubWord(RotWord(t)) ^ Rcon
    } else if (nk > 6 && i % nk === 4) {
      t = subWord(t); // AES-256 only
    }
    W[i] = W[i - nk]! ^ t;
  }
  for (let r = 0; r <= nr; r++) {
    // Round keys 1..Nr carry the S-box constant; keys 1..Nr-1 are stored ShiftRows^-r-rotated:
    // column c of row i comes from column c - r*i (positions are public).
    const c63 = r > 0 ? 0x63636363 : 0;
    const j = r > 0 && r < nr ? r & 3 : 0;
    for (let c = 0; c < 4; c++) {
      const x = (W[4 * r + c]! & 0xff) | (W[4 * r + ((c - j) & 3)]! & 0xff00)
        | (W[4 * r + ((c - 2 * j) & 3)]! & 0xff0000) | (W[4 * r + ((c - 3 * j) & 3)]! & 0xff000000);
      BLK[c] = BLK[c + 4] = x ^ c63;
    }
    bitslice();
    for (let i = 0; i < 8; i++) dv.setInt32(dst + 32 * r + 4 * i, Q[i]!, true);
  }
  W.fill(0);
  wipeScratch();
  return nr;
}

/** Copies the bitsliced round keys of the key slot at `src` (nr rounds) into RK. */
export function loadKeys(dv: DataView, src: number, nr: number): void {
  const n = 8 * (nr + 1);
  for (let i = 0; i < n; i++) RK[i] = dv.getInt32(src + 4 * i, true);
}

/** Zeroes the module's scratch: round keys, state, blocks. Every kernel calls it before returning. */
export function wipeScratch(): void {
  RK.fill(0);
  Q.fill(0);
  BLK.fill(0);
}
