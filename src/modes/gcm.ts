// GCM (NIST SP 800-38D): CTR encryption with inc32 plus a GHASH tag over AAD and ciphertext.
// Safety: authenticated. A (key, IV) pair must never encrypt twice — that reveals the XOR of
// plaintexts and lets an attacker forge tags; use 96-bit IVs from a counter or NonceSource,
// or random ones for well under 2^32 messages per key. One-shot decrypt() checks the tag
// before making any plaintext; the streaming decryptor releases unauthenticated plaintext
// from update() (as node:crypto does), and only final() says whether it was genuine.
//
// Data path per chunk, through the core's IO window: the bytes of an unfinished GHASH block
// (kept in the GCM slot's scratch block) are put in front of the chunk, so the CTR kernel
// and the GHASH kernel each run once over the chunk and no partial block crosses a call.
import type { CheckedLiteral } from "../checked-literal.js";
import { asBytes, byteLengthOf, copyBytesInto, outputFor, unaliased } from "../bytes.js";
import { counterMask } from "../counter.js";
import { DataLengthError, DecryptionError, IvLengthError, IvReuseError, show, StateError } from "../errors.js";
import { TagLengthError } from "../aead-errors.js";
import type { Tracked } from "../lifetime.js";
import { GCM_ACC, GCM_BLOCK } from "../wasm/abi.js";
import type { AesKey } from "../key.js";
import { AesKeyBase } from "../key-base.js";
import type { Core } from "../wasm/core.js";
import { readOptions, opaque } from "./guard.js";
import { equalConstantTime } from "../equal.js";

/** Most plaintext one (key, IV) may encrypt: 2^39 − 256 bits (SP 800-38D §5.2.1.1). */
export const GCM_MAX_DATA_BYTES = 2 ** 36 - 32;
/** Tag lengths in bytes allowed without opt-in. */
export const GCM_TAG_LENGTHS: readonly number[] = [16, 15, 14, 13, 12];
/** Tag lengths that need `allowShortTags` (SP 800-38D Appendix C limits their use). */
export const GCM_SHORT_TAG_LENGTHS: readonly number[] = [8, 4];

/** A GCM tag length in bytes (4 and 8 need allowShortTags). A literal like 128 (bits) does not compile. */
export type GcmTagLength = 16 | 15 | 14 | 13 | 12 | 8 | 4;

export interface GcmOptions<T extends number = number> {
  /** Additional authenticated data: integrity-protected, not encrypted. Default empty. */
  aad?: Uint8Array;
  /** Tag length in bytes: 16 (default), 15, 14, 13, 12; or 8, 4 with allowShortTags. */
  tagLength?: CheckedLiteral<T, number, GcmTagLength>;
  /** Permits 8- and 4-byte tags (only for short messages and few forgery attempts; see SP 800-38D Appendix C). */
  allowShortTags?: boolean;
}

export function checkTagLength(tagLength: unknown, allowShortTags = false): number {
  if (GCM_TAG_LENGTHS.includes(tagLength as number)) return tagLength as number;
  if (GCM_SHORT_TAG_LENGTHS.includes(tagLength as number)) {
    if (allowShortTags) return tagLength as number;
    throw new TagLengthError(`a ${show(tagLength)}-byte GCM tag needs allowShortTags: true (SP 800-38D Appendix C)`);
  }
  throw new TagLengthError(`GCM tag length must be 16, 15, 14, 13 or 12 bytes (8 or 4 with allowShortTags), got ${show(tagLength)}`);
}

export function checkGcmIv(iv: unknown): Uint8Array {
  const n = byteLengthOf(iv, "iv");
  if (n === 0) throw new IvLengthError("GCM IV must be at least 1 byte (12 is standard)");
  const copy = new Uint8Array(n); // a copy (Buffer.slice would be a view), made once
  copyBytesInto(iv, copy, 0, "iv");
  return copy;
}

/**
 * The GCM computation for one message: owns a GCM slot (GHASH table and accumulator) and a
 * CTR state slot, both wiped at finish(). AAD first, then data, then tag().
 */
class GcmEngine {
  private readonly gcm: number;
  private readonly gcmLease: Tracked;
  private readonly state: number;
  private readonly lease: Tracked;
  private readonly ek0 = new Uint8Array(16); // E_K(J0), masks the tag
  private pend = 0; // bytes of the unfinished GHASH block at gcm + GCM_BLOCK
  private inData = false;
  private tagged = false;
  aadBytes = 0;
  dataBytes = 0;
  finished = false;

