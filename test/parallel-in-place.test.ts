// The pool's inPlace job option (the CLI's --threads path): the workers process a
// SharedArrayBuffer view where it is, with no copy in or out. The result is the caller's view
// holding node:crypto's bytes (split over several workers, chained modes included, and on the
// calling thread below the threshold); what it cannot do is refused with a typed error; and a
// job that fails rejects only once no worker can still write into the caller's memory.
// (Imports from dist/: see parallel.test.ts.)
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createPool, poolInternals } from "../dist/parallel/pool.js";
import { StateError } from "../dist/index.js";
import { bytesEqual, nodeRun, outcome, sleep } from "./helpers/parallel-util.js";

/** `bytes` copied into a fresh SharedArrayBuffer. */
function shared(bytes: Uint8Array, offset = 0): Uint8Array {
  const view = new Uint8Array(new SharedArrayBuffer(offset + bytes.length), offset, bytes.length);
  view.set(bytes);
  return view;
}

describe("inPlace: the caller's shared memory is the workers' buffer and the result", () => {
  const cases = [
    { name: "aes-256-ctr", encrypt: true, size: (3 << 20) + 5 },
    { name: "aes-128-ctr", encrypt: false, size: 1 << 20 },
    { name: "aes-192-cbc", encrypt: false, size: 2 << 20 }, // each piece's register is the ciphertext block before it
    { name: "aes-128-ecb", encrypt: true, size: 1 << 20 },
    { name: "aes-256-ofb", encrypt: true, size: 100_003 }, // not splittable: one worker
  ];
  for (const { name, encrypt, size } of cases) {
    it(`${name} ${encrypt ? "encrypt" : "decrypt"}, ${size} bytes at offset 16, spread over the workers`, async () => {
      const pool = await createPool({ size: 2, threshold: 0, split: { minPiece: 64 << 10 } });
      try {
        const key = randomBytes(Number(name.slice(4, 7)) / 8);
        const iv = name.endsWith("ecb") ? null : randomBytes(16);
        const input = randomBytes(size);
        const data = shared(input, 16);
        const padding = name.endsWith("ecb") || name.endsWith("cbc") ? { padding: false } : {};
        const before = poolInternals(pool).answers.reduce((a, b) => a + b, 0);
        const run = encrypt ? pool.encrypt.bind(pool) : pool.decrypt.bind(pool);
        const result = await run(name, key, iv, data, { ...padding, inPlace: true });
        expect(result.buffer).toBe(data.buffer);
        expect(result.byteOffset).toBe(16);
        expect(result.length).toBe(size);
        expect(bytesEqual(result, nodeRun(encrypt, name, key, iv, input, false))).toBe(true);
        const pieces = poolInternals(pool).answers.reduce((a, b) => a + b, 0) - before;
        expect(pieces).toBeGreaterThanOrEqual(name.endsWith("ofb") ? 1 : 2);
      } finally {
        await pool.close();
      }
    });
  }

  it("below the threshold the job runs on this thread, still into the caller's view", async () => {
    const pool = await createPool({ size: 1 });
    try {
      const key = randomBytes(16);
      const iv = randomBytes(16);
      const input = randomBytes(40); // ≤ 64 bytes: the size the library copies rather than views
      const data = shared(input);
      const result = await pool.encrypt("aes-128-ctr", key, iv, data, { inPlace: true });
      expect(result.buffer).toBe(data.buffer);
      expect(bytesEqual(data, nodeRun(true, "aes-128-ctr", key, iv, input))).toBe(true);
    } finally {
      await pool.close();
    }
  });

  it("what it cannot do is a StateError, before any work", async () => {
    const pool = await createPool({ size: 1, threshold: 0 });
    const transfer = await createPool({ size: 1, threshold: 0, transport: "transfer" });
    try {
      const key = randomBytes(16);
      const iv = randomBytes(16);
      const data = shared(randomBytes(4096));
      const refused = [
        pool.encrypt("aes-128-ctr", key, iv, randomBytes(4096), { inPlace: true }), // not shared memory
        pool.encrypt("aes-128-cbc", key, iv, data, { inPlace: true }), // padding makes it longer
        pool.encrypt("aes-128-ocb", key, randomBytes(12), data, { inPlace: true }), // the tag makes it longer
        pool.encrypt("aes-128-ctr", key, iv, data, { inPlace: true, output: data }),
        pool.encrypt("aes-128-ctr", key, iv, data, { inPlace: "yes" } as never),
        transfer.encrypt("aes-128-ctr", key, iv, data, { inPlace: true }),
      ];
      for (const p of refused) await expect(p).rejects.toBeInstanceOf(StateError);
      expect(data.some((b) => b !== 0)).toBe(true);
      const copy = data.slice();
      await sleep(20);
      expect(bytesEqual(data, copy), "a refused job touched the data").toBe(true);
    } finally {
      await pool.close();
      await transfer.close();
    }
  });

  it("an aborted job rejects only once no worker can write into the caller's memory", async () => {
    const pool = await createPool({ size: 2, threshold: 0 });
    try {
      const key = randomBytes(16);
      const iv = randomBytes(16);
      const data = new Uint8Array(new SharedArrayBuffer(32 << 20));
      const ac = new AbortController();
      const job = outcome(pool.encrypt("aes-128-ctr", key, iv, data, { inPlace: true, signal: ac.signal }));
      await sleep(5); // the workers have their pieces (32 MiB cannot be done in 5 ms)
      ac.abort();
      const r = await job;
      expect(r.ok).toBe(false);
      expect((r as { error: Error }).error.name).toBe("AbortError");
      const atRejection = data.slice();
      await sleep(400); // long enough for a piece a worker still held to be finished
      expect(bytesEqual(data, atRejection), "written after the job had rejected").toBe(true);
      // and the pool carries on
      const pt = randomBytes(1 << 20);
      const again = shared(pt);
      await pool.encrypt("aes-128-ctr", key, iv, again, { inPlace: true });
      expect(bytesEqual(again, nodeRun(true, "aes-128-ctr", key, iv, pt))).toBe(true);
    } finally {
      await pool.close();
    }
  });
});
