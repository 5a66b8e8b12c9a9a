// A vite plugin for the engine projects: serves repository files as they are (no vite
// transform) under /__static/, with the headers of scripts/serve-web.mjs: COOP/COEP everywhere,
// and under /__static/test/{browser,engines}/csp/ the Content-Security-Policy without 'wasm-unsafe-eval'
// (unless ?csp=off). The demo page and the CSP page then load in an iframe of vitest's own page
// (same origin, so the test reads them), exactly as the static server would serve them.
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";
import type { Plugin } from "vite";
// @ts-expect-error: a plain .mjs script without type declarations
import { NO_WASM_CSP } from "../../scripts/serve-web.mjs";

export const STATIC_PREFIX = "/__static";
const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".mjs": "text/javascript; charset=utf-8",
  ".json": "application/json", ".css": "text/css; charset=utf-8",
};

export function staticFiles(): Plugin {
  return {
    name: "aes-wasm-static-files",
    configureServer(server) {
      server.middlewares.use(async (req, res, next) => {
        const url = new URL(req.url ?? "/", "http://x");
        if (!url.pathname.startsWith(STATIC_PREFIX + "/")) return next();
        let path = normalize(join(ROOT, decodeURIComponent(url.pathname.slice(STATIC_PREFIX.length))));
        if (!path.startsWith(ROOT) || path.split(sep).includes("node_modules")) {
          res.statusCode = 403;
          return res.end();
        }
        try {
          if ((await stat(path)).isDirectory()) path = join(path, "index.html");
          const body = await readFile(path);
          res.setHeader("Content-Type", TYPES[extname(path)] ?? "application/octet-stream");
          res.setHeader("Cross-Origin-Opener-Policy", "same-origin");
          res.setHeader("Cross-Origin-Embedder-Policy", "require-corp");
          res.setHeader("Cache-Control", "no-store");
          const cspPage = ["/test/browser/csp/", "/test/engines/csp/"].some((d) => url.pathname.startsWith(STATIC_PREFIX + d));
          if (cspPage && url.searchParams.get("csp") !== "off") {
            res.setHeader("Content-Security-Policy", NO_WASM_CSP);
          }
          res.end(body);
        } catch {
          res.statusCode = 404;
          res.end("not found");
        }
      });
    },
  };
}