  constructor(private readonly key: AesKey, iv: Uint8Array) {
    const slot = key.slot; // DisposedError
    const core = key.core;
    // Both slots are lent through the key: wiped and freed at finish(), by key.dispose(), or
    // when this engine is collected unfinished.
    this.gcmLease = key.adoptSlot(this, core.allocGcmSlot(), core.gcmSlotSize);
    this.gcm = this.gcmLease.ptr;
    this.lease = key.acquireState(this);
    this.state = this.lease.ptr;
    const { io, k } = core;
    const mem = core.mem;
    // H = E_K(0^128) (§6.4), expanded into the slot's table, then wiped from the IO window.
    mem.fill(0, io, io + 16);
    k.encryptOne(slot, io, io);
    k.ghashSetup(this.gcm, io);
    mem.fill(0, io, io + 16);
    // J0 (§7.1 step 2): IV || 0^31 || 1 for 96-bit IVs, else GHASH(IV || 0^(s+64) || [len(IV)]_64).
    const j0 = new Uint8Array(16);
    if (iv.length === 12) {
      j0.set(iv);
      j0[15] = 1;
    } else {
      this.absorb(iv);
      this.closeBlock();
      this.lengthBlock(0, iv.length);
      j0.set(core.mem.subarray(this.gcm + GCM_ACC, this.gcm + GCM_ACC + 16));
      core.mem.fill(0, this.gcm + GCM_ACC, this.gcm + GCM_ACC + 16);
    }
    mem.set(j0, io);
    k.encryptOne(slot, io, io);
    this.ek0.set(core.mem.subarray(io, io + 16));
    core.mem.fill(0, io, io + 16);
    // The first data block uses inc32(J0); the CTR kernel with a 32-bit mask is inc32 (§6.2).
    const c = (((j0[12]! << 24) | (j0[13]! << 16) | (j0[14]! << 8) | j0[15]!) + 1) >>> 0;
    j0[12] = c >>> 24; j0[13] = (c >>> 16) & 0xff; j0[14] = (c >>> 8) & 0xff; j0[15] = c & 0xff;
    const { STATE_REG, STATE_CTR_MASK } = core.layout;
    core.mem.set(j0, this.state + STATE_REG);
    core.mem.set(counterMask(32), this.state + STATE_CTR_MASK);
    j0.fill(0);
  }

  private assertOpen(): void {
    if (this.finished) throw new StateError("GCM stream already finished: final() was called");
    this.key.slot; // DisposedError if the key is gone
  }

  /** Adds AAD; only before any data. */
  aad(data: Uint8Array): void {
    this.assertOpen();
    if (this.inData || this.tagged) throw new StateError("GCM AAD must be given before any data");
    this.absorb(data);
    this.aadBytes += data.length;
  }

  /**
   * Runs `src` through CTR into `dst` (same length), hashing the ciphertext: after encryption
   * when encrypting, before decryption when decrypting. `hash`/`crypt` false skip one half
   * (the two passes of one-shot decryption). `src` must follow the output rule (unaliased) for
   * `dst`. The window is wiped before this returns: no plaintext or keystream stays in it.
   */
  data(src: Uint8Array, dst: Uint8Array | null, encrypt: boolean, hash = true, crypt = true): void {
    this.assertOpen();
    if (hash) {
      if (this.tagged) throw new StateError("GCM tag already computed");
      if (this.dataBytes + src.length > GCM_MAX_DATA_BYTES) {
        throw new DataLengthError(`GCM encrypts at most 2^39 - 256 bits (${GCM_MAX_DATA_BYTES} bytes) per IV`);
      }
      if (!this.inData) {
        this.closeBlock();
        this.inData = true;
      }
      this.dataBytes += src.length;
    }
    const core = this.key.core;
    const { io, k } = core;
    const key = this.key.slot;
    // A whole number of 8-block groups per chunk (65,408 bytes), so the CTR kernel runs every
    // chunk but the last bitsliced, and the pending GHASH bytes (< 16) still fit in front.
    const room = core.ioSize - 128;
    const acc = this.gcm + GCM_ACC;
    const blk = this.gcm + GCM_BLOCK;
    let used = 0;
    try {
      for (let off = 0; off < src.length; off += room) {
        const n = Math.min(room, src.length - off);
        const mem = core.mem;
        const pend = hash ? this.pend : 0;
        const at = io + pend;
        mem.copyWithin(io, blk, blk + pend);
        mem.set(src.subarray(off, off + n), at);
        const total = pend + n;
        const whole = total - (total % 16);
        if (hash && !encrypt) {
          k.ghash(this.gcm, acc, io, whole);
          mem.copyWithin(blk, io + whole, io + total);
        }
        if (crypt) k.ctr(key, this.state, at, n);
        if (hash && encrypt) {
          k.ghash(this.gcm, acc, io, whole);
          mem.copyWithin(blk, io + whole, io + total);
        }
        if (dst) dst.set(mem.subarray(at, at + n), off);
        if (hash) this.pend = total - whole;
        used = Math.max(used, total);
      }
    } finally {
      if (used > 0) k.wipe(io, used);
    }
  }

  /** The full 16-byte tag (§7.1 steps 5–6); no more AAD or data may be hashed after it. */
  tag(): Uint8Array {
    this.assertOpen();
    if (this.tagged) throw new StateError("GCM tag already computed");
    this.tagged = true;
    this.closeBlock();
    this.lengthBlock(this.aadBytes, this.dataBytes);
    const core = this.key.core;
    const acc = this.gcm + GCM_ACC;
    const t = core.mem.slice(acc, acc + 16);
    for (let i = 0; i < 16; i++) t[i]! ^= this.ek0[i]!;
    return t;
  }

