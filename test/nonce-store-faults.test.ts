// FileNonceStore when the filesystem fails: node:fs/promises is wrapped so that one chosen
// operation on one chosen file fails with a real errno (ENOSPC, EIO, EACCES, EPERM, EXDEV), at
// every step of a store write: the lock's draft, the lock link, the temporary file, its write
// and fsync, the rename, the directory fsync, the read. Each time: a NonceStoreError (typed,
// naming the operation and the path, the Node error as its cause), no nonce handed out, the
// stored mark as it was (or, after a rename that could not be made durable, the new one), no
// temporary, draft or lock file left, and the next advance works. A full tmpfs for the same
// failure on a real filesystem is in cli-safety.test.ts.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { FileNonceStore } from "../src/nonce/file-store.js";
import { NonceSource } from "../src/nonce/source.js";
import { NonceStoreError } from "../src/nonce/errors.js";

type Fault = (op: string, path: string) => string | null; // the errno code to fail with, or null
const faults = vi.hoisted(() => ({ current: null as Fault | null, hits: [] as string[] }));

vi.mock("node:fs/promises", async (importOriginal) => {
  const real = await importOriginal<typeof import("node:fs/promises")>();
  const check = (op: string, path: unknown) => {
    const code = faults.current?.(op, String(path));
    if (!code) return;
    faults.hits.push(`${op} ${String(path)}`);
    throw Object.assign(new Error(`${code}: injected failure, ${op} '${String(path)}'`), { code, syscall: op, path: String(path) });
  };
  const handle = (fh: import("node:fs/promises").FileHandle, path: string) =>
    new Proxy(fh, {
      get(target, key) {
        const v = Reflect.get(target, key);
        if (typeof v !== "function") return v;
        return async (...args: unknown[]) => { // a rejected promise, as the real methods fail
          if (key !== "close") check(`fh.${String(key)}`, path);
          return (v as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
  const wrapped = {
    ...real,
    open: async (p: string, ...rest: unknown[]) => {
      check("open", p);
      return handle(await (real.open as (...a: unknown[]) => Promise<import("node:fs/promises").FileHandle>)(p, ...rest), String(p));
    },
    readFile: async (p: string, ...rest: unknown[]) => { check("readFile", p); return (real.readFile as (...a: unknown[]) => unknown)(p, ...rest); },
    writeFile: async (p: string, ...rest: unknown[]) => { check("writeFile", p); return (real.writeFile as (...a: unknown[]) => unknown)(p, ...rest); },
    rename: async (a: string, b: string) => { check("rename", b); return real.rename(a, b); },
    link: async (a: string, b: string) => { check("link", b); return real.link(a, b); },
  };
  return { ...wrapped, default: wrapped };
});

const T0 = Date.UTC(2025, 0, 1);
let dir: string;
let n = 0;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "aes-nonce-faults-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  faults.current = null;
  faults.hits = [];
});

/** A store holding mark 41, in a directory of its own. */
async function storeAt41(): Promise<{ d: string; path: string }> {
  const d = join(realpathSync(dir), `case-${n++}`);
  mkdirSync(d);
  const path = join(d, "nonces.json");
  await new FileNonceStore(path).advance(() => 41);
  return { d, path };
}

const markIn = (path: string) => JSON.parse(readFileSync(path, "utf8")).mark as number;

const cases: [string, string, (op: string, path: string) => boolean, string][] = [
  ["the lock draft cannot be created", "EACCES", (op, p) => op === "open" && p.endsWith(".draft"), "create the lock draft"],
  ["the lock draft cannot be written (disk full)", "ENOSPC", (op, p) => op === "fh.writeFile" && p.endsWith(".draft"), "write the lock draft"],
  ["the filesystem has no hard links for the lock", "EPERM", (op, p) => op === "link" && p.endsWith(".lock"), "create the lock (a hard link from its draft)"],
  ["the temporary file cannot be created", "EACCES", (op, p) => op === "open" && p.endsWith(".tmp"), "create the temporary file"],
  ["the temporary file cannot be written (disk full)", "ENOSPC", (op, p) => op === "fh.writeFile" && p.endsWith(".tmp"), "write"],
  ["fsync of the temporary file fails", "EIO", (op, p) => op === "fh.sync" && p.endsWith(".tmp"), "fsync"],
  ["the rename fails", "EXDEV", (op, p) => op === "rename" && p.endsWith("nonces.json"), "rename"],
  ["the store cannot be read", "EIO", (op, p) => (op === "open" || op === "readFile") && p.endsWith("nonces.json"), "open"],
];

describe("every failing step is a NonceStoreError; nothing handed out, nothing left behind", () => {
  it.each(cases)("%s (%s)", async (_label, code, when, operation) => {
    const { d, path } = await storeAt41();
    faults.current = (op, p) => (when(op, p) ? code : null);
    const source = new NonceSource({ store: new FileNonceStore(path), reserve: 1, now: () => T0 });
    const err = await source.next().catch((e) => e);
    expect(faults.hits.length).toBeGreaterThan(0);
    expect(err).toBeInstanceOf(NonceStoreError);
    expect(err.code).toBe("ERR_AES_NONCE_STORE");
    expect(err.operation.startsWith(operation)).toBe(true);
    expect(err.message).toContain(code);
    expect(err.message).toContain(d); // names the file or directory
    expect((err.cause as NodeJS.ErrnoException).code).toBe(code);
    expect(markIn(path)).toBe(41);
    expect(readdirSync(d)).toEqual(["nonces.json"]); // no .tmp, .draft or .lock left
    faults.current = null;
    expect(await source.next()).toHaveLength(16); // the same source works once the disk does
    expect(markIn(path)).toBe(T0);
  });

  it("a directory fsync that fails after the rename: the advance is refused (no nonce), the higher mark stays", async () => {
    const { d, path } = await storeAt41();
    faults.current = (op, p) => (op === "fh.sync" && p === d ? "EIO" : null);
    const err = await new FileNonceStore(path).advance(() => 50).catch((e) => e);
    expect(err).toBeInstanceOf(NonceStoreError);
    expect(err.operation).toBe("fsync the directory");
    expect(markIn(path)).toBe(50); // renamed but not known durable: higher is safe, never reported as a nonce
    expect(readdirSync(d)).toEqual(["nonces.json"]);
  });

  it("an unreadable store is never 'recovered' from the clock: the good mark it may hold is not overwritten", async () => {
    const { d, path } = await storeAt41();
    await new FileNonceStore(path).advance(() => T0 + 1_000_000); // far ahead of the (stopped) clock
    faults.current = (op, p) => ((op === "open" || op === "readFile") && p === path ? "EACCES" : null);
    const source = new NonceSource({ store: new FileNonceStore(path, { recoverFromClock: true }), reserve: 1, now: () => T0 });
    await expect(source.next()).rejects.toThrow(NonceStoreError); // was: treated as empty, so N went back to T0
    faults.current = null;
    expect(markIn(path)).toBe(T0 + 1_000_000);
    expect(readdirSync(d)).toEqual(["nonces.json"]);
  });

  it("a corrupt file with recoverFromClock still recovers (content, not I/O, is what it is for)", async () => {
    const { path } = await storeAt41();
    writeFileSync(path, "garbage");
    const store = new FileNonceStore(path, { recoverFromClock: true });
    expect(await store.advance((s) => (s === null ? 7 : -1))).toBe(7);
  });
});
