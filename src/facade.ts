// A node:crypto-shaped facade: createCipheriv / createDecipheriv with OpenSSL names, so code
// written for Node can swap this library in. Each cipher object owns its expanded key and
// wipes it at final().
import { byteLengthOf } from "./bytes.js";
import { IvLengthError, KeyLengthError, StateError, UnknownCipherError } from "./errors.js";
import { AesKey } from "./key.js";
import { BlockStream, type KernelStream } from "./modes/stream.js";
import { ecbStream } from "./modes/ecb.js";
import { cbcStream } from "./modes/cbc.js";
import { cfbStream } from "./modes/cfb.js";
import { ofbStream } from "./modes/ofb.js";
import { ctrStreamOnce } from "./modes/ctr.js";
import { opaque } from "./modes/guard.js";
import type { CheckedLiteral } from "./checked-literal.js";
import { GCM_CIPHER_NAMES, GcmCipher, GcmDecipher, gcmKeyBits, type GcmCipherName, type GcmCipherOptions } from "./gcm-facade.js";
import { XTS_CIPHER_NAMES, XtsCipher, xtsKeyBits, type XtsCipherName } from "./xts-facade.js";
import { WRAP_CIPHER_NAMES, WrapCipher, wrapNameOf, type WrapCipherName } from "./wrap-facade.js";
import { CCM_CIPHER_NAMES, CcmCipher, CcmDecipher, ccmKeyBits, type CcmCipherName, type CcmCipherOptions } from "./ccm-facade.js";
import { OCB_CIPHER_NAMES, OcbCipher, OcbDecipher, ocbKeyBits, type OcbCipherName, type OcbCipherOptions } from "./ocb-facade.js";

export type CipherName = `aes-${128 | 192 | 256}-${"ecb" | "cbc" | "cfb" | "cfb8" | "cfb1" | "ofb" | "ctr"}`;

export const CIPHER_NAMES: readonly CipherName[] = ([128, 192, 256] as const).flatMap((bits) =>
  (["ecb", "cbc", "cfb", "cfb8", "cfb1", "ofb", "ctr"] as const).map((m) => `aes-${bits}-${m}` as CipherName));

export interface ParsedCipherName {
  bits: 128 | 192 | 256;
  mode: "ecb" | "cbc" | "cfb" | "cfb8" | "cfb1" | "ofb" | "ctr";
}

const parsedNames = new Map<string, ParsedCipherName>();

export function parseCipherName(name: unknown): ParsedCipherName {
  let parsed = typeof name === "string" ? parsedNames.get(name) : undefined;
  if (parsed) return parsed;
  const m = typeof name === "string" ? /^aes-(128|192|256)-(ecb|cbc|cfb|cfb8|cfb1|ofb|ctr)$/i.exec(name) : null;
  if (!m) throw new UnknownCipherError(name);
  parsed = { bits: Number(m[1]) as 128 | 192 | 256, mode: m[2].toLowerCase() as ParsedCipherName["mode"] };
  parsedNames.set(name as string, parsed); // only valid names are cached, so the map stays small
  return parsed;
}

/**
 * Checks the key and IV against the cipher name and makes the cipher object with its own key
 * and one stream. No mode object: the stream copies the IV into WASM memory at once.
 */
function cipherFor(name: string, keyBytes: Uint8Array, iv: Uint8Array | null | undefined, encrypt: boolean): Cipher {
  const { bits, mode } = parseCipherName(name);
  const keyLength = byteLengthOf(keyBytes, "key"); // the key itself goes straight into its slot
  if (keyLength !== bits / 8) {
    throw new KeyLengthError(`key must be ${bits / 8} bytes for aes-${bits}-*, got ${keyLength}`);
  }
  if (mode === "ecb") {
    const ivLength = iv == null ? 0 : byteLengthOf(iv, "iv");
    if (ivLength !== 0) throw new IvLengthError(`aes-${bits}-ecb takes no IV (pass null), got ${ivLength} bytes`);
  } else if (iv == null) {
    throw new IvLengthError(`aes-${bits}-${mode} needs a 16-byte IV`);
  }
  const key = new AesKey(keyBytes);
  try {
    return new Cipher(key, streamOf(key, mode, iv!, encrypt));
  } catch (e) {
    key.dispose();
    throw e;
  }
}

