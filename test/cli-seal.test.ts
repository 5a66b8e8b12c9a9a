// seal / open through the binary: round trips at sizes around the chunk size, stdin/stdout,
// and refusal (exit 1, no output file, existing output untouched) of a truncated, bit-flipped,
// reordered, header-edited or wrong-key file; also GCM in raw mode against node:crypto.
// Needs AES-GCM in the library (src/modes/gcm.ts, another issue): until the built binary has
// it these suites are skipped with that reason. The format's pure parts are tested regardless.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SealFormatError } from "../src/cli/errors.js";
import { chunkIv, encodeHeader, parseHeader, SEAL_HEADER_BYTES } from "../src/cli/seal-format.js";
import { expectBytes } from "./helpers/bytes.js";
import { assertBuilt, binaryHasGcm, binaryHasRawGcm, cli, leftoverTemps, removeDir, scratchDir, hex } from "./helpers/cli.js";

const gcmAvailable = binaryHasGcm();
const rawGcmAvailable = gcmAvailable && binaryHasRawGcm();
const SKIP_REASON = "skipped: the built library has no AES-GCM yet (key.gcm / aes-256-gcm land with the GCM issue)";
if (!gcmAvailable) console.warn(`cli-seal.test.ts: seal/open and raw GCM suites ${SKIP_REASON}`);
else if (!rawGcmAvailable) console.warn("cli-seal.test.ts: raw GCM suite skipped: createCipheriv('aes-256-gcm') is not in the facade yet");

const CHUNK = 1024; // small chunks (--chunk-size) so small files have many of them
const RECORD = CHUNK + 16;

let dir: string;
let keyFile: string;
let master: Buffer;
beforeAll(() => {
  assertBuilt();
  dir = scratchDir();
  master = randomBytes(32);
  keyFile = join(dir, "master.key");
  writeFileSync(keyFile, master.toString("hex") + "\n");
});
afterAll(() => removeDir(dir));

const sealArgs = () => ["--key-file", keyFile];

async function seal(plain: Uint8Array, extra: string[] = []): Promise<Buffer> {
  const r = await cli(["seal", ...sealArgs(), "--chunk-size", String(CHUNK), ...extra], { input: plain });
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  return r.stdout;
}

/** Opens `sealed` into a file; returns the run and whether an output file exists afterwards. */
async function openToFile(sealed: Uint8Array, name: string, key = keyFile) {
  const out = join(dir, name);
  const r = await cli(["open", "--key-file", key, "--out", out], { input: sealed });
  return { r, out, exists: existsSync(out) };
}

describe("the format's header (no GCM needed)", () => {
  it("encodes and parses back; magic, version, cipher and chunk size are checked", () => {
    const nonce = randomBytes(16);
    const h = encodeHeader({ chunkSize: 65536, nonce });
    expect(h.length).toBe(SEAL_HEADER_BYTES);
    expect(Buffer.from(h.subarray(0, 8)).toString()).toBe("AESWSEAL");
    expect(parseHeader(h)).toEqual({ chunkSize: 65536, nonce: new Uint8Array(nonce) });
    for (const [at, value, message] of [[0, 0x41 ^ 1, /not an aes-wasm sealed file/], [8, 2, /version 2 is not supported/],
      [9, 7, /cipher 7 is not supported/], [10, 1, /reserved/], [12, 0x7f, /chunk size/]] as const) {
      const bad = h.slice();
      bad[at] = value;
      expect(() => parseHeader(bad)).toThrow(SealFormatError);
      expect(() => parseHeader(bad)).toThrow(message);
    }
  });

  it("chunk IVs: 3 zero bytes, the index big-endian, the last flag", () => {
    expect(Buffer.from(chunkIv(0, false)).toString("hex")).toBe("000000000000000000000000");
    expect(Buffer.from(chunkIv(0x0102, true)).toString("hex")).toBe("000000000000000000010201");
  });
});

