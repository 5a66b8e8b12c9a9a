// CBC (SP 800-38A §6.2). Safety: the IV must be unpredictable (random) for each message;
// unauthenticated, so decrypting attacker-supplied data needs a MAC checked first (padding
// oracles).
import type { AesKey } from "../key.js";
import { Mode } from "./base.js";
import { opaque, readOptions } from "./guard.js";
import { BlockStream, checkIv, checkPadding, ivCopy, type BulkKernel, type PaddingOptions } from "./stream.js";
import type { Padding } from "../padding.js";

const encryptKernel: BulkKernel = (k, key, state, io, n) => k.cbcEncrypt(key, state, io, n);
const decryptKernel: BulkKernel = (k, key, state, io, n) => k.cbcDecrypt(key, state, io, n);

export class CbcMode extends Mode<BlockStream> {
  private readonly padding;

  constructor(key: AesKey, iv: Uint8Array, options?: PaddingOptions) {
    super(key, ivCopy(iv)); // a copy: the caller may change theirs
    this.padding = checkPadding(readOptions(options, ["padding"], "CBC options").padding ?? "pkcs7");
  }

  protected stream(encrypt: boolean): BlockStream {
    return cbcStream(this.key, this.iv!, encrypt, this.padding);
  }
}

/** A CBC stream straight from a key; the IV is copied into WASM memory at once. */
export function cbcStream(key: AesKey, iv: Uint8Array, encrypt: boolean, padding: Padding): BlockStream {
  checkIv(iv);
  return new BlockStream(key, encrypt ? encryptKernel : decryptKernel, iv, encrypt, padding);
}

opaque(CbcMode, "CbcMode", (m) => ({ bits: m.key.bits }));
