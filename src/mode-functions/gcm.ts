// gcm(key, iv): key.gcm(iv) as a function, so that a bundle that calls it carries GCM, the CTR
// core and the GHASH part it adds to it (registered when this module loads), and no other mode.
import type { AesKey } from "../key.js";
import type { AesKeyBase } from "../key-base.js";
import { GcmMode, type GcmOptions } from "../modes/gcm.js";
import { registerGhash } from "../wasm/backend.js";
import { GHASH_WASM_HEX } from "../wasm/core-bytes.js";

registerGhash(GHASH_WASM_HEX);

/** GCM (SP 800-38D), as key.gcm(iv, options). Any key: aesKeyBase() or aesKey(). */
export function gcm<T extends number = number>(key: AesKeyBase, iv: Uint8Array, options?: GcmOptions<T>): GcmMode {
  // GcmMode is typed against AesKey but uses only what AesKeyBase has (slot, core, state leases).
  return new GcmMode(key as AesKey, iv, options as GcmOptions | undefined);
}
