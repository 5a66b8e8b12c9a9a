// The pool and the caller's memory (review "No data lost, no secret leaked", findings 1-4):
// input and output that overlap, an aborted or crashed job and its output, a resizable input
// shrunk after the call, and an input or output detached while the job runs.
// The contract under test: the input is read (snapshotted) during the call, the output is
// written only once the whole job has succeeded, no worker ever writes into caller memory, and
// the pool's scratch memory is wiped after every job. (Imports from dist/: see parallel.test.ts.)
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPool, poolInternals, type WorkerPool } from "../dist/parallel/pool.js";
import { PoolClosedError, WorkerCrashedError } from "../dist/parallel/errors.js";
import { DataLengthError } from "../dist/index.js";
import { bytesEqual, deadline, filled, firstNot, nodeRun, outcome, resizable, sleep, watchUncaught } from "./helpers/parallel-util.js";

/** Pieces of 16 KiB: a 1 MiB job crosses dozens of piece boundaries. */
const SMALL_PIECES = { threshold: 0, split: { minPiece: 16 << 10, piecesPerWorker: 8 } };

describe("input and output that overlap (finding 1)", () => {
  const pools: Record<string, WorkerPool> = {};
  beforeAll(async () => {
    pools.shared = await createPool({ size: 2, transport: "shared", ...SMALL_PIECES });
    pools.transfer = await createPool({ size: 2, transport: "transfer", ...SMALL_PIECES });
    pools.here = await createPool({ size: 1 }); // default threshold: a 200 KB job runs on the calling thread
  });
  afterAll(async () => {
    await Promise.all(Object.values(pools).map((p) => p.close()));
  });

  const cases: Array<[string, string, boolean]> = [
    ["aes-128-ctr", "encrypt", false],
    ["aes-256-cbc", "decrypt", true], // chained: each piece needs the ciphertext block before it
    ["aes-192-ecb", "encrypt", true],
  ];
  for (const where of ["shared", "transfer", "here"]) {
    for (const backing of ["SharedArrayBuffer", "ArrayBuffer"]) {
      it(`${where} pool, data and output in one ${backing}, every offset gives node's bytes`, async () => {
        const pool = pools[where];
        const n = where === "here" ? 200_000 : (1 << 20) + 48;
        for (const [name, dir, blocky] of cases) {
          const bits = Number(name.slice(4, 7));
          const key = randomBytes(bits / 8);
          const iv = name.endsWith("ecb") ? null : randomBytes(16);
          const pt = randomBytes(n);
          const input = dir === "encrypt" ? pt : nodeRun(true, name, key, iv, pt, !blocky);
          const expected = dir === "encrypt" ? nodeRun(true, name, key, iv, pt, !blocky) : pt;
          for (const delta of [16, 1, 4096 + 5, (n >> 1) + 16, -16, -1, 0]) {
            const base = 8192 + (n >> 1) + 32;
            const mem = backing === "SharedArrayBuffer" ? new SharedArrayBuffer(base * 2 + n) : new ArrayBuffer(base * 2 + n);
            const data = new Uint8Array(mem, base, input.length);
            data.set(input);
            const output = new Uint8Array(mem, base + delta, expected.length);
            const opts = { output, ...(blocky ? { padding: false } : {}) };
            const got = dir === "encrypt"
              ? await pool.encrypt(name, key, iv, data, opts)
              : await pool.decrypt(name, key, iv, data, opts);
            expect(bytesEqual(got, expected), `${name} ${dir} output at data ${delta >= 0 ? "+" : ""}${delta}`).toBe(true);
            expect(got.buffer).toBe(mem);
          }
        }
      });
    }
  }
});

describe("the output is the caller's memory, whatever its size", () => {
  it("outputs of 1 to 80 bytes, on the workers and on the calling thread, are written in place (found by the fuzz test)", async () => {
    const workers = await createPool({ size: 1, threshold: 0 });
    const here = await createPool({ size: 1 });
    try {
      for (const pool of [workers, here]) {
        for (const n of [1, 15, 16, 17, 63, 64, 65, 80]) {
          const key = randomBytes(16);
          const iv = randomBytes(16);
          const pt = randomBytes(n);
          for (const Backing of [ArrayBuffer, SharedArrayBuffer]) {
            const output = new Uint8Array(new Backing(n));
            const got = await pool.encrypt("aes-128-ctr", key, iv, pt, { output });
            expect(got.buffer).toBe(output.buffer);
            expect(bytesEqual(output, nodeRun(true, "aes-128-ctr", key, iv, pt)), `${n} B into a ${Backing.name}`).toBe(true);
          }
        }
      }
    } finally {
      await Promise.all([workers.close(), here.close()]);
    }
  });
});

