// XTS in the pool: how a job is cut and what a worker runs on its piece. Two kinds of job:
//  - whole sectors ({ sectorSize, firstSector }): every sector is its own data unit with
//    tweak = its sector number as 16 little-endian bytes (IEEE 1619's data unit sequence
//    number, what disk images use), so a piece is whole sectors and needs only the first one's
//    number; the worker counts up from there;
//  - one data unit under one tweak, cut at block boundaries: the piece starting at block j needs
//    T_j = T_0·α^j with T_0 = E_K2(tweak). The worker makes T_0 in its state slot and multiplies
//    it there by α^j (mulAlphaPower): α^j mod the XTS polynomial is a public constant (j is a
//    position), so the product is ≤ 128 doublings of T, each XORed in or not by a bit of that
//    public constant — no branch or index on T. The last piece holds the last full block and the
//    partial block that steals from it, so ciphertext stealing happens inside one piece.
// Every byte of T stays in WASM memory (the state slot, wiped after each task).
import type { Core } from "../wasm/core.js";

/** A sector number as IEEE 1619's 16-byte little-endian tweak. */
export function sectorTweak(sector: bigint): Uint8Array {
  const t = new Uint8Array(16);
  let n = sector;
  for (let i = 0; i < 16; i++, n >>= 8n) t[i] = Number(n & 0xffn);
  return t;
}

/** Adds 1 to a 16-byte little-endian number in place (a sector number: public). */
function nextSector(t: Uint8Array): void {
  for (let i = 0; i < 16; i++) {
    t[i] = (t[i]! + 1) & 0xff;
    if (t[i] !== 0) return;
  }
}

/** a·x in place: 4 little-endian u32 words, x^128 = x^7 + x^2 + x + 1 (0x87) folded in on carry. */
function timesX(a: Uint32Array): void {
  const carry = -(a[3]! >>> 31);
  a[3] = (a[3]! << 1) | (a[2]! >>> 31);
  a[2] = (a[2]! << 1) | (a[1]! >>> 31);
  a[1] = (a[1]! << 1) | (a[0]! >>> 31);
  a[0] = (a[0]! << 1) ^ (carry & 0x87);
}

/** a·b in GF(2^128), XTS's bit order; branches on the bits of b (used for public values only). */
function times(a: Uint32Array, b: Uint32Array): Uint32Array {
  const x = a.slice();
  const r = new Uint32Array(4);
  for (let i = 0; i < 128; i++) {
    if ((b[i >>> 5]! >>> (i & 31)) & 1) for (let w = 0; w < 4; w++) r[w]! ^= x[w]!;
    timesX(x);
  }
  return r;
}

/**
 * α^j = x^j in GF(2^128) as 4 little-endian u32 words (bit i of the 128-bit value = coefficient
 * of x^i), by square and multiply; j is a block position, so all of this is public.
 */
export function alphaPower(j: number): Uint32Array {
  let result: Uint32Array = Uint32Array.of(1, 0, 0, 0);
  let base: Uint32Array = Uint32Array.of(2, 0, 0, 0); // x
  for (let e = j; e > 0; e = Math.floor(e / 2)) {
    if (e % 2 === 1) result = times(result, base);
    base = times(base, base);
  }
  return result;
}

/**
 * T ← T·α^j for the 16-byte little-endian T at mem[at..at+16), with 16 bytes of scratch at
 * `scratch` (left zeroed). Branches only on the bits of the public α^j.
 */
export function mulAlphaPower(mem: Uint8Array, at: number, scratch: number, j: number): void {
  const c = alphaPower(j);
  const dv = new DataView(mem.buffer, mem.byteOffset, mem.byteLength);
  for (let w = 0; w < 16; w += 4) dv.setUint32(scratch + w, 0, true);
  for (let i = 0; i < 128; i++) {
    if ((c[i >>> 5]! >>> (i & 31)) & 1) { // a bit of the public α^j
      for (let w = 0; w < 16; w += 4) dv.setUint32(scratch + w, dv.getUint32(scratch + w, true) ^ dv.getUint32(at + w, true), true);
    }
    // T·x: a 1-bit left shift of the 128-bit value, 0x87 folded in under a mask made from the carry.
    const w0 = dv.getUint32(at, true), w1 = dv.getUint32(at + 4, true);
    const w2 = dv.getUint32(at + 8, true), w3 = dv.getUint32(at + 12, true);
    const carry = -(w3 >>> 31);
    dv.setUint32(at + 12, ((w3 << 1) | (w2 >>> 31)) >>> 0, true);
    dv.setUint32(at + 8, ((w2 << 1) | (w1 >>> 31)) >>> 0, true);
    dv.setUint32(at + 4, ((w1 << 1) | (w0 >>> 31)) >>> 0, true);
    dv.setUint32(at, ((w0 << 1) ^ (carry & 0x87)) >>> 0, true);
  }
  mem.copyWithin(at, scratch, scratch + 16);
  mem.fill(0, scratch, scratch + 16);
}

/**
 * Runs an XTS piece in place: whole sectors of `unit` bytes (tweaks from `tweak` up), or with
 * unit 0 the blocks of one data unit from block `firstBlock` on. `k1`/`k2`: the key slots of
 * the data and tweak keys; `state` a state slot (its STATE_REG and STATE_KS are used and wiped).
 */
export function runXtsPiece(c: Core, k1: number, k2: number, state: number, view: Uint8Array,
  tweak: Uint8Array, firstBlock: number, unit: number, decrypt: boolean): void {
  try {
    if (unit === 0) {
      runUnit(c, k1, k2, state, view, tweak, firstBlock, decrypt);
      return;
    }
    const t = tweak.slice();
    for (let off = 0; off < view.length; off += unit) {
      runUnit(c, k1, k2, state, view.subarray(off, off + unit), t, 0, decrypt);
      nextSector(t);
    }
  } finally {
    c.k.wipe(state, c.layout.STATE_SLOT_SIZE);
  }
}

/** One data unit, or its blocks from `firstBlock` on, through the IO window (as XtsKey does single-threaded). */
function runUnit(c: Core, k1: number, k2: number, state: number, part: Uint8Array,
  tweak: Uint8Array, firstBlock: number, decrypt: boolean): void {
  const { io, ioSize, k } = c;
  const reg = state + c.layout.STATE_REG;
  c.mem.set(tweak, reg);
  k.encryptOne(k2, reg, reg); // T_0 = E_K2(i)
  if (firstBlock > 0) mulAlphaPower(c.mem, reg, state + c.layout.STATE_KS, firstBlock);
  const len = part.length;
  const r = len % 16; // non-zero only in a piece that ends its data unit
  for (let off = 0; off < len;) {
    const rest = len - off;
    let n = rest <= ioSize ? rest : ioSize;
    // The last full block stays in one chunk with the partial block that steals from it.
    if (n < rest && rest - n < 16) n -= 16;
    const mem = c.mem;
    mem.set(part.subarray(off, off + n), io);
    const tail = n === rest && r !== 0 ? 16 + r : 0;
    const whole = n - tail;
    if (decrypt) k.xtsDecrypt(k1, state, io, whole);
    else k.xtsEncrypt(k1, state, io, whole);
    if (tail !== 0) {
      if (decrypt) k.xtsDecryptLast(k1, state, io + whole, tail);
      else k.xtsEncryptLast(k1, state, io + whole, tail);
    }
    part.set(mem.subarray(io, io + n), off);
    off += n;
  }
}
