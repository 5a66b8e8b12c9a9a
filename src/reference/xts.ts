// XTS-AES (IEEE 1619-2018, NIST SP 800-38E) for the pure-TypeScript core: the same four kernels
// and state as assembly/xts.ts. C_j = E_K1(P_j ^ T_j) ^ T_j, T_(j+1) = T_j · α in GF(2^128)
// (little-endian); the host writes T_0 = E_K2(i) into STATE_REG, which always holds the tweak of
// the next block, so a data unit may arrive in several calls.
//
// Blocks are independent given their tweaks, so both lanes of ./aes-ct.ts's encrypt2/decrypt2
// are filled (tweaks T_j and T_(j+1)). The tweak lives in four int32 locals, little-endian words
// as the blocks are loaded; doubling is shifts and an arithmetic-shift mask (no branch on the
// carry). Every branch depends on lengths or the direction only. The caller (./core.ts) has
// loaded the round keys into scratch; each function here wipes the scratch before returning.
import { BLK, decrypt2, encrypt2, wipeScratch } from "./aes-ct.js";

const REDUCE = 0x87; // x^128 = x^7 + x^2 + x + 1

/**
 * XTS over `len` bytes (a multiple of 16) at `io`, in place, with `nr` rounds of round keys
 * already loaded; the tweak at `reg` (16 bytes) is read, advanced past the last block, written back.
 */
export function xtsBlocks(dv: DataView, nr: number, reg: number, io: number, len: number, decrypt: boolean): void {
  let t0 = dv.getInt32(reg, true), t1 = dv.getInt32(reg + 4, true), t2 = dv.getInt32(reg + 8, true), t3 = dv.getInt32(reg + 12, true);
  const end = io + len;
  let p = io;
  for (; p + 32 <= end; p += 32) {
    // u = t · α, the second lane's tweak.
    let c = t3 >> 31;
    const u3 = (t3 << 1) | (t2 >>> 31), u2 = (t2 << 1) | (t1 >>> 31), u1 = (t1 << 1) | (t0 >>> 31), u0 = (t0 << 1) ^ (c & REDUCE);
    BLK[0] = dv.getInt32(p, true) ^ t0;
    BLK[1] = dv.getInt32(p + 4, true) ^ t1;
    BLK[2] = dv.getInt32(p + 8, true) ^ t2;
    BLK[3] = dv.getInt32(p + 12, true) ^ t3;
    BLK[4] = dv.getInt32(p + 16, true) ^ u0;
    BLK[5] = dv.getInt32(p + 20, true) ^ u1;
    BLK[6] = dv.getInt32(p + 24, true) ^ u2;
    BLK[7] = dv.getInt32(p + 28, true) ^ u3;
    if (decrypt) decrypt2(nr);
    else encrypt2(nr);
    dv.setInt32(p, BLK[0]! ^ t0, true);
    dv.setInt32(p + 4, BLK[1]! ^ t1, true);
    dv.setInt32(p + 8, BLK[2]! ^ t2, true);
    dv.setInt32(p + 12, BLK[3]! ^ t3, true);
    dv.setInt32(p + 16, BLK[4]! ^ u0, true);
    dv.setInt32(p + 20, BLK[5]! ^ u1, true);
    dv.setInt32(p + 24, BLK[6]! ^ u2, true);
    dv.setInt32(p + 28, BLK[7]! ^ u3, true);
    // t = u · α, the tweak of the next pair.
    c = u3 >> 31;
    t3 = (u3 << 1) | (u2 >>> 31); t2 = (u2 << 1) | (u1 >>> 31); t1 = (u1 << 1) | (u0 >>> 31); t0 = (u0 << 1) ^ (c & REDUCE);
  }
  if (p < end) {
    BLK[0] = dv.getInt32(p, true) ^ t0;
    BLK[1] = dv.getInt32(p + 4, true) ^ t1;
    BLK[2] = dv.getInt32(p + 8, true) ^ t2;
    BLK[3] = dv.getInt32(p + 12, true) ^ t3;
    if (decrypt) decrypt2(nr);
    else encrypt2(nr);
    dv.setInt32(p, BLK[0]! ^ t0, true);
    dv.setInt32(p + 4, BLK[1]! ^ t1, true);
    dv.setInt32(p + 8, BLK[2]! ^ t2, true);
    dv.setInt32(p + 12, BLK[3]! ^ t3, true);
    const c = t3 >> 31;
    t3 = (t3 << 1) | (t2 >>> 31); t2 = (t2 << 1) | (t1 >>> 31); t1 = (t1 << 1) | (t0 >>> 31); t0 = (t0 << 1) ^ (c & REDUCE);
  }
  dv.setInt32(reg, t0, true); dv.setInt32(reg + 4, t1, true); dv.setInt32(reg + 8, t2, true); dv.setInt32(reg + 12, t3, true);
  wipeScratch();
}