describe("an aborted or failed job leaves the caller's output untouched (finding 2)", () => {
  for (const [transport, backing] of [["shared", "SharedArrayBuffer"], ["shared", "ArrayBuffer"], ["transfer", "ArrayBuffer"]] as const) {
    it(`${transport} transport, output in a ${backing}: nothing written, then or later`, async () => {
      const pool = await createPool({ size: 2, transport, threshold: 0 });
      try {
        const key = randomBytes(16);
        const iv = randomBytes(16);
        const n = 32 << 20;
        const mem = backing === "SharedArrayBuffer" ? new SharedArrayBuffer(n) : new ArrayBuffer(n);
        const output = filled(new Uint8Array(mem), 0xa5);
        const ac = new AbortController();
        const job = outcome(pool.encrypt("aes-128-ctr", key, iv, new Uint8Array(n), { output, signal: ac.signal }));
        await sleep(5); // workers have their pieces (32 MiB cannot be done in 5 ms: that would be 6 GB/s)
        ac.abort();
        const r = await job;
        expect(r.ok).toBe(false);
        expect((r as { error: Error }).error.name).toBe("AbortError");
        expect(firstNot(output, 0xa5), "output written by an aborted job").toBe(-1);
        await sleep(400); // the workers finish the pieces they held
        expect(firstNot(output, 0xa5), "output written after the job had rejected").toBe(-1);
        // the pool carries on, and its scratch memory does not leak into the next job
        const pt = randomBytes(3 << 20);
        const out2 = new Uint8Array(new SharedArrayBuffer(pt.length));
        const got = await pool.encrypt("aes-128-ctr", key, iv, pt, { output: out2 });
        expect(bytesEqual(got, nodeRun(true, "aes-128-ctr", key, iv, pt))).toBe(true);
      } finally {
        await pool.close();
      }
    });
  }

  it("a worker killed mid-job, and close() mid-job: typed errors, output untouched", async () => {
    const pool = await createPool({ size: 2, threshold: 0 });
    const key = randomBytes(16);
    const iv = randomBytes(16);
    const n = 16 << 20;
    const output = filled(new Uint8Array(new SharedArrayBuffer(n)), 0x5a);
    const crashed = outcome(pool.decrypt("aes-128-ctr", key, iv, new Uint8Array(n), { output }));
    await sleep(3); // mid-job: 16 MiB takes tens of milliseconds even on both workers
    void poolInternals(pool).workers[0].terminate();
    const r = await crashed;
    expect(r.ok).toBe(false);
    expect((r as { error: unknown }).error).toBeInstanceOf(WorkerCrashedError);
    expect(firstNot(output, 0x5a)).toBe(-1);
    const closing = outcome(pool.decrypt("aes-128-ctr", key, iv, new Uint8Array(n), { output }));
    await sleep(3);
    await pool.close();
    const c = await closing;
    expect(c.ok).toBe(false);
    expect((c as { error: unknown }).error).toBeInstanceOf(PoolClosedError);
    await sleep(300);
    expect(firstNot(output, 0x5a)).toBe(-1);
  });
});

