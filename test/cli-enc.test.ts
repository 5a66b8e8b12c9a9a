// `aes-wasm enc` against the real `openssl enc` (3.x), through the built binary, both ways: what
// aes-wasm writes, openssl reads, and the reverse; where the output is deterministic (-S, -nosalt,
// -K) the bytes must be openssl's exactly. Every cipher openssl enc takes that aes-wasm has
// (aes-*-{ecb,cbc,cfb,cfb1,cfb8,ofb,ctr}, the aes128/192/256 aliases, key wrap), every key
// derivation (EVP_BytesToKey with each -md, PBKDF2 with the default and a given -iter), the salt
// options (header, -nosalt, -S), every password source, base64 (-a, -A) at the 48-byte line
// edges, -nopad, -p/-P, -v, -list, empty and multi-MiB inputs, and the failures: a wrong password
// (exit 1, no output file, no temporary file), a bad magic number, a short header, bad base64.
// Skipped, with a message, only when openssl is not installed.
import { spawn } from "node:child_process";
import { createCipheriv, createHash, randomBytes, randomFillSync } from "node:crypto";
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectBytes } from "./helpers/bytes.js";
import { assertBuilt, BIN, cli, hex, leftoverTemps, opensslPath, removeDir, scratchDir, type Run } from "./helpers/cli.js";

const haveOpenssl = opensslPath() !== null;
if (!haveOpenssl) console.warn("cli-enc.test.ts: skipped: the `openssl` command is not installed (apt-get install openssl)");

/** `openssl ...args` with `input` on stdin, without blocking the other concurrent tests. */
function ossl(args: string[], input: Uint8Array = new Uint8Array(0), env?: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn("openssl", args, { stdio: ["pipe", "pipe", "pipe"], env: env ?? process.env });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString() }));
    child.stdin.on("error", () => undefined);
    child.stdin.end(input);
  });
}

async function okOssl(args: string[], input?: Uint8Array, env?: NodeJS.ProcessEnv): Promise<Buffer> {
  const r = await ossl(args, input, env);
  if (r.code !== 0) throw new Error(`openssl ${args.join(" ")} failed (${r.code}): ${r.stderr}`);
  return r.stdout;
}

async function okOurs(args: string[], input?: Uint8Array, env?: NodeJS.ProcessEnv): Promise<Run> {
  const r = await cli(args, { input, env });
  if (r.code !== 0) throw new Error(`aes-wasm ${args.join(" ")} failed (${r.code}): ${r.stderr}`);
  return r;
}

/** Encrypt with one, decrypt with the other, both ways; returns our ciphertext and openssl's. */
async function bothWays(args: string[], plain: Uint8Array): Promise<{ ours: Buffer; theirs: Buffer }> {
  const ours = (await okOurs(["enc", "-e", ...args], plain)).stdout;
  expectBytes(await okOssl(["enc", "-d", ...args], ours), plain, `openssl enc -d ${args.join(" ")} of ours`);
  const theirs = await okOssl(["enc", "-e", ...args], plain);
  expectBytes((await okOurs(["enc", "-d", ...args], theirs)).stdout, plain, `aes-wasm enc -d ${args.join(" ")} of openssl's`);
  return { ours, theirs };
}

const SALTED = Buffer.from("Salted__");
const pw = () => `pw-${randomBytes(6).toString("hex")}`;

let dir: string;
beforeAll(() => {
  assertBuilt();
  dir = scratchDir();
});
afterAll(() => removeDir(dir));

const OPENSSL_NAMES = [128, 192, 256].flatMap((b) => ["ecb", "cbc", "cfb", "cfb1", "cfb8", "ofb", "ctr"].map((m) => `aes-${b}-${m}`));

