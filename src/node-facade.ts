// node:crypto's createCipheriv / createDecipheriv for Node, over the byte-level facade
// (src/facade.ts and the *-facade.ts files), shaped so that code written for node:crypto
// sees what Node would give it:
// - the cipher objects are stream.Transforms: pipe()/pipeline() with backpressure; a write is
//   update(), the end is final(), and a failure in either is a stream error ('error' event);
// - results are Buffers; strings are taken with an input encoding (UTF-8 by default) and given
//   back in an output encoding (update(s, 'utf8', 'hex'), final('base64')) through a
//   StringDecoder, so a character or a base64 group split between calls comes out whole, as
//   in Node (utf8, hex, base64, base64url, latin1/binary, ascii, utf16le/ucs2);
// - keys as Node takes them: Buffer, TypedArray, DataView, ArrayBuffer, a string (in
//   options.encoding, UTF-8 by default), a secret KeyObject or CryptoKey; IVs alike (strings as
//   UTF-8); the OpenSSL aliases and getCiphers() of src/facade.ts;
// - Node's error codes and messages where Node has them (ERR_CRYPTO_INVALID_STATE, the bad-tag
//   message, ERR_CRYPTO_INVALID_IV, ...), on the library's own error classes: instanceof
//   StateError, DecryptionError, KeyLengthError... still hold, and so does `name`.
// Where the library refuses what Node lets through (short GCM/OCB tags without allowShortTags,
// CCM's call order, a second key-wrap update(), XTS's equal key halves when decrypting, a CTR
// counter that would wrap, options that are not own properties), it still refuses, with its
// own message; test/node-dropin.test.ts lists each difference next to Node's behaviour.
//
// Node only: the browser entry (src/index.ts) exports the byte-level facade itself (Uint8Array
// results, byte inputs, the library's messages), and nothing imports this file there.
import { Buffer } from "node:buffer";
import { KeyObject } from "node:crypto";
import { Transform, type TransformCallback, type TransformOptions } from "node:stream";
import { StringDecoder } from "node:string_decoder";
import { inspect, types } from "node:util";
import { DataLengthError, DecryptionError, InputTypeError, IvLengthError, KeyLengthError, StateError, UnknownCipherError, WeakKeyError, type AesError } from "./errors.js";
import { TagLengthError } from "./aead-errors.js";
import { createCipheriv as createByteCipher, createDecipheriv as createByteDecipher, getCiphers, resolveCipherAlias, type CipherNameArg } from "./facade.js";
import { GcmCipher, GcmDecipher, gcmKeyBits } from "./gcm-facade.js";
import { CcmCipher, CcmDecipher } from "./ccm-facade.js";
import { OcbCipher, OcbDecipher, ocbKeyBits } from "./ocb-facade.js";
import { XtsCipher } from "./xts-facade.js";
import { WrapCipher } from "./wrap-facade.js";
import { opaque } from "./modes/guard.js";
import { own, pickOwn } from "./own.js";
import type { KeyObjectLike, NodeBuffer, NodeTransformClass, NodeTransformOptions } from "./host-types.js";

export { getCiphers };

/** Bytes as Node takes them for data, AAD, tags and IVs. */
export type BinaryLike = string | ArrayBufferView;
/** A key as node:crypto's createCipheriv takes it. */
export type CipherKey = BinaryLike | ArrayBuffer | KeyObjectLike | CryptoKeyLike;
/** A WebCrypto CryptoKey of Node's crypto.subtle (type "secret"). */
export interface CryptoKeyLike { readonly type: string; readonly algorithm: unknown }
/** The encodings Node's cipher methods take for strings. */
export type CipherEncoding = "utf8" | "utf-8" | "hex" | "base64" | "base64url" | "latin1" | "binary" | "ascii" | "utf16le" | "ucs2" | "ucs-2";

/**
 * createCipheriv's options: the AEAD tag length (and the library's allowShortTags), the
 * encoding of a string key, and the stream options Node passes on to the Transform.
 */
export interface NodeCipherOptions extends NodeTransformOptions {
  authTagLength?: number;
  allowShortTags?: boolean;
  /** The encoding of a string key (Node also hands it to the stream: its readable side gives strings). */
  encoding?: CipherEncoding;
}

type Family = "block" | "stream" | "gcm" | "ccm" | "ocb" | "xts" | "wrap";