describe("the pool's scratch memory (finding 3)", () => {
  it("a resizable input shrunk after the call: the job uses the bytes it was given, not the last job's", async () => {
    const pool = await createPool({ size: 2, threshold: 0 });
    try {
      const key = randomBytes(16);
      const iv = randomBytes(16);
      const n = 4 << 20;
      // job A decrypts a secret: in place in the pool's shared scratch buffer
      const secret = randomBytes(n);
      const a = await pool.decrypt("aes-128-ctr", key, iv, nodeRun(true, "aes-128-ctr", key, iv, secret));
      expect(bytesEqual(a, secret)).toBe(true);
      // job B: a resizable (length-tracking) input, shrunk right after the call
      const rab = resizable(n);
      const input = new Uint8Array(rab);
      const original = randomBytes(n);
      input.set(original);
      const job = pool.encrypt("aes-128-ctr", key, iv, input);
      rab.resize(16);
      const b = await deadline(job, 10_000, "job B");
      expect(b.length).toBe(n);
      const back = nodeRun(false, "aes-128-ctr", key, iv, b);
      expect(back.subarray(n - 1024).equals(Buffer.from(secret.subarray(n - 1024))), "job B returned job A's plaintext").toBe(false);
      expect(bytesEqual(b, nodeRun(true, "aes-128-ctr", key, iv, original)), "job B is the encryption of its input at call time").toBe(true);
    } finally {
      await pool.close();
    }
  });

  it("is wiped after every job: success, bad pad, abort", async () => {
    const pool = await createPool({ size: 2, threshold: 0 });
    try {
      const key = randomBytes(16);
      const iv = randomBytes(16);
      const scratchIsZero = () => {
        const s = (poolInternals(pool) as { scratch?: SharedArrayBuffer }).scratch;
        expect(s, "the pool keeps a scratch buffer").toBeInstanceOf(SharedArrayBuffer);
        return firstNot(new Uint8Array(s!), 0) === -1;
      };
      const pt = randomBytes(2 << 20);
      await pool.decrypt("aes-128-ctr", key, iv, nodeRun(true, "aes-128-ctr", key, iv, pt));
      expect(scratchIsZero(), "plaintext left in scratch after a job").toBe(true);
      // Encrypted without padding, a last byte of 0: never a valid pad (flipping a ciphertext
      // byte instead gave a valid pad 1 time in ~256).
      const unpadded = Buffer.from(pt);
      unpadded[unpadded.length - 1] = 0;
      const ct = nodeRun(true, "aes-128-cbc", key, iv, unpadded, false);
      await expect(pool.decrypt("aes-128-cbc", key, iv, ct)).rejects.toMatchObject({ code: "ERR_AES_DECRYPT" });
      await sleep(50);
      expect(scratchIsZero(), "plaintext left in scratch after a bad pad").toBe(true);
      const ac = new AbortController();
      const aborted = outcome(pool.decrypt("aes-128-ctr", key, iv, new Uint8Array(2 << 20), { signal: ac.signal }));
      await sleep(5);
      ac.abort();
      await aborted;
      await sleep(300);
      expect(scratchIsZero(), "plaintext left in scratch after an abort").toBe(true);
    } finally {
      await pool.close();
    }
  });
});

describe("buffers detached or shrunk while a job runs (finding 4)", () => {
  for (const transport of ["shared", "transfer"] as const) {
    it(`${transport}: a detached input completes from the snapshot; a detached or shrunk output is a typed error`, async () => {
      const pool = await createPool({ size: 2, transport, ...SMALL_PIECES });
      try {
        const key = randomBytes(16);
        const iv = randomBytes(16);
        const n = 8 << 20;
        const seen = await watchUncaught(async () => {
          const pt = randomBytes(n);
          const expected = nodeRun(true, "aes-128-ctr", key, iv, pt);
          const input = new Uint8Array(n);
          input.set(pt);
          const job = pool.encrypt("aes-128-ctr", key, iv, input);
          structuredClone(input.buffer, { transfer: [input.buffer] });
          expect(input.length).toBe(0); // detached
          expect(bytesEqual(await deadline(job, 10_000, "job with a detached input"), expected)).toBe(true);

          const output = new Uint8Array(n);
          const job2 = pool.encrypt("aes-128-ctr", key, iv, pt, { output });
          structuredClone(output.buffer, { transfer: [output.buffer] });
          await expect(deadline(job2, 10_000, "job with a detached output")).rejects.toBeInstanceOf(DataLengthError);

          const rab = resizable(n);
          const job3 = pool.encrypt("aes-128-ctr", key, iv, pt, { output: new Uint8Array(rab) });
          rab.resize(n >> 1);
          await expect(deadline(job3, 10_000, "job with a shrunk output")).rejects.toBeInstanceOf(DataLengthError);
          expect(firstNot(new Uint8Array(rab), 0)).toBe(-1);

          // and the pool still works
          const again = await pool.encrypt("aes-128-ctr", key, iv, pt);
          expect(bytesEqual(again, expected)).toBe(true);
        });
        expect(seen, "uncaught exceptions from the pool's handlers").toEqual([]);
      } finally {
        await pool.close();
      }
    });
  }
});