describe.skipIf(!haveOpenssl).concurrent("every cipher, a password with PBKDF2 and a Salted__ header, both ways", () => {
  for (const [i, name] of OPENSSL_NAMES.entries()) {
    const size = [0, 1, 15, 16, 17, 4095, 70_001][i % 7];
    it(`${name}, ${size} bytes`, async () => {
      const plain = randomBytes(size);
      const { ours, theirs } = await bothWays([`-${name}`, "-pbkdf2", "-pass", `pass:${pw()}`], plain);
      for (const c of [ours, theirs]) expectBytes(c.subarray(0, 8), SALTED, "the Salted__ magic");
      expect(ours.length).toBe(theirs.length);
    });
  }

  for (const alias of ["aes128", "aes256", "AES-256-CBC"]) {
    it(`-${alias} (openssl's alias / any case), bytes equal to openssl's with -S`, async () => {
      const plain = randomBytes(1000);
      const args = [`-${alias}`, "-pbkdf2", "-S", hex(randomBytes(8)), "-pass", `pass:${pw()}`];
      const { ours, theirs } = await bothWays(args, plain);
      expectBytes(ours, theirs, "the same bytes as openssl");
    });
  }

  it("-cipher <name> (openssl 3.2's spelling; 3.0 has only -<name>) and --double-dash options", async () => {
    const plain = randomBytes(333);
    const common = ["--pbkdf2", "--nosalt", "--pass", `pass:${pw()}`];
    const ours = (await okOurs(["enc", "-cipher", "aes-192-ofb", ...common], plain)).stdout;
    const theirs = await okOssl(["enc", "-aes-192-ofb", ...common], plain);
    expectBytes(ours, theirs, "the same bytes as openssl");
    expectBytes((await okOurs(["enc", "-d", "-cipher", "aes-192-ofb", ...common], theirs)).stdout, plain);
  });

  it("the cipher as the command (aes-wasm aes-256-cbc ... as openssl aes-256-cbc ...)", async () => {
    const plain = randomBytes(100);
    const p = pw();
    const enc = await okOurs(["aes-256-cbc", "-pbkdf2", "-pass", `pass:${p}`], plain);
    expectBytes(await okOssl(["aes-256-cbc", "-d", "-pbkdf2", "-pass", `pass:${p}`], enc.stdout), plain);
    const dec = await okOurs(["aes-256-cbc", "-d", "-pbkdf2", "-pass", `pass:${p}`], await okOssl(["aes-256-cbc", "-pbkdf2", "-pass", `pass:${p}`], plain));
    expectBytes(dec.stdout, plain);
  });
});

describe.skipIf(!haveOpenssl).concurrent("key wrap through enc (openssl wraps each 4 KiB piece alone: inputs below that)", () => {
  for (const [name, size, keyed] of [["id-aes128-wrap", 16, false], ["id-aes192-wrap", 40, true], ["aes256-wrap", 4000, false],
    ["id-aes128-wrap-pad", 1, true], ["id-aes192-wrap-pad", 21, false], ["id-aes256-wrap-pad", 4087, true]] as const) {
    it(`${name}, ${size} bytes, ${keyed ? "-K/-iv" : "a password"}: both ways, the same bytes`, async () => {
      const plain = randomBytes(size);
      const bits = Number(/(\d{3})/.exec(name)![1]);
      const args = keyed
        ? [`-${name}`, "-K", hex(randomBytes(bits / 8)), "-iv", name.endsWith("-pad") ? "a65959a6" : "a6a6a6a6a6a6a6a6"]
        : [`-${name}`, "-pbkdf2", "-nosalt", "-pass", `pass:${pw()}`];
      const { ours, theirs } = await bothWays(args, plain);
      expectBytes(ours, theirs, "the same bytes as openssl");
    });
  }

  it("a wrong key is refused (the integrity check), exit 1, nothing on stdout", async () => {
    const wrapped = await okOssl(["enc", "-id-aes128-wrap", "-K", hex(randomBytes(16)), "-iv", "a6a6a6a6a6a6a6a6"], randomBytes(32));
    const r = await cli(["enc", "-d", "-id-aes128-wrap", "-K", hex(randomBytes(16)), "-iv", "a6a6a6a6a6a6a6a6"], { input: wrapped });
    expect(r.code).toBe(1);
    expect(r.stdout.length).toBe(0);
  });
});

