// The CLI under attack-minded use ("no data lost, no secret leaked"): what a kill leaves
// behind, file modes, key files that never end, output fed back into the input, a full disk,
// an input truncated while it is read, and exit paths that skip the normal cleanup (GCM's
// unverified plaintext: cli-gcm-safety.test.ts). Each case: correct output, or a typed failure
// (exit code and message) with no partial or wrong output kept and nothing secret left on disk.
import { spawn, spawnSync } from "node:child_process";
import { createCipheriv, randomBytes } from "node:crypto";
import {
  closeSync, existsSync, linkSync, mkdirSync, openSync, readdirSync, readFileSync, statSync, truncateSync, writeFileSync,
  appendFileSync,
} from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectBytes } from "./helpers/bytes.js";
import { assertBuilt, binaryHasRawGcm, hex, leftoverTemps, removeDir, runWith, startWith, until, ROOT, scratchDir } from "./helpers/cli.js";

const mode = (p: string) => statSync(p).mode & 0o777;
/** The mode a plain create gives a new file here (children inherit this process's umask). */
function defaultMode(dir: string): number {
  const probe = join(dir, `umask-probe-${randomBytes(4).toString("hex")}`);
  writeFileSync(probe, "");
  return mode(probe);
}

function gcmSeal(key: Uint8Array, iv: Uint8Array, plain: Uint8Array): Buffer {
  const c = createCipheriv(`aes-${key.length * 8}-gcm` as "aes-256-gcm", key, iv);
  return Buffer.concat([c.update(plain), c.final(), c.getAuthTag()]);
}

function ctr(key: Uint8Array, iv: Uint8Array, plain: Uint8Array): Buffer {
  const c = createCipheriv(`aes-${key.length * 8}-ctr`, key, iv);
  return Buffer.concat([c.update(plain), c.final()]);
}

const rawGcm = binaryHasRawGcm();
const mayMount = process.platform === "linux" && process.getuid?.() === 0;
let dir: string;
let n = 0;
const sub = (label: string) => {
  const d = join(dir, `${n++}-${label}`);
  mkdirSync(d);
  return d;
};

beforeAll(() => {
  assertBuilt();
  dir = scratchDir();
});
afterAll(() => removeDir(dir));

describe("temporary files next to --out", () => {
  const key = randomBytes(16);
  const iv = randomBytes(16);
  const args = ["encrypt", "--cipher", "aes-128-ctr", "--key", hex(key), "--iv", hex(iv)];

  it("are 0600 during the run; the finished file gets the usual mode (new) or keeps its own (replaced)", async () => {
    const d = sub("modes");
    const out = join(d, "new.enc");
    const plain = randomBytes(3 << 20);
    const r = startWith([...args, "--out", out]);
    r.child.stdin!.write(plain.subarray(0, 2 << 20));
    await until("the temporary file to hold data", () => leftoverTemps(d).some((f) => statSync(join(d, f)).size > 0));
    expect(mode(join(d, leftoverTemps(d)[0]))).toBe(0o600);
    r.child.stdin!.end(plain.subarray(2 << 20));
    expect((await r.done).code).toBe(0);
    expectBytes(readFileSync(out), ctr(key, iv, plain));
    expect(mode(out)).toBe(defaultMode(d));

    const kept = join(d, "kept.enc");
    writeFileSync(kept, "old");
    (await import("node:fs")).chmodSync(kept, 0o640);
    expect((await runWith([...args, "--out", kept], { input: plain })).code).toBe(0);
    expect(mode(kept)).toBe(0o640);
  });

  it("after SIGKILL the leftover is 0600, and the next run writing that output removes it", async () => {
    const d = sub("kill-out");
    const out = join(d, "out.enc");
    const r = startWith([...args, "--out", out]);
    r.child.stdin!.write(randomBytes(2 << 20));
    await until("the temporary file to hold data", () => leftoverTemps(d).some((f) => statSync(join(d, f)).size > 0));
    r.child.kill("SIGKILL");
    await r.done;
    const left = leftoverTemps(d);
    expect(left).toHaveLength(1);
    expect(mode(join(d, left[0]))).toBe(0o600);
    const plain = randomBytes(1000);
    expect((await runWith([...args, "--out", out], { input: plain })).code).toBe(0);
    expect(readdirSync(d)).toEqual(["out.enc"]);
    expectBytes(readFileSync(out), ctr(key, iv, plain));
  });

  it("an uncaught exception and process.exit() remove the live temporary file too", async () => {
    const d = sub("fatal");
    const output = pathToFileURL(join(ROOT, "dist", "cli", "output.js")).href;
    for (const [ending, expectCode] of [["setTimeout(() => { throw new Error('bug'); })", 70], ["process.exit(3)", 3]] as const) {
      const script = `
        import { installCleanup, openSink } from ${JSON.stringify(output)};
        installCleanup({ onInterrupt: () => process.exit(130), onFatal: () => process.exit(70) });
        const sink = await openSink(${JSON.stringify(join(d, "out"))});
        await sink.write(new Uint8Array(1000).fill(7));
        ${ending};`;
      const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
      expect(r.status, r.stderr).toBe(expectCode);
      expect(readdirSync(d)).toEqual([]);
    }
  });
});

