// The node:crypto shape of AES key wrap: createCipheriv('id-aes256-wrap', kek, iv) for AES-KW
// (RFC 3394, iv: 8 bytes, A6A6A6A6A6A6A6A6 as standard) and 'id-aes256-wrap-pad' for AES-KWP
// (RFC 5649, iv: 4 bytes, A65959A6), plus OpenSSL's aliases aes{128,192,256}-wrap. As in Node,
// a wrap is one update() with all of the key data (a second one is refused) and final()
// returns nothing; unwrapping throws from update() (DecryptionError) when the integrity check
// fails, so no unverified byte is ever returned. The object wipes its key at final().
import { byteLengthOf } from "./bytes.js";
import { IvLengthError, KeyLengthError, StateError, UnknownCipherError } from "./errors.js";
import { AesKey } from "./key.js";
import { KwMode, KwpMode } from "./modes/kw.js";
import { opaque } from "./modes/guard.js";

export type WrapCipherName = `id-aes${128 | 192 | 256}-wrap${"" | "-pad"}` | `aes${128 | 192 | 256}-wrap`;
export const WRAP_CIPHER_NAMES: readonly WrapCipherName[] = ([128, 192, 256] as const).flatMap((bits) =>
  [`id-aes${bits}-wrap`, `id-aes${bits}-wrap-pad`, `aes${bits}-wrap`] as WrapCipherName[]);

/** { bits, pad } if `name` is a key-wrap name (any letter case), else undefined. */
export function wrapNameOf(name: unknown): { bits: 128 | 192 | 256; pad: boolean } | undefined {
  if (typeof name !== "string" || name.charCodeAt(3) === 45) return undefined; // "aes-…" is never a wrap name: no regex per createCipheriv
  const m = /^(?:id-aes(128|192|256)-wrap(-pad)?|aes(128|192|256)-wrap)$/i.exec(name);
  if (!m) return undefined;
  return { bits: Number(m[1] ?? m[3]) as 128 | 192 | 256, pad: m[2] !== undefined };
}

/** The object createCipheriv/createDecipheriv return for the key-wrap names. */
export class WrapCipher {
  readonly #key: AesKey;
  readonly #mode: KwMode | KwpMode;
  readonly #unwrap: boolean;
  #updated = false;
  #done = false;

  /** @internal Made by createCipheriv / createDecipheriv. */
  constructor(name: string, key: Uint8Array, iv: Uint8Array | null | undefined, unwrap: boolean) {
    const parsed = wrapNameOf(name);
    if (!parsed) throw new UnknownCipherError(name);
    const { bits, pad } = parsed;
    const keyLength = byteLengthOf(key, "key");
    if (keyLength !== bits / 8) throw new KeyLengthError(`key must be ${bits / 8} bytes for ${name}, got ${keyLength}`);
    if (iv == null) throw new IvLengthError(`${name} needs a ${pad ? 4 : 8}-byte IV (${pad ? "A65959A6" : "A6A6A6A6A6A6A6A6"} is standard)`);
    this.#key = new AesKey(key);
    try {
      this.#mode = pad ? new KwpMode(this.#key, iv) : new KwMode(this.#key, iv);
    } catch (e) {
      this.#key.dispose();
      throw e;
    }
    this.#unwrap = unwrap;
  }

  /** All of the key data (wrap) or the wrapped key (unwrap), in one call. */
  update(data: Uint8Array): Uint8Array {
    if (this.#done) throw new StateError("cipher already finished: final() was called");
    if (this.#updated) throw new StateError("key wrap takes all of its input in one update()");
    this.#updated = true;
    return this.#unwrap ? this.#mode.unwrap(data) : this.#mode.wrap(data);
  }

  /** Accepted and ignored, as in Node: key wrap has no padding option (KWP pads by itself). */
  setAutoPadding(_autoPadding = true): this {
    if (this.#done) throw new StateError("cipher already finished: final() was called");
    return this;
  }

  /** Nothing is left to output; wipes the key. */
  final(): Uint8Array {
    if (this.#done) throw new StateError("cipher already finished: final() was called");
    this.#done = true;
    this.#key.dispose();
    return new Uint8Array(0);
  }
}

opaque(WrapCipher, "WrapCipher");
