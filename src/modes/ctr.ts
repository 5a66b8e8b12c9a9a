// CTR (SP 800-38A §6.5). Safety: a counter block must never be used twice under one key —
// with a random or NonceSource-made initial block per message and the counter space checked
// here, it is not. No integrity.
//
// counterBits = 128 increments the whole block as one big-endian integer (OpenSSL, Node);
// counterBits = n < 128 advances only the low n bits and wraps within them (WebCrypto's
// `length`). Either way a stream makes at most 2^n blocks: one more is CounterExhaustedError,
// raised before any byte of the offending chunk is processed.
//
// Random access: block i of the keystream is AES_k(counter block i), and counter block i is
// the initial block advanced i times under the same rule, so keystreamBlock(i) and seek() need
// no state but the initial block (this is also what lets a worker pool split a message).
import { CounterExhaustedError, show, StateError } from "../errors.js";
import { addToCounter, checkCounterBits, counterMask, counterSpace, toBlockIndex } from "../counter.js";
import type { AesKey } from "../key.js";
import { Mode } from "./base.js";
import { ByteStream, checkIv, ivCopy, type BulkKernel } from "./stream.js";
import { opaque, readOptions } from "./guard.js";

const kernel: BulkKernel = (k, key, state, io, n) => k.ctr(key, state, io, n);

export interface CtrOptions {
  /** How many low bits of the counter block advance: 128 (default) down to 1. */
  counterBits?: number;
  /**
   * At most this many blocks per stream (e.g. NonceSource's maxBlocksPerMessage, so one message
   * cannot run into the counter range of the next). Default: the whole counter space.
   */
  maxBlocks?: number;
}

export class CtrMode extends Mode<CtrStream> {
  readonly counterBits: number;
  readonly maxBlocks: number;

  constructor(key: AesKey, counterBlock: Uint8Array, options?: CtrOptions) {
    super(key, ivCopy(counterBlock, "counter block")); // a private copy: seek() reads it
    const o = readOptions(options, ["counterBits", "maxBlocks"], "CTR options");
    this.counterBits = checkCounterBits(o.counterBits ?? 128);
    // A JS process cannot stream 2^49 blocks (2^53 bytes), so wider counters need no limit.
    const space = this.counterBits >= 49 ? Infinity : 2 ** this.counterBits;
    const max = o.maxBlocks ?? Infinity;
    if (!(max === Infinity || (Number.isInteger(max) && max >= 0))) {
      throw new StateError(`maxBlocks must be a non-negative integer, got ${show(max)}`);
    }
    this.maxBlocks = Math.min(space, max);
  }

  /**
   * Keystream block `i` (0-based): AES_k(counter block i), where counter block i is the
   * initial block advanced i times within the low `counterBits` bits. Encrypting byte `b` of a
   * message XORs it with byte `b % 16` of keystreamBlock(floor(b / 16)).
   * CounterExhaustedError if `i` is past the stream's block limit.
   */
  keystreamBlock(i: number | bigint, output?: Uint8Array): Uint8Array {
    const index = toBlockIndex(i);
    const limit = this.maxBlocks === Infinity ? counterSpace(this.counterBits) : BigInt(this.maxBlocks);
    if (index >= limit) {
      throw new CounterExhaustedError(`block ${index} is past this CTR stream's ${limit} blocks (${this.counterBits}-bit counter)`);
    }
    const block = addToCounter(this.iv!, index, this.counterBits);
    try {
      return this.key.encryptBlock(block, output);
    } finally {
      block.fill(0);
    }
  }

  protected stream(encrypt: boolean): CtrStream {
    return new CtrStream(this.key, this.iv!, this.counterBits, this.maxBlocks, encrypt);
  }
}

/**
 * A stream straight from a key, for callers that make exactly one stream and never seek (the
 * node:crypto facade): no mode object and no copy of the counter block, which the stream
 * copies into WASM memory at once. 128-bit counter, no block limit (OpenSSL's aes-*-ctr).
 */
