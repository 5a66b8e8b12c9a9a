// AesKey: one expanded key living in a key slot of the core's memory. Expanded once, reused
// by every mode object made from it; dispose() zeroes the slot.
import { asBytes, byteLengthOf, copyBytesInto, outputFor } from "./bytes.js";
import { DataLengthError, DisposedError, KeyLengthError } from "./errors.js";
import { RECLAIM, track, untrack, type Reclaimer, type Tracked } from "./lifetime.js";
import { activeCore } from "./wasm/backend.js";
import type { Core } from "./wasm/core.js";
import { EcbMode } from "./modes/ecb.js";
import { CbcMode } from "./modes/cbc.js";
import { CfbMode, type CfbOptions } from "./modes/cfb.js";
import { OfbMode } from "./modes/ofb.js";
import { CtrMode, type CtrOptions } from "./modes/ctr.js";
import type { PaddingOptions } from "./modes/stream.js";
import { GcmMode, type GcmOptions } from "./modes/gcm.js";
import { OcbMode, type OcbOptions } from "./modes/ocb.js";
import { CcmMode, type CcmOptions } from "./modes/ccm.js";
import { KwMode, KwpMode } from "./modes/kw.js";
import { GcmSivMode, type GcmSivOptions } from "./modes/gcm-siv.js";
import { Cmac, type CmacOptions } from "./modes/cmac.js";
import { opaque } from "./modes/guard.js";

export class AesKey implements Reclaimer {
  /** Key size in bits: 128, 192 or 256. */
  readonly bits: 128 | 192 | 256;
  // Private (not a property): JSON.stringify, util.inspect and structuredClone must never reach
  // the core, whose memory view would serialise as all of WASM memory.
  readonly #core: Core;
  #slot: number;
  #decryptionReady = false;
  readonly #ownState: number; // the state slot inside this key's block
  /** The lease of the stream holding the key's own state slot, if one does. */
  #ownLease: Tracked | undefined;
  readonly #tracked: Tracked;
  /** Extra state slots lent to live streams while the own one was taken (dispose() wipes them). */
  #extras: Set<Tracked> | undefined;

