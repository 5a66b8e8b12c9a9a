// OCB3 (RFC 7253): each block is one AES call with an offset XORed in and out, a checksum of the
// plaintext closes the tag, and HASH(K, A) of the associated data is XORed into it.
// Safety: authenticated. A (key, nonce) pair must never encrypt twice — that reveals plaintext
// relations and breaks authenticity; use nonces from a counter (96 bits is usual), and keep well
// under 2^48 blocks per key (RFC 7253 §5). One-shot decrypt() checks the tag before any
// plaintext leaves the library; the streaming decryptor releases unauthenticated plaintext from
// update() (as node:crypto does), and only final() says whether it was genuine.
//
// Data path: the kernels (assembly/ocb.ts, src/reference/ocb.ts) take whole blocks, resumable
// across calls, and a last partial block; so a stream keeps 0..15 bytes of data and 0..15 of
// AAD pending in its state slot until more arrive or final() is called (update() returns the
// whole blocks so far, as node:crypto does). The OCB slot holds the key's L table, offsets,
// checksum and AAD sum; both slots are lent through the key and wiped at the end.
import type { CheckedLiteral } from "../checked-literal.js";
import { asBytes, outputFor, unaliased } from "../bytes.js";
import { DataLengthError, DecryptionError, IvLengthError, IvReuseError, show, StateError } from "../errors.js";
import { TagLengthError } from "../aead-errors.js";
import { equalConstantTime } from "../equal.js";
import type { Tracked } from "../lifetime.js";
import type { AesKey } from "../key.js";
import { AesKeyBase } from "../key-base.js";
import { readOptions, opaque } from "./guard.js";

/**
 * Most bytes of data, and of AAD, per message: the kernels count blocks in 32 bits and hold
 * L_0..L_31, so block numbers stay below 2^32; with a last partial block, 2^36 − 1 bytes.
 */
export const OCB_MAX_DATA_BYTES = 2 ** 36 - 1;
/** Tag lengths in bytes allowed without opt-in (RFC 7253's named sets use 16, 12 and 8). */
export const OCB_TAG_LENGTHS: readonly number[] = [16, 15, 14, 13, 12, 11, 10, 9, 8];
/** Tag lengths that need `allowShortTags`: RFC 7253 and node:crypto allow them, but each forgery attempt succeeds with probability 2^-(8·tagLength). */
export const OCB_SHORT_TAG_LENGTHS: readonly number[] = [7, 6, 5, 4, 3, 2, 1];

/** An OCB tag length in bytes (1..7 need allowShortTags). */
export type OcbTagLength = 16 | 15 | 14 | 13 | 12 | 11 | 10 | 9 | 8 | 7 | 6 | 5 | 4 | 3 | 2 | 1;

export interface OcbOptions<T extends number = number> {
  /** Associated data: integrity-protected, not encrypted. Default empty. */
  aad?: Uint8Array;
  /** Tag length in bytes: 16 (default) down to 8; 7..1 with allowShortTags. */
  tagLength?: CheckedLiteral<T, number, OcbTagLength>;
  /** Permits tags of 7..1 bytes (as node:crypto does; only where forgeries at that rate are acceptable). */
  allowShortTags?: boolean;
}

export function checkOcbTagLength(tagLength: unknown, allowShortTags = false): number {
  if (OCB_TAG_LENGTHS.includes(tagLength as number)) return tagLength as number;
  if (OCB_SHORT_TAG_LENGTHS.includes(tagLength as number)) {
    if (allowShortTags) return tagLength as number;
    throw new TagLengthError(`a ${show(tagLength)}-byte OCB tag needs allowShortTags: true`);
  }
  throw new TagLengthError(`OCB tag length must be 8..16 bytes (1..7 with allowShortTags), got ${show(tagLength)}`);
}

/** RFC 7253 §4.2 (and OpenSSL, hence node:crypto): a nonce of 1..15 bytes; 12 is usual. */
export function checkOcbNonce(nonce: unknown): Uint8Array {
  const b = asBytes(nonce, "nonce");
  if (b.length < 1 || b.length > 15) throw new IvLengthError(`OCB nonce must be 1..15 bytes (12 is usual), got ${b.length}`);
  return new Uint8Array(b); // a copy: Buffer.slice would be a view
}

