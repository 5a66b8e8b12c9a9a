// Errors of the worker pool. Like every error of the library they are AesErrors with a stable
// `code`. Cancelling a job with an AbortSignal rejects with the signal's own reason instead
// (an AbortError DOMException unless the caller gave another), as fetch() does.
import { AesError } from "../errors.js";

/** The pool was closed before or while the job ran. */
export class PoolClosedError extends AesError {
  constructor() {
    super("ERR_AES_POOL_CLOSED", "the worker pool is closed");
    this.name = "PoolClosedError"; // a literal: minifiers rename classes
  }
}

/** A worker died (crash, exit, termination) or failed while it held part of the job. */
export class WorkerCrashedError extends AesError {
  constructor(message: string, code = "ERR_AES_WORKER_CRASHED") {
    super(code, message);
    this.name = "WorkerCrashedError";
  }
}

/**
 * No worker could be started: the worker script did not load, or every worker died before it
 * was ready (createPool, or a job when every replacement failed to start; the message names
 * the worker script). A WorkerCrashedError, so code that caught those still catches it.
 */
export class WorkerStartError extends WorkerCrashedError {
  constructor(message: string) {
    super(message, "ERR_AES_WORKER_START");
    this.name = "WorkerStartError";
  }
}

/** A worker stopped answering: its task ran far past any plausible time; it was replaced. */
export class WorkerTimeoutError extends AesError {
  constructor(message: string) {
    super("ERR_AES_WORKER_TIMEOUT", message);
    this.name = "WorkerTimeoutError";
  }
}
