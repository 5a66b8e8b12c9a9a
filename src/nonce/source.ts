// NonceSource: initial CTR counter blocks that stay unique when state is lost.
//
// Block layout (big-endian):  N N N N N N | 0 | C C C C C C C C C
//   N: 48-bit nonce, next = max(last + 1, now_ms). Strictly increasing while the store holds;
//      after a store reset the wall clock keeps it above what was handed out before.
//   0: a zero byte, so a message of up to 2^80 − 2^72 blocks never counts into the next N.
//   C: 72 random bits per message; if the store is reset *and* the clock goes back, two
//      messages with the same N collide only if their block ranges overlap (docs/nonces.md).
// The whole block increments as one 128-bit integer (counterBits 128, as OpenSSL and Java).
//
// Write-ahead: a nonce is inside a range already durable in the store before it is returned.
// To avoid one store write per message, each write reserves `reserve` values ahead.
//
// Options are read from their own properties only (own.ts): a polluted Object.prototype cannot
// supply a `random`, a `now` or a `reserve` the caller never gave.
import { StateError, InputTypeError } from "../errors.js";
import type { CtrOptions } from "../modes/ctr.js";
import { NonceExhaustedError, NonceStoreCorruptError } from "./errors.js";
import { functionOption, integerOption, ownOptions } from "./own.js";
import { NONCE_MAX, type NonceStore } from "./stores.js";

/** The most blocks a message can have before its counter would reach the next N's range. */
export const MAX_BLOCKS_PER_MESSAGE_LIMIT = 2 ** 80 - 2 ** 72;
/** Default per-message limit: 2^32 blocks = 64 GiB (keeps the degraded-case odds small). */
export const DEFAULT_MAX_BLOCKS_PER_MESSAGE = 2 ** 32;
/** Default reservation: one store write per 1000 nonces (about a second of clock). */
export const DEFAULT_NONCE_RESERVE = 1000;

export interface NonceSourceOptions {
  /** Where the high-water mark persists (MemoryNonceStore, FileNonceStore, IndexedDbNonceStore). */
  store: NonceStore;
  /**
   * Values reserved per store write (default 1000). 1 writes on every next(). Larger values
   * cost fewer writes, but let nonces run further ahead of the clock when several sources share
   * a store, which weakens the clock's protection after a store reset by that many ms.
   */
  reserve?: number;
  /** Blocks one message may use (default 2^32); CTR modes made with `ctrOptions` enforce it. */
  maxBlocksPerMessage?: number;
  /** Milliseconds since the Unix epoch (default Date.now). Injectable for tests. */
  now?: () => number;
  /** Fills its argument with random bytes (default crypto.getRandomValues). Injectable for tests. */
  random?: (bytes: Uint8Array) => void;
}

export class NonceSource {
  readonly reserve: number;
  readonly maxBlocksPerMessage: number;
  readonly #store: NonceStore;
  readonly #now: () => number;
  readonly #random: (bytes: Uint8Array) => void;
  #last = -1; // largest N handed out by this source
  #reservedUpTo = -1; // this source owns every N in (its last store read, #reservedUpTo]
  #queue: Promise<unknown> = Promise.resolve(); // the mutex: draws run one after another

  constructor(options: NonceSourceOptions) {
    if (options === null || typeof options !== "object") {
      throw new InputTypeError("NonceSource needs { store } with an advance() method");
    }
    const o = ownOptions(options, ["store", "reserve", "maxBlocksPerMessage", "now", "random"], "NonceSource options");
    const store = o.store as NonceStore | undefined;
    // The store is an object of the caller's class: its advance() may live on its prototype.
    if (!store || typeof store !== "object" || typeof store.advance !== "function") {
      throw new InputTypeError("NonceSource needs { store } with an advance() method");
    }
    this.#store = store;
    this.reserve = integerOption(o.reserve, DEFAULT_NONCE_RESERVE, 1, NONCE_MAX, "reserve");
    this.maxBlocksPerMessage = integerOption(o.maxBlocksPerMessage, DEFAULT_MAX_BLOCKS_PER_MESSAGE,
      1, MAX_BLOCKS_PER_MESSAGE_LIMIT, "maxBlocksPerMessage");
    this.#now = functionOption(o.now, Date.now, "now");
    this.#random = functionOption(o.random, (b: Uint8Array) => { globalThis.crypto.getRandomValues(b); }, "random");
  }

  /** The CTR options that go with this source's blocks: `key.ctr(block, source.ctrOptions)`. */
  get ctrOptions(): Required<CtrOptions> {
    // Null prototype: whatever reads these options finds nothing else on them.
    return Object.assign(Object.create(null) as Required<CtrOptions>, { counterBits: 128 as const, maxBlocks: this.maxBlocksPerMessage });
  }

  /** A fresh 16-byte initial counter block. Concurrent calls never share an N. */
  next(): Promise<Uint8Array> {
    const draw = this.#queue.then(() => this.#draw());
    this.#queue = draw.catch(() => undefined); // one failed draw must not block the ones after it
    return draw;
  }

  async #draw(): Promise<Uint8Array> {
    const n = await this.#nextNonce();
    const block = new Uint8Array(16);
    let x = n;
    for (let i = 5; i >= 0; i--) {
      block[i] = x % 256;
      x = Math.floor(x / 256);
    }
    // block[6] stays 0: the headroom byte.
    this.#random(block.subarray(7));
    return block;
  }

  async #nextNonce(): Promise<number> {
    const now = this.#now();
    if (!Number.isFinite(now) || now < 0) throw new StateError(`clock returned ${now}, not a time in ms`);
    const wanted = Math.max(this.#last + 1, Math.floor(now));
    if (wanted <= this.#reservedUpTo) {
      this.#last = wanted;
      return wanted;
    }
    let first = 0;
    let decided: number | undefined;
    const high = await this.#store.advance((stored) => {
      // Above everything any source has reserved from this store, and not below the clock.
      first = Math.max(wanted, stored === null ? 0 : stored + 1);
      if (first > NONCE_MAX) throw new NonceExhaustedError("the 48-bit nonce field is used up");
      return (decided = Math.min(first + this.reserve - 1, NONCE_MAX));
    });
    // A custom store that resolves with something other than the mark it was given to keep
    // (or without asking for one) leaves `first` not known to be durable: refuse to hand it out.
    if (decided === undefined || high !== decided) {
      throw new NonceStoreCorruptError(`the store resolved advance() with ${String(high)}, not the mark ${decided ?? "(decide was never called)"} it was given`);
    }
    this.#reservedUpTo = high;
    this.#last = first;
    return first;
  }
}
