// Errors of the nonce source and its stores. Typed like the rest (AesError with a stable code),
// so a caller can tell "the store is damaged" from "another process holds the lock" from "the
// disk is full". Each class sets its `name` as a string literal (a minifier renames classes).
import { AesError } from "../errors.js";

/**
 * The persisted high-water mark cannot be trusted (unreadable, garbled, out of range).
 * Restarting at 0 could reissue nonces, so this is an error unless the store was opened
 * with `recoverFromClock: true`.
 */
export class NonceStoreCorruptError extends AesError {
  constructor(message: string) {
    super("ERR_AES_NONCE_STORE_CORRUPT", message);
    this.name = "NonceStoreCorruptError";
  }
}

/** The store's lock could not be taken in time (or was lost while held). */
export class NonceStoreLockError extends AesError {
  constructor(message: string) {
    super("ERR_AES_NONCE_STORE_LOCK", message);
    this.name = "NonceStoreLockError";
  }
}

/**
 * A store operation failed (the disk is full, a directory is missing, permission denied, an
 * fsync failed) or the store is set up in a way that cannot keep nonces unique (a store file
 * with several hard links). `operation` says what was being done, `path` on which file or
 * directory; `cause` is the underlying Node error, when there is one. Nothing was handed out:
 * a failed write is never reported as a nonce, and temporary files are removed.
 */
export class NonceStoreError extends AesError {
  readonly operation: string;
  readonly path: string;
  constructor(message: string, operation: string, path: string, cause?: unknown) {
    super("ERR_AES_NONCE_STORE", message);
    this.name = "NonceStoreError";
    this.operation = operation;
    this.path = path;
    if (cause !== undefined) Object.defineProperty(this, "cause", { value: cause, configurable: true, writable: true });
  }
}

/** The 48-bit nonce field is used up (year 10889 by the clock, or a store pushed that far). */
export class NonceExhaustedError extends AesError {
  constructor(message: string) {
    super("ERR_AES_NONCE_EXHAUSTED", message);
    this.name = "NonceExhaustedError";
  }
}

/** The requested store cannot work here (e.g. no IndexedDB in this environment). */
export class NonceStoreUnavailableError extends AesError {
  constructor(message: string) {
    super("ERR_AES_NONCE_STORE_UNAVAILABLE", message);
    this.name = "NonceStoreUnavailableError";
  }
}
