// Streams over the bulk kernels: update()/final() with any split of the input giving the same
// bytes as one call (Go's Stream contract). Data moves through the core's IO window one chunk
// at a time: one copy in, one kernel call, one copy out.
//
// Outputs follow the one rule of src/bytes.ts (unaliased: an overlapping output is memmove);
// every chunk's bytes are wiped from the IO window before a call returns, so no plaintext or
// keystream outlives the call there.
import { asBytes, byteLengthOf, copyBytesInto, outputFor, unaliased } from "../bytes.js";
import { DataLengthError, DecryptionError, IvLengthError, show, StateError } from "../errors.js";
import type { Tracked } from "../lifetime.js";
import { padBlock, padInPlace, unpaddedLength, unpaddedLengthAt, PADDINGS, type Padding } from "../padding.js";
import type { CoreKernels } from "../wasm/abi.js";
import type { Core } from "../wasm/core.js";
import type { AesKey } from "../key.js";
import { opaque } from "./guard.js";

export { outputFor };

export interface PaddingOptions {
  /** 'pkcs7' (default), 'iso9797-m2' (ISO/IEC 9797-1 method 2) or 'none'. */
  padding?: Padding;
}

/** Calls one bulk kernel: (kernels, key slot, state slot, io pointer, length in bytes or bits). */
export type BulkKernel = (k: CoreKernels, key: number, state: number, io: number, n: number) => void;

/** The streaming interface every mode offers. */
export interface CipherStream {
  /** Processes a chunk; returns the output bytes it makes available now. */
  update(data: Uint8Array, output?: Uint8Array): Uint8Array;
  /** Ends the stream; returns the remaining output (padding, last block). Frees the state. */
  final(output?: Uint8Array): Uint8Array;
}

/**
 * Checks that an IV / counter block is a 16-byte ArrayBufferView. The caller's object itself
 * is then only ever copied (copyBytesInto: intrinsic reads), by a stream constructor or ivCopy.
 */
export function checkIv(iv: unknown, what = "iv"): void {
  const n = byteLengthOf(iv, what);
  if (n !== 16) throw new IvLengthError(`${what} must be 16 bytes, got ${n}`);
}

/** A private 16-byte copy of an IV (mode objects keep one: the caller may change theirs). */
export function ivCopy(iv: unknown, what = "iv"): Uint8Array {
  checkIv(iv, what);
  const copy = new Uint8Array(16);
  copyBytesInto(iv, copy, 0, what);
  return copy;
}

export function checkPadding(padding: unknown): Padding {
  if (!PADDINGS.includes(padding as Padding)) {
    throw new StateError(`padding must be one of ${PADDINGS.join(", ")}, got ${show(padding)}`);
  }
  return padding as Padding;
}

/** A stream owning one state slot, running one kernel of its key's core. */
export abstract class KernelStream implements CipherStream {
  protected readonly key: AesKey;
  protected readonly state: number;
  private readonly kernel: BulkKernel;
  readonly #lease: Tracked;
  private finished = false;

  /** `iv`: checked by checkIv (16 bytes), copied into the state slot here; any ArrayBufferView. */
  constructor(key: AesKey, kernel: BulkKernel, iv: Uint8Array | null) {
    key.slot; // throws DisposedError early
    this.key = key;
    this.kernel = kernel;
    const core = key.core;
    // Tracked against this stream: wiped and given back if it is dropped without final().
    this.#lease = key.acquireState(this);
    this.state = this.#lease.ptr;
    if (iv) copyBytesInto(iv, core.mem, this.state + core.layout.STATE_REG, "iv");
  }

  abstract update(data: Uint8Array, output?: Uint8Array): Uint8Array;
  abstract final(output?: Uint8Array): Uint8Array;
  /** @internal Encrypts or decrypts a whole message: exactly one update and final into one buffer (Mode.encrypt/decrypt). */
  abstract oneShot(data: Uint8Array, output?: Uint8Array): Uint8Array;

