// Typed errors. Every error the library throws on bad input or misuse is an AesError with a
// stable `code`, so callers can branch without parsing messages. Each class sets its `name`
// as a string literal: a minifier renames classes, and `name` must not change with it.

/**
 * A caller's value as text for an error message, without running any of its code (no
 * toString, toJSON or getter) and without throwing: typeof and the intrinsic class tag only.
 */
export function show(x: unknown): string {
  switch (typeof x) {
    case "string": return JSON.stringify(x.length > 40 ? `${x.slice(0, 40)}…` : x);
    case "number": case "boolean": case "undefined": case "bigint": return String(x);
    case "symbol": return "a symbol";
    case "function": return "a function";
    default: {
      if (x === null) return "null";
      try {
        return `a ${Object.prototype.toString.call(x).slice(8, -1)}`;
      } catch {
        return "an object";
      }
    }
  }
}

export class AesError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    // A subclass defined elsewhere without a literal name keeps its class name (unminified).
    this.name = new.target === AesError ? "AesError" : new.target.name;
    this.code = code;
  }
}

/** Key is not 16, 24 or 32 bytes, or does not match the cipher name's key size. */
export class KeyLengthError extends AesError {
  constructor(message: string) {
    super("ERR_AES_KEY_LENGTH", message);
    this.name = "KeyLengthError";
  }
}

/** IV / counter block is not 16 bytes (or given where none is allowed). */
export class IvLengthError extends AesError {
  constructor(message: string) {
    super("ERR_AES_IV_LENGTH", message);
    this.name = "IvLengthError";
  }
}

/** Cipher name not one of aes-{128,192,256}-{ecb,cbc,cfb,cfb8,cfb1,ofb,ctr}. */
export class UnknownCipherError extends AesError {
  constructor(name: unknown, message = `unknown cipher ${show(name)}`) {
    super("ERR_AES_UNKNOWN_CIPHER", message);
    this.name = "UnknownCipherError";
  }
}

/** Input length not acceptable (e.g. not a multiple of 16 with padding off), or an output too small. */
export class DataLengthError extends AesError {
  constructor(message: string) {
    super("ERR_AES_DATA_LENGTH", message);
    this.name = "DataLengthError";
  }
}

/**
 * Decryption failed (bad padding, bad authentication tag, bad key-wrap integrity value).
 * Deliberately one type with one message, so that the error itself is no padding oracle. No
 * plaintext is released, and a caller's output buffer is left as it was. (`message` is for the
 * node:crypto facade, which says what Node says for its mode: still one message per mode.)
 */
export class DecryptionError extends AesError {
  constructor(message = "decryption failed") {
    super("ERR_AES_DECRYPT", message);
    this.name = "DecryptionError";
  }
}

/** A CTR counter would wrap into counter blocks already used under this key. */
export class CounterExhaustedError extends AesError {
  constructor(message: string) {
    super("ERR_AES_COUNTER_EXHAUSTED", message);
    this.name = "CounterExhaustedError";
  }
}

/** An encrypting mode object was asked to encrypt a second time with the same IV. */
export class IvReuseError extends AesError {
  constructor() {
    super("ERR_AES_IV_REUSE", "this mode object already encrypted with its IV; make a new one with a fresh IV");
    this.name = "IvReuseError";
  }
}

/** Use of a key after dispose() (or of a stream whose key was disposed). */
export class DisposedError extends AesError {
  constructor(what = "key") {
    super("ERR_AES_DISPOSED", `${what} was disposed`);
    this.name = "DisposedError";
  }
}

/** Use of a stream after final(), or a bad option value. */
export class StateError extends AesError {
  constructor(message: string) {
    super("ERR_AES_STATE", message);
    this.name = "StateError";
  }
}

/** An argument of the wrong type (data must be a Uint8Array or another ArrayBufferView). */
export class InputTypeError extends AesError {
  constructor(message: string) {
    super("ERR_AES_INPUT_TYPE", message);
    this.name = "InputTypeError";
  }
}

/** An ArrayBufferView whose buffer was detached (transferred, e.g. by postMessage or structuredClone). */
export class DetachedBufferError extends AesError {
  constructor(what = "data") {
    super("ERR_AES_DETACHED", `${what} is a view of a detached ArrayBuffer`);
    this.name = "DetachedBufferError";
  }
}

/** The requested backend cannot run here (e.g. WebAssembly blocked by a CSP). */
export class BackendError extends AesError {
  constructor(message: string) {
    super("ERR_AES_BACKEND", message);
    this.name = "BackendError";
  }
}

/** A key refused for its value, not its length: XTS key halves that are equal (K1 = K2, SP 800-38E). */
export class WeakKeyError extends AesError {
  constructor(message: string) {
    super("ERR_AES_WEAK_KEY", message);
    this.name = "WeakKeyError";
  }
}

/**
 * Bytes that are not a sealed envelope or sealed stream this version can read: wrong magic, an
 * unknown version or algorithm, reserved bytes set, a header cut short. The header is public,
 * so saying which part is wrong reveals nothing; a failed tag is DecryptionError.
 */
export class EnvelopeFormatError extends AesError {
  constructor(message: string) {
    super("ERR_AES_ENVELOPE_FORMAT", message);
    this.name = "EnvelopeFormatError";
  }
}

/** A key reached a usage limit, e.g. 2^32 random-nonce GCM messages (SP 800-38D §8.3): use a new key. */
export class KeyUsageLimitError extends AesError {
  constructor(message: string) {
    super("ERR_AES_KEY_USAGE_LIMIT", message);
    this.name = "KeyUsageLimitError";
  }
}