/**
 * Ciphertext stealing (IEEE 1619 §5.3.2 / §5.4.2) over the last full block and the r = len - 16
 * (1..15) bytes after it, at `io`, in place: encryption makes CC = E(P_(m-1)) under T_(m-1),
 * decryption PP = D(C_(m-1)) under T_m; the partial block's output is the head of that block,
 * and its tail completes the partial input, which is then processed under the other tweak. The
 * head and the partial input trade places byte by byte inside the window, so nothing is kept
 * outside it. The register ends as T_(m+1), as after whole blocks.
 */
export function xtsSteal(dv: DataView, nr: number, reg: number, io: number, len: number, decrypt: boolean): void {
  const r = len - 16;
  const a0 = dv.getInt32(reg, true), a1 = dv.getInt32(reg + 4, true), a2 = dv.getInt32(reg + 8, true), a3 = dv.getInt32(reg + 12, true);
  let c = a3 >> 31;
  const b3 = (a3 << 1) | (a2 >>> 31), b2 = (a2 << 1) | (a1 >>> 31), b1 = (a1 << 1) | (a0 >>> 31), b0 = (a0 << 1) ^ (c & REDUCE);
  // The direction is public: decryption takes T_m first, then T_(m-1).
  const f0 = decrypt ? b0 : a0, f1 = decrypt ? b1 : a1, f2 = decrypt ? b2 : a2, f3 = decrypt ? b3 : a3;
  const s0 = decrypt ? a0 : b0, s1 = decrypt ? a1 : b1, s2 = decrypt ? a2 : b2, s3 = decrypt ? a3 : b3;
  BLK[0] = dv.getInt32(io, true) ^ f0;
  BLK[1] = dv.getInt32(io + 4, true) ^ f1;
  BLK[2] = dv.getInt32(io + 8, true) ^ f2;
  BLK[3] = dv.getInt32(io + 12, true) ^ f3;
  if (decrypt) decrypt2(nr);
  else encrypt2(nr);
  dv.setInt32(io, BLK[0]! ^ f0, true);
  dv.setInt32(io + 4, BLK[1]! ^ f1, true);
  dv.setInt32(io + 8, BLK[2]! ^ f2, true);
  dv.setInt32(io + 12, BLK[3]! ^ f3, true);
  for (let j = 0; j < r; j++) {
    const head = dv.getUint8(io + j);
    dv.setUint8(io + j, dv.getUint8(io + 16 + j));
    dv.setUint8(io + 16 + j, head);
  }
  BLK[0] = dv.getInt32(io, true) ^ s0;
  BLK[1] = dv.getInt32(io + 4, true) ^ s1;
  BLK[2] = dv.getInt32(io + 8, true) ^ s2;
  BLK[3] = dv.getInt32(io + 12, true) ^ s3;
  if (decrypt) decrypt2(nr);
  else encrypt2(nr);
  dv.setInt32(io, BLK[0]! ^ s0, true);
  dv.setInt32(io + 4, BLK[1]! ^ s1, true);
  dv.setInt32(io + 8, BLK[2]! ^ s2, true);
  dv.setInt32(io + 12, BLK[3]! ^ s3, true);
  c = b3 >> 31;
  dv.setInt32(reg, (b0 << 1) ^ (c & REDUCE), true);
  dv.setInt32(reg + 4, (b1 << 1) | (b0 >>> 31), true);
  dv.setInt32(reg + 8, (b2 << 1) | (b1 >>> 31), true);
  dv.setInt32(reg + 12, (b3 << 1) | (b2 >>> 31), true);
  wipeScratch();
}
