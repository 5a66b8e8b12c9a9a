// The command line as documented: every option that `aes-wasm --help` and `aes-wasm enc -help`
// name is accepted by the built binary (each one run, exit 0), and the help names every option
// the tables below know how to use (so an option added to one but not the other fails here).
// Plus what item 2 of issue 18 added: --version, `list`, the IV that raw `encrypt` draws when
// none is given (printed on stderr, or written in front with --prepend-iv), key wrap through
// encrypt/decrypt with the standard IV.
import { createCipheriv, randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectBytes } from "./helpers/bytes.js";
import { assertBuilt, cli, hex, openssl, opensslPath, removeDir, ROOT, scratchDir } from "./helpers/cli.js";

const haveOpenssl = opensslPath() !== null;

let dir: string;
let plainFile: string;
let keyFile: string;
beforeAll(() => {
  assertBuilt();
  dir = scratchDir();
  plainFile = join(dir, "plain.bin");
  writeFileSync(plainFile, randomBytes(4096));
  keyFile = join(dir, "k.key");
  writeFileSync(keyFile, hex(randomBytes(32)) + "\n");
  cmacMsg = join(dir, "empty.msg");
  writeFileSync(cmacMsg, "");
  CMAC_OF_EMPTY_K16 = cmacOfEmpty(Buffer.from(K16, "hex"));
});
afterAll(() => removeDir(dir));

const K16 = "00112233445566778899aabbccddeeff";
/** AES-CMAC under K16 of the empty message, from node:crypto below (an independent computation). */
let CMAC_OF_EMPTY_K16 = "";
let cmacMsg = "";
const IV = "0f0e0d0c0b0a09080706050403020100";

/** CMAC(K, "") = AES_K(K1 ^ 0x80 0..0) (RFC 4493: the empty message is one padded, incomplete block), by node:crypto's AES. */
function cmacOfEmpty(key: Buffer): string {
  const aes = (b: Buffer) => {
    const c = createCipheriv("aes-128-ecb", key, null);
    c.setAutoPadding(false);
    return Buffer.concat([c.update(b), c.final()]);
  };
  const dbl = (b: Buffer) => {
    const out = Buffer.alloc(16);
    for (let i = 0; i < 16; i++) out[i] = ((b[i] << 1) | (i < 15 ? b[i + 1] >> 7 : 0)) & 0xff;
    if (b[0] & 0x80) out[15] ^= 0x87;
    return out;
  };
  const k2 = dbl(dbl(aes(Buffer.alloc(16))));
  const block = Buffer.alloc(16);
  block[0] = 0x80;
  for (let i = 0; i < 16; i++) block[i] ^= k2[i];
  return aes(block).toString("hex");
}

/** The options of each command's section of the main help text. */
function helpOptions(help: string): Map<string, Set<string>> {
  const sections = new Map<string, Set<string>>();
  let current: string[] = [];
  for (const line of help.split("\n")) {
    const head = /^ {2}(encrypt\|decrypt|enc|<cipher>|seal|open|cmac|block|list|selftest|bench|--version)(?: |$)/.exec(line);
    if (head) current = head[1] === "encrypt|decrypt" ? ["encrypt", "decrypt"] : [head[1]];
    if (/^ {2}Without --in/.test(line)) current = ["encrypt", "decrypt", "seal", "open"]; // the notes: --in/--out/--progress for the file commands
    for (const c of current) {
      if (!sections.has(c)) sections.set(c, new Set());
      for (const m of line.matchAll(/(?<![\w-])--[a-z][a-z-]*/g)) sections.get(c)!.add(m[0]);
    }
  }
  return sections;
}