/** What every byte-level facade object offers; the AEAD methods where the mode has them. */
interface ByteCipher {
  update(data: Uint8Array): Uint8Array;
  final(): Uint8Array;
  setAutoPadding(autoPadding?: boolean): unknown;
  setAAD?(aad: Uint8Array, options?: { plaintextLength?: number }): unknown;
  getAuthTag?(): Uint8Array;
  setAuthTag?(tag: Uint8Array): unknown;
}

// ---- Node's errors, on the library's classes ----

/** `error` with Node's code for the same failure (the class and its `name` stay the library's). */
function coded<E extends AesError>(error: E, code: string): E {
  (error as { code: string }).code = code;
  return error;
}

const invalidState = (operation?: string) =>
  coded(new StateError(operation === undefined ? "Invalid state" : `Invalid state for operation ${operation}`), "ERR_CRYPTO_INVALID_STATE");

/** What Node says when OpenSSL refuses data (it gives no code; this facade's is ERR_CRYPTO_INVALID_STATE after final()). */
const UNSUPPORTED_STATE = "Trying to add data in unsupported state";
const BAD_TAG = "Unsupported state or unable to authenticate data";

/** Node's description of a wrong value in an ERR_INVALID_ARG_TYPE message, without running the value's code. */
function received(value: unknown): string {
  if (value === null || value === undefined) return `Received ${value}`;
  if (typeof value === "function") {
    const name = Object.getOwnPropertyDescriptor(value, "name")?.value;
    return typeof name === "string" && name !== "" ? `Received function ${name}` : "Received function ";
  }
  if (typeof value === "object") {
    let tag = "Object";
    try {
      tag = Object.prototype.toString.call(value).slice(8, -1);
    } catch {
      // a revoked proxy
    }
    return `Received an instance of ${tag}`;
  }
  let shown = inspect(value);
  if (shown.length > 28) shown = `${shown.slice(0, 25)}...`;
  return `Received type ${typeof value} (${shown})`;
}

function argType(name: string, expected: string, value: unknown, property = false): InputTypeError {
  const what = property ? `The "${name}" property` : `The "${name}" argument`;
  return coded(new InputTypeError(`${what} must be ${expected}. ${received(value)}`), "ERR_INVALID_ARG_TYPE");
}

const BYTES_OR_STRING = "of type string or an instance of ArrayBuffer, Buffer, TypedArray, or DataView";

/** Node's getUIntOption: an option that is absent (or null) or an unsigned 32-bit integer. */
function uintOption(options: unknown, name: string, ErrorClass: new (message: string) => AesError): number | undefined {
  const value = own(options, name);
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || value >>> 0 !== value) {
    throw coded(new ErrorClass(`The property 'options.${name}' is invalid. Received ${inspect(value)}`), "ERR_INVALID_ARG_VALUE");
  }
  return value;
}

// ---- inputs as Node takes them ----

/** An input encoding as Node's cipher methods read it: one Buffer knows, else UTF-8. */
function inputEncoding(encoding: unknown): BufferEncoding {
  return typeof encoding === "string" && Buffer.isEncoding(encoding) ? encoding : "utf8";
}

/** A string's bytes in an input encoding, as Node's cipher methods read it (a copy: wipe it after use). */
function stringBytes(data: string, encoding: unknown): Buffer {
  const enc = inputEncoding(encoding);
  if (enc.toLowerCase() === "hex" && data.length % 2 !== 0) {
    throw coded(new InputTypeError(`The argument 'encoding' is invalid for data of length ${data.length}. Received ${inspect(encoding)}`), "ERR_INVALID_ARG_VALUE");
  }
  return Buffer.from(data, enc);
}

/** Bytes of a string (a copy, see stringBytes), an ArrayBufferView or (unless `viewsOnly`) an ArrayBuffer. */
function dataBytes(data: unknown, encoding: unknown, name: string, expected: string, viewsOnly: boolean): Uint8Array {
  if (typeof data === "string") return stringBytes(data, encoding);
  if (ArrayBuffer.isView(data)) return data as Uint8Array;
  if (!viewsOnly && types.isAnyArrayBuffer(data)) return new Uint8Array(data);
  throw argType(name, expected, data);
}

/** Whether keyBytes() made a copy (of a string or a key object), to wipe once the key is expanded. */
const keyCopied = (key: unknown): boolean => !ArrayBuffer.isView(key) && !types.isAnyArrayBuffer(key);

