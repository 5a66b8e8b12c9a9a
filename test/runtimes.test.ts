// The built package under Bun, Deno and Node 20.0.0 (the oldest Node "engines" allows, without
// require(esm)): scripts/runtimes.mjs runs scripts/runtime-kat.mjs (the self-test, FIPS 197,
// SP 800-38A, an AESAVS sample, a GCM CAVP sample and the Wycheproof GCM/KW/KWP cases, on the
// 'wasm' and 'js' backends, plus a require() of the CommonJS build) under each. The pinned
// binaries come from the npm registry (`bun` and `deno` carry them as platform packages, Node
// as node-<platform>-<arch>); .ci/run installs them first (`node scripts/runtimes.mjs
// --install-only`), and this test installs them itself when they are missing. It is skipped,
// saying why, only if that install fails. Needs a fresh `npm run build` (npm test makes one).
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

type Name = "bun" | "deno" | "node20";
interface Runtimes {
  PINNED: Record<Name, string>;
  INSTALL_DIR: string;
  findRuntime(name: string): { path: string; version: string } | undefined;
  installRuntimes(log?: (line: string) => void): number;
  runUnder(name: string, bin: string, pkgDir: string, options?: { plantFailure?: boolean }): {
    ok: boolean; status: number | null; seconds: number; output: string;
    result?: { runtime: string; failed: number; cjs: string; rows: { backend: string; source: string; passed: number; total: number }[] };
  };
}
const rt: Runtimes = await import(new URL("../scripts/runtimes.mjs", import.meta.url).href);
const { distStatus }: { distStatus(root: string): { fresh: boolean; reason: string } } = await import(
  new URL("../scripts/dist-fresh.mjs", import.meta.url).href
);
const ROOT = fileURLToPath(new URL("..", import.meta.url));

const NAMES: Name[] = ["bun", "deno", "node20"];
/** How scripts/runtime-kat.mjs names each runtime. */
const LABEL: Record<Name, string> = { bun: `bun ${rt.PINNED.bun}`, deno: `deno ${rt.PINNED.deno}`, node20: `node v${rt.PINNED.node20}` };
const found: Partial<Record<Name, { path: string; version: string }>> = {};
let installError: string | undefined;
const timings: string[] = [];

beforeAll(() => {
  const status = distStatus(ROOT);
  if (!status.fresh) throw new Error(`dist/ is not a fresh build (${status.reason}): run \`npm run build\` first`);
  const pinned = (name: Name) => {
    const r = rt.findRuntime(name);
    return r && r.version === rt.PINNED[name] ? r : undefined;
  };
  if (!NAMES.every(pinned)) {
    try {
      const seconds = rt.installRuntimes((line) => console.log(line));
      timings.push(`install ${seconds.toFixed(1)} s`);
    } catch (e) {
      installError = (e as Error).message;
    }
  }
  for (const name of NAMES) found[name] = pinned(name) ?? rt.findRuntime(name);
}, 240_000);

afterAll(() => {
  if (timings.length) console.log(`runtimes: ${timings.join(", ")}`);
});

describe.each(NAMES)("%s", (name) => {
  it("passes every known answer on both backends, from the ES module and the CommonJS build", (ctx) => {
    const bin = found[name];
    if (!bin) {
      // Only when the registry install itself failed: say so loudly, never skip silently.
      console.warn(`SKIPPED: ${name} could not be installed (${installError ?? "not found after install"}); install it with \`node scripts/runtimes.mjs --install-only\``);
      ctx.skip();
      return;
    }
    expect(bin.version, `${name} on this machine is not the pinned version`).toBe(rt.PINNED[name]);
    const r = rt.runUnder(name, bin.path, ROOT);
    timings.push(`${name} ${bin.version} ${r.seconds.toFixed(1)} s`);
    expect(r.ok, r.output).toBe(true);
    const rows = r.result!.rows;
    expect(r.result!.failed).toBe(0);
    expect(r.result!.runtime).toBe(LABEL[name]);
    for (const backend of ["wasm", "js"]) {
      const mine = rows.filter((row) => row.backend === backend && !row.source.startsWith("CommonJS"));
      expect(mine.map((row) => row.source).join("\n")).toMatch(/selftest: FIPS 197[\s\S]*GCM[\s\S]*KW[\s\S]*SP 800-38A[\s\S]*AESAVS[\s\S]*CAVP GCM[\s\S]*Wycheproof AES-GCM[\s\S]*Wycheproof AES-KW/);
      for (const row of mine) expect(row.passed, `${backend} ${row.source}`).toBe(row.total);
      expect(mine.reduce((n, row) => n + row.total, 0)).toBeGreaterThan(2000);
    }
    expect(r.result!.cjs).toBe("wasm");
  }, 120_000);
});

describe("the runner", () => {
  it("fails on a mismatch (one planted wrong expected value)", (ctx) => {
    const bin = found.bun ?? found.deno;
    if (!bin) {
      console.warn(`SKIPPED: neither bun nor deno could be installed (${installError})`);
      ctx.skip();
      return;
    }
    const r = rt.runUnder(found.bun ? "bun" : "deno", bin.path, ROOT, { plantFailure: true });
    expect(r.ok).toBe(false);
    expect(r.output).toMatch(/FAILED: FIPS 197 B encrypt/);
  }, 120_000);
});
