// FileNonceStore on a real filesystem, attack-minded: one store reached through a symbolic link
// (to the file, dangling, or through a linked directory) or a hard link, a missing directory,
// things that are not store files (a FIFO, a huge file, a link loop), and processes killed
// mid-write. Uniqueness across processes is checked with real separate Node processes
// (test/helpers/nonce-child.mjs runs the built dist/: refresh it with
// `npx tsc -p tsconfig.build.json`).
import { spawn, spawnSync } from "node:child_process";
import {
  existsSync, linkSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FileNonceStore } from "../src/nonce/file-store.js";
import { NonceSource } from "../src/nonce/source.js";
import { NonceStoreCorruptError, NonceStoreError } from "../src/nonce/errors.js";
import { nonceOf } from "./helpers/nonce.js";

const CHILD = fileURLToPath(new URL("./helpers/nonce-child.mjs", import.meta.url));
const T0 = Date.UTC(2025, 0, 1);
let dir: string;
let n = 0;
const sub = () => {
  const d = join(dir, `case-${n++}`);
  mkdirSync(d);
  return d;
};
/** Files a store operation may leave behind if it does not clean up. */
const litter = (d: string) => readdirSync(d).filter((f) => /\.(tmp|draft|stale|lock)$/.test(f));

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "aes-nonce-safety-"));
  for (const name of ["source", "file-store", "stores", "own", "errors"]) {
    const built = fileURLToPath(new URL(`../dist/nonce/${name}.js`, import.meta.url));
    const src = fileURLToPath(new URL(`../src/nonce/${name}.ts`, import.meta.url));
    if (!existsSync(built) || statSync(built).mtimeMs < statSync(src).mtimeMs) {
      throw new Error(`dist/nonce/${name}.js is missing or older than its source: run \`npx tsc -p tsconfig.build.json\` first`);
    }
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface ChildRun { code: number | null; stdout: string; stderr: string }

/** nonce-child.mjs in batch mode, started together (each waits for "go"), with a stopped clock. */
async function drawTogether(paths: string[], count: number, reserve = 25): Promise<ChildRun[]> {
  const kids = paths.map((p) => spawn(process.execPath, [CHILD, p, String(count), String(reserve), String(T0), "batch"], { stdio: ["pipe", "pipe", "pipe"] }));
  const runs = kids.map((k) => {
    let stdout = "";
    let stderr = "";
    let ready!: () => void;
    const isReady = new Promise<void>((r) => (ready = r));
    k.stdout!.setEncoding("utf8").on("data", (s: string) => {
      stdout += s;
      if (stdout.startsWith("ready\n")) ready();
    });
    k.stderr!.setEncoding("utf8").on("data", (s: string) => (stderr += s));
    const done = new Promise<ChildRun>((r) => k.on("close", (code) => r({ code, stdout: stdout.replace(/^ready\n/, ""), stderr })));
    return { isReady, done };
  });
  // A stuck child is a failure (exit by signal), not a stalled suite.
  const guard = setTimeout(() => kids.forEach((k) => k.kill("SIGKILL")), 45_000);
  try {
    await Promise.race([Promise.all(runs.map((r) => r.isReady)), Promise.all(runs.map((r) => r.done))]);
    for (const k of kids) k.stdin!.end("go\n");
    return await Promise.all(runs.map((r) => r.done));
  } finally {
    clearTimeout(guard);
  }
}

function expectDisjoint(runs: ChildRun[], count: number): void {
  const all: number[] = [];
  for (const r of runs) {
    expect(r.code, r.stderr).toBe(0);
    const drawn = JSON.parse(r.stdout) as number[];
    expect(drawn).toHaveLength(count);
    all.push(...drawn);
  }
  expect(new Set(all).size).toBe(all.length); // was: 2,962 of 3,000 N values shared through a symlink
}

describe("one store file under several names: the lock and the rename act on the real file", () => {
  it("a symbolic link to the store: two processes, one per name, never share an N; the link stays a link", async () => {
    const d = sub();
    const real = join(d, "nonces.json");
    const link = join(d, "via-link.json");
    await new FileNonceStore(real).advance(() => T0 - 1); // the file exists
    symlinkSync("nonces.json", link); // relative, as `ln -s` makes them
    expectDisjoint(await drawTogether([real, link], 1500), 1500);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readdirSync(d).sort()).toEqual(["nonces.json", "via-link.json"]);
  });

  it("a dangling symbolic link (the store not created yet) and a symlinked directory", async () => {
    const d = sub();
    mkdirSync(join(d, "data"));
    const real = join(d, "data", "nonces.json");
    const dangling = join(d, "dangling.json");
    symlinkSync(real, dangling);
    symlinkSync(join(d, "data"), join(d, "data-link"));
    expectDisjoint(await drawTogether([dangling, real, join(d, "data-link", "nonces.json")], 1000), 1000);
    expect(lstatSync(dangling).isSymbolicLink()).toBe(true);
    expect(readdirSync(join(d, "data"))).toEqual(["nonces.json"]);
  });

  it("lockPath names the lock next to the real file once the store has been used", async () => {
    const d = sub();
    symlinkSync(join(d, "real.json"), join(d, "link.json"));
    const store = new FileNonceStore(join(d, "link.json"));
    expect(store.lockPath).toBe(join(d, "link.json") + ".lock");
    await store.advance(() => 5);
    expect(store.lockPath).toBe(join(d, "real.json") + ".lock");
    expect(JSON.parse(readFileSync(join(d, "real.json"), "utf8")).mark).toBe(5);
  });

  it("a hard-linked store file is refused with NonceStoreError, in process and in two processes, and left as it was", async () => {
    const d = sub();
    const a = join(d, "a.json");
    const b = join(d, "b.json");
    await new FileNonceStore(a).advance(() => T0 + 99);
    linkSync(a, b);
    const before = readFileSync(a, "utf8");
    for (const p of [a, b]) {
      const err = await new FileNonceStore(p).advance(() => T0 + 200).catch((e) => e);
      expect(err).toBeInstanceOf(NonceStoreError);
      expect(err.code).toBe("ERR_AES_NONCE_STORE");
      expect(err.operation).toBe("check links");
      expect(err.message).toContain("has 2 hard links");
      await expect(new FileNonceStore(p).peek()).rejects.toThrow(NonceStoreError);
    }
    const runs = await drawTogether([a, b], 500);
    for (const r of runs) {
      expect(r.code).not.toBe(0); // was: both ran, and after the first rename they counted on two files
      expect(r.stderr).toContain("hard links");
    }
    expect(readFileSync(a, "utf8")).toBe(before);
    expect(statSync(a).ino).toBe(statSync(b).ino);
    expect(litter(d)).toEqual([]);
  });
});

