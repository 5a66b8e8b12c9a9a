// The ciphers the CLI runs on a whole message at once (cipher table: `whole`): key wrap (six
// passes over all of the data), CCM (the length goes into the first block), GCM-SIV and AES-SIV
// (the tag, computed over all of the plaintext, starts the encryption) and XTS (one data unit).
// One library call each way; decryption either returns all of the plaintext, verified, or
// throws (DecryptionError), so nothing is released before the check.
import { aesKey } from "../key.js";
import { KwMode, KwpMode } from "../modes/kw.js";
import { sivKey } from "../modes/siv.js";
import { xtsKey } from "../modes/xts.js";
import type { CipherSpec } from "./ciphers.js";

/** The tag length the CLI uses for CCM (the longest: CCM allows 4..16). */
export const CLI_CCM_TAG_BYTES = 16;

export function runWhole(spec: CipherSpec, keyBytes: Uint8Array, iv: Uint8Array | null, aad: Uint8Array | null, encrypt: boolean, data: Uint8Array): Uint8Array {
  const ad = aad ?? undefined;
  if (spec.mode === "siv") {
    const key = sivKey(keyBytes);
    try {
      const m = key.siv(iv!, { aad: ad });
      return encrypt ? m.encrypt(data) : m.decrypt(data);
    } finally {
      key.dispose();
    }
  }
  if (spec.mode === "xts") {
    const key = xtsKey(keyBytes);
    try {
      const m = key.xts(iv!);
      return encrypt ? m.encrypt(data) : m.decrypt(data);
    } finally {
      key.dispose();
    }
  }
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
      case "ccm": {
        const m = key.ccm(iv!, { tagLength: CLI_CCM_TAG_BYTES, aad: ad });
        return encrypt ? m.encrypt(data) : m.decrypt(data);
      }
      case "gcm-siv": {
        const m = key.gcmSiv(iv!, { aad: ad });
        return encrypt ? m.encrypt(data) : m.decrypt(data);
      }
      default:
        throw new Error(`${spec.name} is not a whole-message cipher`);
    }
  } finally {
    key.dispose();
  }
}
