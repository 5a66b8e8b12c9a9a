// The same raw key imported into the facade and into the page's own crypto.subtle.
import { subtle } from "../../src/subtle/index.js";

export type Usage = "encrypt" | "decrypt" | "wrapKey" | "unwrapKey";

export async function pair(raw: Uint8Array, name: string, usages: Usage[]) {
  return {
    ours: await subtle.importKey("raw", raw, name, true, usages),
    web: await globalThis.crypto.subtle.importKey("raw", raw as BufferSource, name, true, usages),
  };
}
