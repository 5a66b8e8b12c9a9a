// The constructions of issue 16 through the built binary, on both cores (AES_WASM_BACKEND=js runs
// the CLI on the pure-TypeScript one): `encrypt`/`decrypt` with aes-*-ccm, aes-*-ocb and
// aes-*-xts against node:crypto, aes-*-gcm-siv and aes-*-siv against @noble/ciphers, and the
// `cmac` command against @noble/ciphers' cmac. Each case: the binary's ciphertext equals the
// reference's (tag appended; AES-SIV's V in front), and the binary decrypts the reference's.
// Then what must fail: a changed byte anywhere (exit 1, no output file, nothing on stdout), bad
// key, nonce and data lengths (exit 2), a whole-message input over the memory limit (exit 2,
// refused before reading). Plus `enc` with these names (aes-wasm's own format, said on stderr)
// and the random IV/nonce that `encrypt` draws for them.
import { aessiv, cmac as nobleCmac, gcmsiv } from "@noble/ciphers/aes.js";
import { createCipheriv, randomBytes } from "node:crypto";
import { closeSync, existsSync, ftruncateSync, mkdtempSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectBytes } from "./helpers/bytes.js";
import { BACKENDS } from "./helpers/backends.js";
import { assertBuilt, cli, hex, leftoverTemps, removeDir, scratchDir, type Run } from "./helpers/cli.js";

let dir: string;
beforeAll(() => {
  assertBuilt();
  dir = scratchDir();
});
afterAll(() => removeDir(dir));

const nodeAead = (name: string, key: Uint8Array, nonce: Uint8Array, aad: Uint8Array | null, plain: Uint8Array): Buffer => {
  const c = createCipheriv(name as "aes-128-ccm", key, nonce, { authTagLength: 16 });
  // CCM in node needs the length up front (setAAD, even with no AAD: an empty message otherwise fails).
  if (aad || name.endsWith("-ccm")) c.setAAD(aad ?? Buffer.alloc(0), { plaintextLength: plain.length });
  // An empty array without a backing store (randomBytes(0)) makes Node skip CCM entirely ("tag not set").
  return Buffer.concat([c.update(plain.length > 0 ? plain : Buffer.alloc(0)), c.final(), c.getAuthTag()]);
};
const nodeXts = (name: string, key: Uint8Array, tweak: Uint8Array, plain: Uint8Array): Buffer => {
  const c = createCipheriv(name, key, tweak);
  return Buffer.concat([c.update(plain), c.final()]);
};

interface Case {
  name: string;
  keyBytes: number;
  ivBytes: number;
  size: number;
  aad: boolean;
}

/** What the reference library makes of a case: the expected `encrypt` output. */
function reference(c: Case, key: Uint8Array, iv: Uint8Array, aad: Uint8Array | null, plain: Uint8Array): Uint8Array {
  const mode = c.name.replace(/^aes-\d+-/, "");
  switch (mode) {
    case "ccm":
    case "ocb":
      return nodeAead(c.name, key, iv, aad, plain);
    case "xts":
      return nodeXts(c.name, key, iv, plain);
    case "gcm-siv":
      return gcmsiv(key, iv, aad ?? undefined).encrypt(plain);
    case "siv":
      // Our components are [aad (empty when not given), nonce], RFC 5297's nonce-based form.
      return aessiv(key, aad ?? new Uint8Array(0), iv).encrypt(plain);
    default:
      throw new Error(mode);
  }
}

const CASES: Case[] = [
  { name: "aes-128-ccm", keyBytes: 16, ivBytes: 7, size: 0, aad: false },
  { name: "aes-192-ccm", keyBytes: 24, ivBytes: 13, size: 4097, aad: true },
  { name: "aes-256-ccm", keyBytes: 32, ivBytes: 12, size: 100, aad: true },
  { name: "aes-128-ocb", keyBytes: 16, ivBytes: 1, size: 0, aad: true },
  { name: "aes-192-ocb", keyBytes: 24, ivBytes: 15, size: 70_001, aad: true },
  { name: "aes-256-ocb", keyBytes: 32, ivBytes: 12, size: (1 << 20) + 33, aad: false }, // past one pipeline chunk
  { name: "aes-128-gcm-siv", keyBytes: 16, ivBytes: 12, size: 0, aad: true },
  { name: "aes-256-gcm-siv", keyBytes: 32, ivBytes: 12, size: 4097, aad: false },
  { name: "aes-128-gcm-siv", keyBytes: 16, ivBytes: 12, size: 70_001, aad: true },
  { name: "aes-128-siv", keyBytes: 32, ivBytes: 16, size: 0, aad: false },
  { name: "aes-192-siv", keyBytes: 48, ivBytes: 12, size: 100, aad: true },
  { name: "aes-256-siv", keyBytes: 64, ivBytes: 16, size: 70_001, aad: true },
  { name: "aes-128-xts", keyBytes: 32, ivBytes: 16, size: 16, aad: false },
  { name: "aes-256-xts", keyBytes: 64, ivBytes: 16, size: 17, aad: false }, // ciphertext stealing
  { name: "aes-128-xts", keyBytes: 32, ivBytes: 16, size: 100_003, aad: false },
];

