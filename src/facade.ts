// A node:crypto-shaped facade: createCipheriv / createDecipheriv with OpenSSL names, so code
// written for Node can swap this library in. Each cipher object owns its expanded key and
// wipes it at final().
import { asBytes } from "./bytes.js";
import { IvLengthError, KeyLengthError, StateError, UnknownCipherError } from "./errors.js";
import { AesKey } from "./key.js";
import type { Mode } from "./modes/base.js";
import { BlockStream, type KernelStream } from "./modes/stream.js";
import { GcmCipher, GcmDecipher, gcmKeyBits, type GcmCipherName, type GcmCipherOptions } from "./gcm-facade.js";

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

/** Checks the key and IV against the cipher name and makes the mode object. */
export function modeFor(name: string, key: Uint8Array, iv: Uint8Array | null | undefined): Mode {
  const { bits, mode } = parseCipherName(name);
  const k = asBytes(key, "key");
  if (k.length !== bits / 8) {
    throw new KeyLengthError(`key must be ${bits / 8} bytes for aes-${bits}-*, got ${k.length}`);
  }
  if (mode === "ecb") {
    if (iv != null && asBytes(iv, "iv").length !== 0) {
      throw new IvLengthError(`aes-${bits}-ecb takes no IV (pass null), got ${asBytes(iv, "iv").length} bytes`);
    }
  } else if (iv == null) {
    throw new IvLengthError(`aes-${bits}-${mode} needs a 16-byte IV`);
  }
  const aes = new AesKey(k);
  try {
    switch (mode) {
      case "ecb": return aes.ecb();
      case "cbc": return aes.cbc(iv!);
      case "cfb": return aes.cfb(iv!);
      case "cfb8": return aes.cfb(iv!, { segment: 8 });
      case "cfb1": return aes.cfb(iv!, { segment: 1 });
      case "ofb": return aes.ofb(iv!);
      case "ctr": return aes.ctr(iv!);
    }
  } catch (e) {
    aes.dispose();
    throw e;
  }
}

/** The object createCipheriv/createDecipheriv return. */
export class Cipher {
  #stream: KernelStream;
  #key: AesKey;
  #done = false;

  /** @internal */
  constructor(mode: Mode, encrypt: boolean) {
    // modeFor made the key for this object alone; it is disposed at final().
    this.#key = mode.key;
    try {
      this.#stream = encrypt ? mode.encryptor() : mode.decryptor();
    } catch (e) {
      this.#key.dispose();
      throw e;
    }
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

/**
 * A cipher object as node:crypto's createCipheriv. For aes-{128,192,256}-gcm the 4th argument
 * takes { authTagLength } and the object has setAAD/getAuthTag (src/gcm-facade.ts).
 */
export function createCipheriv(name: GcmCipherName, key: Uint8Array, iv: Uint8Array, options?: GcmCipherOptions): GcmCipher;
export function createCipheriv(name: CipherName, key: Uint8Array, iv: Uint8Array | null): Cipher;
export function createCipheriv(name: string, key: Uint8Array, iv: Uint8Array | null, options?: GcmCipherOptions): Cipher | GcmCipher;
export function createCipheriv(name: string, key: Uint8Array, iv: Uint8Array | null, options?: GcmCipherOptions): Cipher | GcmCipher {
  if (gcmKeyBits(name) !== undefined) return new GcmCipher(name, key, iv, options);
  return new Cipher(modeFor(name, key, iv), true);
}

/**
 * A decipher object as node:crypto's createDecipheriv. For aes-*-gcm: setAAD/setAuthTag, and
 * update() returns plaintext that is unauthenticated until final() has returned.
 */
export function createDecipheriv(name: GcmCipherName, key: Uint8Array, iv: Uint8Array, options?: GcmCipherOptions): GcmDecipher;
export function createDecipheriv(name: CipherName, key: Uint8Array, iv: Uint8Array | null): Cipher;
export function createDecipheriv(name: string, key: Uint8Array, iv: Uint8Array | null, options?: GcmCipherOptions): Cipher | GcmDecipher;
export function createDecipheriv(name: string, key: Uint8Array, iv: Uint8Array | null, options?: GcmCipherOptions): Cipher | GcmDecipher {
  if (gcmKeyBits(name) !== undefined) return new GcmDecipher(name, key, iv, options);
  return new Cipher(modeFor(name, key, iv), false);
}
