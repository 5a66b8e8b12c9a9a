// AES-GCM-SIV (RFC 8452): nonce-misuse-resistant AEAD. Per nonce, the key-generating key derives
// a POLYVAL key and a message encryption key (§4); the tag is AES of POLYVAL(AAD, plaintext,
// lengths) with the nonce folded in, and the ciphertext is CTR (32-bit little-endian counter)
// from the tag. Safety: a repeated nonce reveals only whether two (AAD, plaintext) pairs were
// equal — not the keystream or the authentication key, as it would in GCM — so encrypt() may
// run any number of times on one mode object. Unique nonces are still best (random 96-bit
// nonces: well under 2^32 messages per key, §9).
//
// Everything secret stays in WASM memory: the derived keys are made in the IO window, moved
// into a key slot and a POLYVAL table (a GCM slot; POLYVAL runs on the GHASH kernels), and wiped
// with them when the call ends. Decryption needs the plaintext to check the tag, so it decrypts
// into memory this call owns (the IO window, or a private buffer for long messages) and copies
// it out only after the tag matched; a bad tag is DecryptionError and `output` is untouched.
import { asBytes, outputFor, unaliased } from "../bytes.js";
import { DataLengthError, DecryptionError, IvLengthError, KeyLengthError } from "../errors.js";
import { equalConstantTime } from "../equal.js";
import type { AesKey } from "../key.js";
import { AesKeyBase } from "../key-base.js";
import { GCM_ACC, GCM_BLOCK } from "../wasm/abi.js";
import type { Core } from "../wasm/core.js";
import { readOptions, opaque } from "./guard.js";

/** Most plaintext, and most AAD, one message may have: 2^36 bytes (RFC 8452 §6). */
export const GCM_SIV_MAX_BYTES = 2 ** 36;
const TAG = 16;
const ZERO_KEYS = { 128: new Uint8Array(16), 256: new Uint8Array(32) } as const;

export interface GcmSivOptions {
  /** Additional authenticated data (not encrypted), up to 2^36 bytes. */
  aad?: Uint8Array;
}

/**
 * An AES-GCM-SIV mode object: one key (16 or 32 bytes), one 12-byte nonce. encrypt() and
 * decrypt() each take a whole message; encrypt returns ciphertext || 16-byte tag.
 */
export class GcmSivMode {
  readonly nonce: Uint8Array;
  readonly #aad: Uint8Array;

