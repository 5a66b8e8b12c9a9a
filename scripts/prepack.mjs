// `npm pack` / `npm publish` (the "prepack" script): a clean, complete build, so that a fresh
// clone packs the same tarball as a working tree: dist/ and build/ are removed (no stale
// modules or source maps from an earlier build), then `npm run build` compiles the WASM core,
// embeds it, compiles src/ with tsc and makes the browser and CommonJS builds (rollup).
import { execFileSync } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../", import.meta.url));
for (const dir of ["dist", "build"]) rmSync(join(root, dir), { recursive: true, force: true });

// The npm that runs this script (npm_execpath), so Windows needs no npm.cmd lookup.
const npm = process.env.npm_execpath;
const [cmd, args] = npm ? [process.execPath, [npm, "run", "build"]] : ["npm", ["run", "build"]];
// The build's own output goes to stderr: `npm pack --json` prints its JSON on stdout.
execFileSync(cmd, args, { cwd: root, stdio: ["ignore", process.stderr, "inherit"], shell: !npm && process.platform === "win32" });
