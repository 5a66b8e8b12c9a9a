// Shared set-up for the playwright end-to-end tests (*.e2e.test.ts, run by vitest's 'e2e'
// project under Node): the browser bundle, the static server of scripts/serve-web.mjs, and
// Debian's headless Chromium.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright";
// @ts-expect-error: a plain .mjs script without type declarations
import { startServer } from "../../scripts/serve-web.mjs";

const ROOT = new URL("../../", import.meta.url);

/** `npm run build:bundle` output; built here if missing (npm test builds it first). */
export function ensureBundle(): void {
  if (existsSync(new URL("dist/browser/index.js", ROOT))) return;
  execFileSync("npx", ["rollup", "-c"], { cwd: ROOT, stdio: "inherit" });
}

export async function serve(): Promise<{ url: string; close(): Promise<void> }> {
  return startServer(0);
}

export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}
