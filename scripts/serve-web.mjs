// A small static server for the demo page (examples/web/) and the browser end-to-end tests.
// Serves the repository root, with COOP/COEP so the page is cross-origin isolated
// (SharedArrayBuffer for the worker pool). Paths under /test/browser/csp/ are served with a
// Content-Security-Policy that does not allow WebAssembly ('wasm-unsafe-eval' missing), to
// exercise the library's fallback to its pure-JS backend.
//
//   node scripts/serve-web.mjs [port]      (default 8080; `npm run demo:web`)
import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const TYPES = {
  ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8", ".json": "application/json", ".map": "application/json", ".wasm": "application/wasm",
  ".png": "image/png", ".svg": "image/svg+xml",
};
export const NO_WASM_CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'";

export function startServer(port = 0, host = "127.0.0.1") {
  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? "/", "http://x");
      let path = normalize(join(ROOT, decodeURIComponent(url.pathname)));
      if (!path.startsWith(ROOT) || path.split(sep).includes("node_modules")) {
        res.writeHead(403).end();
        return;
      }
      if ((await stat(path).catch(() => null))?.isDirectory()) path = join(path, "index.html");
      const body = await readFile(path);
      const headers = {
        "Content-Type": TYPES[extname(path)] ?? "application/octet-stream",
        "Cross-Origin-Opener-Policy": "same-origin",
        "Cross-Origin-Embedder-Policy": "require-corp",
        "Cache-Control": "no-store",
      };
      if (url.pathname.startsWith("/test/browser/csp/") && url.searchParams.get("csp") !== "off") {
        headers["Content-Security-Policy"] = NO_WASM_CSP;
      }
      res.writeHead(200, headers).end(body);
    } catch {
      res.writeHead(404, { "Content-Type": "text/plain" }).end("not found");
    }
  });
  return new Promise((resolve) => {
    server.listen(port, host, () => {
      const { port: p } = server.address();
      resolve({ url: `http://${host}:${p}`, close: () => new Promise((r) => server.close(r)) });
    });
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { url } = await startServer(Number(process.argv[2] ?? 8080));
  console.log(`demo: ${url}/examples/web/   (Ctrl-C to stop)`);
}
