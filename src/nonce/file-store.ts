// FileNonceStore: the nonce mark in a file, for Node. Node-only (node:fs); kept in its own
// module so browser bundles never see it.
//
// - Durable before returned: temp file + fsync + rename over the old file + fsync of the
//   directory, so a crash leaves either the old mark or the new one, never a torn file.
// - Exclusive across processes: a lock file created with O_EXCL around each read-modify-write.
//   A lock left by a dead process (same host, pid gone) or older than `staleLockMs` is broken.
// - One real file: the configured path is resolved (symbolic links followed, also a dangling
//   one, and a symlinked directory) before every operation, so the lock and the rename act on
//   the real file and not on a link to it: renaming over a symlink would replace the link with
//   a private copy, and two processes using two names would then count on two files. A store
//   file with more than one hard link is refused (NonceStoreError) for the same reason.
// - A file that exists but cannot be parsed is NonceStoreCorruptError: silently starting
//   again from 0 would reissue nonces. `recoverFromClock: true` treats it as empty instead
//   (the clock then keeps new nonces above old ones, if it is right). A file that cannot be
//   *read* (permission, I/O error) is a NonceStoreError and never "recovered": it may hold a
//   good mark that a write would then lower.
// - Every I/O failure is a NonceStoreError naming the operation and the path (a missing
//   directory says which); temporary and draft files are removed on every failure path, and
//   the ones a killed process left behind (pid in the name, process gone) are swept the first
//   time a store object takes the lock.
import { randomBytes } from "node:crypto";
import { constants } from "node:fs";
import { link, lstat, open, readdir, readFile, readlink, realpath, rename, stat, unlink, type FileHandle } from "node:fs/promises";
import { hostname } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { AesError, InputTypeError } from "../errors.js";
import { NonceStoreCorruptError, NonceStoreError, NonceStoreLockError } from "./errors.js";
import { booleanOption, integerOption, ownOptions } from "./own.js";
import { checkMark, type NonceStore } from "./stores.js";

const FORMAT = "aes-wasm-nonce/1";
/** A store file is one short JSON line; anything bigger is not one (and is not read whole). */
const MAX_STORE_FILE_BYTES = 4096;
/** The longest wait a timer can express (2^31 − 1 ms, about 24.8 days). */
const MAX_MS = 2 ** 31 - 1;
/** Below this, a slow but live lock holder (an fsync on a busy disk) would have its lock broken. */
export const MIN_STALE_LOCK_MS = 1000;
const MAX_SYMLINK_HOPS = 40;
// Not on every platform (Windows): then 0, the plain open.
const O_READ = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOFOLLOW ?? 0);

export interface FileNonceStoreOptions {
  /** Treat a corrupt file (not JSON, wrong format, bad mark) as empty (start from the clock). Default false. */
  recoverFromClock?: boolean;
  /** Give up taking the lock after this long (NonceStoreLockError). Integer ms, 0 .. 2^31−1; default 10 000. */
  lockTimeoutMs?: number;
  /** A lock older than this is stale even if its owner may be alive. Integer ms, 1000 .. 2^31−1; default 30 000. */
  staleLockMs?: number;
}

interface Target {
  /** The real store file: symlinks followed, directory canonical. */
  path: string;
  lockPath: string;
  dir: string;
}

export class FileNonceStore implements NonceStore {
  /** The configured path, made absolute (it may be a symbolic link; operations act on its target). */
  readonly path: string;
  readonly #recover: boolean;
  readonly #lockTimeoutMs: number;
  readonly #staleLockMs: number;
  #lockPath: string;
  #swept = false;

  constructor(path: string, options?: FileNonceStoreOptions) {
    if (typeof path !== "string" || path === "" || path.includes("\0")) throw new InputTypeError("FileNonceStore needs a file path");
    // Own properties only (own.ts): a polluted Object.prototype cannot set staleLockMs: 0.
    const o = ownOptions(options, ["recoverFromClock", "lockTimeoutMs", "staleLockMs"], "FileNonceStore options");
    this.#recover = booleanOption(o.recoverFromClock, false, "recoverFromClock");
    this.#lockTimeoutMs = integerOption(o.lockTimeoutMs, 10_000, 0, MAX_MS, "lockTimeoutMs");
    this.#staleLockMs = integerOption(o.staleLockMs, 30_000, MIN_STALE_LOCK_MS, MAX_MS, "staleLockMs");
    this.path = resolve(path);
    this.#lockPath = this.path + ".lock";
  }