// The host's part of the state slot: the pending partial blocks and the tag's 16 bytes.
const AAD_PEND = 0;
const DATA_PEND = 16;
const TAG_OUT = 32;

/**
 * The OCB computation for one message: owns an OCB slot and a state slot, both wiped at
 * finish(). AAD and data may come in any order and pieces (the two are hashed independently),
 * then finishData() and tag().
 */
class OcbEngine {
  private readonly ocb: number;
  private readonly ocbLease: Tracked;
  private readonly state: number;
  private readonly lease: Tracked;
  private aadPend = 0;
  /** Bytes of data kept back at state + DATA_PEND: 0..15. */
  dataPend = 0;
  private aadBytes = 0;
  private dataBytes = 0;
  private dataDone = false;
  private tagged = false;
  finished = false;

  constructor(private readonly key: AesKey, nonce: Uint8Array, readonly tagLength: number, private readonly decrypt: boolean) {
    const slot = key.slot; // DisposedError
    if (decrypt) key.prepareDecryption();
    const core = key.core;
    this.ocbLease = key.adoptSlot(this, core.allocOcbSlot(), core.layout.OCB_SLOT_SIZE);
    this.ocb = this.ocbLease.ptr;
    this.lease = key.acquireState(this);
    this.state = this.lease.ptr;
    const { io, k } = core;
    k.ocbSetup(slot, this.ocb);
    // Nonce = num2str(TAGLEN mod 128, 7) || zeros || 1 || N (§4.2), formatted in the window.
    const mem = core.mem;
    mem.fill(0, io, io + 16);
    mem[io] = ((tagLength * 8) % 128) << 1;
    mem[io + 15 - nonce.length] |= 1;
    mem.set(nonce, io + 16 - nonce.length);
    k.ocbNonce(slot, this.ocb, io);
    k.wipe(io, 16);
  }

  private assertOpen(): void {
    if (this.finished) throw new StateError("OCB stream already finished: final() was called");
    this.key.slot; // DisposedError if the key is gone
  }

  /** Adds AAD, before the tag. */
  aad(src: Uint8Array): void {
    this.assertOpen();
    if (this.tagged) throw new StateError("OCB tag already computed");
    if (this.aadBytes + src.length > OCB_MAX_DATA_BYTES) {
      throw new DataLengthError(`OCB takes at most ${OCB_MAX_DATA_BYTES} bytes of AAD per message`);
    }
    this.aadPend = this.run(src, null, this.state + AAD_PEND, this.aadPend, true);
    this.aadBytes += src.length;
  }

  /** Bytes update() of `n` more bytes produces: the whole blocks of pending + n. */
  produced(n: number): number {
    const total = this.dataPend + n;
    return total - (total % 16);
  }

  /** Checks that `n` more bytes of data are allowed now (before anything is written). */
  checkData(n: number): void {
    this.assertOpen();
    if (this.dataDone) throw new StateError("OCB data already finished");
    if (this.dataBytes + n > OCB_MAX_DATA_BYTES) {
      throw new DataLengthError(`OCB encrypts at most ${OCB_MAX_DATA_BYTES} bytes per message`);
    }
  }

  /** Runs `src` through the kernels; the whole blocks made (produced(src.length) bytes) go to `dst`. */
  data(src: Uint8Array, dst: Uint8Array | null): void {
    this.checkData(src.length);
    this.dataPend = this.run(src, dst, this.state + DATA_PEND, this.dataPend, false);
    this.dataBytes += src.length;
  }

