// AesKey: one expanded key living in a key slot of the core's memory. Expanded once, reused
// by every mode object made from it; dispose() zeroes the slot.
import { asBytes } from "./bytes.js";
import { DataLengthError, DisposedError, KeyLengthError } from "./errors.js";
import { track, untrack } from "./lifetime.js";
import { activeCore } from "./wasm/backend.js";
import type { Core } from "./wasm/core.js";
import { EcbMode } from "./modes/ecb.js";
import { CbcMode } from "./modes/cbc.js";
import { CfbMode, type CfbOptions } from "./modes/cfb.js";
import { OfbMode } from "./modes/ofb.js";
import { CtrMode, type CtrOptions } from "./modes/ctr.js";
import type { PaddingOptions } from "./modes/stream.js";

export class AesKey {
  /** Key size in bits: 128, 192 or 256. */
  readonly bits: 128 | 192 | 256;
  /** The backend this key lives in. */
  readonly core: Core;
  #slot: number;

  constructor(keyBytes: Uint8Array) {
    const key = asBytes(keyBytes, "key");
    if (key.length !== 16 && key.length !== 24 && key.length !== 32) {
      throw new KeyLengthError(`key must be 16, 24 or 32 bytes, got ${key.length}`);
    }
    this.bits = (key.length * 8) as 128 | 192 | 256;
    const core = (this.core = activeCore());
    this.#slot = core.allocKeySlot();
    core.mem.set(key, core.io);
    core.k.expandKey(this.#slot, core.io, key.length);
    core.mem.fill(0, core.io, core.io + key.length); // the raw key must not linger in the IO window
    track(this, core, this.#slot, core.layout.KEY_SLOT_SIZE);
  }

  /** The key slot address; throws DisposedError after dispose(). (For modes and tests.) */
  get slot(): number {
    if (this.#slot < 0) throw new DisposedError();
    return this.#slot;
  }

  get disposed(): boolean {
    return this.#slot < 0;
  }

  /** Zeroes the expanded key in WASM memory and frees its slot. Idempotent. */
  dispose(): void {
    if (this.#slot < 0) return;
    untrack(this);
    this.core.release(this.#slot, this.core.layout.KEY_SLOT_SIZE);
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
    const slot = this.slot;
    const { mem, io, k } = this.core;
    mem.set(b, io);
    if (encrypt) k.encryptOne(slot, io, io);
    else k.decryptOne(slot, io, io);
    const out = output ? asBytes(output, "output").subarray(0, 16) : new Uint8Array(16);
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
