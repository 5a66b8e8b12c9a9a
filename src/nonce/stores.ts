// Where a NonceSource keeps its high-water mark: the largest 48-bit nonce it may have handed
// out (including values reserved ahead but not yet used). The interface is one atomic
// read-modify-write, so a store shared by several sources (or processes, or tabs) can make
// each reservation exclusive.
import { NonceStoreCorruptError } from "./errors.js";

/** Largest value of the 6-byte nonce field. */
export const NONCE_MAX = 2 ** 48 - 1;

export interface NonceStore {
  /**
   * Atomically reads the persisted mark (`null` when there is none yet, e.g. a new or wiped
   * store), calls `decide` once with it, makes the returned mark durable, and only then resolves
   * with it. Exclusive against every other `advance` on the same underlying storage.
   * `decide` is synchronous and may throw; then nothing is written and the promise rejects.
   */
  advance(decide: (stored: number | null) => number): Promise<number>;
}

/** Throws NonceStoreCorruptError unless `value` is a possible mark (an integer 0..2^48−1). */
export function checkMark(value: unknown, where: string): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > NONCE_MAX) {
    throw new NonceStoreCorruptError(`${where}: stored nonce mark ${String(value)} is not an integer in 0..2^48-1`);
  }
  return value;
}

/**
 * Keeps the mark in this object only: lost with the process. For tests, short-lived tools, and
 * browsers without IndexedDB; uniqueness across restarts then rests on the clock alone.
 */
export class MemoryNonceStore implements NonceStore {
  #mark: number | null;

  constructor(initial: number | null = null) {
    this.#mark = initial === null ? null : checkMark(initial, "MemoryNonceStore");
  }

  /** The current mark (null when empty). */
  get mark(): number | null {
    return this.#mark;
  }

  /** Forgets the mark, as a restore from an old backup or a reinstall would. */
  wipe(): void {
    this.#mark = null;
  }

  advance(decide: (stored: number | null) => number): Promise<number> {
    try {
      // Synchronous read-modify-write: nothing else in this realm can interleave with it.
      this.#mark = checkMark(decide(this.#mark), "MemoryNonceStore");
      return Promise.resolve(this.#mark);
    } catch (e) {
      return Promise.reject(e);
    }
  }
}