describe.skipIf(!haveOpenssl).concurrent("key derivation × salt: the same key, IV and bytes as openssl", () => {
  const KDFS: [string, string[]][] = [
    ["EVP_BytesToKey", []],
    ["PBKDF2, 10,000 iterations by default", ["-pbkdf2"]],
    ["PBKDF2, -iter 1234", ["-iter", "1234"]],
  ];
  const SALTS: [string, () => string[]][] = [
    ["random salt, Salted__ header", () => []],
    ["-salt (the default, spelled out)", () => ["-nosalt", "-salt"]],
    ["-nosalt", () => ["-nosalt"]],
    ["-S <salt> (no header)", () => ["-S", hex(randomBytes(8))]],
  ];
  for (const [kdf, kdfArgs] of KDFS) {
    for (const [salt, saltArgs] of SALTS) {
      it(`${kdf}, ${salt}`, async () => {
        const plain = randomBytes(777);
        const args = ["-aes-256-cbc", ...kdfArgs, ...saltArgs(), "-pass", `pass:${pw()}`];
        const { ours, theirs } = await bothWays(args, plain);
        const headed = args.at(-3) !== "-nosalt" && !args.includes("-S");
        expect(ours.subarray(0, 8).equals(SALTED)).toBe(headed);
        if (!headed) expectBytes(ours, theirs, "deterministic here: the same bytes as openssl");
        const printed = await okOurs(["enc", "-d", ...args, "-P"], headed ? theirs : undefined);
        const expected = await okOssl(["enc", "-d", ...args, "-P"], headed ? theirs : undefined);
        expect(printed.stdout.toString()).toBe(expected.toString());
        // openssl's own warning, word for word, exactly when it warns.
        const warned = (await ossl(["enc", "-d", ...args, "-P"], headed ? theirs : undefined)).stderr.includes("deprecated key derivation");
        expect(printed.stderr.includes("*** WARNING : deprecated key derivation used.\nUsing -iter or -pbkdf2 would be better.\n")).toBe(warned);
        expect(warned).toBe(kdfArgs.length === 0);
      });
    }
  }

  it("-md md5, sha1, sha512, sha3-256, SHA256 with EVP_BytesToKey and with PBKDF2: openssl's bytes", async () => {
    const plain = randomBytes(100);
    for (const md of ["md5", "sha1", "sha512", "sha3-256", "SHA256"]) {
      for (const kdf of [[], ["-pbkdf2", "-iter", "50"]]) {
        const args = ["enc", "-aes-128-ctr", "-md", md, ...kdf, "-nosalt", "-pass", `pass:${pw()}`];
        expectBytes((await okOurs(args, plain)).stdout, await okOssl(args, plain), `-md ${md} ${kdf.join(" ")}`);
      }
    }
    await bothWays(["-aes-256-cbc", "-md", "sha512", "-pass", `pass:${pw()}`], plain);
  });

  it("-K and -iv on top of a password replace the derived key and IV (openssl's order)", async () => {
    const plain = randomBytes(64);
    const base = ["-aes-128-cbc", "-pbkdf2", "-S", hex(randomBytes(8)), "-pass", `pass:${pw()}`];
    for (const extra of [["-iv", hex(randomBytes(16))], ["-K", hex(randomBytes(16))], ["-K", hex(randomBytes(16)), "-iv", hex(randomBytes(16))]]) {
      const args = ["enc", ...base, ...extra];
      expectBytes((await okOurs(args, plain)).stdout, await okOssl(args, plain), extra.join(" "));
      expect((await okOurs([...args, "-P"])).stdout.toString()).toBe((await okOssl([...args, "-P"])).toString());
    }
    const args = [...base, "-K", hex(randomBytes(16))];
    expectBytes((await okOurs(["enc", "-d", ...args], await okOssl(["enc", ...args], plain))).stdout, plain);
  });

  it("raw -K/-iv without a password: no header, openssl's bytes, every mode", async () => {
    for (const name of ["aes-128-ecb", "aes-192-cbc", "aes-128-cfb1", "aes-128-ctr"]) {
      const bits = Number(name.split("-")[1]);
      const args = [`-${name}`, "-K", hex(randomBytes(bits / 8)), ...(name.endsWith("ecb") ? [] : ["-iv", hex(randomBytes(16))])];
      const { ours, theirs } = await bothWays(args, randomBytes(1234));
      expectBytes(ours, theirs, name);
    }
  });
});