describe.skipIf(!gcmAvailable)("seal / open round trips", () => {
  for (const size of [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 5 * CHUNK, 5 * CHUNK + 333]) {
    it(`${size} bytes`, async () => {
      const plain = randomBytes(size);
      const sealed = await seal(plain);
      const chunks = Math.max(1, Math.ceil(size / CHUNK));
      expect(sealed.length).toBe(SEAL_HEADER_BYTES + size + 16 * chunks);
      const { r, out } = await openToFile(sealed, `rt-${size}.out`);
      expect(r.code).toBe(0);
      expectBytes(readFileSync(out), plain);
    });
  }

  it("the chunks are AES-256-GCM under HKDF-SHA256(key, nonce) as documented (checked with node:crypto)", async () => {
    const plain = randomBytes(2 * CHUNK + 5);
    const sealed = await seal(plain);
    const header = sealed.subarray(0, SEAL_HEADER_BYTES);
    const key = Buffer.from(hkdfSync("sha256", master, header.subarray(16, 32), Buffer.from("aes-wasm seal v1"), 32));
    const parts: Buffer[] = [];
    for (let i = 0, off = SEAL_HEADER_BYTES; off < sealed.length; i++, off += RECORD) {
      const rec = sealed.subarray(off, Math.min(off + RECORD, sealed.length));
      const iv = Buffer.alloc(12);
      iv.writeBigUInt64BE(BigInt(i), 3);
      iv[11] = off + RECORD >= sealed.length ? 1 : 0;
      const d = createDecipheriv("aes-256-gcm", key, iv);
      d.setAAD(header);
      d.setAuthTag(rec.subarray(rec.length - 16));
      parts.push(d.update(rec.subarray(0, rec.length - 16)), d.final());
    }
    expectBytes(Buffer.concat(parts), plain);
  });

  it("stdin to stdout, 64 KiB default chunks, and a large input", async () => {
    const plain = randomBytes(3 * 65536 + 10);
    const s = await cli(["seal", ...sealArgs()], { input: plain });
    expect(s.code).toBe(0);
    const o = await cli(["open", ...sealArgs()], { input: s.stdout });
    expect(o.code).toBe(0);
    expectBytes(o.stdout, plain);
  });

  it("--nonce-store draws the file nonce from a NonceSource (a store file appears; nonces differ)", async () => {
    const store = join(dir, "nonces");
    const a = await seal(randomBytes(10), ["--nonce-store", store]);
    const b = await seal(randomBytes(10), ["--nonce-store", store]);
    expect(existsSync(store)).toBe(true);
    expect(a.subarray(16, 32).equals(b.subarray(16, 32))).toBe(false);
    // N|0|C layout: byte 6 of a NonceSource counter block is the zero headroom byte.
    expect(a[16 + 6]).toBe(0);
  });
});