const run = (backend: string, args: string[], input?: Uint8Array): Promise<Run> =>
  cli(args, { input, env: { ...process.env, AES_WASM_BACKEND: backend } });

for (const backend of BACKENDS) {
  describe.concurrent(`encrypt/decrypt with the new names [${backend}]`, () => {
    for (const c of CASES) {
      it(`${c.name}: ${c.keyBytes}-byte key, ${c.ivBytes}-byte nonce, ${c.size} bytes${c.aad ? ", --aad" : ""}`, async () => {
        const key = randomBytes(c.keyBytes);
        const iv = randomBytes(c.ivBytes);
        const aad = c.aad ? randomBytes(33) : null;
        const plain = randomBytes(c.size);
        const args = ["--cipher", c.name, "--key", hex(key), "--iv", hex(iv), ...(aad ? ["--aad", hex(aad)] : [])];
        const expected = reference(c, key, iv, aad, plain);
        const enc = await run(backend, ["encrypt", ...args], plain);
        expect(enc.code, enc.stderr).toBe(0);
        expectBytes(enc.stdout, expected, `${c.name}: the reference's bytes`);
        const pin = join(dir, `${backend}-${c.name}-${c.size}.ref`);
        writeFileSync(pin, expected);
        const out = join(dir, `${backend}-${c.name}-${c.size}.dec`);
        const dec = await run(backend, ["decrypt", ...args, "--in", pin, "--out", out]);
        expect(dec.code, dec.stderr).toBe(0);
        expectBytes(readFileSync(out), plain, `${c.name}: the reference's ciphertext decrypted`);
      });
    }

    for (const name of ["aes-256-ccm", "aes-128-ocb", "aes-256-gcm-siv", "aes-192-siv"]) {
      it(`${name}: a changed ciphertext, tag or AAD byte is exit 1 with no output (file or stdout)`, async () => {
        const spec = CASES.find((c) => c.name === name)!;
        const key = randomBytes(spec.keyBytes);
        const iv = randomBytes(spec.ivBytes);
        const aad = randomBytes(20);
        const plain = randomBytes(3000);
        const expected = reference({ ...spec, aad: true }, key, iv, aad, plain);
        const args = ["decrypt", "--cipher", name, "--key", hex(key), "--iv", hex(iv), "--aad", hex(aad)];
        const own = mkdtempSync(join(dir, "tamper-"));
        for (const at of [0, 1500, expected.length - 1]) {
          const bad = Buffer.from(expected);
          bad[at] ^= 0x80;
          const out = join(own, "out");
          const toFile = await run(backend, [...args, "--out", out], bad);
          expect(toFile.code, `${name} byte ${at}`).toBe(1);
          expect(existsSync(out)).toBe(false);
          const toStdout = await run(backend, args, bad);
          expect(toStdout.code).toBe(1);
          expect(toStdout.stdout.length).toBe(0);
        }
        const wrongAad = Buffer.from(aad);
        wrongAad[0] ^= 1;
        const r = await run(backend, ["decrypt", "--cipher", name, "--key", hex(key), "--iv", hex(iv), "--aad", hex(wrongAad)], expected);
        expect(r.code).toBe(1);
        expect(r.stdout.length).toBe(0);
        expect(leftoverTemps(own)).toEqual([]);
      });
    }
  });

  describe.concurrent(`cmac [${backend}]`, () => {
    it("AES-128/192/256 of a file and of stdin: @noble/ciphers' MAC; --tag-length truncates", async () => {
      for (const [keyBytes, size] of [[16, 0], [24, 1000], [32, 70_001]] as const) {
        const key = randomBytes(keyBytes);
        const msg = randomBytes(size);
        const expected = Buffer.from(nobleCmac(msg, key)).toString("hex");
        const f = join(dir, `${backend}-cmac-${keyBytes}.msg`);
        writeFileSync(f, msg);
        const fromFile = await run(backend, ["cmac", "--key", hex(key), "--in", f]);
        expect(fromFile.code, fromFile.stderr).toBe(0);
        expect(fromFile.stdout.toString()).toBe(expected + "\n");
        const fromStdin = await run(backend, ["cmac", "--key", hex(key)], msg);
        expect(fromStdin.stdout.toString()).toBe(expected + "\n");
        if (keyBytes === 24) {
          const short = await run(backend, ["cmac", "--key", hex(key), "--in", f, "--tag-length", "8"]);
          expect(short.stdout.toString()).toBe(expected.slice(0, 16) + "\n");
        }
      }
    });

    it("--verify: OK and exit 0 for the MAC (full or truncated to 8..15 bytes), exit 1 and nothing on stdout for any other", async () => {
      const key = randomBytes(32);
      const msg = randomBytes(5000);
      const mac = Buffer.from(nobleCmac(msg, key));
      const kf = join(dir, `${backend}-cmac.key`);
      writeFileSync(kf, hex(key) + "\n");
      for (const tag of [mac, mac.subarray(0, 8), mac.subarray(0, 12)]) {
        const ok = await run(backend, ["cmac", "--key-file", kf, "--verify", hex(tag)], msg);
        expect(ok.code, ok.stderr).toBe(0);
        expect(ok.stdout.toString()).toBe("OK\n");
      }
      for (const at of [0, 7, 15]) {
        const bad = Buffer.from(mac);
        bad[at] ^= 1;
        const r = await run(backend, ["cmac", "--key-file", kf, "--verify", hex(bad)], msg);
        expect(r.code).toBe(1);
        expect(r.stderr).toMatch(/MAC mismatch/);
        expect(r.stdout.length).toBe(0);
      }
      const changed = Buffer.from(msg);
      changed[4999] ^= 1;
      expect((await run(backend, ["cmac", "--key-file", kf, "--verify", hex(mac)], changed)).code).toBe(1);
    });
  });
}

