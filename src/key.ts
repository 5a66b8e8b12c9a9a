// AesKey: one expanded key living in a key slot of the core's memory. Expanded once, reused
// by every mode object made from it; dispose() zeroes the slot.
import { asBytes } from "./bytes.js";
import { DataLengthError, DisposedError, KeyLengthError } from "./errors.js";
import { track, untrack, type Tracked } from "./lifetime.js";
import { activeCore } from "./wasm/backend.js";
import type { Core } from "./wasm/core.js";
import { EcbMode } from "./modes/ecb.js";
import { CbcMode } from "./modes/cbc.js";
import { CfbMode, type CfbOptions } from "./modes/cfb.js";
import { OfbMode } from "./modes/ofb.js";
import { CtrMode, type CtrOptions } from "./modes/ctr.js";
import { outputFor, type PaddingOptions } from "./modes/stream.js";
import { GcmMode, type GcmOptions } from "./modes/gcm.js";
import { KwMode, KwpMode } from "./modes/kw.js";

export class AesKey {
  /** Key size in bits: 128, 192 or 256. */
  readonly bits: 128 | 192 | 256;
  /** The backend this key lives in. */
  readonly core: Core;
  #slot: number;
  #decryptionReady = false;
  readonly #ownState: number; // the state slot inside this key's block
  #stateLent = false;
  readonly #tracked: Tracked;
  /** Extra state slots lent to streams while the key's own one was taken, by owner (weakly:
   * a stream dropped without final() must stay collectable for the safety net). */
  #extraStates?: WeakMap<object, Tracked>;

  constructor(keyBytes: Uint8Array) {
    const key = asBytes(keyBytes, "key");
    if (key.length !== 16 && key.length !== 24 && key.length !== 32) {
      throw new KeyLengthError(`key must be 16, 24 or 32 bytes, got ${key.length}`);
    }
    this.bits = (key.length * 8) as 128 | 192 | 256;
    const core = (this.core = activeCore());
    this.#slot = core.allocKeyBlock();
    this.#ownState = this.#slot + core.layout.KEY_SLOT_SIZE;
    // The raw key goes where round key 0 goes (the first Nk schedule words are the key itself)
    // and is expanded in place: it never sits outside the slot that dispose() wipes.
    const roundKeys = this.#slot + core.layout.KEY_ENC;
    core.mem.set(key, roundKeys);
    // Decryption round keys are derived on first need: CTR, OFB and CFB never use them.
    core.k.expandEncryptionKey(this.#slot, roundKeys, key.length);
    this.#tracked = track(this, core, this.#slot, core.keyBlockSize);
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
    this.core.k.expandDecryptionKey(this.slot);
    this.#decryptionReady = true;
  }

  /**
   * A state slot for a stream: the key's own slot if free, else a new one tracked against
   * `owner`. Give it back with releaseState.
   */
  acquireState(owner: object): number {
    this.slot; // DisposedError
    if (!this.#stateLent) {
      this.#stateLent = true;
      return this.#ownState;
    }
    const state = this.core.allocStateSlot();
    (this.#extraStates ??= new WeakMap()).set(owner, track(owner, this.core, state, this.core.layout.STATE_SLOT_SIZE));
    return state;
  }

  /** Wipes a state slot from acquireState and returns it. */
  releaseState(state: number, owner: object): void {
    const { core } = this;
    const size = core.layout.STATE_SLOT_SIZE;
    if (state !== this.#ownState) {
      const tracked = this.#extraStates?.get(owner);
      if (tracked) {
        this.#extraStates!.delete(owner);
        untrack(tracked);
      }
      core.release(state, size);
    } else if (this.#slot >= 0) {
      core.k.wipe(state, size);
      this.#stateLent = false;
    } // else: dispose() already wiped and freed it together with the key
  }

  /** Zeroes the expanded key (and the key's state slot) in WASM memory and frees it. Idempotent. */
  dispose(): void {
    if (this.#slot < 0) return;
    untrack(this.#tracked);
    this.core.release(this.#slot, this.core.keyBlockSize);
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

  /** AES-KW (RFC 3394): wrap/unwrap key data of 16+ bytes, a multiple of 8. */
  kw(): KwMode {
    return new KwMode(this);
  }

  /** AES-KWP (RFC 5649): wrap/unwrap key data of any length from 1 byte. */
  kwp(): KwpMode {
    return new KwpMode(this);
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
    if (!encrypt) this.prepareDecryption();
    const slot = this.slot;
    const { mem, io, k } = this.core;
    mem.set(b, io);
    if (encrypt) k.encryptOne(slot, io, io);
    else k.decryptOne(slot, io, io);
    const out = outputFor(output, 16);
    out.set(mem.subarray(io, io + 16));
    return out;
  }
}

if (typeof Symbol.dispose === "symbol") {
  (AesKey.prototype as unknown as Record<symbol, () => void>)[Symbol.dispose] = AesKey.prototype.dispose;
}

/** Expands a 16-, 24- or 32-byte key for reuse across messages and modes. */
export function aesKey(keyBytes: Uint8Array): AesKey {
  return new AesKey(keyBytes);
}
