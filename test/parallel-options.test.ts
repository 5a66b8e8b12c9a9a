// The pool's options (review "No data lost, no secret leaked", findings 6-8): every numeric
// option validated with a typed error, options read from own properties only (a polluted
// Object.prototype changes nothing), and a worker script that cannot load is named in the error.
// (Imports from dist/: see parallel.test.ts.)
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createPool } from "../dist/parallel/pool.js";
import { InputTypeError, StateError } from "../dist/index.js";
import { webPlatform } from "../src/parallel/web-platform.js";
import { DEFAULT_THRESHOLD, splitRanges } from "../src/parallel/split.js";
import { bytesEqual, nodeRun, sleep } from "./helpers/parallel-util.js";

describe("numeric and other options are validated (finding 6)", () => {
  const bad: Array<Record<string, unknown>> = [
    { stallTimeoutMs: -1e9 }, { stallTimeoutMs: 0 }, { stallTimeoutMs: NaN }, { stallTimeoutMs: Infinity },
    { stallTimeoutMs: 2 ** 31 }, { stallTimeoutMs: "100" },
    { size: 0 }, { size: 1.5 }, { size: NaN }, { size: Infinity }, { size: 257 }, { size: "2" }, { size: -1 },
    { threshold: -1 }, { threshold: NaN }, { threshold: Infinity }, { threshold: 1.5 }, { threshold: "0" },
    { split: { minPiece: NaN } }, { split: { minPiece: 8 } }, { split: { minPiece: 100.5 } }, { split: { minPiece: Infinity } },
    { split: { piecesPerWorker: 0 } }, { split: { piecesPerWorker: NaN } }, { split: { piecesPerWorker: Infinity } },
    { split: { piecesPerWorker: 2.5 } }, { split: 5 },
    { transport: "carrier-pigeon" }, { workerUrl: 42 },
  ];
  for (const options of bad) {
    const label = JSON.stringify(options, (_k, v) => (typeof v === "number" && !Number.isFinite(v) ? String(v) : v));
    it(`createPool(${label}) is a StateError`, async () => {
      await expect(createPool(options as never)).rejects.toBeInstanceOf(StateError);
    });
  }

  it("the largest accepted stall timeout does not fire at once (setTimeout's 2^31-1 ms limit)", async () => {
    const pool = await createPool({ size: 1, threshold: 0, stallTimeoutMs: 2 ** 31 - 1 });
    try {
      const key = randomBytes(16);
      const iv = randomBytes(16);
      const pt = randomBytes(1 << 20);
      expect(bytesEqual(await pool.encrypt("aes-128-ctr", key, iv, pt), nodeRun(true, "aes-128-ctr", key, iv, pt))).toBe(true);
    } finally {
      await pool.close();
    }
  });

  it("job options: wrong types are typed errors", async () => {
    const pool = await createPool({ size: 1, threshold: 0 });
    try {
      const args = ["aes-128-ctr", randomBytes(16), randomBytes(16), randomBytes(100)] as const;
      for (const counterBits of [0, 129, 1.5, NaN, "64"]) {
        await expect(pool.encrypt(...args, { counterBits } as never)).rejects.toBeInstanceOf(StateError);
      }
      await expect(pool.encrypt("aes-128-cbc", randomBytes(16), randomBytes(16), randomBytes(100), { padding: "yes" } as never))
        .rejects.toBeInstanceOf(StateError);
      await expect(pool.encrypt(...args, { signal: {} } as never)).rejects.toBeInstanceOf(StateError);
      await expect(pool.encrypt(...args, { output: "here" } as never)).rejects.toBeInstanceOf(InputTypeError);
      await expect(pool.encrypt(...args, 5 as never)).rejects.toBeInstanceOf(StateError);
    } finally {
      await pool.close();
    }
  });
});

