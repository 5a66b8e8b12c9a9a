// The node:crypto shape of XTS: createCipheriv('aes-128-xts', key32, tweak16) and
// 'aes-256-xts' with a 64-byte key, as Node (OpenSSL 3) behaves, checked side by side in
// test/xts.test.ts:
// - every update(data) is one whole data unit under the same tweak (the tweak does not carry
//   from one call to the next); data below 16 bytes or above 2^20 blocks is refused
//   (DataLengthError; Node throws a generic error), and the cipher stays usable after that;
// - final() returns no bytes and wipes the key; setAutoPadding is accepted and does nothing.
// One difference: Node refuses identical key halves only for encryption (OpenSSL outside its
// FIPS provider lets decryption through); here both directions refuse them (WeakKeyError).
import { byteLengthOf } from "./bytes.js";
import { IvLengthError, KeyLengthError, StateError, UnknownCipherError } from "./errors.js";
import { XtsKey, type XtsMode } from "./modes/xts.js";
import { opaque } from "./modes/guard.js";

export type XtsCipherName = "aes-128-xts" | "aes-256-xts";
export const XTS_CIPHER_NAMES: readonly XtsCipherName[] = ["aes-128-xts", "aes-256-xts"];

/** The AES size of each key half if `name` is an aes-*-xts name (any letter case), else undefined. */
export function xtsKeyBits(name: unknown): 128 | 256 | undefined {
  // Length and last letter first: "aes-128-ctr" and friends are 11 long too, and must not pay a toLowerCase.
  if (typeof name !== "string" || name.length !== 11 || (name.charCodeAt(10) | 0x20) !== 0x73 /* s */) return undefined;
  const lower = name.toLowerCase();
  return lower === "aes-128-xts" ? 128 : lower === "aes-256-xts" ? 256 : undefined;
}

/** What createCipheriv / createDecipheriv return for aes-128-xts and aes-256-xts. */
export class XtsCipher {
  readonly #key: XtsKey;
  readonly #mode: XtsMode;
  readonly #decrypt: boolean;
  #done = false;

  /** @internal */
  constructor(name: string, key: Uint8Array, iv: Uint8Array | null | undefined, decrypt: boolean) {
    const bits = xtsKeyBits(name);
    if (bits === undefined) throw new UnknownCipherError(name);
    const keyLength = byteLengthOf(key, "key");
    if (keyLength !== bits / 4) {
      throw new KeyLengthError(`key must be ${bits / 4} bytes for aes-${bits}-xts (two ${bits}-bit keys), got ${keyLength}`);
    }
    if (iv == null) throw new IvLengthError(`aes-${bits}-xts needs a 16-byte IV (the tweak)`);
    const ivLength = byteLengthOf(iv, "iv");
    if (ivLength !== 16) throw new IvLengthError(`aes-${bits}-xts needs a 16-byte IV (the tweak), got ${ivLength}`);
    this.#key = new XtsKey(key);
    try {
      this.#mode = this.#key.xts(iv);
    } catch (e) {
      this.#key.dispose();
      throw e;
    }
    this.#decrypt = decrypt;
  }

  /** One whole data unit (16 bytes to 2^20 blocks) under the cipher's tweak. */
  update(data: Uint8Array): Uint8Array {
    this.#open();
    return this.#decrypt ? this.#mode.decrypt(data) : this.#mode.encrypt(data);
  }

  /** Returns no bytes (XTS holds nothing back) and wipes the key. */
  final(): Uint8Array {
    this.#open();
    this.#done = true;
    this.#key.dispose();
    return new Uint8Array(0);
  }

  /** Accepted for node:crypto compatibility; XTS has no padding. */
  setAutoPadding(_autoPadding = true): this {
    this.#open();
    return this;
  }

  #open(): void {
    if (this.#done) throw new StateError("cipher already finished: final() was called");
  }
}

opaque(XtsCipher, "XtsCipher");
