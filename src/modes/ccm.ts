// CCM (NIST SP 800-38C, RFC 3610): a CBC-MAC over the formatted nonce, AAD and plaintext, then
// CTR encryption of the plaintext and of the MAC. Safety: authenticated. A (key, nonce) pair
// must never encrypt twice (CTR keystream reuse, and the MAC's secrecy with it); the message
// length must be known before the first byte is processed, so CCM is one-shot only. Tags of
// 4 to 16 bytes (even); short tags make forgeries proportionally likelier (SP 800-38C App. B).
//
// No kernel of its own: the MAC is the CBC-encryption kernel with a zero IV over whole blocks
// (the chaining block in the MAC state slot's STATE_REG is the CBC-MAC), and the data is the CTR
// kernel with only the low q bytes of the counter block advancing (§A.3: flags and nonce never
// change). The IO window is split in two halves: half A holds the chunk CTR works on, half B a
// copy for the MAC (CBC-MAC overwrites its input). Decryption keeps the plaintext in half A
// when the message fits, else in a private buffer, and releases it only after the tag matched.
import type { CheckedLiteral } from "../checked-literal.js";
import { asBytes, outputFor, unaliased } from "../bytes.js";
import { counterMask } from "../counter.js";
import { DataLengthError, DecryptionError, IvLengthError, IvReuseError, show } from "../errors.js";
import { TagLengthError } from "../aead-errors.js";
import { equalConstantTime } from "../equal.js";
import type { AesKey } from "../key.js";
import { AesKeyBase } from "../key-base.js";
import type { Tracked } from "../lifetime.js";
import type { Core } from "../wasm/core.js";
import { opaque, readOptions } from "./guard.js";

/** Tag lengths in bytes (SP 800-38C §A.1: 4, 6, 8, 10, 12, 14, 16). */
export const CCM_TAG_LENGTHS: readonly number[] = [4, 6, 8, 10, 12, 14, 16];
export const CCM_MIN_NONCE_LENGTH = 7;
export const CCM_MAX_NONCE_LENGTH = 13;

/** A CCM tag length in bytes (even, 4..16). */
export type CcmTagLength = 16 | 14 | 12 | 10 | 8 | 6 | 4;

export interface CcmOptions<T extends number = number> {
  /** Additional authenticated data: integrity-protected, not encrypted. Default empty. */
  aad?: Uint8Array;
  /** Tag length in bytes: 16 (default), 14, 12, 10, 8, 6 or 4. */
  tagLength?: CheckedLiteral<T, number, CcmTagLength>;
}

export function checkCcmTagLength(tagLength: unknown): number {
  if (CCM_TAG_LENGTHS.includes(tagLength as number)) return tagLength as number;
  throw new TagLengthError(`CCM tag length must be 4, 6, 8, 10, 12, 14 or 16 bytes, got ${show(tagLength)}`);
}

/** A private copy of a 7..13-byte nonce. */
export function checkCcmNonce(nonce: unknown): Uint8Array {
  const n = asBytes(nonce, "nonce");
  if (n.length < CCM_MIN_NONCE_LENGTH || n.length > CCM_MAX_NONCE_LENGTH) {
    throw new IvLengthError(`CCM nonce must be 7 to 13 bytes, got ${n.length}`);
  }
  return new Uint8Array(n);
}

/**
 * Longest message (plaintext) a nonce of this length allows: 2^(8q) − 1 bytes with
 * q = 15 − nonce length (the length field of B0 has q bytes). Beyond 2^53 for q ≥ 7.
 */
export function ccmMaxDataBytes(nonceLength: number): number {
  const q = 15 - nonceLength;
  return q >= 7 ? Number.MAX_SAFE_INTEGER : 2 ** (8 * q) - 1;
}

export function checkCcmDataLength(n: number, nonceLength: number): void {
  const max = ccmMaxDataBytes(nonceLength);
  if (n > max) {
    throw new DataLengthError(`with a ${nonceLength}-byte nonce CCM takes at most ${max} bytes of data (2^${8 * (15 - nonceLength)} - 1), got ${n}`);
  }
}

