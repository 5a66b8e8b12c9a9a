// Where output goes: nothing lost, nothing half-written, nothing readable by others while it is
// being written. A file target is written to a temporary file in the same directory (so the
// final rename is atomic on one filesystem), created O_EXCL with mode 0600, fsynced, given its
// final mode and renamed over the target only on success; on any failure, on SIGINT/SIGTERM/
// SIGHUP, on an uncaught exception and on process.exit the temporary file is removed and an
// existing target is left as it was. Only SIGKILL (or a power cut) can leave one behind: it is
// 0600, named with the pid, and removed by the next run that writes the same target.
// Non-regular targets (stdout, pipes, /dev/null, terminals) are written directly; a path that
// is stdout itself (/dev/stdout, /dev/fd/1) is treated as stdout.
import { randomBytes } from "node:crypto";
import { constants, fstatSync, readdirSync, rmSync, statSync, type Stats } from "node:fs";
import { open, rename, rm, statfs, type FileHandle } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { DIRECT_ALIGN, pageAlignedBuffer, startsAligned } from "./aligned-memory.js";
import { InterruptedError, UsageError } from "./errors.js";

export interface Sink {
  /** Appends bytes; resolves once they are handed to the OS (backpressure). */
  write(bytes: Uint8Array): Promise<void>;
  /** Makes the output final: fsync and rename into place (files). */
  commit(): Promise<void>;
  /** Discards the output: removes the temporary file. Safe to call after commit (no-op). */
  abort(): Promise<void>;
}

/** What an output argument names. */
export type OutputPlan =
  | { kind: "stdout" }
  /** A device or FIFO: written in place, nothing to rename. */
  | { kind: "direct"; path: string }
  /** A regular file (existing or not): temporary file + rename. */
  | { kind: "file"; target: string; existing: Stats | null };

/** Temporary files alive right now, removed synchronously if the process ends early. */
const liveTemps = new Set<string>();
let installed = false;

export interface CleanupHandlers {
  /** A signal arrived (temporaries already removed): report and exit. */
  onInterrupt(e: InterruptedError): void;
  /** An uncaught exception or unhandled rejection (temporaries already removed): report and exit. */
  onFatal(e: unknown): void;
}

/**
 * Removes every live temporary file on SIGINT, SIGTERM, SIGHUP, an uncaught exception, an
 * unhandled rejection and process exit, then lets the handlers report. Installed once per process.
 */
