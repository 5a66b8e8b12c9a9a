// The node:crypto shape of OCB3: createCipheriv('aes-256-ocb', key, nonce, { authTagLength })
// with setAAD / update / final / getAuthTag, and createDecipheriv(...) with setAuthTag. As in
// Node: authTagLength is required (it is part of the nonce block, so a decipher needs it before
// the first byte), the nonce is 1..15 bytes, setAAD may be called any number of times and also
// between update() calls (OCB hashes the AAD apart from the data), setAuthTag once, at any time
// before final(); update() returns the whole blocks completed so far and final() the last
// partial block. Each object owns its expanded key and wipes it at final().
//
// Decryption follows this library's GCM facade (and Node): update() RETURNS UNAUTHENTICATED
// PLAINTEXT, and final() throws DecryptionError if the tag does not match. What the facade still
// holds back is the last partial block, released by final() only when the tag matched. Code
// that must not see unverified plaintext uses key.ocb(nonce).decrypt().
//
// One difference from Node: tags of 7..1 bytes need { allowShortTags: true } (Node takes 1..16
// silently), as 8- and 4-byte GCM tags do in the GCM facade.
import { byteLengthOf } from "./bytes.js";
import { IvLengthError, KeyLengthError, StateError, UnknownCipherError } from "./errors.js";
import { TagLengthError } from "./aead-errors.js";
import { AesKey } from "./key.js";
import { checkOcbNonce, checkOcbTagLength, OcbEncryptor, OcbUnverifiedDecryptor } from "./modes/ocb.js";
import { opaque, readOptions } from "./modes/guard.js";
import { AeadFacade, aeadNameBits, type AeadStream } from "./aead-facade.js";

export type OcbCipherName = `aes-${128 | 192 | 256}-ocb`;
export const OCB_CIPHER_NAMES: readonly OcbCipherName[] = ["aes-128-ocb", "aes-192-ocb", "aes-256-ocb"];

export interface OcbCipherOptions {
  /** Tag length in bytes, required: 16..8; 7..1 with allowShortTags. */
  authTagLength?: number;
  allowShortTags?: boolean;
}

/** Key bits if `name` is an aes-*-ocb name (any letter case), else undefined. */
export const ocbKeyBits = aeadNameBits("ocb");

/** What both OCB facade objects share: the name, key, nonce and tag-length checks (the rest is AeadFacade). */
abstract class OcbFacade<S extends AeadStream> extends AeadFacade<S> {
  constructor(name: string, key: Uint8Array, iv: Uint8Array | null | undefined, options: OcbCipherOptions | undefined,
    makeStream: (aes: AesKey, nonce: Uint8Array, tagLength: number) => S) {
    const bits = ocbKeyBits(name);
    if (bits === undefined) throw new UnknownCipherError(name);
    const keyLength = byteLengthOf(key, "key"); // the key itself goes straight into its slot
    if (keyLength !== bits / 8) throw new KeyLengthError(`key must be ${bits / 8} bytes for aes-${bits}-ocb, got ${keyLength}`);
    if (iv == null) throw new IvLengthError(`aes-${bits}-ocb needs a nonce of 1 to 15 bytes (12 is usual)`);
    const nonce = checkOcbNonce(iv);
    const o = readOptions(options, ["authTagLength", "allowShortTags"], "OCB cipher options");
    if (o.authTagLength === undefined) throw new TagLengthError(`authTagLength is required for aes-${bits}-ocb`);
    const tagLength = checkOcbTagLength(o.authTagLength, o.allowShortTags === true);
    super(new AesKey(key), (aes) => makeStream(aes, nonce, tagLength));
  }
}

/** What createCipheriv returns for aes-*-ocb. */
export class OcbCipher extends OcbFacade<OcbEncryptor> {
  /** @internal */
  constructor(name: string, key: Uint8Array, iv: Uint8Array | null, options?: OcbCipherOptions) {
    super(name, key, iv, options, (aes, nonce, tagLength) => new OcbEncryptor(aes, nonce, tagLength));
  }

  /** The tag (authTagLength bytes), after final(). */
  getAuthTag(): Uint8Array {
    if (!this.done) throw new StateError("getAuthTag() is available after final()");
    return this.stream.tag;
  }
}

/**
 * What createDecipheriv returns for aes-*-ocb. update() RETURNS UNAUTHENTICATED PLAINTEXT (as
 * node:crypto does); final() returns the last partial block if the tag set with setAuthTag
 * matches and throws DecryptionError (releasing nothing more) if it does not.
 */
export class OcbDecipher extends OcbFacade<OcbUnverifiedDecryptor> {
  #tagSet = false;

  /** @internal */
  constructor(name: string, key: Uint8Array, iv: Uint8Array | null, options?: OcbCipherOptions) {
    super(name, key, iv, options, (aes, nonce, tagLength) => new OcbUnverifiedDecryptor(aes, nonce, tagLength));
  }

  /** The expected tag, authTagLength bytes; once, any time before final() (as in Node). */
  setAuthTag(tag: Uint8Array): this {
    this.open();
    if (this.#tagSet) throw new StateError("setAuthTag() was already called");
    this.stream.setAuthTag(tag);
    this.#tagSet = true;
    return this;
  }
}

opaque(OcbCipher, "OcbCipher");
opaque(OcbDecipher, "OcbDecipher");
