// The GCM known-answer suite in Chromium, unchanged (every Wycheproof aes_gcm case and the six
// NIST CAVP GCM files, read through the node:fs shim), and the Wycheproof AES-KW cases checked
// in the page against both the verdict and the page's own crypto.subtle AES-KW. (test/kw.test.ts
// itself cannot be imported here: its differential half needs node:crypto's id-aes*-wrap.)
import "../gcm-vectors.test.js";
import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { aesKey, bytesToHex, hexToBytes } from "../../src/index.js";
import { describeEachBackend } from "../helpers/backends.js";

interface KeywrapTest { tcId: number; key: string; msg: string; ct: string; result: "valid" | "invalid" | "acceptable" }
interface KeywrapFile { numberOfTests: number; testGroups: { keySize: number; tests: KeywrapTest[] }[] }

const file = JSON.parse(readFileSync(new URL("../vectors/wycheproof/aes_wrap_test.json", import.meta.url), "utf8")) as KeywrapFile;
const tests = file.testGroups.flatMap((g) => g.tests);
const web = globalThis.crypto.subtle;
// Chromium's AES-KW unwraps into any key type; HMAC takes raw keys of any length, so the
// unwrapped bytes come back out with exportKey.
const HMAC = { name: "HMAC", hash: "SHA-256" };

async function webUnwrap(kek: Uint8Array, ct: Uint8Array): Promise<string> {
  try {
    const k = await web.importKey("raw", kek as BufferSource, "AES-KW", false, ["unwrapKey"]);
    const inner = await web.unwrapKey("raw", ct as BufferSource, k, "AES-KW", HMAC, true, ["sign"]);
    return bytesToHex(new Uint8Array(await web.exportKey("raw", inner)));
  } catch (e) {
    return `rejects ${(e as Error).name}`;
  }
}

function ourUnwrap(kek: Uint8Array, ct: Uint8Array): string {
  const key = aesKey(kek);
  try {
    return bytesToHex(key.kw().unwrap(ct));
  } catch (e) {
    return `rejects ${(e as Error).name}`;
  } finally {
    key.dispose();
  }
}

describeEachBackend("AES-KW Wycheproof in the page, against the page's crypto.subtle", () => {
  it(`aes_wrap_test.json: ${tests.length} cases, the verdict and Chromium agree with ours`, async () => {
    expect(tests.length).toBe(file.numberOfTests);
    const failures: string[] = [];
    let crossChecked = 0;
    for (const t of tests) {
      const kek = hexToBytes(t.key);
      const ct = hexToBytes(t.ct);
      const ours = ourUnwrap(kek, ct);
      // valid: unwraps to msg; invalid: refused; acceptable (8-byte keys, RFC 3394 only): we refuse
      const verdictOk = t.result === "valid" ? ours === t.msg : ours === "rejects DecryptionError";
      if (!verdictOk) failures.push(`tcId ${t.tcId} (${t.result}): ours ${ours}`);
      if (kek.length !== 24 && t.result !== "acceptable" && t.msg.length > 0) { // Chromium has no 192-bit AES
        const theirs = await webUnwrap(kek, ct);
        crossChecked++;
        if ((theirs === t.msg) !== (ours === t.msg)) failures.push(`tcId ${t.tcId}: chromium ${theirs}, ours ${ours}`);
      }
    }
    expect(failures).toEqual([]);
    expect(crossChecked).toBeGreaterThan(80); // the 128- and 256-bit KEK cases
  });
});