/** Sets properties on Object.prototype for the duration of `fn`, then removes them. */
async function polluted(props: Record<string, unknown>, fn: () => Promise<void>): Promise<void> {
  const proto = Object.prototype as Record<string, unknown>;
  for (const k of Object.keys(props)) expect(Object.hasOwn(proto, k), `Object.prototype.${k} already set`).toBe(false);
  try {
    for (const [k, v] of Object.entries(props)) {
      Object.defineProperty(proto, k, { value: v, configurable: true, writable: true, enumerable: false });
    }
    await fn();
  } finally {
    for (const k of Object.keys(props)) delete proto[k];
  }
}

describe("a polluted Object.prototype changes nothing (finding 7)", () => {
  it("decrypt() does not write into a polluted `output`", async () => {
    const pool = await createPool({ size: 2, threshold: 0 });
    try {
      const key = randomBytes(16);
      const iv = randomBytes(16);
      const secret = randomBytes(1 << 20);
      const ct = nodeRun(true, "aes-128-ctr", key, iv, secret);
      const trap = new Uint8Array(new SharedArrayBuffer(2 << 20));
      const small = new Uint8Array(4 << 10);
      await polluted({ output: trap }, async () => {
        const pt = await pool.decrypt("aes-128-ctr", key, iv, ct);
        expect(pt.buffer).not.toBe(trap.buffer);
        expect(bytesEqual(pt, secret)).toBe(true);
        const here = await pool.decrypt("aes-128-ctr", key, iv, ct.subarray(0, small.length), {});
        expect(here.buffer).not.toBe(trap.buffer);
      });
      expect(trap.every((b) => b === 0), "plaintext in the polluted output").toBe(true);
    } finally {
      await pool.close();
    }
  });

  it("createPool() does not load a polluted `workerUrl` (and hands it no key)", async () => {
    const spy = new BroadcastChannel("aes-wasm-pool-spy");
    const reports: unknown[] = [];
    spy.onmessage = (e: MessageEvent) => reports.push(e.data);
    try {
      await polluted({ workerUrl: new URL("./helpers/parallel-spy-worker.mjs", import.meta.url) }, async () => {
        const pool = await createPool({ size: 1, threshold: 0 });
        try {
          const key = randomBytes(16);
          const iv = randomBytes(16);
          const pt = randomBytes(64 << 10);
          expect(bytesEqual(await pool.encrypt("aes-128-ctr", key, iv, pt), nodeRun(true, "aes-128-ctr", key, iv, pt))).toBe(true);
          await sleep(100);
        } finally {
          await pool.close();
        }
      });
      expect(reports, "the spy worker was loaded and got keys").toEqual([]);
    } finally {
      spy.close();
    }
  });

  it("pool and job options: polluted values are ignored, the defaults apply", async () => {
    const ac = new AbortController();
    ac.abort(new Error("polluted signal"));
    const hostile = {
      size: 7, threshold: 1 << 30, transport: "transfer", stallTimeoutMs: 1, split: { minPiece: 16, piecesPerWorker: 1000 },
      padding: false, counterBits: 8, segment: 8, maxBlocks: 1,
    };
    await polluted(hostile, async () => {
      const pool = await createPool({ size: 2 });
      // (an aborted `signal` on Object.prototype stops Node itself from starting workers, so
      // it is polluted only once the pool has started)
      try {
        await polluted({ signal: ac.signal }, async () => {
          await pool.encrypt("aes-128-ctr", randomBytes(16), randomBytes(16), randomBytes(300_000));
          await pool.encrypt("aes-128-ctr", randomBytes(16), randomBytes(16), randomBytes(1000));
        });
        expect(pool.size).toBe(2);
        expect(pool.threshold).toBe(DEFAULT_THRESHOLD);
        expect(pool.transport).toBe("shared");
        for (const [bytes, name] of [[300_000, "aes-128-ctr"], [300_000, "aes-256-cbc"], [1000, "aes-128-cfb"], [1000, "aes-128-ctr"],
          [70_000, "aes-192-ecb"], [300_000, "aes-128-cfb"]] as const) {
          const key = randomBytes(Number(name.slice(4, 7)) / 8);
          const iv = name.endsWith("ecb") ? null : Buffer.from("ffffffffffffffffffffffffffffff00", "hex");
          const pt = randomBytes(bytes + 3);
          const ct = nodeRun(true, name, key, iv, pt); // padding on, 128-bit counter, CFB128
          const got = await pool.encrypt(name, key, iv, pt);
          expect(bytesEqual(got, ct), `${name} ${bytes} B encrypt`).toBe(true);
          expect(bytesEqual(await pool.decrypt(name, key, iv, ct, {}), pt), `${name} ${bytes} B decrypt`).toBe(true);
        }
        // a stall timeout of 1 ms would have replaced the worker by now
        await sleep(50);
        expect(pool.size).toBe(2);
      } finally {
        await pool.close();
      }
    });
  });

  it("worker answers are read from own properties (a polluted `buffer` is not copied into results)", async () => {
    const pool = await createPool({ size: 2, threshold: 0 });
    try {
      const key = randomBytes(16);
      const iv = randomBytes(16);
      const pt = randomBytes(1 << 20);
      await polluted({ buffer: new Uint8Array(1 << 20).fill(0x41).buffer }, async () => {
        const got = await pool.encrypt("aes-128-ctr", key, iv, pt);
        expect(bytesEqual(got, nodeRun(true, "aes-128-ctr", key, iv, pt))).toBe(true);
      });
    } finally {
      await pool.close();
    }
  });

  it("the Node Worker is created with its own options (a polluted `eval` or `workerData` is not used)", async () => {
    await polluted({ eval: true, workerData: "polluted" }, async () => {
      const pool = await createPool({ size: 1, threshold: 0 });
      try {
        const key = randomBytes(16);
        const iv = randomBytes(16);
        const pt = randomBytes(64 << 10);
        expect(bytesEqual(await pool.encrypt("aes-128-ctr", key, iv, pt), nodeRun(true, "aes-128-ctr", key, iv, pt))).toBe(true);
      } finally {
        await pool.close();
      }
    });
  });

  it("splitRanges() reads its options from own properties", async () => {
    await polluted({ minPiece: 16, piecesPerWorker: 1000 }, async () => {
      expect(splitRanges(1 << 20, 2)).toHaveLength(8);
      expect(splitRanges(1 << 20, 2, {})).toHaveLength(8);
    });
  });
});

