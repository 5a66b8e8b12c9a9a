// GCM against the official vectors: every Wycheproof aes_gcm_test.json case (valid and invalid,
// each with its verdict) and the NIST CAVP gcmEncryptExtIV*/gcmDecrypt* files, FAIL records
// included. The wasm backend runs every CAVP record; the js (bitwise reference) backend runs a
// deterministic subset (every 20th record), as its test names say.
import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { aesKey, DecryptionError, hexToBytes, bytesToHex, IvLengthError } from "../src/index.js";
import { describeEachBackend } from "./helpers/backends.js";
import { parseRsp, readRsp, type RspRecord } from "./helpers/rsp.js";

interface WycheproofAeadTest {
  tcId: number; comment: string; flags: string[];
  key: string; iv: string; aad: string; msg: string; ct: string; tag: string;
  result: "valid" | "invalid" | "acceptable";
}
interface WycheproofFile {
  numberOfTests: number;
  testGroups: { keySize: number; ivSize: number; tagSize: number; tests: WycheproofAeadTest[] }[];
}

const wycheproof = JSON.parse(
  readFileSync(new URL("./vectors/wycheproof/aes_gcm_test.json", import.meta.url), "utf8")) as WycheproofFile;
const wycheproofTests = wycheproof.testGroups.flatMap((g) => g.tests.map((t) => ({ ...t, tagSize: g.tagSize })));

/** The CAVP GCM files have no [ENCRYPT]/[DECRYPT] header; the file name says which it is. */
function loadGcmRsp(name: string): RspRecord[] {
  const text = readRsp(`gcm/${name}`);
  const records = parseRsp(`[${name.startsWith("gcmDecrypt") ? "DECRYPT" : "ENCRYPT"}]\n${text}`);
  // An independent count of the records in the raw text: none may be lost by the parser.
  expect(records.length).toBe((text.match(/^Count = /gm) ?? []).length);
  return records;
}

const CAVP_FILES = ["128", "192", "256"].flatMap((bits) => [`gcmEncryptExtIV${bits}.rsp`, `gcmDecrypt${bits}.rsp`]);
const cavp = new Map(CAVP_FILES.map((f) => [f, loadGcmRsp(f)]));

/** Runs one CAVP record; returns a failure description or undefined. */
function runCavp(r: RspRecord, decryptFile: boolean): string | undefined {
  const f = r.fields;
  const key = aesKey(hexToBytes(f.Key));
  try {
    const iv = hexToBytes(f.IV);
    const aad = hexToBytes(f.AAD);
    const tag = hexToBytes(f.Tag);
    const ct = hexToBytes(f.CT);
    const options = { aad, tagLength: tag.length, allowShortTags: true };
    if (!decryptFile) {
      const got = bytesToHex(key.gcm(iv, options).encrypt(hexToBytes(f.PT)));
      return got === f.CT + f.Tag ? undefined : `encrypt gave ${got}`;
    }
    const input = new Uint8Array(ct.length + tag.length);
    input.set(ct);
    input.set(tag, ct.length);
    if ("FAIL" in f) {
      try {
        key.gcm(iv, options).decrypt(input);
        return "a FAIL record decrypted";
      } catch (e) {
        return e instanceof DecryptionError ? undefined : `threw ${String(e)}`;
      }
    }
    const pt = bytesToHex(key.gcm(iv, options).decrypt(input));
    return pt === f.PT ? undefined : `decrypt gave ${pt}`;
  } finally {
    key.dispose();
  }
}

describeEachBackend("GCM: Wycheproof aes_gcm_test.json", () => {
  it(`holds ${wycheproof.numberOfTests} cases`, () => {
    expect(wycheproofTests.length).toBe(wycheproof.numberOfTests);
    expect(wycheproof.numberOfTests).toBe(316);
  });

  it("every case gets its verdict: valid ones encrypt and decrypt, invalid ones are refused", () => {
    const failures: string[] = [];
    let valid = 0, invalid = 0;
    for (const t of wycheproofTests) {
      const where = `tcId ${t.tcId} (${t.comment || t.flags.join(",")})`;
      const key = aesKey(hexToBytes(t.key));
      try {
        const iv = hexToBytes(t.iv);
        const options = { aad: hexToBytes(t.aad), tagLength: t.tagSize / 8 };
        const sealed = hexToBytes(t.ct + t.tag);
        if (t.result === "valid") {
          valid++;
          const ct = bytesToHex(key.gcm(iv, options).encrypt(hexToBytes(t.msg)));
          if (ct !== t.ct + t.tag) failures.push(`${where}: encrypt gave ${ct}`);
          const pt = bytesToHex(key.gcm(iv, options).decrypt(sealed));
          if (pt !== t.msg) failures.push(`${where}: decrypt gave ${pt}`);
        } else {
          // No 'acceptable' cases in this file; invalid = a modified tag or a zero-length IV.
          expect(t.result).toBe("invalid");
          invalid++;
          try {
            key.gcm(iv, options).decrypt(sealed);
            failures.push(`${where}: invalid case decrypted`);
          } catch (e) {
            const expected = iv.length === 0 ? IvLengthError : DecryptionError;
            if (!(e instanceof expected)) failures.push(`${where}: threw ${String(e)}`);
          }
        }
      } finally {
        key.dispose();
      }
    }
    expect(failures).toEqual([]);
    expect([valid, invalid]).toEqual([229, 87]);
  });

  it("the CounterWrap cases (inc32 wraps within the low 32 bits) are among them and pass", () => {
    const wraps = wycheproofTests.filter((t) => t.flags.includes("CounterWrap"));
    expect(wraps.length).toBeGreaterThan(0);
    for (const t of wraps) {
      const key = aesKey(hexToBytes(t.key));
      const got = key.gcm(hexToBytes(t.iv), { aad: hexToBytes(t.aad) }).encrypt(hexToBytes(t.msg));
      key.dispose();
      expect(bytesToHex(got)).toBe(t.ct + t.tag);
    }
  });
});

describeEachBackend("GCM: NIST CAVP gcmEncryptExtIV*/gcmDecrypt*", (backend) => {
  const step = backend === "js" ? 20 : 1;
  const subset = step === 1 ? "all records" : `every ${step}th record`;
  for (const file of CAVP_FILES) {
    const records = cavp.get(file)!;
    const decryptFile = file.startsWith("gcmDecrypt");
    it(`${file}: ${subset} of ${records.length}${decryptFile ? ", FAIL records rejected" : ""}`, () => {
      expect(records.length).toBe(7875);
      const failures: string[] = [];
      let fails = 0;
      for (let i = 0; i < records.length; i += step) {
        const r = records[i];
        if ("FAIL" in r.fields) fails++;
        const bad = runCavp(r, decryptFile);
        if (bad) failures.push(`line ${r.line} (Count ${r.fields.Count}, ${JSON.stringify(r.params)}): ${bad}`);
        if (failures.length > 10) break;
      }
      expect(failures).toEqual([]);
      if (decryptFile) expect(fails).toBeGreaterThan(0);
    });
  }
});
