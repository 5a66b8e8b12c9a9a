// AES-KW (RFC 3394) and AES-KWP (RFC 5649): every Wycheproof aes_wrap_test.json and
// aes_kwp_test.json case with its verdict, on both backends; then random lengths against
// node:crypto's id-aes*-wrap / id-aes*-wrap-pad and WebCrypto's AES-KW.
import { readFileSync } from "node:fs";
import { createCipheriv, webcrypto } from "node:crypto";
import { expect, it } from "vitest";
import { aesKey, bytesToHex, DataLengthError, DecryptionError, hexToBytes } from "../src/index.js";
import { describeEachBackend } from "./helpers/backends.js";
import { randomBytes, rng } from "./helpers/random.js";

interface KeywrapTest {
  tcId: number; comment: string; flags: string[]; key: string; msg: string; ct: string;
  result: "valid" | "invalid" | "acceptable";
}
interface KeywrapFile { numberOfTests: number; testGroups: { keySize: number; tests: KeywrapTest[] }[] }

function load(name: string): KeywrapTest[] {
  const file = JSON.parse(readFileSync(new URL(`./vectors/wycheproof/${name}`, import.meta.url), "utf8")) as KeywrapFile;
  const tests = file.testGroups.flatMap((g) => g.tests);
  expect(tests.length).toBe(file.numberOfTests);
  return tests;
}

const FILES = [
  { name: "aes_wrap_test.json", mode: "kw" as const, counts: { valid: 36, invalid: 126, acceptable: 3 } },
  { name: "aes_kwp_test.json", mode: "kwp" as const, counts: { valid: 77, invalid: 177, acceptable: 0 } },
];

function tryRun(f: () => Uint8Array): Uint8Array | Error {
  try {
    return f();
  } catch (e) {
    return e as Error;
  }
}

describeEachBackend("AES-KW / AES-KWP: Wycheproof", () => {
  for (const { name, mode, counts } of FILES) {
    it(`${name}: every case gets its verdict`, () => {
      const tests = load(name);
      const failures: string[] = [];
      const seen = { valid: 0, invalid: 0, acceptable: 0 };
      for (const t of tests) {
        seen[t.result]++;
        const where = `tcId ${t.tcId} (${t.comment || t.flags.join(",")})`;
        const key = aesKey(hexToBytes(t.key));
        try {
          const wrapper = mode === "kw" ? key.kw() : key.kwp();
          const wrapped = tryRun(() => wrapper.wrap(hexToBytes(t.msg)));
          const unwrapped = tryRun(() => wrapper.unwrap(hexToBytes(t.ct)));
          if (t.result === "valid") {
            if (wrapped instanceof Error || bytesToHex(wrapped) !== t.ct) failures.push(`${where}: wrap gave ${String(wrapped instanceof Error ? wrapped : bytesToHex(wrapped))}`);
            if (unwrapped instanceof Error || bytesToHex(unwrapped) !== t.msg) failures.push(`${where}: unwrap gave ${String(unwrapped instanceof Error ? unwrapped : bytesToHex(unwrapped))}`);
          } else if (t.result === "invalid") {
            // Unwrapping an invalid ciphertext is the generic DecryptionError. Wrapping its
            // message must be refused too when the message itself is what is wrong (sizes).
            if (!(unwrapped instanceof DecryptionError)) failures.push(`${where}: unwrap gave ${String(unwrapped instanceof Error ? unwrapped : bytesToHex(unwrapped))}`);
            if (!(wrapped instanceof Error) && bytesToHex(wrapped) === t.ct) failures.push(`${where}: wrap produced the invalid ciphertext`);
            if (wrapped instanceof Error && !(wrapped instanceof DataLengthError)) failures.push(`${where}: wrap threw ${String(wrapped)}`);
          } else {
            // 'acceptable' here is wrapping an 8-byte key (RFC 3394 allows it, SP 800-38F does
            // not define it). This library follows SP 800-38F: refused both ways.
            expect(t.flags).toContain("ShortKey");
            if (!(wrapped instanceof DataLengthError)) failures.push(`${where}: 8-byte wrap not refused`);
            if (!(unwrapped instanceof DecryptionError)) failures.push(`${where}: 16-byte unwrap not refused`);
          }
        } finally {
          key.dispose();
        }
      }
      expect(failures).toEqual([]);
      expect(seen).toEqual(counts);
    });
  }
});

