// The worker pool and the IndexedDB nonce store in Firefox and WebKit. The nonce store suite
// runs unchanged (test/browser/nonce-idb.browser.test.ts). The pool suite is the Chromium one
// (test/browser/parallel.browser.test.ts) made to state what the page offers instead of assuming
// it: WebKitGTK's page is cross-origin isolated (COOP/COEP) yet has no SharedArrayBuffer, so
// there the pool must pick transferred buffers, refuse 'shared' with a StateError, and still
// match WebCrypto; in Firefox both transports run.
import { describe, expect, it } from "vitest";
import "../browser/nonce-idb.browser.test.js";
import { createPool, poolInternals } from "../../dist/parallel/pool.js";
import { WorkerCrashedError } from "../../dist/parallel/errors.js";
import { ENGINE, isolated, web } from "./engine.js";

const hasShared = typeof SharedArrayBuffer === "function";

function random(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i += 65536) crypto.getRandomValues(out.subarray(i, Math.min(n, i + 65536)));
  return out;
}

function same(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i]! ^ b[i]!;
  return d === 0;
}

async function webEncrypt(name: "AES-CTR" | "AES-CBC", key: Uint8Array, iv: Uint8Array, data: Uint8Array, length = 128): Promise<Uint8Array> {
  const k = await web!.importKey("raw", key as BufferSource, name, false, ["encrypt"]);
  const params = name === "AES-CTR" ? { name, counter: iv as BufferSource, length } : { name, iv: iv as BufferSource };
  return new Uint8Array(await web!.encrypt(params, k, data as BufferSource));
}

describe(`worker pool in ${ENGINE}`, () => {
  it("the page is cross-origin isolated; SharedArrayBuffer exists in Firefox, not in WebKitGTK", () => {
    expect(isolated).toBe(true);
    expect(hasShared).toBe(ENGINE !== "webkit");
  });

  it("picks 'shared' exactly when SharedArrayBuffer can be used, and refuses to be forced otherwise", async () => {
    const pool = await createPool({ size: 2 });
    try {
      expect(pool.transport).toBe(hasShared && isolated ? "shared" : "transfer");
    } finally {
      await pool.close();
    }
    if (!hasShared) await expect(createPool({ size: 2, transport: "shared" })).rejects.toMatchObject({ name: "StateError" });
  });

  for (const transport of ["shared", "transfer"] as const) {
    const usable = transport === "transfer" || hasShared;
    it(`${usable ? "matches WebCrypto" : "is unavailable here (no SharedArrayBuffer), tested as the fallback above"} (${transport})`, async () => {
      if (!usable) {
        expect(transport).toBe("shared");
        return;
      }
      const pool = await createPool({ size: 3, threshold: 0, transport, split: { minPiece: 1024 } });
      try {
        for (const size of [1, 100, 4096, 100_003, 3 << 20]) {
          for (const bits of [128, 256] as const) {
            const key = random(bits / 8);
            const iv = random(16);
            const pt = random(size);
            expect(same(await pool.encrypt(`aes-${bits}-ctr`, key, iv, pt), await webEncrypt("AES-CTR", key, iv, pt)), `ctr ${bits} ${size}`).toBe(true);
            const cbc = await webEncrypt("AES-CBC", key, iv, pt);
            expect(same(await pool.encrypt(`aes-${bits}-cbc`, key, iv, pt), cbc), `cbc enc ${bits} ${size}`).toBe(true);
            expect(same(await pool.decrypt(`aes-${bits}-cbc`, key, iv, cbc), pt), `cbc dec ${bits} ${size}`).toBe(true);
          }
        }
        const key = random(16);
        const iv = random(16);
        iv[14] = 0xff;
        iv[15] = 0xc0; // a 16-bit counter wrapping 64 blocks in, across piece boundaries
        const pt = random(5000);
        expect(same(await pool.encrypt("aes-128-ctr", key, iv, pt, { counterBits: 16 }), await webEncrypt("AES-CTR", key, iv, pt, 16))).toBe(true);
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
      const outcome = pool.encrypt("aes-128-ctr", key, iv, new Uint8Array(48 << 20)).then(() => "resolved", (e: unknown) => e);
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
