// The pool when things go wrong: a worker killed mid-job, a worker that stops answering, a
// worker script that cannot load, cancellation, close() during a job, and a Node process that
// must be able to exit while the pool is idle. (Imports from dist/: see parallel.test.ts.)
import { spawnSync } from "node:child_process";
import { createCipheriv, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createPool, poolInternals } from "../dist/parallel/pool.js";
import { PoolClosedError, WorkerCrashedError, WorkerTimeoutError } from "../dist/parallel/errors.js";

function nodeCtr(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Buffer {
  const c = createCipheriv(`aes-${key.length * 8}-ctr`, key, iv);
  return Buffer.concat([c.update(data), c.final()]);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("worker failures", () => {
  it("a worker terminated mid-job rejects that job, is replaced, and the next job succeeds", async () => {
    const pool = await createPool({ size: 2, threshold: 0 });
    try {
      const key = randomBytes(16);
      const iv = randomBytes(16);
      const job = pool.encrypt("aes-128-ctr", key, iv, randomBytes(32 << 20));
      const outcome = job.then(() => "resolved", (e: unknown) => e); // handled from the start
      await sleep(10); // pieces are at both workers now
      expect(poolInternals(pool).spawned).toBe(2);
      void poolInternals(pool).workers[0].terminate();
      expect(await outcome).toBeInstanceOf(WorkerCrashedError);
      expect(poolInternals(pool).spawned).toBe(3);
      expect(pool.size).toBe(2);
      const pt = randomBytes(3 << 20);
      const got = await pool.encrypt("aes-128-ctr", key, iv, pt);
      expect(Buffer.from(got).equals(nodeCtr(key, iv, pt))).toBe(true);
    } finally {
      await pool.close();
    }
  });

  it("a worker that stops answering is detected, its job rejects, and it is replaced", async () => {
    const pool = await createPool({
      size: 1, threshold: 0, stallTimeoutMs: 100,
      workerUrl: new URL("./parallel-silent-worker.mjs", import.meta.url),
    });
    try {
      const started = Date.now();
      await expect(pool.encrypt("aes-128-ctr", randomBytes(16), randomBytes(16), new Uint8Array(64 << 10)))
        .rejects.toBeInstanceOf(WorkerTimeoutError);
      expect(Date.now() - started).toBeLessThan(10_000); // detected, not hung (generous bound)
      expect(poolInternals(pool).spawned).toBe(2);
      // the replacement is just as silent: the next job is rejected too, not left hanging
      await expect(pool.decrypt("aes-128-ecb", randomBytes(16), null, new Uint8Array(64 << 10), { padding: false }))
        .rejects.toBeInstanceOf(WorkerTimeoutError);
    } finally {
      await pool.close();
    }
  });

  it("a worker script that cannot load makes createPool reject", async () => {
    await expect(createPool({ size: 2, workerUrl: new URL("./parallel-no-such-worker.mjs", import.meta.url) }))
      .rejects.toBeInstanceOf(WorkerCrashedError);
  });
});

describe("cancellation and close", () => {
  it("an AbortSignal cancels a job with its reason; the pool carries on", async () => {
    const pool = await createPool({ size: 2, threshold: 0 });
    try {
      const key = randomBytes(16);
      const iv = randomBytes(16);
      const ac = new AbortController();
      const job = pool.encrypt("aes-128-ctr", key, iv, new Uint8Array(16 << 20), { signal: ac.signal });
      ac.abort();
      await expect(job).rejects.toMatchObject({ name: "AbortError" });
      await expect(pool.encrypt("aes-128-ctr", key, iv, new Uint8Array(100), { signal: AbortSignal.abort(new Error("stop")) }))
        .rejects.toThrow("stop");
      const pt = randomBytes(1 << 20);
      const got = await pool.encrypt("aes-128-ctr", key, iv, pt, { signal: new AbortController().signal });
      expect(Buffer.from(got).equals(nodeCtr(key, iv, pt))).toBe(true);
    } finally {
      await pool.close();
    }
  });

  it("close() rejects running jobs, ends every worker, refuses new jobs, and is idempotent", async () => {
    const pool = await createPool({ size: 3, threshold: 0 });
    const job = pool.encrypt("aes-128-ctr", randomBytes(16), randomBytes(16), new Uint8Array(16 << 20));
    const closing = pool.close();
    await expect(job).rejects.toBeInstanceOf(PoolClosedError);
    await closing;
    expect(pool.size).toBe(0);
    await expect(pool.encrypt("aes-128-ctr", randomBytes(16), randomBytes(16), new Uint8Array(10))).rejects.toBeInstanceOf(PoolClosedError);
    await pool.close();
  });

  it("a Node process exits by itself when the pool is idle (no close())", () => {
    const url = new URL("../dist/parallel/pool.js", import.meta.url).href;
    const script = `
      import { createPool } from ${JSON.stringify(url)};
      const pool = await createPool({ size: 2, threshold: 0 });
      const out = await pool.encrypt("aes-128-ctr", new Uint8Array(16), new Uint8Array(16), new Uint8Array(1 << 20));
      console.log("done " + out.length);
    `;
    const child = spawnSync(process.execPath, ["--input-type=module", "-e", script], { timeout: 15_000, encoding: "utf8" });
    expect(child.signal, "the process had to be killed: the idle pool kept it alive").toBeNull();
    expect(child.stderr).toBe("");
    expect(child.stdout.trim()).toBe(`done ${1 << 20}`);
    expect(child.status).toBe(0);
  });
});