function streamOf(key: AesKey, mode: ParsedCipherName["mode"], iv: Uint8Array, encrypt: boolean): KernelStream {
  switch (mode) {
    case "ecb": return ecbStream(key, encrypt, "pkcs7");
    case "cbc": return cbcStream(key, iv, encrypt, "pkcs7");
    case "cfb": return cfbStream(key, iv, 128, encrypt);
    case "cfb8": return cfbStream(key, iv, 8, encrypt);
    case "cfb1": return cfbStream(key, iv, 1, encrypt);
    case "ofb": return ofbStream(key, iv);
    case "ctr": return ctrStreamOnce(key, iv, encrypt);
  }
}

/** The object createCipheriv/createDecipheriv return. */
export class Cipher {
  #key: AesKey;
  #stream: KernelStream;
  #done = false;

  /** @internal */
  constructor(key: AesKey, stream: KernelStream) {
    // cipherFor made the key for this object alone; it is disposed at final().
    this.#key = key;
    this.#stream = stream;
  }

  update(data: Uint8Array): Uint8Array {
    if (this.#done) throw new StateError("cipher already finished: final() was called");
    return this.#stream.update(data);
  }

  final(): Uint8Array {
    if (this.#done) throw new StateError("cipher already finished: final() was called");
    this.#done = true;
    try {
      return this.#stream.final();
    } finally {
      this.#key.dispose();
    }
  }

  /** PKCS#7 padding on (default) or off, for ECB and CBC; ignored by stream modes, as in Node. */
  setAutoPadding(autoPadding = true): this {
    if (this.#done) throw new StateError("cipher already finished: final() was called");
    if (this.#stream instanceof BlockStream) this.#stream.setPadding(autoPadding ? "pkcs7" : "none");
    return this;
  }
}

// OpenSSL's other names for these ciphers, as node:crypto's getCiphers() lists them, in any
// letter case: aes128/aes192/aes256 are CBC, id-aes{128,192,256}-GCM and -CCM the AEADs. (The
// key-wrap names and their aliases are wrap-facade.ts's.)
const CIPHER_ALIAS = /^(?:aes(128|192|256)|id-aes(128|192|256)-(gcm|ccm))$/i;

/** The name createCipheriv dispatches on: an OpenSSL alias resolved, any other name as given. */
export function resolveCipherAlias(name: string): string {
  if (typeof name !== "string" || name.charCodeAt(3) === 45 /* "aes-…": no alias */) return name;
  const m = CIPHER_ALIAS.exec(name);
  if (!m) return name;
  return m[1] !== undefined ? `aes-${m[1]}-cbc` : `aes-${m[2]}-${m[3].toLowerCase()}`;
}

const ALL_CIPHER_NAMES: readonly string[] = [
  ...CIPHER_NAMES, ...GCM_CIPHER_NAMES, ...CCM_CIPHER_NAMES, ...OCB_CIPHER_NAMES, ...XTS_CIPHER_NAMES, ...WRAP_CIPHER_NAMES,
  ...([128, 192, 256] as const).flatMap((bits) => [`aes${bits}`, `id-aes${bits}-GCM`, `id-aes${bits}-CCM`]),
].sort();

/**
 * The cipher names createCipheriv/createDecipheriv take, as node:crypto's getCiphers() lists
 * them: OpenSSL's spelling (any letter case is accepted), in Node's (code unit) order.
 */
export function getCiphers(): string[] {
  return [...ALL_CIPHER_NAMES];
}

/** OpenSSL's aliases (CIPHER_ALIAS above) as getCiphers() spells them. */
export type CipherAlias = `aes${128 | 192 | 256}` | `id-aes${128 | 192 | 256}-${"GCM" | "CCM"}`;
/** Every name createCipheriv/createDecipheriv take: getCiphers() as a type. */
export type AnyCipherName = CipherName | GcmCipherName | CcmCipherName | OcbCipherName | XtsCipherName | WrapCipherName | CipherAlias;
/**
 * The type of a cipher-name argument: a literal must be a name of getCiphers() in any letter
 * case ("aes-256-cbcx" does not compile); a `string` known only at run time is accepted and
 * checked by the call (UnknownCipherError).
 */
export type CipherNameArg<N extends string> = CheckedLiteral<N, string, Lowercase<N> extends Lowercase<AnyCipherName> ? N : AnyCipherName>;

/**
 * A cipher object as node:crypto's createCipheriv. For aes-{128,192,256}-gcm the 4th argument
 * takes { authTagLength } and the object has setAAD/getAuthTag (src/gcm-facade.ts).
 */
export function createCipheriv(name: GcmCipherName, key: Uint8Array, iv: Uint8Array, options?: GcmCipherOptions): GcmCipher;
export function createCipheriv(name: CcmCipherName, key: Uint8Array, iv: Uint8Array, options: CcmCipherOptions): CcmCipher;
export function createCipheriv(name: OcbCipherName, key: Uint8Array, iv: Uint8Array, options: OcbCipherOptions): OcbCipher;
export function createCipheriv(name: XtsCipherName, key: Uint8Array, iv: Uint8Array): XtsCipher;
export function createCipheriv(name: WrapCipherName, key: Uint8Array, iv: Uint8Array): WrapCipher;
export function createCipheriv(name: CipherName, key: Uint8Array, iv: Uint8Array | null): Cipher;
export function createCipheriv<N extends string>(name: CipherNameArg<N>, key: Uint8Array, iv: Uint8Array | null, options?: GcmCipherOptions): Cipher | GcmCipher | CcmCipher | OcbCipher | XtsCipher | WrapCipher;
export function createCipheriv(name: string, key: Uint8Array, iv: Uint8Array | null, options?: GcmCipherOptions): Cipher | GcmCipher | CcmCipher | OcbCipher | XtsCipher | WrapCipher {
  name = resolveCipherAlias(name);
  if (gcmKeyBits(name) !== undefined) return new GcmCipher(name, key, iv, options);
  if (ccmKeyBits(name) !== undefined) return new CcmCipher(name, key, iv, options);
  if (ocbKeyBits(name) !== undefined) return new OcbCipher(name, key, iv, options);
  if (xtsKeyBits(name) !== undefined) return new XtsCipher(name, key, iv, false);
  if (wrapNameOf(name) !== undefined) return new WrapCipher(name, key, iv, false);
  return cipherFor(name, key, iv, true);
}

/**
 * A decipher object as node:crypto's createDecipheriv. For aes-*-gcm: setAAD/setAuthTag, and
 * update() returns plaintext that is unauthenticated until final() has returned.
 */
export function createDecipheriv(name: GcmCipherName, key: Uint8Array, iv: Uint8Array, options?: GcmCipherOptions): GcmDecipher;
export function createDecipheriv(name: CcmCipherName, key: Uint8Array, iv: Uint8Array, options: CcmCipherOptions): CcmDecipher;
export function createDecipheriv(name: OcbCipherName, key: Uint8Array, iv: Uint8Array, options: OcbCipherOptions): OcbDecipher;
export function createDecipheriv(name: XtsCipherName, key: Uint8Array, iv: Uint8Array): XtsCipher;
export function createDecipheriv(name: WrapCipherName, key: Uint8Array, iv: Uint8Array): WrapCipher;
export function createDecipheriv(name: CipherName, key: Uint8Array, iv: Uint8Array | null): Cipher;
export function createDecipheriv<N extends string>(name: CipherNameArg<N>, key: Uint8Array, iv: Uint8Array | null, options?: GcmCipherOptions): Cipher | GcmDecipher | CcmDecipher | OcbDecipher | XtsCipher | WrapCipher;
export function createDecipheriv(name: string, key: Uint8Array, iv: Uint8Array | null, options?: GcmCipherOptions): Cipher | GcmDecipher | CcmDecipher | OcbDecipher | XtsCipher | WrapCipher {
  name = resolveCipherAlias(name);
  if (gcmKeyBits(name) !== undefined) return new GcmDecipher(name, key, iv, options);
  if (ccmKeyBits(name) !== undefined) return new CcmDecipher(name, key, iv, options);
  if (ocbKeyBits(name) !== undefined) return new OcbDecipher(name, key, iv, options);
  if (xtsKeyBits(name) !== undefined) return new XtsCipher(name, key, iv, true);
  if (wrapNameOf(name) !== undefined) return new WrapCipher(name, key, iv, true);
  return cipherFor(name, key, iv, false);
}

opaque(Cipher, "Cipher");
