// The demo page (examples/web/) end to end in Firefox and WebKit, as test/browser/demo.e2e.test.ts
// does it in Chromium: served unbundled (test/engines/static.ts) in an iframe of this page, a file
// picked (a File put into the input, as a drop would), encrypted through the worker pool with the
// progress bar, "downloaded" (the anchor click is caught and its blob URL read back), picked again
// and decrypted back to the same bytes; then the live benchmark draws its chart.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENGINE, web } from "./engine.js";

let frame: HTMLIFrameElement;
let doc: Document;
const downloads: { name: string; href: string }[] = [];
const errors: string[] = [];
const $ = (id: string) => doc.getElementById(id)!;

async function until(what: string, ok: () => boolean, ms = 30_000): Promise<void> {
  const t0 = Date.now();
  while (!ok()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function process(button: "encrypt" | "decrypt", name: string, bytes: Uint8Array): Promise<{ name: string; bytes: Uint8Array }> {
  const win = frame.contentWindow as Window & typeof globalThis;
  const transfer = new win.DataTransfer();
  transfer.items.add(new win.File([bytes as BlobPart], name, { type: "application/octet-stream" }));
  const input = $("file") as HTMLInputElement;
  input.files = transfer.files;
  input.dispatchEvent(new win.Event("change"));
  const before = downloads.length;
  ($(button) as HTMLButtonElement).click();
  await until("the download", () => downloads.length > before, 60_000);
  expect(($("progress") as HTMLProgressElement).value).toBe(1);
  const d = downloads[downloads.length - 1]!;
  return { name: d.name, bytes: new Uint8Array(await (await fetch(d.href)).arrayBuffer()) };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i]! ^ b[i]!;
  return d === 0;
}

describe(`examples/web demo page in ${ENGINE}`, () => {
  beforeAll(async () => {
    frame = document.createElement("iframe");
    frame.style.width = "800px";
    frame.style.height = "700px";
    frame.src = "/__static/examples/web/";
    document.body.append(frame);
    await until("the frame", () => frame.contentDocument?.getElementById("workers") != null && frame.contentDocument.readyState === "complete");
    const win = frame.contentWindow as Window & typeof globalThis;
    doc = frame.contentDocument!;
    win.addEventListener("error", (e) => errors.push(e.message));
    win.addEventListener("unhandledrejection", (e) => errors.push(String(e.reason)));
    // the page "downloads" by clicking an anchor with a blob: URL; keep the URL instead
    win.HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) {
      downloads.push({ name: this.download, href: this.href });
    };
    await until("the pool", () => $("workers").textContent !== "…");
  });
  afterAll(() => frame?.remove());

  it("runs on WebAssembly with a worker pool in a cross-origin-isolated page", () => {
    expect($("backend").textContent).toBe("wasm");
    expect($("isolated").textContent).toBe("true");
    // the pool shares memory where the engine has SharedArrayBuffer (not WebKitGTK: it transfers)
    expect($("workers").textContent).toMatch(typeof SharedArrayBuffer === "function" ? /^\d+ \(shared\)$/ : /^\d+ \(transfer\)$/);
  });

  it("encrypts and decrypts a 9 MB file back to the same bytes", async () => {
    const input = new Uint8Array(9 * 1024 * 1024 + 5); // three pool pieces, the last one partial
    for (let i = 0; i < input.length; i += 65536) crypto.getRandomValues(input.subarray(i, i + 65536));
    const encrypted = await process("encrypt", "photo.jpg", input);
    expect(encrypted.name).toBe("photo.jpg.aes");
    expect(encrypted.bytes.length).toBe(input.length + 16);
    expect(sameBytes(encrypted.bytes.subarray(16), input)).toBe(false);
    expect($("status").textContent).toMatch(/^encrypted 9437189 bytes/);
    const decrypted = await process("decrypt", "photo.jpg.aes", encrypted.bytes);
    expect(decrypted.name).toBe("photo.jpg.dec");
    expect(sameBytes(decrypted.bytes, input)).toBe(true);
    expect(errors).toEqual([]);
  });

  it("draws the benchmark chart against crypto.subtle", async () => {
    expect(typeof web?.encrypt).toBe("function");
    ($("bench") as HTMLButtonElement).click();
    await until("the benchmark", () => /^done/.test($("bench-status").textContent ?? ""), 60_000);
    expect(doc.querySelectorAll("#chart rect").length).toBe(6); // 3 sizes x (aes-wasm, crypto.subtle)
    expect($("bench-status").textContent).toMatch(/ratios: .*× \(aes-wasm \/ crypto.subtle\)/);
    expect(errors).toEqual([]);
  });
});
