// `npm test` runs this first: the browser and e2e projects need a real headless Chromium
// (Debian's `chromium` package; playwright never downloads a browser here). On a fresh
// Debian/Ubuntu machine where we are root, install it; otherwise say exactly what is missing
// and fail, rather than let two vitest projects fail with a launch error.
import { existsSync } from "node:fs";
import { spawnSync } from "node:child_process";

const path = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
if (existsSync(path)) process.exit(0);

const canApt = process.getuid?.() === 0 && spawnSync("apt-get", ["--version"], { stdio: "ignore" }).status === 0;
if (!canApt) {
  console.error(`ensure-chromium: no Chromium at ${path}. Install Debian's package (apt-get install chromium) ` +
    "or set CHROMIUM_PATH to a Chromium binary; the browser and e2e test projects need it.");
  process.exit(1);
}
console.error(`ensure-chromium: no Chromium at ${path}; installing Debian's chromium package (about 30 s)...`);
const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
for (const args of [["update", "-qq"], ["install", "-y", "-qq", "chromium"]]) {
  const r = spawnSync("apt-get", args, { stdio: ["ignore", "ignore", "inherit"], env });
  if (r.status !== 0) {
    console.error(`ensure-chromium: apt-get ${args.join(" ")} failed (exit ${r.status})`);
    process.exit(1);
  }
}
if (!existsSync(path)) {
  console.error(`ensure-chromium: the chromium package installed, but ${path} does not exist; set CHROMIUM_PATH`);
  process.exit(1);
}
