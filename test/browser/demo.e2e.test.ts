// The demo page end to end in Chromium: pick a file, encrypt it (worker pool, progress bar),
// download; pick the download, decrypt, download; the result must have the input's SHA-256
// (computed here with node:crypto). Then run the live benchmark and check the chart is drawn.
// A screenshot of the finished page goes to test/browser/__screenshots__/demo.png.
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright";
import { ensureBundle, launch, serve } from "./e2e.js";

const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

describe("examples/web demo page", () => {
  let browser: Browser;
  let server: { url: string; close(): Promise<void> };
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    ensureBundle();
    server = await serve();
    browser = await launch();
    page = await browser.newPage({ acceptDownloads: true });
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`${server.url}/examples/web/`);
    await page.waitForFunction(() => document.getElementById("workers")?.textContent !== "…");
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function process(button: "encrypt" | "decrypt", name: string, bytes: Uint8Array): Promise<Uint8Array> {
    await page.setInputFiles("#file", { name, mimeType: "application/octet-stream", buffer: Buffer.from(bytes) });
    const [download] = await Promise.all([page.waitForEvent("download"), page.click(`#${button}`)]);
    expect(await page.locator("#progress").evaluate((p: HTMLProgressElement) => p.value)).toBe(1);
    return new Uint8Array(readFileSync((await download.path())!));
  }

  it("runs on WebAssembly with a worker pool in a cross-origin-isolated page", async () => {
    expect(await page.textContent("#backend")).toBe("wasm");
    expect(await page.textContent("#isolated")).toBe("true");
    expect(await page.textContent("#workers")).toMatch(/^\d+ \(shared\)$/);
  });

  it("encrypts and decrypts a 9 MB file back to the same SHA-256", async () => {
    const input = randomBytes(9 * 1024 * 1024 + 5); // three pool pieces, the last one partial
    const encrypted = await process("encrypt", "photo.jpg", input);
    expect(encrypted.length).toBe(input.length + 16);
    expect(sha256(encrypted.subarray(16))).not.toBe(sha256(input));
    expect(await page.textContent("#status")).toMatch(/^encrypted 9437189 bytes/);
    const decrypted = await process("decrypt", "photo.jpg.aes", encrypted);
    expect(sha256(decrypted)).toBe(sha256(input));
    expect(errors).toEqual([]);
  });

  it("draws the benchmark chart against crypto.subtle, and takes a screenshot", async () => {
    await page.click("#bench");
    await page.waitForFunction(() => /^done/.test(document.getElementById("bench-status")?.textContent ?? ""), null, { timeout: 30_000 });
    expect(await page.locator("#chart rect").count()).toBe(6); // 3 sizes x (aes-wasm, crypto.subtle)
    expect(await page.textContent("#bench-status")).toMatch(/ratios: .*× \(aes-wasm \/ crypto.subtle\)/);
    mkdirSync(new URL("./__screenshots__/", import.meta.url), { recursive: true });
    const shot = await page.screenshot({ path: new URL("./__screenshots__/demo.png", import.meta.url).pathname, fullPage: true });
    expect(shot.length).toBeGreaterThan(1000);
    expect(errors).toEqual([]);
  });
});
