// Error names survive minification: a small app (test/fixtures/bundle-errors/app.mjs) that
// constructs every error class the root, aes-wasm/parallel and aes-wasm/subtle export and triggers most of them through the API is bundled
// with esbuild --minify (which renames every class) for Node and for browsers, and run in Node;
// each error's `name` must still be its class's exported name (the subtle facade's
// SubtleSyntaxError/SubtleTypeError carry WebCrypto's 'SyntaxError'/'TypeError').
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "..");
const FIXTURE = join(ROOT, "test/fixtures/bundle-errors");
const run = promisify(execFile);

/** The `name` a class's instances carry, where it is not the exported name. */
const NAME_OF: Record<string, string> = { SubtleSyntaxError: "SyntaxError", SubtleTypeError: "TypeError" };

interface Constructed { exported: string; name: string; className: string; aesError?: boolean }
interface Triggered { expected: string; name: string; message?: string }
interface Report { platform: string; constructed: Constructed[]; triggered: Triggered[] }

let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), "aes-wasm-minified-"));
});
afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

async function bundleAndRun(entry: string, platform: "node" | "browser", args: string[] = []): Promise<Report> {
  const outfile = join(scratch, `${platform}-${entry}`);
  await build({
    entryPoints: [join(FIXTURE, entry)], outfile, bundle: true, minify: true, format: "esm",
    platform, target: "es2022", logLevel: "silent",
    // The fixture imports node: modules only on its Node path (never reached in the browser bundle).
    external: platform === "browser" ? ["node:*"] : [],
  });
  const { stdout } = await run(process.execPath, [outfile, ...args], { cwd: scratch, timeout: 30_000 });
  return JSON.parse(stdout) as Report;
}

/** Every error class the modules `specifiers` export, from the unbundled build. */
async function errorExports(...specifiers: string[]): Promise<string[]> {
  const names = new Set<string>();
  for (const specifier of specifiers) {
    const m = (await import(specifier)) as Record<string, unknown>;
    for (const [k, v] of Object.entries(m)) if (typeof v === "function" && (v as { prototype: unknown }).prototype instanceof Error) names.add(k);
  }
  return [...names].sort();
}
const browserFile = (file: string): string => pathToFileURL(join(ROOT, "dist/browser", file)).href;

function checkConstructed(report: { constructed: Constructed[] }, expectedExports: string[]): void {
  expect(report.constructed.map((c) => c.exported).sort()).toEqual(expectedExports);
  for (const c of report.constructed) {
    expect(c.name, `${c.exported}: name after minification`).toBe(NAME_OF[c.exported] ?? c.exported);
    if (c.aesError !== undefined) expect(c.aesError, `${c.exported} is an AesError`).toBe(true);
  }
  // The premise: the minifier did rename the classes (else the check above proves nothing).
  const renamed = report.constructed.filter((c) => c.className !== c.exported);
  expect(renamed.length, `classes renamed by the minifier: ${renamed.map((c) => `${c.exported}→${c.className}`).join(", ")}`).toBe(report.constructed.length);
}

function checkTriggered(report: Report, count: number): void {
  expect(report.triggered.length).toBe(count);
  for (const t of report.triggered) expect(t.name, `${t.expected} triggered: ${t.message ?? ""}`).toBe(t.expected);
}

describe("error names after esbuild --minify", () => {
  it("Node bundle (the \"node\" condition): 28 errors triggered, every exported class constructed", async () => {
    const worker = pathToFileURL(join(ROOT, "dist/parallel/node-worker.js")).href;
    const report = await bundleAndRun("app.mjs", "node", [worker, scratch]);
    expect(report.platform).toBe("node");
    checkConstructed(report, await errorExports("aes-wasm", "aes-wasm/parallel", "aes-wasm/subtle"));
    checkTriggered(report, 28);
    // esbuild does not emit the pool's worker script: the failure says what to do about it.
    const start = report.triggered.find((t) => t.expected === "WorkerStartError")!;
    expect(start.message).toContain("workerUrl");
  }, 60_000);

  it("browser bundle (dist/browser/, the \"browser\" condition), run in Node: 23 errors triggered", async () => {
    const report = await bundleAndRun("app.mjs", "browser");
    expect(report.platform).toBe("browser");
    checkConstructed(report, await errorExports(browserFile("index.js"), browserFile("parallel.js"), browserFile("subtle.js")));
    checkTriggered(report, 23);
  }, 60_000);

  it("the CLI's error classes", async () => {
    const report = await bundleAndRun("cli.mjs", "node");
    const names = [...(await errorExports(pathToFileURL(join(ROOT, "dist/cli/errors.js")).href)),
      ...(await errorExports(pathToFileURL(join(ROOT, "dist/cli/ciphers.js")).href))].sort();
    expect(names.length).toBeGreaterThanOrEqual(8);
    checkConstructed(report, names);
  }, 60_000);
});
