// The fallback under a Content-Security-Policy without 'wasm-unsafe-eval', in real Chromium:
// the browser bundle, loaded with <script type="module"> from a static server, must find
// WebAssembly refused, report backend() 'js', and still pass SP 800-38A and match the page's
// crypto.subtle (test/browser/csp/run.js), once it has imported "aes-wasm/fallback"; without
// that import, ready() must say to import it. The same page without the CSP runs on 'wasm'.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright";
import { ensureBundle, launch, serve } from "./e2e.js";

interface PageResult { wasmCompiles: boolean; backend: string; checks: number; failures: string[]; noFallbackError?: string }

describe("browser bundle under a CSP without wasm-unsafe-eval", () => {
  let browser: Browser;
  let server: { url: string; close(): Promise<void> };

  beforeAll(async () => {
    ensureBundle();
    server = await serve();
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function runPage(query: string): Promise<{ result: PageResult; csp: string | null; errors: string[] }> {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    const response = await page.goto(`${server.url}/test/browser/csp/index.html${query}`);
    await page.waitForFunction(() => (window as { __result?: unknown }).__result !== undefined || document.title === "error", null, { timeout: 30_000 })
      .catch(() => undefined);
    const result = (await page.evaluate(() => (window as { __result?: unknown }).__result)) as PageResult;
    await page.close();
    return { result, csp: response?.headers()["content-security-policy"] ?? null, errors };
  }

  it("falls back to the JS backend, says so, and passes", async () => {
    const { result, csp, errors } = await runPage("");
    expect(errors).toEqual([]);
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain("wasm-unsafe-eval");
    expect(result.wasmCompiles).toBe(false); // the CSP really blocks WebAssembly here
    expect(result.backend).toBe("js");
    expect(result.failures).toEqual([]);
    expect(result.checks).toBeGreaterThan(40);
  });

  it("without the fallback imported, ready() gives a BackendError that says to import it", async () => {
    const { result, errors } = await runPage("?fallback=off");
    expect(errors).toEqual([]);
    expect(result.wasmCompiles).toBe(false);
    expect(result.noFallbackError).toMatch(/^BackendError: WebAssembly with SIMD is unavailable here \(.+\); import "aes-wasm\/fallback"/s); // an engine's reason may span lines
  });

  it("without the CSP the same page runs on WebAssembly", async () => {
    const { result, csp, errors } = await runPage("?csp=off");
    expect(errors).toEqual([]);
    expect(csp).toBeNull();
    expect(result.wasmCompiles).toBe(true);
    expect(result.backend).toBe("wasm");
    expect(result.failures).toEqual([]);
  });
});
