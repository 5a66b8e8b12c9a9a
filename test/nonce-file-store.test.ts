// FileNonceStore: durable marks, corrupt files, locks, and real separate Node processes
// (test/helpers/nonce-child.mjs runs the built dist/: `npm run build` first).
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir, hostname } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FileNonceStore } from "../src/nonce/file-store.js";
import { NonceSource } from "../src/nonce/source.js";
import { NonceStoreCorruptError, NonceStoreLockError } from "../src/nonce/errors.js";
import { InputTypeError } from "../src/errors.js";
import { nonceOf } from "./helpers/nonce.js";

const CHILD = fileURLToPath(new URL("./helpers/nonce-child.mjs", import.meta.url));
const T0 = Date.UTC(2025, 0, 1);
let dir: string;
let n = 0;
const fresh = () => join(dir, `store-${n++}.json`);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "aes-nonce-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("FileNonceStore in one process", () => {
  it("persists the mark across store objects and returns only after the file holds it", async () => {
    const path = fresh();
    const store = new FileNonceStore(path);
    expect(await store.peek()).toBeNull();
    expect(await store.advance((s) => (s === null ? 41 : -1))).toBe(41);
    expect(JSON.parse(readFileSync(path, "utf8")).mark).toBe(41);
    expect(await new FileNonceStore(path).advance((s) => s! + 1)).toBe(42);
    expect(readdirSync(dir).filter((f) => f.includes(".tmp") || f.endsWith(".lock"))).toEqual([]);
  });

  it("a source restarted on the same file continues above the old reservation", async () => {
    const path = fresh();
    const a = new NonceSource({ store: new FileNonceStore(path), reserve: 10, now: () => T0 });
    const first = [];
    for (let i = 0; i < 15; i++) first.push(nonceOf(await a.next()));
    const b = new NonceSource({ store: new FileNonceStore(path), reserve: 10, now: () => T0 });
    expect(nonceOf(await b.next())).toBe(T0 + 20); // above the reservation T0..T0+19
  });

  it("a corrupt or unreadable file is NonceStoreCorruptError, never a restart at 0", async () => {
    for (const content of ["", "{not json", '{"format":"aes-wasm-nonce/1","mark":-5}', '{"mark":5}', "null"]) {
      const path = fresh();
      writeFileSync(path, content);
      const err = await new FileNonceStore(path).advance(() => 1).catch((e) => e);
      expect(err).toBeInstanceOf(NonceStoreCorruptError);
      expect(err.code).toBe("ERR_AES_NONCE_STORE_CORRUPT");
      expect(readFileSync(path, "utf8")).toBe(content); // left for a human to look at
    }
    const asDir = fresh();
    (await import("node:fs")).mkdirSync(asDir);
    await expect(new FileNonceStore(asDir).advance(() => 1)).rejects.toThrow(NonceStoreCorruptError);
  });

  it("recoverFromClock: true treats a corrupt file as empty, so the clock decides", async () => {
    const path = fresh();
    writeFileSync(path, "garbage");
    const source = new NonceSource({ store: new FileNonceStore(path, { recoverFromClock: true }), now: () => T0 });
    expect(nonceOf(await source.next())).toBe(T0);
    expect(JSON.parse(readFileSync(path, "utf8")).mark).toBeGreaterThanOrEqual(T0);
  });

  it("waits for a live lock holder and times out with NonceStoreLockError", async () => {
    const path = fresh();
    writeFileSync(path + ".lock", `${process.pid} ${hostname()} held-by-test`); // alive: this process
    const err = await new FileNonceStore(path, { lockTimeoutMs: 100 }).advance(() => 1).catch((e) => e);
    expect(err).toBeInstanceOf(NonceStoreLockError);
    rmSync(path + ".lock");
  });

  it("breaks a lock left by a dead process, and one older than staleLockMs", async () => {
    const dead = spawnSync(process.execPath, ["-e", "process.pid"]).pid!; // exited by now
    const path = fresh();
    writeFileSync(path + ".lock", `${dead} ${hostname()} left-by-crash`);
    expect(await new FileNonceStore(path, { lockTimeoutMs: 1000 }).advance(() => 7)).toBe(7);
    expect(existsSync(path + ".lock")).toBe(false);

    writeFileSync(path + ".lock", `${process.pid} ${hostname()} old`);
    const past = new Date(Date.now() - 60_000);
    (await import("node:fs")).utimesSync(path + ".lock", past, past);
    expect(await new FileNonceStore(path, { staleLockMs: 30_000, lockTimeoutMs: 1000 }).advance(() => 8)).toBe(8);
    expect(readdirSync(dir).filter((f) => f.includes(".stale"))).toEqual([]);
  });

  it("many stores on one file in one process: exclusive read-modify-write", async () => {
    const path = fresh();
    const stores = Array.from({ length: 4 }, () => new FileNonceStore(path));
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => stores[i % 4].advance((s) => (s ?? 0) + 1)));
    expect(new Set(results).size).toBe(40);
    expect(await stores[0].peek()).toBe(40);
  });

  it("rejects a bad path with a typed error", () => {
    expect(() => new FileNonceStore("")).toThrow(InputTypeError);
  });
});