/** The key's bytes as Node takes them. */
function keyBytes(key: unknown, options: unknown): Uint8Array {
  if (ArrayBuffer.isView(key)) return key as Uint8Array;
  if (typeof key === "string") {
    const encoding = own(options, "encoding");
    if (encoding !== undefined && typeof encoding !== "string") throw argType("options.encoding", "of type string", encoding, true);
    const enc = encoding === undefined || encoding === "buffer" ? "utf8" : encoding;
    if (!Buffer.isEncoding(enc)) throw coded(new InputTypeError(`Unknown encoding: ${enc}`), "ERR_UNKNOWN_ENCODING");
    return Buffer.from(key, enc);
  }
  if (types.isAnyArrayBuffer(key)) return new Uint8Array(key);
  const keyObject = key instanceof KeyObject ? key : isCryptoKey(key) ? KeyObject.from(key as never) : undefined;
  if (keyObject === undefined) {
    throw argType("key", "of type string or an instance of ArrayBuffer, Buffer, TypedArray, DataView, KeyObject, or CryptoKey", key);
  }
  if (keyObject.type !== "secret") {
    throw coded(new InputTypeError(`Invalid key object type ${keyObject.type}, expected secret.`), "ERR_CRYPTO_INVALID_KEY_OBJECT_TYPE");
  }
  return keyObject.export();
}

function isCryptoKey(key: unknown): boolean {
  const CryptoKeyClass = (globalThis as { CryptoKey?: abstract new () => unknown }).CryptoKey;
  return CryptoKeyClass !== undefined && key instanceof CryptoKeyClass;
}

/** The IV (null for ECB), as Node takes it: strings as UTF-8. */
function ivBytes(iv: unknown): Uint8Array | null {
  if (iv === null) return null;
  return dataBytes(iv, "utf8", "iv", BYTES_OR_STRING, false);
}

// ---- the family of a cipher, for the failures Node reports per mode ----

/**
 * The family of a byte-level cipher object. "block" stands for every mode of the plain Cipher:
 * of those, only ECB and CBC fail at final() (length or padding), the stream modes never do.
 */
function familyOf(cipher: ByteCipher): Family {
  if (cipher instanceof GcmCipher || cipher instanceof GcmDecipher) return "gcm";
  if (cipher instanceof CcmCipher || cipher instanceof CcmDecipher) return "ccm";
  if (cipher instanceof OcbCipher || cipher instanceof OcbDecipher) return "ocb";
  if (cipher instanceof XtsCipher) return "xts";
  if (cipher instanceof WrapCipher) return "wrap";
  return "block";
}

/** The AEAD family of a name whose cipher could not be made (for its tag length error). */
function aeadFamilyOf(name: string): Family | undefined {
  const n = resolveCipherAlias(name);
  return gcmKeyBits(n) !== undefined ? "gcm" : ocbKeyBits(n) !== undefined ? "ocb" : undefined;
}

/**
 * Tag lengths Node takes where this library asks for allowShortTags (GCM: 4 and 8 bytes; OCB:
 * 1..7): refused with the library's message, which says how to opt in.
 */
function shortTagNodeTakes(family: Family | undefined, length: number): boolean {
  if (family === "gcm") return length === 4 || length === 8;
  if (family === "ocb") return length < 8;
  return false;
}

/** A failure of createCipheriv/createDecipheriv itself, as Node reports it. */
function constructionError(e: unknown, name: string, authTagLength: number | undefined): unknown {
  if (e instanceof UnknownCipherError) return coded(new UnknownCipherError(name, "Unknown cipher"), "ERR_CRYPTO_UNKNOWN_CIPHER");
  if (e instanceof KeyLengthError) return coded(new KeyLengthError("Invalid key length"), "ERR_CRYPTO_INVALID_KEYLEN");
  if (e instanceof IvLengthError) return coded(new IvLengthError("Invalid initialization vector"), "ERR_CRYPTO_INVALID_IV");
  if (e instanceof WeakKeyError) return coded(new WeakKeyError("error:1C800095:Provider routines::xts duplicated keys"), "ERR_OSSL_XTS_DUPLICATED_KEYS");
  if (e instanceof TagLengthError) {
    const family = aeadFamilyOf(name);
    if (authTagLength === undefined) return coded(new TagLengthError(`authTagLength required for ${name}`), "ERR_CRYPTO_INVALID_AUTH_TAG");
    if (shortTagNodeTakes(family, authTagLength)) return coded(e, "ERR_CRYPTO_INVALID_AUTH_TAG");
    return coded(new TagLengthError(`Invalid authentication tag length: ${authTagLength}`), "ERR_CRYPTO_INVALID_AUTH_TAG");
  }
  return e;
}