describe("what is not a store file", () => {
  it("a missing directory: NonceStoreError naming that directory, nothing created anywhere", async () => {
    const d = sub();
    const missing = join(d, "no", "such");
    const err = await new FileNonceStore(join(missing, "nonces.json")).advance(() => 1).catch((e) => e);
    expect(err).toBeInstanceOf(NonceStoreError);
    expect(err.message).toContain(`the directory ${missing} does not exist`); // was: ENOENT on a .draft path
    expect(err.path).toBe(missing);
    expect(readdirSync(d)).toEqual([]);
    await expect(new NonceSource({ store: new FileNonceStore(join(missing, "n")) }).next()).rejects.toThrow(NonceStoreError);
  });

  it("a FIFO in the store's place is NonceStoreCorruptError at once (reading it used to block forever)", async () => {
    const d = sub();
    const fifo = join(d, "nonces.json");
    expect(spawnSync("mkfifo", [fifo]).status).toBe(0);
    await expect(new FileNonceStore(fifo).advance(() => 1)).rejects.toThrow(NonceStoreCorruptError);
    await expect(new FileNonceStore(fifo).peek()).rejects.toThrow(/not a regular file/);
    expect(litter(d)).toEqual([]);
  });

  it("a huge file is NonceStoreCorruptError without being read whole; a symlink loop is NonceStoreError", async () => {
    const d = sub();
    const big = join(d, "big.json");
    writeFileSync(big, Buffer.alloc(20 << 20, 0x20));
    await expect(new FileNonceStore(big).advance(() => 1)).rejects.toThrow(/not a nonce store file \(20971520 bytes\)/);
    symlinkSync(join(d, "loop-b"), join(d, "loop-a"));
    symlinkSync(join(d, "loop-a"), join(d, "loop-b"));
    const err = await new FileNonceStore(join(d, "loop-a")).advance(() => 1).catch((e) => e);
    expect(err).toBeInstanceOf(NonceStoreError);
    expect(err.message).toContain("too many symbolic links");
  });
});

describe("processes killed mid-write", () => {
  it("SIGKILL at random moments of a reserve-1 run (a write per nonce): the file is never torn, the mark covers every nonce handed out", async () => {
    const d = sub();
    const path = join(d, "nonces.json");
    const handed: number[] = [];
    for (let round = 0; round < 5; round++) {
      const kid = spawn(process.execPath, [CHILD, path, "1000000", "1", String(T0), "each"], { stdio: ["ignore", "pipe", "pipe"] });
      let buf = "";
      let seen = 0;
      let scheduled = false;
      const killAt = 3 + Math.floor(Math.random() * 25);
      kid.stdout!.setEncoding("utf8").on("data", (s: string) => {
        buf += s;
        const lines = buf.split("\n");
        buf = lines.pop()!;
        for (const l of lines) handed.push(Number(l));
        seen += lines.length;
        // Kill a little after a nonce came back: the next write is in flight by then.
        if (seen >= killAt && !scheduled) {
          scheduled = true;
          setTimeout(() => kid.kill("SIGKILL"), Math.random() * 3);
        }
      });
      await new Promise((r) => kid.on("close", r));
      expect(kid.signalCode).toBe("SIGKILL");
      const mark = await new FileNonceStore(path).peek(); // parses: never half a file
      expect(mark).toBeGreaterThanOrEqual(Math.max(...handed));
    }
    expect(new Set(handed).size).toBe(handed.length);
    // The next store object sweeps what the killed writers left (their pids are gone).
    const after = new NonceSource({ store: new FileNonceStore(path), reserve: 1, now: () => T0 });
    expect(nonceOf(await after.next())).toBeGreaterThan(Math.max(...handed));
    expect(litter(d)).toEqual([]);
  });

  it("the sweep removes only leftovers of processes that are gone", async () => {
    const d = sub();
    const path = join(d, "s.json");
    const dead = spawnSync(process.execPath, ["-e", ""]).pid!;
    const live = process.ppid; // the test runner: alive
    const files = {
      deadTmp: `.s.json.${dead}.0123456789ab.tmp`,
      deadDraft: `s.json.lock.${dead}.0123456789ab.draft`,
      deadStale: `s.json.lock.${dead}.0123456789ab.stale`,
      liveTmp: `.s.json.${live}.0123456789ab.tmp`,
      other: `.other.json.${dead}.0123456789ab.tmp`,
    };
    for (const f of Object.values(files)) writeFileSync(join(d, f), "x");
    await new FileNonceStore(path).advance(() => 1);
    expect(readdirSync(d).sort()).toEqual([files.liveTmp, files.other, "s.json"].sort());
  });
});
