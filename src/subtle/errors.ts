// Errors of the WebCrypto-shaped facade. Code written for crypto.subtle branches on
// `error.name` ('OperationError', 'DataError', ...), so each class carries the name the
// WebCrypto spec gives that failure. They are AesErrors too (with a stable `code`), but not
// DOMExceptions: `instanceof DOMException` does not hold, `name` does.
import { AesError } from "../errors.js";

/** Base of every error the `subtle` facade rejects with. */
export class SubtleError extends AesError {
  constructor(code: string, message: string) {
    super(code, message);
    this.name = "SubtleError"; // each subclass sets its own, as a literal (minifiers rename classes)
  }
}

/** The operation failed on this data (bad padding, counter would repeat, bad IV length...). */
export class OperationError extends SubtleError {
  constructor(message: string) {
    super("ERR_AES_SUBTLE_OPERATION", message);
    this.name = "OperationError";
  }
}

/** Key material is unusable (wrong raw length, bad JWK). */
export class DataError extends SubtleError {
  constructor(message: string) {
    super("ERR_AES_SUBTLE_DATA", message);
    this.name = "DataError";
  }
}

/** The key may not be used this way (usage not granted, other algorithm, not extractable). */
export class InvalidAccessError extends SubtleError {
  constructor(message: string) {
    super("ERR_AES_SUBTLE_INVALID_ACCESS", message);
    this.name = "InvalidAccessError";
  }
}

/** The algorithm or format is not one this facade implements. */
export class NotSupportedError extends SubtleError {
  constructor(message: string) {
    super("ERR_AES_SUBTLE_NOT_SUPPORTED", message);
    this.name = "NotSupportedError";
  }
}

/** Bad key usages (empty, or not allowed for the algorithm). Named 'SyntaxError' as in the spec. */
export class SubtleSyntaxError extends SubtleError {
  constructor(message: string) {
    super("ERR_AES_SUBTLE_SYNTAX", message);
    this.name = "SyntaxError";
  }
}

/**
 * An argument of the wrong type or a missing required member (WebIDL's TypeError).
 * Named 'TypeError' as in the spec.
 */
export class SubtleTypeError extends SubtleError {
  constructor(message: string) {
    super("ERR_AES_SUBTLE_TYPE", message);
    this.name = "TypeError";
  }
}
