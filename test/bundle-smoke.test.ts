// Browser-bundle smoke test: test/fixtures/bundle-smoke/app.js, bundled for browsers by
// esbuild, Vite and webpack (the "browser" export condition: dist/browser/, the WASM core
// embedded), is run in Node; it must run on the WASM backend and give node:crypto's bytes for
// CTR, CBC, GCM (ciphertext || tag) and OFB through the node:crypto-shaped facade.
import { execFile } from "node:child_process";
import { createCipheriv } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { build as esbuild } from "esbuild";
import { build as vite } from "vite";
import webpack from "webpack";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "..");
const FIXTURE = join(ROOT, "test/fixtures/bundle-smoke");
const ENTRY = join(FIXTURE, "app.js");
const run = promisify(execFile);
const scratch = mkdtempSync(join(tmpdir(), "aes-wasm-bundlers-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

// The app's inputs (seq() in app.js), and what node:crypto makes of them.
const seq = (n: number, start: number) => Buffer.from(Array.from({ length: n }, (_, i) => (start + i * 7) & 0xff));
function nodeCrypto(name: string, key: Buffer, iv: Buffer, aad?: Buffer): string {
  const c = createCipheriv(name, key, iv);
  if (aad) (c as ReturnType<typeof createCipheriv> & { setAAD(b: Buffer): void }).setAAD(aad);
  const out = Buffer.concat([c.update(seq(100, 3)), c.final()]);
  return (aad ? Buffer.concat([out, (c as unknown as { getAuthTag(): Buffer }).getAuthTag()]) : out).toString("hex");
}
const EXPECTED = {
  backend: "wasm",
  ctr: nodeCrypto("aes-256-ctr", seq(32, 1), seq(16, 5)),
  cbc: nodeCrypto("aes-256-cbc", seq(32, 1), seq(16, 9)),
  gcm: nodeCrypto("aes-256-gcm", seq(32, 1), seq(12, 11), seq(20, 13)),
  ofb: nodeCrypto("aes-128-ofb", seq(16, 17), seq(16, 19)),
};

/** Each bundler writes an ES module bundle (plus any chunks) into its own directory; returns the entry file. */
const BUNDLERS: Record<string, (outDir: string) => Promise<string>> = {
  async esbuild(outDir) {
    const outfile = join(outDir, "app.mjs");
    await esbuild({ entryPoints: [ENTRY], outfile, bundle: true, minify: true, format: "esm", platform: "browser", target: "es2022", logLevel: "silent" });
    return outfile;
  },
  async vite(outDir) {
    await vite({
      configFile: false, root: FIXTURE, logLevel: "silent",
      build: { outDir, emptyOutDir: true, minify: true, target: "es2022", lib: { entry: ENTRY, formats: ["es"], fileName: () => "app.mjs" } },
    });
    return join(outDir, "app.mjs");
  },
  async webpack(outDir) {
    const stats = await new Promise<webpack.Stats>((done, fail) => webpack({
      mode: "production", context: FIXTURE, entry: "./app.js", target: ["web", "es2022"],
      // publicPath "": the bundle runs from a file, where webpack cannot work it out.
      output: { path: outDir, filename: "app.mjs", module: true, chunkFormat: "module", publicPath: "" },
      experiments: { outputModule: true }, performance: { hints: false }, devtool: false,
    }, (err, s) => (err || !s ? fail(err ?? new Error("webpack gave no stats")) : done(s))));
    if (stats.hasErrors()) throw new Error(stats.toString({ all: false, errors: true }));
    return join(outDir, "app.mjs");
  },
};

describe("the browser build through three bundlers, run in Node, vs node:crypto", () => {
  for (const [name, bundle] of Object.entries(BUNDLERS)) {
    it(name, async () => {
      const entry = await bundle(join(scratch, name));
      const { stdout } = await run(process.execPath, [entry], { cwd: scratch, timeout: 30_000 });
      expect(JSON.parse(stdout)).toEqual(EXPECTED);
    }, 60_000);
  }
});