/** A run that uses `option` of `command` correctly (the option's own arguments included). */
function useOf(command: string, option: string): string[] | null {
  const out = () => join(dir, `${command}${option}.out`);
  const raw = (extra: string[]) => [command, "--cipher", "aes-128-ctr", "--key", K16, "--iv", IV, "--in", plainFile, "--out", out(), ...extra];
  const sealed = join(dir, "for-open.sealed");
  const table: Record<string, Record<string, string[]>> = {
    encrypt: {
      "--cipher": raw([]), "--key": raw([]), "--iv": raw([]), "--in": raw([]), "--out": raw([]),
      "--key-file": ["encrypt", "--cipher", "aes-256-ctr", "--key-file", keyFile, "--iv", IV, "--in", plainFile, "--out", out()],
      "--prepend-iv": ["encrypt", "--cipher", "aes-128-cbc", "--key", K16, "--prepend-iv", "--in", plainFile, "--out", out()],
      "--no-pad": ["encrypt", "--cipher", "aes-128-cbc", "--key", K16, "--iv", IV, "--no-pad", "--in", plainFile, "--out", out()],
      "--threads": raw(["--threads", "2"]),
      "--aad": ["encrypt", "--cipher", "aes-128-gcm", "--key", K16, "--iv", IV.slice(0, 24), "--aad", "0102", "--in", plainFile, "--out", out()],
      "--progress": raw(["--progress"]), "--no-progress": raw(["--no-progress"]),
    },
    seal: {
      "--key-file": ["seal", "--key-file", keyFile, "--in", plainFile, "--out", out()],
      "--in": ["seal", "--key-file", keyFile, "--in", plainFile, "--out", out()],
      "--out": ["seal", "--key-file", keyFile, "--in", plainFile, "--out", out()],
      "--chunk-size": ["seal", "--key-file", keyFile, "--chunk-size", "1024", "--in", plainFile, "--out", out()],
      "--nonce-store": ["seal", "--key-file", keyFile, "--nonce-store", join(dir, "nonces"), "--in", plainFile, "--out", out()],
      "--progress": ["seal", "--key-file", keyFile, "--progress", "--in", plainFile, "--out", out()],
      "--no-progress": ["seal", "--key-file", keyFile, "--no-progress", "--in", plainFile, "--out", out()],
    },
    open: {
      "--key-file": ["open", "--key-file", keyFile, "--in", sealed, "--out", out()],
      "--in": ["open", "--key-file", keyFile, "--in", sealed, "--out", out()],
      "--out": ["open", "--key-file", keyFile, "--in", sealed, "--out", out()],
      "--progress": ["open", "--key-file", keyFile, "--progress", "--in", sealed, "--out", out()],
      "--no-progress": ["open", "--key-file", keyFile, "--no-progress", "--in", sealed, "--out", out()],
    },
    cmac: {
      "--key": ["cmac", "--key", K16, "--in", plainFile],
      "--key-file": ["cmac", "--key-file", keyFile, "--in", plainFile],
      "--in": ["cmac", "--key", K16, "--in", plainFile],
      "--verify": ["cmac", "--key", K16, "--in", cmacMsg, "--verify", CMAC_OF_EMPTY_K16],
      "--tag-length": ["cmac", "--key", K16, "--in", plainFile, "--tag-length", "12"],
    },
    block: {
      "--key": ["block", "--key", K16, "--encrypt", IV],
      "--encrypt": ["block", "--key", K16, "--encrypt", IV],
      "--decrypt": ["block", "--key", K16, "--decrypt", IV],
    },
    list: { "--long": ["list", "--long"] },
    selftest: { "--backend": ["selftest", "--backend", "js"] },
    "--version": { "--version": ["--version"] },
  };
  // decrypt takes what encrypt writes: the same options, on an input made for it in beforeAll of the test.
  if (command === "decrypt") {
    const enc = table.encrypt[option];
    if (!enc) return null;
    const args = [...enc];
    args[0] = "decrypt";
    args[args.indexOf("--in") + 1] = join(dir, `encrypt${option}.out`);
    return args;
  }
  return table[command]?.[option] ?? null;
}

