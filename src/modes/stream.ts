// Streams over the bulk kernels: update()/final() with any split of the input giving the same
// bytes as one call (Go's Stream contract). Data moves through the core's IO window one chunk
// at a time: one copy in, one kernel call, one copy out.
import { asBytes } from "../bytes.js";
import { DataLengthError, DecryptionError, IvLengthError, StateError } from "../errors.js";
import { padBlock, padInPlace, unpaddedLength, unpaddedLengthAt, PADDINGS, type Padding } from "../padding.js";
import type { CoreKernels } from "../wasm/abi.js";
import type { AesKey } from "../key.js";

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

export function checkIv(iv: unknown, what = "iv"): Uint8Array {
  const b = asBytes(iv, what);
  if (b.length !== 16) throw new IvLengthError(`${what} must be 16 bytes, got ${b.length}`);
  return b;
}

export function checkPadding(padding: unknown): Padding {
  if (!PADDINGS.includes(padding as Padding)) {
    throw new StateError(`padding must be one of ${PADDINGS.join(", ")}, got ${JSON.stringify(padding)}`);
  }
  return padding as Padding;
}

/** The output region for `n` bytes: the caller's buffer (checked) or a new one. */
export function outputFor(output: Uint8Array | undefined, n: number): Uint8Array {
  if (output === undefined) return n === 0 ? emptyBytes() : new Uint8Array(n);
  const out = asBytes(output, "output");
  if (out.length < n) throw new DataLengthError(`output has room for ${out.length} bytes, needs ${n}`);
  return out.subarray(0, n);
}

/**
 * A new empty array (every final() of a stream mode returns one), from its own allocation
 * site: `new Uint8Array([])` in outputFor (an earlier workaround for a slow `new Uint8Array(0)`
 * there) cost ~7 % of a 64-byte createCipheriv message more than this, measured A/B.
 */
function emptyBytes(): Uint8Array {
  return new Uint8Array(0);
}

/** A stream owning one state slot, running one kernel of its key's core. */
export abstract class KernelStream implements CipherStream {
  protected readonly key: AesKey;
  protected readonly state: number;
  private readonly kernel: BulkKernel;
  private finished = false;

  constructor(key: AesKey, kernel: BulkKernel, iv: Uint8Array | null) {
    key.slot; // throws DisposedError early
    this.key = key;
    this.kernel = kernel;
    const core = key.core;
    this.state = key.acquireState(this);
    if (iv) core.mem.set(iv, this.state + core.layout.STATE_REG);
  }

  abstract update(data: Uint8Array, output?: Uint8Array): Uint8Array;
  abstract final(output?: Uint8Array): Uint8Array;
  /** Encrypts or decrypts a whole message: exactly one update and final into one buffer. */
  abstract oneShot(data: Uint8Array, output?: Uint8Array): Uint8Array;

  protected assertOpen(): void {
    if (this.finished) throw new StateError("stream already finished: final() was called");
    this.key.slot; // DisposedError if the key is gone
  }

  /** Runs `src` through the kernel into `dst` (same length), chunk by chunk. */
  protected run(src: Uint8Array, dst: Uint8Array, unitsPerByte = 1, units = src.length * unitsPerByte): void {
    const core = this.key.core;
    const { io, ioSize, k } = core;
    const key = this.key.slot;
    const kernel = this.kernel;
    const mem = core.mem;
    for (let off = 0; off < src.length; off += ioSize) {
      const n = Math.min(ioSize, src.length - off);
      // A message that fits the window (the common case) is copied without a subarray view:
      // making one costs more than the copy for short messages, most of all on a Node Buffer.
      mem.set(n === src.length ? src : src.subarray(off, off + n), io);
      kernel(k, key, this.state, io, Math.min(n * unitsPerByte, units - off * unitsPerByte));
      dst.set(mem.subarray(io, io + n), off);
    }
  }

  /** Runs the kernel over the first `n` bytes of the IO window, in place. */
  protected runKernel(n: number): void {
    this.kernel(this.key.core.k, this.key.slot, this.state, this.key.core.io, n);
  }

  /** As run(), into a new array: for a message that fits the window, one slice() allocates and copies. */
  protected runToNew(src: Uint8Array, unitsPerByte = 1): Uint8Array {
    const core = this.key.core;
    if (src.length > core.ioSize) {
      const out = new Uint8Array(src.length);
      this.run(src, out, unitsPerByte);
      return out;
    }
    const { io, mem } = core;
    mem.set(src, io);
    this.runKernel(src.length * unitsPerByte);
    return mem.slice(io, io + src.length);
  }

  /** Wipes and frees the state slot; the stream cannot be used afterwards. */
  protected finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.key.releaseState(this.state, this);
  }
}

/** CFB, OFB, CTR: every byte in is a byte out, immediately. */
export class ByteStream extends KernelStream {
  constructor(key: AesKey, kernel: BulkKernel, iv: Uint8Array, private readonly unitsPerByte = 1) {
    super(key, kernel, iv);
  }

  update(data: Uint8Array, output?: Uint8Array): Uint8Array {
    const src = asBytes(data);
    this.assertOpen();
    this.beforeUpdate(src.length);
    if (output === undefined) return this.runToNew(src, this.unitsPerByte);
    const out = outputFor(output, src.length);
    this.run(src, out, this.unitsPerByte);
    return out;
  }

  final(output?: Uint8Array): Uint8Array {
    this.assertOpen();
    this.finish();
    return outputFor(output, 0);
  }

