// AES Key Wrap: KW (RFC 3394, SP 800-38F §6.2) and KW with padding, KWP (RFC 5649, SP 800-38F
// §6.3). Safety: deterministic authenticated encryption for key material (high-entropy data);
// no IV to manage. Unwrapping checks the integrity value (in constant time) and reports any
// failure as the generic DecryptionError, releasing nothing.
//
// The 64-bit halves live in the core's IO window: A at io, the n 64-bit registers R[1..n]
// after it, and one 16-byte work block at the end, so each of the 6n steps is one encryptOne
// call on memory the core already holds (no copies per step).
import { asBytes, viewBytes } from "../bytes.js";
import { DataLengthError, DecryptionError, IvLengthError } from "../errors.js";
import type { AesKey } from "../key.js";
import { AesKeyBase } from "../key-base.js";
import { opaque } from "./guard.js";

const KW_IV = new Uint8Array([0xa6, 0xa6, 0xa6, 0xa6, 0xa6, 0xa6, 0xa6, 0xa6]);
const KWP_ICV = new Uint8Array([0xa6, 0x59, 0x59, 0xa6]);

/**
 * Longest WRAPPED value the IO window holds: A and the n registers (8(n+1) bytes) plus the
 * 16-byte work block after them. Unwrap refuses anything longer; wrap takes key data up to
 * maxKeyData, 8 bytes less, so that everything wrap makes, unwrap takes back. Both far beyond
 * any real key.
 */
function maxBytes(key: AesKey): number {
  return key.core.ioSize - 16;
}

/** Longest key data wrap() takes (KWP: before padding, which never passes a multiple of 8). */
function maxKeyData(key: AesKey): number {
  return maxBytes(key) - 8;
}

/** Wrapping function W (RFC 3394 §2.2.1): `a` (8 bytes) and `p` (8n bytes, n ≥ 2) → 8(n+1) bytes. */
function wrapCore(key: AesKey, a: Uint8Array, p: Uint8Array): Uint8Array {
  const core = key.core;
  const { io, k } = core;
  const slot = key.slot;
  const mem = core.mem;
  const n = p.length / 8;
  const work = io + 8 * (n + 1);
  mem.set(a, io);
  mem.set(p, io + 8);
  try {
    for (let j = 0; j < 6; j++) {
      for (let i = 1; i <= n; i++) {
        // B = AES(K, A | R[i]); A = MSB64(B) ^ t; R[i] = LSB64(B), t = n*j + i.
        mem.copyWithin(work, io, io + 8);
        mem.copyWithin(work + 8, io + 8 * i, io + 8 * i + 8);
        k.encryptOne(slot, work, work);
        xorCounter(mem, work, n * j + i);
        mem.copyWithin(io, work, work + 8);
        mem.copyWithin(io + 8 * i, work + 8, work + 16);
      }
    }
    return mem.slice(io, io + 8 * (n + 1));
  } finally {
    mem.fill(0, io, work + 16);
  }
}

/**
 * Unwrapping function W^-1 (RFC 3394 §2.2.2): 8(n+1) bytes → A into `a`, the registers as the
 * result (wiped by the caller if A does not check).
 */
function unwrapCore(key: AesKey, c: Uint8Array, a: Uint8Array): Uint8Array {
  key.prepareDecryption();
  const core = key.core;
  const { io, k } = core;
  const slot = key.slot;
  const mem = core.mem;
  const n = c.length / 8 - 1;
  const work = io + 8 * (n + 1);
  mem.set(c, io);
  try {
    for (let j = 5; j >= 0; j--) {
      for (let i = n; i >= 1; i--) {
        // B = AES-1(K, (A ^ t) | R[i]); A = MSB64(B); R[i] = LSB64(B).
        mem.copyWithin(work, io, io + 8);
        xorCounter(mem, work, n * j + i);
        mem.copyWithin(work + 8, io + 8 * i, io + 8 * i + 8);
        k.decryptOne(slot, work, work);
        mem.copyWithin(io, work, work + 8);
        mem.copyWithin(io + 8 * i, work + 8, work + 16);
      }
    }
    a.set(mem.subarray(io, io + 8));
    return mem.slice(io + 8, io + 8 * (n + 1));
  } finally {
    mem.fill(0, io, work + 16);
  }
}

/** XORs the 64-bit big-endian step counter t into the 8 bytes at `at`. */
function xorCounter(mem: Uint8Array, at: number, t: number): void {
  for (let b = 7; b >= 0 && t > 0; b--) {
    mem[at + b]! ^= t & 0xff;
    t = Math.floor(t / 256);
  }
}

/** Equal bytes, in time independent of where they differ; accumulates into `diff`. */
function diffBytes(a: Uint8Array, b: ArrayLike<number>, n: number): number {
  let diff = 0;
  for (let i = 0; i < n; i++) diff |= a[i]! ^ b[i]!;
  return diff;
}

function checkIv(iv: Uint8Array, n: number, what: string): Uint8Array {
  const b = asBytes(iv, "iv");
  if (b.length !== n) throw new IvLengthError(`${what} initial value must be ${n} bytes, got ${b.length}`);
  return new Uint8Array(b);
}

/** AES-KW (RFC 3394): wraps key data of 16 or more bytes, a multiple of 8. */
export class KwMode {
  readonly #iv: Uint8Array;

