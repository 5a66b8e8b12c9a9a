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

export type GcmCipherName = `aes-${128 | 192 | 256}-gcm`;
export const GCM_CIPHER_NAMES: readonly GcmCipherName[] = ["aes-128-gcm", "aes-192-gcm", "aes-256-gcm"];

export interface GcmCipherOptions {
  /** Tag length in bytes: 16 (default for the cipher), 15..12; 8, 4 with allowShortTags. */
  authTagLength?: number;
  allowShortTags?: boolean;
}

const gcmNameBits = new Map<string, 128 | 192 | 256 | 0>();

/** Key bits if `name` is an aes-*-gcm name (any letter case), else undefined. */
export function gcmKeyBits(name: unknown): 128 | 192 | 256 | undefined {
  if (typeof name !== "string") return undefined;
  // Every createCipheriv asks this first: remember answers so a name is matched once.
  let bits = gcmNameBits.get(name);
  if (bits === undefined) {
    const m = /^aes-(128|192|256)-gcm$/i.exec(name);
    bits = m ? (Number(m[1]) as 128 | 192 | 256) : 0;
    if (gcmNameBits.size < 64) gcmNameBits.set(name, bits); // bounded: names come from code, not data
  }
  return bits || undefined;
}

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

interface GcmStream {
  setAAD(aad: Uint8Array): unknown;
  update(data: Uint8Array): Uint8Array;
  final(): Uint8Array;
}

/** What both GCM facade objects share: they own their key and wipe it at final(). */
abstract class GcmFacade<S extends GcmStream> {
  protected readonly stream: S;
  readonly #key: AesKey;
  #done = false;

  constructor(name: string, key: Uint8Array, iv: Uint8Array | null, makeStream: (aes: AesKey, iv: Uint8Array) => S) {
    const { aes, ivCopy } = makeKey(name, key, iv);
    this.#key = aes;
    try {
      this.stream = makeStream(aes, ivCopy);
    } catch (e) {
      aes.dispose();
      throw e;
    }
  }

  /** Adds additional authenticated data; before the first update(). */
  setAAD(aad: Uint8Array, _options?: { plaintextLength?: number }): this {
    this.open();
    this.stream.setAAD(aad);
    return this;
  }

  update(data: Uint8Array): Uint8Array {
    this.open();
    return this.stream.update(data);
  }

  final(): Uint8Array {
    this.open();
    this.#done = true;
    try {
      return this.stream.final();
    } finally {
      this.#key.dispose();
    }
  }

  /** Accepted for node:crypto compatibility; GCM has no padding. */
  setAutoPadding(_autoPadding = true): this {
    this.open();
    return this;
  }

  protected get done(): boolean {
    return this.#done;
  }

  protected open(): void {
    if (this.#done) throw new StateError("cipher already finished: final() was called");
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
