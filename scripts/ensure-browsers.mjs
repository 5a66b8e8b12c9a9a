// `npm test` runs this first: the browser test projects need real engines, all from Debian
// packages (playwright never downloads a browser here):
//   chromium            the "browser" and "e2e" projects (playwright)
//   firefox-esr         the "firefox" project (test/engines/provider.ts)
//   webkit2gtk-driver   the "webkit" project: WebKitWebDriver and MiniBrowser (JavaScriptCore)
//   xvfb                xvfb-run, for MiniBrowser (GTK3, no headless mode)
// On a fresh Debian/Ubuntu machine where we are root, the missing ones are installed in one
// apt-get call; otherwise say exactly what is missing and fail, rather than let the projects
// fail with a launch error. Paths can be overridden as in the tests (CHROMIUM_PATH,
// FIREFOX_PATH, WEBKIT_DRIVER_PATH).
import { existsSync } from "node:fs";
import { spawnSync } from "node:child_process";

const NEEDED = [
  { pkg: "chromium", path: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", env: "CHROMIUM_PATH" },
  { pkg: "firefox-esr", path: process.env.FIREFOX_PATH ?? "/usr/bin/firefox-esr", env: "FIREFOX_PATH" },
  { pkg: "webkit2gtk-driver", path: process.env.WEBKIT_DRIVER_PATH ?? "/usr/bin/WebKitWebDriver", env: "WEBKIT_DRIVER_PATH" },
  { pkg: "xvfb", path: "/usr/bin/xvfb-run" },
];

const missing = NEEDED.filter((n) => !existsSync(n.path));
if (missing.length === 0) process.exit(0);

const names = missing.map((m) => m.pkg).join(" ");
const canApt = process.getuid?.() === 0 && spawnSync("apt-get", ["--version"], { stdio: "ignore" }).status === 0;
if (!canApt) {
  console.error(`ensure-browsers: missing ${missing.map((m) => m.path).join(", ")}. Install Debian's packages ` +
    `(apt-get install ${names})${missing.some((m) => m.env) ? " or set " + missing.filter((m) => m.env).map((m) => m.env).join("/") : ""}; ` +
    "the browser, e2e, firefox and webkit test projects need them.");
  process.exit(1);
}
console.error(`ensure-browsers: installing Debian's ${names} (about a minute)...`);
const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
for (const args of [["update", "-qq"], ["install", "-y", "-qq", ...missing.map((m) => m.pkg)]]) {
  const r = spawnSync("apt-get", args, { stdio: ["ignore", "ignore", "inherit"], env });
  if (r.status !== 0) {
    console.error(`ensure-browsers: apt-get ${args.join(" ")} failed (exit ${r.status})`);
    process.exit(1);
  }
}
const still = missing.filter((m) => !existsSync(m.path));
if (still.length > 0) {
  console.error(`ensure-browsers: the packages installed, but ${still.map((m) => m.path).join(", ")} do not exist${still.some((m) => m.env) ? "; set " + still.filter((m) => m.env).map((m) => m.env).join("/") : ""}`);
  process.exit(1);
}