  /** `iv`: RFC 3394 §2.2.3's alternative initial value (8 bytes; the facade takes it from node-style code). */
  constructor(readonly key: AesKey, iv: Uint8Array = KW_IV) {
    AesKeyBase.check(key);
    key.slot; // DisposedError early
    this.#iv = checkIv(iv, 8, "AES-KW");
  }

  /** Wraps `keyData` (16..8k bytes, a multiple of 8) into keyData.length + 8 bytes. */
  wrap(keyData: Uint8Array): Uint8Array {
    const p = viewBytes(keyData, "keyData"); // a view, not a copy: key material
    // 8-byte data: RFC 3394 would encrypt one block, SP 800-38F defines no such case; refused.
    if (p.length < 16 || p.length % 8 !== 0 || p.length > maxKeyData(this.key)) {
      throw new DataLengthError(`AES-KW wraps 16 to ${maxKeyData(this.key)} bytes in multiples of 8, got ${p.length}`);
    }
    return wrapCore(this.key, this.#iv, p);
  }

  /** Unwraps; DecryptionError if the length is impossible or the integrity check fails. */
  unwrap(wrapped: Uint8Array): Uint8Array {
    const c = asBytes(wrapped, "wrapped");
    if (c.length < 24 || c.length % 8 !== 0 || c.length > maxBytes(this.key)) throw new DecryptionError();
    const a = new Uint8Array(8);
    const p = unwrapCore(this.key, c, a);
    if (diffBytes(a, this.#iv, 8) !== 0) {
      p.fill(0);
      throw new DecryptionError();
    }
    return p;
  }
}

/** AES-KWP (RFC 5649): wraps key data of any length from 1 byte. */
export class KwpMode {
  readonly #icv: Uint8Array;

  /** `icv`: the 4-byte alternative initial value (RFC 5649 §3; default A65959A6). */
  constructor(readonly key: AesKey, icv: Uint8Array = KWP_ICV) {
    AesKeyBase.check(key);
    key.slot; // DisposedError early
    this.#icv = checkIv(icv, 4, "AES-KWP");
  }

  /** Wraps `keyData` (1 or more bytes) into 8·ceil(len/8) + 8 bytes. */
  wrap(keyData: Uint8Array): Uint8Array {
    const p = viewBytes(keyData, "keyData"); // a view, not a copy: key material
    if (p.length < 1 || p.length > maxKeyData(this.key)) {
      throw new DataLengthError(`AES-KWP wraps 1 to ${maxKeyData(this.key)} bytes, got ${p.length}`);
    }
    const padded = new Uint8Array(Math.ceil(p.length / 8) * 8);
    padded.set(p);
    const aiv = new Uint8Array(8);
    aiv.set(this.#icv);
    new DataView(aiv.buffer).setUint32(4, p.length); // MLI, big-endian
    try {
      if (padded.length === 8) {
        // One 64-bit block: C = AES(K, AIV | P) (RFC 5649 §4.1).
        const block = new Uint8Array(16);
        block.set(aiv);
        block.set(padded, 8);
        const out = this.key.encryptBlock(block);
        block.fill(0);
        return out;
      }
      return wrapCore(this.key, aiv, padded);
    } finally {
      padded.fill(0);
    }
  }

  /** Unwraps; DecryptionError for a bad length, integrity value, MLI or padding. */
  unwrap(wrapped: Uint8Array): Uint8Array {
    const c = asBytes(wrapped, "wrapped");
    if (c.length < 16 || c.length % 8 !== 0 || c.length > maxBytes(this.key)) throw new DecryptionError();
    const a = new Uint8Array(8);
    let p: Uint8Array;
    if (c.length === 16) {
      const block = this.key.decryptBlock(c);
      a.set(block.subarray(0, 8));
      p = block.slice(8);
      block.fill(0);
    } else {
      p = unwrapCore(this.key, c, a);
    }
    // RFC 5649 §3: A = A65959A6 | MLI with 8(n-1) < MLI <= 8n, and the padding bytes zero.
    // Constant-time in A and P (docs/constant-time.md): the MLI, its range and the padding are
    // checked with int32 masks (x - y < 0 iff x < y, for 0 <= x, y < 2^31; `>> 31` makes the
    // mask), one pass over every byte of P, no branch or ternary on a secret value. All checks
    // land in one flag, tested once: that one bit is what the DecryptionError reveals anyway;
    // the MLI is revealed only on success, as the output length.
    const top = a[4]! >> 7; // MLI bit 31: no valid MLI has it (P is far shorter than 2^31)
    const mli = ((a[4]! & 0x7f) << 24) | (a[5]! << 16) | (a[6]! << 8) | a[7]!; // 0..2^31-1
    const n8 = p.length; // 8n, public
    // bad (mask): MLI <= 8(n-1), i.e. mli - (n8 - 7) < 0; or MLI > 8n, i.e. n8 - mli < 0.
    let bad = (0 - top) | ((mli - (n8 - 7)) >> 31) | ((n8 - mli) >> 31);
    let diff = diffBytes(a, this.#icv, 4);
    for (let i = 0; i < n8; i++) {
      const inPad = ~((i - mli) >> 31); // -1 for i >= MLI
      diff |= inPad & p[i]!;
    }
    bad |= (0 - diff) >> 31; // diff is 0..255
    if (bad !== 0) {
      p.fill(0);
      throw new DecryptionError();
    }
    const out = p.slice(0, mli);
    p.fill(0);
    return out;
  }
}

opaque(KwMode, "KwMode", (m) => ({ bits: m.key.bits }));
opaque(KwpMode, "KwpMode", (m) => ({ bits: m.key.bits }));
