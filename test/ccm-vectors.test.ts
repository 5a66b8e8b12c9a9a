// CCM against the official vectors, on both backends: all 2,880 NIST CAVP records (the CCMVS
// files DVPT, VADT, VNT, VPT, VTT for 128/192/256-bit keys; DVPT's `Result = Fail` records must
// be refused) and all 552 Wycheproof aes_ccm_test.json cases, including the nonce and tag sizes
// CCM does not define (refused at construction, with the error that says why). No node:crypto:
// this file also runs in Chromium (test/browser/constructions-vectors.browser.test.ts).
import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { aesKey, bytesToHex, DecryptionError, hexToBytes, IvLengthError, TagLengthError, type AesKey } from "../src/index.js";
import { describeEachBackend } from "./helpers/backends.js";

// ---- NIST CAVP (CCMVS) ----

/**
 * The CCMVS .rsp layout, which test/helpers/rsp.ts does not read: `Name = value` lines outside
 * a record (file-level Alen/Plen/Nlen/Tlen, then a section's Key and, in VADT/VPT/VTT, its
 * Nonce) and bracketed sections with one or several parameters (`[Alen = 0, Plen = 0, ...]`)
 * hold for the records that follow; a record starts at `Count = n` and ends at a blank line.
 */
interface CcmRecord {
  file: string;
  line: number;
  fields: Record<string, string>; // the context in force plus the record's own fields
}

function parseCcmRsp(file: string, text: string): CcmRecord[] {
  const records: CcmRecord[] = [];
  const context: Record<string, string> = {};
  let current: CcmRecord | undefined;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === "") {
      current = undefined;
      continue;
    }
    if (line.startsWith("#")) continue;
    if (line.startsWith("[")) {
      current = undefined;
      if (!line.endsWith("]")) throw new Error(`${file}:${i + 1}: bad section ${line}`);
      for (const part of line.slice(1, -1).split(",")) {
        const [name, value] = part.split("=").map((s) => s.trim());
        if (!name || value === undefined) throw new Error(`${file}:${i + 1}: bad section ${line}`);
        context[name] = value;
      }
      continue;
    }
    const m = /^([A-Za-z]+)\s*=\s*(.*)$/.exec(line);
    if (!m) throw new Error(`${file}:${i + 1}: bad line ${line}`);
    const [, name, value] = m as unknown as [string, string, string];
    if (name === "Count") {
      current = { file, line: i + 1, fields: { ...context, Count: value } };
      records.push(current);
    } else if (current) {
      if (name in current.fields && !(name in context)) throw new Error(`${file}:${i + 1}: ${name} repeated`);
      current.fields[name] = value;
    } else {
      context[name] = value;
    }
  }
  return records;
}

const KINDS = ["DVPT", "VADT", "VNT", "VPT", "VTT"] as const;
/** Records per file (the same for each key size), counted in the CCMVS files. */
const RECORDS_PER_FILE = { DVPT: 240, VADT: 330, VNT: 70, VPT: 250, VTT: 70 } as const;

const cavp = KINDS.flatMap((kind) => ["128", "192", "256"].map((bits) => {
  const file = `${kind}${bits}.rsp`;
  const text = readFileSync(new URL(`./vectors/nist-cavp/ccm/${file}`, import.meta.url), "latin1");
  return { kind, bits, file, text, records: parseCcmRsp(file, text) };
}));

/** A hex field whose declared byte length is `len` (CCMVS writes "00" for an empty string). */
function bytesOf(r: CcmRecord, name: string, len: number): Uint8Array {
  if (len === 0) return new Uint8Array(0);
  const b = hexToBytes(r.fields[name]!);
  if (b.length !== len) throw new Error(`${r.file}:${r.line}: ${name} is ${b.length} bytes, the section says ${len}`);
  return b;
}

/** Keys are reused across a file's records (one per section), as the files group them. */
function keyFor(cache: Map<string, AesKey>, hex: string): AesKey {
  let key = cache.get(hex);
  if (!key) cache.set(hex, (key = aesKey(hexToBytes(hex))));
  return key;
}

/** Runs one record; a description of the failure, or undefined. */
function runCavp(r: CcmRecord, keys: Map<string, AesKey>, decryptOnly: boolean): string | undefined {
  const f = r.fields;
  const where = `${r.file}:${r.line} (Count ${f.Count})`;
  const alen = Number(f.Alen), plen = Number(f.Plen), nlen = Number(f.Nlen), tlen = Number(f.Tlen);
  const key = keyFor(keys, f.Key!);
  const nonce = bytesOf(r, "Nonce", nlen);
  const aad = bytesOf(r, "Adata", alen);
  const ct = bytesOf(r, "CT", plen + tlen);
  const options = { aad, tagLength: tlen };
  if (f.Result === "Fail") {
    if ("Payload" in f) return `${where}: a Fail record with a payload`;
    try {
      key.ccm(nonce, options).decrypt(ct);
      return `${where}: a Fail record decrypted`;
    } catch (e) {
      return e instanceof DecryptionError ? undefined : `${where}: threw ${String(e)}`;
    }
  }
  if (decryptOnly && f.Result !== "Pass") return `${where}: Result ${f.Result}`;
  const payload = bytesOf(r, "Payload", plen);
  const sealed = bytesToHex(key.ccm(nonce, options).encrypt(payload));
  if (sealed !== bytesToHex(ct)) return `${where}: encrypt gave ${sealed}`;
  const opened = bytesToHex(key.ccm(nonce, options).decrypt(ct));
  if (opened !== bytesToHex(payload)) return `${where}: decrypt gave ${opened}`;
  return undefined;
}

