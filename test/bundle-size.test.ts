// Bundle-size guard (`npm run size` prints the full report): the fixed apps of
// test/fixtures/bundle-size/ bundled with esbuild --minify for browsers must stay under their
// ceilings (the size when the ceiling was set, plus a little room), and under their issue-15
// target once scripts/size.mjs marks it met. Each bundle is also run, so what is measured works.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

interface App { name: string; file: string; targetKB: number | null; ceilingKB: number; meets: boolean; raw: number; gzip: number }
interface Size {
  APPS: Omit<App, "raw" | "gzip">[];
  measureApps(): Promise<App[]>;
  bundle(file: string): Promise<Uint8Array>;
}
const size: Size = await import(new URL("../scripts/size.mjs", import.meta.url).href);
const run = promisify(execFile);
const scratch = mkdtempSync(join(tmpdir(), "aes-wasm-size-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("bundle sizes (esbuild --minify, browser condition, gzip -9)", async () => {
  const apps = await size.measureApps();
  it("every app of scripts/size.mjs is measured", () => {
    expect(apps.map((a) => a.name)).toEqual(["ctr", "gcm", "all", "entries"]);
  });
  for (const app of apps) {
    // Once the target is met, the ceiling can be below it (room for a regression, not for the target's slack).
    const target = app.targetKB;
    const limit = app.meets && target !== null ? Math.min(target, app.ceilingKB) : app.ceilingKB;
    const what = target === null ? "ceiling; no target" : app.meets ? `target ${target} KB met` : `ceiling; target ${target} KB not met yet`;
    it(`${app.name}: ${(app.gzip / 1024).toFixed(1)} KB gzipped ≤ ${limit} KB (${what})`, async () => {
      expect(app.gzip).toBeGreaterThan(1024); // a real bundle, not an empty one
      expect(app.gzip, `${app.name} gzipped bytes`).toBeLessThanOrEqual(limit * 1024);
      if (!app.meets && target !== null) expect(app.gzip, `${app.name} reached its target: set meets: true in scripts/size.mjs`).toBeGreaterThan(target * 1024);
      // The measured bundle works: run it (browser build, in Node).
      const file = join(scratch, `${app.name}.mjs`);
      writeFileSync(file, await size.bundle(app.file));
      const { stdout } = await run(process.execPath, [file], { timeout: 30_000 });
      expect(Number(stdout.trim())).toBeGreaterThan(0);
    }, 60_000);
  }
});
