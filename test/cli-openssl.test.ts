// Raw mode against the `openssl enc` command, both ways: what the binary encrypts, openssl
// decrypts (and produces the same bytes when it encrypts), and what openssl encrypts, the binary
// decrypts. ECB/CBC padded and -nopad, CFB, CFB8, CFB1, OFB, CTR. Skipped, with a message, only
// when openssl is not installed (.ci/run installs it).
import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectBytes } from "./helpers/bytes.js";
import { assertBuilt, cli, openssl, opensslPath, removeDir, scratchDir, hex } from "./helpers/cli.js";

const haveOpenssl = opensslPath() !== null;
if (!haveOpenssl) console.warn("cli-openssl.test.ts: skipped: the `openssl` command is not installed (apt-get install openssl)");

const CASES: { name: string; nopad?: boolean; size: number }[] = [
  { name: "aes-128-ecb", size: 100_003 },
  { name: "aes-256-ecb", nopad: true, size: 4096 },
  { name: "aes-128-cbc", size: 100_003 },
  { name: "aes-192-cbc", size: 16 * 1000 },
  { name: "aes-256-cbc", nopad: true, size: 65_536 },
  { name: "aes-256-cfb", size: 100_003 },
  { name: "aes-192-cfb8", size: 10_007 },
  { name: "aes-128-cfb1", size: 1_001 },
  { name: "aes-256-ofb", size: 100_003 },
  { name: "aes-128-ctr", size: 100_003 },
  { name: "aes-256-ctr", size: (1 << 20) + 77 },
];

let dir: string;
beforeAll(() => {
  assertBuilt();
  dir = scratchDir();
});
afterAll(() => removeDir(dir));

describe.skipIf(!haveOpenssl).concurrent("interop with openssl enc -nosalt", () => {
  for (const { name, nopad, size } of CASES) {
    it(`${name}${nopad ? " -nopad" : ""}, ${size} bytes`, async () => {
      const bits = Number(name.split("-")[1]);
      const ecb = name.endsWith("-ecb");
      const key = randomBytes(bits / 8);
      const iv = randomBytes(16);
      const plain = randomBytes(size);
      const tag = `${name}${nopad ? "-nopad" : ""}`;
      const pin = join(dir, `${tag}.plain`);
      writeFileSync(pin, plain);
      const ours = ["--cipher", name, "--key", hex(key), ...(ecb ? [] : ["--iv", hex(iv)]), ...(nopad ? ["--no-pad"] : [])];
      const theirs = [`-${name}`, "-K", hex(key), ...(ecb ? [] : ["-iv", hex(iv)]), "-nosalt", ...(nopad ? ["-nopad"] : [])];

      // aes-wasm → openssl
      const enc = await cli(["encrypt", ...ours, "--in", pin, "--out", join(dir, `${tag}.ours`)]);
      expect(enc.code).toBe(0);
      const ourCiphertext = readFileSync(join(dir, `${tag}.ours`));
      expectBytes(openssl(["enc", "-d", ...theirs], ourCiphertext), plain, "openssl decrypting ours");

      // openssl → aes-wasm
      const opensslCiphertext = openssl(["enc", "-e", ...theirs, "-in", pin]);
      expectBytes(ourCiphertext, opensslCiphertext, "the same ciphertext as openssl");
      const dec = await cli(["decrypt", ...ours], { input: opensslCiphertext });
      expect(dec.code).toBe(0);
      expectBytes(dec.stdout, plain, "ours decrypting openssl's");
    });
  }
});
