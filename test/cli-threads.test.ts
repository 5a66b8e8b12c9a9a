// The binary at its chunk boundaries: CTR on the worker pool (--threads N, src/cli/ctr-pool.ts,
// POOL_CHUNK per job) gives node:crypto's bytes, and the single-thread output, for sizes around
// one and several pool chunks, from a file and from stdin, to a file and to stdout, with the
// 128-bit counter wrapping inside the run; the single-thread ring (src/cli/pipeline.ts,
// PIPE_CHUNK per step, encrypted in place) likewise for every streaming mode, padded block modes
// included (their held-back block is the case an in-place output could get wrong). And SIGINT
// in the middle of a pool run still removes the partial output.
import { randomBytes } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectBytes } from "./helpers/bytes.js";
import { assertBuilt, cli, hex, leftoverTemps, nodeStreamCipher, removeDir, scratchDir, startCli } from "./helpers/cli.js";
import { POOL_CHUNK } from "../dist/cli/ctr-pool.js";
import { PIPE_CHUNK } from "../dist/cli/pipeline.js";

const nodeCipher = nodeStreamCipher;

let dir: string;
beforeAll(() => {
  assertBuilt();
  dir = scratchDir();
});
afterAll(() => removeDir(dir));

const C = POOL_CHUNK;
const POOL_SIZES = [0, 1, 16, C - 1, C, C + 1, 3 * C + 5];

describe.concurrent("CTR --threads: node:crypto's bytes and the single-thread output at pool-chunk boundaries", () => {
  it("POOL_CHUNK is whole blocks (a chunk must start on a counter block)", () => {
    expect(C % 16).toBe(0);
    expect(C).toBeGreaterThan(0);
  });

  for (const size of POOL_SIZES) {
    it(`${size} bytes, file to file, 2 threads and 1`, async () => {
      const key = randomBytes(32);
      const iv = randomBytes(16);
      const plain = randomBytes(size);
      const here = join(dir, `pool-${size}`); // its own directory: the other tests' temporary files are not its
      mkdirSync(here);
      const pin = join(here, "plain");
      writeFileSync(pin, plain);
      const expected = nodeCipher(true, "aes-256-ctr", key, iv, plain);
      const outs: Buffer[] = [];
      for (const threads of ["2", "1"]) {
        const out = join(here, `${threads}.enc`);
        const r = await cli(["encrypt", "--cipher", "aes-256-ctr", "--key", hex(key), "--iv", hex(iv), "--threads", threads, "--in", pin, "--out", out]);
        expect(r.stderr).toBe("");
        expect(r.code).toBe(0);
        outs.push(readFileSync(out));
      }
      expectBytes(outs[0], expected, `--threads 2, ${size} bytes`);
      expectBytes(outs[0], outs[1], `--threads 2 vs one thread, ${size} bytes`);
      expect(leftoverTemps(here)).toEqual([]);
    });
  }

  it("stdin to stdout (no file to read by position), 3 threads, decrypting, over several chunks", async () => {
    const key = randomBytes(16);
    const iv = randomBytes(16);
    const cipher = randomBytes(2 * C + 4097);
    const r = await cli(["decrypt", "--cipher", "aes-128-ctr", "--key", hex(key), "--iv", hex(iv), "--threads", "3"], { input: cipher });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expectBytes(r.stdout, nodeCipher(false, "aes-128-ctr", key, iv, cipher));
  });

  it("the 128-bit counter wraps to zero inside the second chunk, as OpenSSL's does", async () => {
    const key = randomBytes(24);
    // 2^128 - C/16 - 3 blocks: chunk 1 starts 3 blocks before the wrap.
    const iv = Buffer.from((2n ** 128n - BigInt(C / 16) - 3n).toString(16).padStart(32, "0"), "hex");
    const plain = randomBytes(2 * C + 100);
    const pin = join(dir, "wrap.plain");
    const out = join(dir, "wrap.enc");
    writeFileSync(pin, plain);
    const r = await cli(["encrypt", "--cipher", "aes-192-ctr", "--key", hex(key), "--iv", hex(iv), "--threads", "2", "--in", pin, "--out", out]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expectBytes(readFileSync(out), nodeCipher(true, "aes-192-ctr", key, iv, plain));
  });
});

describe("CTR --threads: SIGINT mid-run", () => {
  it("exit 130, the temporary file removed, no output created", async () => {
    const sub = join(dir, "sigint");
    mkdirSync(sub);
    const out = join(sub, "out.enc");
    const { child, done } = startCli(["encrypt", "--cipher", "aes-256-ctr", "--key", hex(randomBytes(32)), "--iv", hex(randomBytes(16)),
      "--threads", "2", "--out", out]);
    child.stdin!.write(randomBytes(2 * C + 12345)); // two whole chunks; stdin stays open, so the run cannot end on its own
    const deadline = Date.now() + 20_000;
    for (;;) {
      const temp = leftoverTemps(sub)[0];
      if (temp && statSync(join(sub, temp), { throwIfNoEntry: false })?.size) break;
      if (Date.now() > deadline) throw new Error("the CLI never started writing its temporary file");
      await new Promise((r) => setTimeout(r, 20));
    }
    child.kill("SIGINT");
    const r = await done;
    child.stdin!.destroy();
    expect(r.code).toBe(130);
    expect(r.stderr).toContain("interrupted by SIGINT; partial output removed");
    expect(readdirSync(sub)).toEqual([]);
  });
});

const P = PIPE_CHUNK;
const RING_SIZES = [P - 1, P, P + 1, 5 * P + 17];
const RING_MODES = ["aes-128-ecb", "aes-256-cbc", "aes-128-cfb", "aes-192-ofb", "aes-256-ctr"];

describe.concurrent("single thread: the in-place ring gives node:crypto's bytes at its chunk boundaries, both ways", () => {
  for (const name of RING_MODES) {
    for (const size of RING_SIZES) {
      it(`${name}, ${size} bytes`, async () => {
        const key = randomBytes(Number(name.slice(4, 7)) / 8);
        const iv = name.endsWith("ecb") ? null : randomBytes(16);
        const ivArgs = iv ? ["--iv", hex(iv)] : [];
        const plain = randomBytes(size);
        const pin = join(dir, `${name}-${size}.plain`);
        const cin = join(dir, `${name}-${size}.enc`);
        const pout = join(dir, `${name}-${size}.dec`);
        writeFileSync(pin, plain);
        const enc = await cli(["encrypt", "--cipher", name, "--key", hex(key), ...ivArgs, "--in", pin, "--out", cin]);
        expect(enc.stderr).toBe("");
        expect(enc.code).toBe(0);
        const expected = nodeCipher(true, name, key, iv, plain);
        expectBytes(readFileSync(cin), expected, `${name} encrypt`);
        // Decrypting a padded mode holds each chunk's last block back: the next chunk's output starts with it.
        const dec = await cli(["decrypt", "--cipher", name, "--key", hex(key), ...ivArgs, "--in", cin, "--out", pout]);
        expect(dec.stderr).toBe("");
        expect(dec.code).toBe(0);
        expectBytes(readFileSync(pout), plain, `${name} decrypt`);
      });
    }
  }
});