// ---- separate processes ----

function assertDistFresh(): void {
  for (const name of ["source", "file-store", "stores"]) {
    const built = fileURLToPath(new URL(`../dist/nonce/${name}.js`, import.meta.url));
    const src = fileURLToPath(new URL(`../src/nonce/${name}.ts`, import.meta.url));
    if (!existsSync(built) || statSync(built).mtimeMs < statSync(src).mtimeMs) {
      throw new Error(`dist/nonce/${name}.js is missing or older than its source: run \`npm run build\` first`);
    }
  }
}

function child(args: (string | number)[]): ChildProcess {
  return spawn(process.execPath, [CHILD, ...args.map(String)], { stdio: ["pipe", "pipe", "inherit"] });
}

function lines(p: ChildProcess, onLine: (line: string) => void): Promise<number | null> {
  let buf = "";
  p.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
    buf += chunk;
    let i;
    while ((i = buf.indexOf("\n")) >= 0) {
      onLine(buf.slice(0, i));
      buf = buf.slice(i + 1);
    }
  });
  return new Promise((resolve) => p.on("close", (code) => resolve(code)));
}

describe("FileNonceStore across processes", () => {
  beforeAll(assertDistFresh);

  it("two processes drawing 10 000 nonces each from one file, stopped clock: no duplicate N", async () => {
    const path = fresh();
    const kids = [child([path, 10_000, 16, T0, "batch"]), child([path, 10_000, 16, T0, "batch"])];
    const ready: Promise<void>[] = [];
    const results: number[][] = [[], []];
    const done = kids.map((k, i) => {
      let signal!: () => void;
      ready.push(new Promise((r) => (signal = r)));
      return lines(k, (line) => (line === "ready" ? signal() : (results[i] = JSON.parse(line))));
    });
    await Promise.all(ready);
    for (const k of kids) k.stdin!.end("go\n"); // start both at once
    expect(await Promise.all(done)).toEqual([0, 0]);
    const [a, b] = results;
    expect(a).toHaveLength(10_000);
    expect(b).toHaveLength(10_000);
    expect(new Set([...a, ...b]).size).toBe(20_000);
    // They really did contend: each drew values both below and above some of the other's.
    expect(Math.min(...a)).toBeLessThan(Math.max(...b));
    expect(Math.min(...b)).toBeLessThan(Math.max(...a));
  });

  it("SIGKILL between reservation and use: the restarted source never reissues a value", async () => {
    const path = fresh();
    const handed: number[] = []; // every N any killed process printed after next() returned
    // Kill points that are not multiples of the reservation (50): reserved values go unused.
    for (const killAfter of [137, 589, 1077, 1346]) {
      // A stopped clock, so only the store can keep a restarted process above the killed one.
      const kid = child([path, 1_000_000, 50, T0, "each"]);
      const run: number[] = [];
      const closed = lines(kid, (line) => {
        run.push(Number(line));
        if (run.length === killAfter) kid.kill("SIGKILL");
      });
      await closed;
      expect(kid.signalCode).toBe("SIGKILL");
      expect(run.length).toBeGreaterThanOrEqual(killAfter);
      if (handed.length) expect(run[0]).toBeGreaterThan(Math.max(...handed)); // this run was a restart
      handed.push(...run);
      expect(await new FileNonceStore(path).peek()).toBeGreaterThanOrEqual(Math.max(...handed));
    }
    const restarted = new NonceSource({ store: new FileNonceStore(path), reserve: 50, now: () => T0 });
    const after: number[] = [];
    for (let i = 0; i < 200; i++) after.push(nonceOf(await restarted.next()));
    expect(Math.min(...after)).toBeGreaterThan(Math.max(...handed));
    expect(new Set([...handed, ...after]).size).toBe(handed.length + 200);
  });
});
