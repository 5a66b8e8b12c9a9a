// AesKeyBase: one expanded key in a key block of the core's memory. Expanded once, reused by
// every mode object made from it; dispose() zeroes it. A key needs no dispose() to stay cheap: at
// most RESIDENT_LIMIT blocks stay in WASM memory, the least recently used move to JS memory
// (./key-residency.ts), so forgotten keys cost what forgotten JS objects cost.
// It has no mode methods: the mode functions (./mode-functions/: ctr(key, iv), gcm(key, iv)...)
// take it, so a bundle carries only the modes an app calls. AesKey (./key.ts) adds the methods.
import { asBytes, byteLengthOf, copyBytesInto, outputFor } from "./bytes.js";
import { DataLengthError, DisposedError, InputTypeError, KeyLengthError } from "./errors.js";
import { RECLAIM, track, untrack, type Reclaimer, type Tracked } from "./lifetime.js";
import { KeyBlock, residencyOf } from "./key-residency.js";
import { activeCore } from "./wasm/backend.js";
import type { Core } from "./wasm/core.js";
import { opaque } from "./modes/guard.js";

export class AesKeyBase implements Reclaimer {
  /** Key size in bits: 128, 192 or 256. */
  readonly bits: 128 | 192 | 256;
  // Private (not a property): JSON.stringify, util.inspect and structuredClone must never reach
  // the core, whose memory view would serialise as all of WASM memory.
  readonly #core: Core;
  /** Where the key's block is (WASM memory, or saved in JS memory while evicted). */
  readonly #block: KeyBlock;
  #disposed = false;
  /** The lease of the stream holding the key's own state slot (inside the block), if one does. */
  #ownLease: Tracked | undefined;
  /** Extra state slots lent to live streams while the own one was taken (dispose() wipes them). */
  #extras: Set<Tracked> | undefined;

