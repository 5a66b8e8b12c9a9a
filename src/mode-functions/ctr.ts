// ctr(key, iv): key.ctr(iv) as a function, so that a bundle that calls it carries CTR and the
// CTR core (src/wasm/backend.ts) and no other mode. See ./full.ts for the rest.
import type { AesKey } from "../key.js";
import type { AesKeyBase } from "../key-base.js";
import { CtrMode, type CtrOptions } from "../modes/ctr.js";

/** CTR, as key.ctr(counterBlock, options). Any key: aesKeyBase() or aesKey(). */
export function ctr(key: AesKeyBase, counterBlock: Uint8Array, options?: CtrOptions): CtrMode {
  // CtrMode is typed against AesKey but uses only what AesKeyBase has (slot, core, state leases).
  return new CtrMode(key as AesKey, counterBlock, options);
}