  /** Wipes and frees both slots. Idempotent. */
  finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.ek0.fill(0);
    this.key.releaseState(this.lease);
    this.key.releaseState(this.gcmLease);
  }

  /** Hashes bytes as a continuous string (whole blocks now, a partial block kept for later). */
  private absorb(src: Uint8Array): void {
    const core = this.key.core;
    const { io, k } = core;
    const room = core.ioSize - 16;
    const blk = this.gcm + GCM_BLOCK;
    let used = 0;
    try {
      for (let off = 0; off < src.length; off += room) {
        const n = Math.min(room, src.length - off);
        const mem = core.mem;
        mem.copyWithin(io, blk, blk + this.pend);
        mem.set(src.subarray(off, off + n), io + this.pend);
        const total = this.pend + n;
        const whole = total - (total % 16);
        k.ghash(this.gcm, this.gcm + GCM_ACC, io, whole);
        mem.copyWithin(blk, io + whole, io + total);
        this.pend = total - whole;
        used = Math.max(used, total);
      }
    } finally {
      if (used > 0) k.wipe(io, used);
    }
  }

  /** Pads an unfinished block with zeros and hashes it. */
  private closeBlock(): void {
    if (this.pend === 0) return;
    const core = this.key.core;
    const blk = this.gcm + GCM_BLOCK;
    core.mem.fill(0, blk + this.pend, blk + 16);
    core.k.ghash(this.gcm, this.gcm + GCM_ACC, blk, 16);
    this.pend = 0;
  }

  /** Hashes [a bits]_64 || [b bits]_64, from byte counts below 2^53. */
  private lengthBlock(aBytes: number, bBytes: number): void {
    const core = this.key.core;
    const blk = this.gcm + GCM_BLOCK;
    const view = new DataView(core.mem.buffer, core.mem.byteOffset);
    view.setUint32(blk, Math.floor(aBytes / 2 ** 29));
    view.setUint32(blk + 4, (aBytes % 2 ** 29) * 8);
    view.setUint32(blk + 8, Math.floor(bBytes / 2 ** 29));
    view.setUint32(blk + 12, (bBytes % 2 ** 29) * 8);
    core.k.ghash(this.gcm, this.gcm + GCM_ACC, blk, 16);
    core.mem.fill(0, blk, blk + 16);
  }
}

// ---- The short path: one-shot GCM with a 96-bit IV and at most 4 KiB of data and of AAD ----
//
// key.gcm(iv).encrypt()/decrypt() and the envelope's seal()/open() take it: a GcmEngine spends
// more on fixed costs (two leases, H and E_K(J0) as separate block encryptions, a CTR call,
// GHASH tables built per message) than a 64-byte message costs. Up to FUSED_MAX_BYTES (96) of data
// (and any AAD up to 4 KiB) on a core that has them, one kernel call does it all
// (assembly/gcm-short.ts: E_K(J0) and the keystream only in registers); otherwise (longer
// messages, the reference core) one ECB call encrypts J0 (→ the tag mask) and the counter blocks
// inc32(J0), inc32²(J0), … (→ the keystream) together, and one GHASH call hashes
// AAD ‖ C ‖ lengths, laid out in the IO window with their padding.
//
// GHASH tables: building H … H^8's tables costs about what the rest of a 64-byte message does,
// so the last key that took this path keeps its GCM slot (one per core): lent through the key
// (key.adoptSlot), it is wiped and freed by key.dispose(), or when another key takes its place;
// until then it holds that key's block in WASM memory (pinned) and the key object itself.
// Between calls the slot holds H in table form — no more than the round keys beside it hold —
// and nothing secret from a message: the accumulator is wiped after every call, and what the
// GHASH kernel leaves in its scratch is made from H and the blocks hashed (AAD, ciphertext and
// lengths: never plaintext).
//
// Constant time: every branch and index depends on lengths only; the tag is compared with an OR
// of XORs over all its bytes (in the kernel: a masked vector compare whose result selects
// plaintext or ciphertext). Every input byte (plaintext, AAD, nonce, sealed bytes) is copied
// into the window before any output byte is written, so an output may overlap any input.
// Decryption writes plaintext only to `out`, only after the tag has matched; the window
// (keystream, plaintext, E_K(J0)) is wiped before every return.
//
// The IO window during a call, for n data bytes and `a` AAD bytes (two-call path; the one-call
// kernels' window is drawn in assembly/gcm-short.ts):
//   io + 0        E_K(J0), the tag mask
//   io + 16       keystream, pad16(n) bytes
//   hashAt        AAD ‖ 0* ‖ C ‖ 0* ‖ [8a]_64 ‖ [8n]_64     (hashAt = io + 16 + pad16(n))

/** @internal Most data bytes, and most AAD bytes, the short path takes (longer messages go through GcmEngine). */
export const GCM_SHORT_MAX_BYTES = 4096;

const pad16 = (n: number): number => (n + 15) & ~15;