  constructor(keyBytes: Uint8Array) {
    const length = byteLengthOf(keyBytes, "key");
    if (length !== 16 && length !== 24 && length !== 32) {
      throw new KeyLengthError(`key must be 16, 24 or 32 bytes, got ${length}`);
    }
    this.bits = (length * 8) as 128 | 192 | 256;
    const core = (this.#core = activeCore());
    const block = (this.#block = new KeyBlock(residencyOf(core)));
    block.keyLength = length;
    const slot = block.residency.load(block, this);
    // The raw key goes where round key 0 goes (the first Nk schedule words are the key itself)
    // and is expanded in place: it never sits outside the slot that dispose() wipes, nor in a
    // copy in the JS heap.
    const roundKeys = slot + core.layout.KEY_ENC;
    try {
      copyBytesInto(keyBytes, core.mem, roundKeys, "key");
    } catch (e) {
      this.dispose();
      throw e;
    }
    // Decryption round keys are derived on first need: CTR, OFB and CFB never use them.
    core.k.expandEncryptionKey(slot, roundKeys, length);
  }

  /**
   * @internal Refuses anything that is not a key made by this library (aesKey(), aesKeyBase()): a
   * plain object carrying a real key's `slot` and `core` would otherwise run a mode on whatever key
   * occupies that slot, outside the key's lifetime tracking. The modes call it on every key given.
   */
  static check<K extends AesKeyBase>(key: K): K {
    if (typeof key !== "object" || key === null || !(#block in key)) {
      const got = key === null ? "null" : typeof key !== "object" ? typeof key : `an object (${(key as object).constructor?.name ?? "no constructor"}) that is not one`;
      throw new InputTypeError(`key must be a key made by aesKey() or aesKeyBase(), got ${got}`);
    }
    return key;
  }

  /** @internal The backend this key lives in. */
  get core(): Core {
    return this.#core;
  }

  /**
   * @internal The key slot address, valid until the caller's synchronous work ends (or while a lease
   * pins the block); throws DisposedError after dispose(). (For modes and tests.)
   */
  get slot(): number {
    const b = this.#block;
    if (b.ptr < 0) {
      if (this.#disposed) throw new DisposedError();
      return b.residency.load(b, this); // evicted: back into WASM memory
    }
    b.used = true;
    b.touched = b.residency.epoch;
    return b.ptr;
  }

  get disposed(): boolean {
    return this.#disposed;
  }

  /** @internal Makes the decryption round keys available (ECB/CBC decryption, decryptBlock). */
  prepareDecryption(): void {
    const slot = this.slot;
    if (this.#block.decryption) return;
    this.#core.k.expandDecryptionKey(slot);
    this.#block.decryption = true;
  }

  /**
   * @internal A state slot for a stream (`lease.ptr`): the key's own slot if free, else a new one. Either
   * is tracked against `owner`: if the owner is collected without releaseState(), the slot is
   * wiped and given back. Give it back with releaseState(lease).
   */
  acquireState(owner: object): Tracked {
    const slot = this.slot; // DisposedError; resident from here on (pinned below)
    const core = this.#core;
    const size = core.layout.STATE_SLOT_SIZE;
    this.#block.pins++;
    if (this.#ownLease === undefined) {
      return (this.#ownLease = track(owner, core, slot + core.layout.KEY_SLOT_SIZE, size, this));
    }
    const lease = track(owner, core, core.allocStateSlot(), size, this);
    (this.#extras ??= new Set()).add(lease);
    return lease;
  }

  /**
   * @internal Tracks a slot a stream of this key allocated itself (e.g. GCM's GHASH slot, of `size`
   * bytes from the core) like an extra state slot: wiped and freed by releaseState(lease), by
   * dispose(), or when `owner` is collected.
   */
  adoptSlot(owner: object, ptr: number, size: number): Tracked {
    this.slot; // DisposedError
    this.#block.pins++; // a stream is running: its key's block stays where it is
    const lease = track(owner, this.#core, ptr, size, this);
    (this.#extras ??= new Set()).add(lease);
    return lease;
  }

  /** @internal Wipes a state slot from acquireState (or adoptSlot) and gives it back. Idempotent; a no-op after dispose(). */
  releaseState(lease: Tracked): void {
    if (!lease.live) return; // given back already, or wiped by dispose()
    untrack(lease);
    this.#takeBack(lease);
  }

  /**
   * The lifetime safety net: `lease`'s owner was collected without releaseState(). Kept in the
   * public .d.ts (not stripped) because AesKey `implements Reclaimer` there; RECLAIM itself is
   * not exported, so no caller can reach it.
   */
  [RECLAIM](lease: Tracked): void {
    if (this.#disposed) return; // dispose() wiped it with the key
    this.#takeBack(lease);
  }

  #takeBack(lease: Tracked): void {
    const core = this.#core;
    if (lease === this.#ownLease) {
      this.#ownLease = undefined;
      core.k.wipe(lease.ptr, lease.size);
      this.#block.pins--;
    } else if (this.#extras?.delete(lease)) {
      core.release(lease.ptr, lease.size);
      this.#block.pins--;
    }
  }

  /**
   * Zeroes the expanded key, the key's state slot and every state slot still lent to an open
   * stream in WASM memory, and frees them. Idempotent. Open streams throw DisposedError after.
   */
  dispose(): void {
    if (this.#disposed) return;
    const core = this.#core;
    if (this.#extras) {
      for (const lease of this.#extras) {
        untrack(lease);
        core.release(lease.ptr, lease.size);
      }
      this.#extras = undefined;
    }
    if (this.#ownLease) {
      untrack(this.#ownLease); // wiped with the key block below
      this.#ownLease = undefined;
    }
    const block = this.#block;
    block.pins = 0;
    block.residency.drop(block, false);
    block.saved?.fill(0); // evicted: the copy in JS memory
    block.saved = undefined;
    this.#disposed = true;
  }

  /** Encrypts one 16-byte block. */
  encryptBlock(block: Uint8Array, output?: Uint8Array): Uint8Array {
    return this.#one(block, output, true);
  }

  /** @internal One block either way: AesKey's decryptBlock (the CTR core has no decryption kernels, so AesKeyBase has none). */
  oneBlock(block: Uint8Array, output: Uint8Array | undefined, encrypt: boolean): Uint8Array {
    return this.#one(block, output, encrypt);
  }

  #one(block: Uint8Array, output: Uint8Array | undefined, encrypt: boolean): Uint8Array {
    const b = asBytes(block, "block");
    if (b.length !== 16) throw new DataLengthError(`block must be 16 bytes, got ${b.length}`);
    const out = outputFor(output, 16); // checked before anything runs
    if (!encrypt) this.prepareDecryption();
    const slot = this.slot;
    const { mem, io, k } = this.#core;
    mem.set(b, io);
    if (encrypt) k.encryptOne(slot, io, io);
    else k.decryptOne(slot, io, io);
    out.set(mem.subarray(io, io + 16)); // the block is in the window: any overlap is fine
    k.wipe(io, 16); // a plaintext or keystream block
    return out;
  }
}

opaque(AesKeyBase, "AesKey", (k) => ({ bits: k.bits }));

if (typeof Symbol.dispose === "symbol") {
  (AesKeyBase.prototype as unknown as Record<symbol, () => void>)[Symbol.dispose] = AesKeyBase.prototype.dispose;
}

/** Expands a 16-, 24- or 32-byte key, without mode methods: pass it to the mode functions (ctr(key, iv)...). */
export function aesKeyBase(keyBytes: Uint8Array): AesKeyBase {
  return new AesKeyBase(keyBytes);
}