/**
 * The encoding of the AAD length a that precedes the AAD in the MAC (RFC 3610 §2.2, SP
 * 800-38C §A.2.2): 2 bytes for 0 < a < 2^16 − 2^8, 0xfffe and 4 bytes below 2^32, 0xffff and 8
 * bytes beyond; nothing for a = 0 (no AAD blocks at all).
 */
export function ccmAadLengthPrefix(a: number): Uint8Array {
  if (a === 0) return new Uint8Array(0);
  if (a < 0xff00) return new Uint8Array([a >>> 8, a & 0xff]);
  if (a < 2 ** 32) return new Uint8Array([0xff, 0xfe, a >>> 24, (a >>> 16) & 0xff, (a >>> 8) & 0xff, a & 0xff]);
  const out = new Uint8Array(10);
  out[0] = 0xff;
  out[1] = 0xff;
  const view = new DataView(out.buffer);
  view.setUint32(2, Math.floor(a / 2 ** 32));
  view.setUint32(6, a % 2 ** 32);
  return out;
}

/**
 * One CCM message: the MAC and CTR state slots (lent by the key) and E_K(A_0), which masks the
 * tag. The MAC starts over B_0 and the AAD at construction; data() then runs the payload
 * through both; finish() wipes everything, the IO window included.
 */
class CcmMessage {
  readonly core: Core;
  readonly #key: AesKey;
  readonly #macLease: Tracked;
  readonly #ctrLease: Tracked;
  readonly #s0 = new Uint8Array(16);
  readonly #half: number; // bytes per half of the IO window: a whole number of 8-block groups
  #usedA = 0;
  #usedB = 0;

  constructor(key: AesKey, nonce: Uint8Array, aad: Uint8Array, tagLength: number, dataLength: number) {
    key.slot; // DisposedError
    this.#key = key;
    const core = (this.core = key.core);
    // Both slots before anything secret is in the window: no allocation (which may grow memory) after.
    this.#macLease = key.acquireState(this);
    this.#ctrLease = key.acquireState(this);
    this.#half = (core.ioSize >>> 1) & ~127;
    try {
      this.#start(key.slot, nonce, aad, tagLength, dataLength); // read again after the allocations
    } catch (e) {
      this.finish();
      throw e;
    }
  }

  #start(slot: number, nonce: Uint8Array, aad: Uint8Array, tagLength: number, dataLength: number): void {
    const core = this.core;
    const { io, k, mem } = core;
    const { STATE_REG, STATE_CTR_MASK, STATE_POS } = core.layout;
    const mac = this.#macLease.ptr;
    const ctr = this.#ctrLease.ptr;
    const q = 15 - nonce.length;
    // A_0 = [q − 1] || N || 0^q (§A.3); E_K(A_0) masks the tag, A_1 starts the payload.
    mem.fill(0, io, io + 16);
    mem[io] = q - 1;
    mem.set(nonce, io + 1);
    mem.set(mem.subarray(io, io + 16), ctr + STATE_REG);
    mem[ctr + STATE_REG + 15] = 1;
    mem.set(counterMask(8 * q), ctr + STATE_CTR_MASK);
    mem.fill(0, ctr + STATE_POS, ctr + STATE_POS + 4);
    k.encryptOne(slot, io, io);
    this.#s0.set(mem.subarray(io, io + 16));
    k.wipe(io, 16);
    // CBC-MAC: a zero chaining block, then B_0 = flags || N || [Q]_q (§A.2.1) and the AAD in half B.
    mem.fill(0, mac + STATE_REG, mac + STATE_REG + 16);
    const b = io + this.#half;
    this.#usedB = 16;
    mem[b] = (aad.length > 0 ? 0x40 : 0) | (((tagLength - 2) / 2) << 3) | (q - 1);
    mem.set(nonce, b + 1);
    let len = dataLength;
    for (let i = 15; i > nonce.length; i--) {
      mem[b + i] = len % 256;
      len = Math.floor(len / 256);
    }
    let pos = 16;
    if (aad.length > 0) {
      const prefix = ccmAadLengthPrefix(aad.length);
      mem.set(prefix, b + pos);
      pos += prefix.length;
    }
    // The AAD after its length, in half-window pieces; the last piece is zero-padded (§A.2.2).
    for (let off = 0; ; pos = 0) {
      const n = Math.min(this.#half - pos, aad.length - off);
      this.#usedB = Math.max(this.#usedB, (pos + n + 15) & ~15); // with the padding: the MAC writes it
      mem.set(aad.subarray(off, off + n), b + pos);
      pos += n;
      off += n;
      if (off === aad.length) break;
      k.cbcEncrypt(slot, mac, b, pos); // pos is the whole half here
    }
    const whole = (pos + 15) & ~15;
    mem.fill(0, b + pos, b + whole);
    k.cbcEncrypt(slot, mac, b, whole);
  }