export function installCleanup(handlers: CleanupHandlers): void {
  if (installed) return;
  installed = true;
  const interrupt = (signal: NodeJS.Signals) => {
    removeLiveTemps();
    handlers.onInterrupt(new InterruptedError(signal));
  };
  for (const s of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(s, interrupt);
  const fatal = (e: unknown) => {
    removeLiveTemps();
    handlers.onFatal(e);
  };
  process.on("uncaughtException", fatal);
  process.on("unhandledRejection", fatal);
  process.on("exit", removeLiveTemps); // process.exit() from anywhere
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

function stdoutStats(): Stats | null {
  try {
    return fstatSync(1);
  } catch {
    return null;
  }
}

const sameFile = (a: Stats, b: Stats) => a.dev === b.dev && a.ino === b.ino;

/** Classifies `--out`: stdout (also a path that is stdout), a device/FIFO, or a regular file. */
export function planOutput(outPath: string | undefined): OutputPlan {
  if (outPath === undefined || outPath === "-") return { kind: "stdout" };
  const target = resolve(outPath);
  const existing = statOrNull(target);
  if (existing?.isDirectory()) throw new UsageError(`--out ${outPath} is a directory`);
  const out = stdoutStats();
  // /dev/stdout, /dev/fd/1 or the very file stdout is redirected to: renaming a file over that
  // path would replace a /dev entry (or orphan the shell's redirection); write to fd 1 instead.
  if (existing && out && sameFile(existing, out)) return { kind: "stdout" };
  if (existing && !existing.isFile()) return { kind: "direct", path: target };
  return { kind: "file", target, existing };
}

/** A file whose loss would be data loss: the input, the key file, the nonce store. */
export interface Precious {
  stats: Stats;
  what: string;
}

/** `path`'s stats as a Precious file when it is a regular file (a missing path protects nothing). */
export function precious(path: string | undefined, what: string): Precious | null {
  if (path === undefined || path === "-") return null;
  try {
    const stats = statSync(path);
    return stats.isFile() ? { stats, what } : null;
  } catch {
    return null;
  }
}

/**
 * Refuses an output that is one of the files the run depends on: `--out` naming the input
 * (or the key file, or the nonce store) would destroy it, and stdout redirected to the input
 * (`aes-wasm encrypt --in f >> f`) would read its own output back until the disk is full.
 * Compared by device and inode, so another path, a hard link or a symlink to it is caught too.
 */
export function checkOutput(outPath: string | undefined, files: readonly (Precious | null)[]): void {
  const toStdout = outPath === undefined || outPath === "-";
  const out = toStdout ? stdoutStats() : statOrNull(outPath);
  if (!out || !out.isFile()) return;
  for (const f of files) {
    if (!f || !f.stats.isFile() || !sameFile(out, f.stats)) continue;
    if (toStdout) {
      throw new UsageError(`refusing to write to stdout: it is ${f.what} (output appended to a file the run reads would ` +
        "feed on itself, or destroy it); redirect stdout elsewhere or give --out another path");
    }
    throw new UsageError(`refusing to overwrite ${f.what} ${outPath}: give --out another path`);
  }
}

/** The input only (kept for callers that have nothing else to protect). */
export function checkNotInput(input: Stats | null, outPath: string | undefined): void {
  checkOutput(outPath, [input ? { stats: input, what: "the input file" } : null]);
}

/** The sink for an output plan: stdout, a device written in place, or a temp file + rename. */
export async function openSink(plan: OutputPlan | string | undefined): Promise<Sink> {
  const p = typeof plan === "object" ? plan : planOutput(plan);
  if (p.kind === "stdout") return streamSink(process.stdout, "stdout");
  if (p.kind === "direct") {
    const fh = await openOrFail(p.path, "w", 0o666, p.path);
    return fileSink(fh, null, p.path, null);
  }
  const { target, existing } = p;
  sweepTemps(target);
  const temp = join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(6).toString("hex")}.aes-wasm-tmp`);
  liveTemps.add(temp);
  try {
    // 0600 until committed: a decrypted (for GCM: not yet verified) plaintext is never readable
    // by other users while it is being written, whatever the umask.
    const fh = await openOrFail(temp, "wx", 0o600, `a temporary file in ${dirname(target)}`);
    return fileSink(fh, temp, target, existing, await openDirect(temp));
  } catch (e) {
    liveTemps.delete(temp);
    throw e;
  }
}

/** Removes temporary files for `target` left by runs that were killed (their pid is gone). */
function sweepTemps(target: string): void {
  const base = basename(target);
  const prefix = `.${base}.`;
  let names: string[];
  try {
    names = readdirSync(dirname(target));
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith(".aes-wasm-tmp")) continue;
    const m = /^(\d+)\.[0-9a-f]{12}\.aes-wasm-tmp$/.exec(name.slice(prefix.length));
    if (!m || Number(m[1]) === process.pid || pidAlive(Number(m[1]))) continue;
    try {
      rmSync(join(dirname(target), name), { force: true });
    } catch {
      // best effort
    }
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== "ESRCH";
  }
}

async function openOrFail(path: string, flags: string, mode: number, what: string): Promise<FileHandle> {
  try {
    return await open(path, flags, mode);
  } catch (e) {
    throw new Error(`cannot create ${what}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/**
 * A second descriptor on the temporary file, with O_DIRECT: page-aligned chunks (pipeline.ts,
 * ctr-pool.ts) go through it straight from the process's buffer to the device, skipping the
 * page cache. Measured on a 1 GiB CTR file on ext4 in a 2-vCPU VM, buffered writes cost the
 * writing process 2-3.7 s of system CPU (mostly the kernel taking fresh page-cache pages),
 * competing with the cipher for the two cores; dd shows the same (3.2 s sys buffered, 0.2 s with
 * oflag=direct). Null where the filesystem refuses O_DIRECT (EINVAL) or the platform has none:
 * then everything goes through the ordinary descriptor.
 */
async function openDirect(temp: string): Promise<FileHandle | null> {
  const flag = (constants as Record<string, number | undefined>).O_DIRECT;
  if (flag === undefined) return null;
  try {
    // tmpfs and ramfs (f_type magics) are the page cache: nothing to bypass, a 1 GiB run there
    // measured the same either way, so they keep the one ordinary descriptor.
    const { type } = await statfs(dirname(temp));
    if (type === 0x01021994 || type === 0x858458f6) return null;
    return await open(temp, constants.O_WRONLY | flag);
  } catch {
    return null;
  }
}

/** The mode a new file gets from open(…, 0o666): 0666 minus the umask. */
function defaultMode(): number {
  const mask = process.umask(); // reading (no argument) does not change it
  return 0o666 & ~mask;
}

/**
 * A temporary file is flushed to disk in the background every this many bytes (one fdatasync at
 * a time, while the next chunks are computed and written), so the fsync before the rename only
 * has the last piece left: on a 1 GiB file that final fsync was ~0.3 s of waiting at the end.
 */
const BACKGROUND_SYNC_BYTES = 64 << 20;

/**
 * Bytes of the staging buffer: writes that are not page-aligned whole blocks (seal's 64 KiB + 16
 * chunks, a block mode's chunks shifted by a held-back block) are gathered there and written
 * with O_DIRECT once it is full.
 */
const STAGE_BYTES = 1 << 20;

/**
 * `direct` (temporary files only): the O_DIRECT descriptor of the same file. A write of
 * page-aligned memory at an aligned file offset goes through it as it is, in whole DIRECT_ALIGN
 * blocks; any other bytes are copied into the staging buffer (page-aligned too) and written
 * from there when it fills; what is left at commit goes through `fh` (its last partial block).
 * Both descriptors write by position, in order, so the two never overlap; fsync and fdatasync
 * on either cover the data from both. If the device refuses a direct write (EINVAL: a larger
 * block size than DIRECT_ALIGN, say), that write and all later ones take the buffered path.
 * Staged bytes reach the file at the latest at commit (whose fsync makes them durable), so a
 * failing device may be reported by a later write or by commit rather than the one that
 * handed them over; the staging buffer is wiped at the end (it may hold plaintext).
 */
function fileSink(fh: FileHandle, temp: string | null, target: string, existing: Stats | null, direct: FileHandle | null = null): Sink {
  let closed = false;
  let unsynced = 0;
  let syncing: Promise<void> | null = null;
  let syncFailure: Error | null = null;
  /** Bytes on the file so far (staged ones not counted): the next write's offset. */
  let position = 0;
  let stage: Uint8Array | null = null;
  /** Bytes in `stage`, which belong at `position` (an aligned offset: staging starts only there). */
  let staged = 0;
  const dropDirect = async () => {
    const d = direct;
    direct = null;
    await d?.close().catch(() => undefined);
  };
  const close = async () => {
    if (closed) return;
    closed = true;
    await syncing?.catch(() => undefined);
    await dropDirect();
    stage?.fill(0);
    await fh.close();
  };
  /** How many of `rest`'s first bytes may go through the O_DIRECT descriptor (0: none). */
  const directPart = (rest: Uint8Array) =>
    direct && position % DIRECT_ALIGN === 0 && startsAligned(rest) ? rest.length - (rest.length % DIRECT_ALIGN) : 0;
  /** Writes all of `bytes` at `position` (direct where aligned, else buffered), advancing it. */
  const writeOut = async (bytes: Uint8Array) => {
    let off = 0;
    while (off < bytes.length) {
      const rest = bytes.subarray(off);
      const aligned = directPart(rest);
      let n: number;
      if (aligned > 0) {
        try {
          n = (await direct!.write(rest, 0, aligned, position)).bytesWritten;
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== "EINVAL") throw e;
          await dropDirect();
          continue;
        }
      } else {
        // A device or FIFO (no temp) is written at its own offset: a pipe cannot seek.
        n = (await fh.write(rest, 0, rest.length, temp ? position : null)).bytesWritten;
      }
      off += n;
      position += n;
    }
  };
  const flushStage = async () => {
    if (staged === 0) return;
    const n = staged;
    staged = 0;
    await writeOut(stage!.subarray(0, n));
  };
  return {
    async write(bytes) {
      if (syncFailure) throw syncFailure;
      let off = 0;
      if (staged === 0) {
        // Zero copy where possible: aligned memory at an aligned offset, its whole blocks.
        const whole = directPart(bytes);
        if (whole > 0) {
          await writeOut(bytes.subarray(0, whole));
          off = whole;
        }
      }
      while (off < bytes.length) {
        if (!direct || position % DIRECT_ALIGN !== 0) {
          // No O_DIRECT (any more), or an offset it cannot take: straight through `fh`.
          await flushStage();
          await writeOut(bytes.subarray(off));
          break;
        }
        stage ??= new Uint8Array(pageAlignedBuffer(STAGE_BYTES, false));
        const take = Math.min(STAGE_BYTES - staged, bytes.length - off);
        stage.set(bytes.subarray(off, off + take), staged);
        staged += take;
        off += take;
        if (staged === STAGE_BYTES) await flushStage();
      }
      unsynced += bytes.length;
      if (temp && unsynced >= BACKGROUND_SYNC_BYTES && !syncing) {
        unsynced = 0;
        syncing = fh.datasync().then(
          () => void (syncing = null),
          (e: NodeJS.ErrnoException) => void ((syncing = null), (syncFailure = new Error(`cannot write ${temp}: ${e.code ?? e.message}`))),
        );
      }
    },
    async commit() {
      if (temp) {
        // The final mode only now, with the content complete: an existing target's exact mode,
        // or what a plain create would have given. (Where a filesystem has no modes and refuses
        // chmod, a new file simply keeps 0600.)
        await flushStage();
        if (existing) await fh.chmod(existing.mode & 0o7777);
        else await fh.chmod(defaultMode()).catch(() => undefined);
        await syncing;
        if (syncFailure) throw syncFailure;
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

/**
 * Opens the sink, runs `body`, then commits; on any error aborts (temp removed) and rethrows.
 * `wrap` puts a layer in front of the sink (enc -a: base64); its commit must flush into the sink
 * it wraps and then commit that.
 */
export async function withSink(out: OutputPlan | string | undefined, body: (sink: Sink) => Promise<void>, wrap?: (sink: Sink) => Sink): Promise<void> {
  const raw = await openSink(out);
  const sink = wrap ? wrap(raw) : raw;
  try {
    await body(sink);
    await sink.commit();
  } catch (e) {
    await sink.abort().catch(() => undefined);
    if (sink !== raw) await raw.abort().catch(() => undefined);
    throw e;
  }
}