  /**
   * Pending bytes in front of each chunk, whole blocks to the kernel (chunks of 8-block groups,
   * so all but the last run bitsliced), the rest kept for later; returns how many are pending.
   * The window is wiped before this returns.
   */
  private run(src: Uint8Array, dst: Uint8Array | null, pendAt: number, pend: number, isAad: boolean): number {
    const core = this.key.core;
    const { io, k } = core;
    const slot = this.key.slot;
    const room = core.ioSize - 128;
    let used = 0;
    let w = 0;
    try {
      for (let off = 0; off < src.length;) {
        const n = Math.min(room - pend, src.length - off);
        const mem = core.mem;
        mem.copyWithin(io, pendAt, pendAt + pend);
        mem.set(src.subarray(off, off + n), io + pend);
        const total = pend + n;
        const whole = total - (total % 16);
        if (isAad) k.ocbAad(slot, this.ocb, io, whole);
        else if (this.decrypt) k.ocbDecrypt(slot, this.ocb, io, whole);
        else k.ocbEncrypt(slot, this.ocb, io, whole);
        if (dst) dst.set(mem.subarray(io, io + whole), w);
        w += whole;
        mem.copyWithin(pendAt, io + whole, io + total);
        pend = total - whole;
        used = Math.max(used, total);
        off += n;
      }
    } finally {
      if (used > 0) k.wipe(io, used);
    }
    return pend;
  }

  /**
   * Ends the data: the pending 0..15 bytes go through the last-block kernel in place; returns
   * them (state + DATA_PEND .. + dataPend), valid until finish().
   */
  finishData(): Uint8Array {
    this.checkData(0);
    this.dataDone = true;
    const core = this.key.core;
    const at = this.state + DATA_PEND;
    if (this.dataPend > 0) {
      if (this.decrypt) core.k.ocbDecryptLast(this.key.slot, this.ocb, at, this.dataPend);
      else core.k.ocbEncryptLast(this.key.slot, this.ocb, at, this.dataPend);
    }
    return core.mem.subarray(at, at + this.dataPend);
  }

  /** The full 16-byte tag, after finishData(); no more AAD after it. */
  tag(): Uint8Array {
    this.assertOpen();
    if (this.tagged) throw new StateError("OCB tag already computed");
    if (!this.dataDone) throw new StateError("OCB data not finished");
    this.tagged = true;
    const core = this.key.core;
    const slot = this.key.slot;
    if (this.aadPend > 0) core.k.ocbAadLast(slot, this.ocb, this.state + AAD_PEND, this.aadPend);
    const out = this.state + TAG_OUT;
    core.k.ocbTag(slot, this.ocb, out);
    const t = core.mem.slice(out, out + 16);
    core.k.wipe(out, 16);
    return t;
  }

  /** Wipes and frees both slots. Idempotent. */
  finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.key.releaseState(this.lease);
    this.key.releaseState(this.ocbLease);
  }

  /**
   * One-shot decryption of `body` with `expected` as the tag: everything is decrypted, the tag
   * compared, and only then is plaintext copied to `out`. A body that fits the IO window stays
   * there; a longer one is decrypted into `out` only if it is a fresh array of ours (`fresh`),
   * else into a private array; either is wiped if the tag does not match.
   */
  openInto(body: Uint8Array, expected: Uint8Array, out: Uint8Array, fresh: boolean): void {
    this.checkData(body.length);
    const core = this.key.core;
    const { io, k } = core;
    const slot = this.key.slot;
    if (body.length <= core.ioSize) {
      const whole = body.length - (body.length % 16);
      try {
        core.mem.set(body, io);
        k.ocbDecrypt(slot, this.ocb, io, whole);
        if (whole < body.length) k.ocbDecryptLast(slot, this.ocb, io + whole, body.length - whole);
        this.dataBytes = body.length;
        this.dataDone = true;
        if (!this.verify(expected)) throw new DecryptionError();
        out.set(core.mem.subarray(io, io + body.length));
      } finally {
        k.wipe(io, body.length);
      }
      return;
    }
    const scratch = fresh ? out : new Uint8Array(body.length);
    let ok = false;
    try {
      this.data(body, scratch);
      scratch.set(this.finishData(), body.length - this.dataPend);
      ok = this.verify(expected);
      if (!ok) throw new DecryptionError();
      if (scratch !== out) out.set(scratch);
    } finally {
      if (!ok || scratch !== out) scratch.fill(0);
    }
  }

  /** Computes the tag and compares it with `expected` (its length is the tag length) in constant time. */
  verify(expected: Uint8Array): boolean {
    const full = this.tag();
    const ok = equalConstantTime(full.subarray(0, expected.length), expected);
    full.fill(0);
    return ok;
  }
}