  /** The lock file: next to the real store file (known after the first operation), else `path + ".lock"`. */
  get lockPath(): string {
    return this.#lockPath;
  }

  async advance(decide: (stored: number | null) => number): Promise<number> {
    const target = await this.#resolve();
    const token = await this.#lock(target);
    try {
      if (!this.#swept) {
        this.#swept = true;
        await sweepLeftovers(target);
      }
      const mark = checkMark(decide(await this.#read(target)), target.path);
      await this.#write(target, mark, token);
      return mark;
    } finally {
      await this.#unlock(target, token);
    }
  }

  /** The mark now in the file (null if there is no file). Reads without locking. */
  async peek(): Promise<number | null> {
    return this.#read(await this.#resolve());
  }

  /** Follows symbolic links (also a dangling one) to the real file; its directory must exist. */
  async #resolve(): Promise<Target> {
    let p = this.path;
    for (let hops = 0; ; hops++) {
      let st;
      try {
        st = await lstat(p);
      } catch (e) {
        if (code(e) === "ENOENT") break; // no file yet (or a dangling link's target): its directory decides
        throw ioError("look up", p, e);
      }
      if (!st.isSymbolicLink()) break;
      if (hops >= MAX_SYMLINK_HOPS) throw new NonceStoreError(`cannot resolve nonce store ${this.path}: too many symbolic links`, "resolve", this.path);
      let to: string;
      try {
        to = await readlink(p);
      } catch (e) {
        throw ioError("read the symbolic link", p, e);
      }
      p = resolve(dirname(p), to);
    }
    let dir: string;
    try {
      dir = await realpath(dirname(p));
    } catch (e) {
      if (code(e) === "ENOENT" || code(e) === "ENOTDIR") throw missingDirectory(dirname(p), this.path, e);
      throw ioError("resolve the directory", dirname(p), e);
    }
    const real = join(dir, basename(p));
    this.#lockPath = real + ".lock";
    return { path: real, lockPath: real + ".lock", dir };
  }

  async #read(target: Target): Promise<number | null> {
    let fh: FileHandle;
    try {
      // Non-blocking, so a FIFO put in the store's place cannot hang us; no following links.
      fh = await open(target.path, O_READ);
    } catch (e) {
      if (code(e) === "ENOENT") return null;
      throw ioError("open", target.path, e);
    }
    let text: string;
    try {
      const st = await fh.stat().catch((e) => { throw ioError("stat", target.path, e); });
      if (!st.isFile()) return this.#corrupt(`${target.path} is not a regular file`);
      if (st.nlink > 1) {
        throw new NonceStoreError(`nonce store ${target.path} has ${st.nlink} hard links; refusing to use it: each name would ` +
          "get its own lock, the first write would split them into two files and both would hand out the same nonces. " +
          "Use one name (a symbolic link is fine)", "check links", target.path);
      }
      if (st.size > MAX_STORE_FILE_BYTES) return this.#corrupt(`${target.path} is not a nonce store file (${st.size} bytes)`);
      const buf = Buffer.alloc(MAX_STORE_FILE_BYTES + 1);
      let have = 0;
      for (;;) {
        const { bytesRead } = await fh.read(buf, have, buf.length - have, have).catch((e) => { throw ioError("read", target.path, e); });
        if (bytesRead === 0) break;
        have += bytesRead;
        if (have > MAX_STORE_FILE_BYTES) return this.#corrupt(`${target.path} is not a nonce store file (over ${MAX_STORE_FILE_BYTES} bytes)`);
      }
      text = buf.subarray(0, have).toString("utf8");
    } finally {
      await fh.close().catch(() => undefined);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return this.#corrupt(`${target.path} is not a nonce store file (not JSON)`);
    }
    // Own properties only: a file without "mark" must not pick one up from Object.prototype.
    const obj = parsed !== null && typeof parsed === "object" && !Array.isArray(parsed) ? parsed : null;
    if (!obj || !Object.hasOwn(obj, "format") || (obj as { format: unknown }).format !== FORMAT) {
      return this.#corrupt(`${target.path} is not a nonce store file (format is not ${FORMAT})`);
    }
    try {
      return checkMark(Object.hasOwn(obj, "mark") ? (obj as { mark: unknown }).mark : undefined, target.path);
    } catch (e) {
      return this.#corrupt((e as Error).message);
    }
  }

