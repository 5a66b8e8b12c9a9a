// How a job is cut for the pool. Every block of CTR keystream, every ECB block and every block
// of CBC/CFB decryption depends only on the key, the IV/counter and (for CBC/CFB) the previous
// ciphertext block, so a message can be cut at any 16-byte boundary and the pieces run
// anywhere. Pieces are contiguous (one copy in and out per piece) and several per worker, so
// a worker that finishes early (or is shared with another job) takes the next piece.
import { own } from "./own.js";

/**
 * Below this many bytes a job runs on the calling thread. A 16-byte job through a worker
 * costs 60-80 µs (post, wake, reply) on the 2-core dev machine; with the copies and the
 * split, a 2-worker pool first beat the calling thread at 256-512 KiB of AES-128-CTR there
 * (bench/parallel.bench.mjs, part 2). Below this size a job takes under ~2 ms anyway.
 */
export const DEFAULT_THRESHOLD = 256 * 1024;

/** Smallest piece worth a message of its own (a few times the round-trip cost). */
export const MIN_PIECE = 32 * 1024;

/** Pieces per worker: enough to even out finishing times, few enough to keep overhead low. */
export const PIECES_PER_WORKER = 4;

export interface Range {
  start: number;
  end: number;
}

export interface SplitOptions {
  minPiece?: number;
  piecesPerWorker?: number;
}

/**
 * Cuts [0, length) into contiguous ranges whose starts are multiples of `align` (16, or an XTS
 * sector size: each worker then takes whole sectors).
 */
export function splitRanges(length: number, workers: number, options: SplitOptions = {}, align = 16): Range[] {
  // Own properties only (own.ts); the pool has validated them (createPool), direct callers get clamping.
  const minPiece = Math.max(16, (own(options, "minPiece") as number | undefined) ?? MIN_PIECE);
  const perWorker = Math.max(1, (own(options, "piecesPerWorker") as number | undefined) ?? PIECES_PER_WORKER);
  if (length <= 0) return [];
  const pieces = Math.max(1, Math.min(workers * perWorker, Math.floor(length / minPiece)));
  const size = Math.ceil(length / pieces / align) * align;
  const ranges: Range[] = [];
  for (let start = 0; start < length; start += size) ranges.push({ start, end: Math.min(length, start + size) });
  return ranges;
}

/** Whether a job of `length` bytes goes to the workers (else it runs on the calling thread). */
export function worthAWorker(length: number, threshold: number): boolean {
  return length >= threshold;
}