describe.skipIf(!haveOpenssl).concurrent("password sources, as openssl reads them", () => {
  it("pass:, env:, file: (first line, a CR kept), fd:, stdin (the data follows the line), -k, -kfile (CR/LF stripped)", async () => {
    const p = pw();
    const plain = randomBytes(500);
    const ref = ["-aes-256-cbc", "-pbkdf2", "-S", "0102030405060708"];
    const expected = await okOssl(["enc", ...ref, "-pass", `pass:${p}`], plain);
    const crlf = join(dir, "pw-crlf.txt");
    writeFileSync(crlf, `${p}\r\nsecond line\n`);
    const lf = join(dir, "pw-lf.txt");
    writeFileSync(lf, `${p}\nsecond line\n`);
    const plainFile = join(dir, "pw-plain.bin");
    writeFileSync(plainFile, plain);
    const cases: [string, string[], Uint8Array | undefined, NodeJS.ProcessEnv | undefined][] = [
      ["pass:", ["-pass", `pass:${p}`], plain, undefined],
      ["env:", ["-pass", "env:AES_WASM_TEST_PW"], plain, { ...process.env, AES_WASM_TEST_PW: p }],
      ["file:", ["-pass", `file:${lf}`], plain, undefined],
      ["stdin", ["-pass", "stdin", "-in", "-"], Buffer.concat([Buffer.from(`${p}\n`), plain]), undefined],
      ["fd:0", ["-pass", "fd:0"], Buffer.concat([Buffer.from(`${p}\n`), plain]), undefined],
      ["stdin, data from -in", ["-pass", "stdin", "-in", plainFile], Buffer.from(`${p}\n`), undefined],
      ["-k", ["-k", p], plain, undefined],
      ["-kfile (CRLF)", ["-kfile", crlf], plain, undefined],
      ["-k wins over -pass", ["-pass", "pass:other", "-k", p], plain, undefined],
    ];
    for (const [label, args, input, env] of cases) {
      const r = await okOurs(["enc", ...ref, ...args], input, env);
      expectBytes(r.stdout, expected, label);
    }
    // A NUL ends the password (openssl's strlen): "ab\0cd" is "ab", as openssl reads it.
    const nul = join(dir, "pw-nul.txt");
    writeFileSync(nul, Buffer.from("ab\0cd\n", "latin1"));
    const cut = await okOurs(["enc", ...ref, "-pass", `file:${nul}`], plain);
    expectBytes(cut.stdout, await okOssl(["enc", ...ref, "-pass", "pass:ab"], plain), "file: with a NUL");
    // file: keeps the "\r" (openssl strips only the "\n"): a different password, as openssl's.
    const withCr = await okOurs(["enc", ...ref, "-pass", `file:${crlf}`], plain);
    expectBytes(withCr.stdout, await okOssl(["enc", ...ref, "-pass", `file:${crlf}`], plain), "file: with CRLF");
    expect(withCr.stdout.equals(expected)).toBe(false);
  });

  it("bad sources: exit 2 and a message; no password and no terminal: exit 2", async () => {
    const empty = join(dir, "pw-empty.txt");
    writeFileSync(empty, "");
    const nl = join(dir, "pw-nl.txt");
    writeFileSync(nl, "\n");
    for (const [args, message] of [
      [["-pass", "env:AES_WASM_NO_SUCH_VAR"], /no environment variable AES_WASM_NO_SUCH_VAR/],
      [["-pass", "bogus"], /give pass:<password>, env:<variable>, file:<path>, fd:<number> or stdin/],
      [["-pass", `file:${empty}`], /no password there/],
      [["-kfile", nl], /zero length password/],
      [["-pass", "fd:77"], /file descriptor 77 is not open/],
      [[], /no password and no key/],
    ] as [string[], RegExp][]) {
      const r = await cli(["enc", "-aes-128-cbc", ...args], { input: "x" });
      expect(r.stderr).toMatch(message);
      expect(r.code).toBe(2);
      expect(r.stdout.length).toBe(0);
    }
  });
});