describeEachBackend("AES-KW / AES-KWP: differential", (backend) => {
  const rounds = backend === "js" ? 20 : 200;

  it(`${rounds} random keys and lengths vs node:crypto id-aes*-wrap and id-aes*-wrap-pad (seed 5)`, () => {
    const next = rng(5);
    for (let i = 0; i < rounds; i++) {
      const bits = [128, 192, 256][i % 3];
      const k = randomBytes(next, bits / 8);
      const key = aesKey(k);
      const kwData = randomBytes(next, 16 + 8 * Math.floor(next() * 40));
      const kwpData = randomBytes(next, 1 + Math.floor(next() * 300));
      const kw = createCipheriv(`id-aes${bits}-wrap`, k, Buffer.from("a6a6a6a6a6a6a6a6", "hex"));
      const kwExpected = Buffer.concat([kw.update(kwData), kw.final()]);
      const kwp = createCipheriv(`id-aes${bits}-wrap-pad`, k, Buffer.from("a65959a6", "hex"));
      const kwpExpected = Buffer.concat([kwp.update(kwpData), kwp.final()]);
      expect(bytesToHex(key.kw().wrap(kwData))).toBe(kwExpected.toString("hex"));
      expect(bytesToHex(key.kw().unwrap(kwExpected))).toBe(bytesToHex(kwData));
      expect(bytesToHex(key.kwp().wrap(kwpData))).toBe(kwpExpected.toString("hex"));
      expect(bytesToHex(key.kwp().unwrap(kwpExpected))).toBe(bytesToHex(kwpData));
      key.dispose();
    }
  });

  it("vs WebCrypto AES-KW wrapping raw AES keys of 16, 24 and 32 bytes", async () => {
    const { subtle } = webcrypto;
    const next = rng(55);
    for (const kekBits of [128, 192, 256]) {
      for (const dataBits of [128, 192, 256]) {
        const kekBytes = randomBytes(next, kekBits / 8);
        const data = randomBytes(next, dataBits / 8);
        const kek = await subtle.importKey("raw", kekBytes, "AES-KW", false, ["wrapKey", "unwrapKey"]);
        const inner = await subtle.importKey("raw", data, "AES-CBC", true, ["encrypt"]);
        const expected = new Uint8Array(await subtle.wrapKey("raw", inner, kek, "AES-KW"));
        const key = aesKey(kekBytes);
        expect(bytesToHex(key.kw().wrap(data))).toBe(bytesToHex(expected));
        expect(bytesToHex(key.kw().unwrap(expected))).toBe(bytesToHex(data));
        key.dispose();
      }
    }
  });

  it("a flipped bit anywhere in a wrapped key is the generic DecryptionError", () => {
    const key = aesKey(new Uint8Array(16).fill(1));
    for (const wrapper of [key.kw(), key.kwp()]) {
      const wrapped = wrapper.wrap(new Uint8Array(24).fill(2));
      for (let bit = 0; bit < wrapped.length * 8; bit += 7) {
        const bad = wrapped.slice();
        bad[bit >> 3] ^= 1 << (bit & 7);
        expect(() => wrapper.unwrap(bad)).toThrow(DecryptionError);
      }
    }
    key.dispose();
  });

  it("bad lengths: wrap refuses with DataLengthError, unwrap with DecryptionError", () => {
    const key = aesKey(new Uint8Array(16));
    for (const n of [0, 8, 15, 17, 23]) expect(() => key.kw().wrap(new Uint8Array(n))).toThrow(DataLengthError);
    expect(() => key.kwp().wrap(new Uint8Array(0))).toThrow(DataLengthError);
    for (const n of [0, 8, 16, 23, 25]) expect(() => key.kw().unwrap(new Uint8Array(n))).toThrow(DecryptionError);
    for (const n of [0, 8, 15, 17]) expect(() => key.kwp().unwrap(new Uint8Array(n))).toThrow(DecryptionError);
    key.dispose();
  });
});