/** The GCM slot with one key's GHASH tables, per core. */
class TableSlot {
  key: AesKey | undefined;
  lease: Tracked | undefined;
}
const tableSlots = new WeakMap<Core, TableSlot>();
/** @internal Tests only: whose tables `core`'s cached GCM slot holds, and where (undefined: none live). */
export function gcmTablesForTest(core: Core): { key: AesKey; ptr: number; size: number } | undefined {
  const t = tableSlots.get(core);
  return t?.key !== undefined && t.lease?.live === true ? { key: t.key, ptr: t.lease.ptr, size: t.lease.size } : undefined;
}
let lastCore: Core | undefined;
let lastTables: TableSlot | undefined;

/** A GCM slot holding `key`'s GHASH tables (made now if the cached one is another key's). */
function tablesFor(key: AesKey, core: Core, slot: number): number {
  let cached = core === lastCore ? lastTables : tableSlots.get(core);
  if (cached === undefined) tableSlots.set(core, (cached = new TableSlot()));
  lastCore = core;
  lastTables = cached;
  const held = cached.lease;
  if (cached.key === key && held !== undefined && held.live) return held.ptr;
  if (held !== undefined) cached.key!.releaseState(held); // wiped, freed, that key unpinned (a no-op if it was disposed)
  cached.key = undefined;
  cached.lease = undefined;
  const lease = key.adoptSlot(cached, core.allocGcmSlot(), core.gcmSlotSize); // memory may grow
  const { io, k } = core;
  const mem = core.mem;
  for (let i = 0; i < 16; i++) mem[io + i] = 0;
  k.encryptOne(slot, io, io); // H = E_K(0^128) (§6.4)
  k.ghashSetup(lease.ptr, io);
  k.wipe(io, 16);
  cached.key = key;
  cached.lease = lease;
  return lease.ptr;
}

let viewMem: Uint8Array | undefined;
let view: DataView | undefined;
let words: Int32Array | undefined;

/** A DataView of the core's memory (remade when memory has grown, or for the other core). */
function viewOf(mem: Uint8Array): DataView {
  if (mem !== viewMem) {
    viewMem = mem;
    view = new DataView(mem.buffer, mem.byteOffset, mem.byteLength);
    words = new Int32Array(mem.buffer, mem.byteOffset, mem.byteLength >> 2);
  }
  return view!;
}

/** The same memory as 32-bit words in the platform's byte order (for XOR only). */
function wordsOf(mem: Uint8Array): Int32Array {
  viewOf(mem);
  return words!;
}

/** Bytes of the window a message uses (all of it is wiped afterwards). */
const windowBytes = (n: number, a: number): number => 16 + 2 * pad16(n) + pad16(a) + 16;

/**
 * Lays out a message in the window: E_K(J0) and the keystream (one ECB call), AAD and its
 * padding, C's padding and the lengths block; returns where C goes. The caller puts C there.
 */
/** AAD = aad1[0..aad1Length) ‖ aad2, into `mem` at `at` (a short one byte by byte: cheaper than a set() call). */
function copyAad(mem: Uint8Array, at: number, aad1: Uint8Array, aad1Length: number, aad2: Uint8Array): void {
  for (let i = 0; i < aad1Length; i++) mem[at + i] = aad1[i]!;
  const o = at + aad1Length;
  const n2 = aad2.length;
  if (n2 <= 64) for (let i = 0; i < n2; i++) mem[o + i] = aad2[i]!;
  else mem.set(aad2, o);
}

function layOut(core: Core, slot: number, nonce: Uint8Array, nonceAt: number, n: number,
  aad1: Uint8Array, aad1Length: number, aad2: Uint8Array): number {
  const { io, k } = core;
  const mem = core.mem;
  const dv = viewOf(mem);
  const ks = pad16(n);
  const blocks = 1 + ks / 16;
  // nonce ‖ [b]_32 for b = 1 (J0), 2, 3, … — at most 257 blocks: no wrap.
  const w0 = (nonce[nonceAt]! << 24) | (nonce[nonceAt + 1]! << 16) | (nonce[nonceAt + 2]! << 8) | nonce[nonceAt + 3]!;
  const w1 = (nonce[nonceAt + 4]! << 24) | (nonce[nonceAt + 5]! << 16) | (nonce[nonceAt + 6]! << 8) | nonce[nonceAt + 7]!;
  const w2 = (nonce[nonceAt + 8]! << 24) | (nonce[nonceAt + 9]! << 16) | (nonce[nonceAt + 10]! << 8) | nonce[nonceAt + 11]!;
  for (let b = 0; b < blocks; b++) {
    const at = io + 16 * b;
    dv.setInt32(at, w0);
    dv.setInt32(at + 4, w1);
    dv.setInt32(at + 8, w2);
    dv.setInt32(at + 12, b + 1);
  }
  k.ecbEncrypt(slot, io, 16 * blocks);
  const a = aad1Length + aad2.length;
  const hashAt = io + 16 + ks;
  const ctAt = hashAt + pad16(a);
  copyAad(mem, hashAt, aad1, aad1Length, aad2);
  for (let i = hashAt + a; i < ctAt; i++) mem[i] = 0;
  for (let i = ctAt + n; i < ctAt + ks; i++) mem[i] = 0;
  const lenAt = ctAt + ks;
  dv.setUint32(lenAt, 0); // bit lengths < 2^32 here
  dv.setUint32(lenAt + 4, a * 8);
  dv.setUint32(lenAt + 8, 0);
  dv.setUint32(lenAt + 12, n * 8);
  return ctAt;
}