  /**
   * Runs src[0, n) through the MAC and CTR, in order: plaintext to the MAC then CTR
   * (encrypting), CTR then the plaintext to the MAC (decrypting). Each chunk's result goes to
   * `dst` at the same offset; with dst null (decryption of a message that fits half the window)
   * the plaintext stays in half A for release().
   */
  data(src: Uint8Array, dst: Uint8Array | null, encrypt: boolean): void {
    const { io, k, mem } = this.core;
    const slot = this.#key.slot;
    const mac = this.#macLease.ptr;
    const ctr = this.#ctrLease.ptr;
    const half = this.#half;
    const b = io + half;
    for (let off = 0; off < src.length; off += half) {
      const n = Math.min(half, src.length - off);
      const whole = (n + 15) & ~15;
      this.#usedA = Math.max(this.#usedA, n);
      this.#usedB = Math.max(this.#usedB, whole);
      mem.set(src.subarray(off, off + n), io);
      if (!encrypt) k.ctr(slot, ctr, io, n);
      mem.copyWithin(b, io, io + n);
      mem.fill(0, b + n, b + whole); // only the last chunk can be partial: its zero padding
      k.cbcEncrypt(slot, mac, b, whole);
      if (encrypt) k.ctr(slot, ctr, io, n);
      if (dst) dst.set(mem.subarray(io, io + n), off);
    }
  }

  /** The first `tagLength` bytes of CBC-MAC xor E_K(A_0): the tag as sent (§A.3 / RFC 3610 §2.3). */
  tag(tagLength: number): Uint8Array {
    const { mem } = this.core;
    const at = this.#macLease.ptr + this.core.layout.STATE_REG;
    const t = mem.slice(at, at + tagLength);
    for (let i = 0; i < tagLength; i++) t[i]! ^= this.#s0[i]!;
    return t;
  }

  /** Copies the n plaintext bytes data(src, null, false) left in half A to `out`. */
  release(out: Uint8Array, n: number): void {
    out.set(this.core.mem.subarray(this.core.io, this.core.io + n));
  }

