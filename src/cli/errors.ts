// Errors of the command-line tool, and how every error maps to an exit code:
// 0 success, 1 the operation failed (decryption/authentication failure, a damaged sealed
// file, an I/O failure mid-run), 2 usage error (nothing was attempted), 130/143 interrupted.
import { AesError, DataLengthError, DecryptionError, InputTypeError, IvLengthError, KeyLengthError, UnknownCipherError, WeakKeyError } from "../errors.js";

/** A bad command line: unknown command or option, missing or malformed argument, same in/out file. */
export class UsageError extends AesError {
  constructor(message: string) {
    super("ERR_AES_CLI_USAGE", message);
    this.name = "UsageError";
  }
}

/** A sealed file's header is not one this version can read (wrong magic, version, cipher, chunk size). */
export class SealFormatError extends AesError {
  constructor(message: string) {
    super("ERR_AES_SEAL_FORMAT", message);
    this.name = "SealFormatError";
  }
}

/**
 * The input is not in the format the options say (`enc -d`: no Salted__ header, shorter than
 * one, bad base64; a --prepend-iv input shorter than its IV). Exit code 1, nothing kept.
 */
export class InputFormatError extends AesError {
  constructor(message: string) {
    super("ERR_AES_CLI_INPUT_FORMAT", message);
    this.name = "InputFormatError";
  }
}

/** `aes-wasm bench` outside a source checkout: bench/ and the peer libraries are not installed. */
export class BenchUnavailableError extends AesError {
  constructor(message: string) {
    super("ERR_AES_CLI_BENCH_UNAVAILABLE", message);
    this.name = "BenchUnavailableError";
  }
}

/** The input file changed size while it was read (truncated by another process): nothing is kept. */
export class InputChangedError extends AesError {
  constructor(message: string) {
    super("ERR_AES_CLI_INPUT_CHANGED", message);
    this.name = "InputChangedError";
  }
}

/**
 * GCM decryption to stdout (or a pipe or device) holds the plaintext in memory until the tag
 * is checked; this input is larger than that buffer may grow. Exit code 2: nothing was output.
 */
export class OutputBufferLimitError extends AesError {
  constructor(message: string) {
    super("ERR_AES_CLI_BUFFER_LIMIT", message);
    this.name = "OutputBufferLimitError";
  }
}

/** The run was stopped by a signal (Ctrl-C); the partial output was removed. */
export class InterruptedError extends AesError {
  readonly signal: NodeJS.Signals;
  constructor(signal: NodeJS.Signals) {
    super("ERR_AES_CLI_INTERRUPTED", `interrupted by ${signal}; partial output removed`);
    this.name = "InterruptedError";
    this.signal = signal;
  }
}

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** Exit code for an error; `decrypting` decides whether a bad data length is the data's fault. */
export function exitCodeFor(e: unknown, decrypting: boolean): number {
  if (e instanceof InterruptedError) return e.signal === "SIGTERM" ? 143 : e.signal === "SIGHUP" ? 129 : 130;
  if (e instanceof DecryptionError || e instanceof SealFormatError || e instanceof InputFormatError) return EXIT_FAILED;
  if (e instanceof DataLengthError) return decrypting ? EXIT_FAILED : EXIT_USAGE;
  if (e instanceof UsageError || e instanceof OutputBufferLimitError || e instanceof KeyLengthError || e instanceof IvLengthError ||
    e instanceof UnknownCipherError || e instanceof InputTypeError || e instanceof WeakKeyError) return EXIT_USAGE;
  return EXIT_FAILED;
}