export function ctrStreamOnce(key: AesKey, counterBlock: Uint8Array, encrypt: boolean): CtrStream {
  checkIv(counterBlock, "counter block");
  return new CtrStream(key, counterBlock, 128, Infinity, encrypt, /* seekable */ false);
}

export class CtrStream extends ByteStream {
  private bytesDone = 0;
  /** Bytes an encryptor has already produced: it may not seek back below this. */
  private highWater = 0;
  /** The initial counter block (the mode's private copy; never written), or null: not seekable. */
  private readonly initial: Uint8Array | null;

  constructor(key: AesKey, counterBlock: Uint8Array, private readonly counterBits: number,
    private readonly maxBlocks: number, private readonly encrypting = false, seekable = true) {
    super(key, kernel, counterBlock);
    // Seekable streams come from a CtrMode, with the mode's private copy; others (ctrStreamOnce)
    // get the caller's object, which is only copied (in super) and not kept.
    this.initial = seekable ? counterBlock : null;
    const core = key.core;
    core.mem.set(counterMask(counterBits), this.state + core.layout.STATE_CTR_MASK);
  }

  /** Byte offset in the message of the next byte update() will process. */
  get position(): number {
    return this.bytesDone;
  }

  /**
   * Moves to byte `byteOffset` of the message: the next update() processes bytes from there,
   * exactly as if the bytes before it had been passed through update(). A decryptor may seek
   * anywhere; an encryptor only forward, since going back and encrypting other bytes over the
   * same positions would reuse keystream (StateError).
   */
  seek(byteOffset: number): this {
    this.assertOpen();
    const initial = this.initial;
    if (initial === null) throw new StateError("this CTR stream cannot seek (made without its mode's copy of the counter block)");
    if (!Number.isSafeInteger(byteOffset) || byteOffset < 0) {
      throw new StateError(`byteOffset must be a non-negative safe integer, got ${show(byteOffset)}`);
    }
    if (Math.ceil(byteOffset / 16) > this.maxBlocks) {
      throw new CounterExhaustedError(
        `offset ${byteOffset} is past this CTR stream's ${this.maxBlocks} blocks (${this.counterBits}-bit counter)`);
    }
    if (this.encrypting && byteOffset < this.highWater) {
      throw new StateError(`an encryptor cannot seek back to ${byteOffset} (already encrypted up to ${this.highWater}): that would reuse keystream`);
    }
    const core = this.key.core;
    const { STATE_REG, STATE_KS, STATE_POS } = core.layout;
    const block = BigInt(Math.floor(byteOffset / 16));
    const within = byteOffset % 16;
    const mem = core.mem;
    if (within !== 0) {
      // Mid-block: the kernel continues from the keystream block in STATE_KS at STATE_POS,
      // with the register already holding the next counter block.
      const ks = this.state + STATE_KS;
      mem.set(addToCounter(initial, block, this.counterBits), ks);
      core.k.encryptOne(this.key.slot, ks, ks);
      mem.set(addToCounter(initial, block + 1n, this.counterBits), this.state + STATE_REG);
    } else {
      mem.set(addToCounter(initial, block, this.counterBits), this.state + STATE_REG);
    }
    new DataView(mem.buffer, mem.byteOffset).setUint32(this.state + STATE_POS, within, true);
    this.bytesDone = byteOffset;
    return this;
  }

  protected override beforeUpdate(length: number): void {
    const blocks = Math.ceil((this.bytesDone + length) / 16);
    if (blocks > this.maxBlocks) {
      throw new CounterExhaustedError(
        `this CTR stream allows ${this.maxBlocks} blocks (${this.counterBits}-bit counter); the data needs ${blocks}`);
    }
    this.bytesDone += length;
    this.highWater = Math.max(this.highWater, this.bytesDone);
  }

}

opaque(CtrMode, "CtrMode", (m) => ({ bits: m.key.bits }));
opaque(CtrStream, "CtrStream", (s) => ({ bits: (s as unknown as { key: AesKey }).key.bits, position: s.position }));
