// The code of README's "Which API should I use?" section runs as written: each ```js block is
// run by node as an ES module from the package root, where `import ... from "aes-wasm"` resolves
// to this package's built dist/ (as a user's install would), and prints what it should. Needs
// the built dist (npx tsc -p tsconfig.build.json).
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { assertBuilt, ROOT } from "./helpers/cli.js";

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
const section = /<!-- which-api[^>]*-->([\s\S]*?)<!-- \/which-api -->/.exec(readme)?.[1] ?? "";
const blocks = [...section.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]!);
const EXPECTED = ["pay alice $100\n14\n", "200000\n", "100000\n"];

describe("README: Which API should I use?", () => {
  it("has its three examples, envelope first, streams second", () => {
    expect(section).not.toBe("");
    expect(blocks.length).toBe(EXPECTED.length);
    expect(blocks[0]).toMatch(/seal\(key/);
    expect(blocks[1]).toMatch(/sealStream/);
    expect(section.indexOf("seal` / `open`")).toBeLessThan(section.indexOf("sealStream` / `openStream"));
    expect(section.indexOf("sealStream` / `openStream")).toBeLessThan(section.indexOf("the raw modes"));
  });

  for (const [i, code] of blocks.entries()) {
    it(`example ${i + 1} runs and prints what it should`, () => {
      assertBuilt();
      const r = spawnSync(process.execPath, ["--input-type=module", "-e", code], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
      expect(r.stdout).toBe(EXPECTED[i]);
    });
  }
});
