// The package as a user installs it: `npm pack` in a copy of the tree, `npm install` of the
// tarball into a scratch project (offline: the package has no dependencies), then every entry
// of its "exports" map imported (ESM, also with the browser condition) and required (CommonJS,
// with require(esm) switched off, as on Node 20.0-20.18), one known answer each, and a
// TypeScript consumer compiled with `module: node16` as CommonJS and as ESM.
//
// Fast path: when dist/ is a fresh build (`npm test` has just made one), the copy gets the
// package's files from this tree (dist/ without leftovers of earlier builds) and is packed
// with --ignore-scripts. Otherwise, or with AES_WASM_PACKAGE_FULL=1, the copy is the tree's
// source files (as a clean clone has them) and `npm pack` runs the real prepack (a clean
// build) there; this repository's build/ and dist/ are never written.
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const { distStatus }: { distStatus(root: string): { fresh: boolean; reason: string } } = await import(
  new URL("../scripts/dist-fresh.mjs", import.meta.url).href
);
// Node 20.0.0, the oldest Node "engines" allows, as scripts/runtimes.mjs installs it.
const runtimes: { PINNED: { node20: string }; findRuntime(name: string): { path: string; version: string } | undefined } = await import(
  new URL("../scripts/runtimes.mjs", import.meta.url).href
);

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const PKG = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
const NODE_MODULES = join(ROOT, "node_modules");
const TSC = join(NODE_MODULES, "typescript/bin/tsc");

let tmp: string;
let app: string; // the scratch project
let tarball: { path: string; bytes: number; files: string[]; full: boolean; seconds: number };

