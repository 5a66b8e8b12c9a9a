// OCB3 (RFC 7253) kernels of the pure-TypeScript core, with the semantics of the WASM ones
// (assembly/ocb.ts): the host formats the nonce block (§4.2) and checks lengths and tags; these
// run whole blocks, the last partial block and the tag. AES goes through ./aes-ct.ts two blocks
// per call (consecutive blocks are independent once their offsets are known), so this inherits
// its constant-time argument and assumptions. What is left is XOR, shifts and masks on int32
// locals: doubling folds 0x87 in under a mask made from the carry, not a branch, and a block's
// offset step L_ntz(i) is loaded from an address that depends only on the block number i (a
// public function of the lengths). Pad bytes are picked by position (public), never by value.
//
// OCB slot (OCB_SLOT_SIZE bytes, this core's own format; blocks as on the wire): OFFSET,
// CHECKSUM, AAD_OFFSET, AAD_SUM, L_*, L_$, then L_0..L_31 (16 bytes each), then the data and
// AAD block counters as little-endian u32. 32 L values cover block numbers below 2^32, the
// counters' range; the host keeps messages below that.
import type { CoreKernels } from "../wasm/abi.js";
import { BLK, decrypt2, encrypt2, wipeScratch } from "./aes-ct.js";

const OFFSET = 0;
const CHECKSUM = 16;
const AAD_OFFSET = 32;
const AAD_SUM = 48;
const L_STAR = 64;
const L_DOLLAR = 80;
const L = 96;
const BLOCKS = 608;
const AAD_BLOCKS = 612;
/** Bytes of this core's OCB slot: 616 used, rounded up to keep slots 64-byte aligned. */
export const OCB_SLOT_SIZE = 640;

/** What the kernels need from the core: its memory (views refreshed) and the round keys loaded. */
export interface OcbHost {
  /** The memory's DataView, current after any grow(). */
  view(): DataView;
  /** Copies the key slot's round keys into aes-ct's scratch; returns Nr. */
  useKey(key: number): number;
}

export type OcbKernels = Pick<CoreKernels, "ocbSetup" | "ocbNonce" | "ocbEncrypt" | "ocbDecrypt" | "ocbEncryptLast"
  | "ocbDecryptLast" | "ocbAad" | "ocbAadLast" | "ocbTag">;

/** Stretch of §4.2 as big-endian words while Offset_0 is cut from it (wiped after). */
const STRETCH = new Int32Array(6);

const bswap = (x: number): number => (x >>> 24) | ((x >>> 8) & 0xff00) | ((x << 8) & 0xff0000) | (x << 24);

/** ntz(i) for a block number 1 <= i < 2^32 (public). */
const ntz = (i: number): number => 31 - Math.clz32(i & -i);

/** Word w (0..3, little-endian) of X || 1 || 0*, X the r (1..15) bytes at p (RFC 7253's padding). */
function padWord(dv: DataView, p: number, r: number, w: number): number {
  let x = 0;
  for (let b = 0; b < 4; b++) {
    const j = 4 * w + b; // position, public; the byte's value is only moved, never tested
    const v = j < r ? dv.getUint8(p + j) : j === r ? 0x80 : 0;
    x |= v << (8 * b);
  }
  return x;
}

