// CTR (SP 800-38A §6.5). Safety: a counter block must never be used twice under one key —
// with a random or NonceSource-made initial block per message and the counter space checked
// here, it is not. No integrity.
//
// counterBits = 128 increments the whole block as one big-endian integer (OpenSSL, Node);
// counterBits = n < 128 advances only the low n bits and wraps within them (WebCrypto's
// `length`). Either way a stream makes at most 2^n blocks: one more is CounterExhaustedError,
// raised before any byte of the offending chunk is processed.
import { CounterExhaustedError, StateError } from "../errors.js";
import { checkCounterBits, counterMask } from "../counter.js";
import type { AesKey } from "../key.js";
import { Mode } from "./base.js";
import { ByteStream, checkIv, type BulkKernel } from "./stream.js";

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

  constructor(key: AesKey, counterBlock: Uint8Array, options: CtrOptions = {}) {
    super(key, checkIv(counterBlock, "counter block").slice());
    this.counterBits = checkCounterBits(options.counterBits ?? 128);
    // A JS process cannot stream 2^49 blocks (2^53 bytes), so wider counters need no limit.
    const space = this.counterBits >= 49 ? Infinity : 2 ** this.counterBits;
    const max = options.maxBlocks ?? Infinity;
    if (!(max === Infinity || (Number.isInteger(max) && max >= 0))) {
      throw new StateError(`maxBlocks must be a non-negative integer, got ${max}`);
    }
    this.maxBlocks = Math.min(space, max);
  }

  protected stream(_encrypt: boolean): CtrStream {
    return new CtrStream(this.key, this.iv!, this.counterBits, this.maxBlocks);
  }
}

export class CtrStream extends ByteStream {
  private bytesDone = 0;

  constructor(key: AesKey, counterBlock: Uint8Array, private readonly counterBits: number,
    private readonly maxBlocks: number) {
    super(key, kernel, counterBlock);
    const core = key.core;
    core.mem.set(counterMask(counterBits), this.state + core.layout.STATE_CTR_MASK);
  }

  protected override beforeUpdate(length: number): void {
    const blocks = Math.ceil((this.bytesDone + length) / 16);
    if (blocks > this.maxBlocks) {
      throw new CounterExhaustedError(
        `this CTR stream allows ${this.maxBlocks} blocks (${this.counterBits}-bit counter); the data needs ${blocks}`);
    }
    this.bytesDone += length;
  }
}
