// OFB (SP 800-38A §6.4). Safety: a keystream cipher: an IV used twice under one key reveals
// the XOR of the two plaintexts; bit flips in ciphertext flip the same plaintext bits (no
// integrity).
import type { AesKey } from "../key.js";
import { Mode } from "./base.js";
import { ByteStream, checkIv, type BulkKernel } from "./stream.js";

const kernel: BulkKernel = (k, key, state, io, n) => k.ofb(key, state, io, n);

export class OfbMode extends Mode<ByteStream> {
  constructor(key: AesKey, iv: Uint8Array) {
    super(key, new Uint8Array(checkIv(iv))); // a copy: Buffer.slice would be a view
  }

  protected stream(_encrypt: boolean): ByteStream {
    return ofbStream(this.key, this.iv!);
  }
}

/** An OFB stream straight from a key; the IV is copied into WASM memory at once. */
export function ofbStream(key: AesKey, iv: Uint8Array): ByteStream {
  return new ByteStream(key, kernel, checkIv(iv));
}