describe("key files are read with a bound", () => {
  const iv = hex(randomBytes(16));
  const args = (kf: string) => ["encrypt", "--cipher", "aes-256-ctr", "--key-file", kf, "--iv", iv];

  it("--key-file /dev/urandom is refused at once (it used to read until memory ran out)", async () => {
    const t = Date.now();
    const r = await runWith(args("/dev/urandom"), { input: "x" });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("key file /dev/urandom is not a regular file or a pipe");
    expect(Date.now() - t).toBeLessThan(5000);
  });

  it("a large regular file is refused without reading it; an endless pipe after the bound", async () => {
    const d = sub("keys");
    const big = join(d, "big.key");
    writeFileSync(big, Buffer.alloc(10 << 20, 0x61));
    const r = await runWith(args(big), { input: "x" });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`key file ${big} is ${10 << 20} bytes: too large`);
    // An endless pipe (a FIFO fed from /dev/zero): read up to the bound, then refused.
    const fifo = join(d, "endless");
    expect(spawnSync("mkfifo", [fifo]).status).toBe(0);
    const feeder = spawn("sh", ["-c", `exec cat /dev/zero > '${fifo}'`], { stdio: "ignore" });
    try {
      const piped = await runWith(args(fifo), { input: "x" });
      expect(piped.code).toBe(2);
      expect(piped.stderr).toContain(`key file ${fifo} holds more than 66 bytes`);
    } finally {
      feeder.kill();
    }
  });

  it("a key through a pipe (as <(pass show key) gives) still works", async () => {
    const d = sub("key-pipe");
    const key = randomBytes(32);
    const plain = randomBytes(5000);
    const pin = join(d, "plain");
    writeFileSync(pin, plain);
    const fifo = join(d, "key");
    expect(spawnSync("mkfifo", [fifo]).status).toBe(0);
    const feeder = spawn("sh", ["-c", `printf '%s\n' ${hex(key)} > '${fifo}'`], { stdio: "ignore" });
    const r = await runWith([...args(fifo), "--in", pin]);
    feeder.kill();
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expectBytes(r.stdout, ctr(key, Buffer.from(iv, "hex"), plain));
  });
});