  protected assertOpen(): void {
    if (this.finished) throw new StateError("stream already finished: final() was called");
    this.key.slot; // DisposedError if the key is gone
  }

  /**
   * Runs `src` through the kernel into `dst` (same length), chunk by chunk; the window is
   * wiped afterwards. `src` must already follow the output rule (unaliased) for `dst`.
   */
  protected run(src: Uint8Array, dst: Uint8Array, unitsPerByte = 1, units = src.length * unitsPerByte): void {
    const core = this.key.core;
    const { io, ioSize, k } = core;
    const key = this.key.slot;
    const kernel = this.kernel;
    const mem = core.mem;
    try {
      for (let off = 0; off < src.length; off += ioSize) {
        const n = Math.min(ioSize, src.length - off);
        // A message that fits the window (the common case) is copied without a subarray view:
        // making one costs more than the copy for short messages.
        mem.set(n === src.length ? src : src.subarray(off, off + n), io);
        kernel(k, key, this.state, io, Math.min(n * unitsPerByte, units - off * unitsPerByte));
        dst.set(mem.subarray(io, io + n), off);
      }
    } finally {
      wipeWindow(core, Math.min(ioSize, src.length)); // the first chunk is the largest
    }
  }

  /** Runs the kernel over the first `n` bytes of the IO window, in place. */
  protected runKernel(n: number): void {
    this.kernel(this.key.core.k, this.key.slot, this.state, this.key.core.io, n);
  }

  /**
   * As run(), into a new array, for `data` (any ArrayBufferView, the caller's object) of
   * `length` bytes (byteLengthOf): a message that fits the window is copied straight in
   * (copyBytesInto: no view or copy of it is made), run, and slice()d out.
   */
  protected runToNew(data: unknown, length: number, unitsPerByte = 1): Uint8Array {
    const core = this.key.core;
    if (length > core.ioSize) {
      const out = new Uint8Array(length);
      this.run(asBytes(data), out, unitsPerByte);
      return out;
    }
    const { io, mem } = core;
    copyBytesInto(data, mem, io);
    this.runKernel(length * unitsPerByte);
    const out = mem.slice(io, io + length);
    wipeWindow(core, length);
    return out;
  }

  /** Wipes and frees the state slot; the stream cannot be used afterwards. */
  protected finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.key.releaseState(this.#lease);
  }
}

/**
 * Zeroes the first `n` bytes of the IO window (plaintext or keystream passed through them), by
 * the core's wipe (WASM memory.fill: ~8 ns for 64 bytes, where Uint8Array.fill on WASM memory
 * took ~40 ns — a sixth of the cost of a 64-byte message's wipe).
 */
export function wipeWindow(core: Core, n: number): void {
  if (n > 0) core.k.wipe(core.io, n);
}

/** CFB, OFB, CTR: every byte in is a byte out, immediately. */
export class ByteStream extends KernelStream {
  constructor(key: AesKey, kernel: BulkKernel, iv: Uint8Array, private readonly unitsPerByte = 1) {
    super(key, kernel, iv);
  }

  update(data: Uint8Array, output?: Uint8Array): Uint8Array {
    if (output === undefined) {
      const length = byteLengthOf(data);
      this.assertOpen();
      this.beforeUpdate(length);
      return this.runToNew(data, length, this.unitsPerByte);
    }
    const src = asBytes(data);
    this.assertOpen();
    const out = outputFor(output, src.length); // checked before the stream moves on
    this.beforeUpdate(src.length);
    this.run(unaliased(src, out), out, this.unitsPerByte);
    return out;
  }

  final(output?: Uint8Array): Uint8Array {
    this.assertOpen();
    const out = outputFor(output, 0);
    this.finish();
    return out;
  }

  /** @internal */
  oneShot(data: Uint8Array, output?: Uint8Array): Uint8Array {
    try {
      return this.update(data, output);
    } finally {
      this.finish();
    }
  }