const byteOptions = (authTagLength: number | undefined, options: unknown) =>
  authTagLength === undefined && own(options, "allowShortTags") === undefined
    ? undefined
    : { authTagLength, allowShortTags: own(options, "allowShortTags") as boolean | undefined };

/** A byte-level cipher object made for Node's arguments, and the tag length asked for. */
interface Made {
  cipher: ByteCipher;
  authTagLength: number | undefined;
}

/** The byte-level cipher object for Node's arguments; every failure with Node's code and message. */
function byteCipher(name: unknown, key: unknown, iv: unknown, options: unknown, decrypt: boolean): Made {
  if (typeof name !== "string") throw argType("cipher", "of type string", name);
  const k = keyBytes(key, options);
  try {
    if (iv === undefined) throw argType("iv", BYTES_OR_STRING, iv);
    const v = ivBytes(iv);
    const authTagLength = uintOption(options, "authTagLength", TagLengthError);
    const o = byteOptions(authTagLength, options);
    try {
      // Two calls, not one call of a union of functions: TS drops the generic name overload there.
      const cipher = (decrypt ? createByteDecipher(name, k, v, o) : createByteCipher(name, k, v, o)) as ByteCipher;
      return { cipher, authTagLength };
    } catch (e) {
      throw constructionError(e, name, authTagLength);
    }
  } finally {
    if (keyCopied(key)) k.fill(0); // expanded into the key slot already
  }
}

/** The Transform options Node hands on from createCipheriv's options (own properties only). */
const STREAM_OPTIONS = ["highWaterMark", "readableHighWaterMark", "writableHighWaterMark", "allowHalfOpen", "emitClose", "autoDestroy", "signal", "encoding"] as const;
const DEFAULT_STREAM_OPTIONS: TransformOptions = Object.freeze({ decodeStrings: false });

function streamOptions(options: unknown): TransformOptions {
  if (options === null || typeof options !== "object") return DEFAULT_STREAM_OPTIONS;
  const picked = pickOwn(options, STREAM_OPTIONS) as TransformOptions;
  picked.decodeStrings = false; // strings reach _transform with their encoding, as in Node
  // Node's stream state is made on first use, so an encoding its readable side cannot take
  // ("buffer": a key's) only fails there; here the stream is made at once and leaves it out.
  if (picked.encoding !== undefined && !Buffer.isEncoding(picked.encoding)) delete picked.encoding;
  return picked;
}

/** One empty backing store for every zero-length result (a new ArrayBuffer costs ~0.3 µs). */
let emptyBacking = new ArrayBuffer(0);

/**
 * A fresh result of the byte-level facade as a Buffer. Up to 64 bytes it is copied (and the
 * original wiped): asking a small typed array for its `buffer` moves it out of V8's heap, which
 * costs more than the copy. A larger one is viewed, not copied.
 */
function toBuffer(bytes: Uint8Array): Buffer {
  const n = bytes.byteLength;
  if (n > 64) return Buffer.from(bytes.buffer, bytes.byteOffset, n);
  if (n > 0) {
    const copy = Buffer.allocUnsafe(n); // every byte written at once
    copy.set(bytes);
    bytes.fill(0);
    return copy;
  }
  try {
    return Buffer.from(emptyBacking, 0, 0);
  } catch {
    emptyBacking = new ArrayBuffer(0); // a caller transferred (detached) it
    return Buffer.from(emptyBacking, 0, 0);
  }
}

// ---- the stream, made on first use ----
// Node's own cipher objects make their stream state only when a stream method first needs it
// (a "lazy transform"): most are used through update()/final() alone, and a Transform's state
// costs about a tenth of a short message. The same here wherever Transform can be called on an
// existing object (Node's streams are functions; a probe checks it once); elsewhere the stream
// state is made at once.

const kStreamOptions = Symbol("streamOptions");
const INITIALIZING = Symbol("initializing");
type Lazy = Record<PropertyKey, unknown>;

