// The ciphers the CLI runs on a whole message at once (cipher table: `whole`): key wrap, whose
// six passes need all of the data. One call each way; decryption either returns all of the
// plaintext or throws (DecryptionError), so nothing is released before the check.
import { aesKey } from "../key.js";
import { KwMode, KwpMode } from "../modes/kw.js";
import type { CipherSpec } from "./ciphers.js";

export function runWhole(spec: CipherSpec, keyBytes: Uint8Array, iv: Uint8Array | null, encrypt: boolean, data: Uint8Array): Uint8Array {
  const key = aesKey(keyBytes);
  try {
    switch (spec.mode) {
      case "wrap": {
        const m = new KwMode(key, iv ?? undefined);
        return encrypt ? m.wrap(data) : m.unwrap(data);
      }
      case "wrap-pad": {
        const m = new KwpMode(key, iv ?? undefined);
        return encrypt ? m.wrap(data) : m.unwrap(data);
      }
      default:
        throw new Error(`${spec.name} is not a whole-message cipher`);
    }
  } finally {
    key.dispose();
  }
}