describe("output that is one of the run's own files is refused (exit 2, the file unchanged)", () => {
  const key = randomBytes(32);
  const iv = randomBytes(16);
  const args = ["encrypt", "--cipher", "aes-256-ctr", "--key", hex(key), "--iv", hex(iv)];

  it("--in f >> f and < f >> f: stdout appended to the input (it used to feed on itself until the disk was full)", async () => {
    const d = sub("append");
    const f = join(d, "f");
    const data = randomBytes(100_000);
    writeFileSync(f, data);
    for (const viaStdin of [false, true]) {
      const outFd = openSync(f, "a");
      const inFd = viaStdin ? openSync(f, "r") : undefined;
      try {
        const r = await runWith(viaStdin ? args : [...args, "--in", f], { stdin: inFd ?? "pipe", stdout: outFd });
        expect(r.code).toBe(2);
        expect(r.stderr).toContain("refusing to write to stdout: it is the input file");
      } finally {
        closeSync(outFd);
        if (inFd !== undefined) closeSync(inFd);
      }
      expectBytes(readFileSync(f), data);
    }
  });

  it("--out naming the key file (or a hard link to it), and stdout appended to the key file", async () => {
    const d = sub("keyfile");
    const kf = join(d, "k.key");
    writeFileSync(kf, hex(key) + "\n");
    linkSync(kf, join(d, "alias.key"));
    const kargs = ["encrypt", "--cipher", "aes-256-ctr", "--key-file", kf, "--iv", hex(iv)];
    for (const out of [kf, join(d, "alias.key")]) {
      const r = await runWith([...kargs, "--out", out], { input: randomBytes(100) });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain("refusing to overwrite the key file");
    }
    const fd = openSync(kf, "a");
    try {
      const r = await runWith(kargs, { input: randomBytes(100), stdout: fd });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain("it is the key file");
    } finally {
      closeSync(fd);
    }
    expect(readFileSync(kf, "utf8")).toBe(hex(key) + "\n");
  });

  it.skipIf(!rawGcm)("seal --out naming its --nonce-store", async () => {
    const d = sub("store");
    const kf = join(d, "k.key");
    writeFileSync(kf, randomBytes(32));
    const store = join(d, "nonces");
    expect((await runWith(["seal", "--key-file", kf, "--nonce-store", store], { input: "x" })).code).toBe(0);
    const before = readFileSync(store, "utf8");
    const r = await runWith(["seal", "--key-file", kf, "--nonce-store", store, "--out", store], { input: "x" });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("refusing to overwrite the nonce store");
    expect(readFileSync(store, "utf8")).toBe(before);
  });

  it("an input that grows while it is read (--in f | tee -a f) is read for the size it had: correct output, then exit 0", async () => {
    const d = sub("tee");
    const f = join(d, "f");
    const data = randomBytes(3 << 20);
    writeFileSync(f, data);
    const r = startWith([...args, "--in", f]);
    r.child.stdin!.end();
    r.child.stdout!.on("data", (b: Buffer) => appendFileSync(f, b));
    const timer = setTimeout(() => r.child.kill("SIGKILL"), 20_000);
    const done = await r.done;
    clearTimeout(timer);
    expect(done.signal).toBeNull();
    expect(done.code).toBe(0);
    expectBytes(done.stdout, ctr(key, iv, data));
  });
});

describe("--out that is stdout itself", () => {
  it("--out /dev/fd/1 with stdout redirected to a file writes through fd 1 (no temporary file in /dev/fd)", async () => {
    const d = sub("devfd");
    const key = randomBytes(16);
    const iv = randomBytes(16);
    const plain = randomBytes(10_000);
    const target = join(d, "out");
    const fd = openSync(target, "w");
    try {
      const r = await runWith(["encrypt", "--cipher", "aes-128-ctr", "--key", hex(key), "--iv", hex(iv), "--out", "/dev/fd/1"], { input: plain, stdout: fd });
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
    } finally {
      closeSync(fd);
    }
    expectBytes(readFileSync(target), ctr(key, iv, plain));
  });
});