  #corrupt(message: string): null {
    if (this.#recover) return null;
    throw new NonceStoreCorruptError(`${message}; refusing to restart nonces from 0 (pass recoverFromClock: true to start from the clock)`);
  }

  async #write(target: Target, mark: number, token: string): Promise<void> {
    const tmp = join(target.dir, `.${basename(target.path)}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
    let fh: FileHandle;
    try {
      fh = await open(tmp, "wx", 0o600);
    } catch (e) {
      if (code(e) === "ENOENT") throw missingDirectory(target.dir, this.path, e);
      throw ioError("create the temporary file", tmp, e);
    }
    try {
      try {
        await fh.writeFile(JSON.stringify({ format: FORMAT, mark }) + "\n").catch((e) => { throw ioError("write", tmp, e); });
        await fh.sync().catch((e) => { throw ioError("fsync", tmp, e); });
      } finally {
        await fh.close().catch(() => undefined);
      }
      // A lock broken as stale while we held it means someone else may be writing: do not commit.
      if ((await readFile(target.lockPath, "utf8").catch(() => "")) !== token) {
        throw new NonceStoreLockError(`lost the lock ${target.lockPath} before committing`);
      }
      await rename(tmp, target.path).catch((e) => { throw ioError(`rename ${tmp} over`, target.path, e); });
    } catch (e) {
      await unlink(tmp).catch(() => undefined);
      throw e;
    }
    // The new mark is in place but not yet durable: not reporting it keeps "durable before returned".
    await syncDirectory(target.dir);
  }

  async #lock(target: Target): Promise<string> {
    const token = `${process.pid} ${hostname()} ${randomBytes(8).toString("hex")}`;
    const deadline = Date.now() + this.#lockTimeoutMs;
    for (let attempt = 0; ; attempt++) {
      // The lock appears with its owner already in it: written to a private file first, then
      // hard-linked into place (link fails if the lock exists). Opening the lock itself and
      // then writing would leave an empty, ownerless lock if the process died in between.
      const draft = `${target.lockPath}.${process.pid}.${randomBytes(6).toString("hex")}.draft`;
      await writeDraft(draft, token, target.dir, this.path);
      try {
        await link(draft, target.lockPath);
        return token;
      } catch (e) {
        if (code(e) !== "EEXIST") throw ioError("create the lock (a hard link from its draft)", target.lockPath, e);
      } finally {
        await unlink(draft).catch(() => undefined);
      }
      if (await this.#breakIfStale(target.lockPath)) continue;
      if (Date.now() > deadline) {
        throw new NonceStoreLockError(`could not lock ${target.lockPath} within ${this.#lockTimeoutMs} ms`);
      }
      // Short, jittered waits: critical sections take about a millisecond.
      await sleep(Math.min(1 + attempt, 10) * (0.5 + Math.random()));
    }
  }

  /** Removes the lock if its holder is gone; true if the caller should retry at once. */
  async #breakIfStale(lockPath: string): Promise<boolean> {
    let content: string;
    let seen: { ino: number; mtimeMs: number };
    try {
      content = await readFile(lockPath, "utf8");
      seen = await stat(lockPath);
    } catch (e) {
      if (code(e) === "ENOENT") return true;
      throw ioError("read the lock", lockPath, e);
    }
    if (!this.#isStale(content, seen.mtimeMs)) return false;
    // Move it aside, then check that what we moved is the lock we judged stale.
    const aside = `${lockPath}.${process.pid}.${randomBytes(6).toString("hex")}.stale`;
    try {
      await rename(lockPath, aside);
    } catch (e) {
      if (code(e) === "ENOENT") return true;
      throw ioError("move the stale lock aside from", lockPath, e);
    }
    try {
      const moved = await stat(aside);
      const same = moved.ino === seen.ino && moved.mtimeMs === seen.mtimeMs &&
        (await readFile(aside, "utf8")) === content;
      if (!same) await link(aside, lockPath).catch(() => undefined); // a fresh lock: put it back
    } catch (e) {
      // Not sure what was moved: put it back (a stale lock is judged stale again next time).
      await link(aside, lockPath).catch(() => undefined);
      throw ioError("check the lock moved aside to", aside, e);
    } finally {
      await unlink(aside).catch(() => undefined);
    }
    return true;
  }

  #isStale(content: string, mtimeMs: number): boolean {
    if (Date.now() - mtimeMs > this.#staleLockMs) return true;
    const [pidText, host] = content.split(" ");
    const pid = Number(pidText);
    if (host !== hostname() || !Number.isInteger(pid) || pid <= 0) return false; // e.g. still being written
    return !pidAlive(pid);
  }

  async #unlock(target: Target, token: string): Promise<void> {
    const content = await readFile(target.lockPath, "utf8").catch(() => null);
    if (content === token) await unlink(target.lockPath).catch(() => undefined);
  }
}

