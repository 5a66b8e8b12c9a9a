// The pure-JS fallback is opt-in ("aes-wasm/fallback", src/fallback.ts): two small apps
// (test/fixtures/bundle-fallback/) bundled with esbuild --minify for browsers and run in Node
// with WebAssembly deleted. Without the import the bundle must not carry the reference core and
// must fail with a BackendError naming the import; with it, it must run on 'js' and give
// node:crypto's CTR bytes. Where WebAssembly works the fallback is present but unused.
import { execFile } from "node:child_process";
import { createCipheriv, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "..");
const run = promisify(execFile);
const scratch = mkdtempSync(join(tmpdir(), "aes-wasm-fallback-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function bundle(entry: string): Promise<{ file: string; gzip: number }> {
  const result = await build({
    entryPoints: [join(ROOT, "test/fixtures/bundle-fallback", entry)], bundle: true, minify: true, format: "esm",
    platform: "browser", target: "es2022", write: false, logLevel: "silent", external: ["node:*"],
  });
  const bytes = result.outputFiles[0]!.contents;
  const file = join(scratch, entry);
  writeFileSync(file, bytes);
  return { file, gzip: gzipSync(bytes, { level: 9 }).length };
}

const runJson = async (file: string, args: string[] = []) => JSON.parse((await run(process.execPath, [file, ...args], { timeout: 30_000 })).stdout);

describe("aes-wasm/fallback is opt-in (esbuild --minify, browser condition)", async () => {
  const without = await bundle("without.mjs");
  const withFallback = await bundle("with.mjs");

  it("without it, the bundle carries no reference core", () => {
    // The reference core is ~12 KB gzipped; the apps differ by little else.
    expect(withFallback.gzip - without.gzip).toBeGreaterThan(8 * 1024);
  });

  it("without it, no WebAssembly is a BackendError that says to import it", async () => {
    const { error } = await runJson(without.file);
    expect(error).toMatchObject({ name: "BackendError", code: "ERR_AES_BACKEND" });
    expect(error.message).toMatch(/^WebAssembly with SIMD is unavailable here \(.+\); import "aes-wasm\/fallback"/);
  });

  for (const where of ["no-wasm", "wasm"]) {
    it(`with it: ${where === "wasm" ? "WebAssembly is still used where it works" : "runs on 'js' where WebAssembly is missing"}, node:crypto's CTR bytes`, async () => {
      const [key, iv, data] = [randomBytes(32), randomBytes(16), randomBytes(100)];
      const expected = createCipheriv("aes-256-ctr", key, iv).update(data).toString("hex");
      const out = await runJson(withFallback.file, [where, ...[key, iv, data].map((b) => b.toString("hex"))]);
      expect(out).toEqual({ backend: where === "wasm" ? "wasm" : "js", ct: expected });
    });
  }
});