  /** @internal CFB1 only (CfbMode.encryptBits): processes the first `bitLength` bits of `src` (most significant first). */
  runBits(src: Uint8Array, dst: Uint8Array, bitLength: number): void {
    this.assertOpen();
    this.run(unaliased(src, dst), dst, 8, bitLength);
  }

  /**
   * Hook for checks that must refuse a chunk before any of it is processed; runs after every
   * other check of the call, so a state change it makes is never followed by a refusal.
   */
  protected beforeUpdate(_length: number): void {}
}

/**
 * ECB and CBC: whole blocks only. Encryption keeps a partial block until more data or final();
 * decryption with padding also holds back the last full block, since it holds the pad.
 */
export class BlockStream extends KernelStream {
  readonly #pending = new Uint8Array(16); // private: plaintext of a partial block may sit here
  #pendingLen = 0;
  readonly #chained: boolean;

  constructor(key: AesKey, kernel: BulkKernel, iv: Uint8Array | null, private readonly encrypting: boolean,
    private padding: Padding) {
    super(key, kernel, iv);
    this.#chained = iv !== null;
    if (!encrypting) key.prepareDecryption();
  }

  /** Changes the padding before final() (node:crypto's setAutoPadding). */
  setPadding(padding: Padding): void {
    this.assertOpen();
    this.padding = checkPadding(padding);
  }

  update(data: Uint8Array, output?: Uint8Array): Uint8Array {
    let src = asBytes(data);
    this.assertOpen();
    const pendingLen = this.#pendingLen;
    const pending = this.#pending;
    const total = pendingLen + src.length;
    let outLen = total - (total % 16);
    if (!this.encrypting && this.padding !== "none" && outLen === total && outLen > 0) outLen -= 16;
    const out = outputFor(output, outLen);
    // The output runs ahead of the input by pendingLen bytes (the held-back partial block
    // comes out first): the output rule with that lead.
    if (output !== undefined) src = unaliased(src, out, pendingLen);
    let used = 0;
    const completesPending = outLen > 0 && pendingLen > 0;
    if (completesPending) {
      used = 16 - pendingLen;
      pending.set(src.subarray(0, used), pendingLen);
      this.run(pending, out.subarray(0, 16));
      this.#pendingLen = 0;
    }
    const bulk = outLen - (completesPending ? 16 : 0);
    if (bulk > 0) this.run(src.subarray(used, used + bulk), out.subarray(outLen - bulk, outLen));
    used += bulk;
    const base = this.#pendingLen;
    pending.set(src.subarray(used), base);
    this.#pendingLen = base + src.length - used;
    return out;
  }

  final(output?: Uint8Array): Uint8Array {
    this.assertOpen();
    const pending = this.#pending;
    const pendingLen = this.#pendingLen;
    try {
      if (this.padding === "none") {
        if (pendingLen !== 0) {
          throw new DataLengthError(`data must be a multiple of 16 bytes with padding off (${pendingLen} left over)`);
        }
        return outputFor(output, 0);
      }
      if (this.encrypting) {
        const out = outputFor(output, 16);
        const block = new Uint8Array(16);
        padBlock(this.padding, pending.subarray(0, pendingLen), block);
        this.run(block, out);
        block.fill(0);
        return out;
      }
      if (pendingLen !== 16) {
        throw new DataLengthError("padded ciphertext must be a non-empty multiple of 16 bytes");
      }
      const block = new Uint8Array(16);
      this.run(pending, block);
      const n = unpaddedLength(this.padding, block);
      if (n < 0) {
        block.fill(0);
        throw new DecryptionError();
      }
      let out: Uint8Array;
      try {
        out = outputFor(output, n);
      } catch (e) {
        block.fill(0);
        throw e;
      }
      out.set(block.subarray(0, n));
      block.fill(0);
      return out;
    } finally {
      pending.fill(0);
      this.finish();
    }
  }

