// Where input comes from: a file (--in <path>) or stdin (no --in, or -), read in chunks so
// memory stays constant whatever the size; plus a re-chunker for formats that need exact sizes.
//
// A regular input file is read for exactly the size it had when it was opened: a file that
// grows while it is read (output appended to it, as `--in f | tee -a f` does) cannot feed the
// run forever, and one that shrinks (truncated by another process) is an InputChangedError
// (exit 1, no output kept) rather than a shorter output that looks complete. Files that report
// size 0 (procfs and the like, or an empty file) are read to their end.
import { fstatSync, type Stats } from "node:fs";
import { open, type FileHandle } from "node:fs/promises";
import { InputChangedError, UsageError } from "./errors.js";

export interface Source {
  chunks: AsyncIterable<Uint8Array>;
  /** Bytes to expect, when known (a regular file). Drives the progress bar's time left. */
  size: number | null;
  /** The input file's stats (also stdin's when redirected from a file), for the same-file check. */
  stats: Stats | null;
  close(): Promise<void>;
}

export const READ_CHUNK = 1 << 20;

export async function openSource(inPath: string | undefined): Promise<Source> {
  if (inPath === undefined || inPath === "-") {
    const stats = fstatSync(0);
    // stdin redirected from a file: at most the size it had (its read position is unknown here).
    const chunks = stats.isFile() && stats.size > 0 ? atMost(process.stdin, stats.size) : process.stdin;
    return { chunks, size: stats.isFile() ? stats.size : null, stats, close: async () => {} };
  }
  let fh;
  try {
    fh = await open(inPath, "r");
  } catch (e) {
    throw new UsageError(`cannot read input ${inPath}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const stats = await fh.stat();
  if (stats.isDirectory()) {
    await fh.close();
    throw new UsageError(`--in ${inPath} is a directory`);
  }
  if (stats.isFile() && stats.size > 0) {
    const chunks = new FileChunks(fh, stats.size, inPath);
    return { chunks, size: stats.size, stats, close: () => fh.close().catch(() => undefined) };
  }
  const options = Object.assign(Object.create(null) as Record<string, unknown>, { highWaterMark: READ_CHUNK, autoClose: true });
  const stream = fh.createReadStream(options);
  return {
    chunks: stream,
    size: stats.isFile() ? stats.size : null,
    stats,
    close: async () => {
      stream.destroy();
      await fh.close().catch(() => undefined);
    },
  };
}

/**
 * A regular file of known size, read by position: exactly `size` bytes (a file that grows is
 * not followed; one that shrinks is an InputChangedError). Iterated, it yields fresh chunks
 * with one read ahead; readInto() lets the hot path (pipeline.ts) read into its own reusable
 * buffers instead. A wrapper around the chunks (a header cut off, base64) is a new iterable
 * without readInto, so the hot path can only take the bytes straight from the file.
 */
export class FileChunks implements AsyncIterable<Uint8Array> {
  #next = 0;

  constructor(private readonly fh: FileHandle, readonly size: number, private readonly path: string) {}

  /** Bytes handed out so far (enc -v: "bytes read"). */
  get consumed(): number {
    return this.#next;
  }

  /** Fills `into` from the next unread bytes (fewer only at the end); 0 once all `size` bytes are read. */
  async readInto(into: Uint8Array): Promise<number> {
    const at = this.#next;
    const want = Math.min(into.length, this.size - at);
    if (want <= 0) return 0;
    this.#next = at + want; // claimed now: reads may overlap, each has its own range
    let got = 0;
    while (got < want) {
      const { bytesRead } = await this.fh.read(into, got, want - got, at + got);
      if (bytesRead === 0) {
        throw new InputChangedError(`input ${this.path} changed while it was read: ${at + got} of the ${this.size} bytes it had when opened`);
      }
      got += bytesRead;
    }
    return got;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    let buf = new Uint8Array(Math.min(READ_CHUNK, this.size));
    let next = this.readInto(buf);
    try {
      for (;;) {
        const n = await next;
        if (n === 0) return;
        const current = buf;
        buf = new Uint8Array(Math.min(READ_CHUNK, this.size));
        next = this.readInto(buf);
        yield current.subarray(0, n);
      }
    } finally {
      next.catch(() => undefined); // a read ahead that the consumer no longer wants
    }
  }
}

/** The stream's bytes, stopping after `limit`. */
async function* atMost(chunks: AsyncIterable<Uint8Array>, limit: number): AsyncGenerator<Uint8Array> {
  let left = limit;
  for await (const chunk of chunks) {
    const c = chunk as Uint8Array;
    if (c.length >= left) {
      if (left > 0) yield c.subarray(0, left);
      return;
    }
    left -= c.length;
    yield c;
  }
}

export interface Piece {
  bytes: Uint8Array;
  /** No bytes follow this piece. */
  last: boolean;
}

/**
 * Re-cuts a byte stream into pieces of exactly `size` bytes, and a final piece of 0..size
 * bytes marked `last`. A piece is yielded only once a byte after it has arrived (or the stream
 * has ended), so the last piece is always known to be last — a stream of exactly k*size bytes
 * ends with a full piece marked last, and an empty stream is one empty last piece.
 */
export async function* pieces(chunks: AsyncIterable<Uint8Array>, size: number): AsyncGenerator<Piece> {
  let buf = new Uint8Array(size * 2 > READ_CHUNK ? size * 2 : READ_CHUNK + size);
  let len = 0;
  for await (const chunk of chunks) {
    let src = chunk as Uint8Array;
    while (src.length > 0) {
      if (len + src.length > buf.length) {
        // Room for what we hold plus this chunk: yield full pieces first, keeping > 0 bytes back.
        let off = 0;
        while (len - off > size) {
          yield { bytes: buf.slice(off, off + size), last: false };
          off += size;
        }
        buf.copyWithin(0, off, len);
        len -= off;
        if (len + src.length > buf.length) {
          const take = buf.length - len;
          buf.set(src.subarray(0, take), len);
          len += take;
          src = src.subarray(take);
          continue;
        }
      }
      buf.set(src, len);
      len += src.length;
      src = src.subarray(src.length);
    }
  }
  let off = 0;
  while (len - off > size) {
    yield { bytes: buf.slice(off, off + size), last: false };
    off += size;
  }
  yield { bytes: buf.slice(off, len), last: true };
  buf = new Uint8Array(0);
}

/**
 * Reads the first `n` bytes of a stream (fewer only if it ends first: the caller decides what a
 * short prefix means); the rest of the stream continues after them.
 */
export async function splitPrefix(chunks: AsyncIterable<Uint8Array>, n: number): Promise<{ prefix: Uint8Array; rest: AsyncIterable<Uint8Array> }> {
  if (chunks instanceof FileChunks) {
    // Read by position: the rest is the same file reader, still the hot path's (pipeline.ts).
    const prefix = new Uint8Array(n);
    const got = await chunks.readInto(prefix);
    return { prefix: got === n ? prefix : prefix.slice(0, got), rest: chunks };
  }
  const it = chunks[Symbol.asyncIterator]();
  const prefix = new Uint8Array(n);
  let have = 0;
  let leftover: Uint8Array = new Uint8Array(0);
  let ended = false;
  while (have < n) {
    const r = await it.next();
    if (r.done) {
      ended = true;
      break;
    }
    const chunk = r.value as Uint8Array;
    const take = Math.min(chunk.length, n - have);
    prefix.set(chunk.subarray(0, take), have);
    have += take;
    leftover = chunk.subarray(take);
  }
  async function* rest(): AsyncGenerator<Uint8Array> {
    if (ended) return;
    if (leftover.length > 0) yield leftover;
    for (;;) {
      const r = await it.next();
      if (r.done) return;
      yield r.value as Uint8Array;
    }
  }
  return { prefix: have === n ? prefix : prefix.slice(0, have), rest: rest() };
}

/** The same chunks, each counted by `count` as it passes (enc -v: bytes read). */
export async function* counted(chunks: AsyncIterable<Uint8Array>, count: (n: number) => void): AsyncGenerator<Uint8Array> {
  for await (const chunk of chunks) {
    count((chunk as Uint8Array).length);
    yield chunk as Uint8Array;
  }
}

/** Everything a source holds, in one buffer, refused (before reading when the size is known) above `limit`. */
export async function readAll(chunks: AsyncIterable<Uint8Array>, size: number | null, limit: number, tooLarge: () => Error): Promise<Uint8Array> {
  if (size !== null && size > limit) throw tooLarge();
  const parts: Uint8Array[] = [];
  let total = 0;
  try {
    for await (const chunk of chunks) {
      const c = chunk as Uint8Array;
      total += c.length;
      if (total > limit) throw tooLarge();
      parts.push(c.slice());
    }
    const all = new Uint8Array(total);
    let at = 0;
    for (const p of parts) {
      all.set(p, at);
      at += p.length;
    }
    return all;
  } finally {
    for (const p of parts) p.fill(0);
  }
}
