// The node:crypto shape of CCM: createCipheriv('aes-128-ccm', key, nonce, { authTagLength })
// with setAAD(aad, { plaintextLength }) / update / final / getAuthTag, and createDecipheriv(...)
// with setAuthTag before update. As in Node: authTagLength is required (4..16, even), the nonce
// is 7..13 bytes, setAAD needs the plaintext length, and update() takes the whole message in
// one call. Decryption verifies inside update(), which returns the plaintext only when the tag
// matched; otherwise an empty array, and final() throws DecryptionError — Node's behaviour.
// Each object owns its expanded key and wipes it as soon as the message is done.
//
// Where Node goes on silently and a wrong result or an unverified message could follow, this
// facade throws instead (test/ccm.test.ts shows both side by side):
// - final() without update() is StateError (Node: "tag not set" when encrypting, but SUCCESS
//   when decrypting, with any tag: nothing was verified);
// - a second setAAD() is StateError (Node replaces the first AAD), and so is setAAD() or
//   setAuthTag() after update() (Node accepts them; the tag then comes out wrong);
// - a second update() is StateError in both directions (Node, encrypting: an untyped error, or
//   for an empty one a tag replaced by the empty message's, which fails to verify; decrypting:
//   an empty result and a failed final());
// - update() of another length than setAAD's plaintextLength is DataLengthError (Node: an
//   untyped error when encrypting; an empty result and a failed final() when decrypting);
// - an empty message is always authenticated (Node skips CCM entirely for a zero-length input
//   whose buffer has no backing store, e.g. Buffer.from(new ArrayBuffer(0)), and then accepts any
//   tag on decryption).
import { asBytes, byteLengthOf } from "./bytes.js";
import { DataLengthError, DecryptionError, IvLengthError, KeyLengthError, show, StateError, UnknownCipherError } from "./errors.js";
import { TagLengthError } from "./aead-errors.js";
import { AesKey } from "./key.js";
import { aeadNameBits } from "./aead-facade.js";
import { ccmOpen, ccmSeal, checkCcmDataLength, checkCcmNonce, checkCcmTagLength } from "./modes/ccm.js";
import { opaque, readOptions } from "./modes/guard.js";

export type CcmCipherName = `aes-${128 | 192 | 256}-ccm`;
export const CCM_CIPHER_NAMES: readonly CcmCipherName[] = ["aes-128-ccm", "aes-192-ccm", "aes-256-ccm"];

export interface CcmCipherOptions {
  /** Tag length in bytes, required: 4, 6, 8, 10, 12, 14 or 16. */
  authTagLength?: number;
}

export interface CcmAadOptions {
  /** The length of the message update() will get; required by setAAD (CCM hashes it first). */
  plaintextLength?: number;
}

/** Key bits if `name` is an aes-*-ccm name (any letter case), else undefined. */
export const ccmKeyBits = aeadNameBits("ccm");

const EMPTY = new Uint8Array(0);

/** What both CCM facade objects share: the checks, the key they own, setAAD and the call order. */
abstract class CcmFacade {
  readonly tagLength: number;
  protected readonly nonce: Uint8Array;
  protected aad: Uint8Array = EMPTY;
  #aadSet = false;
  #plaintextLength: number | undefined;
  #key: AesKey | undefined;
  #updated = false;
  #done = false;

  constructor(name: string, key: Uint8Array, iv: Uint8Array | null | undefined, options: CcmCipherOptions | undefined) {
    const bits = ccmKeyBits(name);
    if (bits === undefined) throw new UnknownCipherError(name);
    const keyLength = byteLengthOf(key, "key"); // the key itself goes straight into its slot
    if (keyLength !== bits / 8) throw new KeyLengthError(`key must be ${bits / 8} bytes for aes-${bits}-ccm, got ${keyLength}`);
    if (iv == null) throw new IvLengthError(`aes-${bits}-ccm needs a nonce of 7 to 13 bytes`);
    this.nonce = checkCcmNonce(iv);
    const tagLength = readOptions(options, ["authTagLength"], "CCM cipher options").authTagLength;
    if (tagLength === undefined) throw new TagLengthError(`authTagLength is required for aes-${bits}-ccm`);
    this.tagLength = checkCcmTagLength(tagLength);
    this.#key = new AesKey(key);
  }