  /** @internal */
  oneShot(data: Uint8Array, output?: Uint8Array): Uint8Array {
    try {
      const len = byteLengthOf(data);
      if (this.padding === "none" && len % 16 !== 0) {
        throw new DataLengthError(`data must be a multiple of 16 bytes with padding off, got ${len}`);
      }
      if (!this.encrypting && this.padding !== "none" && (len === 0 || len % 16 !== 0)) {
        throw new DataLengthError(`padded ciphertext must be a non-empty multiple of 16 bytes, got ${len}`);
      }
      const padded = this.encrypting && this.padding !== "none" ? len - (len % 16) + 16 : len;
      if (padded <= this.key.core.ioSize) return this.oneShotInWindow(data, len, output, padded);
      const src = asBytes(data);
      if (this.encrypting) {
        const body = len - (len % 16);
        const out = outputFor(output, this.padding === "none" ? len : body + 16);
        this.update(src, out.subarray(0, body));
        this.final(out.subarray(body));
        return out;
      }
      const out = outputFor(output, len);
      // The pad is checked before anything is written: a bad pad leaves `out` as it was.
      if (this.padding !== "none") this.#checkLastBlock(src);
      const body = this.update(src, out).length;
      const tail = this.final(out.subarray(body));
      return out.subarray(0, body + tail.length);
    } finally {
      this.finish();
    }
  }

  /**
   * Decrypts the last block of a padded ciphertext alone (in the IO window; for CBC XORed with
   * the block before it) and checks its pad: DecryptionError, with nothing written anywhere,
   * if it is bad. `src` holds at least two blocks.
   */
  #checkLastBlock(src: Uint8Array): void {
    const core = this.key.core;
    const { mem, io, k } = core;
    const len = src.length;
    mem.set(src.subarray(len - 16), io);
    k.decryptOne(this.key.slot, io, io);
    if (this.#chained) for (let i = 0; i < 16; i++) mem[io + i]! ^= src[len - 32 + i]!;
    const last = unpaddedLengthAt(this.padding as Exclude<Padding, "none">, mem, io);
    wipeWindow(core, 16);
    if (last < 0) throw new DecryptionError();
  }

  /**
   * A whole message (`len` bytes) that fits the IO window (`padded` bytes with its padding): copied in,
   * padded or unpadded there, one kernel call, one copy out; the streaming machinery (pending
   * block, subarray views) costs more than the AES for a short message. Checks done by oneShot.
   * The whole input is in the window before any output is written, so any overlap is fine.
   */
  private oneShotInWindow(data: unknown, len: number, output: Uint8Array | undefined, padded: number): Uint8Array {
    this.assertOpen();
    const core = this.key.core;
    const { mem, io } = core;
    // The caller's buffer is checked before anything runs (a decryption needs room for all
    // `len` bytes, as in the streaming path, though the pad is not returned).
    const out = output === undefined ? undefined : outputFor(output, this.encrypting ? padded : len);
    copyBytesInto(data, mem, io); // `data` is the caller's object, `len` its byteLengthOf
    const padding = this.padding;
    let n = padded;
    if (this.encrypting) {
      if (padding !== "none") padInPlace(padding, mem, io + padded - 16, len % 16);
      this.runKernel(padded);
    } else {
      this.runKernel(len);
      if (padding !== "none") {
        const last = unpaddedLengthAt(padding, mem, io + len - 16);
        if (last < 0) {
          // A bad pad releases nothing and leaves no plaintext behind; nothing was written to
          // the caller's buffer.
          wipeWindow(core, len);
          throw new DecryptionError();
        }
        n = len - 16 + last;
      }
    }
    let result: Uint8Array;
    if (out === undefined) {
      result = mem.slice(io, io + n);
    } else {
      out.set(mem.subarray(io, io + n));
      result = n === out.length ? out : out.subarray(0, n);
    }
    wipeWindow(core, padded);
    return result;
  }
}

opaque(ByteStream, "ByteStream", (s) => ({ bits: (s as unknown as { key: AesKey }).key.bits }));
opaque(BlockStream, "BlockStream", (s) => ({ bits: (s as unknown as { key: AesKey }).key.bits }));
