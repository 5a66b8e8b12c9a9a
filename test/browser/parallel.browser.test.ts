// The pool in a browser: module Web Workers, SharedArrayBuffer when the page is cross-origin
// isolated, transferred ArrayBuffers otherwise, checked against WebCrypto. Written for vitest
// browser mode (headless Chromium); it uses no Node APIs, so it also runs under Node, where it
// exercises worker_threads. It imports dist/ so the worker script (dist/parallel/web-worker.js)
// resolves next to the pool without bundler help: run `npm run build` first.
import { describe, expect, it } from "vitest";
import { createPool, poolInternals } from "../../dist/parallel/pool.js";
import { WorkerCrashedError } from "../../dist/parallel/errors.js";

const subtle = globalThis.crypto.subtle;
const inBrowser = typeof (globalThis as { window?: unknown }).window !== "undefined";
const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;

function random(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i += 65536) globalThis.crypto.getRandomValues(out.subarray(i, Math.min(n, i + 65536)));
  return out;
}

function same(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

async function webEncrypt(name: "AES-CTR" | "AES-CBC", key: Uint8Array, iv: Uint8Array, data: Uint8Array, length = 128): Promise<Uint8Array> {
  const k = await subtle.importKey("raw", key as BufferSource, name, false, ["encrypt"]);
  const params = name === "AES-CTR" ? { name, counter: iv as BufferSource, length } : { name, iv: iv as BufferSource };
  return new Uint8Array(await subtle.encrypt(params, k, data as BufferSource));
}

describe("worker pool in this environment", () => {
  it("uses SharedArrayBuffer exactly when it may", async () => {
    const pool = await createPool({ size: 2 });
    try {
      expect(pool.transport).toBe(!inBrowser || isolated ? "shared" : "transfer");
    } finally {
      await pool.close();
    }
  });

  for (const transport of ["shared", "transfer"] as const) {
    it(`matches WebCrypto (${transport})`, async (ctx) => {
      if (transport === "shared" && inBrowser && !isolated) ctx.skip();
      const pool = await createPool({ size: 3, threshold: 0, transport, split: { minPiece: 1024 } });
      try {
        for (const size of [1, 100, 4096, 100_003, 3 << 20]) {
          for (const bits of [128, 256] as const) {
            const key = random(bits / 8);
            const iv = random(16);
            const pt = random(size);
            const ctr = await pool.encrypt(`aes-${bits}-ctr`, key, iv, pt);
            expect(same(ctr, await webEncrypt("AES-CTR", key, iv, pt)), `ctr ${bits} ${size}`).toBe(true);
            const cbc = await webEncrypt("AES-CBC", key, iv, pt);
            expect(same(await pool.encrypt(`aes-${bits}-cbc`, key, iv, pt), cbc), `cbc enc ${bits} ${size}`).toBe(true);
            expect(same(await pool.decrypt(`aes-${bits}-cbc`, key, iv, cbc), pt), `cbc dec ${bits} ${size}`).toBe(true);
          }
        }
        // WebCrypto's `length`: a 16-bit counter wrapping across piece boundaries
        const key = random(16);
        const iv = random(16);
        iv[14] = 0xff;
        iv[15] = 0xc0; // wraps 64 blocks (1 KiB, one piece) in
        const pt = random(5000);
        const got = await pool.encrypt("aes-128-ctr", key, iv, pt, { counterBits: 16 });
        expect(same(got, await webEncrypt("AES-CTR", key, iv, pt, 16))).toBe(true);
      } finally {
        await pool.close();
      }
    });
  }

  it("replaces a worker terminated mid-job", async () => {
    const pool = await createPool({ size: 2, threshold: 0 });
    try {
      const key = random(16);
      const iv = random(16);
      // 48 MiB: still running 10 ms from now on a fast engine (16 MiB finished in time once, in Firefox).
      const job = pool.encrypt("aes-128-ctr", key, iv, new Uint8Array(48 << 20));
      const outcome = job.then(() => "resolved", (e: unknown) => e); // handled from the start
      await new Promise((r) => setTimeout(r, 10));
      void poolInternals(pool).workers[0].terminate();
      expect(await outcome).toBeInstanceOf(WorkerCrashedError);
      expect(poolInternals(pool).spawned).toBe(3);
      const pt = random(1 << 20);
      expect(same(await pool.encrypt("aes-128-ctr", key, iv, pt), await webEncrypt("AES-CTR", key, iv, pt))).toBe(true);
    } finally {
      await pool.close();
    }
  });
});
