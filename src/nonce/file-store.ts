// FileNonceStore: the nonce mark in a file, for Node. Node-only (node:fs); kept in its own
// module so browser bundles never see it.
//
// - Durable before returned: temp file + fsync + rename over the old file + fsync of the
//   directory, so a crash leaves either the old mark or the new one, never a torn file.
// - Exclusive across processes: a lock file created with O_EXCL around each read-modify-write.
//   A lock left by a dead process (same host, pid gone) or older than `staleLockMs` is broken.
// - A file that exists but cannot be read or parsed is NonceStoreCorruptError: silently starting
//   again from 0 would reissue nonces. `recoverFromClock: true` treats it as empty instead
//   (the clock then keeps new nonces above old ones, if it is right).
import { randomBytes } from "node:crypto";
import { link, open, readFile, rename, stat, unlink, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { InputTypeError } from "../errors.js";
import { NonceStoreCorruptError, NonceStoreLockError } from "./errors.js";
import { checkMark, type NonceStore } from "./stores.js";

const FORMAT = "aes-wasm-nonce/1";

export interface FileNonceStoreOptions {
  /** Treat an unreadable or corrupt file as empty (start from the clock). Default false. */
  recoverFromClock?: boolean;
  /** Give up taking the lock after this long (NonceStoreLockError). Default 10 000 ms. */
  lockTimeoutMs?: number;
  /** A lock older than this is stale even if its owner may be alive. Default 30 000 ms. */
  staleLockMs?: number;
}

export class FileNonceStore implements NonceStore {
  readonly path: string;
  readonly lockPath: string;
  readonly #recover: boolean;
  readonly #lockTimeoutMs: number;
  readonly #staleLockMs: number;

  constructor(path: string, options: FileNonceStoreOptions = {}) {
    if (typeof path !== "string" || path === "") throw new InputTypeError("FileNonceStore needs a file path");
    this.path = resolve(path);
    this.lockPath = this.path + ".lock";
    this.#recover = options.recoverFromClock ?? false;
    this.#lockTimeoutMs = options.lockTimeoutMs ?? 10_000;
    this.#staleLockMs = options.staleLockMs ?? 30_000;
  }

  async advance(decide: (stored: number | null) => number): Promise<number> {
    const token = await this.#lock();
    try {
      const mark = checkMark(decide(await this.#read()), this.path);
      await this.#write(mark, token);
      return mark;
    } finally {
      await this.#unlock(token);
    }
  }

  /** The mark now in the file (null if there is no file). Reads without locking. */
  async peek(): Promise<number | null> {
    return this.#read();
  }

  async #read(): Promise<number | null> {
    let text: string;
    try {
      text = await readFile(this.path, "utf8");
    } catch (e) {
      if (code(e) === "ENOENT") return null;
      return this.#corrupt(`cannot read ${this.path}: ${(e as Error).message}`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return this.#corrupt(`${this.path} is not a nonce store file (not JSON)`);
    }
    const obj = parsed as { format?: unknown; mark?: unknown } | null;
    if (!obj || typeof obj !== "object" || obj.format !== FORMAT) {
      return this.#corrupt(`${this.path} is not a nonce store file (format is not ${FORMAT})`);
    }
    try {
      return checkMark(obj.mark, this.path);
    } catch (e) {
      return this.#corrupt((e as Error).message);
    }
  }

  #corrupt(message: string): null {
    if (this.#recover) return null;
    throw new NonceStoreCorruptError(`${message}; refusing to restart nonces from 0 (pass recoverFromClock: true to start from the clock)`);
  }

  async #write(mark: number, token: string): Promise<void> {
    const dir = dirname(this.path);
    const tmp = join(dir, `.${basename(this.path)}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
    const fh = await open(tmp, "wx", 0o600);
    try {
      try {
        await fh.writeFile(JSON.stringify({ format: FORMAT, mark }) + "\n");
        await fh.sync();
      } finally {
        await fh.close();
      }
      // A lock broken as stale while we held it means someone else may be writing: do not commit.
      if ((await readFile(this.lockPath, "utf8").catch(() => "")) !== token) {
        throw new NonceStoreLockError(`lost the lock ${this.lockPath} before committing`);
      }
      await rename(tmp, this.path);
    } catch (e) {
      await unlink(tmp).catch(() => undefined);
      throw e;
    }
    await syncDirectory(dir);
  }

  async #lock(): Promise<string> {
    const token = `${process.pid} ${hostname()} ${randomBytes(8).toString("hex")}`;
    const deadline = Date.now() + this.#lockTimeoutMs;
    for (let attempt = 0; ; attempt++) {
      // The lock appears with its owner already in it: written to a private file first, then
      // hard-linked into place (link fails if the lock exists). Opening the lock itself and
      // then writing would leave an empty, ownerless lock if the process died in between.
      const draft = `${this.lockPath}.${process.pid}.${randomBytes(6).toString("hex")}.draft`;
      await writeFile(draft, token, { mode: 0o600 });
      try {
        await link(draft, this.lockPath);
        return token;
      } catch (e) {
        if (code(e) !== "EEXIST") throw e;
      } finally {
        await unlink(draft).catch(() => undefined);
      }
      if (await this.#breakIfStale()) continue;
      if (Date.now() > deadline) {
        throw new NonceStoreLockError(`could not lock ${this.lockPath} within ${this.#lockTimeoutMs} ms`);
      }
      // Short, jittered waits: critical sections take about a millisecond.
      await sleep(Math.min(1 + attempt, 10) * (0.5 + Math.random()));
    }
  }

  /** Removes the lock if its holder is gone; true if the caller should retry at once. */
  async #breakIfStale(): Promise<boolean> {
    let content: string;
    let seen: { ino: number; mtimeMs: number };
    try {
      content = await readFile(this.lockPath, "utf8");
      seen = await stat(this.lockPath);
    } catch (e) {
      if (code(e) === "ENOENT") return true;
      throw e;
    }
    if (!this.#isStale(content, seen.mtimeMs)) return false;
    // Move it aside, then check that what we moved is the lock we judged stale.
    const aside = `${this.lockPath}.${process.pid}.${randomBytes(6).toString("hex")}.stale`;
    try {
      await rename(this.lockPath, aside);
    } catch (e) {
      if (code(e) === "ENOENT") return true;
      throw e;
    }
    const moved = await stat(aside);
    const same = moved.ino === seen.ino && moved.mtimeMs === seen.mtimeMs &&
      (await readFile(aside, "utf8")) === content;
    if (!same) await link(aside, this.lockPath).catch(() => undefined); // a fresh lock: put it back
    await unlink(aside).catch(() => undefined);
    return true;
  }

  #isStale(content: string, mtimeMs: number): boolean {
    if (Date.now() - mtimeMs > this.#staleLockMs) return true;
    const [pidText, host] = content.split(" ");
    const pid = Number(pidText);
    if (host !== hostname() || !Number.isInteger(pid) || pid <= 0) return false; // e.g. still being written
    try {
      process.kill(pid, 0); // signal 0: only asks whether the process exists
      return false;
    } catch (e) {
      return code(e) === "ESRCH";
    }
  }

  async #unlock(token: string): Promise<void> {
    const content = await readFile(this.lockPath, "utf8").catch(() => null);
    if (content === token) await unlink(this.lockPath).catch(() => undefined);
  }
}

async function syncDirectory(dir: string): Promise<void> {
  let fh;
  try {
    fh = await open(dir, "r");
    await fh.sync();
  } catch (e) {
    // Some platforms (Windows) cannot open or fsync a directory; the rename is still atomic.
    if (!["EISDIR", "EPERM", "EINVAL", "EACCES"].includes(code(e) ?? "")) throw e;
  } finally {
    await fh?.close();
  }
}

function code(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException)?.code;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