describe.skipIf(!haveOpenssl).concurrent("base64 (-a, -A): openssl's lines, both ways", () => {
  // 16-byte header + CTR (no padding): the base64 input is 16 + n bytes; 32 and 33 put it at the 48-byte line edge.
  // With -nosalt and CTR the base64 input is exactly n bytes: 47, 48, 49 and 96 sit at the 48-byte line edges.
  for (const n of [1, 47, 48, 49, 96, 3000]) {
    it(`${n} bytes, -a and -a -A`, async () => {
      const plain = randomBytes(n);
      for (const flags of [n === 49 ? ["-base64"] : ["-a"], ["-a", "-A"]]) {
        const args = ["-aes-128-ctr", "-pbkdf2", "-nosalt", "-pass", `pass:${pw()}`, ...flags];
        const { ours, theirs } = await bothWays(args, plain);
        expect(ours.toString()).toBe(theirs.toString());
      }
    });
  }

  it("decoding takes either layout and any whitespace; bad base64 is exit 1 with no output file", async () => {
    const plain = randomBytes(2000);
    const args = ["-aes-256-cbc", "-pbkdf2", "-pass", `pass:${pw()}`];
    const oneLine = await okOssl(["enc", ...args, "-a", "-A"], plain);
    const lines = await okOssl(["enc", ...args, "-a"], plain);
    for (const [label, text] of [
      ["one line, read without -A", oneLine],
      ["64-column lines, read with -A", lines],
      ["CRLF and spaces", Buffer.from(lines.toString().replace(/\n/g, " \r\n"))],
    ] as const) {
      const flags = label.includes("with -A") ? ["-a", "-A"] : ["-a"];
      expectBytes((await okOurs(["enc", "-d", ...args, ...flags], text)).stdout, plain, label);
    }
    const own = mkdtempSync(join(dir, "b64-")); // its own directory: other tests' temporaries do not show here
    const out = join(own, "bad-b64.out");
    const r = await cli(["enc", "-d", ...args, "-a", "-out", out], { input: Buffer.concat([lines.subarray(0, 100), Buffer.from("*"), lines.subarray(100)]) });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/bad base64 input/);
    expect(existsSync(out)).toBe(false);
    expect(leftoverTemps(own)).toEqual([]);
  });
});

describe.skipIf(!haveOpenssl).concurrent("-nopad, -p, -P, -v, -list", () => {
  it("-nopad: ECB and CBC with whole blocks, openssl's bytes; a partial block is refused", async () => {
    for (const name of ["aes-128-ecb", "aes-256-cbc"]) {
      const args = [`-${name}`, "-nopad", "-nosalt", "-pbkdf2", "-pass", `pass:${pw()}`];
      const { ours, theirs } = await bothWays(args, randomBytes(4096));
      expectBytes(ours, theirs, name);
      const r = await cli(["enc", ...args], { input: randomBytes(33) });
      expect(r.code).toBe(2);
    }
  });

  it("-p prints salt, key and IV as openssl does, in the same place in the output; -P prints them and stops", async () => {
    const plain = randomBytes(100);
    const args = ["-aes-256-cbc", "-pbkdf2", "-S", hex(randomBytes(8)), "-pass", `pass:${pw()}`];
    for (const extra of [["-p"], ["-p", "-a"], ["-P"], ["-p", "-nosalt"], ["-P", "-aes-128-ecb"]]) {
      const ours = await okOurs(["enc", ...args, ...extra], plain);
      const theirs = await okOssl(["enc", ...args, ...extra], plain);
      expectBytes(ours.stdout, theirs, extra.join(" "));
    }
    // With a header, the salt is random: the printed key must decrypt the output.
    const out = join(dir, "p.enc");
    const r = await okOurs(["enc", "-aes-128-ctr", "-pbkdf2", "-pass", `pass:${pw()}`, "-p", "-out", out], plain);
    const printed = Object.fromEntries(r.stdout.toString().trim().split("\n").map((l) => l.split("=").map((s) => s.trim())));
    const file = readFileSync(out);
    expect(file.subarray(8, 16).toString("hex").toUpperCase()).toBe(printed.salt);
    expectBytes(await okOssl(["enc", "-d", "-aes-128-ctr", "-K", printed.key, "-iv", printed.iv], file.subarray(16)), plain, "decrypted with the printed key and IV");
    // -P writes no output file at all (openssl creates an empty one).
    const none = join(dir, "P.enc");
    await okOurs(["enc", "-aes-128-ctr", "-pbkdf2", "-pass", "pass:x", "-P", "-out", none], plain);
    expect(existsSync(none)).toBe(false);
  });

  it("-v: openssl's buffer size and byte counts on stderr", async () => {
    const plain = randomBytes(300);
    for (const extra of [[], ["-a"], ["-bufsize", "16k"]]) {
      const args = ["-aes-128-ctr", "-pbkdf2", "-pass", `pass:${pw()}`, "-v", ...extra];
      const ours = await okOurs(["enc", ...args], plain);
      const theirs = await ossl(["enc", ...args], plain);
      expect(ours.stderr).toBe(theirs.stderr);
    }
  });

  it("-list: openssl's layout; its AES names are ours, and every one of them works", async () => {
    const ours = (await okOurs(["enc", "-list"])).stdout.toString();
    const theirs = (await okOssl(["enc", "-list"])).toString();
    const names = (s: string) => s.split(/\s+/).filter((w) => w.startsWith("-")).map((w) => w.slice(1));
    const [compatible, own] = ours.split("aes-wasm only");
    const opensslAes = names(theirs).filter((n) => /^(aes|id-aes)/.test(n));
    expect(names(compatible).sort()).toEqual(opensslAes.sort());
    expect(names(own)).toEqual(expect.arrayContaining(["aes-128-gcm", "aes-256-gcm"]));
    expect(compatible.split("\n")[1]).toBe(theirs.split("\n")[1]); // "-%-25s" columns, three a line
    expect((await okOurs(["enc", "-ciphers"])).stdout.toString()).toBe(ours);
    // Every one of them is run above: the 21 modes, the three aliases (here: all of them), the six wraps.
    for (const alias of ["aes128", "aes192", "aes256"]) {
      const args = [`-${alias}`, "-pbkdf2", "-nosalt", "-pass", "pass:x", "-P"];
      expect((await okOurs(["enc", ...args])).stdout.toString()).toBe((await okOssl(["enc", ...args])).toString());
    }
  });
});

