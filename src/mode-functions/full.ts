// The modes besides CTR and GCM (./ctr.ts, ./gcm.ts) as functions of a key: cbc(key, iv) is
// key.cbc(iv). Each imports only its own mode, so a bundle carries the modes it calls (an
// AesKey's methods bring every mode: a bundler cannot drop unused methods). Any key works: an
// AesKeyBase from aesKeyBase(), or an AesKey from aesKey(). These modes need the rest of the WASM
// core's kernels, registered when this module loads (src/wasm/backend.ts): keys made before then
// get them too (one core, one memory).
import type { AesKey } from "../key.js";
import type { AesKeyBase } from "../key-base.js";
import { EcbMode } from "../modes/ecb.js";
import { CbcMode } from "../modes/cbc.js";
import { CfbMode, type CfbOptions } from "../modes/cfb.js";
import { OfbMode } from "../modes/ofb.js";
import type { PaddingOptions } from "../modes/stream.js";
import { OcbMode, type OcbOptions } from "../modes/ocb.js";
import { CcmMode, type CcmOptions } from "../modes/ccm.js";
import { KwMode, KwpMode } from "../modes/kw.js";
import { GcmSivMode, type GcmSivOptions } from "../modes/gcm-siv.js";
import { Cmac, type CmacOptions } from "../modes/cmac.js";
import { registerRest } from "../wasm/backend.js";
import { REST_WASM_HEX } from "../wasm/core-bytes.js";

registerRest(REST_WASM_HEX);

/** The modes are typed against AesKey but use only what AesKeyBase has (slot, core, state leases); each checks the key. */
const asKey = (key: AesKeyBase): AesKey => key as AesKey;

/** ECB, as key.ecb(options). */
export function ecb(key: AesKeyBase, options?: PaddingOptions): EcbMode {
  return new EcbMode(asKey(key), options);
}

/** CBC, as key.cbc(iv, options). */
export function cbc(key: AesKeyBase, iv: Uint8Array, options?: PaddingOptions): CbcMode {
  return new CbcMode(asKey(key), iv, options);
}

/** CFB (128-, 8- or 1-bit segments), as key.cfb(iv, options). */
export function cfb(key: AesKeyBase, iv: Uint8Array, options?: CfbOptions): CfbMode {
  return new CfbMode(asKey(key), iv, options);
}

/** OFB, as key.ofb(iv). */
export function ofb(key: AesKeyBase, iv: Uint8Array): OfbMode {
  return new OfbMode(asKey(key), iv);
}

/** OCB3 (RFC 7253), as key.ocb(nonce, options). */
export function ocb<T extends number = number>(key: AesKeyBase, nonce: Uint8Array, options?: OcbOptions<T>): OcbMode {
  return new OcbMode(asKey(key), nonce, options as OcbOptions | undefined);
}

/** CCM (SP 800-38C, RFC 3610), as key.ccm(nonce, options). */
export function ccm<T extends number = number>(key: AesKeyBase, nonce: Uint8Array, options?: CcmOptions<T>): CcmMode {
  return new CcmMode(asKey(key), nonce, options as CcmOptions | undefined);
}

/** AES-GCM-SIV (RFC 8452), as key.gcmSiv(nonce, options). */
export function gcmSiv(key: AesKeyBase, nonce: Uint8Array, options?: GcmSivOptions): GcmSivMode {
  return new GcmSivMode(asKey(key), nonce, options);
}

/** AES-KW (RFC 3394), as key.kw(). */
export function kw(key: AesKeyBase): KwMode {
  return new KwMode(asKey(key));
}

/** AES-KWP (RFC 5649), as key.kwp(). */
export function kwp(key: AesKeyBase): KwpMode {
  return new KwpMode(asKey(key));
}

/** AES-CMAC (SP 800-38B, RFC 4493), as key.cmac(options). */
export function cmac<T extends number = number>(key: AesKeyBase, options?: CmacOptions<T>): Cmac {
  return new Cmac(asKey(key), options as CmacOptions | undefined);
}
