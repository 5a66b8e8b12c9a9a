// The aes-wasm binary as a child process: every cipher name round trips and matches
// node:crypto byte for byte, stdin/stdout piping, --no-pad, key files, the worker-pool CTR
// path, the block and selftest commands, and the failure contract (exit codes, messages, no
// output kept, existing output untouched, input never overwritten).
import { createCipheriv, randomBytes } from "node:crypto";
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectBytes } from "./helpers/bytes.js";
import { assertBuilt, cli, leftoverTemps, removeDir, scratchDir, hex } from "./helpers/cli.js";

const MODES = ["ecb", "cbc", "cfb", "cfb8", "cfb1", "ofb", "ctr"] as const;
const NAMES = [128, 192, 256].flatMap((bits) => MODES.map((mode) => ({ name: `aes-${bits}-${mode}`, bits, mode })));

/** What node:crypto (OpenSSL) outputs for the same job: the expected bytes. */
function nodeEncrypt(name: string, key: Uint8Array, iv: Uint8Array | null, data: Uint8Array, pad = true): Buffer {
  const c = createCipheriv(name, key, iv);
  c.setAutoPadding(pad);
  return Buffer.concat([c.update(data), c.final()]);
}

let dir: string;
beforeAll(() => {
  assertBuilt();
  dir = scratchDir();
});
afterAll(() => removeDir(dir));

describe.concurrent("every cipher name: the binary's output equals node:crypto's, and decrypts back", () => {
  for (const { name, bits, mode } of NAMES) {
    it(name, async () => {
      const key = randomBytes(bits / 8);
      const iv = mode === "ecb" ? null : randomBytes(16);
      // AES-256 in the fast modes: over one read chunk (1 MiB), so chunk boundaries are crossed.
      const size = mode === "cfb1" || mode === "cfb8" ? 5003 : bits === 256 ? (1 << 20) + 12345 : 70001;
      const plain = randomBytes(size);
      const pin = join(dir, `${name}.plain`);
      const cin = join(dir, `${name}.enc`);
      const pout = join(dir, `${name}.dec`);
      writeFileSync(pin, plain);
      const ivArgs = iv ? ["--iv", hex(iv)] : [];
      const enc = await cli(["encrypt", "--cipher", name, "--key", hex(key), ...ivArgs, "--in", pin, "--out", cin]);
      expect(enc.stderr).toBe("");
      expect(enc.code).toBe(0);
      expectBytes(readFileSync(cin), nodeEncrypt(name, key, iv, plain), `${name} ciphertext`);
      const dec = await cli(["decrypt", "--cipher", name, "--key", hex(key), ...ivArgs, "--in", cin, "--out", pout]);
      expect(dec.code).toBe(0);
      expectBytes(readFileSync(pout), plain, `${name} round trip`);
    });
  }
});

describe("stdin and stdout", () => {
  it("encrypts stdin to stdout and decrypts it back through a pipe", async () => {
    const key = randomBytes(32);
    const iv = randomBytes(16);
    const plain = randomBytes(300_001);
    const enc = await cli(["encrypt", "--cipher", "aes-256-cbc", "--key", hex(key), "--iv", hex(iv)], { input: plain });
    expect(enc.code).toBe(0);
    expectBytes(enc.stdout, nodeEncrypt("aes-256-cbc", key, iv, plain));
    const dec = await cli(["decrypt", "--cipher", "aes-256-cbc", "--key", hex(key), "--iv", hex(iv), "--in", "-", "--out", "-"], { input: enc.stdout });
    expect(dec.code).toBe(0);
    expectBytes(dec.stdout, plain);
  });

  it("empty input: CBC gives one padding block, CTR gives nothing", async () => {
    const key = randomBytes(16);
    const iv = randomBytes(16);
    const cbc = await cli(["encrypt", "--cipher", "aes-128-cbc", "--key", hex(key), "--iv", hex(iv)]);
    expectBytes(cbc.stdout, nodeEncrypt("aes-128-cbc", key, iv, new Uint8Array(0)));
    expect(cbc.stdout.length).toBe(16);
    const ctr = await cli(["encrypt", "--cipher", "aes-128-ctr", "--key", hex(key), "--iv", hex(iv)]);
    expect(ctr.code).toBe(0);
    expect(ctr.stdout.length).toBe(0);
  });
});

