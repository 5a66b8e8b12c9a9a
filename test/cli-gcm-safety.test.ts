// GCM decryption in the CLI, attack-minded ("no data lost, no secret leaked"): unverified
// plaintext never reaches stdout, a pipe or $TMPDIR, the in-memory hold is bounded, and the
// temporary file next to --out is private (0600). cli-safety.test.ts has the rest.
import { spawn, spawnSync } from "node:child_process";
import { createCipheriv, randomBytes } from "node:crypto";
import { mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectBytes } from "./helpers/bytes.js";
import { assertBuilt, binaryHasRawGcm, hex, leftoverTemps, removeDir, runWith, startWith, until, scratchDir } from "./helpers/cli.js";

const mode = (p: string) => statSync(p).mode & 0o777;

function gcmSeal(key: Uint8Array, iv: Uint8Array, plain: Uint8Array): Buffer {
  const c = createCipheriv(`aes-${key.length * 8}-gcm` as "aes-256-gcm", key, iv);
  return Buffer.concat([c.update(plain), c.final(), c.getAuthTag()]);
}

const rawGcm = binaryHasRawGcm();
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

describe.skipIf(!rawGcm)("GCM decryption: unverified plaintext goes nowhere", () => {
  const key = randomBytes(32);
  const iv = randomBytes(12);
  const args = ["decrypt", "--cipher", "aes-256-gcm", "--key", hex(key), "--iv", hex(iv)];

  it("to stdout: nothing in TMPDIR during the run, so a SIGKILL mid-run leaves nothing there", async () => {
    const tmp = sub("tmpdir-kill");
    const sealed = gcmSeal(key, iv, randomBytes(4 << 20));
    const r = startWith([...args, "--progress"], { env: { ...process.env, TMPDIR: tmp } });
    r.child.stdin!.write(sealed.subarray(0, 3 << 20)); // stdin stays open: the run is in the middle
    await until("the first chunk to be decrypted", () => r.stderr().includes("%") || r.stderr().includes("B/s"));
    const during = readdirSync(tmp);
    r.child.kill("SIGKILL");
    const done = await r.done;
    expect(done.signal).toBe("SIGKILL");
    expect(during).toEqual([]); // was: aes-wasm-spool-<random>, mode 0644, holding the plaintext
    expect(readdirSync(tmp)).toEqual([]);
    expect(done.stdout.length).toBe(0);
  });

  it("to stdout: a good tag releases the plaintext, a bad one releases none of several MiB; TMPDIR stays empty", async () => {
    const tmp = sub("tmpdir-tag");
    const env = { ...process.env, TMPDIR: tmp };
    const plain = randomBytes((5 << 20) + 3);
    const sealed = gcmSeal(key, iv, plain);
    const good = await runWith(args, { input: sealed, env });
    expect(good.code).toBe(0);
    expectBytes(good.stdout, plain);
    for (const at of [10, sealed.length - 1]) { // a ciphertext byte early on, the tag's last byte
      const bad = Buffer.from(sealed);
      bad[at] ^= 1;
      const r = await runWith(args, { input: bad, env });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain("decryption failed");
      expect(r.stdout.length).toBe(0);
    }
    expect(readdirSync(tmp)).toEqual([]);
  });

  it("to a FIFO (--out names a pipe): a reader gets nothing when the tag fails, the plaintext when it checks", async () => {
    const d = sub("fifo");
    const fifo = join(d, "pipe");
    expect(spawnSync("mkfifo", [fifo]).status).toBe(0);
    const plain = randomBytes(300_000);
    const sealed = gcmSeal(key, iv, plain);
    const read = () => {
      const cat = spawn("cat", [fifo], { stdio: ["ignore", "pipe", "ignore"] });
      const got: Buffer[] = [];
      cat.stdout!.on("data", (b: Buffer) => got.push(b));
      return { cat, got: () => Buffer.concat(got), closed: new Promise((r) => cat.on("close", r)) };
    };
    const bad = Buffer.from(sealed);
    bad[bad.length - 1] ^= 1;
    const reader = read();
    const r = await runWith([...args, "--out", fifo], { input: bad });
    expect(r.code).toBe(1);
    await new Promise((res) => setTimeout(res, 200));
    reader.cat.kill(); // still waiting for a writer: the CLI never opened the pipe
    await reader.closed;
    expect(reader.got().length).toBe(0); // was: 300 000 bytes of unverified plaintext

    const reader2 = read();
    const ok = await runWith([...args, "--out", fifo], { input: sealed });
    expect(ok.code).toBe(0);
    await reader2.closed;
    expectBytes(reader2.got(), plain);
  });

  it("the in-memory hold is bounded: over 64 MiB to stdout is exit 2 with a message naming --out, nothing written", async () => {
    const d = sub("limit");
    const big = join(d, "big.gcm");
    writeFileSync(big, Buffer.alloc((64 << 20) + 17)); // size known: refused before reading
    const known = await runWith([...args, "--in", big]);
    expect(known.code).toBe(2);
    expect(known.stderr).toMatch(/at most 64 MiB.*--out <path>.*seal\/open/s);
    expect(known.stdout.length).toBe(0);
    // From a pipe the size is unknown: refused when the hold would pass the limit.
    const piped = await runWith(args, { input: Buffer.alloc((64 << 20) + 4096) });
    expect(piped.code).toBe(2);
    expect(piped.stderr).toContain("at most 64 MiB");
    expect(piped.stdout.length).toBe(0);
  });

  it("to a file: the temporary file is 0600 while unverified plaintext is in it; a bad tag removes it", async () => {
    const d = sub("gcm-mode");
    const out = join(d, "plain.out");
    const sealed = gcmSeal(key, iv, randomBytes(3 << 20));
    sealed[sealed.length - 1] ^= 1;
    const r = startWith([...args, "--out", out]);
    r.child.stdin!.write(sealed.subarray(0, 2 << 20));
    await until("the temporary file to hold data", () => leftoverTemps(d).some((f) => statSync(join(d, f)).size > 0));
    const temp = join(d, leftoverTemps(d)[0]);
    expect(mode(temp)).toBe(0o600); // was 0644 (0666 minus the umask)
    r.child.stdin!.end(sealed.subarray(2 << 20));
    const done = await r.done;
    expect(done.code).toBe(1);
    expect(readdirSync(d)).toEqual([]);
  });
});