function LazyTransform(this: Lazy, options: TransformOptions): void {
  this[kStreamOptions] = options;
}
LazyTransform.prototype = Object.create(Transform.prototype, { constructor: { value: LazyTransform, writable: true, configurable: true } });
Object.setPrototypeOf(LazyTransform, Transform);
for (const name of ["_readableState", "_writableState"]) {
  Object.defineProperty(LazyTransform.prototype, name, {
    get(this: Lazy) {
      const options = this[kStreamOptions];
      if (options === INITIALIZING) return undefined; // read by the constructor before it set it
      this[kStreamOptions] = INITIALIZING;
      Reflect.apply(Transform, this, [options]); // sets both states, as own properties (the setter)
      return this[name];
    },
    set(this: object, value: unknown) {
      Object.defineProperty(this, name, { value, writable: true, configurable: true, enumerable: true });
    },
    configurable: true,
    enumerable: true,
  });
}

/** Whether a LazyTransform becomes a working Transform on first use in this runtime. */
function lazyWorks(): boolean {
  try {
    const probe = Reflect.construct(LazyTransform, [{ decodeStrings: false }]) as Transform & Lazy;
    const state = probe._readableState; // the first use
    return state !== undefined && Object.hasOwn(probe, "_readableState") && Object.hasOwn(probe, "_writableState") &&
      probe.readable && probe.writable;
  } catch {
    return false;
  }
}

// Typed as host-types.ts's NodeTransform, so that the published types do not need @types/node.
const StreamBase = (lazyWorks() ? LazyTransform : Transform) as unknown as NodeTransformClass;

/** What Cipheriv and Decipheriv share: update/final/setAutoPadding/setAAD and the stream. */
abstract class NodeCipherBase extends StreamBase {
  protected readonly inner: ByteCipher;
  /** The authTagLength option, if one was given. */
  protected readonly authTagLength: number | undefined;
  #family: Family | undefined;
  #done = false;
  #decoder: StringDecoder | undefined;

  /** @internal Made by createCipheriv / createDecipheriv. */
  constructor(made: Made, options: unknown) {
    super(streamOptions(options));
    this.inner = made.cipher;
    this.authTagLength = made.authTagLength;
  }

