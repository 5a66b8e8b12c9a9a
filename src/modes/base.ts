// What every mode object offers: one-shot encrypt/decrypt and streaming encryptor/decryptor.
// A mode object with an IV encrypts once: a second encryption under the same IV is refused
// (IvReuseError), because for CTR/OFB/CFB it would repeat the keystream.
import { byteLengthOf } from "../bytes.js";
import { IvReuseError } from "../errors.js";
import type { AesKey } from "../key.js";
import { AesKeyBase } from "../key-base.js";
import type { KernelStream } from "./stream.js";

export abstract class Mode<S extends KernelStream = KernelStream> {
  #encrypted = false;

  constructor(readonly key: AesKey, protected readonly iv: Uint8Array | null) {
    AesKeyBase.check(key);
  }

  /** Encrypts a whole message. `output`, if given, receives the bytes (no allocation). */
  encrypt(data: Uint8Array, output?: Uint8Array): Uint8Array {
    byteLengthOf(data); // a bad argument is refused before the IV counts as used
    return this.encryptor().oneShot(data, output);
  }

  /** Decrypts a whole message. Nothing is returned or left in `output` if it fails. */
  decrypt(data: Uint8Array, output?: Uint8Array): Uint8Array {
    byteLengthOf(data);
    return this.decryptor().oneShot(data, output);
  }

  /** A streaming encryptor: update(chunk) ... final(). */
  encryptor(): S {
    if (this.iv) {
      if (this.#encrypted) throw new IvReuseError();
      this.#encrypted = true;
    }
    return this.stream(true);
  }

  /** A streaming decryptor: update(chunk) ... final(). */
  decryptor(): S {
    return this.stream(false);
  }

  protected abstract stream(encrypt: boolean): S;
}
