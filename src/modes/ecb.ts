// ECB (SP 800-38A §6.1). Safety: equal plaintext blocks give equal ciphertext blocks, so ECB
// leaks patterns; use it only for single random blocks or to build other modes.
import type { AesKey } from "../key.js";
import { Mode } from "./base.js";
import { opaque, readOptions } from "./guard.js";
import { BlockStream, checkPadding, type BulkKernel, type PaddingOptions } from "./stream.js";
import type { Padding } from "../padding.js";

const encryptKernel: BulkKernel = (k, key, _state, io, n) => k.ecbEncrypt(key, io, n);
const decryptKernel: BulkKernel = (k, key, _state, io, n) => k.ecbDecrypt(key, io, n);

export class EcbMode extends Mode<BlockStream> {
  private readonly padding;

  constructor(key: AesKey, options?: PaddingOptions) {
    super(key, null);
    this.padding = checkPadding(readOptions(options, ["padding"], "ECB options").padding ?? "pkcs7");
  }

  protected stream(encrypt: boolean): BlockStream {
    return ecbStream(this.key, encrypt, this.padding);
  }
}

/** An ECB stream straight from a key. */
export function ecbStream(key: AesKey, encrypt: boolean, padding: Padding): BlockStream {
  return new BlockStream(key, encrypt ? encryptKernel : decryptKernel, null, encrypt, padding);
}

opaque(EcbMode, "EcbMode", (m) => ({ bits: m.key.bits }));