describe("every option --help names is accepted", () => {
  it("main help: each option of each command runs (exit 0)", async () => {
    const help = (await cli(["--help"])).stdout.toString();
    const sections = helpOptions(help);
    for (const c of ["encrypt", "decrypt", "seal", "open", "cmac", "block", "list", "selftest", "bench", "--version"]) expect(sections.has(c), c).toBe(true);
    expect([...sections.get("encrypt")!].sort()).toEqual(["--aad", "--cipher", "--in", "--iv", "--key", "--key-file", "--no-pad", "--no-progress", "--out", "--prepend-iv", "--progress", "--threads"]);
    // seal first: open reads its output; encrypt before decrypt for the same reason.
    const sealed = await cli(["seal", "--key-file", keyFile, "--in", plainFile, "--out", join(dir, "for-open.sealed")]);
    expect(sealed.code).toBe(0);
    for (const command of ["encrypt", "decrypt", "seal", "open", "cmac", "block", "list", "selftest", "--version"]) {
      for (const option of sections.get(command)!) {
        const args = useOf(command, option);
        expect(args, `help names ${command} ${option}: the test must know how to use it`).not.toBeNull();
        const r = await cli(args!);
        expect(r.stderr, `${command} ${option}`).not.toMatch(/Unknown option|unknown option/);
        expect(r.code, `${args!.join(" ")}: ${r.stderr}`).toBe(0);
      }
    }
    // bench runs a benchmark: only its option table is checked (an unknown option would be exit 2 before it starts).
    expect([...sections.get("bench")!]).toEqual(["--json"]);
    const bogus = await cli(["bench", "--json", "--frobnicate"]);
    expect(bogus.stderr).toMatch(/bench: Unknown option '--frobnicate'/);
  });

  it("enc -help: each option runs (exit 0), and -help names all of them", async () => {
    const help = (await cli(["enc", "-help"])).stdout.toString();
    expect((await cli(["enc", "--help"])).stdout.toString()).toBe(help);
    const named = new Set([...help.matchAll(/(?<=^|[\s/(])-[a-zA-Z][\w-]*/gm)].map((m) => m[0]).filter((o) => !o.startsWith("-aes") && !o.startsWith("-id-aes")));
    named.delete("-cipher"); // named in the usage line and the options
    const salted = join(dir, "for-enc.salted");
    expect((await cli(["enc", "-aes-128-cbc", "-k", "pw", "-pbkdf2", "-in", plainFile, "-out", salted])).code).toBe(0);
    const b64 = join(dir, "for-enc.b64");
    expect((await cli(["enc", "-aes-128-cbc", "-k", "pw", "-pbkdf2", "-a", "-in", plainFile, "-out", b64])).code).toBe(0);
    const pwFile = join(dir, "pw.txt");
    writeFileSync(pwFile, "pw\n");
    const base = ["enc", "-aes-128-cbc", "-in", plainFile, "-out", join(dir, "enc-option.out")];
    const uses: Record<string, string[]> = {
      "-e": [...base, "-e", "-k", "pw", "-pbkdf2"],
      "-d": ["enc", "-d", "-aes-128-cbc", "-k", "pw", "-pbkdf2", "-in", salted, "-out", join(dir, "enc-d.out")],
      "-in": [...base, "-k", "pw", "-pbkdf2"],
      "-out": [...base, "-k", "pw", "-pbkdf2"],
      "-pass": [...base, "-pass", "pass:pw", "-pbkdf2"],
      "-k": [...base, "-k", "pw", "-pbkdf2"],
      "-kfile": [...base, "-kfile", pwFile, "-pbkdf2"],
      "-pbkdf2": [...base, "-k", "pw", "-pbkdf2"],
      "-iter": [...base, "-k", "pw", "-iter", "100"],
      "-md": [...base, "-k", "pw", "-pbkdf2", "-md", "sha512"],
      "-salt": [...base, "-k", "pw", "-pbkdf2", "-salt"],
      "-nosalt": [...base, "-k", "pw", "-pbkdf2", "-nosalt"],
      "-S": [...base, "-k", "pw", "-pbkdf2", "-S", "0102030405060708"],
      "-K": [...base, "-K", K16, "-iv", IV],
      "-iv": [...base, "-K", K16, "-iv", IV],
      "-a": [...base, "-k", "pw", "-pbkdf2", "-a"],
      "-base64": [...base, "-k", "pw", "-pbkdf2", "-base64"],
      "-A": [...base, "-k", "pw", "-pbkdf2", "-a", "-A"],
      "-nopad": [...base, "-k", "pw", "-pbkdf2", "-nopad"],
      "-p": [...base, "-k", "pw", "-pbkdf2", "-p"],
      "-P": [...base, "-k", "pw", "-pbkdf2", "-P"],
      "-v": [...base, "-k", "pw", "-pbkdf2", "-v"],
      "-bufsize": [...base, "-k", "pw", "-pbkdf2", "-bufsize", "64k"],
      "-list": ["enc", "-list"],
      "-ciphers": ["enc", "-ciphers"],
      "-help": ["enc", "-help"],
    };
    expect([...named].sort()).toEqual(Object.keys(uses).sort());
    for (const [option, args] of Object.entries(uses)) {
      const r = await cli(args);
      expect(r.code, `${option}: ${args.join(" ")}: ${r.stderr}`).toBe(0);
    }
    const cipherFlag = await cli(["enc", "-cipher", "aes-128-cbc", "-k", "pw", "-pbkdf2", "-d", "-a", "-in", b64]);
    expect(cipherFlag.code, cipherFlag.stderr).toBe(0);
    expectBytes(cipherFlag.stdout, readFileSync(plainFile));
  });
});

describe.concurrent("--version and list", () => {
  it("--version prints the package.json version", async () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };
    const r = await cli(["--version"]);
    expect(r.code).toBe(0);
    expect(r.stdout.toString()).toBe(`aes-wasm ${version}\n`);
  });

  it("list: one name a line, every name encrypt takes; --long gives sizes; each listed name encrypts", async () => {
    const names = (await cli(["list"])).stdout.toString().trim().split("\n");
    expect(names).toEqual(expect.arrayContaining(["aes-128-ecb", "aes-256-ctr", "aes-192-cfb1", "id-aes256-wrap-pad", "aes-128-gcm"]));
    const long = (await cli(["list", "--long"])).stdout.toString();
    expect(long).toMatch(/^aes-256-gcm +key 32 B {2}iv 12 B {2}aes-wasm only/m);
    expect(long).toMatch(/aliases: aes128 = aes-128-cbc/);
    expect(names).toEqual(expect.arrayContaining(["aes-128-ccm", "aes-192-ocb", "aes-256-gcm-siv", "aes-256-siv", "aes-128-xts"]));
    for (const name of names) {
      const keyBytes = Number(new RegExp(`^${name} +key +(\\d+) B`, "m").exec(long)![1]);
      const r = await cli(["encrypt", "--cipher", name, "--key", hex(randomBytes(keyBytes))], { input: randomBytes(32) });
      expect(r.code, `${name}: ${r.stderr}`).toBe(0);
    }
  });
});