  constructor(readonly key: AesKey, nonce: Uint8Array, options?: GcmSivOptions) {
    AesKeyBase.check(key);
    if (key.bits === 192) throw new KeyLengthError("AES-GCM-SIV keys are 16 or 32 bytes (RFC 8452), got 24");
    const n = asBytes(nonce, "nonce");
    if (n.length !== 12) throw new IvLengthError(`AES-GCM-SIV nonce must be 12 bytes, got ${n.length}`);
    this.nonce = new Uint8Array(n);
    const o = readOptions(options, ["aad"], "GCM-SIV options");
    this.#aad = o.aad === undefined ? new Uint8Array(0) : new Uint8Array(asBytes(o.aad, "aad"));
    if (this.#aad.length > GCM_SIV_MAX_BYTES) throw new DataLengthError("AES-GCM-SIV AAD is at most 2^36 bytes");
    key.slot; // DisposedError early
  }

  /** Encrypts a whole message: ciphertext || tag (16 bytes). */
  encrypt(data: Uint8Array, output?: Uint8Array): Uint8Array {
    const src = asBytes(data);
    checkLength(src.length);
    const out = outputFor(output, src.length + TAG);
    const msg = new SivMessage(this.key, this.nonce);
    try {
      msg.hash(this.#aad);
      msg.hash(src);
      const tag = msg.tag(this.#aad.length, src.length);
      msg.startCtr(tag);
      msg.ctr(output === undefined ? src : unaliased(src, out), out, 0, src.length);
      out.set(tag, src.length);
      return out;
    } finally {
      msg.finish();
    }
  }

  /**
   * Decrypts ciphertext || tag. The plaintext is released (returned, or written to `output`)
   * only if the tag matches; otherwise DecryptionError and nothing is written.
   */
  decrypt(data: Uint8Array, output?: Uint8Array): Uint8Array {
    const src = asBytes(data);
    if (src.length < TAG) throw new DecryptionError();
    const n = src.length - TAG;
    checkLength(n);
    const out = outputFor(output, n); // checked first; written only after the tag matched
    const expected = src.slice(n);
    const msg = new SivMessage(this.key, this.nonce);
    // Where the plaintext waits for the verdict: the IO window if it fits (released by a copy
    // after the check), else a private buffer (the result itself when no output was given).
    const fits = n <= msg.core.ioSize;
    const held = fits ? null : output === undefined ? out : new Uint8Array(n);
    let ok = false;
    try {
      msg.hash(this.#aad);
      msg.startCtr(expected);
      if (fits) msg.decryptInWindow(src.subarray(0, n));
      else msg.ctr(src.subarray(0, n), held!, 0, n, true);
      ok = equalConstantTime(msg.tag(this.#aad.length, n), expected);
      if (!ok) throw new DecryptionError();
      if (fits) out.set(msg.core.mem.subarray(msg.core.io, msg.core.io + n));
      else if (held !== out) out.set(held!);
      return out;
    } finally {
      if (held && (held !== out || !ok)) held.fill(0);
      msg.finish();
    }
  }
}

function checkLength(n: number): void {
  if (n > GCM_SIV_MAX_BYTES) throw new DataLengthError("AES-GCM-SIV encrypts at most 2^36 bytes per message");
}

/**
 * One message's derived keys and running state: the message encryption key in its own key
 * slot (with its CTR state slot), the POLYVAL table and accumulator in a GCM slot lent to it.
 * finish() wipes and frees all of them.
 */
class SivMessage {
  readonly core: Core;
  readonly #encKey: AesKeyBase; // a key without mode methods: importing AesKey here made key.ts ↔ gcm-siv.ts circular
  readonly #gcm: number;
  readonly #nonce: Uint8Array;
  #state = -1;
  #windowUsed = 0; // bytes of plaintext left in the IO window by decryptInWindow

  constructor(master: AesKey, nonce: Uint8Array) {
    const slot = master.slot; // DisposedError
    const core = (this.core = master.core);
    this.#nonce = nonce;
    // The derived key's slot and the POLYVAL slot are allocated before anything secret is in
    // the IO window, so no allocation (which may grow memory) happens in between.
    const encKey = (this.#encKey = new AesKeyBase(ZERO_KEYS[master.bits as 128 | 256]));
    try {
      this.#gcm = encKey.adoptSlot(this, core.allocGcmSlot(), core.gcmSlotSize).ptr;
      const { io, k, mem } = core;
      // §4: block i = LE32(i) || nonce, for i = 0..3 (AES-128) or 0..5 (AES-256); the first 8
      // bytes of each encryption, concatenated, are the auth key (16) then the encryption key.
      const blocks = master.bits === 128 ? 4 : 6;
      mem.fill(0, io, io + 16 * blocks);
      for (let i = 0; i < blocks; i++) {
        mem[io + 16 * i] = i;
        mem.set(nonce, io + 16 * i + 4);
      }
      k.ecbEncrypt(slot, io, 16 * blocks);
      for (let i = 1; i < blocks; i++) mem.copyWithin(io + 8 * i, io + 16 * i, io + 16 * i + 8);
      k.polyvalSetup(this.#gcm, io);
      const encLen = 8 * (blocks - 2);
      const roundKeys = encKey.slot + core.layout.KEY_ENC;
      mem.copyWithin(roundKeys, io + 16, io + 16 + encLen);
      k.expandEncryptionKey(encKey.slot, roundKeys, encLen);
      mem.fill(0, io, io + 16 * blocks);
      mem.fill(0, this.#gcm + GCM_ACC, this.#gcm + GCM_ACC + 16);
    } catch (e) {
      encKey.dispose();
      throw e;
    }
  }

  /** POLYVAL over `src` padded with zeros to a whole block (RFC 8452 pads AAD and plaintext apart). */
  hash(src: Uint8Array): void {
    const { io, k, ioSize } = this.core;
    let used = 0;
    try {
      for (let off = 0; off < src.length; off += ioSize) {
        const n = Math.min(ioSize, src.length - off);
        const mem = this.core.mem;
        mem.set(src.subarray(off, off + n), io);
        const whole = (n + 15) & ~15;
        mem.fill(0, io + n, io + whole);
        k.polyval(this.#gcm, this.#gcm + GCM_ACC, io, whole);
        used = Math.max(used, whole);
      }
    } finally {
      if (used > 0) k.wipe(io, used);
    }
  }

  /** The tag (§4 / §5): E_encKey((S xor nonce) with the top bit of byte 15 cleared), S = POLYVAL(…, lengths). */
  tag(aadBytes: number, dataBytes: number): Uint8Array {
    const { k, mem } = this.core;
    const blk = this.#gcm + GCM_BLOCK;
    const acc = this.#gcm + GCM_ACC;
    const view = new DataView(mem.buffer, mem.byteOffset);
    // [AAD bits]_64 || [plaintext bits]_64, little-endian, from byte counts ≤ 2^36.
    view.setUint32(blk, (aadBytes % 2 ** 29) * 8, true);
    view.setUint32(blk + 4, Math.floor(aadBytes / 2 ** 29), true);
    view.setUint32(blk + 8, (dataBytes % 2 ** 29) * 8, true);
    view.setUint32(blk + 12, Math.floor(dataBytes / 2 ** 29), true);
    k.polyval(this.#gcm, acc, blk, 16);
    for (let i = 0; i < 12; i++) mem[acc + i]! ^= this.#nonce[i]!;
    mem[acc + 15]! &= 0x7f;
    k.encryptOne(this.#encKey.slot, acc, blk);
    const t = mem.slice(blk, blk + 16);
    mem.fill(0, acc, acc + 32);
    return t;
  }

  /** The CTR state for counter block `tag` with the top bit of byte 15 set (§4). */
  startCtr(tag: Uint8Array): void {
    const core = this.core;
    const { STATE_REG, STATE_CTR_MASK, STATE_POS } = core.layout;
    this.#state = this.#encKey.acquireState(this).ptr;
    const mem = core.mem;
    mem.set(tag, this.#state + STATE_REG);
    mem[this.#state + STATE_REG + 15]! |= 0x80;
    mem.fill(0, this.#state + STATE_CTR_MASK, this.#state + STATE_CTR_MASK + 16);
    mem.fill(0xff, this.#state + STATE_CTR_MASK, this.#state + STATE_CTR_MASK + 4);
    mem.fill(0, this.#state + STATE_POS, this.#state + STATE_POS + 4);
  }

  /** CTR over src[off, off + n) into dst; with `hash`, POLYVAL over the result (decryption). */
  ctr(src: Uint8Array, dst: Uint8Array, off: number, n: number, hash = false): void {
    const core = this.core;
    const { io, k, ioSize } = core;
    const key = this.#encKey.slot;
    let used = 0;
    try {
      for (let at = off; at < off + n; at += ioSize) {
        const len = Math.min(ioSize, off + n - at);
        const mem = core.mem;
        mem.set(src.subarray(at, at + len), io);
        k.ctr32le(key, this.#state, io, len);
        if (hash) {
          const whole = (len + 15) & ~15;
          mem.fill(0, io + len, io + whole);
          k.polyval(this.#gcm, this.#gcm + GCM_ACC, io, whole);
          used = Math.max(used, whole);
        }
        dst.set(mem.subarray(io, io + len), at);
        used = Math.max(used, len);
      }
    } finally {
      if (used > 0) k.wipe(io, used);
    }
  }

  /** Decrypts a message that fits the IO window and hashes its plaintext; the plaintext stays there. */
  decryptInWindow(src: Uint8Array): void {
    const core = this.core;
    const { io, k, mem } = core;
    const n = src.length;
    mem.set(src, io);
    k.ctr32le(this.#encKey.slot, this.#state, io, n);
    const whole = (n + 15) & ~15;
    mem.fill(0, io + n, io + whole);
    k.polyval(this.#gcm, this.#gcm + GCM_ACC, io, whole);
    this.#windowUsed = whole;
  }

  /** Wipes the window's plaintext and frees the derived key, its state slot and the POLYVAL table. */
  finish(): void {
    if (this.#windowUsed > 0) this.core.k.wipe(this.core.io, this.#windowUsed);
    this.#windowUsed = 0;
    this.#encKey.dispose();
  }
}

opaque(GcmSivMode, "GcmSivMode", (m) => ({ bits: m.key.bits }));
