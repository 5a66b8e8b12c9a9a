// Replacing workers (review "No data lost, no secret leaked", finding 5): a replacement that
// dies during start-up is retried (with backoff), so the pool does not shrink to zero for good;
// when no worker can be started at all, jobs fail with a typed error instead of waiting.
// The worker script dies at start while AES_POOL_TEST_DIE_AT_START=1 (test/helpers/parallel-flaky-worker.mjs).
// (Imports from dist/: see parallel.test.ts.)
import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { createPool, poolInternals, type WorkerPool } from "../dist/parallel/pool.js";
import * as poolErrors from "../dist/parallel/errors.js";
import { bytesEqual, deadline, nodeRun, sleep } from "./helpers/parallel-util.js";

const { WorkerCrashedError } = poolErrors;
/** Absent before the fix: the typed error for "no worker could be started". */
const WorkerStartError = (poolErrors as Record<string, unknown>).WorkerStartError as (new (m: string) => Error) | undefined;

const FLAKY = new URL("./helpers/parallel-flaky-worker.mjs", import.meta.url);
const ENV = "AES_POOL_TEST_DIE_AT_START";

async function until(cond: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`${what}: not within ${ms} ms`);
    await sleep(20);
  }
}

async function killAll(pool: WorkerPool): Promise<void> {
  await Promise.all(poolInternals(pool).workers.map((w) => w.terminate()));
}

afterEach(() => {
  delete process.env[ENV];
});

describe("replacement workers", () => {
  it("a replacement that dies during start-up is retried: size 2 does not fall to 0 for good", async () => {
    const pool = await createPool({ size: 2, threshold: 0, workerUrl: FLAKY });
    try {
      expect(pool.size).toBe(2);
      process.env[ENV] = "1";
      await killAll(pool);
      // replacements spawn and die at start-up; each is retried, not given up after one try
      await until(() => poolInternals(pool).spawned >= 2 + 2 * 2, 5000, "two retries per worker");
      expect(poolInternals(pool).ready).toBe(0);
      delete process.env[ENV];
      await until(() => poolInternals(pool).ready === 2, 5000, "pool back to 2 started workers");
      const key = randomBytes(16);
      const iv = randomBytes(16);
      const pt = randomBytes(1 << 20);
      expect(bytesEqual(await pool.encrypt("aes-128-ctr", key, iv, pt), nodeRun(true, "aes-128-ctr", key, iv, pt))).toBe(true);
    } finally {
      await pool.close();
    }
  });

  it("a job waits for a replacement that is starting, instead of failing", async () => {
    const pool = await createPool({ size: 1, threshold: 0, workerUrl: FLAKY });
    try {
      await killAll(pool);
      const key = randomBytes(16);
      const iv = randomBytes(16);
      const pt = randomBytes(1 << 20);
      const got = await deadline(pool.encrypt("aes-128-ctr", key, iv, pt), 10_000, "job during replacement");
      expect(bytesEqual(got, nodeRun(true, "aes-128-ctr", key, iv, pt))).toBe(true);
    } finally {
      await pool.close();
    }
  });

  it("when no worker can be started, jobs fail with WorkerStartError; the pool recovers once workers start again", async () => {
    expect(WorkerStartError, "WorkerStartError is exported").toBeTypeOf("function");
    const pool = await createPool({ size: 2, threshold: 0, workerUrl: FLAKY });
    try {
      process.env[ENV] = "1";
      await killAll(pool);
      const key = randomBytes(16);
      const iv = randomBytes(16);
      const pt = randomBytes(1 << 20);
      const started = Date.now();
      const err = await deadline(pool.encrypt("aes-128-ctr", key, iv, pt).then(() => null, (e: unknown) => e), 15_000, "job");
      expect(err).toBeInstanceOf(WorkerStartError!);
      expect(err).toBeInstanceOf(WorkerCrashedError); // what callers caught before
      expect((err as Error).message).toContain(FLAKY.href);
      expect(Date.now() - started).toBeLessThan(10_000);
      // a job while every start has failed: one fresh attempt, then the same typed error
      await expect(deadline(pool.encrypt("aes-128-ctr", key, iv, pt), 15_000, "second job")).rejects.toBeInstanceOf(WorkerStartError!);
      delete process.env[ENV];
      const got = await deadline(pool.encrypt("aes-128-ctr", key, iv, pt), 15_000, "job after recovery");
      expect(bytesEqual(got, nodeRun(true, "aes-128-ctr", key, iv, pt))).toBe(true);
      await until(() => poolInternals(pool).ready === 2, 5000, "pool back to 2 started workers");
    } finally {
      await pool.close();
    }
  });

  it("createPool with a worker script that never starts rejects with WorkerStartError, without retrying", async () => {
    process.env[ENV] = "1";
    const started = Date.now();
    const err = await createPool({ size: 2, workerUrl: FLAKY }).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(WorkerCrashedError);
    expect(WorkerStartError && err instanceof WorkerStartError, "a WorkerStartError").toBe(true);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
