// AES-GCM-SIV against Wycheproof aes_gcm_siv_test.json: all 202 cases, valid and invalid, each
// with its verdict (they include RFC 8452 Appendix C's known-answer tests, flag "Ktv", and the
// counter-wrap cases, flag "WrappedIv"), on both backends. Vectors only: this file also runs in
// the browser.
import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { aesKey, bytesToHex, DecryptionError, hexToBytes } from "../src/index.js";
import { describeEachBackend } from "./helpers/backends.js";

interface SivTest {
  tcId: number; flags: string[]; key: string; iv: string; aad: string; msg: string; ct: string; tag: string;
  result: "valid" | "invalid" | "acceptable";
}
interface SivFile { numberOfTests: number; testGroups: { keySize: number; ivSize: number; tagSize: number; tests: SivTest[] }[] }

const file = JSON.parse(readFileSync(new URL("./vectors/wycheproof/aes_gcm_siv_test.json", import.meta.url), "utf8")) as SivFile;
const tests = file.testGroups.flatMap((g) => g.tests);

describeEachBackend("AES-GCM-SIV Wycheproof", () => {
  it(`aes_gcm_siv_test.json: all ${file.numberOfTests} cases give their verdict`, () => {
    expect(tests.length).toBe(file.numberOfTests);
    const failures: string[] = [];
    let valid = 0, refused = 0;
    for (const t of tests) {
      const key = aesKey(hexToBytes(t.key));
      try {
        const mode = key.gcmSiv(hexToBytes(t.iv), { aad: hexToBytes(t.aad) });
        const sealed = hexToBytes(t.ct + t.tag);
        let opened: string;
        try {
          opened = bytesToHex(mode.decrypt(sealed));
        } catch (e) {
          opened = e instanceof DecryptionError ? "DecryptionError" : `other ${(e as Error).name}`;
        }
        if (t.result === "valid") {
          valid++;
          const ct = bytesToHex(mode.encrypt(hexToBytes(t.msg)));
          if (ct !== t.ct + t.tag) failures.push(`tcId ${t.tcId}: encrypt gave ${ct}`);
          if (opened !== t.msg) failures.push(`tcId ${t.tcId}: decrypt gave ${opened}`);
        } else {
          refused++;
          if (opened !== "DecryptionError") failures.push(`tcId ${t.tcId} (${t.result}): decrypt gave ${opened}`);
        }
      } finally {
        key.dispose();
      }
    }
    expect(failures).toEqual([]);
    expect(valid + refused).toBe(202);
    expect(tests.filter((t) => t.flags.includes("Ktv")).length).toBeGreaterThan(0);
  });
});