  /** Worked out when a failure or setAAD needs it, not for every message. */
  protected get family(): Family {
    return (this.#family ??= familyOf(this.inner));
  }

  /**
   * Encrypts or decrypts a chunk: a Buffer, or a string in `outputEncoding`. A string `data`
   * is read in `inputEncoding` (UTF-8 by default).
   */
  update(data: BinaryLike): NodeBuffer;
  update(data: string, inputEncoding: CipherEncoding | undefined): NodeBuffer;
  update(data: ArrayBufferView, inputEncoding: undefined, outputEncoding: CipherEncoding): string;
  update(data: string, inputEncoding: CipherEncoding | undefined, outputEncoding: CipherEncoding): string;
  update(data: BinaryLike, inputEncoding?: CipherEncoding, outputEncoding?: CipherEncoding | "buffer"): NodeBuffer | string;
  update(data: unknown, inputEncoding?: unknown, outputEncoding?: unknown): NodeBuffer | string {
    const owned = typeof data === "string";
    const bytes = dataBytes(data, inputEncoding, "data", "of type string or an instance of Buffer, TypedArray, or DataView", true);
    try {
      // Checked before the cipher moves on (Node checks after, and loses the chunk's output).
      const decoder = outputEncoding && outputEncoding !== "buffer" ? this.#decoderFor(outputEncoding) : undefined;
      if (this.#done) throw coded(new StateError(UNSUPPORTED_STATE), "ERR_CRYPTO_INVALID_STATE");
      let out: Uint8Array;
      try {
        out = this.inner.update(bytes);
      } catch (e) {
        throw this.#updateError(e);
      }
      return decoder === undefined ? toBuffer(out) : decoded(decoder, out, false);
    } finally {
      if (owned) bytes.fill(0);
    }
  }

  /** Ends the message: the last bytes, as a Buffer or a string in `outputEncoding`. */
  final(): NodeBuffer;
  final(outputEncoding: CipherEncoding): string;
  final(outputEncoding?: CipherEncoding | "buffer"): NodeBuffer | string;
  final(outputEncoding?: unknown): NodeBuffer | string {
    const decoder = outputEncoding && outputEncoding !== "buffer" ? this.#decoderFor(outputEncoding) : undefined;
    if (this.#done) throw invalidState();
    this.#done = true;
    let out: Uint8Array;
    try {
      out = this.inner.final();
    } catch (e) {
      throw this.#finalError(e);
    }
    return decoder === undefined ? toBuffer(out) : decoded(decoder, out, true);
  }

  /** PKCS#7 padding on or off (ECB, CBC). As in Node, the value is read as a boolean: no argument is off. */
  setAutoPadding(autoPadding?: boolean): this {
    if (this.#done) throw invalidState("setAutoPadding");
    this.inner.setAutoPadding(Boolean(autoPadding));
    return this;
  }

  /** Additional authenticated data (GCM, CCM with { plaintextLength }, OCB). */
  setAAD(aad: BinaryLike | ArrayBuffer, options?: { plaintextLength?: number }): this {
    const bytes = dataBytes(aad, "utf8", "aadbuf", BYTES_OR_STRING, false);
    const plaintextLength = uintOption(options, "plaintextLength", StateError);
    if (this.#done || this.inner.setAAD === undefined) throw invalidState("setAAD");
    if (this.family === "ccm" && plaintextLength === undefined) {
      throw coded(new StateError("options.plaintextLength required for CCM mode with AAD"), "ERR_MISSING_ARGS");
    }
    try {
      this.inner.setAAD(bytes, plaintextLength === undefined ? undefined : { plaintextLength });
    } catch (e) {
      if (e instanceof DataLengthError) throw coded(new DataLengthError("Invalid message length"), "ERR_CRYPTO_INVALID_MESSAGELEN");
      // GCM after data; CCM's own order rules (Node lets a second setAAD or one after update() through) stay the library's
      if (e instanceof StateError && this.family !== "ccm") throw invalidState("setAAD");
      throw e;
    }
    return this;
  }

  protected get done(): boolean {
    return this.#done;
  }

  /** @internal Transform's hook (Node calls it). */
  _transform(chunk: Buffer | string, encoding: BufferEncoding | "buffer", callback: TransformCallback): void {
    let out: Buffer;
    try {
      out = typeof chunk === "string" ? this.update(chunk, encoding as CipherEncoding) : this.update(chunk);
    } catch (e) {
      callback(e as Error);
      return;
    }
    this.push(out);
    callback();
  }

  /** @internal Transform's hook (Node calls it). */
  _flush(callback: TransformCallback): void {
    let out: Buffer;
    try {
      out = this.final();
    } catch (e) {
      callback(e as Error);
      return;
    }
    this.push(out);
    callback();
  }

  // Destroyed before the end (an error upstream, destroy()): end the message now, so its key
  // and state are wiped at once rather than when the object is garbage-collected.
  /** @internal Transform's hook (Node calls it). */
  _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (!this.#done) {
      this.#done = true;
      try {
        this.inner.final();
      } catch {
        // an unfinished message's padding or tag failure: nothing is released anyway
      }
    }
    callback(error);
  }

  /** Node's getDecoder: one StringDecoder per object; another encoding later is refused. */
  #decoderFor(encoding: unknown): StringDecoder {
    let decoder = this.#decoder;
    if (decoder === undefined) {
      try {
        decoder = new StringDecoder(encoding as BufferEncoding);
      } catch {
        throw coded(new InputTypeError(`Unknown encoding: ${String(encoding)}`), "ERR_UNKNOWN_ENCODING");
      }
      this.#decoder = decoder;
      return decoder;
    }
    let normalized: string | undefined;
    try {
      normalized = encodingOf(new StringDecoder(encoding as BufferEncoding));
    } catch {
      throw coded(new InputTypeError(`Unknown encoding: ${String(encoding)}`), "ERR_UNKNOWN_ENCODING");
    }
    if (normalized !== encodingOf(decoder)) throw new StateError("Cannot change encoding");
    return decoder;
  }

  #updateError(e: unknown): unknown {
    // Node's update() failures carry no code, only OpenSSL's "unsupported state"
    if (this.family === "xts" || this.family === "wrap" || this.family === "ccm") {
      if (e instanceof DataLengthError) return new DataLengthError(UNSUPPORTED_STATE);
      if (e instanceof DecryptionError) return new DecryptionError(UNSUPPORTED_STATE);
    }
    return e;
  }

  #finalError(e: unknown): unknown {
    if (this.family === "block") {
      if (e instanceof DataLengthError) return coded(new DataLengthError("error:1C80006B:Provider routines::wrong final block length"), "ERR_OSSL_WRONG_FINAL_BLOCK_LENGTH");
      if (e instanceof DecryptionError) return coded(new DecryptionError("error:1C800064:Provider routines::bad decrypt"), "ERR_OSSL_BAD_DECRYPT");
    }
    if (this.family === "gcm" || this.family === "ocb" || this.family === "ccm") {
      if (e instanceof DecryptionError) return new DecryptionError(BAD_TAG);
      if (e instanceof StateError && this instanceof Decipheriv && this.family !== "ccm") return new StateError(BAD_TAG); // no tag was set
      if (e instanceof StateError && this instanceof Cipheriv && this.family === "ccm") {
        return coded(new StateError("error:1C800077:Provider routines::tag not set"), "ERR_OSSL_TAG_NOT_SET");
      }
    }
    return e;
  }
}

/** A StringDecoder's normalized encoding ('utf8', 'latin1', ...), which @types/node leaves out. */
const encodingOf = (decoder: StringDecoder): string => (decoder as unknown as { encoding: string }).encoding;

/** A fresh result through the decoder (wiped afterwards: the string is the caller's copy). */
function decoded(decoder: StringDecoder, bytes: Uint8Array, end: boolean): string {
  const text = end ? decoder.end(bytes as Buffer) : decoder.write(bytes as Buffer);
  bytes.fill(0);
  return text;
}

/** What createCipheriv returns: node:crypto's Cipheriv. */
export class Cipheriv extends NodeCipherBase {
  /** The tag (GCM, CCM, OCB), after final(). */
  getAuthTag(): NodeBuffer {
    if (!this.done || this.inner.getAuthTag === undefined) throw invalidState("getAuthTag");
    try {
      return Buffer.from(this.inner.getAuthTag());
    } catch (e) {
      if (e instanceof StateError) throw invalidState("getAuthTag");
      throw e;
    }
  }
}

/** What createDecipheriv returns: node:crypto's Decipheriv. */
export class Decipheriv extends NodeCipherBase {
  #tagSet = false;

