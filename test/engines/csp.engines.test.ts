// The fallback under a Content-Security-Policy without 'wasm-unsafe-eval', in Firefox and WebKit
// (as test/browser/csp.e2e.test.ts in Chromium): test/engines/csp/index.html, served with the
// CSP (test/engines/static.ts), in an iframe of this page. The engine must refuse WebAssembly
// (Firefox at compile; WebKitGTK 2.50 compiles a module but refuses to instantiate it), and the
// browser bundle must report backend() 'js' and still pass SP 800-38A and match the page's
// crypto.subtle (test/browser/csp/run.js, shared with Chromium) once it has imported
// "aes-wasm/fallback"; without that import, ready() must say to import it. The same page without the CSP runs on 'wasm'.
import { afterEach, describe, expect, it } from "vitest";
import { ENGINE } from "./engine.js";

interface PageResult { wasmCompiles: boolean; wasmInstantiates: boolean; evalRefused: boolean; backend: string; checks: number; failures: string[]; noFallbackError?: string }

let frame: HTMLIFrameElement | undefined;
afterEach(() => frame?.remove());

async function runPage(query: string): Promise<{ result: PageResult | undefined; csp: string | null }> {
  const url = `/__static/test/engines/csp/index.html${query}`;
  const csp = (await fetch(url, { method: "HEAD" })).headers.get("content-security-policy");
  frame = document.createElement("iframe");
  frame.src = url;
  document.body.append(frame);
  const win = () => frame!.contentWindow as (Window & { __result?: PageResult }) | null;
  const t0 = Date.now();
  while (win()?.__result === undefined && win()?.document.title !== "error" && Date.now() - t0 < 30_000) {
    await new Promise((r) => setTimeout(r, 50));
  }
  return { result: win()?.__result, csp };
}

describe(`browser bundle under a CSP without wasm-unsafe-eval, in ${ENGINE}`, () => {
  const refusesCompile = ENGINE !== "webkit";
  it(`${refusesCompile ? "WebAssembly refused" : "WebAssembly compiles but is refused at instantiation"}: falls back to the JS backend, says so, and passes`, async () => {
    const { result, csp } = await runPage("");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain("wasm-unsafe-eval");
    expect(result?.evalRefused).toBe(true); // the CSP is in force in the frame
    expect(result?.wasmCompiles).toBe(!refusesCompile);
    expect(result?.wasmInstantiates).toBe(false); // the CSP really blocks WebAssembly here
    expect(result?.backend).toBe("js");
    expect(result?.failures).toEqual([]);
    expect(result?.checks).toBeGreaterThan(40);
  });

  it("without the fallback imported, ready() gives a BackendError that says to import it", async () => {
    const { result } = await runPage("?fallback=off");
    expect(result?.wasmInstantiates).toBe(false);
    expect(result?.noFallbackError).toMatch(/^BackendError: WebAssembly with SIMD is unavailable here \(.+\); import "aes-wasm\/fallback"/s); // an engine's reason may span lines
  });

  it("without the CSP the same page runs on WebAssembly", async () => {
    const { result, csp } = await runPage("?csp=off");
    expect(csp).toBeNull();
    expect(result?.evalRefused).toBe(false);
    expect(result?.wasmCompiles).toBe(true);
    expect(result?.wasmInstantiates).toBe(true);
    expect(result?.backend).toBe("wasm");
    expect(result?.failures).toEqual([]);
  });
});
