// Where output goes: nothing lost, nothing half-written. A file target is written to a
// temporary file in the same directory (so the final rename is atomic on one filesystem),
// fsynced and renamed over the target only on success; on any failure, and on SIGINT/SIGTERM/
// SIGHUP, the temporary file is removed and an existing target is left as it was.
// Non-regular targets (stdout, pipes, /dev/null, terminals) are written directly.
import { randomBytes } from "node:crypto";
import { rmSync, statSync, type Stats } from "node:fs";
import { open, rename, rm, type FileHandle } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { InterruptedError, UsageError } from "./errors.js";

export interface Sink {
  /** Appends bytes; resolves once they are handed to the OS (backpressure). */
  write(bytes: Uint8Array): Promise<void>;
  /** Makes the output final: fsync and rename into place (files). */
  commit(): Promise<void>;
  /** Discards the output: removes the temporary file. Safe to call after commit (no-op). */
  abort(): Promise<void>;
}

/** Temporary files alive right now, removed synchronously if a signal ends the process. */
const liveTemps = new Set<string>();
let interruptHandler: ((signal: NodeJS.Signals) => void) | undefined;

/**
 * On SIGINT, SIGTERM or SIGHUP: remove every live temporary file, then call `onInterrupt`
 * (which reports and exits). Installed once per process.
 */
export function installSignalCleanup(onInterrupt: (e: InterruptedError) => void): void {
  if (interruptHandler) return;
  interruptHandler = (signal) => {
    removeLiveTemps();
    onInterrupt(new InterruptedError(signal));
  };
  for (const s of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(s, interruptHandler);
}

function removeLiveTemps(): void {
  for (const p of liveTemps) {
    try {
      rmSync(p, { force: true });
    } catch {
      // best effort: the process is ending
    }
  }
  liveTemps.clear();
}

function statOrNull(path: string): Stats | null {
  try {
    return statSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw new UsageError(`cannot use output ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/**
 * Refuses an output that is the input: writing would destroy the data being read. `input` is
 * the input file's stats (a path's, or stdin's when it is redirected from a file).
 */
export function checkNotInput(input: Stats | null, outPath: string | undefined): void {
  if (!input || !input.isFile() || outPath === undefined || outPath === "-") return;
  const out = statOrNull(outPath);
  if (out && out.dev === input.dev && out.ino === input.ino) {
    throw new UsageError(`refusing to overwrite the input file ${outPath}: give --out another path`);
  }
}

/** The sink for --out: stdout for undefined or "-", else a file (temp + rename when regular). */
export async function openSink(outPath: string | undefined): Promise<Sink> {
  if (outPath === undefined || outPath === "-") return streamSink(process.stdout, "stdout");
  const target = resolve(outPath);
  const existing = statOrNull(target);
  if (existing?.isDirectory()) throw new UsageError(`--out ${outPath} is a directory`);
  if (existing && !existing.isFile()) {
    // A device or FIPO: nothing to rename; write straight to it.
    const fh = await openOrFail(target, "w", 0o666, outPath);
    return fileSink(fh, null, target, null);
  }
  const temp = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString("hex")}.aes-wasm-tmp`);
  liveTemps.add(temp);
  try {
    const fh = await openOrFail(temp, "wx", existing ? existing.mode & 0o7777 : 0o666, `a temporary file in ${dirname(target)}`);
    return fileSink(fh, temp, target, existing);
  } catch (e) {
    liveTemps.delete(temp);
    throw e;
  }
}

async function openOrFail(path: string, flags: string, mode: number, what: string): Promise<FileHandle> {
  try {
    return await open(path, flags, mode);
  } catch (e) {
    throw new Error(`cannot create ${what}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

function fileSink(fh: FileHandle, temp: string | null, target: string, existing: Stats | null): Sink {
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await fh.close();
  };
  return {
    async write(bytes) {
      let off = 0;
      while (off < bytes.length) {
        const { bytesWritten } = await fh.write(bytes, off, bytes.length - off);
        off += bytesWritten;
      }
    },
    async commit() {
      if (temp) {
        // open() applied the umask; an existing target's exact mode is restored here.
        if (existing) await fh.chmod(existing.mode & 0o7777);
        await fh.sync();
      }
      await close();
      if (temp) {
        await rename(temp, target);
        liveTemps.delete(temp);
        await syncDirectory(dirname(target));
      }
    },
    async abort() {
      await close().catch(() => undefined);
      if (temp && liveTemps.has(temp)) {
        await rm(temp, { force: true });
        liveTemps.delete(temp);
      }
    },
  };
}

/** Makes the rename durable (best effort: not every filesystem allows it). */
async function syncDirectory(dir: string): Promise<void> {
  try {
    const d = await open(dir, "r");
    try {
      await d.sync();
    } finally {
      await d.close();
    }
  } catch {
    // e.g. EISDIR/EINVAL on some platforms: the rename itself has already happened
  }
}

function streamSink(stream: NodeJS.WritableStream, name: string): Sink {
  let failure: Error | undefined;
  const fail = (e: Error) => (failure ??= new Error(`cannot write to ${name}: ${(e as NodeJS.ErrnoException).code ?? e.message}`));
  stream.on("error", fail);
  return {
    async write(bytes) {
      if (failure) throw failure;
      // Waiting for each write's callback is the backpressure: at most one chunk in flight.
      await new Promise<void>((resolve, reject) => {
        stream.write(bytes, (e) => (e ? reject(fail(e)) : resolve()));
      });
    },
    async commit() {
      if (failure) throw failure;
    },
    async abort() {},
  };
}

/** Opens the sink, runs `body`, then commits; on any error aborts (temp removed) and rethrows. */
export async function withSink(outPath: string | undefined, body: (sink: Sink) => Promise<void>): Promise<void> {
  const sink = await openSink(outPath);
  try {
    await body(sink);
    await sink.commit();
  } catch (e) {
    await sink.abort().catch(() => undefined);
    throw e;
  }
}

/** Registers a scratch file (e.g. a spool) for removal if a signal ends the process. */
export function trackScratch(path: string): () => void {
  liveTemps.add(path);
  return () => {
    liveTemps.delete(path);
  };
}
