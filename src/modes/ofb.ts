// OFB (SP 800-38A §6.4). Safety: a keystream cipher: an IV used twice under one key reveals
// the XOR of the two plaintexts; bit flips in ciphertext flip the same plaintext bits (no
// integrity).
import type { AesKey } from "../key.js";
import { Mode } from "./base.js";
import { opaque } from "./guard.js";
import { ByteStream, checkIv, ivCopy, type BulkKernel } from "./stream.js";

const kernel: BulkKernel = (k, key, state, io, n) => k.ofb(key, state, io, n);

export class OfbMode extends Mode<ByteStream> {
  constructor(key: AesKey, iv: Uint8Array) {
    super(key, ivCopy(iv)); // a copy: the caller may change theirs
  }

  protected stream(_encrypt: boolean): ByteStream {
    return ofbStream(this.key, this.iv!);
  }
}

/** An OFB stream straight from a key; the IV is copied into WASM memory at once. */
export function ofbStream(key: AesKey, iv: Uint8Array): ByteStream {
  checkIv(iv);
  return new ByteStream(key, kernel, iv);
}

opaque(OfbMode, "OfbMode", (m) => ({ bits: m.key.bits }));