describe.skipIf(!gcmAvailable)("damaged sealed files are refused: exit 1, no output file", () => {
  const plain = randomBytes(4 * CHUNK + 100);
  let sealed: Buffer;
  beforeAll(async () => {
    sealed = await seal(plain);
  });

  const damages: [string, (s: Buffer) => Buffer][] = [
    ["truncated mid-chunk", (s) => s.subarray(0, s.length - 50)],
    ["truncated at a chunk boundary", (s) => s.subarray(0, SEAL_HEADER_BYTES + 2 * RECORD)],
    ["only the header", (s) => s.subarray(0, SEAL_HEADER_BYTES)],
    ["one bit flipped in a chunk", (s) => { const t = Buffer.from(s); t[SEAL_HEADER_BYTES + RECORD + 7] ^= 1; return t; }],
    ["one bit flipped in a tag", (s) => { const t = Buffer.from(s); t[t.length - 1] ^= 0x80; return t; }],
    ["one bit flipped in the header nonce", (s) => { const t = Buffer.from(s); t[20] ^= 1; return t; }],
    ["two chunks swapped", (s) => Buffer.concat([s.subarray(0, SEAL_HEADER_BYTES), s.subarray(SEAL_HEADER_BYTES + RECORD, SEAL_HEADER_BYTES + 2 * RECORD),
      s.subarray(SEAL_HEADER_BYTES, SEAL_HEADER_BYTES + RECORD), s.subarray(SEAL_HEADER_BYTES + 2 * RECORD)])],
    ["a chunk dropped", (s) => Buffer.concat([s.subarray(0, SEAL_HEADER_BYTES + RECORD), s.subarray(SEAL_HEADER_BYTES + 2 * RECORD)])],
    ["bytes appended", (s) => Buffer.concat([s, Buffer.alloc(20)])],
    ["not a sealed file", () => randomBytes(5000)],
  ];
  it.concurrent.each(damages)("%s", async (label, damage) => {
    const { r, exists } = await openToFile(damage(sealed), `damaged-${label.replace(/\W+/g, "-")}.out`);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/authentication failed|not an aes-wasm sealed file/);
    expect(exists).toBe(false);
  });

  it("a different key is refused and an existing output is left untouched", async () => {
    const other = join(dir, "other.key");
    writeFileSync(other, randomBytes(32));
    const out = join(dir, "keep.txt");
    writeFileSync(out, "precious\n");
    const r = await cli(["open", "--key-file", other, "--out", out], { input: sealed });
    expect(r.code).toBe(1);
    expect(readFileSync(out, "utf8")).toBe("precious\n");
    expect(leftoverTemps(dir)).toEqual([]);
  });
});

describe.skipIf(!rawGcmAvailable)("raw GCM (encrypt/decrypt --cipher aes-256-gcm): tag appended, checked before output is kept", () => {
    it("matches node:crypto; a flipped bit gives exit 1 and no output, on a file and on stdout", async () => {
    const key = randomBytes(32);
    const iv = randomBytes(12);
    const aad = randomBytes(20);
    const plain = randomBytes(100_003);
    const c = createCipheriv("aes-256-gcm", key, iv);
    c.setAAD(aad);
    const expected = Buffer.concat([c.update(plain), c.final(), c.getAuthTag()]);
    const args = ["--cipher", "aes-256-gcm", "--key", hex(key), "--iv", hex(iv), "--aad", hex(aad)];
    const enc = await cli(["encrypt", ...args], { input: plain });
    expect(enc.code).toBe(0);
    expectBytes(enc.stdout, expected);
    const dec = await cli(["decrypt", ...args], { input: expected });
    expectBytes(dec.stdout, plain);
    const bad = Buffer.from(expected);
    bad[5] ^= 1;
    const toStdout = await cli(["decrypt", ...args], { input: bad });
    expect(toStdout.code).toBe(1);
    expect(toStdout.stdout.length).toBe(0);
    const out = join(dir, "gcm.out");
    const toFile = await cli(["decrypt", ...args, "--out", out], { input: bad });
    expect(toFile.code).toBe(1);
    expect(existsSync(out)).toBe(false);
  });

  it.concurrent.each(["aes-128-gcm", "aes-192-gcm"])("%s round trips and matches node:crypto", async (name) => {
    const key = randomBytes(Number(name.split("-")[1]) / 8);
    const iv = randomBytes(12);
    const plain = randomBytes(70_001);
    const c = createCipheriv(name as "aes-128-gcm", key, iv);
    const expected = Buffer.concat([c.update(plain), c.final(), c.getAuthTag()]);
    const args = ["--cipher", name, "--key", hex(key), "--iv", hex(iv)];
    const enc = await cli(["encrypt", ...args], { input: plain });
    expectBytes(enc.stdout, expected);
    const dec = await cli(["decrypt", ...args], { input: enc.stdout });
    expect(dec.code).toBe(0);
    expectBytes(dec.stdout, plain);
  });
});