describe("--no-pad (ECB, CBC)", () => {
  it("whole blocks: the same bytes as node:crypto with auto-padding off, both ways", async () => {
    const key = randomBytes(24);
    const iv = randomBytes(16);
    const plain = randomBytes(4096);
    for (const [name, ivArgs] of [["aes-192-ecb", []], ["aes-192-cbc", ["--iv", hex(iv)]]] as const) {
      const enc = await cli(["encrypt", "--cipher", name, "--key", hex(key), ...ivArgs, "--no-pad"], { input: plain });
      expect(enc.code).toBe(0);
      expectBytes(enc.stdout, nodeEncrypt(name, key, name.endsWith("ecb") ? null : iv, plain, false), name);
      const dec = await cli(["decrypt", "--cipher", name, "--key", hex(key), ...ivArgs, "--no-pad"], { input: enc.stdout });
      expectBytes(dec.stdout, plain, `${name} back`);
    }
  });

  it("a partial block is refused with exit 2 and no output file", async () => {
    const out = join(dir, "nopad-partial.enc");
    const r = await cli(["encrypt", "--cipher", "aes-128-cbc", "--key", hex(randomBytes(16)), "--iv", hex(randomBytes(16)), "--no-pad", "--out", out], { input: randomBytes(33) });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/multiple of 16/);
    expect(existsSync(out)).toBe(false);
    expect(leftoverTemps(dir)).toEqual([]);
  });
});

describe("key files", () => {
  const key = randomBytes(32);
  const iv = randomBytes(16);
  const plain = randomBytes(1000);
  const expected = () => nodeEncrypt("aes-256-ctr", key, iv, plain);

  it("32 raw bytes", async () => {
    const kf = join(dir, "raw.key");
    writeFileSync(kf, key);
    const r = await cli(["encrypt", "--cipher", "aes-256-ctr", "--key-file", kf, "--iv", hex(iv)], { input: plain });
    expectBytes(r.stdout, expected());
  });

  it("64 hex digits and a newline", async () => {
    const kf = join(dir, "hex.key");
    writeFileSync(kf, hex(key) + "\n");
    const r = await cli(["encrypt", "--cipher", "aes-256-ctr", "--key-file", kf, "--iv", hex(iv)], { input: plain });
    expectBytes(r.stdout, expected());
  });

  it("anything else is a usage error that names the sizes", async () => {
    const kf = join(dir, "short.key");
    writeFileSync(kf, key.subarray(0, 31));
    const r = await cli(["encrypt", "--cipher", "aes-256-ctr", "--key-file", kf, "--iv", hex(iv)], { input: plain });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("must hold 32 raw bytes or 64 hex digits");
    expect(r.stderr).toContain("got 31 bytes");
  });
});

describe("CTR on the worker pool (--threads)", () => {
  it("the counter carries across pieces exactly as in one run (node:crypto), both directions", async () => {
    const key = randomBytes(32);
    // Low 64 bits about to wrap: the carry must reach the high half inside the run.
    const iv = Buffer.from("0123456789abcdefffffffffffffff00", "hex");
    const plain = randomBytes(8 * (1 << 20) + 5); // three pool jobs of 4 MiB (ctr-pool.ts POOL_CHUNK), the last partial
    const pin = join(dir, "threads.plain");
    const cin = join(dir, "threads.enc");
    writeFileSync(pin, plain);
    const enc = await cli(["encrypt", "--cipher", "aes-256-ctr", "--key", hex(key), "--iv", hex(iv), "--threads", "2", "--in", pin, "--out", cin]);
    expect(enc.stderr).toBe("");
    expect(enc.code).toBe(0);
    expectBytes(readFileSync(cin), nodeEncrypt("aes-256-ctr", key, iv, plain));
    const dec = await cli(["decrypt", "--cipher", "aes-256-ctr", "--key", hex(key), "--iv", hex(iv), "--threads", "2", "--in", cin]);
    expectBytes(dec.stdout, plain);
  });

  it("other modes run single-threaded and say so", async () => {
    const key = randomBytes(16);
    const iv = randomBytes(16);
    const plain = randomBytes(5000);
    const r = await cli(["encrypt", "--cipher", "aes-128-cbc", "--key", hex(key), "--iv", hex(iv), "--threads", "2"], { input: plain });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("--threads speeds up CTR only");
    expectBytes(r.stdout, nodeEncrypt("aes-128-cbc", key, iv, plain));
  });
});