/** Hashes the laid-out window into the slot's accumulator (zeroed first). */
function hashWindow(core: Core, gcm: number, n: number, a: number): void {
  const hashAt = core.io + 16 + pad16(n);
  const dv = viewOf(core.mem);
  const acc = gcm + GCM_ACC;
  dv.setInt32(acc, 0); dv.setInt32(acc + 4, 0); dv.setInt32(acc + 8, 0); dv.setInt32(acc + 12, 0);
  core.k.ghash(gcm, acc, hashAt, pad16(a) + pad16(n) + 16);
}

/** Wipes the window and the slot's accumulator (the tables stay; this path never uses GCM_BLOCK). */
function wipeAfter(core: Core, gcm: number, n: number, a: number): void {
  core.k.wipe(core.io, windowBytes(n, a));
  if (gcm < 0) return;
  const dv = viewOf(core.mem);
  const acc = gcm + GCM_ACC;
  dv.setInt32(acc, 0); dv.setInt32(acc + 4, 0); dv.setInt32(acc + 8, 0); dv.setInt32(acc + 12, 0);
}

/**
 * Most data bytes the one-call kernels take: E_K(J0) and 6 blocks, two at a time through the
 * vperm rounds. Measured against the two-call path (whose ECB call is one bitsliced group from 6
 * blocks on): 80 bytes 1.3 vs 1.6 µs, 96 bytes 1.46 vs 1.57, 112 even, 128 behind.
 */
const FUSED_MAX_BYTES = 96;

/** Bytes of the window the one-call kernels use (all of it is wiped afterwards). */
const fusedWindowBytes = (n: number, a: number): number => 16 + pad16(a) + pad16(n) + 16;

/**
 * Lays out the one-call kernels' window (assembly/gcm-short.ts): the IV at io, the AAD at
 * io + 16; returns where the data goes (io + 16 + pad16(a)). The kernel writes the padding.
 */
function layOutFused(mem: Uint8Array, io: number, nonce: Uint8Array, nonceAt: number,
  aad1: Uint8Array, aad1Length: number, aad2: Uint8Array): number {
  for (let i = 0; i < 12; i++) mem[io + i] = nonce[nonceAt + i]!;
  const at = io + 16;
  copyAad(mem, at, aad1, aad1Length, aad2);
  return at + pad16(aad1Length + aad2.length);
}

/**
 * @internal GCM-encrypts the `n` bytes of `pt` (any ArrayBufferView whose byteLengthOf is n, ≤
 * GCM_SHORT_MAX_BYTES; read once, straight into the window) under the 12-byte IV at
 * nonce[nonceAt..] with AAD = aad1[0..aad1Length) ‖ aad2 (≤ GCM_SHORT_MAX_BYTES in all).
 * Returns aad1[0..prefixLength) ‖ C ‖ the first `tagLength` bytes of the tag (the envelope's
 * header is the start of its AAD), written to `out` (exactly that long; it may overlap any
 * input) or, without `out`, as a new array. prefixLength ≤ aad1Length.
 */
export function gcmSealShort(key: AesKey, nonce: Uint8Array, nonceAt: number, aad1: Uint8Array, aad1Length: number,
  aad2: Uint8Array, pt: ArrayBufferView, n: number, prefixLength: number, out: Uint8Array | undefined, tagLength: number): Uint8Array {
  const slot = key.slot; // DisposedError; may load an evicted key (memory can grow here)
  const core = key.core;
  const a = aad1Length + aad2.length;
  const p = prefixLength;
  if (p > aad1Length) throw new RangeError("gcmSealShort: the prefix is the start of aad1");
  const fused = core.k.gcmShortSeal;
  if (n > FUSED_MAX_BYTES || fused === undefined) return sealTwoCalls(key, core, slot, nonce, nonceAt, aad1, aad1Length, aad2, pt, n, p, out, tagLength);
  let gcm = -1;
  try {
    gcm = tablesFor(key, core, slot); // memory may grow: `mem` after this
    const mem = core.mem;
    const io = core.io;
    const ct = layOutFused(mem, io, nonce, nonceAt, aad1, aad1Length, aad2);
    copyBytesInto(pt, mem, ct); // every input is in the window before `out` is written
    fused(slot, gcm, io, n, a, p); // C in place, the tag after it, the prefix before it
    const start = ct - p;
    const end = ct + n + tagLength;
    // A new array by slice(), which costs less than allocating and filling one.
    if (out === undefined) return mem.slice(start, end);
    out.set(mem.subarray(start, end));
    return out;
  } finally {
    core.k.wipe(core.io, fusedWindowBytes(n, a)); // the kernel left the slot's accumulator zero
  }
}

