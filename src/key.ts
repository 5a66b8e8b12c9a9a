// AesKey: an expanded key (./key-base.ts) with a method per mode (key.ctr(iv), key.gcm(iv)...).
// Methods cannot be tree-shaken, so an AesKey brings every mode (and every WASM kernel) into a
// bundle; the mode functions of ./mode-functions/ on an AesKeyBase bring only the ones called.
import { AesKeyBase } from "./key-base.js";
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
import { registerGhash, registerRest } from "./wasm/backend.js";
import { GHASH_WASM_HEX, REST_WASM_HEX } from "./wasm/core-bytes.js";

// Its methods reach every kernel: the WASM core's GHASH part and the rest, registered when this module loads.
registerGhash(GHASH_WASM_HEX);
registerRest(REST_WASM_HEX);

export class AesKey extends AesKeyBase {
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
  gcm<T extends number = number>(iv: Uint8Array, options?: GcmOptions<T>): GcmMode {
    return new GcmMode(this, iv, options as GcmOptions | undefined); // T only checks literals (checked-literal.ts)
  }

  /** OCB3 (RFC 7253) with a nonce of 1..15 bytes (12 is usual). */
  ocb<T extends number = number>(nonce: Uint8Array, options?: OcbOptions<T>): OcbMode {
    return new OcbMode(this, nonce, options as OcbOptions | undefined);
  }

  /** CCM (SP 800-38C, RFC 3610) with a 7..13-byte nonce; one-shot; tags of 4..16 bytes (even). */
  ccm<T extends number = number>(nonce: Uint8Array, options?: CcmOptions<T>): CcmMode {
    return new CcmMode(this, nonce, options as CcmOptions | undefined);
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
  cmac<T extends number = number>(options?: CmacOptions<T>): Cmac {
    return new Cmac(this, options as CmacOptions | undefined);
  }

  /** Decrypts one 16-byte block. */
  decryptBlock(block: Uint8Array, output?: Uint8Array): Uint8Array {
    return this.oneBlock(block, output, false);
  }
}

/** Expands a 16-, 24- or 32-byte key for reuse across messages and modes. */
export function aesKey(keyBytes: Uint8Array): AesKey {
  return new AesKey(keyBytes);
}