describe("a worker script that cannot load is named (finding 8)", () => {
  /** A stand-in for the browser's Worker: records itself; the test fires its events. */
  class FakeWorker {
    static last: FakeWorker | undefined;
    onmessage: ((e: unknown) => void) | null = null;
    onerror: ((e: unknown) => void) | null = null;
    onmessageerror: ((e: unknown) => void) | null = null;
    constructor(readonly url: string | URL, readonly options: unknown) {
      FakeWorker.last = this;
    }
    postMessage(): void {}
    terminate(): void {}
  }

  it("a bundled worker's opaque load failure says which workerUrl it was", async () => {
    const g = globalThis as { Worker?: unknown };
    const saved = g.Worker;
    g.Worker = FakeWorker;
    try {
      for (const url of ["https://cdn.example/aes/web-worker.js", undefined]) {
        const reasons: string[] = [];
        webPlatform.spawn(url, { message: () => {}, failure: (r) => reasons.push(r) });
        // What Chromium fires for a module worker that fails to load: an ErrorEvent with no message.
        FakeWorker.last!.onerror!({ message: "", preventDefault() {} });
        expect(reasons).toHaveLength(1);
        expect(reasons[0]).toContain(String(FakeWorker.last!.url));
        expect(reasons[0]).toContain("workerUrl");
      }
    } finally {
      g.Worker = saved;
    }
  });

  it("in Node, createPool's error names the worker script", async () => {
    const url = new URL("./helpers/parallel-no-such-worker.mjs", import.meta.url);
    await expect(createPool({ size: 1, workerUrl: url })).rejects.toThrow(url.href);
  });
});
