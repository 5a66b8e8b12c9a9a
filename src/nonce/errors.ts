// Errors of the nonce source and its stores. Typed like the rest (AesError with a stable code),
// so a caller can tell "the store is damaged" from "another process holds the lock".
import { AesError } from "../errors.js";

/**
 * The persisted high-water mark cannot be trusted (unreadable, garbled, out of range).
 * Restarting at 0 could reissue nonces, so this is an error unless the store was opened
 * with `recoverFromClock: true`.
 */
export class NonceStoreCorruptError extends AesError {
  constructor(message: string) { super("ERR_AES_NONCE_STORE_CORRUPT", message); }
}

/** The store's lock could not be taken in time (or was lost while held). */
export class NonceStoreLockError extends AesError {
  constructor(message: string) { super("ERR_AES_NONCE_STORE_LOCK", message); }
}

/** The 48-bit nonce field is used up (year 10889 by the clock, or a store pushed that far). */
export class NonceExhaustedError extends AesError {
  constructor(message: string) { super("ERR_AES_NONCE_EXHAUSTED", message); }
}

/** The requested store cannot work here (e.g. no IndexedDB in this environment). */
export class NonceStoreUnavailableError extends AesError {
  constructor(message: string) { super("ERR_AES_NONCE_STORE_UNAVAILABLE", message); }
}
