// XTS-AES against the official vectors, on both backends: the NIST CAVP XTSGenAES128/256 files
// (tweak as 16 bytes) and XTSGenAES128-dataunitseqno (tweak as a data unit sequence number,
// through encryptSector/decryptSector), every record both ways, and every Wycheproof
// aes_xts_test.json case. No node:crypto here, so this file also runs in the browser
// (test/browser/constructions-vectors.browser.test.ts).
//
// What is skipped or refused, each counted and asserted:
// - CAVP records whose DataUnitLen is not a multiple of 8 bits (130, 140 and 250 bits) are bit
//   strings, which a byte API cannot express: 200 + 200 + 400 of the 3,000.
// - Wycheproof's 384-bit keys (two AES-192 halves) are not XTS-AES (IEEE 1619 defines 256- and
//   512-bit keys only): xtsKey() must refuse them with KeyLengthError (41 cases).
// - Wycheproof's IVs shorter than 16 bytes are the tweak's low bytes (a little-endian number,
//   zero-extended): the API takes 16 bytes only, so a short IV must be refused (IvLengthError),
//   and the case is then run with the IV zero-extended to 16 bytes.
import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { bytesToHex, hexToBytes, IvLengthError, KeyLengthError, xtsKey } from "../src/index.js";
import { describeEachBackend } from "./helpers/backends.js";
import { countRecordsInText, field, parseRsp, readRsp, type RspRecord } from "./helpers/rsp.js";

interface XtsTest { tcId: number; comment: string; key: string; iv: string; msg: string; ct: string; result: "valid" | "invalid" | "acceptable" }
interface XtsFile { numberOfTests: number; testGroups: { keySize: number; ivSize: number; tests: XtsTest[] }[] }

const wycheproof = JSON.parse(readFileSync(new URL("./vectors/wycheproof/aes_xts_test.json", import.meta.url), "utf8")) as XtsFile;
const wycheproofTests = wycheproof.testGroups.flatMap((g) => g.tests.map((t) => ({ ...t, keySize: g.keySize, ivSize: g.ivSize })));

const CAVP = [
  { name: "XTSGenAES128.rsp", records: 1000, skipped: 200, byteLengths: [16, 25, 32] },
  { name: "XTSGenAES256.rsp", records: 1000, skipped: 400, byteLengths: [32, 48] },
  { name: "XTSGenAES128-dataunitseqno.rsp", records: 1000, skipped: 200, byteLengths: [16, 25, 32] },
];

function loadXtsRsp(name: string): RspRecord[] {
  const text = readRsp(`xts/${name}`);
  const records = parseRsp(text);
  expect(records.length).toBe(countRecordsInText(text)); // none lost by the parser
  return records;
}

const cavp = new Map(CAVP.map((f) => [f.name, loadXtsRsp(f.name)]));

function attempt(f: () => Uint8Array): string {
  try {
    return bytesToHex(f());
  } catch (e) {
    return `threw ${(e as Error).name}: ${(e as Error).message}`;
  }
}

/** Both directions of one record; a failure description or undefined. */
function check(encrypt: (d: Uint8Array) => Uint8Array, decrypt: (d: Uint8Array) => Uint8Array, pt: string, ct: string): string | undefined {
  const c = attempt(() => encrypt(hexToBytes(pt)));
  if (c !== ct) return `encrypt gave ${c}, expected ${ct}`;
  const p = attempt(() => decrypt(hexToBytes(ct)));
  if (p !== pt) return `decrypt gave ${p}, expected ${pt}`;
  return undefined;
}