describe("an input file truncated while it is read", () => {
  it("is exit 1 naming the change, not a shorter output that looks complete", async () => {
    const d = sub("truncate");
    const f = join(d, "f");
    writeFileSync(f, randomBytes(16 << 20));
    // stdout is not read at first: the CLI blocks on its first write, provably mid-file.
    const r = startWith(["encrypt", "--cipher", "aes-128-ctr", "--key", hex(randomBytes(16)), "--iv", hex(randomBytes(16)), "--in", f]);
    r.child.stdin!.end();
    r.child.stdout!.pause();
    await new Promise((res) => r.child.stdout!.once("readable", res));
    truncateSync(f, 1000);
    r.child.stdout!.resume();
    const done = await r.done;
    expect(done.code).toBe(1);
    expect(done.stderr).toMatch(/input .* changed while it was read: \d+ of the 16777216 bytes/);
  });

  it("a truncated GCM ciphertext or sealed file keeps no output file", async () => {
    const d = sub("trunc-out");
    const key = randomBytes(32);
    const iv = randomBytes(12);
    const sealed = gcmSeal(key, iv, randomBytes(100_000));
    const out = join(d, "out");
    if (rawGcm) {
      const r = await runWith(["decrypt", "--cipher", "aes-256-gcm", "--key", hex(key), "--iv", hex(iv), "--out", out], { input: sealed.subarray(0, 50_000) });
      expect(r.code).toBe(1);
      expect(existsSync(out)).toBe(false);
    }
    expect(readdirSync(d)).toEqual([]);
  });
});

describe("a full disk", () => {
  it("stdout on /dev/full: exit 1 naming ENOSPC", async () => {
    const fd = openSync("/dev/full", "w");
    try {
      const r = await runWith(["encrypt", "--cipher", "aes-128-ctr", "--key", hex(randomBytes(16)), "--iv", hex(randomBytes(16))], { input: randomBytes(100_000), stdout: fd });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain("ENOSPC");
    } finally {
      closeSync(fd);
    }
  });
});

// A real filesystem that fills up: a 1 MiB tmpfs, mounted for these tests (needs root on Linux).
describe.skipIf(!mayMount)("a full filesystem (a 1 MiB tmpfs)", () => {
  let mountPoint = "";
  let mounted = false;
  beforeAll(() => {
    mountPoint = join(scratchDir(), "full");
    mkdirSync(mountPoint);
    mounted = spawnSync("mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", mountPoint]).status === 0;
  });
  afterAll(() => {
    if (mounted) spawnSync("umount", ["-l", mountPoint]);
    if (mountPoint) removeDir(join(mountPoint, ".."));
  });

  it("--out on it: exit 1, no temporary file, an existing output untouched", async (ctx) => {
    if (!mounted) ctx.skip();
    const out = join(mountPoint, "out.enc");
    writeFileSync(out, "precious\n");
    const r = await runWith(["encrypt", "--cipher", "aes-128-ctr", "--key", hex(randomBytes(16)), "--iv", hex(randomBytes(16)), "--out", out], { input: randomBytes(3 << 20) });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("ENOSPC");
    expect(readFileSync(out, "utf8")).toBe("precious\n");
    expect(readdirSync(mountPoint)).toEqual(["out.enc"]);
  });

  it.skipIf(!rawGcm)("seal --nonce-store on it once full: exit 1 with the store's typed message, nothing left", async (ctx) => {
    if (!mounted) ctx.skip();
    const kf = join(dir, "full.key");
    writeFileSync(kf, randomBytes(32));
    spawnSync("sh", ["-c", `cat /dev/zero > '${join(mountPoint, "filler")}' 2>/dev/null`]); // to the last page
    const out = join(dir, "full.sealed");
    const r = await runWith(["seal", "--key-file", kf, "--nonce-store", join(mountPoint, "nonces"), "--out", out], { input: "x" });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/nonce store: cannot .*ENOSPC/);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(mountPoint).filter((f) => f !== "filler" && f !== "out.enc")).toEqual([]);
  });
});

describe("seal --nonce-store in a directory that does not exist", () => {
  it("exit 1, the message names the missing directory, no output", async () => {
    const d = sub("nodir");
    const kf = join(d, "k.key");
    writeFileSync(kf, randomBytes(32));
    const out = join(d, "x.sealed");
    const r = await runWith(["seal", "--key-file", kf, "--nonce-store", join(d, "missing", "nonces"), "--out", out], { input: "x" });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`the directory ${join(d, "missing")} does not exist`);
    expect(readdirSync(d)).toEqual(["k.key"]);
  });
});

