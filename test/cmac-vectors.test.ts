// AES-CMAC against the official vectors: the SP 800-38B examples (D.1–D.3, AES-128/192/256, as
// transcribed by pyca/cryptography) and every Wycheproof aes_cmac_test.json case (valid tags,
// modified tags that verify() must refuse, and key sizes that must be refused). Vectors only
// (no node:crypto): this file also runs in the browser (test/browser/constructions-vectors).
import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { aesKey, bytesToHex, hexToBytes, KeyLengthError } from "../src/index.js";
import { describeEachBackend } from "./helpers/backends.js";

interface Example { file: string; count: number; key: string; message: string; output: string }

/** The `COUNT = / KEY = / MESSAGE = / OUTPUT =` records of one SP 800-38B file. */
function readExamples(bits: number): Example[] {
  const file = `nist-800-38b-aes${bits}.txt`;
  const text = readFileSync(new URL(`./vectors/sp800-38b/${file}`, import.meta.url), "utf8");
  const out: Example[] = [];
  let cur: Partial<Example> | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const m = /^(COUNT|KEY|MESSAGE|OUTPUT) =\s*([0-9a-f]*)$/i.exec(raw.trim());
    if (!m) continue;
    const [, name, value] = m;
    if (name === "COUNT") out.push((cur = { file, count: Number(value) }) as Example);
    else (cur as Record<string, unknown>)[name!.toLowerCase()] = value!.toLowerCase();
  }
  // An independent count of the records in the raw text: none may be lost by the parser.
  expect(out.length).toBe((text.match(/^COUNT = /gm) ?? []).length);
  return out;
}

const examples = [128, 192, 256].flatMap(readExamples);

interface WycheproofMacTest { tcId: number; comment: string; flags: string[]; key: string; msg: string; tag: string; result: "valid" | "invalid" }
interface WycheproofMacFile { numberOfTests: number; testGroups: { keySize: number; tagSize: number; tests: WycheproofMacTest[] }[] }

const wycheproof = JSON.parse(
  readFileSync(new URL("./vectors/wycheproof/aes_cmac_test.json", import.meta.url), "utf8")) as WycheproofMacFile;
const wycheproofTests = wycheproof.testGroups.flatMap((g) => g.tests.map((t) => ({ ...t, keySize: g.keySize, tagSize: g.tagSize })));

describeEachBackend("CMAC: SP 800-38B examples", () => {
  it("12 examples (4 per key size), as one update, byte by byte, and through verify()", () => {
    expect(examples.length).toBe(12);
    for (const e of examples) {
      const where = `${e.file} COUNT ${e.count}`;
      const key = aesKey(hexToBytes(e.key));
      const msg = hexToBytes(e.message);
      expect(bytesToHex(key.cmac().update(msg).digest()), where).toBe(e.output);
      const mac = key.cmac();
      for (let i = 0; i < msg.length; i++) mac.update(msg.subarray(i, i + 1));
      expect(bytesToHex(mac.digest()), `${where} byte by byte`).toBe(e.output);
      expect(key.cmac().update(msg).verify(hexToBytes(e.output)), `${where} verify`).toBe(true);
      key.dispose();
    }
  });
});

describeEachBackend("CMAC: Wycheproof aes_cmac_test.json", () => {
  it(`holds ${wycheproof.numberOfTests} cases`, () => {
    expect(wycheproofTests.length).toBe(wycheproof.numberOfTests);
    expect(wycheproof.numberOfTests).toBe(311);
  });

  it("every case gets its verdict: valid tags match and verify, modified tags fail, bad key sizes are refused", () => {
    const failures: string[] = [];
    let valid = 0, modified = 0, badKey = 0;
    for (const t of wycheproofTests) {
      const where = `tcId ${t.tcId} (${t.comment || t.flags.join(",")})`;
      const keyBytes = hexToBytes(t.key);
      if (t.keySize !== 128 && t.keySize !== 192 && t.keySize !== 256) {
        try {
          aesKey(keyBytes).dispose();
          failures.push(`${where}: a ${keyBytes.length}-byte key was accepted`);
        } catch (e) {
          if (e instanceof KeyLengthError && t.result === "invalid") badKey++;
          else failures.push(`${where}: ${String(e)}`);
        }
        continue;
      }
      const key = aesKey(keyBytes);
      const msg = hexToBytes(t.msg);
      const tagLength = t.tagSize / 8;
      const got = bytesToHex(key.cmac({ tagLength }).update(msg).digest());
      const verified = key.cmac({ tagLength }).update(msg).verify(hexToBytes(t.tag));
      key.dispose();
      if (t.result === "valid") {
        if (got !== t.tag || !verified) failures.push(`${where}: digest ${got}, verify ${verified}`);
        else valid++;
      } else if (verified || got === t.tag) {
        failures.push(`${where}: an invalid tag was accepted`);
      } else {
        modified++;
      }
    }
    expect(failures).toEqual([]);
    expect([valid, modified, badKey]).toEqual([63, 243, 5]);
  });
});