describe("nothing lost, nothing half-written", () => {
  it("a bad pad: exit 1, the existing output file untouched, no temporary file left", async () => {
    const out = join(dir, "existing.txt");
    writeFileSync(out, "precious\n");
    chmodSync(out, 0o640);
    const key = randomBytes(32);
    const iv = randomBytes(16);
    // A valid CBC ciphertext of something whose last block is not a valid pad.
    const bad = nodeEncrypt("aes-256-cbc", key, iv, Buffer.alloc(64, 0xaa), false);
    const r = await cli(["decrypt", "--cipher", "aes-256-cbc", "--key", hex(key), "--iv", hex(iv), "--out", out], { input: bad });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("decryption failed");
    expect(readFileSync(out, "utf8")).toBe("precious\n");
    expect(leftoverTemps(dir)).toEqual([]);
  });

  it("a wrong-length ciphertext creates no output file", async () => {
    const out = join(dir, "never.txt");
    const r = await cli(["decrypt", "--cipher", "aes-128-ecb", "--key", hex(randomBytes(16)), "--out", out], { input: randomBytes(40) });
    expect(r.code).toBe(1);
    expect(existsSync(out)).toBe(false);
    expect(leftoverTemps(dir)).toEqual([]);
  });

  it("success replaces an existing output and keeps its permissions", async () => {
    const out = join(dir, "replaced.bin");
    writeFileSync(out, "old");
    chmodSync(out, 0o604);
    const r = await cli(["encrypt", "--cipher", "aes-128-ctr", "--key", hex(randomBytes(16)), "--iv", hex(randomBytes(16)), "--out", out], { input: randomBytes(100) });
    expect(r.code).toBe(0);
    expect(readFileSync(out).length).toBe(100);
    expect(statSync(out).mode & 0o777).toBe(0o604);
  });

  it("refuses to overwrite the input file (exit 2, input unchanged)", async () => {
    const f = join(dir, "self.bin");
    const data = randomBytes(1000);
    writeFileSync(f, data);
    const r = await cli(["encrypt", "--cipher", "aes-128-ctr", "--key", hex(randomBytes(16)), "--iv", hex(randomBytes(16)), "--in", f, "--out", join(dir, ".", "self.bin")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("refusing to overwrite the input file");
    expectBytes(readFileSync(f), data);
  });
});

describe("usage errors: exit 2 and a message that names the problem", () => {
  const key32 = hex(randomBytes(32));
  const iv = hex(randomBytes(16));
  const cases: [string, string[], RegExp][] = [
    ["short key", ["encrypt", "--cipher", "aes-256-ctr", "--key", key32.slice(0, 62), "--iv", iv], /key must be 32 bytes for aes-256-\*, got 31/],
    ["unknown cipher (the names are listed)", ["encrypt", "--cipher", "aes-256-xyz", "--key", key32, "--iv", iv], /unknown cipher "aes-256-xyz"; the ciphers are: aes-128-ecb, .*aes-256-ctr.*aes-256-gcm/],
    ["missing IV (decrypt: encrypt draws one)", ["decrypt", "--cipher", "aes-256-cbc", "--key", key32], /aes-256-cbc needs --iv/],
    ["short IV", ["encrypt", "--cipher", "aes-256-cbc", "--key", key32, "--iv", iv.slice(2)], /--iv must be 16 bytes \(32 hex digits\), got 15/],
    ["IV for ECB", ["encrypt", "--cipher", "aes-256-ecb", "--key", key32, "--iv", iv], /takes no IV/],
    ["no key", ["encrypt", "--cipher", "aes-256-ctr", "--iv", iv], /a key is needed/],
    ["bad hex key", ["encrypt", "--cipher", "aes-256-ctr", "--key", "xyz", "--iv", iv], /--key must be hex digits/],
    ["--no-pad on CTR", ["encrypt", "--cipher", "aes-256-ctr", "--key", key32, "--iv", iv, "--no-pad"], /--no-pad applies to ECB and CBC only/],
    ["unknown option", ["encrypt", "--cipher", "aes-256-ctr", "--key", key32, "--iv", iv, "--frobnicate"], /encrypt: Unknown option '--frobnicate'/],
    ["unknown command", ["scramble"], /unknown command "scramble"/],
    ["missing input", ["encrypt", "--cipher", "aes-256-ctr", "--key", key32, "--iv", iv, "--in", "/nonexistent/x"], /cannot read input \/nonexistent\/x: ENOENT/],
    ["bad --threads", ["encrypt", "--cipher", "aes-256-ctr", "--key", key32, "--iv", iv, "--threads", "0"], /--threads must be an integer from 1 to 256/],
    ["no command", [], /usage: aes-wasm/],
  ];
  it.concurrent.each(cases)("%s", async (_label, args, message) => {
    const r = await cli(args, { input: "data" });
    expect(r.stderr).toMatch(message);
    expect(r.code).toBe(2);
    expect(r.stdout.length).toBe(0);
  });
});

describe("block", () => {
  // FIPS 197 Appendix C.1 and C.3.
  const P = "00112233445566778899aabbccddeeff";
  it.concurrent.each([
    ["000102030405060708090a0b0c0d0e0f", "69c4e0d86a7b0430d8cdb78070b4c55a"],
    ["000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", "8ea2b7ca516745bfeafc49904b496089"],
  ])("FIPS 197 key %s", async (key, C) => {
    const enc = await cli(["block", "--key", key, "--encrypt", P]);
    expect(enc.stdout.toString()).toBe(C + "\n");
    const dec = await cli(["block", "--key", key, "--decrypt", C]);
    expect(dec.stdout.toString()).toBe(P + "\n");
  });

  it("a block that is not 32 hex digits is a usage error", async () => {
    const r = await cli(["block", "--key", "000102030405060708090a0b0c0d0e0f", "--encrypt", "0011"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--encrypt must be 16 bytes");
  });
});

describe("selftest and progress", () => {
  it("selftest prints pass counts for both cores and exits 0", async () => {
    const r = await cli(["selftest"]);
    expect(r.code).toBe(0);
    const out = r.stdout.toString();
    expect(out).toMatch(/\[wasm\] FIPS 197 Appendix C: 6\/6 passed/);
    expect(out).toMatch(/\[js\] SP 800-38A Appendix F: (\d+)\/\1 passed/);
    const total = /(\d+)\/(\d+) known answers passed/.exec(out);
    expect(total?.[1]).toBe(total?.[2]);
  });

  it("--progress draws the bar on stderr (forced: stderr here is a pipe); silent by default", async () => {
    const pin = join(dir, "progress.plain");
    writeFileSync(pin, randomBytes(1 << 20));
    const args = ["encrypt", "--cipher", "aes-128-ctr", "--key", hex(randomBytes(16)), "--iv", hex(randomBytes(16)), "--in", pin];
    const forced = await cli([...args, "--progress", "--out", join(dir, "progress.enc")]);
    expect(forced.code).toBe(0);
    expect(forced.stderr).toMatch(/\[#+\] 100% 1\.0 MiB \/ 1\.0 MiB .*\/s .*left/);
    const quiet = await cli([...args, "--out", join(dir, "progress2.enc")]);
    expect(quiet.stderr).toBe("");
  });
});
