// The built-in self-test (aes-wasm/selftest): its GCM and AES-KW/KWP known answers, embedded by
// scripts/embed.mjs from test/vectors, pass on both backends, and its checkers really fail on a
// wrong answer (a self-test that cannot fail proves nothing).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { checkGcmKnownAnswer, checkKeyWrapKnownAnswer, selfTest, type GcmKnownAnswer, type KeyWrapKnownAnswer } from "../src/selftest/run.js";
import { GCM, KEY_WRAP, SP800_38A } from "../src/selftest/vectors.js";
import { describeEachBackend } from "./helpers/backends.js";

/** Flips the lowest bit of the last hex digit. */
const flip = (hex: string) => hex.slice(0, -1) + (parseInt(hex.slice(-1), 16) ^ 1).toString(16);

describe("embedded vectors", () => {
  it("cover the GCM and key-wrap cases the self-test is meant to have", () => {
    expect(SP800_38A).toHaveLength(42);
    const gcmIvBits = new Set(GCM.map((v) => v.iv.length * 4));
    expect([...gcmIvBits].sort((a, b) => a - b)).toEqual([8, 96, 128, 1024]); // CAVP IVlen 8 is one byte
    expect(GCM.some((v) => v.tag.length === 8)).toBe(true); // a 32-bit tag
    expect(GCM.filter((v) => !v.valid).length).toBeGreaterThanOrEqual(2); // CAVP FAIL, Wycheproof flipped tag
    expect(new Set(GCM.map((v) => v.key.length * 4))).toEqual(new Set([128, 192, 256]));
    expect(KEY_WRAP.filter((v) => v.mode === "KW" && v.valid && /RFC 3394/.test(v.name))).toHaveLength(3);
    expect(KEY_WRAP.filter((v) => v.mode === "KWP" && v.valid && /RFC 5649/.test(v.name))).toHaveLength(2);
    expect(KEY_WRAP.filter((v) => v.mode === "KWP" && v.valid && v.keyData.length <= 16).length).toBeGreaterThanOrEqual(2); // one-block wraps
    expect(KEY_WRAP.filter((v) => !v.valid).map((v) => v.mode).sort()).toEqual(["KW", "KWP", "KWP"]);
  });

  it("are the Wycheproof cases they are named after", () => {
    const files = { aes_gcm: "aes_gcm_test.json", aes_wrap: "aes_wrap_test.json", aes_kwp: "aes_kwp_test.json" } as const;
    const byId = Object.fromEntries(Object.entries(files).map(([k, f]) => {
      const json = JSON.parse(readFileSync(new URL(`./vectors/wycheproof/${f}`, import.meta.url), "utf8"));
      return [k, new Map(json.testGroups.flatMap((g: { tests: { tcId: number }[] }) => g.tests.map((t) => [t.tcId, t])))];
    }));
    const named = [...GCM, ...KEY_WRAP].filter((v) => v.name.startsWith("Wycheproof"));
    expect(named.length).toBeGreaterThan(10);
    for (const v of named) {
      const [, file, id] = /^Wycheproof (\w+) tcId (\d+)/.exec(v.name)!;
      const t = byId[file].get(Number(id)) as Record<string, string>;
      expect(t.key, v.name).toBe(v.key);
      expect(t.ct, v.name).toBe("ciphertext" in v ? v.ciphertext : v.wrapped);
      expect(t.result === "valid", v.name).toBe(v.valid);
    }
  });
});

describeEachBackend("selfTest()", () => {
  it("passes every source, GCM and AES-KW/KWP included", () => {
    const results = selfTest();
    expect(results.map((r) => r.source)).toEqual([
      "FIPS 197 Appendix C",
      "SP 800-38A Appendix F",
      "GCM (SP 800-38D): NIST CAVP and Wycheproof",
      "AES-KW/KWP (RFC 3394, RFC 5649): Wycheproof",
    ]);
    for (const r of results) {
      expect(r.failures, r.source).toEqual([]);
      expect(r.passed, r.source).toBe(r.total);
    }
  });

  it("GCM check fails on a wrong ciphertext, tag or plaintext, and on a refused input taken for valid", () => {
    const valid = GCM.find((v) => v.valid && v.plaintext.length > 0)!;
    const invalid = GCM.find((v) => !v.valid)!;
    expect(checkGcmKnownAnswer(valid)).toBe(true);
    expect(checkGcmKnownAnswer(invalid)).toBe(true);
    const wrong: GcmKnownAnswer[] = [
      { ...valid, ciphertext: flip(valid.ciphertext) },
      { ...valid, tag: flip(valid.tag) },
      { ...valid, plaintext: flip(valid.plaintext) },
      { ...valid, aad: valid.aad + "00" },
      { ...valid, valid: false }, // decrypts fine, so "must be refused" fails
      { ...invalid, valid: true },
    ];
    for (const v of wrong) expect(checkGcmKnownAnswer(v), JSON.stringify(v)).toBe(false);
  });

  it("key-wrap check fails on a wrong wrapped value or key, and on a refused input taken for valid", () => {
    for (const mode of ["KW", "KWP"] as const) {
      const valid = KEY_WRAP.find((v) => v.mode === mode && v.valid)!;
      const invalid = KEY_WRAP.find((v) => v.mode === mode && !v.valid)!;
      expect(checkKeyWrapKnownAnswer(valid)).toBe(true);
      expect(checkKeyWrapKnownAnswer(invalid)).toBe(true);
      const wrong: KeyWrapKnownAnswer[] = [
        { ...valid, wrapped: flip(valid.wrapped) },
        { ...valid, keyData: flip(valid.keyData) },
        { ...valid, valid: false },
        { ...invalid, valid: true },
      ];
      for (const v of wrong) expect(checkKeyWrapKnownAnswer(v), `${mode} ${JSON.stringify(v)}`).toBe(false);
    }
  });
});