/** gcmSealShort for messages the one-call kernel does not take: one ECB call, one GHASH call. */
function sealTwoCalls(key: AesKey, core: Core, slot: number, nonce: Uint8Array, nonceAt: number, aad1: Uint8Array,
  aad1Length: number, aad2: Uint8Array, pt: ArrayBufferView, n: number, p: number, out: Uint8Array | undefined,
  tagLength: number): Uint8Array {
  const a = aad1Length + aad2.length;
  let gcm = -1;
  try {
    gcm = tablesFor(key, core, slot);
    const ctAt = layOut(core, slot, nonce, nonceAt, n, aad1, aad1Length, aad2);
    const mem = core.mem;
    copyBytesInto(pt, mem, ctAt); // every input is in the window before `out` is written
    // C = P xor keystream in place, a word at a time (both are 16-byte aligned; XOR does not
    // care about byte order), the last n % 4 bytes alone: C's zero padding must stay zero.
    const ks = core.io + 16;
    const words = wordsOf(mem);
    const whole = n >> 2;
    for (let i = 0, c = ctAt >> 2, k = ks >> 2; i < whole; i++) words[c + i]! ^= words[k + i]!;
    for (let i = whole << 2; i < n; i++) mem[ctAt + i]! ^= mem[ks + i]!;
    hashWindow(core, gcm, n, a);
    // Hashed: the tag goes right after C (over its padding and the lengths), then the prefix
    // right before it (over the AAD, and E_K(J0) once the tag has used it), so the result leaves
    // the window in one copy — a new array by slice(), which costs less than allocating and
    // filling one.
    const acc = gcm + GCM_ACC;
    const io = core.io;
    const tagAt = ctAt + n;
    for (let i = 0; i < tagLength; i++) mem[tagAt + i] = mem[acc + i]! ^ mem[io + i]!;
    const start = ctAt - p;
    for (let i = 0; i < p; i++) mem[start + i] = aad1[i]!;
    if (out === undefined) return mem.slice(start, tagAt + tagLength);
    out.set(mem.subarray(start, tagAt + tagLength));
    return out;
  } finally {
    wipeAfter(core, gcm, n, a);
  }
}

/**
 * @internal Checks and decrypts C ‖ tag (sealed[from..], at least `tagLength` bytes; n = sealed.length −
 * from − tagLength) into out[outAt ..] if the first `tagLength` bytes of the tag match;
 * otherwise DecryptionError and `out` is not written. `out` may overlap any input.
 */
export function gcmOpenShort(key: AesKey, nonce: Uint8Array, nonceAt: number, aad1: Uint8Array, aad1Length: number,
  aad2: Uint8Array, sealed: Uint8Array, from: number, tagLength: number, out: Uint8Array, outAt: number): void {
  const slot = key.slot;
  const core = key.core;
  const n = sealed.length - from - tagLength;
  const a = aad1Length + aad2.length;
  const fused = core.k.gcmShortOpen;
  if (n > FUSED_MAX_BYTES || fused === undefined) {
    openTwoCalls(key, core, slot, nonce, nonceAt, aad1, aad1Length, aad2, sealed, from, tagLength, out, outAt);
    return;
  }
  let gcm = -1;
  try {
    gcm = tablesFor(key, core, slot);
    const mem = core.mem;
    const io = core.io;
    const ct = layOutFused(mem, io, nonce, nonceAt, aad1, aad1Length, aad2);
    for (let i = 0, m = n + tagLength; i < m; i++) mem[ct + i] = sealed[from + i]!; // C ‖ tag
    if (fused(slot, gcm, io, n, a, tagLength) !== 1) throw new DecryptionError(); // the window still holds C only
    for (let i = 0; i < n; i++) out[outAt + i] = mem[ct + i]!;
  } finally {
    core.k.wipe(core.io, fusedWindowBytes(n, a));
  }
}

/** gcmOpenShort for messages the one-call kernel does not take. */
function openTwoCalls(key: AesKey, core: Core, slot: number, nonce: Uint8Array, nonceAt: number, aad1: Uint8Array,
  aad1Length: number, aad2: Uint8Array, sealed: Uint8Array, from: number, tagLength: number, out: Uint8Array, outAt: number): void {
  const n = sealed.length - from - tagLength;
  const a = aad1Length + aad2.length;
  let gcm = -1;
  try {
    gcm = tablesFor(key, core, slot);
    const ctAt = layOut(core, slot, nonce, nonceAt, n, aad1, aad1Length, aad2);
    const mem = core.mem;
    // A byte loop for a few dozen bytes costs less than the subarray set() needs.
    if (n <= 64) for (let i = 0; i < n; i++) mem[ctAt + i] = sealed[from + i]!;
    else mem.set(sealed.subarray(from, from + n), ctAt);
    hashWindow(core, gcm, n, a);
    const acc = gcm + GCM_ACC;
    const io = core.io;
    const tagAt = from + n;
    let diff = 0;
    for (let i = 0; i < tagLength; i++) diff |= mem[acc + i]! ^ mem[io + i]! ^ sealed[tagAt + i]!;
    if (diff !== 0) throw new DecryptionError();
    const ks = io + 16;
    for (let i = 0; i < n; i++) out[outAt + i] = mem[ctAt + i]! ^ mem[ks + i]!;
  } finally {
    wipeAfter(core, gcm, n, a);
  }
}