  constructor(keyBytes: Uint8Array) {
    const length = byteLengthOf(keyBytes, "key");
    if (length !== 16 && length !== 24 && length !== 32) {
      throw new KeyLengthError(`key must be 16, 24 or 32 bytes, got ${length}`);
    }
    this.bits = (length * 8) as 128 | 192 | 256;
    const core = (this.#core = activeCore());
    this.#slot = core.allocKeyBlock();
    this.#ownState = this.#slot + core.layout.KEY_SLOT_SIZE;
    // The raw key goes where round key 0 goes (the first Nk schedule words are the key itself)
    // and is expanded in place: it never sits outside the slot that dispose() wipes, nor in a
    // copy in the JS heap.
    const roundKeys = this.#slot + core.layout.KEY_ENC;
    copyBytesInto(keyBytes, core.mem, roundKeys, "key");
    // Decryption round keys are derived on first need: CTR, OFB and CFB never use them.
    core.k.expandEncryptionKey(this.#slot, roundKeys, length);
    this.#tracked = track(this, core, this.#slot, core.keyBlockSize);
  }

  /** The backend this key lives in. */
  get core(): Core {
    return this.#core;
  }

  /** The key slot address; throws DisposedError after dispose(). (For modes and tests.) */
  get slot(): number {
    if (this.#slot < 0) throw new DisposedError();
    return this.#slot;
  }

  get disposed(): boolean {
    return this.#slot < 0;
  }

  /** Makes the decryption round keys available (ECB/CBC decryption, decryptBlock). */
  prepareDecryption(): void {
    if (this.#decryptionReady) return;
    this.#core.k.expandDecryptionKey(this.slot);
    this.#decryptionReady = true;
  }

  /**
   * A state slot for a stream (`lease.ptr`): the key's own slot if free, else a new one. Either
   * is tracked against `owner`: if the owner is collected without releaseState(), the slot is
   * wiped and given back. Give it back with releaseState(lease).
   */
  acquireState(owner: object): Tracked {
    this.slot; // DisposedError
    const core = this.#core;
    const size = core.layout.STATE_SLOT_SIZE;
    if (this.#ownLease === undefined) {
      return (this.#ownLease = track(owner, core, this.#ownState, size, this));
    }
    const lease = track(owner, core, core.allocStateSlot(), size, this);
    (this.#extras ??= new Set()).add(lease);
    return lease;
  }

  /**
   * Tracks a slot a stream of this key allocated itself (e.g. GCM's GHASH slot, of `size`
   * bytes from the core) like an extra state slot: wiped and freed by releaseState(lease), by
   * dispose(), or when `owner` is collected.
   */
  adoptSlot(owner: object, ptr: number, size: number): Tracked {
    this.slot; // DisposedError
    const lease = track(owner, this.#core, ptr, size, this);
    (this.#extras ??= new Set()).add(lease);
    return lease;
  }

  /** Wipes a state slot from acquireState (or adoptSlot) and gives it back. Idempotent; a no-op after dispose(). */
  releaseState(lease: Tracked): void {
    if (!lease.live) return; // given back already, or wiped by dispose()
    untrack(lease);
    this.#takeBack(lease);
  }

  /** @internal The lifetime safety net: `lease`'s owner was collected without releaseState(). */
  [RECLAIM](lease: Tracked): void {
    if (this.#slot < 0) return; // dispose() wiped it with the key
    this.#takeBack(lease);
  }

  #takeBack(lease: Tracked): void {
    const core = this.#core;
    if (lease === this.#ownLease) {
      this.#ownLease = undefined;
      core.k.wipe(lease.ptr, lease.size);
    } else if (this.#extras?.delete(lease)) {
      core.release(lease.ptr, lease.size);
    }
  }

  /**
   * Zeroes the expanded key, the key's state slot and every state slot still lent to an open
   * stream in WASM memory, and frees them. Idempotent. Open streams throw DisposedError after.
   */
  dispose(): void {
    if (this.#slot < 0) return;
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
    untrack(this.#tracked);
    core.release(this.#slot, core.keyBlockSize);
    this.#slot = -1;
  }

  ecb(options?: PaddingOptions): EcbMode {
    return new EcbMode(this, options);
  }

  cbc(iv: Uint8Array, options?: PaddingOptions): CbcMode {
    return new CbcMode(this, iv, options);
  }

  cfb(iv: Uint8Array, options?: CfbOptions): CfbMode {
    return new CfbMode(this, iv, options);
  }

  ofb(iv: Uint8Array): OfbMode {
    return new OfbMode(this, iv);
  }

  ctr(counterBlock: Uint8Array, options?: CtrOptions): CtrMode {
    return new CtrMode(this, counterBlock, options);
  }

  /** GCM (SP 800-38D) with an IV of 1 or more bytes (12 is standard and fastest). */
  gcm(iv: Uint8Array, options?: GcmOptions): GcmMode {
    return new GcmMode(this, iv, options);
  }

  /** OCB3 (RFC 7253) with a nonce of 1..15 bytes (12 is usual). */
  ocb(nonce: Uint8Array, options?: OcbOptions): OcbMode {
    return new OcbMode(this, nonce, options);
  }

  /** CCM (SP 800-38C, RFC 3610) with a 7..13-byte nonce; one-shot; tags of 4..16 bytes (even). */
  ccm(nonce: Uint8Array, options?: CcmOptions): CcmMode {
    return new CcmMode(this, nonce, options);
  }

  /** AES-GCM-SIV (RFC 8452) with a 12-byte nonce; 16- or 32-byte keys. Nonce misuse reveals only message equality. */
  gcmSiv(nonce: Uint8Array, options?: GcmSivOptions): GcmSivMode {
    return new GcmSivMode(this, nonce, options);
  }

  /** AES-KW (RFC 3394): wrap/unwrap key data of 16+ bytes, a multiple of 8. */
  kw(): KwMode {
    return new KwMode(this);
  }

  /** AES-KWP (RFC 5649): wrap/unwrap key data of any length from 1 byte. */
  kwp(): KwpMode {
    return new KwpMode(this);
  }

  /** AES-CMAC (SP 800-38B, RFC 4493): a streaming MAC, update()* then digest() or verify(tag). */
  cmac(options?: CmacOptions): Cmac {
    return new Cmac(this, options);
  }

  /** Encrypts one 16-byte block. */
  encryptBlock(block: Uint8Array, output?: Uint8Array): Uint8Array {
    return this.#one(block, output, true);
  }

  /** Decrypts one 16-byte block. */
  decryptBlock(block: Uint8Array, output?: Uint8Array): Uint8Array {
    return this.#one(block, output, false);
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

opaque(AesKey, "AesKey", (k) => ({ bits: k.bits }));

if (typeof Symbol.dispose === "symbol") {
  (AesKey.prototype as unknown as Record<symbol, () => void>)[Symbol.dispose] = AesKey.prototype.dispose;
}

/** Expands a 16-, 24- or 32-byte key for reuse across messages and modes. */
export function aesKey(keyBytes: Uint8Array): AesKey {
  return new AesKey(keyBytes);
}
