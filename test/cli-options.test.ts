// The CLI's option reading, in process: values are read from own properties only, so a polluted
// Object.prototype cannot name a key file, an output, a cipher or turn on a progress bar that
// writes to a stream of its choosing; parseArgs tables have no prototype either.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { flagOption, integerOption, parseCommandLine, stringOption } from "../src/cli/args.js";
import { forcedProgress } from "../src/cli/crypt.js";
import { UsageError } from "../src/cli/errors.js";
import { readKey } from "../src/cli/keys.js";
import { createProgress } from "../src/cli/progress.js";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "aes-cli-options-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function polluted<T>(props: Record<string, unknown>, body: () => T): T {
  const proto = Object.prototype as Record<string, unknown>;
  for (const [k, v] of Object.entries(props)) proto[k] = v;
  try {
    return body();
  } finally {
    for (const k of Object.keys(props)) delete proto[k];
  }
}

const values = (o: Record<string, string | boolean>) => ({ ...o }); // a plain object, as an embedder might pass

describe("own properties only", () => {
  it("readKey: a key file named on the prototype is not read", () => {
    const attackerKey = join(dir, "attacker.key");
    writeFileSync(attackerKey, "11".repeat(32));
    polluted({ "key-file": attackerKey }, () => {
      // With --key given, the prototype's --key-file used to make it "give --key or --key-file, not both".
      expect(Buffer.from(readKey(values({ key: "22".repeat(32) }), 32)).toString("hex")).toBe("22".repeat(32));
      // With no key at all, it used to read the attacker's key.
      expect(() => readKey(values({}), 32)).toThrow(/a key is needed/);
    });
  });

  it("stringOption / integerOption / flagOption / forcedProgress ignore the prototype", () => {
    polluted({ out: "/tmp/attacker", threads: "64", "no-pad": true, progress: true }, () => {
      const v = values({});
      expect(stringOption(v, "out")).toBeUndefined();
      expect(integerOption(v, "threads", 1, 256)).toBeUndefined();
      expect(flagOption(v, "no-pad")).toBe(false);
      expect(forcedProgress(v)).toBeUndefined();
    });
  });

  it("createProgress: no stream, clock or force from the prototype", () => {
    const written: string[] = [];
    const fake = { isTTY: true, columns: 80, write: (s: string) => written.push(s) };
    polluted({ stream: fake, force: true }, () => {
      const p = createProgress({ total: 1 << 30 }); // stderr here is not a terminal: silent
      p.advance(1 << 20);
      p.done();
    });
    expect(written).toEqual([]);
  });

  it("parseCommandLine: an option spec on the prototype is not an option; values have no prototype", () => {
    polluted({ evil: { type: "string" } }, () => {
      expect(() => parseCommandLine(["encrypt", "--evil", "x"])).toThrow(UsageError);
      const { values: v } = parseCommandLine(["encrypt", "--cipher", "aes-128-ctr"]);
      expect(Object.getPrototypeOf(v)).toBeNull();
      expect(v.cipher).toBe("aes-128-ctr");
    });
  });
});