/** Streaming GCM encryption: setAAD()* → update()* → final() → tag. */
export class GcmEncryptor {
  readonly #engine: GcmEngine;
  #tag: Uint8Array | undefined;

  /** @internal Made by GcmMode.encryptor() and the createCipheriv facade. */
  constructor(key: AesKey, iv: Uint8Array, readonly tagLength: number, aad?: Uint8Array) {
    this.#engine = new GcmEngine(key, iv);
    if (aad) this.setAAD(aad);
  }

  /** Adds AAD (any number of calls, all before the first update()). */
  setAAD(aad: Uint8Array): this {
    this.#engine.aad(asBytes(aad, "aad"));
    return this;
  }

  update(data: Uint8Array, output?: Uint8Array): Uint8Array {
    const src = asBytes(data);
    if (output === undefined) {
      const fresh = outputFor(undefined, src.length);
      this.#engine.data(src, fresh, true);
      return fresh;
    }
    const out = outputFor(output, src.length);
    this.#engine.data(unaliased(src, out), out, true);
    return out;
  }

  /** Ends encryption (GCM has no output left) and computes the tag. */
  final(output?: Uint8Array): Uint8Array {
    const out = outputFor(output, 0);
    const full = this.#engine.tag();
    this.#engine.finish();
    this.#tag = full.slice(0, this.tagLength);
    full.fill(0);
    return out;
  }

