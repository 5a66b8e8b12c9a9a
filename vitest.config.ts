import { fileURLToPath } from "node:url";
import { playwright } from "@vitest/browser-playwright";
import { defineConfig } from "vitest/config";
import { engines } from "./test/engines/provider.js";
import { staticFiles } from "./test/engines/static.js";

const shim = (name: string) => fileURLToPath(new URL(`./test/browser/shims/${name}.ts`, import.meta.url));

// Headless Debian Chromium (apt-get install chromium); playwright never downloads a browser here.
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: "node",
          include: ["test/**/*.test.ts"],
          exclude: ["test/browser/**", "test/engines/**", "**/node_modules/**"],
          environment: "node",
        },
      },
      {
        extends: true,
        // End-to-end tests that drive Chromium from Node with playwright: the browser bundle
        // served by scripts/serve-web.mjs (CSP fallback, the demo page).
        test: {
          name: "e2e",
          include: ["test/browser/**/*.e2e.test.ts"],
          environment: "node",
        },
      },
      {
        extends: true,
        // Cross-origin isolation, so SharedArrayBuffer exists in the page (as on a COOP/COEP site).
        // Inside the project: a root-level `server` is not inherited by projects.
        server: {
          headers: {
            "Cross-Origin-Opener-Policy": "same-origin",
            "Cross-Origin-Embedder-Policy": "require-corp",
          },
        },
        // The shared known-answer suites read vector files with node:fs; in the page they are
        // fetched from the test server instead.
        resolve: { alias: { "node:fs": shim("node-fs"), "node:url": shim("node-url") } },
        test: {
          name: "browser",
          include: ["test/browser/**/*.browser.test.ts"],
          browser: {
            enabled: true,
            headless: true,
            provider: playwright({ launchOptions: { executablePath: CHROMIUM, args: CHROMIUM_ARGS } }),
            instances: [{ browser: "chromium" }],
            screenshotFailures: false,
          },
        },
      },
      // The same page suites in Firefox ESR and WebKitGTK (test/engines/provider.ts drives them;
      // test/engines/*.engines.test.ts says what each engine runs). One project per engine,
      // after the others (groupOrder), so three engines never compete for the CPU at once.
      ...(["firefox", "webkit"] as const).map((browser, i) => ({
        extends: true as const,
        plugins: [staticFiles()], // the demo and CSP pages, unbundled (test/engines/static.ts)
        server: {
          headers: {
            "Cross-Origin-Opener-Policy": "same-origin",
            "Cross-Origin-Embedder-Policy": "require-corp",
          },
        },
        resolve: { alias: { "node:fs": shim("node-fs"), "node:url": shim("node-url") } },
        test: {
          name: browser,
          include: ["test/engines/**/*.engines.test.ts"],
          sequence: { groupOrder: 1 + i },
          browser: {
            enabled: true,
            headless: true,
            provider: engines(),
            instances: [{ browser }],
            screenshotFailures: false,
          },
        },
      })),
    ],
  },
});
