// Typed errors. Every error the library throws on bad input or misuse is an AesError with a
// stable `code`, so callers can branch without parsing messages.

export class AesError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Key is not 16, 24 or 32 bytes, or does not match the cipher name's key size. */
export class KeyLengthError extends AesError {
  constructor(message: string) { super("ERR_AES_KEY_LENGTH", message); }
}

/** IV / counter block is not 16 bytes (or given where none is allowed). */
export class IvLengthError extends AesError {
  constructor(message: string) { super("ERR_AES_IV_LENGTH", message); }
}

/** Cipher name not one of aes-{128,192,256}-{ecb,cbc,cfb,cfb8,cfb1,ofb,ctr}. */
export class UnknownCipherError extends AesError {
  constructor(name: unknown) { super("ERR_AES_UNKNOWN_CIPHER", `unknown cipher ${JSON.stringify(name)}`); }
}

/** Input length not acceptable (e.g. not a multiple of 16 with padding off). */
export class DataLengthError extends AesError {
  constructor(message: string) { super("ERR_AES_DATA_LENGTH", message); }
}

/**
 * Decryption failed (bad padding; later also a bad authentication tag). Deliberately one type
 * with one message, so that the error itself is no padding oracle. No plaintext is released.
 */
export class DecryptionError extends AesError {
  constructor() { super("ERR_AES_DECRYPT", "decryption failed"); }
}

/** A CTR counter would wrap into counter blocks already used under this key. */
export class CounterExhaustedError extends AesError {
  constructor(message: string) { super("ERR_AES_COUNTER_EXHAUSTED", message); }
}

/** An encrypting mode object was asked to encrypt a second time with the same IV. */
export class IvReuseError extends AesError {
  constructor() {
    super("ERR_AES_IV_REUSE", "this mode object already encrypted with its IV; make a new one with a fresh IV");
  }
}

/** Use of a key after dispose(). */
export class DisposedError extends AesError {
  constructor(what = "key") { super("ERR_AES_DISPOSED", `${what} was disposed`); }
}

/** Use of a stream after final(). */
export class StateError extends AesError {
  constructor(message: string) { super("ERR_AES_STATE", message); }
}

/** An argument of the wrong type (data must be a Uint8Array or another ArrayBufferView). */
export class InputTypeError extends AesError {
  constructor(message: string) { super("ERR_AES_INPUT_TYPE", message); }
}

/** The requested backend cannot run here (e.g. WebAssembly blocked by a CSP). */
export class BackendError extends AesError {
  constructor(message: string) { super("ERR_AES_BACKEND", message); }
}