describe.concurrent("refusals: exit 2 and a message", () => {
  const k = (n: number) => hex(randomBytes(n));
  const cases: [string, string[], RegExp, Uint8Array?][] = [
    ["AES-SIV with a one-AES key", ["encrypt", "--cipher", "aes-256-siv", "--key", k(32), "--iv", k(16)], /key must be 64 bytes for aes-256-siv/],
    ["XTS with a 16-byte key", ["encrypt", "--cipher", "aes-128-xts", "--key", k(16), "--iv", k(16)], /key must be 32 bytes for aes-128-xts/],
    ["XTS with equal halves", ["encrypt", "--cipher", "aes-128-xts", "--key", "ab".repeat(32), "--iv", k(16)], /halves must differ/],
    ["XTS shorter than a block", ["encrypt", "--cipher", "aes-128-xts", "--key", k(32), "--iv", k(16)], /16/, randomBytes(15)],
    ["XTS tweak of 12 bytes", ["encrypt", "--cipher", "aes-256-xts", "--key", k(64), "--iv", k(12)], /--iv must be 16 bytes/],
    ["CCM nonce of 6 bytes", ["encrypt", "--cipher", "aes-128-ccm", "--key", k(16), "--iv", k(6)], /aes-128-ccm needs --iv of 7 to 13 bytes/],
    ["OCB nonce of 16 bytes", ["encrypt", "--cipher", "aes-128-ocb", "--key", k(16), "--iv", k(16)], /aes-128-ocb needs --iv of 1 to 15 bytes/],
    ["GCM-SIV nonce of 16 bytes", ["encrypt", "--cipher", "aes-128-gcm-siv", "--key", k(16), "--iv", k(16)], /--iv must be 12 bytes/],
    ["no AES-192-GCM-SIV (RFC 8452 has 128 and 256)", ["encrypt", "--cipher", "aes-192-gcm-siv", "--key", k(24), "--iv", k(12)], /unknown cipher "aes-192-gcm-siv"/],
    ["--aad on XTS", ["encrypt", "--cipher", "aes-128-xts", "--key", k(32), "--iv", k(16), "--aad", "00"], /--aad applies to the AEAD ciphers only/],
    ["cmac with a 20-byte key", ["cmac", "--key", k(20)], /--key must be 16, 24, 32 bytes/],
    ["cmac --verify of 7 bytes", ["cmac", "--key", k(16), "--verify", k(7)], /--verify must be 8 to 16 bytes/],
    ["cmac --tag-length 17", ["cmac", "--key", k(16), "--tag-length", "17"], /--tag-length must be an integer from 8 to 16/],
  ];
  for (const [label, args, message, input] of cases) {
    it(label, async () => {
      const r = await cli(args, { input: input ?? randomBytes(64) });
      expect(r.stderr).toMatch(message);
      expect(r.code).toBe(2);
      expect(r.stdout.length).toBe(0);
    });
  }

  it("a whole-message cipher over 64 MiB is refused before reading (a sparse 65 MiB file)", async () => {
    const big = join(dir, "sparse.bin");
    const fd = openSync(big, "w");
    ftruncateSync(fd, 65 << 20);
    closeSync(fd);
    for (const name of ["aes-128-ccm", "aes-256-gcm-siv", "aes-128-siv"]) {
      const keyBytes = name.endsWith("-siv") && !name.includes("gcm") ? 32 : Number(name.split("-")[1]) / 8;
      const out = join(dir, `sparse-${name}.out`);
      const r = await cli(["encrypt", "--cipher", name, "--key", k(keyBytes), "--iv", k(12), "--in", big, "--out", out]);
      expect(r.stderr, name).toMatch(/processes its whole input as one message in memory, at most 64 MiB/);
      expect(r.code).toBe(2);
      expect(existsSync(out)).toBe(false);
    }
  });
});