  /** The expected tag (GCM, CCM, OCB), once; a string is read in `encoding` (UTF-8 by default). */
  setAuthTag(tag: BinaryLike | ArrayBuffer, encoding?: CipherEncoding): this {
    const bytes = dataBytes(tag, encoding, "buffer", BYTES_OR_STRING, false);
    if (this.done || this.#tagSet || this.inner.setAuthTag === undefined) throw invalidState("setAuthTag");
    try {
      this.inner.setAuthTag(bytes);
    } catch (e) {
      if (e instanceof TagLengthError) {
        const nodeTakes = this.family === "gcm" && this.authTagLength === undefined && shortTagNodeTakes("gcm", bytes.byteLength);
        if (nodeTakes) throw coded(e, "ERR_CRYPTO_INVALID_AUTH_TAG"); // the library's message: it says how to opt in
        throw coded(new TagLengthError(`Invalid authentication tag length: ${bytes.byteLength}`), "ERR_CRYPTO_INVALID_AUTH_TAG");
      }
      throw e; // CCM's own order (the tag before update()) stays the library's
    }
    this.#tagSet = true;
    return this;
  }
}

opaque(Cipheriv, "Cipheriv");
opaque(Decipheriv, "Decipheriv");

/**
 * node:crypto's createCipheriv: every cipher of getCiphers() (OpenSSL names and aliases, any
 * letter case), a Cipheriv that is a stream.Transform, with Node's results and errors.
 */
export function createCipheriv<N extends string>(name: CipherNameArg<N>, key: CipherKey, iv: BinaryLike | ArrayBuffer | null, options?: NodeCipherOptions): Cipheriv {
  return new Cipheriv(byteCipher(name, key, iv, options, false), options);
}

/**
 * node:crypto's createDecipheriv. For GCM and OCB, update() returns plaintext that is
 * unauthenticated until final() has returned (as in Node).
 */
export function createDecipheriv<N extends string>(name: CipherNameArg<N>, key: CipherKey, iv: BinaryLike | ArrayBuffer | null, options?: NodeCipherOptions): Decipheriv {
  return new Decipheriv(byteCipher(name, key, iv, options, true), options);
}