  /** Wipes both halves of the window it used, E_K(A_0) and both state slots. Idempotent. */
  finish(): void {
    const { io, k } = this.core;
    if (this.#usedA > 0) k.wipe(io, this.#usedA);
    if (this.#usedB > 0) k.wipe(io + this.#half, this.#usedB);
    this.#usedA = this.#usedB = 0;
    this.#s0.fill(0);
    this.#key.releaseState(this.#ctrLease);
    this.#key.releaseState(this.#macLease);
  }

  /** Whether a message of n bytes is decrypted in half A (else into a buffer). */
  fits(n: number): boolean {
    return n <= this.#half;
  }
}

/**
 * Encrypts `src` into `dst` (src.length bytes; `src` already unaliased for `dst`) and returns
 * the tag. Lengths are checked by the caller. For CcmMode and the createCipheriv facade.
 */
export function ccmSeal(key: AesKey, nonce: Uint8Array, aad: Uint8Array, tagLength: number,
  src: Uint8Array, dst: Uint8Array): Uint8Array {
  const msg = new CcmMessage(key, nonce, aad, tagLength, src.length);
  try {
    msg.data(src, dst, true);
    return msg.tag(tagLength);
  } finally {
    msg.finish();
  }
}

/**
 * Decrypts `body` and checks `expected` (the tag, a private copy) in constant time before
 * anything is written: the plaintext waits in the IO window, or for long messages in a private
 * buffer (the result itself when `output` is undefined). A mismatch is DecryptionError, with
 * `output` untouched and the held plaintext wiped. Lengths are checked by the caller.
 */
export function ccmOpen(key: AesKey, nonce: Uint8Array, aad: Uint8Array, expected: Uint8Array,
  body: Uint8Array, output: Uint8Array | undefined): Uint8Array {
  const n = body.length;
  const out = outputFor(output, n); // checked before anything runs; written after the tag matched
  const msg = new CcmMessage(key, nonce, aad, expected.length, n);
  const fits = msg.fits(n);
  // The whole body is read before `out` is written, so any overlap with the input is fine.
  const held = fits ? null : output === undefined ? out : new Uint8Array(n);
  let ok = false;
  try {
    msg.data(body, held, false);
    const tag = msg.tag(expected.length);
    ok = equalConstantTime(tag, expected);
    tag.fill(0);
    if (!ok) throw new DecryptionError();
    if (fits) msg.release(out, n);
    else if (held !== out) out.set(held!);
    return out;
  } finally {
    if (held && (held !== out || !ok)) held.fill(0);
    msg.finish();
  }
}

/**
 * A CCM mode object: one key, one nonce (7..13 bytes), the tag length and AAD. encrypt() runs
 * once (a second encryption under the same nonce is IvReuseError); decrypt() any number of
 * times. One-shot only: CCM needs the message length before its first block.
 */
export class CcmMode {
  readonly nonce: Uint8Array;
  readonly tagLength: number;
  readonly #aad: Uint8Array;
  #encrypted = false;

  constructor(readonly key: AesKey, nonce: Uint8Array, options?: CcmOptions) {
    AesKeyBase.check(key);
    const o = readOptions(options, ["aad", "tagLength"], "CCM options");
    this.nonce = checkCcmNonce(nonce);
    this.tagLength = checkCcmTagLength(o.tagLength ?? 16);
    this.#aad = o.aad === undefined ? new Uint8Array(0) : new Uint8Array(asBytes(o.aad, "aad"));
    key.slot; // DisposedError early
  }

  /** The longest plaintext this nonce length allows (2^(8(15 − nonce length)) − 1 bytes). */
  get maxDataBytes(): number {
    return ccmMaxDataBytes(this.nonce.length);
  }

  /** Encrypts a whole message: returns ciphertext || tag (`tagLength` bytes). */
  encrypt(data: Uint8Array, output?: Uint8Array): Uint8Array {
    const src = asBytes(data);
    checkCcmDataLength(src.length, this.nonce.length);
    const out = outputFor(output, src.length + this.tagLength);
    this.key.slot; // DisposedError before the nonce counts as used
    if (this.#encrypted) throw new IvReuseError();
    this.#encrypted = true;
    const body = out.subarray(0, src.length);
    // The tag is written after every input byte was read, so unaliased() covers it too.
    const tag = ccmSeal(this.key, this.nonce, this.#aad, this.tagLength, output === undefined ? src : unaliased(src, out), body);
    out.set(tag, src.length);
    return out;
  }

  /**
   * Decrypts ciphertext || tag. The tag is checked (in constant time) before any plaintext is
   * released; a mismatch is DecryptionError and nothing is returned or written to `output`.
   */
  decrypt(data: Uint8Array, output?: Uint8Array): Uint8Array {
    const src = asBytes(data);
    if (src.length < this.tagLength) throw new DecryptionError();
    const n = src.length - this.tagLength;
    checkCcmDataLength(n, this.nonce.length);
    const expected = src.slice(n); // a copy: `output` may overlap it
    try {
      return ccmOpen(this.key, this.nonce, this.#aad, expected, src.subarray(0, n), output);
    } finally {
      expected.fill(0);
    }
  }
}

opaque(CcmMode, "CcmMode", (m) => ({ bits: m.key.bits, tagLength: m.tagLength }));
