// GMAC (SP 800-38D: GCM with an empty plaintext, the message as AAD) against Wycheproof
// aes_gmac_test.json, all 414 cases (96- and 128-bit IVs, every key size), through key.gcm():
// a valid case's tag is produced by encrypting nothing and verifies; an invalid one is refused
// with DecryptionError. Both backends; vectors only, so it also runs in the browser.
import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { aesKey, bytesToHex, DecryptionError, hexToBytes } from "../src/index.js";
import { describeEachBackend } from "./helpers/backends.js";

interface GmacTest { tcId: number; key: string; iv: string; msg: string; tag: string; result: "valid" | "invalid" | "acceptable" }
interface GmacFile { numberOfTests: number; testGroups: { tagSize: number; tests: GmacTest[] }[] }

const file = JSON.parse(readFileSync(new URL("./vectors/wycheproof/aes_gmac_test.json", import.meta.url), "utf8")) as GmacFile;
const tests = file.testGroups.flatMap((g) => g.tests);

describeEachBackend("GMAC through GCM, Wycheproof", () => {
  it(`aes_gmac_test.json: all ${file.numberOfTests} cases give their verdict`, () => {
    expect(tests.length).toBe(file.numberOfTests);
    const failures: string[] = [];
    let valid = 0;
    for (const t of tests) {
      const key = aesKey(hexToBytes(t.key));
      try {
        const aad = hexToBytes(t.msg);
        const iv = hexToBytes(t.iv);
        let verdict: string;
        try {
          key.gcm(iv, { aad }).decrypt(hexToBytes(t.tag));
          verdict = "verifies";
        } catch (e) {
          verdict = e instanceof DecryptionError ? "refused" : `other ${(e as Error).name}`;
        }
        if (t.result === "valid") {
          valid++;
          const tag = bytesToHex(key.gcm(iv, { aad }).encrypt(new Uint8Array(0)));
          if (tag !== t.tag) failures.push(`tcId ${t.tcId}: tag ${tag}`);
          if (verdict !== "verifies") failures.push(`tcId ${t.tcId}: ${verdict}`);
        } else if (verdict !== "refused") {
          failures.push(`tcId ${t.tcId} (${t.result}): ${verdict}`);
        }
      } finally {
        key.dispose();
      }
    }
    expect(failures).toEqual([]);
    expect(valid).toBe(90);
  });
});