describe.concurrent("raw encrypt without --iv: a random IV, printed or prepended", () => {
  it("printed on stderr (iv=<hex>); decrypt with it; the bytes are openssl's for that IV", async () => {
    const plain = randomBytes(1000);
    const key = hex(randomBytes(32));
    const enc = await cli(["encrypt", "--cipher", "aes-256-cbc", "--key", key], { input: plain });
    expect(enc.code).toBe(0);
    const iv = /iv=([0-9a-f]{32}) \(random; decrypt with --iv \1, or use --prepend-iv\)/.exec(enc.stderr)?.[1];
    expect(iv).toBeDefined();
    const dec = await cli(["decrypt", "--cipher", "aes-256-cbc", "--key", key, "--iv", iv!], { input: enc.stdout });
    expectBytes(dec.stdout, plain);
    if (haveOpenssl) expectBytes(enc.stdout, openssl(["enc", "-aes-256-cbc", "-K", key, "-iv", iv!, "-nosalt"], plain));
    // Two runs: two IVs.
    const again = await cli(["encrypt", "--cipher", "aes-256-cbc", "--key", key], { input: plain });
    expect(/iv=([0-9a-f]{32})/.exec(again.stderr)?.[1]).not.toBe(iv);
  });

  it("--prepend-iv: IV ‖ ciphertext, read back by decrypt --prepend-iv (CTR, CFB8, GCM's 12 bytes, a given --iv too)", async () => {
    for (const [name, ivBytes] of [["aes-128-ctr", 16], ["aes-192-cfb8", 16], ["aes-256-gcm", 12]] as const) {
      const plain = randomBytes(3000);
      const key = hex(randomBytes(Number(name.split("-")[1]) / 8));
      const enc = await cli(["encrypt", "--cipher", name, "--key", key, "--prepend-iv"], { input: plain });
      expect(enc.code, enc.stderr).toBe(0);
      expect(enc.stderr).toBe("");
      expect(enc.stdout.length).toBe(ivBytes + plain.length + (name.endsWith("gcm") ? 16 : 0));
      const dec = await cli(["decrypt", "--cipher", name, "--key", key, "--prepend-iv"], { input: enc.stdout });
      expect(dec.code, dec.stderr).toBe(0);
      expectBytes(dec.stdout, plain, name);
      if (haveOpenssl && !name.endsWith("gcm")) {
        const iv = enc.stdout.subarray(0, ivBytes).toString("hex");
        expectBytes(openssl(["enc", "-d", `-${name}`, "-K", key, "-iv", iv, "-nosalt"], enc.stdout.subarray(ivBytes)), plain);
      }
    }
    const iv = hex(randomBytes(16));
    const given = await cli(["encrypt", "--cipher", "aes-128-ofb", "--key", K16, "--iv", iv, "--prepend-iv"], { input: "x" });
    expect(given.stdout.subarray(0, 16).toString("hex")).toBe(iv);
  });

  it("refusals: decrypt with neither, both, a short input, ECB; exit 2 (1 for the short input)", async () => {
    const cases: [string[], RegExp, number, string?][] = [
      [["decrypt", "--cipher", "aes-128-ctr", "--key", K16], /needs --iv <32 hex digits> \(or --prepend-iv/, 2],
      [["decrypt", "--cipher", "aes-128-ctr", "--key", K16, "--iv", IV, "--prepend-iv"], /not both/, 2],
      [["decrypt", "--cipher", "aes-128-ctr", "--key", K16, "--prepend-iv"], /shorter than the 16-byte IV/, 1, "short"],
      [["encrypt", "--cipher", "aes-128-ecb", "--key", K16, "--prepend-iv"], /takes no IV: drop --prepend-iv/, 2],
    ];
    for (const [args, message, code, input] of cases) {
      const r = await cli(args, { input: input ?? "" });
      expect(r.stderr, args.join(" ")).toMatch(message);
      expect(r.code, args.join(" ")).toBe(code);
      expect(r.stdout.length).toBe(0);
    }
  });

  it("ECB draws nothing and prints nothing", async () => {
    const r = await cli(["encrypt", "--cipher", "aes-128-ecb", "--key", K16], { input: "x" });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
  });
});

describe.concurrent("key wrap through encrypt/decrypt", () => {
  it.skipIf(!haveOpenssl)("the standard IV by default: openssl's bytes; a flipped bit is exit 1 with nothing out", async () => {
    for (const [name, size, iv] of [["id-aes128-wrap", 32, "a6a6a6a6a6a6a6a6"], ["id-aes256-wrap-pad", 13, "a65959a6"], ["aes192-wrap", 24, "a6a6a6a6a6a6a6a6"]] as const) {
      const key = hex(randomBytes(Number(/(\d{3})/.exec(name)![1]) / 8));
      const plain = randomBytes(size);
      const enc = await cli(["encrypt", "--cipher", name, "--key", key], { input: plain });
      expect(enc.code, enc.stderr).toBe(0);
      expect(enc.stderr).toBe("");
      expectBytes(enc.stdout, openssl(["enc", `-${name}`, "-K", key, "-iv", iv], plain), name);
      expectBytes((await cli(["decrypt", "--cipher", name, "--key", key], { input: enc.stdout })).stdout, plain);
      const bad = Buffer.from(enc.stdout);
      bad[3] ^= 0x10;
      const r = await cli(["decrypt", "--cipher", name, "--key", key], { input: bad });
      expect(r.code).toBe(1);
      expect(r.stdout.length).toBe(0);
    }
  });
});