/** The draft of a lock: created O_EXCL 0600 and filled; removed again if any step fails. */
async function writeDraft(draft: string, token: string, dir: string, storePath: string): Promise<void> {
  let fh: FileHandle;
  try {
    fh = await open(draft, "wx", 0o600);
  } catch (e) {
    if (code(e) === "ENOENT") throw missingDirectory(dir, storePath, e);
    throw ioError("create the lock draft", draft, e);
  }
  try {
    try {
      await fh.writeFile(token);
    } finally {
      await fh.close();
    }
  } catch (e) {
    await unlink(draft).catch(() => undefined);
    throw ioError("write the lock draft", draft, e);
  }
}

/**
 * Removes the temporary, draft and stale-lock files that killed processes left next to the
 * store (their pid is in the name and no longer runs). Best effort: a failure here is ignored.
 */
async function sweepLeftovers(target: Target): Promise<void> {
  const base = basename(target.path);
  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const tmp = new RegExp(`^\\.${esc(base)}\\.(\\d+)\\.[0-9a-f]{12}\\.tmp$`);
  const aside = new RegExp(`^${esc(base)}\\.lock\\.(\\d+)\\.[0-9a-f]{12}\\.(?:draft|stale)$`);
  let names: string[];
  try {
    names = await readdir(target.dir);
  } catch {
    return;
  }
  for (const name of names) {
    const m = tmp.exec(name) ?? aside.exec(name);
    if (!m) continue;
    const pid = Number(m[1]);
    if (pid === process.pid || pidAlive(pid)) continue;
    await unlink(join(target.dir, name)).catch(() => undefined);
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0); // signal 0: only asks whether the process exists
    return true;
  } catch (e) {
    return code(e) !== "ESRCH"; // EPERM: it exists, as another user
  }
}

async function syncDirectory(dir: string): Promise<void> {
  let fh: FileHandle | undefined;
  try {
    fh = await open(dir, "r");
    await fh.sync();
  } catch (e) {
    // Some platforms (Windows) cannot open or fsync a directory; the rename is still atomic.
    if (!["EISDIR", "EPERM", "EINVAL", "EACCES"].includes(code(e) ?? "")) throw ioError("fsync the directory", dir, e);
  } finally {
    await fh?.close().catch(() => undefined);
  }
}

function ioError(operation: string, path: string, e: unknown): Error {
  if (e instanceof AesError) return e;
  const detail = (e as Error)?.message ?? String(e);
  return new NonceStoreError(`nonce store: cannot ${operation} ${path}: ${detail}`, operation, path, e);
}

function missingDirectory(dir: string, storePath: string, e: unknown): NonceStoreError {
  return new NonceStoreError(`nonce store ${storePath}: the directory ${dir} does not exist ` +
    "(FileNonceStore creates the store file, not its directory)", "find the directory", dir, e);
}

function code(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException)?.code;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