describe.skipIf(!haveOpenssl).concurrent("empty and large inputs", () => {
  it("empty input: every layout equals openssl's (header only, one padding block, base64 of the header)", async () => {
    for (const extra of [[], ["-a", "-A"], ["-nosalt", "-a"]]) {
      for (const name of ["aes-256-cbc", "aes-256-ctr"]) {
        const args = [`-${name}`, "-pbkdf2", "-pass", `pass:${pw()}`, ...extra];
        const { ours, theirs } = await bothWays(args, new Uint8Array(0));
        expect(ours.length).toBe(theirs.length);
        if (extra.includes("-nosalt")) expectBytes(ours, theirs, `${name} ${extra.join(" ")}`);
      }
    }
  });

  it("5 MiB + 3 bytes through files, CBC with a header and CTR with base64, both ways", async () => {
    const plain = randomBytes(5 * 1024 * 1024 + 3);
    const pin = join(dir, "large.plain");
    writeFileSync(pin, plain);
    for (const args of [["-aes-256-cbc", "-pbkdf2"], ["-aes-128-ctr", "-iter", "3", "-a"]]) {
      const p = `pass:${pw()}`;
      const ours = join(dir, "large.ours");
      const theirs = join(dir, "large.theirs");
      await okOurs(["enc", ...args, "-pass", p, "-in", pin, "-out", ours]);
      expectBytes(await okOssl(["enc", "-d", ...args, "-pass", p, "-in", ours]), plain, `openssl reading ours ${args.join(" ")}`);
      await okOssl(["enc", ...args, "-pass", p, "-in", pin, "-out", theirs]);
      const back = join(dir, "large.back");
      await okOurs(["enc", "-d", ...args, "-pass", p, "-in", theirs, "-out", back]);
      expectBytes(readFileSync(back), plain, `ours reading openssl's ${args.join(" ")}`);
    }
  });
});

describe("past the background flush (every 64 MiB of a file output)", () => {
  it("72 MiB + 5 bytes of AES-128-CTR, file to file: node:crypto's bytes, nothing left behind", async () => {
    const size = 72 * 1024 * 1024 + 5;
    const own = mkdtempSync(join(dir, "huge-"));
    const pin = join(own, "huge.plain");
    const pout = join(own, "huge.enc");
    const key = randomBytes(16);
    const iv = randomBytes(16);
    const expected = createHash("sha256");
    const c = createCipheriv("aes-128-ctr", key, iv);
    const fd = openSync(pin, "w");
    const piece = Buffer.alloc(8 << 20);
    for (let done = 0; done < size; done += piece.length) {
      randomFillSync(piece);
      const part = piece.subarray(0, Math.min(piece.length, size - done));
      writeSync(fd, part);
      expected.update(c.update(part));
    }
    closeSync(fd);
    const r = await cli(["enc", "-aes-128-ctr", "-K", hex(key), "-iv", hex(iv), "-in", pin, "-out", pout]);
    expect(r.code, r.stderr).toBe(0);
    const got = createHash("sha256").update(readFileSync(pout)).digest("hex");
    expect(got).toBe(expected.digest("hex"));
    rmSync(pin);
    rmSync(pout);
    expect(leftoverTemps(own)).toEqual([]);
  });
});