function run(cmd: string, args: string[], cwd: string, env: Record<string, string> = {}): string {
  const r = spawnSync(cmd, args, { cwd, encoding: "utf8", env: { ...process.env, ...env }, timeout: 300_000, maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} (in ${cwd}) exited ${r.status}:\n${r.stdout}\n${r.stderr}${r.error ? `\n${r.error.message}` : ""}`);
  return r.stdout;
}
const npm = (args: string[], cwd: string) => run(process.execPath, [npmCli(), ...args], cwd, { npm_config_update_notifier: "false" });
function npmCli(): string {
  // The npm that runs this test when there is one; else the one beside node.
  const fromEnv = process.env.npm_execpath;
  if (fromEnv?.endsWith(".js") && existsSync(fromEnv)) return fromEnv;
  const beside = join(dirname(process.execPath), "../lib/node_modules/npm/bin/npm-cli.js");
  if (existsSync(beside)) return beside;
  throw new Error("npm-cli.js not found (set npm_execpath)");
}

/** dist/ as a clean build would leave it: no source maps, no module whose source is gone. */
function copyFreshDist(to: string): void {
  cpSync(join(ROOT, "dist"), join(to, "dist"), {
    recursive: true,
    filter: (src) => {
      const rel = relative(join(ROOT, "dist"), src);
      if (rel === "" || statSync(src).isDirectory()) return true;
      if (rel.endsWith(".map")) return false;
      if (/^(browser|cjs)\//.test(rel)) return true; // emptied by rollup before each build
      const source = join(ROOT, "src", rel.replace(/\.d\.ts$|\.js$/, ".ts"));
      return existsSync(source);
    },
  });
}

/** Every path a key of "exports" (or main/module/types/bin/browser) points to. */
function exportTargets(): string[] {
  const out = new Set<string>();
  const walk = (v: unknown) => {
    if (typeof v === "string") out.add(v.replace(/^\.\//, ""));
    else if (v && typeof v === "object") Object.values(v).forEach(walk);
  };
  walk(PKG.exports);
  for (const f of [PKG.main, PKG.module, PKG.types, ...Object.values(PKG.bin ?? {})]) walk(f);
  for (const [from, to] of Object.entries(PKG.browser ?? {})) {
    walk(from);
    if (to) walk(to);
  }
  return [...out].sort();
}

beforeAll(() => {
  const started = Date.now();
  tmp = mkdtempSync(join(tmpdir(), "aes-wasm-package-"));
  const copy = join(tmp, "copy");
  const out = join(tmp, "out");
  mkdirSync(copy);
  mkdirSync(out);
  const fresh = distStatus(ROOT);
  const full = process.env.AES_WASM_PACKAGE_FULL === "1" || !fresh.fresh;
  if (full) {
    // What a clean clone has: tracked and new (not ignored) files, plus the installed devDependencies.
    const files = run("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], ROOT).split("\0").filter(Boolean);
    for (const f of files) if (existsSync(join(ROOT, f))) cpSync(join(ROOT, f), join(copy, f), { recursive: true });
    symlinkSync(NODE_MODULES, join(copy, "node_modules"), "dir");
    console.log(`package test: packing with the real prepack (${process.env.AES_WASM_PACKAGE_FULL === "1" ? "AES_WASM_PACKAGE_FULL=1" : fresh.reason})`);
    npm(["pack", "--pack-destination", out], copy);
  } else {
    cpSync(join(ROOT, "package.json"), join(copy, "package.json"));
    for (const entry of PKG.files as string[]) {
      if (entry.startsWith("!") || entry === "dist") continue;
      if (existsSync(join(ROOT, entry))) cpSync(join(ROOT, entry), join(copy, entry), { recursive: true });
    }
    copyFreshDist(copy);
    npm(["pack", "--ignore-scripts", "--pack-destination", out], copy);
  }
  const [name] = readdirSync(out).filter((f) => f.endsWith(".tgz"));
  const path = join(out, name);
  const files = run("tar", ["-tzf", path], tmp).split("\n").filter((l) => l && !l.endsWith("/")).map((l) => l.replace(/^package\//, ""));
  tarball = { path, bytes: statSync(path).size, files, full, seconds: 0 };

  app = join(tmp, "app");
  mkdirSync(app);
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "app", version: "1.0.0", private: true }));
  npm(["install", "--offline", "--no-audit", "--no-fund", "--no-package-lock", path], app);
  // For the TypeScript consumer: Node's types from this repository.
  symlinkSync(join(NODE_MODULES, "@types"), join(app, "node_modules/@types"), "dir");
  tarball.seconds = (Date.now() - started) / 1000;
  console.log(`package test: ${name} ${(tarball.bytes / 1024).toFixed(1)} KiB, ${files.length} files (${full ? "full prepack" : "fresh dist/"}; packed and installed in ${tarball.seconds.toFixed(1)} s)`);
}, 300_000);

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe("the tarball", () => {
  it("holds the license, changelog, security policy, README, CLI and every file the manifest points to", () => {
    for (const f of ["package.json", "README.md", "LICENSE", "CHANGELOG.md", "SECURITY.md", "bin/aes-wasm.mjs", "dist/cjs/package.json"]) {
      expect(tarball.files, f).toContain(f);
    }
    const missing = exportTargets().filter((t) => !tarball.files.includes(t));
    expect(missing, "manifest targets missing from the tarball").toEqual([]);
  });

  it("ships no sources, tests or source maps, and no declarations for the CLI", () => {
    // The README's link targets are shipped too (docs/*.md and the benchmark result files), so its links work in the package.
    const linked = (f: string) => /^docs\/[\w-]+\.md$/.test(f) || ["bench/results/latest.md", "bench/results/throughput.svg", "bench/results/constructions.svg"].includes(f);
    const bad = tarball.files.filter((f) => /\.map$/.test(f) || (/^(src|test|assembly|scripts|bench|build|node_modules)\//.test(f) && !linked(f)) || /^dist\/cli\/.*\.d\.ts$/.test(f));
    expect(bad).toEqual([]);
    expect(tarball.files.every((f) => /^(dist|bin)\//.test(f) || linked(f) || ["package.json", "README.md", "LICENSE", "CHANGELOG.md", "SECURITY.md"].includes(f)), tarball.files.join("\n")).toBe(true);
  });

  it("carries each WASM module once: hex in dist/wasm/core-bytes.js, declared as string", () => {
    const installed = join(app, "node_modules/aes-wasm");
    // The core's four parts, cut from one build (scripts/embed.mjs), constants of one module.
    const file = "core-bytes.js";
    const source = readFileSync(join(installed, "dist/wasm", file), "utf8");
    const names = ["CTR_CORE_WASM_HEX", "GF_WASM_HEX", "GHASH_WASM_HEX", "REST_WASM_HEX"];
    const hexes = Object.fromEntries(names.map((name) => [name, new RegExp(`${name} = "([0-9a-f]+)"`).exec(source)?.[1] ?? ""]));
    for (const name of names) {
      const hex = hexes[name]!;
      expect(Buffer.from(hex, "hex").subarray(0, 4).toString("latin1"), name).toBe("\0asm");
      // Any 64-character piece of it that the other modules lack, anywhere else in the package, would be a second copy.
      let probe = "";
      for (let at = 1000; at + 64 <= hex.length && !probe; at += 64) {
        const piece = hex.slice(at, at + 64);
        if (Object.values(hexes).every((other) => other === hex || !other.includes(piece))) probe = piece;
      }
      expect(probe, `${name}: a piece no other module has`).not.toBe("");
      const holders = tarball.files.filter((f) => readFileSync(join(installed, f), "latin1").includes(probe));
      expect(holders).toEqual([`dist/wasm/${file}`]);
      expect(readFileSync(join(installed, "dist/wasm", file.replace(/\.js$/, ".d.ts")), "utf8")).toMatch(new RegExp(`${name}: string;`));
    }
    expect(tarball.files.filter((f) => f.endsWith(".wasm"))).toEqual([]);
  });

  it("is the size this build should have (a regression guard, printed above)", () => {
    // 2026-12-02: 491 KB packed (2.3 MB unpacked, 425 files) once CCM/OCB/GCM-SIV/SIV/CMAC/XTS,
    // the envelope and sealed streams, the node:crypto drop-in and `aes-wasm enc` landed — each
    // in the ESM, CommonJS and browser builds. Well past this means something is shipped twice.
    expect(tarball.bytes).toBeGreaterThan(60_000);
    expect(tarball.bytes).toBeLessThan(560_000);
  });
});

// One known answer per entry of "exports", as plain CommonJS so both the ESM and the
// CommonJS runner use it. `mod` is the entry's module; `how` says how it was loaded.
const CHECKS = String.raw`
const hex = (s) => Uint8Array.from(Buffer.from(s, "hex"));
const toHex = (b) => Buffer.from(b).toString("hex");
const FIPS_KEY = "000102030405060708090a0b0c0d0e0f", FIPS_PT = "00112233445566778899aabbccddeeff", FIPS_CT = "69c4e0d86a7b0430d8cdb78070b4c55a";
// SP 800-38A F.5.1 (CTR-AES128.Encrypt), blocks 1-2.
const CTR_KEY = "2b7e151628aed2a6abf7158809cf4f3c", CTR_IV = "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff";
const CTR_PT = "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51";
const CTR_CT = "874d6191b620e3261bef6864990db6ce9806f66b7970fdff8617187bb9fffdff";
function expectEq(what, got, want) { if (got !== want) throw new Error(what + ": got " + got + ", expected " + want); }

exports.checks = {
  async "."(m, how) {
    expectEq("backend", m.backend(), "wasm");
    const key = m.aesKey(hex(FIPS_KEY));
    expectEq("FIPS 197 C.1", toHex(key.encryptBlock(hex(FIPS_PT))), FIPS_CT);
    key.dispose();
    const ctrKey = m.aesKey(hex(CTR_KEY));
    expectEq("SP 800-38A F.5.1", toHex(ctrKey.ctr(hex(CTR_IV)).encrypt(hex(CTR_PT))), CTR_CT);
    ctrKey.dispose();
    // The Node entry adds the Node-only pieces; the browser bundle must not have them.
    expectEq("FileNonceStore", typeof m.FileNonceStore, how.file.startsWith("dist/browser/") ? "undefined" : "function");
    return "FIPS 197 C.1, SP 800-38A F.5.1";
  },
  async "./subtle"(m) {
    // Wycheproof aes_gcm tcId 1.
    const key = await m.subtle.importKey("raw", hex("5b9604fe14eadba931b0ccf34843dab9"), "AES-GCM", false, ["encrypt"]);
    const ct = await m.subtle.encrypt({ name: "AES-GCM", iv: hex("028318abc1824029138141a2") }, key, hex("001d0c231287c1182784554ca3a21908"));
    expectEq("AES-GCM", toHex(new Uint8Array(ct)), "26073cc1d851beff176384dc9896d5ff0a3ea7a5487cb5f7d70fb6c58d038554");
    return "Wycheproof AES-GCM tcId 1";
  },
  async "./parallel"(m, how) {
    expectEq("canSplit", m.canSplit("aes-128-ctr", "encrypt"), true);
    if (how.file.startsWith("dist/browser/")) return "canSplit (no worker: the browser bundle has no Node glue)";
    // threshold 0: the job really goes to the worker (dist/parallel/node-worker.js or dist/cjs/...).
    const pool = await m.createPool({ size: 1, threshold: 0 });
    try {
      expectEq("pool aes-128-ctr", toHex(await pool.encrypt("aes-128-ctr", hex(CTR_KEY), hex(CTR_IV), hex(CTR_PT))), CTR_CT);
    } finally {
      await pool.close();
    }
    return "SP 800-38A F.5.1 on a worker";
  },
  async "./selftest"(m) {
    const results = m.selfTest();
    const bad = results.filter((r) => r.passed !== r.total || r.total === 0);
    if (bad.length || results.length < 4) throw new Error("self-test: " + JSON.stringify(results));
    if (!results.some((r) => /GCM/.test(r.source)) || !results.some((r) => /KW/.test(r.source))) throw new Error("self-test lacks GCM or KW: " + JSON.stringify(results.map((r) => r.source)));
    return results.map((r) => r.source + " " + r.passed + "/" + r.total).join("; ");
  },
  async "./node-stream"(m, how, root) {
    const key = root.aesKey(hex(CTR_KEY));
    const t = m.toNodeTransform(key.ctr(hex(CTR_IV)).encryptor());
    const chunks = [];
    t.on("data", (c) => chunks.push(c));
    const done = new Promise((resolve, reject) => { t.on("end", resolve); t.on("error", reject); });
    const pt = hex(CTR_PT);
    t.write(pt.subarray(0, 7));
    t.end(pt.subarray(7));
    await done;
    key.dispose();
    expectEq("node-stream CTR", Buffer.concat(chunks).toString("hex"), CTR_CT);
    return "SP 800-38A F.5.1 through a Node Transform";
  },
  async "./fallback"(m, how) {
    // It registers the reference core with the build it belongs to: the root entry loaded
    // the same way (how.dot) must now run on 'js', with the same answers.
    expectEq("FALLBACK_LOADED", m.FALLBACK_LOADED, true);
    const lib = how.dot;
    lib.useBackend("js");
    try {
      expectEq("backend after useBackend('js')", lib.backend(), "js");
      const key = lib.aesKey(hex(CTR_KEY));
      expectEq("SP 800-38A F.5.1 on 'js'", toHex(key.ctr(hex(CTR_IV)).encrypt(hex(CTR_PT))), CTR_CT);
      key.dispose();
    } finally {
      lib.useBackend("wasm");
    }
    return "SP 800-38A F.5.1 on the reference core";
  },
  async "./package.json"(m) {
    expectEq("name", m.name, "aes-wasm");
    return "version " + m.version;
  },
};
`;

const ESM_RUNNER = String.raw`
import { createRequire } from "node:module";
import checksModule from "./checks.cjs";
const { checks } = checksModule;
const browser = process.argv.includes("browser");
const require = createRequire(import.meta.url);
const pkg = require("aes-wasm/package.json");
const root = await import("aes-wasm");
const report = {};
let dot;
for (const key of Object.keys(pkg.exports)) {
  // Node always has the "node" condition, which the root entry lists before "browser": the
  // root's browser bundle is imported by its path.
  const spec = browser && key === "." ? new URL("./node_modules/aes-wasm/dist/browser/index.js", import.meta.url).href : "aes-wasm" + key.slice(1);
  // JSON: require (import attributes and import.meta.resolve are newer than Node 20.0).
  const mod = key === "./package.json" ? require(spec) : await import(spec);
  if (key === ".") dot = mod;
  const url = typeof import.meta.resolve === "function" ? import.meta.resolve(spec) : "";
  const file = url ? url.slice(url.indexOf("/node_modules/aes-wasm/") + 23) : "?";
  if (!checks[key]) throw new Error("no check for export " + key);
  report[key] = { file, result: await checks[key](mod, { browser, file, dot }, root) };
}
console.log(JSON.stringify(report));
`;

const CJS_RUNNER = String.raw`
const { checks } = require("./checks.cjs");
const pkg = require("aes-wasm/package.json");
(async () => {
  const root = require("aes-wasm");
  const report = {};
  let dot;
  for (const key of Object.keys(pkg.exports)) {
    const spec = "aes-wasm" + key.slice(1);
    const mod = require(spec);
    if (key === ".") dot = mod;
    const file = require.resolve(spec);
    if (!checks[key]) throw new Error("no check for export " + key);
    const rel = file.slice(file.indexOf("/node_modules/aes-wasm/") + 23);
    report[key] = { file: rel, result: await checks[key](mod, { browser: false, file: rel, dot }, root) };
  }
  console.log(JSON.stringify(report));
})().catch((e) => { console.error(e); process.exit(1); });
`;

type Report = Record<string, { file: string; result: string }>;

function runScript(file: string, source: string, flags: string[] = [], args: string[] = [], node = process.execPath): Report {
  writeFileSync(join(app, "checks.cjs"), CHECKS);
  writeFileSync(join(app, file), source);
  return JSON.parse(run(node, [...flags, file, ...args], app)) as Report;
}

describe("installed from the tarball", () => {
  it("imports every entry of the exports map (ESM) with one known answer each", () => {
    const report = runScript("esm.mjs", ESM_RUNNER);
    expect(Object.keys(report)).toEqual(Object.keys(PKG.exports));
    expect(report["."].file).toBe("dist/index.node.js");
    expect(report["./selftest"].file).toBe("dist/selftest/run.js");
    console.log("ESM:", JSON.stringify(report, null, 1));
  });

  it("imports every entry with the browser condition: the bundles, which load the one WASM copy from dist/wasm", () => {
    const report = runScript("esm.mjs", ESM_RUNNER, ["--conditions=browser"], ["browser"]);
    expect(report["."].file).toBe("dist/browser/index.js");
    expect(report["./selftest"].file).toBe("dist/browser/selftest.js");
    expect(report["./subtle"].file).toBe("dist/browser/subtle.js");
  });

  it("requires every entry (CommonJS) with require(esm) switched off, one known answer each", () => {
    // Node 20.19+ and 22.12+ can require ES modules; 20.0-20.18 cannot. The flag makes this
    // Node behave like those: a require that reached an ES module would throw ERR_REQUIRE_ESM.
    const flags = process.allowedNodeEnvironmentFlags.has("--no-experimental-require-module") ? ["--no-experimental-require-module"] : [];
    const report = runScript("cjs.cjs", CJS_RUNNER, flags);
    expect(Object.keys(report)).toEqual(Object.keys(PKG.exports));
    for (const [key, r] of Object.entries(report)) {
      if (key !== "./package.json") expect(r.file, key).toMatch(/^dist\/cjs\//);
    }
    console.log("CJS:", JSON.stringify(report, null, 1));
  });

  it("works on Node 20.0.0 (no require(esm)): requires and imports every entry", (ctx) => {
    const node20 = runtimes.findRuntime("node20");
    if (!node20) {
      console.warn("SKIPPED: Node 20.0.0 is not installed here: `node scripts/runtimes.mjs --install-only` installs it (.ci/run does)");
      ctx.skip();
      return;
    }
    expect(node20.version).toBe(runtimes.PINNED.node20);
    const cjs = runScript("cjs.cjs", CJS_RUNNER, [], [], node20.path);
    expect(Object.keys(cjs)).toEqual(Object.keys(PKG.exports));
    expect(cjs["."].file).toBe("dist/cjs/index.node.js");
    const esm = runScript("esm.mjs", ESM_RUNNER, [], [], node20.path);
    expect(Object.keys(esm)).toEqual(Object.keys(PKG.exports));
  });

  it("type-checks and runs a TypeScript consumer with module: node16, as CommonJS and as ESM", () => {
    const ts = join(app, "ts");
    mkdirSync(ts, { recursive: true });
    const body = (kind: string) => `
import { aesKey, hexToBytes, bytesToHex, backend, DecryptionError, type AesKey, type BackendKind } from "aes-wasm";
import { subtle, type AesGcmParams } from "aes-wasm/subtle";
import { createPool, canSplit, type WorkerPool } from "aes-wasm/parallel";
import { selfTest, type SelfTestResult } from "aes-wasm/selftest";
import { toNodeTransform } from "aes-wasm/node-stream";

const key: AesKey = aesKey(hexToBytes("000102030405060708090a0b0c0d0e0f"));
const block: string = bytesToHex(key.encryptBlock(hexToBytes("00112233445566778899aabbccddeeff")));
key.dispose();
const kind: BackendKind = backend();
const results: SelfTestResult[] = selfTest();
const params: AesGcmParams = { name: "AES-GCM", iv: new Uint8Array(12) };
const pool: Promise<WorkerPool> | undefined = undefined;
void pool;
console.log(JSON.stringify({
  kind: "${kind}", block, backend: kind, selftest: results.every((r) => r.passed === r.total),
  functions: [typeof subtle.encrypt, typeof createPool, typeof toNodeTransform, typeof canSplit, typeof DecryptionError],
  gcm: params.name,
}));
`;
    writeFileSync(join(ts, "consumer.ts"), body("commonjs"));
    writeFileSync(join(ts, "consumer-esm.mts"), body("esm"));
    // skipLibCheck as most projects have it (checking @types/node and lib.dom takes ~10 s): a
    // "require" condition whose types were ES modules still fails, with TS1479 at the imports
    // in consumer.ts. No lib DOM: the declarations need no DOM global (test/types.test.ts checks
    // that with skipLibCheck off).
    writeFileSync(join(app, "tsconfig.json"), JSON.stringify({
      compilerOptions: {
        module: "node16", moduleResolution: "node16", target: "ES2022", lib: ["ES2022"], strict: true,
        skipLibCheck: true, types: ["node"], rootDir: "ts", outDir: "out",
      },
      include: ["ts"],
    }));
    run(process.execPath, [TSC, "-p", "tsconfig.json"], app);
    const emitted = readFileSync(join(app, "out/consumer.js"), "utf8");
    expect(emitted).toMatch(/require\("aes-wasm"\)/);
    expect(emitted).toMatch(/require\("aes-wasm\/subtle"\)/);
    const flags = process.allowedNodeEnvironmentFlags.has("--no-experimental-require-module") ? ["--no-experimental-require-module"] : [];
    const node20 = runtimes.findRuntime("node20");
    const runs: [string, string[], string, string][] = [
      [process.execPath, flags, "out/consumer.js", "commonjs"], [process.execPath, [], "out/consumer-esm.mjs", "esm"],
      ...(node20 ? ([[node20.path, [], "out/consumer.js", "commonjs"], [node20.path, [], "out/consumer-esm.mjs", "esm"]] as [string, string[], string, string][]) : []),
    ];
    for (const [node, nodeFlags, file, kind] of runs) {
      const out = JSON.parse(run(node, [...nodeFlags, file], app));
      expect(out).toEqual({
        kind, block: "69c4e0d86a7b0430d8cdb78070b4c55a", backend: "wasm", selftest: true,
        functions: ["function", "function", "function", "function", "function"], gcm: "AES-GCM",
      });
    }
  });
});
