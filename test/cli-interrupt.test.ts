// Ctrl-C mid-file: the binary is fed part of its input through a pipe, so it is provably in
// the middle of writing (its temporary file exists and has data) when SIGINT arrives. Then:
// exit code 130, the temporary file gone, an existing output untouched, a new one never created.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertBuilt, leftoverTemps, removeDir, scratchDir, startCli, hex } from "./helpers/cli.js";

let dir: string;
beforeAll(() => {
  assertBuilt();
  dir = scratchDir();
});
afterAll(() => removeDir(dir));

/** Polls until the CLI's temporary file in `d` holds data (it is mid-run), or fails after 20 s. */
async function waitForPartialOutput(d: string): Promise<string> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const temp = leftoverTemps(d)[0];
    if (temp && statSync(join(d, temp), { throwIfNoEntry: false })?.size) return temp;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error("the CLI never started writing its temporary file");
}

describe("SIGINT mid-file", () => {
  for (const existing of [true, false]) {
    it(existing ? "leaves an existing output file untouched" : "creates no output file", async () => {
      const sub = join(dir, existing ? "existing" : "fresh");
      mkdirSync(sub);
      const out = join(sub, "out.enc");
      if (existing) writeFileSync(out, "precious\n");
      const { child, done } = startCli(["encrypt", "--cipher", "aes-256-ctr", "--key", hex(randomBytes(32)), "--iv", hex(randomBytes(16)), "--out", out]);
      child.stdin!.write(randomBytes(3 << 20)); // stdin stays open: the run cannot finish on its own
      await waitForPartialOutput(sub);
      child.kill("SIGINT");
      const r = await done;
      child.stdin!.destroy();
      expect(r.code).toBe(130);
      expect(r.stderr).toContain("interrupted by SIGINT; partial output removed");
      expect(readdirSync(sub)).toEqual(existing ? ["out.enc"] : []);
      if (existing) expect(readFileSync(out, "utf8")).toBe("precious\n");
      else expect(existsSync(out)).toBe(false);
    });
  }
});