describe.concurrent("the new names in enc and with a drawn IV", () => {
  it("enc -<name> with a password: round trip, Salted__ header, the note on stderr; a bad tag is exit 1", async () => {
    for (const name of ["aes-128-ccm", "aes-192-ocb", "aes-256-gcm-siv", "aes-256-siv", "aes-128-xts"]) {
      const plain = randomBytes(2000);
      const args = [`-${name}`, "-pbkdf2", "-pass", "pass:pw"];
      const enc = await cli(["enc", ...args], { input: plain });
      expect(enc.code, `${name}: ${enc.stderr}`).toBe(0);
      expect(enc.stdout.subarray(0, 8).toString()).toBe("Salted__");
      expect(enc.stderr).toMatch(name.endsWith("xts") ? /openssl enc refuses XTS/ : /openssl enc refuses AEAD ciphers/);
      const dec = await cli(["enc", "-d", ...args], { input: enc.stdout });
      expect(dec.code, dec.stderr).toBe(0);
      expectBytes(dec.stdout, plain, name);
      if (!name.endsWith("xts")) {
        const bad = Buffer.from(enc.stdout);
        bad[100] ^= 4;
        expect((await cli(["enc", "-d", ...args], { input: bad })).code, name).toBe(1);
      }
    }
  });

  it("encrypt without --iv: a random nonce of the standard length, printed or prepended, and decrypt takes it back", async () => {
    for (const [name, keyBytes, ivBytes] of [["aes-128-ccm", 16, 12], ["aes-128-ocb", 16, 12], ["aes-128-gcm-siv", 16, 12], ["aes-128-siv", 32, 16], ["aes-256-xts", 64, 16]] as const) {
      const key = hex(randomBytes(keyBytes));
      const plain = randomBytes(1000);
      const printed = await cli(["encrypt", "--cipher", name, "--key", key], { input: plain });
      expect(printed.code, printed.stderr).toBe(0);
      const iv = new RegExp(`iv=([0-9a-f]{${ivBytes * 2}}) `).exec(printed.stderr)?.[1];
      expect(iv, name).toBeDefined();
      expectBytes((await cli(["decrypt", "--cipher", name, "--key", key, "--iv", iv!], { input: printed.stdout })).stdout, plain, name);
      const prepended = await cli(["encrypt", "--cipher", name, "--key", key, "--prepend-iv"], { input: plain });
      expect(prepended.stdout.length).toBe(ivBytes + printed.stdout.length);
      expectBytes((await cli(["decrypt", "--cipher", name, "--key", key, "--prepend-iv"], { input: prepended.stdout })).stdout, plain, `${name} --prepend-iv`);
    }
  });
});