export function ocbKernels(host: OcbHost): OcbKernels {
  // Whole blocks (RFC 7253 §4.2): C_i = Offset_i ^ E(P_i ^ Offset_i), Offset_i = Offset_{i-1} ^
  // L_ntz(i), checksum over the plaintext; decryption with D. Two blocks per AES call.
  function crypt(key: number, ocb: number, io: number, len: number, decrypt: boolean): void {
    const dv = host.view();
    if (len === 0) return;
    const nr = host.useKey(key);
    let o0 = dv.getInt32(ocb + OFFSET, true), o1 = dv.getInt32(ocb + OFFSET + 4, true);
    let o2 = dv.getInt32(ocb + OFFSET + 8, true), o3 = dv.getInt32(ocb + OFFSET + 12, true);
    let s0 = dv.getInt32(ocb + CHECKSUM, true), s1 = dv.getInt32(ocb + CHECKSUM + 4, true);
    let s2 = dv.getInt32(ocb + CHECKSUM + 8, true), s3 = dv.getInt32(ocb + CHECKSUM + 12, true);
    let i = dv.getUint32(ocb + BLOCKS, true);
    const end = io + len;
    let p = io;
    for (; p + 32 <= end; p += 32) {
      let l = ocb + L + 16 * ntz(++i);
      o0 ^= dv.getInt32(l, true); o1 ^= dv.getInt32(l + 4, true); o2 ^= dv.getInt32(l + 8, true); o3 ^= dv.getInt32(l + 12, true);
      const a0 = o0, a1 = o1, a2 = o2, a3 = o3;
      l = ocb + L + 16 * ntz(++i);
      o0 ^= dv.getInt32(l, true); o1 ^= dv.getInt32(l + 4, true); o2 ^= dv.getInt32(l + 8, true); o3 ^= dv.getInt32(l + 12, true);
      const x0 = dv.getInt32(p, true), x1 = dv.getInt32(p + 4, true), x2 = dv.getInt32(p + 8, true), x3 = dv.getInt32(p + 12, true);
      const y0 = dv.getInt32(p + 16, true), y1 = dv.getInt32(p + 20, true), y2 = dv.getInt32(p + 24, true), y3 = dv.getInt32(p + 28, true);
      BLK[0] = x0 ^ a0; BLK[1] = x1 ^ a1; BLK[2] = x2 ^ a2; BLK[3] = x3 ^ a3;
      BLK[4] = y0 ^ o0; BLK[5] = y1 ^ o1; BLK[6] = y2 ^ o2; BLK[7] = y3 ^ o3;
      if (decrypt) decrypt2(nr);
      else encrypt2(nr);
      const u0 = BLK[0]! ^ a0, u1 = BLK[1]! ^ a1, u2 = BLK[2]! ^ a2, u3 = BLK[3]! ^ a3;
      const v0 = BLK[4]! ^ o0, v1 = BLK[5]! ^ o1, v2 = BLK[6]! ^ o2, v3 = BLK[7]! ^ o3;
      dv.setInt32(p, u0, true); dv.setInt32(p + 4, u1, true); dv.setInt32(p + 8, u2, true); dv.setInt32(p + 12, u3, true);
      dv.setInt32(p + 16, v0, true); dv.setInt32(p + 20, v1, true); dv.setInt32(p + 24, v2, true); dv.setInt32(p + 28, v3, true);
      if (decrypt) {
        s0 ^= u0 ^ v0; s1 ^= u1 ^ v1; s2 ^= u2 ^ v2; s3 ^= u3 ^ v3;
      } else {
        s0 ^= x0 ^ y0; s1 ^= x1 ^ y1; s2 ^= x2 ^ y2; s3 ^= x3 ^ y3;
      }
    }
    if (p < end) {
      const l = ocb + L + 16 * ntz(++i);
      o0 ^= dv.getInt32(l, true); o1 ^= dv.getInt32(l + 4, true); o2 ^= dv.getInt32(l + 8, true); o3 ^= dv.getInt32(l + 12, true);
      const x0 = dv.getInt32(p, true), x1 = dv.getInt32(p + 4, true), x2 = dv.getInt32(p + 8, true), x3 = dv.getInt32(p + 12, true);
      BLK[0] = x0 ^ o0; BLK[1] = x1 ^ o1; BLK[2] = x2 ^ o2; BLK[3] = x3 ^ o3;
      if (decrypt) decrypt2(nr);
      else encrypt2(nr);
      const u0 = BLK[0]! ^ o0, u1 = BLK[1]! ^ o1, u2 = BLK[2]! ^ o2, u3 = BLK[3]! ^ o3;
      dv.setInt32(p, u0, true); dv.setInt32(p + 4, u1, true); dv.setInt32(p + 8, u2, true); dv.setInt32(p + 12, u3, true);
      if (decrypt) {
        s0 ^= u0; s1 ^= u1; s2 ^= u2; s3 ^= u3;
      } else {
        s0 ^= x0; s1 ^= x1; s2 ^= x2; s3 ^= x3;
      }
    }
    dv.setInt32(ocb + OFFSET, o0, true); dv.setInt32(ocb + OFFSET + 4, o1, true);
    dv.setInt32(ocb + OFFSET + 8, o2, true); dv.setInt32(ocb + OFFSET + 12, o3, true);
    dv.setInt32(ocb + CHECKSUM, s0, true); dv.setInt32(ocb + CHECKSUM + 4, s1, true);
    dv.setInt32(ocb + CHECKSUM + 8, s2, true); dv.setInt32(ocb + CHECKSUM + 12, s3, true);
    dv.setUint32(ocb + BLOCKS, i, true);
    wipeScratch();
  }

  /** checksum ^= the r plaintext bytes at p || 1 || 0*. */
  function sumPadded(dv: DataView, ocb: number, p: number, r: number): void {
    for (let w = 0; w < 4; w++) {
      const at = ocb + CHECKSUM + 4 * w;
      dv.setInt32(at, dv.getInt32(at, true) ^ padWord(dv, p, r, w), true);
    }
  }

  // A last partial block of r (1..15) bytes (§4.2): Offset_* = Offset ^ L_*, Pad = E(Offset_*),
  // output = input ^ Pad[1..8r], checksum ^= plaintext || 1 || 0*.
  function last(key: number, ocb: number, io: number, r: number, decrypt: boolean): void {
    const dv = host.view();
    const nr = host.useKey(key);
    if (!decrypt) sumPadded(dv, ocb, io, r); // the plaintext, before it is overwritten
    for (let w = 0; w < 4; w++) {
      const o = dv.getInt32(ocb + OFFSET + 4 * w, true) ^ dv.getInt32(ocb + L_STAR + 4 * w, true);
      dv.setInt32(ocb + OFFSET + 4 * w, o, true);
      BLK[w] = o;
    }
    encrypt2(nr);
    for (let j = 0; j < r; j++) dv.setUint8(io + j, dv.getUint8(io + j) ^ ((BLK[j >>> 2]! >>> (8 * (j & 3))) & 0xff));
    if (decrypt) sumPadded(dv, ocb, io, r); // the plaintext just made
    wipeScratch();
  }

  // HASH(K, A) over whole blocks (§4.1): Sum ^= E(A_i ^ Offset_i), two blocks per AES call.
  function aad(key: number, ocb: number, io: number, len: number): void {
    const dv = host.view();
    if (len === 0) return;
    const nr = host.useKey(key);
    let o0 = dv.getInt32(ocb + AAD_OFFSET, true), o1 = dv.getInt32(ocb + AAD_OFFSET + 4, true);
    let o2 = dv.getInt32(ocb + AAD_OFFSET + 8, true), o3 = dv.getInt32(ocb + AAD_OFFSET + 12, true);
    let s0 = dv.getInt32(ocb + AAD_SUM, true), s1 = dv.getInt32(ocb + AAD_SUM + 4, true);
    let s2 = dv.getInt32(ocb + AAD_SUM + 8, true), s3 = dv.getInt32(ocb + AAD_SUM + 12, true);
    let i = dv.getUint32(ocb + AAD_BLOCKS, true);
    const end = io + len;
    for (let p = io; p < end; p += 32) {
      const two = p + 32 <= end;
      let l = ocb + L + 16 * ntz(++i);
      o0 ^= dv.getInt32(l, true); o1 ^= dv.getInt32(l + 4, true); o2 ^= dv.getInt32(l + 8, true); o3 ^= dv.getInt32(l + 12, true);
      BLK[0] = dv.getInt32(p, true) ^ o0; BLK[1] = dv.getInt32(p + 4, true) ^ o1;
      BLK[2] = dv.getInt32(p + 8, true) ^ o2; BLK[3] = dv.getInt32(p + 12, true) ^ o3;
      if (two) {
        l = ocb + L + 16 * ntz(++i);
        o0 ^= dv.getInt32(l, true); o1 ^= dv.getInt32(l + 4, true); o2 ^= dv.getInt32(l + 8, true); o3 ^= dv.getInt32(l + 12, true);
        BLK[4] = dv.getInt32(p + 16, true) ^ o0; BLK[5] = dv.getInt32(p + 20, true) ^ o1;
        BLK[6] = dv.getInt32(p + 24, true) ^ o2; BLK[7] = dv.getInt32(p + 28, true) ^ o3;
      }
      encrypt2(nr);
      s0 ^= BLK[0]!; s1 ^= BLK[1]!; s2 ^= BLK[2]!; s3 ^= BLK[3]!;
      if (two) {
        s0 ^= BLK[4]!; s1 ^= BLK[5]!; s2 ^= BLK[6]!; s3 ^= BLK[7]!;
      }
    }
    dv.setInt32(ocb + AAD_OFFSET, o0, true); dv.setInt32(ocb + AAD_OFFSET + 4, o1, true);
    dv.setInt32(ocb + AAD_OFFSET + 8, o2, true); dv.setInt32(ocb + AAD_OFFSET + 12, o3, true);
    dv.setInt32(ocb + AAD_SUM, s0, true); dv.setInt32(ocb + AAD_SUM + 4, s1, true);
    dv.setInt32(ocb + AAD_SUM + 8, s2, true); dv.setInt32(ocb + AAD_SUM + 12, s3, true);
    dv.setUint32(ocb + AAD_BLOCKS, i, true);
    wipeScratch();
  }

  return {
    /** L_* = E(0), L_$ = double(L_*), L_i = double^(i+1)(L_$); offsets, sums and counters zeroed. */
    ocbSetup(key, ocb) {
      const dv = host.view();
      const nr = host.useKey(key);
      for (let b = 0; b < L_STAR; b += 4) dv.setInt32(ocb + b, 0, true);
      BLK.fill(0);
      encrypt2(nr);
      // Doubling works on big-endian words (w0 most significant), as the RFC's bit strings read.
      let w0 = bswap(BLK[0]!), w1 = bswap(BLK[1]!), w2 = bswap(BLK[2]!), w3 = bswap(BLK[3]!);
      for (let at = ocb + L_STAR; at < ocb + L + 32 * 16; at += 16) {
        dv.setInt32(at, w0, false); dv.setInt32(at + 4, w1, false); dv.setInt32(at + 8, w2, false); dv.setInt32(at + 12, w3, false);
        // double(S) (§2): S << 1, and 0x87 folded in when the bit shifted out is 1, by a mask.
        const carry = -(w0 >>> 31) | 0;
        w0 = (w0 << 1) | (w1 >>> 31);
        w1 = (w1 << 1) | (w2 >>> 31);
        w2 = (w2 << 1) | (w3 >>> 31);
        w3 = (w3 << 1) ^ (carry & 0x87);
      }
      dv.setUint32(ocb + BLOCKS, 0, true);
      dv.setUint32(ocb + AAD_BLOCKS, 0, true);
      wipeScratch();
    },

    // Offset_0 from the formatted nonce block (§4.2): Ktop = E(nonce with its low 6 bits
    // cleared), Stretch = Ktop || (Ktop[1..64] ^ Ktop[9..72]), Offset_0 = Stretch[1+bottom..
    // 128+bottom]. bottom comes from the nonce (public), so shifting by it is no leak; the
    // double shift `(x >>> 1) >>> (31 - b)` makes b = 0 give 0 without a branch.
    ocbNonce(key, ocb, nonce) {
      const dv = host.view();
      const nr = host.useKey(key);
      const bottom = dv.getUint8(nonce + 15) & 63;
      for (let w = 0; w < 4; w++) BLK[w] = dv.getInt32(nonce + 4 * w, true);
      BLK[3] = BLK[3]! & ~0x3f000000; // byte 15 is the top byte of little-endian word 3
      encrypt2(nr);
      const k0 = bswap(BLK[0]!), k1 = bswap(BLK[1]!), k2 = bswap(BLK[2]!), k3 = bswap(BLK[3]!);
      STRETCH[0] = k0; STRETCH[1] = k1; STRETCH[2] = k2; STRETCH[3] = k3;
      STRETCH[4] = k0 ^ ((k0 << 8) | (k1 >>> 24));
      STRETCH[5] = k1 ^ ((k1 << 8) | (k2 >>> 24));
      const ws = bottom >>> 5, bs = bottom & 31;
      for (let w = 0; w < 4; w++) {
        const v = (STRETCH[w + ws]! << bs) | ((STRETCH[w + ws + 1]! >>> 1) >>> (31 - bs));
        dv.setInt32(ocb + OFFSET + 4 * w, v, false);
        dv.setInt32(ocb + CHECKSUM + 4 * w, 0, true);
      }
      STRETCH.fill(0);
      wipeScratch();
    },

    ocbEncrypt(key, ocb, io, len) {
      crypt(key, ocb, io, len, false);
    },

    ocbDecrypt(key, ocb, io, len) {
      crypt(key, ocb, io, len, true);
    },

    ocbEncryptLast(key, ocb, io, r) {
      last(key, ocb, io, r, false);
    },

    ocbDecryptLast(key, ocb, io, r) {
      last(key, ocb, io, r, true);
    },

    ocbAad: aad,

    /** The last partial AAD block of r (1..15) bytes: Sum ^= E((A_* || 1 || 0*) ^ Offset_*). */
    ocbAadLast(key, ocb, io, r) {
      const dv = host.view();
      const nr = host.useKey(key);
      for (let w = 0; w < 4; w++) {
        const o = dv.getInt32(ocb + AAD_OFFSET + 4 * w, true) ^ dv.getInt32(ocb + L_STAR + 4 * w, true);
        dv.setInt32(ocb + AAD_OFFSET + 4 * w, o, true);
        BLK[w] = padWord(dv, io, r, w) ^ o;
      }
      encrypt2(nr);
      for (let w = 0; w < 4; w++) {
        const at = ocb + AAD_SUM + 4 * w;
        dv.setInt32(at, dv.getInt32(at, true) ^ BLK[w]!, true);
      }
      wipeScratch();
    },

    /** The full 16-byte tag at `out`: E(Checksum ^ Offset ^ L_$) ^ HASH(K, A). */
    ocbTag(key, ocb, out) {
      const dv = host.view();
      const nr = host.useKey(key);
      for (let w = 0; w < 4; w++) {
        BLK[w] = dv.getInt32(ocb + CHECKSUM + 4 * w, true) ^ dv.getInt32(ocb + OFFSET + 4 * w, true)
          ^ dv.getInt32(ocb + L_DOLLAR + 4 * w, true);
      }
      encrypt2(nr);
      for (let w = 0; w < 4; w++) dv.setInt32(out + 4 * w, BLK[w]! ^ dv.getInt32(ocb + AAD_SUM + 4 * w, true), true);
      wipeScratch();
    },
  };
}