describeEachBackend("CCM: NIST CAVP CCMVS", () => {
  it("holds 2,880 records: DVPT 240, VADT 330, VNT 70, VPT 250, VTT 70 per key size; 480 Fail", () => {
    for (const c of cavp) {
      expect(c.records.length, c.file).toBe(RECORDS_PER_FILE[c.kind]);
      expect(c.records.length, c.file).toBe((c.text.match(/^Count = /gm) ?? []).length); // none lost
    }
    expect(cavp.reduce((n, c) => n + c.records.length, 0)).toBe(2880);
    const fails = cavp.flatMap((c) => c.records).filter((r) => r.fields.Result === "Fail").length;
    expect(fails).toBe(480);
  });

  for (const kind of KINDS) {
    it(`${kind}: every record ${kind === "DVPT" ? "verifies (Pass: decrypts and re-encrypts; Fail: DecryptionError)" : "encrypts and decrypts"}`, () => {
      const failures: string[] = [];
      let pass = 0, refused = 0;
      for (const c of cavp.filter((x) => x.kind === kind)) {
        const keys = new Map<string, AesKey>();
        try {
          for (const r of c.records) {
            const failure = runCavp(r, keys, kind === "DVPT");
            if (failure) failures.push(failure);
            else if (r.fields.Result === "Fail") refused++;
            else pass++;
          }
        } finally {
          for (const key of keys.values()) key.dispose();
        }
      }
      expect(failures.slice(0, 10)).toEqual([]);
      expect(pass + refused).toBe(3 * RECORDS_PER_FILE[kind]);
      expect(refused).toBe(kind === "DVPT" ? 480 : 0);
    });
  }
});

// ---- Wycheproof ----

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
  readFileSync(new URL("./vectors/wycheproof/aes_ccm_test.json", import.meta.url), "utf8")) as WycheproofFile;
const wycheproofTests = wycheproof.testGroups.flatMap((g) => g.tests.map((t) => ({ ...t, ivSize: g.ivSize, tagSize: g.tagSize })));

describeEachBackend("CCM: Wycheproof aes_ccm_test.json", () => {
  it("holds 552 cases; the unsupported nonce and tag sizes are all marked invalid", () => {
    expect(wycheproofTests.length).toBe(wycheproof.numberOfTests);
    expect(wycheproof.numberOfTests).toBe(552);
    const badNonce = wycheproofTests.filter((t) => t.ivSize / 8 < 7 || t.ivSize / 8 > 13);
    const badTag = wycheproofTests.filter((t) => t.tagSize / 8 < 4 || t.tagSize / 8 > 16 || (t.tagSize / 8) % 2 !== 0);
    expect(badNonce.length).toBe(39); // 0, 1, 2, 4, 6, 14, 15, 16, 20, 32, 64, 128, 268 bytes, per key size
    // 2 (twice: InvalidTagSize and InsecureTagSize), 3, 5, 7, 9, 11, 13, 15 bytes, per key size
    expect(badTag.length).toBe(27);
    expect([...badNonce, ...badTag].every((t) => t.result === "invalid")).toBe(true);
  });

  it("every case gets its verdict: valid ones encrypt and decrypt, invalid ones are refused", () => {
    const failures: string[] = [];
    const counts = { valid: 0, nonceRefused: 0, tagRefused: 0, tagMismatch: 0 };
    for (const t of wycheproofTests) {
      const where = `tcId ${t.tcId} (${t.comment || t.flags.join(",")})`;
      const key = aesKey(hexToBytes(t.key));
      try {
        const nonce = hexToBytes(t.iv);
        const options = { aad: hexToBytes(t.aad), tagLength: t.tagSize / 8 };
        const sealed = hexToBytes(t.ct + t.tag);
        const nonceOk = nonce.length >= 7 && nonce.length <= 13;
        const tagOk = [4, 6, 8, 10, 12, 14, 16].includes(options.tagLength);
        if (!nonceOk || !tagOk) {
          // The size check comes first: the mode object is never made.
          try {
            key.ccm(nonce, options);
            failures.push(`${where}: a ${nonce.length}-byte nonce / ${options.tagLength}-byte tag was accepted`);
          } catch (e) {
            const expected = nonceOk ? TagLengthError : IvLengthError;
            if (!(e instanceof expected)) failures.push(`${where}: threw ${String(e)}, expected ${expected.name}`);
            else if (nonceOk) counts.tagRefused++;
            else counts.nonceRefused++;
          }
          continue;
        }
        if (t.result === "invalid") {
          try {
            key.ccm(nonce, options).decrypt(sealed);
            failures.push(`${where}: invalid case decrypted`);
          } catch (e) {
            if (!(e instanceof DecryptionError)) failures.push(`${where}: threw ${String(e)}`);
            else counts.tagMismatch++;
          }
          // The genuine tag of this message is some other one.
          const ours = bytesToHex(key.ccm(nonce, options).encrypt(hexToBytes(t.msg)));
          if (ours === t.ct + t.tag) failures.push(`${where}: encrypt made the invalid tag`);
          continue;
        }
        const got = bytesToHex(key.ccm(nonce, options).encrypt(hexToBytes(t.msg)));
        if (got !== t.ct + t.tag) failures.push(`${where}: encrypt gave ${got}`);
        const pt = bytesToHex(key.ccm(nonce, options).decrypt(sealed));
        if (pt !== t.msg) failures.push(`${where}: decrypt gave ${pt}`);
        else counts.valid++;
      } finally {
        key.dispose();
      }
    }
    expect(failures.slice(0, 10)).toEqual([]);
    expect(counts).toEqual({ valid: 405, nonceRefused: 39, tagRefused: 27, tagMismatch: 81 });
  });
});