/** Streaming OCB encryption: setAAD()* and update()* in any order → final() → tag. */
export class OcbEncryptor {
  readonly #engine: OcbEngine;
  #tag: Uint8Array | undefined;

  /** @internal Made by OcbMode.encryptor() and the createCipheriv facade. */
  constructor(key: AesKey, nonce: Uint8Array, readonly tagLength: number, aad?: Uint8Array) {
    this.#engine = new OcbEngine(key, nonce, tagLength, false);
    if (aad) this.setAAD(aad);
  }

  /** Adds associated data (any number of calls, before final()). */
  setAAD(aad: Uint8Array): this {
    this.#engine.aad(asBytes(aad, "aad"));
    return this;
  }

  /**
   * Encrypts a chunk; returns the ciphertext of the whole blocks completed so far (a partial
   * block waits for more data or final()), as node:crypto does. `output` needs room for those.
   */
  update(data: Uint8Array, output?: Uint8Array): Uint8Array {
    const src = asBytes(data);
    const engine = this.#engine;
    engine.checkData(src.length);
    const n = engine.produced(src.length);
    if (output === undefined) {
      const fresh = outputFor(undefined, n);
      engine.data(src, fresh);
      return fresh;
    }
    const out = outputFor(output, n);
    engine.data(unaliased(src, out, engine.dataPend), out);
    return out;
  }

  /** Ends encryption: returns the last partial block's ciphertext (0..15 bytes) and computes the tag. */
  final(output?: Uint8Array): Uint8Array {
    const engine = this.#engine;
    engine.checkData(0);
    const out = outputFor(output, engine.dataPend);
    try {
      out.set(engine.finishData());
      const full = engine.tag();
      this.#tag = full.slice(0, this.tagLength);
      full.fill(0);
    } finally {
      engine.finish();
    }
    return out;
  }