describe.skipIf(!haveOpenssl).concurrent("failures: exit 1, no output file, no temporary file", () => {
  // A fixed salt, password and plaintext whose wrong-password decryption openssl also rejects.
  const salt = "0011223344556677";
  const plain = Buffer.alloc(1000, 0x41);
  const salted = async (args: string[]) => Buffer.concat([SALTED, Buffer.from(salt, "hex"), await okOssl(["enc", ...args, "-S", salt, "-pass", "pass:right"], plain)]);

  it("a wrong password (CBC and ECB, three key derivations): bad decrypt, exit 1, nothing kept, an existing output untouched", async () => {
    const own = mkdtempSync(join(dir, "wrong-"));
    for (const args of [["-aes-256-cbc", "-pbkdf2"], ["-aes-128-ecb", "-md", "sha1"], ["-aes-192-cbc", "-iter", "7"]]) {
      const file = await salted(args);
      expect((await ossl(["enc", "-d", ...args, "-pass", "pass:wrong"], file)).stderr).toMatch(/bad decrypt/);
      const out = join(own, `wrong-${args[0]}.out`);
      const r = await cli(["enc", "-d", ...args, "-pass", "pass:wrong", "-out", out], { input: file });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/bad decrypt/);
      expect(existsSync(out)).toBe(false);
      writeFileSync(out, "keep me");
      expect((await cli(["enc", "-d", ...args, "-pass", "pass:wrong", "-out", out], { input: file })).code).toBe(1);
      expect(readFileSync(out, "utf8")).toBe("keep me");
      // The right password still works on the same file.
      expectBytes((await okOurs(["enc", "-d", ...args, "-pass", "pass:right"], file)).stdout, plain);
    }
    expect(leftoverTemps(own)).toEqual([]);
  });

  it("bad magic number, a short header, a truncated CBC body: exit 1, as openssl", async () => {
    const file = await salted(["-aes-256-cbc", "-pbkdf2"]);
    const args = ["-d", "-aes-256-cbc", "-pbkdf2", "-pass", "pass:right"];
    for (const [label, input, message] of [
      ["no header (encrypted with -nosalt)", file.subarray(16), /bad magic number/],
      ["10 bytes", file.subarray(0, 10), /error reading input file/],
      ["empty", new Uint8Array(0), /error reading input file/],
      ["cut mid-block", file.subarray(0, file.length - 5), /must be a non-empty multiple of 16 bytes/],
    ] as const) {
      const out = join(dir, "bad.out");
      const r = await cli(["enc", ...args, "-out", out], { input });
      expect(r.code, label).toBe(1);
      expect(r.stderr, label).toMatch(message);
      expect(existsSync(out), label).toBe(false);
      expect((await ossl(["enc", ...args], input)).code, `openssl: ${label}`).toBe(1);
    }
  });

  it("usage errors: exit 2 and a message naming the problem", async () => {
    for (const [args, message] of [
      [["-aes-256-cbc", "-K", "00".repeat(31), "-iv", "00".repeat(16)], /-K must be 32 bytes \(64 hex digits\).*openssl pads/],
      [["-aes-256-cbc", "-K", "00".repeat(32)], /iv undefined/],
      [["-aes-256-cbc", "-k", "x", "-S", "0102"], /-S must be 8 bytes/],
      [["-aes-256-cbc", "-k", "x", "-md", "shake128"], /-md "shake128" is not a digest/],
      [["-aes-256-cbc", "-k", "x", "-iter", "0"], /-iter must be a positive integer/],
      [["-aes-256-xyz", "-k", "x"], /unknown option or cipher: -aes-256-xyz/],
      [["-cipher", "des-ede3"], /unknown cipher/],
      [["-pass", "pass:x"], /no cipher given/],
      [["-aes-128-cbc", "-engine", "foo"], /-engine is an openssl option that aes-wasm does not have/],
      [["-aes-128-cbc", "-k", "x", "extra"], /extra argument "extra"/],
      [["-aes-128-cbc", "-in"], /option -in needs a value/],
    ] as [string[], RegExp][]) {
      const r = await cli(["enc", ...args], { input: "data" });
      expect(r.stderr, args.join(" ")).toMatch(message);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stdout.length).toBe(0);
    }
  });
});

