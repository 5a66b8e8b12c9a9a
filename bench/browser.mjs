// `npm run bench:browser`: the bench:targets ratios measured inside each browser engine —
// Chromium (V8), Firefox ESR (SpiderMonkey) and WebKitGTK (JavaScriptCore, Safari's engine) —
// against @noble/ciphers and against the engine's own crypto.subtle, one run per engine:
// AES-128 CTR, CBC encryption and GCM encryption at 1 MiB, a 64-byte CTR message (key import
// included) and key setup + one block.
//
// A small server here serves the browser bundle (dist/browser/), @noble/ciphers' ES modules and
// one generated page, with COOP/COEP; each engine opens the page (Chromium and Firefox with the
// URL on their command line, WebKit through WebKitWebDriver under xvfb-run), the page measures
// and POSTs its results back, and the engine's whole process group is killed.
// Ratios are paired, as in bench/targets.mjs: in every round the contenders run back to back
// (order rotated) and the round's ratio is taken; the median over rounds is printed.
//
//   node bench/browser.mjs [chromium] [firefox] [webkit]      (default: all three)
import { spawn, execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { createServer as netServer } from "node:net";
import { tmpdir } from "node:os";
import { extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const ROUNDS = 9;
const TIME = 100; // ms per contender per round
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const FIREFOX = process.env.FIREFOX_PATH ?? "/usr/bin/firefox-esr";
const WEBKIT_DRIVER = process.env.WEBKIT_DRIVER_PATH ?? "/usr/bin/WebKitWebDriver";

// ---- the page: runs in the engine ----
const PAGE = `<!doctype html><meta charset="utf-8"><title>aes-wasm bench</title><pre id="out">running…</pre>
<script type="module">
import { aesKey, backend, ready } from "/dist/browser/index.js";
import * as noble from "/node_modules/@noble/ciphers/aes.js";
const ROUNDS = ${ROUNDS}, TIME = ${TIME};
const subtle = crypto.subtle;
const rnd = (n) => { const b = new Uint8Array(n); for (let i = 0; i < n; i += 65536) crypto.getRandomValues(b.subarray(i, Math.min(n, i + 65536))); return b; };
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
async function time(fn) { // ms per call, calls for TIME ms
  let n = 0; const t0 = performance.now(); let t;
  do { await fn(); n++; t = performance.now() - t0; } while (t < TIME);
  return t / n;
}
/** Median over rounds of ms(a)/ms(b) for each pair, from contenders run back to back. */
async function paired(tasks) {
  for (const f of Object.values(tasks)) { await f(); await f(); } // warm up, and JIT
  const names = Object.keys(tasks), ms = Object.fromEntries(names.map((n) => [n, []]));
  for (let r = 0; r < ROUNDS; r++) {
    const order = names.map((_, i) => names[(i + r) % names.length]);
    for (const n of order) ms[n].push(await time(tasks[n]));
  }
  return { ms: Object.fromEntries(names.map((n) => [n, median(ms[n])])), ratio: (a, b) => median(ms[a].map((x, i) => x / ms[b][i])) };
}
const same = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);
async function run() {
  await ready();
  const rows = [];
  const key = rnd(16), iv = rnd(16), iv12 = iv.subarray(0, 12), mib = rnd(1 << 20);
  const k = aesKey(key);
  const out = new Uint8Array(mib.length + 16);
  const wk = { ctr: await subtle.importKey("raw", key, "AES-CTR", false, ["encrypt"]), cbc: await subtle.importKey("raw", key, "AES-CBC", false, ["encrypt"]), gcm: await subtle.importKey("raw", key, "AES-GCM", false, ["encrypt"]) };
  const cases = {
    "CTR": { ours: () => k.ctr(iv).encrypt(mib, out.subarray(0, mib.length)), noble: () => noble.ctr(key, iv).encrypt(mib), subtle: () => subtle.encrypt({ name: "AES-CTR", counter: iv, length: 128 }, wk.ctr, mib) },
    "CBC-enc": { ours: () => k.cbc(iv, { padding: "none" }).encrypt(mib, out.subarray(0, mib.length)), noble: () => noble.cbc(key, iv, { disablePadding: true }).encrypt(mib), subtle: () => subtle.encrypt({ name: "AES-CBC", iv }, wk.cbc, mib) },
    "GCM-enc": { ours: () => k.gcm(iv12).encrypt(mib, out), noble: () => noble.gcm(key, iv12).encrypt(mib), subtle: () => subtle.encrypt({ name: "AES-GCM", iv: iv12 }, wk.gcm, mib) },
  };
  // the contenders agree before they are timed
  if (!same(new Uint8Array(await subtle.encrypt({ name: "AES-CTR", counter: iv, length: 128 }, wk.ctr, mib)), k.ctr(iv).encrypt(mib))) throw new Error("CTR differs from crypto.subtle");
  if (!same(noble.gcm(key, iv12).encrypt(mib), k.gcm(iv12).encrypt(mib))) throw new Error("GCM differs from noble");
  for (const [mode, t] of Object.entries(cases)) {
    const p = await paired(t);
    rows.push({ what: "AES-128 " + mode + " 1 MiB", mbps: 1.048576 / p.ms.ours * 1000, vsNoble: p.ratio("noble", "ours"), vsSubtle: p.ratio("subtle", "ours") });
  }
  const msg = rnd(64);
  const m = await paired({
    ours: () => { const c = aesKey(key); const o = c.ctr(iv).encrypt(msg); c.dispose(); return o; },
    noble: () => noble.ctr(key, iv).encrypt(msg),
    subtle: async () => subtle.encrypt({ name: "AES-CTR", counter: iv, length: 128 }, await subtle.importKey("raw", key, "AES-CTR", false, ["encrypt"]), msg),
  });
  rows.push({ what: "64 B AES-128-CTR message (key included)", ns: m.ms.ours * 1e6, vsNoble: m.ratio("noble", "ours"), vsSubtle: m.ratio("subtle", "ours") });
  const block = rnd(16);
  const ks = await paired({
    ours: () => { const c = aesKey(key); const o = c.encryptBlock(block); c.dispose(); return o; },
    noble: () => noble.ecb(key, { disablePadding: true }).encrypt(block),
    subtle: async () => subtle.encrypt({ name: "AES-CBC", iv: new Uint8Array(16) }, await subtle.importKey("raw", key, "AES-CBC", false, ["encrypt"]), block),
  });
  rows.push({ what: "key setup + one block", ns: ks.ms.ours * 1e6, vsNoble: ks.ratio("noble", "ours"), vsSubtle: ks.ratio("subtle", "ours") });
  k.dispose();
  const simd = WebAssembly.validate(new Uint8Array([0,97,115,109,1,0,0,0,1,5,1,96,0,1,123,3,2,1,0,10,10,1,8,0,65,0,253,15,253,98,11]));
  return { ua: navigator.userAgent, backend: backend(), simd, isolated: crossOriginIsolated, rows };
}
run().then((r) => r, (e) => ({ error: String(e && e.stack || e) })).then((r) => {
  document.getElementById("out").textContent = JSON.stringify(r, null, 1);
  return fetch("/__result", { method: "POST", body: JSON.stringify(r) });
});
</script>`;

// ---- the server ----
const TYPES = { ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".mjs": "text/javascript; charset=utf-8", ".json": "application/json" };
const SERVED = ["dist/", "node_modules/@noble/ciphers/"];

function startServer(onResult) {
  const server = createServer(async (req, res) => {
    const headers = { "Cross-Origin-Opener-Policy": "same-origin", "Cross-Origin-Embedder-Policy": "require-corp", "Cache-Control": "no-store" };
    const url = new URL(req.url ?? "/", "http://x");
    if (url.pathname === "/__result" && req.method === "POST") {
      let body = "";
      for await (const chunk of req) body += chunk;
      res.writeHead(204, headers).end();
      onResult(JSON.parse(body));
      return;
    }
    if (url.pathname === "/bench.html") return res.writeHead(200, { ...headers, "Content-Type": TYPES[".html"] }).end(PAGE);
    const rel = decodeURIComponent(url.pathname).slice(1);
    const path = normalize(join(ROOT, rel));
    if (!path.startsWith(ROOT) || !SERVED.some((d) => rel.startsWith(d)) || rel.split("/").includes("..") || !existsSync(path)) {
      return res.writeHead(404, headers).end();
    }
    res.writeHead(200, { ...headers, "Content-Type": TYPES[extname(path)] ?? "application/octet-stream" }).end(readFileSync(path));
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

// ---- the engines ----
const freePort = () => new Promise((resolve) => { const s = netServer(); s.listen(0, "127.0.0.1", () => { const { port } = s.address(); s.close(() => resolve(port)); }); });

async function killGroup(child) {
  if (!child?.pid) return;
  const signal = (s) => { try { process.kill(-child.pid, s); } catch { /* gone */ } };
  const exited = new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r() : child.once("exit", r)));
  signal("SIGTERM");
  await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
  signal("SIGKILL");
}

function miniBrowser() {
  for (const lib of readdirSync("/usr/lib")) {
    for (const api of ["webkit2gtk-4.1", "webkit2gtk-4.0"]) {
      const p = join("/usr/lib", lib, api, "MiniBrowser");
      if (existsSync(p)) return p;
    }
  }
  throw new Error("no MiniBrowser (apt-get install webkit2gtk-driver)");
}

const LAUNCH = {
  async chromium(url) {
    const version = execFileSync(CHROMIUM, ["--version"], { encoding: "utf8" }).trim();
    const dir = mkdtempSync(join(tmpdir(), "aes-wasm-bench-chromium-"));
    const child = spawn(CHROMIUM, ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", `--user-data-dir=${dir}`, url], { detached: true, stdio: "ignore" });
    return { version, close: async () => { await killGroup(child); rmSync(dir, { recursive: true, force: true }); } };
  },
  async firefox(url) {
    const version = execFileSync(FIREFOX, ["--version"], { encoding: "utf8" }).trim();
    const dir = mkdtempSync(join(tmpdir(), "aes-wasm-bench-firefox-"));
    writeFileSync(join(dir, "user.js"), ["browser.shell.checkDefaultBrowser", "browser.aboutwelcome.enabled", "app.update.auto", "datareporting.policy.dataSubmissionEnabled"]
      .map((k) => `user_pref("${k}", false);\n`).join(""));
    const child = spawn(FIREFOX, ["--headless", "--no-remote", "--new-instance", "--profile", dir, url], { detached: true, stdio: "ignore", env: { ...process.env, MOZ_CRASHREPORTER_DISABLE: "1" } });
    return { version, close: async () => { await killGroup(child); rmSync(dir, { recursive: true, force: true }); } };
  },
  async webkit(url) {
    const port = await freePort();
    const child = spawn("xvfb-run", ["-a", "-s", "-screen 0 1280x1024x24", WEBKIT_DRIVER, `--port=${port}`], { detached: true, stdio: "ignore" });
    const call = async (method, path, body) => {
      const r = await fetch(`http://127.0.0.1:${port}${path}`, { method, headers: { "Content-Type": "application/json" }, body: body && JSON.stringify(body) });
      const json = await r.json();
      if (!r.ok) throw new Error(`WebKitWebDriver ${method} ${path}: ${JSON.stringify(json.value)}`);
      return json.value;
    };
    let session;
    for (let i = 0; !session; i++) {
      try {
        session = await call("POST", "/session", { capabilities: { alwaysMatch: { browserName: "MiniBrowser", pageLoadStrategy: "eager", "webkitgtk:browserOptions": { binary: miniBrowser(), args: ["--automation"] } } } });
      } catch (e) {
        if (i > 50 || !(e instanceof TypeError)) { await killGroup(child); throw e; }
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    await call("POST", `/session/${session.sessionId}/url`, { url });
    return {
      version: `WebKitGTK ${session.capabilities.browserVersion}`,
      close: async () => { await call("DELETE", `/session/${session.sessionId}`).catch(() => {}); await killGroup(child); },
    };
  },
};

// ---- run ----
const wanted = process.argv.slice(2).filter((a) => a in LAUNCH);
const engines = wanted.length ? wanted : Object.keys(LAUNCH);
if (!existsSync(join(ROOT, "dist/browser/index.js"))) throw new Error("no dist/browser/: run npm run build:bundle first");
let deliver;
const server = await startServer((r) => deliver?.(r));
const base = `http://127.0.0.1:${server.address().port}`;
const results = [];
try {
  for (const engine of engines) {
    const got = new Promise((resolve, reject) => {
      deliver = resolve;
      setTimeout(() => reject(new Error(`${engine}: no result within 180 s`)), 180_000).unref();
    });
    console.error(`bench:browser: ${engine}…`);
    const browser = await LAUNCH[engine](`${base}/bench.html`);
    try {
      const r = await got;
      if (r.error) throw new Error(`${engine}: ${r.error}`);
      results.push({ engine, version: browser.version, ...r });
    } finally {
      await browser.close();
    }
  }
} finally {
  server.close();
}

const f2 = (x) => `${x.toFixed(2)}×`;
for (const r of results) {
  console.log(`\n${r.version} (backend ${r.backend}, WASM SIMD ${r.simd ? "yes" : "no"}, cross-origin isolated ${r.isolated})`);
  console.log("| | aes-wasm | vs @noble/ciphers | vs crypto.subtle |\n|---|---:|---:|---:|");
  for (const row of r.rows) {
    console.log(`| ${row.what} | ${row.mbps ? Math.round(row.mbps) + " MB/s" : Math.round(row.ns) + " ns"} | ${f2(row.vsNoble)} | ${f2(row.vsSubtle)} |`);
  }
}
console.log("\nvs X = X's time / aes-wasm's time, the median of paired rounds (> 1: aes-wasm is faster).");