  oneShot(data: Uint8Array, output?: Uint8Array): Uint8Array {
    try {
      return this.update(data, output);
    } finally {
      this.finish();
    }
  }

  /** CFB1 only: processes the first `bitLength` bits of `src` (most significant first). */
  runBits(src: Uint8Array, dst: Uint8Array, bitLength: number): void {
    this.assertOpen();
    this.run(src, dst, 8, bitLength);
  }

  /** Hook for checks that must refuse a chunk before any of it is processed. */
  protected beforeUpdate(_length: number): void {}
}

/**
 * ECB and CBC: whole blocks only. Encryption keeps a partial block until more data or final();
 * decryption with padding also holds back the last full block, since it holds the pad.
 */
export class BlockStream extends KernelStream {
  private readonly pending = new Uint8Array(16);
  private pendingLen = 0;

  constructor(key: AesKey, kernel: BulkKernel, iv: Uint8Array | null, private readonly encrypting: boolean,
    private padding: Padding) {
    super(key, kernel, iv);
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
    const total = this.pendingLen + src.length;
    let outLen = total - (total % 16);
    if (!this.encrypting && this.padding !== "none" && outLen === total && outLen > 0) outLen -= 16;
    const out = outputFor(output, outLen);
    let used = 0;
    const completesPending = outLen > 0 && this.pendingLen > 0;
    if (completesPending) {
      // The output runs ahead of the input by pendingLen bytes: never read from a region
      // already overwritten when the caller processes in place.
      if (out.buffer === src.buffer) src = src.slice();
      used = 16 - this.pendingLen;
      this.pending.set(src.subarray(0, used), this.pendingLen);
      this.run(this.pending, out.subarray(0, 16));
      this.pendingLen = 0;
    }
    const bulk = outLen - (completesPending ? 16 : 0);
    this.run(src.subarray(used, used + bulk), out.subarray(outLen - bulk, outLen));
    used += bulk;
    this.pending.set(src.subarray(used), this.pendingLen);
    this.pendingLen += src.length - used;
    return out;
  }

  final(output?: Uint8Array): Uint8Array {
    this.assertOpen();
    try {
      if (this.padding === "none") {
        if (this.pendingLen !== 0) {
          throw new DataLengthError(`data must be a multiple of 16 bytes with padding off (${this.pendingLen} left over)`);
        }
        return outputFor(output, 0);
      }
      if (this.encrypting) {
        const block = new Uint8Array(16);
        padBlock(this.padding, this.pending.subarray(0, this.pendingLen), block);
        const out = outputFor(output, 16);
        this.run(block, out);
        return out;
      }
      if (this.pendingLen !== 16) {
        throw new DataLengthError("padded ciphertext must be a non-empty multiple of 16 bytes");
      }
      const block = new Uint8Array(16);
      this.run(this.pending, block);
      const n = unpaddedLength(this.padding, block);
      if (n < 0) {
        block.fill(0);
        throw new DecryptionError();
      }
      const out = outputFor(output, n);
      out.set(block.subarray(0, n));
      block.fill(0);
      return out;
    } finally {
      this.pending.fill(0);
      this.finish();
    }
  }

  oneShot(data: Uint8Array, output?: Uint8Array): Uint8Array {
    const src = asBytes(data);
    const len = src.length;
    try {
      if (this.padding === "none" && len % 16 !== 0) {
        throw new DataLengthError(`data must be a multiple of 16 bytes with padding off, got ${len}`);
      }
      if (!this.encrypting && this.padding !== "none" && (len === 0 || len % 16 !== 0)) {
        throw new DataLengthError(`padded ciphertext must be a non-empty multiple of 16 bytes, got ${len}`);
      }
      const padded = this.encrypting && this.padding !== "none" ? len - (len % 16) + 16 : len;
      if (padded <= this.key.core.ioSize) return this.oneShotInWindow(src, output, padded);
      if (this.encrypting) {
        const body = len - (len % 16);
        const out = outputFor(output, this.padding === "none" ? len : body + 16);
        this.update(src, out.subarray(0, body));
        this.final(out.subarray(body));
        return out;
      }
      const out = outputFor(output, len);
      const body = this.update(src, out).length;
      try {
        const tail = this.final(out.subarray(body));
        return out.subarray(0, body + tail.length);
      } catch (e) {
        out.fill(0); // a bad pad releases nothing
        throw e;
      }
    } finally {
      this.finish();
    }
  }

  /**
   * A whole message that fits the IO window (`padded` bytes with its padding): copied in,
   * padded or unpadded there, one kernel call, one copy out; the streaming machinery (pending
   * block, subarray views) costs more than the AES for a short message. Checks done by oneShot.
   */
  private oneShotInWindow(src: Uint8Array, output: Uint8Array | undefined, padded: number): Uint8Array {
    this.assertOpen();
    const core = this.key.core;
    const { mem, io } = core;
    const len = src.length;
    // The caller's buffer is checked before anything runs (a decryption needs room for all
    // `len` bytes, as in the streaming path, though the pad is not returned).
    const out = output === undefined ? undefined : outputFor(output, this.encrypting ? padded : len);
    mem.set(src, io);
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
          // A bad pad releases nothing and leaves no plaintext behind; the caller's buffer is
          // zeroed, as the streaming path (which has written into it by then) does.
          core.k.wipe(io, len);
          out?.fill(0);
          throw new DecryptionError();
        }
        n = len - 16 + last;
      }
    }
    if (out === undefined) return mem.slice(io, io + n);
    out.set(mem.subarray(io, io + n));
    return out.subarray(0, n);
  }
}