  /** The authentication tag, `tagLength` bytes; available after final(). */
  get tag(): Uint8Array {
    if (!this.#tag) throw new StateError("the OCB tag is available after final()");
    return this.#tag.slice();
  }

  /** @internal one-shot encryption: ciphertext || tag into one buffer. */
  oneShot(data: Uint8Array, output?: Uint8Array): Uint8Array {
    const src = asBytes(data);
    try {
      const out = outputFor(output, src.length + this.tagLength);
      const n = this.update(src, out.subarray(0, src.length)).length;
      this.final(out.subarray(n, src.length));
      out.set(this.#tag!, src.length);
      return out;
    } finally {
      this.#engine.finish();
    }
  }
}

/**
 * Streaming OCB decryption. **update() returns plaintext that is not yet authenticated**: do
 * not act on it before final() has returned; final() throws DecryptionError if the tag does
 * not match, and releases the last partial block only if it does. Prefer OcbMode.decrypt(),
 * which releases nothing unless the tag matches.
 */
export class OcbUnverifiedDecryptor {
  readonly #engine: OcbEngine;
  #expected: Uint8Array | undefined;

  /**
   * @internal Made by OcbMode.unverifiedDecryptor() and the createDecipheriv facade. The tag
   * length must be known here: it is part of the nonce block, hence of every offset.
   */
  constructor(key: AesKey, nonce: Uint8Array, readonly tagLength: number, aad?: Uint8Array, tag?: Uint8Array) {
    this.#engine = new OcbEngine(key, nonce, tagLength, true);
    if (aad) this.setAAD(aad);
    if (tag) this.setAuthTag(tag);
  }

  setAAD(aad: Uint8Array): this {
    this.#engine.aad(asBytes(aad, "aad"));
    return this;
  }

  /** The expected tag, `tagLength` bytes, any time before final(). */
  setAuthTag(tag: Uint8Array): this {
    const t = asBytes(tag, "tag");
    if (this.#engine.finished) throw new StateError("OCB stream already finished: final() was called");
    if (t.length !== this.tagLength) throw new TagLengthError(`tag must be ${this.tagLength} bytes, got ${t.length}`);
    this.#expected = new Uint8Array(t);
    return this;
  }

  /** Decrypts a chunk: the whole blocks completed so far. The bytes returned are UNAUTHENTICATED until final() returns. */
  update(data: Uint8Array, output?: Uint8Array): Uint8Array {
    const src = asBytes(data);
    const engine = this.#engine;
    engine.checkData(src.length);
    const out = outputFor(output, engine.produced(src.length));
    engine.data(output === undefined ? src : unaliased(src, out, engine.dataPend), out);
    return out;
  }

  /** Checks the tag: returns the last partial block's plaintext (0..15 bytes) or throws DecryptionError. */
  final(output?: Uint8Array): Uint8Array {
    const engine = this.#engine;
    if (engine.finished) throw new StateError("OCB stream already finished: final() was called");
    if (!this.#expected) {
      engine.finish();
      throw new StateError("setAuthTag() must be called before final()");
    }
    const out = outputFor(output, engine.dataPend);
    try {
      const last = engine.finishData();
      if (!engine.verify(this.#expected)) throw new DecryptionError();
      out.set(last);
      return out;
    } finally {
      engine.finish();
    }
  }

  /** @internal one-shot decryption of ciphertext || tag: verify first, then release. */
  oneShot(data: Uint8Array, output?: Uint8Array): Uint8Array {
    const src = asBytes(data);
    try {
      if (src.length < this.tagLength) throw new DecryptionError();
      const bodyLength = src.length - this.tagLength;
      const out = outputFor(output, bodyLength); // checked first; written only after the tag matched
      // Copied before anything is written: `src` may overlap `out`.
      const expected = src.slice(bodyLength);
      this.#engine.openInto(src.subarray(0, bodyLength), expected, out, output === undefined);
      return out;
    } finally {
      this.#engine.finish();
    }
  }
}

/**
 * An OCB mode object: one key, one nonce. encrypt() runs once (a second encryption under the
 * same nonce is refused); decrypt() any number of times.
 */
export class OcbMode {
  readonly nonce: Uint8Array;
  readonly tagLength: number;
  readonly #aad: Uint8Array | undefined;
  #encrypted = false;

  constructor(readonly key: AesKey, nonce: Uint8Array, options?: OcbOptions) {
    AesKeyBase.check(key);
    const o = readOptions(options, ["aad", "tagLength", "allowShortTags"], "OCB options");
    this.nonce = checkOcbNonce(nonce);
    this.tagLength = checkOcbTagLength(o.tagLength ?? 16, o.allowShortTags === true);
    this.#aad = o.aad === undefined ? undefined : new Uint8Array(asBytes(o.aad, "aad"));
    key.slot; // DisposedError early
  }

  /** Encrypts a whole message: returns ciphertext || tag (`tagLength` bytes). */
  encrypt(data: Uint8Array, output?: Uint8Array): Uint8Array {
    const src = asBytes(data);
    return this.encryptor().oneShot(src, output);
  }

  /**
   * Decrypts ciphertext || tag. The tag is checked (in constant time) before any plaintext
   * leaves the library; a mismatch is DecryptionError and nothing is returned or written to
   * `output`.
   */
  decrypt(data: Uint8Array, output?: Uint8Array): Uint8Array {
    const src = asBytes(data);
    return new OcbUnverifiedDecryptor(this.key, this.nonce, this.tagLength, this.#aad).oneShot(src, output);
  }

  /** A streaming encryptor (options.aad already added; more with setAAD before final). */
  encryptor(): OcbEncryptor {
    if (this.#encrypted) throw new IvReuseError();
    this.#encrypted = true;
    return new OcbEncryptor(this.key, this.nonce, this.tagLength, this.#aad);
  }

  /**
   * A streaming decryptor whose update() RELEASES UNAUTHENTICATED PLAINTEXT; only final()
   * (DecryptionError on a bad tag) says whether it was genuine. Give the tag here or with
   * setAuthTag() before final().
   */
  unverifiedDecryptor(tag?: Uint8Array): OcbUnverifiedDecryptor {
    return new OcbUnverifiedDecryptor(this.key, this.nonce, this.tagLength, this.#aad, tag);
  }
}

opaque(OcbMode, "OcbMode", (m) => ({ bits: m.key.bits, tagLength: m.tagLength }));
opaque(OcbEncryptor, "OcbEncryptor", (e) => ({ tagLength: e.tagLength }));
opaque(OcbUnverifiedDecryptor, "OcbUnverifiedDecryptor");