describeEachBackend("XTS-AES: NIST CAVP", () => {
  for (const file of CAVP) {
    it(`${file.name}: ${file.records - file.skipped} byte-length records both ways, ${file.skipped} bit-length records skipped`, () => {
      const records = cavp.get(file.name)!;
      expect(records.length).toBe(file.records);
      const failures: string[] = [];
      const lengths = new Set<number>();
      let run = 0, skipped = 0, encryptRecords = 0, decryptRecords = 0;
      for (const r of records) {
        const bits = Number(field(r, "DataUnitLen"));
        if (bits % 8 !== 0) {
          skipped++;
          continue;
        }
        const pt = field(r, "PT"), ct = field(r, "CT");
        expect(pt.length).toBe(bits / 4);
        lengths.add(bits / 8);
        const key = xtsKey(hexToBytes(field(r, "Key")));
        try {
          const seq = r.fields.DataUnitSeqNumber;
          let failure: string | undefined;
          if (seq !== undefined) {
            const sector = BigInt(seq);
            failure = check((d) => key.encryptSector(d, sector), (d) => key.decryptSector(d, sector), pt, ct);
          } else {
            const mode = key.xts(hexToBytes(field(r, "i")));
            failure = check((d) => mode.encrypt(d), (d) => mode.decrypt(d), pt, ct);
          }
          if (failure) failures.push(`${r.section} COUNT ${r.fields.COUNT} (line ${r.line}): ${failure}`);
        } finally {
          key.dispose();
        }
        run++;
        if (r.section === "ENCRYPT") encryptRecords++;
        else decryptRecords++;
      }
      expect(failures).toEqual([]);
      expect({ run, skipped }).toEqual({ run: file.records - file.skipped, skipped: file.skipped });
      expect(encryptRecords).toBeGreaterThan(0);
      expect(decryptRecords).toBeGreaterThan(0);
      expect([...lengths].sort((a, b) => a - b)).toEqual(file.byteLengths); // incl. a stealing length
    });
  }
});

describeEachBackend("XTS-AES: Wycheproof", () => {
  it(`aes_xts_test.json: ${wycheproof.numberOfTests} cases (256/512-bit keys run, 384-bit keys refused)`, () => {
    expect(wycheproofTests.length).toBe(wycheproof.numberOfTests);
    const failures: string[] = [];
    const seen = { run: 0, refusedKeys: 0, shortIvs: 0, stealing: 0 };
    for (const t of wycheproofTests) {
      const where = `tcId ${t.tcId} (${t.comment})`;
      // Every case in this file is "valid": a cipher that takes it must produce `ct`.
      expect(t.result).toBe("valid");
      const keyBytes = hexToBytes(t.key);
      if (t.keySize === 384) {
        let refused: unknown;
        try {
          xtsKey(keyBytes).dispose();
        } catch (e) {
          refused = e;
        }
        if (!(refused instanceof KeyLengthError)) failures.push(`${where}: a 384-bit key was not refused with KeyLengthError`);
        else seen.refusedKeys++;
        continue;
      }
      const key = xtsKey(keyBytes);
      try {
        const iv = hexToBytes(t.iv);
        expect(iv.length * 8).toBe(t.ivSize);
        const tweak = new Uint8Array(16);
        tweak.set(iv);
        if (iv.length !== 16) {
          let refused: unknown;
          try {
            key.xts(iv);
          } catch (e) {
            refused = e;
          }
          if (!(refused instanceof IvLengthError)) failures.push(`${where}: a ${iv.length}-byte tweak was not refused`);
          seen.shortIvs++;
        }
        const mode = key.xts(tweak);
        const failure = check((d) => mode.encrypt(d), (d) => mode.decrypt(d), t.msg, t.ct);
        if (failure) failures.push(`${where}: ${failure}`);
        if ((t.msg.length / 2) % 16 !== 0) seen.stealing++;
        seen.run++;
      } finally {
        key.dispose();
      }
    }
    expect(failures).toEqual([]);
    expect(seen.run + seen.refusedKeys).toBe(wycheproof.numberOfTests);
    expect({ run: seen.run, refusedKeys: seen.refusedKeys, shortIvs: seen.shortIvs }).toEqual({ run: 82, refusedKeys: 41, shortIvs: 80 });
    expect(seen.stealing).toBe(40);
  });
});