describe.skipIf(!haveOpenssl).concurrent("no cipher: copy or base64 only, as openssl enc", () => {
  it("-a and -d -a equal openssl's; a plain copy is a copy", async () => {
    const data = randomBytes(1000);
    expect((await okOurs(["enc", "-a"], data)).stdout.toString()).toBe((await okOssl(["enc", "-a"], data)).toString());
    expectBytes((await okOurs(["enc", "-d", "-a"], await okOssl(["enc", "-a"], data))).stdout, data);
    expectBytes((await okOurs(["enc"], data)).stdout, data);
  });
});

describe.skipIf(!haveOpenssl).concurrent("AEAD names through enc: aes-wasm's own format, said on stderr", () => {
  it("aes-256-gcm with a password: openssl refuses the name; ours round trips, a flipped bit is exit 1 with no output", async () => {
    const plain = randomBytes(5000);
    const args = ["-aes-256-gcm", "-pbkdf2", "-pass", `pass:${pw()}`];
    expect((await ossl(["enc", ...args], plain)).stderr).toMatch(/AEAD ciphers not supported/);
    const enc = await okOurs(["enc", ...args], plain);
    expect(enc.stderr).toMatch(/openssl enc refuses AEAD ciphers; aes-256-gcm here is aes-wasm's own format: the 16-byte tag is appended/);
    expect(enc.stdout.length).toBe(16 + plain.length + 16);
    expectBytes((await okOurs(["enc", "-d", ...args], enc.stdout)).stdout, plain);
    const bad = Buffer.from(enc.stdout);
    bad[100] ^= 1;
    const out = join(dir, "gcm-bad.out");
    const r = await cli(["enc", "-d", ...args, "-out", out], { input: bad });
    expect(r.code).toBe(1);
    expect(existsSync(out)).toBe(false);
    const toStdout = await cli(["enc", "-d", ...args], { input: bad });
    expect(toStdout.code).toBe(1);
    expect(toStdout.stdout.length).toBe(0);
  });
});

describe.skipIf(!haveOpenssl)("the password prompt on a terminal (script(1) gives the binary a pty)", () => {
  const haveScript = existsSync("/usr/bin/script");
  it.skipIf(!haveScript)("encrypting asks twice, decrypting once; the file is openssl's", async () => {
    const plain = randomBytes(300);
    const pin = join(dir, "prompt.plain");
    const pout = join(dir, "prompt.enc");
    writeFileSync(pin, plain);
    const p = pw();
    const cmd = `${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} enc -aes-256-cbc -pbkdf2 -in ${pin} -out ${pout}`;
    const r = await new Promise<Run>((resolve, reject) => {
      const child = spawn("script", ["-qec", cmd, "/dev/null"], { stdio: ["pipe", "pipe", "pipe"] });
      const out: Buffer[] = [];
      let sent = 0;
      child.stdout.on("data", (b: Buffer) => {
        out.push(b);
        // Type the password once per prompt, as a person would.
        const prompts = (Buffer.concat(out).toString().match(/password:/g) ?? []).length;
        while (sent < prompts) {
          child.stdin.write(`${p}\r`);
          sent++;
        }
      });
      child.on("error", reject);
      child.on("close", (code, signal) => resolve({ code, signal, stdout: Buffer.concat(out), stderr: "" }));
    });
    expect(r.stdout.toString()).toContain("enter AES-256-CBC encryption password:");
    expect(r.stdout.toString()).toContain("Verifying - enter AES-256-CBC encryption password:");
    expect(r.stdout.toString()).not.toContain(p); // not echoed
    expect(r.code).toBe(0);
    expectBytes(await okOssl(["enc", "-d", "-aes-256-cbc", "-pbkdf2", "-pass", `pass:${p}`, "-in", pout]), plain);
  });
});
