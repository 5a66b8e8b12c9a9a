// The node:crypto shape of GCM: createCipheriv('aes-256-gcm', key, iv, { authTagLength }) with
// setAAD / getAuthTag, and createDecipheriv(...) with setAuthTag. As in Node, the decipher's
// update() returns plaintext before it is authenticated; final() throws (DecryptionError) if
// the tag does not match. Each object owns its expanded key and wipes it at final().
//
// One difference from Node: 8- and 4-byte tags need { allowShortTags: true } (SP 800-38D
// Appendix C), where Node accepts them silently.
import { byteLengthOf } from "./bytes.js";
import { IvLengthError, KeyLengthError, StateError, UnknownCipherError } from "./errors.js";
import { AesKey } from "./key.js";
import { checkGcmIv, checkTagLength, GcmEncryptor, GcmUnverifiedDecryptor } from "./modes/gcm.js";
import { opaque, readOptions } from "./modes/guard.js";
import { AeadFacade, aeadNameBits, type AeadStream } from "./aead-facade.js";

export type GcmCipherName = `aes-${128 | 192 | 256}-gcm`;
export const GCM_CIPHER_NAMES: readonly GcmCipherName[] = ["aes-128-gcm", "aes-192-gcm", "aes-256-gcm"];

export interface GcmCipherOptions {
  /** Tag length in bytes: 16 (default for the cipher), 15..12; 8, 4 with allowShortTags. */
  authTagLength?: number;
  allowShortTags?: boolean;
}

/** Key bits if `name` is an aes-*-gcm name (any letter case), else undefined. */
export const gcmKeyBits = aeadNameBits("gcm");

function makeKey(name: string, key: Uint8Array, iv: Uint8Array | null | undefined): { aes: AesKey; ivCopy: Uint8Array } {
  const bits = gcmKeyBits(name);
  if (bits === undefined) throw new UnknownCipherError(name);
  const keyLength = byteLengthOf(key, "key"); // the key itself goes straight into its slot
  if (keyLength !== bits / 8) throw new KeyLengthError(`key must be ${bits / 8} bytes for aes-${bits}-gcm, got ${keyLength}`);
  if (iv == null) throw new IvLengthError(`aes-${bits}-gcm needs an IV (12 bytes is standard)`);
  const ivCopy = checkGcmIv(iv);
  return { aes: new AesKey(key), ivCopy };
}

function checkOptions(options: GcmCipherOptions | undefined): { tagLength: number | undefined; short: boolean } {
  const o = readOptions(options, ["authTagLength", "allowShortTags"], "GCM cipher options");
  const short = o.allowShortTags === true;
  const given = o.authTagLength;
  return { tagLength: given === undefined ? undefined : checkTagLength(given, short), short };
}

/** What both GCM facade objects share: the name, key and IV checks (the rest is AeadFacade). */
abstract class GcmFacade<S extends AeadStream> extends AeadFacade<S> {
  constructor(name: string, key: Uint8Array, iv: Uint8Array | null, makeStream: (aes: AesKey, iv: Uint8Array) => S) {
    const { aes, ivCopy } = makeKey(name, key, iv);
    super(aes, (a) => makeStream(a, ivCopy));
  }
}

/** What createCipheriv returns for aes-*-gcm. */
export class GcmCipher extends GcmFacade<GcmEncryptor> {
  /** @internal */
  constructor(name: string, key: Uint8Array, iv: Uint8Array | null, options?: GcmCipherOptions) {
    const { tagLength } = checkOptions(options);
    super(name, key, iv, (aes, ivCopy) => new GcmEncryptor(aes, ivCopy, tagLength ?? 16));
  }

  /** The tag, after final(). */
  getAuthTag(): Uint8Array {
    if (!this.done) throw new StateError("getAuthTag() is available after final()");
    return this.stream.tag;
  }
}

/**
 * What createDecipheriv returns for aes-*-gcm. update() RETURNS UNAUTHENTICATED PLAINTEXT (as
 * node:crypto does); final() throws DecryptionError if the tag set with setAuthTag does not match.
 */
export class GcmDecipher extends GcmFacade<GcmUnverifiedDecryptor> {
  /** @internal */
  constructor(name: string, key: Uint8Array, iv: Uint8Array | null, options?: GcmCipherOptions) {
    const { tagLength, short } = checkOptions(options);
    super(name, key, iv, (aes, ivCopy) => new GcmUnverifiedDecryptor(aes, ivCopy, tagLength, short));
  }

  /** The expected tag; any time before final(). */
  setAuthTag(tag: Uint8Array): this {
    this.open();
    this.stream.setAuthTag(tag);
    return this;
  }
}

opaque(GcmCipher, "GcmCipher");
opaque(GcmDecipher, "GcmDecipher");