  /**
   * The AAD and the length of the message to come (both go into the MAC before any data);
   * once, before update().
   */
  setAAD(aad: Uint8Array, options?: CcmAadOptions): this {
    this.open();
    if (this.#updated) throw new StateError("CCM AAD must be set before update()");
    if (this.#aadSet) throw new StateError("CCM takes its AAD in one setAAD() call");
    const a = asBytes(aad, "aad");
    const length = readOptions(options, ["plaintextLength"], "setAAD options").plaintextLength;
    if (length === undefined) throw new StateError("setAAD() needs { plaintextLength } for CCM");
    if (!Number.isSafeInteger(length) || length < 0) {
      throw new StateError(`plaintextLength must be a non-negative integer, got ${show(length)}`);
    }
    checkCcmDataLength(length, this.nonce.length);
    this.aad = new Uint8Array(a);
    this.#aadSet = true;
    this.#plaintextLength = length;
    return this;
  }

  /** Accepted for node:crypto compatibility; CCM has no padding. */
  setAutoPadding(_autoPadding = true): this {
    this.open();
    return this;
  }

  /** Ends the message; nothing is left to output. StateError if update() was never called. */
  final(): Uint8Array {
    this.open();
    this.#done = true;
    this.#dispose();
    if (!this.#updated) throw new StateError("CCM needs update() (once, with the whole message) before final()");
    this.finish();
    return new Uint8Array(0);
  }

  /** Checks the order and the length of update()'s message. */
  protected beginUpdate(src: Uint8Array): void {
    this.open();
    if (this.#updated) throw new StateError("CCM takes the whole message in one update()");
    if (this.#plaintextLength !== undefined && src.length !== this.#plaintextLength) {
      throw new DataLengthError(`setAAD announced ${this.#plaintextLength} bytes of message, update() got ${src.length}`);
    }
    checkCcmDataLength(src.length, this.nonce.length);
  }

  /** Runs the one message with the key, then wipes the key. */
  protected run<T>(body: (key: AesKey) => T): T {
    this.#updated = true;
    try {
      return body(this.#key!);
    } finally {
      this.#dispose();
    }
  }

  /** What final() checks after the common ones (DecryptionError for a failed decryption). */
  protected abstract finish(): void;

  protected get updated(): boolean {
    return this.#updated;
  }

  protected get done(): boolean {
    return this.#done;
  }

  protected open(): void {
    if (this.#done) throw new StateError("cipher already finished: final() was called");
  }

  #dispose(): void {
    this.#key?.dispose();
    this.#key = undefined;
  }
}

/** What createCipheriv returns for aes-*-ccm. */
export class CcmCipher extends CcmFacade {
  #tag: Uint8Array | undefined;

  /** @internal */
  constructor(name: string, key: Uint8Array, iv: Uint8Array | null, options?: CcmCipherOptions) {
    super(name, key, iv, options);
  }

  /** Encrypts the whole message (one call). */
  update(data: Uint8Array): Uint8Array {
    const src = asBytes(data);
    this.beginUpdate(src);
    return this.run((key) => {
      const out = new Uint8Array(src.length);
      this.#tag = ccmSeal(key, this.nonce, this.aad, this.tagLength, src, out);
      return out;
    });
  }

  /** The tag (`authTagLength` bytes), after final(). */
  getAuthTag(): Uint8Array {
    if (!this.done || !this.#tag) throw new StateError("getAuthTag() is available after update() and final()");
    return this.#tag.slice();
  }

  protected finish(): void {}
}

/**
 * What createDecipheriv returns for aes-*-ccm. The tag goes in with setAuthTag() before
 * update(); update() returns the plaintext only if it is authentic (an empty array otherwise),
 * and final() throws DecryptionError when it was not.
 */
export class CcmDecipher extends CcmFacade {
  #expected: Uint8Array | undefined;
  #failed = false;

  /** @internal */
  constructor(name: string, key: Uint8Array, iv: Uint8Array | null, options?: CcmCipherOptions) {
    super(name, key, iv, options);
  }

  /** The expected tag, `authTagLength` bytes; once, before update(). */
  setAuthTag(tag: Uint8Array): this {
    this.open();
    if (this.updated) throw new StateError("CCM needs setAuthTag() before update()");
    if (this.#expected) throw new StateError("setAuthTag() was already called");
    const t = asBytes(tag, "tag");
    if (t.length !== this.tagLength) throw new TagLengthError(`tag must be ${this.tagLength} bytes, got ${t.length}`);
    this.#expected = new Uint8Array(t);
    return this;
  }

  /** Decrypts and verifies the whole message (one call): the plaintext if authentic, else empty. */
  update(data: Uint8Array): Uint8Array {
    const src = asBytes(data);
    this.beginUpdate(src);
    return this.run((key) => {
      const expected = this.#expected;
      if (!expected) {
        this.#failed = true; // no tag to check against (RFC 3610 §2.6: nothing is released)
        return new Uint8Array(0);
      }
      try {
        return ccmOpen(key, this.nonce, this.aad, expected, src, undefined);
      } catch (e) {
        if (!(e instanceof DecryptionError)) throw e;
        this.#failed = true;
        return new Uint8Array(0);
      } finally {
        expected.fill(0);
      }
    });
  }

  protected finish(): void {
    if (this.#failed) throw new DecryptionError();
  }
}

opaque(CcmCipher, "CcmCipher", (c) => ({ tagLength: c.tagLength }));
opaque(CcmDecipher, "CcmDecipher", (c) => ({ tagLength: c.tagLength }));