  /** The authentication tag, `tagLength` bytes; available after final(). */
  get tag(): Uint8Array {
    if (!this.#tag) throw new StateError("the GCM tag is available after final()");
    return this.#tag.slice();
  }

  /** @internal one-shot encryption: ciphertext || tag into one buffer. */
  oneShot(data: Uint8Array, output?: Uint8Array): Uint8Array {
    const src = asBytes(data);
    try {
      const out = outputFor(output, src.length + this.tagLength);
      this.update(src, out.subarray(0, src.length));
      this.final();
      out.set(this.#tag!, src.length);
      return out;
    } finally {
      this.#engine.finish();
    }
  }
}

/**
 * Streaming GCM decryption. **update() returns plaintext that is not yet authenticated**:
 * do not act on it (parse, display, store as trusted) before final() has returned; final()
 * throws DecryptionError if the tag does not match. Prefer GcmMode.decrypt(), which releases
 * nothing unless the tag matches.
 */
export class GcmUnverifiedDecryptor {
  readonly #engine: GcmEngine;
  #expected: Uint8Array | undefined;

  /** @internal Made by GcmMode.unverifiedDecryptor() and the createDecipheriv facade. */
  constructor(key: AesKey, iv: Uint8Array, readonly tagLength: number | undefined,
    private readonly allowShortTags: boolean, aad?: Uint8Array, tag?: Uint8Array) {
    this.#engine = new GcmEngine(key, iv);
    if (aad) this.setAAD(aad);
    if (tag) this.setAuthTag(tag);
  }

  setAAD(aad: Uint8Array): this {
    this.#engine.aad(asBytes(aad, "aad"));
    return this;
  }

  /**
   * The expected tag, any time before final(). Its length must be `tagLength` if one was
   * given, else any allowed length.
   */
  setAuthTag(tag: Uint8Array): this {
    const t = asBytes(tag, "tag");
    if (this.#engine.finished) throw new StateError("GCM stream already finished: final() was called");
    if (this.tagLength !== undefined && t.length !== this.tagLength) {
      throw new TagLengthError(`tag must be ${this.tagLength} bytes, got ${t.length}`);
    }
    checkTagLength(t.length, this.allowShortTags);
    this.#expected = new Uint8Array(t);
    return this;
  }

  /** Decrypts a chunk. The bytes returned are UNAUTHENTICATED until final() returns. */
  update(data: Uint8Array, output?: Uint8Array): Uint8Array {
    const src = asBytes(data);
    const out = outputFor(output, src.length);
    this.#engine.data(output === undefined ? src : unaliased(src, out), out, false);
    return out;
  }

  /** Checks the tag: returns nothing (GCM has no output left) or throws DecryptionError. */
  final(output?: Uint8Array): Uint8Array {
    if (this.#engine.finished) throw new StateError("GCM stream already finished: final() was called");
    if (!this.#expected) {
      this.#engine.finish();
      throw new StateError("setAuthTag() must be called before final()");
    }
    let full: Uint8Array;
    try {
      full = this.#engine.tag();
    } finally {
      this.#engine.finish();
    }
    const ok = equalConstantTime(full.subarray(0, this.#expected.length), this.#expected);
    full.fill(0);
    if (!ok) throw new DecryptionError();
    return outputFor(output, 0);
  }

  /** @internal one-shot decryption of ciphertext || tag: verify first, then decrypt. */
  oneShot(data: Uint8Array, output?: Uint8Array): Uint8Array {
    const src = asBytes(data);
    const tagLength = this.tagLength!;
    try {
      if (src.length < tagLength) throw new DecryptionError();
      const body = src.subarray(0, src.length - tagLength);
      const out = outputFor(output, body.length); // checked first; written only after the tag matched
      // Pass 1 hashes the ciphertext only; no plaintext exists until the tag has matched.
      this.#engine.data(body, null, false, true, false);
      const full = this.#engine.tag();
      const ok = equalConstantTime(full.subarray(0, tagLength), src.subarray(body.length));
      full.fill(0);
      if (!ok) throw new DecryptionError();
      // Pass 2: the CTR state is still at inc32(J0), untouched by pass 1.
      this.#engine.data(output === undefined ? body : unaliased(body, out), out, false, false, true);
      return out;
    } finally {
      this.#engine.finish();
    }
  }
}

const EMPTY = new Uint8Array(0);
const NO_OPTIONS: Partial<GcmOptions> = Object.freeze(Object.create(null) as Partial<GcmOptions>);

/**
 * A GCM mode object: one key, one IV. encrypt() runs once (a second encryption under the
 * same IV is refused); decrypt() any number of times.
 */
export class GcmMode {
  readonly iv: Uint8Array;
  readonly tagLength: number;
  readonly #aad: Uint8Array | undefined;
  readonly #allowShortTags: boolean;
  #encrypted = false;

  constructor(readonly key: AesKey, iv: Uint8Array, options?: GcmOptions) {
    AesKeyBase.check(key);
    const o = options === undefined ? NO_OPTIONS : readOptions(options, ["aad", "tagLength", "allowShortTags"], "GCM options");
    this.iv = checkGcmIv(iv);
    this.#allowShortTags = o.allowShortTags === true;
    this.tagLength = checkTagLength(o.tagLength ?? 16, this.#allowShortTags);
    this.#aad = o.aad === undefined ? undefined : new Uint8Array(asBytes(o.aad, "aad"));
    key.slot; // DisposedError early
  }

  /** Encrypts a whole message: returns ciphertext || tag (`tagLength` bytes). */
  encrypt(data: Uint8Array, output?: Uint8Array): Uint8Array {
    const n = byteLengthOf(data); // the short path reads `data` once, into the IO window: no copy here
    const aad = this.#aad ?? EMPTY;
    if (this.iv.length === 12 && n <= GCM_SHORT_MAX_BYTES && aad.length <= GCM_SHORT_MAX_BYTES) {
      if (this.#encrypted) throw new IvReuseError();
      const out = output === undefined ? undefined : outputFor(output, n + this.tagLength);
      this.#encrypted = true;
      return gcmSealShort(this.key, this.iv, 0, aad, aad.length, EMPTY, data, n, 0, out, this.tagLength);
    }
    return this.encryptor().oneShot(asBytes(data), output);
  }

  /**
   * Decrypts ciphertext || tag. The tag is checked (in constant time) before any plaintext is
   * made; a mismatch is DecryptionError and nothing is returned or written to `output`.
   */
  decrypt(data: Uint8Array, output?: Uint8Array): Uint8Array {
    const src = asBytes(data);
    const aad = this.#aad ?? EMPTY;
    const t = this.tagLength;
    if (this.iv.length === 12 && src.length - t <= GCM_SHORT_MAX_BYTES && aad.length <= GCM_SHORT_MAX_BYTES) {
      if (src.length < t) throw new DecryptionError();
      const out = outputFor(output, src.length - t); // checked first; written only after the tag matched
      gcmOpenShort(this.key, this.iv, 0, aad, aad.length, EMPTY, src, 0, t, out, 0);
      return out;
    }
    return new GcmUnverifiedDecryptor(this.key, this.iv, this.tagLength, this.#allowShortTags, this.#aad).oneShot(src, output);
  }

  /** A streaming encryptor (options.aad already added; more with setAAD before update). */
  encryptor(): GcmEncryptor {
    if (this.#encrypted) throw new IvReuseError();
    this.#encrypted = true;
    return new GcmEncryptor(this.key, this.iv, this.tagLength, this.#aad);
  }

  /**
   * A streaming decryptor whose update() RELEASES UNAUTHENTICATED PLAINTEXT; only final()
   * (DecryptionError on a bad tag) says whether it was genuine. Give the tag here or with
   * setAuthTag() before final().
   */
  unverifiedDecryptor(tag?: Uint8Array): GcmUnverifiedDecryptor {
    return new GcmUnverifiedDecryptor(this.key, this.iv, this.tagLength, this.#allowShortTags, this.#aad, tag);
  }
}

opaque(GcmMode, "GcmMode", (m) => ({ bits: m.key.bits, tagLength: m.tagLength }));
opaque(GcmEncryptor, "GcmEncryptor", (e) => ({ tagLength: e.tagLength }));
opaque(GcmUnverifiedDecryptor, "GcmUnverifiedDecryptor");
