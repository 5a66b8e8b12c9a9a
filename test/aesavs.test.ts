// NIST AESAVS (CAVP) response files in test/vectors/nist-cavp: the known-answer tests (GFSbox,
// KeySbox, VarKey, VarTxt), the multi-block message tests (MMT) and the Monte Carlo tests (MCT)
// for ECB, CBC, CFB1, CFB8, CFB128 and OFB with 128-, 192- and 256-bit keys.
//
// One vitest test per file per direction. A test checks every record of its section and
// reports each mismatch by COUNT; a summary test per backend then checks that every record of
// every file was checked, so no record can be skipped silently. The Monte Carlo tests run all
// 100 outer iterations on the WASM backend, and the first MCT_JS_ITERATIONS on the (much
// slower) pure-TypeScript reference backend; every outer iteration's KEY, IV, input and output
// are compared with the file.
import { describe, expect, it } from "vitest";
import { aesKey, bytesToHex, hexToBytes, type AesKey, type BackendKind, type CipherStream, type Mode } from "../src/index.js";
import { describeEachBackend } from "./helpers/backends.js";
import { countRecordsInText, field, parseRsp, readRsp, type RspRecord, type RspSection } from "./helpers/rsp.js";

const MODES = ["ECB", "CBC", "CFB1", "CFB8", "CFB128", "OFB"] as const;
type ModeName = (typeof MODES)[number];
const KAT_TYPES = ["GFSbox", "KeySbox", "VarKey", "VarTxt"] as const;
const KEY_SIZES = [128, 192, 256] as const;
const SECTIONS: RspSection[] = ["ENCRYPT", "DECRYPT"];

/** Outer MCT iterations per section on the 'js' backend (all 100 run on 'wasm'). */
const MCT_JS_ITERATIONS = 5;
/** Inner MCT iterations (AESAVS §6.4). */
const MCT_INNER = 1000;

/** Records per file (both sections) by test type and key size, as the AESAVS files have them. */
const RECORDS_PER_FILE: Record<string, [number, number, number]> = {
  GFSbox: [14, 12, 10],
  KeySbox: [42, 48, 32],
  VarKey: [256, 384, 512],
  VarTxt: [256, 256, 256],
  MMT: [20, 20, 20],
  MCT: [200, 200, 200],
};

interface VectorFile {
  name: string;
  mode: ModeName;
  type: string; // GFSbox | KeySbox | VarKey | VarTxt | MMT | MCT
  keyBits: 128 | 192 | 256;
  text: string;
  records: RspRecord[];
}

const FILES: VectorFile[] = [];
for (const mode of MODES) {
  for (const type of [...KAT_TYPES, "MMT", "MCT"]) {
    for (const keyBits of KEY_SIZES) {
      const name = `${mode}${type}${keyBits}.rsp`;
      const text = readRsp(name);
      FILES.push({ name, mode, type, keyBits, text, records: parseRsp(text) });
    }
  }
}
const KAT_FILES = FILES.filter((f) => f.type !== "MMT" && f.type !== "MCT");
const MMT_FILES = FILES.filter((f) => f.type === "MMT");
const MCT_FILES = FILES.filter((f) => f.type === "MCT");

// ---------------------------------------------------------------------------------------------
// Helpers

const isBits = (s: string) => /^[01]*$/.test(s);

function packBits(bits: string | ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(Math.ceil(bits.length / 8));
  for (let i = 0; i < bits.length; i++) if (Number(bits[i]) === 1) out[i >> 3] |= 0x80 >> (i & 7);
  return out;
}

function unpackBits(bytes: Uint8Array, n: number): string {
  let s = "";
  for (let i = 0; i < n; i++) s += (bytes[i >> 3] >> (7 - (i & 7))) & 1;
  return s;
}

function xor(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length !== b.length) throw new Error(`xor of ${a.length} and ${b.length} bytes`);
  return a.map((x, i) => x ^ b[i]);
}

function modeFor(key: AesKey, mode: ModeName, iv: Uint8Array | undefined): Mode {
  switch (mode) {
    case "ECB": return key.ecb({ padding: "none" });
    case "CBC": return key.cbc(iv!, { padding: "none" });
    case "CFB1": return key.cfb(iv!, { segment: 1 });
    case "CFB8": return key.cfb(iv!, { segment: 8 });
    case "CFB128": return key.cfb(iv!, { segment: 128 });
    case "OFB": return key.ofb(iv!);
  }
}

const inName = (s: RspSection) => (s === "ENCRYPT" ? "PLAINTEXT" : "CIPHERTEXT");
const outName = (s: RspSection) => (s === "ENCRYPT" ? "CIPHERTEXT" : "PLAINTEXT");

/** Collects mismatches so one test reports every failing COUNT, not only the first. */
class Failures {
  readonly list: string[] = [];
  constructor(readonly file: string, readonly section: RspSection) {}
  add(rec: RspRecord, what: string): void {
    this.list.push(`${this.file} [${this.section}] COUNT = ${rec.fields.COUNT} (line ${rec.line}): ${what}`);
  }
  check(rec: RspRecord, what: string, got: string, want: string): void {
    if (got !== want) this.add(rec, `${what}: got ${got}, expected ${want}`);
  }
  assertNone(): void {
    const shown = this.list.slice(0, 20).join("\n");
    const more = this.list.length > 20 ? `\n... and ${this.list.length - 20} more` : "";
    expect(this.list.length, `${this.list.length} mismatches:\n${shown}${more}`).toBe(0);
  }
}

// ---------------------------------------------------------------------------------------------
// KAT and MMT: each record is one independent encryption or decryption.

function checkRecord(file: VectorFile, section: RspSection, rec: RspRecord, failures: Failures): void {
  const encrypt = section === "ENCRYPT";
  const input = field(rec, inName(section));
  const want = field(rec, outName(section)).toLowerCase();
  const iv = file.mode === "ECB" ? undefined : hexToBytes(field(rec, "IV"));
  const key = aesKey(hexToBytes(field(rec, "KEY")));
  try {
    if (key.bits !== file.keyBits) failures.add(rec, `key has ${key.bits} bits, file is for ${file.keyBits}`);
    if (file.mode === "CFB1") {
      // Bit strings: run exactly input.length one-bit segments through encryptBits/decryptBits.
      if (!isBits(input) || !isBits(want) || input.length !== want.length || input.length === 0) {
        failures.add(rec, `malformed CFB1 bit strings ${input} / ${want}`);
        return;
      }
      const n = input.length;
      const cfb = key.cfb(iv!, { segment: 1 });
      const out = encrypt ? cfb.encryptBits(packBits(input), n) : cfb.decryptBits(packBits(input), n);
      failures.check(rec, `${outName(section)} bits`, unpackBits(out, n), want);
      // ceil(n/8) bytes, bits past the end zero.
      failures.check(rec, `${outName(section)} packed bytes`, bytesToHex(out), bytesToHex(packBits(want)));
      return;
    }
    const data = hexToBytes(input);
    const m = modeFor(key, file.mode, iv);
    failures.check(rec, outName(section), bytesToHex(encrypt ? m.encrypt(data) : m.decrypt(data)), want);
    if (file.type === "MMT" && data.length > 16) {
      // The same message through a stream, cut at an odd offset into three update() calls.
      const m2 = modeFor(key, file.mode, iv);
      const s = encrypt ? m2.encryptor() : m2.decryptor();
      const a = 7, b = data.length - 9;
      const parts = [s.update(data.subarray(0, a)), s.update(data.subarray(a, b)), s.update(data.subarray(b)), s.final()];
      failures.check(rec, `${outName(section)} (stream 7+${b - a}+9)`, parts.map(bytesToHex).join(""), want);
    }
  } catch (e) {
    failures.add(rec, `threw ${(e as Error).name}: ${(e as Error).message}`);
  } finally {
    key.dispose();
  }
}

// ---------------------------------------------------------------------------------------------
// Monte Carlo tests (AESAVS §6.4).
//
// ECB:                 IN[j+1] = OUT[j]
// CBC, OFB, CFB128:    IN[1] = IV[i];                  IN[j+1] = OUT[j-1]   for j >= 1
// CFB8:                IN[j+1] = byte j of IV[i] (j < 16), else OUT[j-16]
// CFB1:                IN[j+1] = bit j of IV[i] (j < 128), else OUT[j-128]
// (IN/OUT are PT/CT when encrypting, CT/PT when decrypting; the mode's chaining state runs on
// across all 1000 inner iterations.) So the 1000 input segments are IN[0] || IV || OUT[0..],
// lagging the output by lag = 1 + (segments in the IV) segments. After the inner loop:
//   Key[i+1] = Key[i] XOR (last 128/192/256 bits of OUT[0] || ... || OUT[999])
//   IV[i+1]  = last 128 bits of OUT[0] || ... || OUT[999]
//   IN[0]    = OUT[1000 - lag]    (ECB: OUT[999]; CBC: OUT[998]; CFB8: OUT[983]; CFB1: OUT[871])
// The stream is fed in chunks no longer than the lag, so every input is known when it is sent.

/** Runs the inner loop over byte-sized segments (all modes but CFB1). Returns OUT[0..999] bytes. */
function innerBytes(stream: CipherStream, in0: Uint8Array, iv: Uint8Array | undefined): Uint8Array {
  const prefix = iv ? new Uint8Array([...in0, ...iv]) : in0;
  const lag = prefix.length; // in bytes
  const total = MCT_INNER * in0.length;
  const inp = new Uint8Array(total);
  const out = new Uint8Array(total);
  inp.set(prefix);
  for (let off = 0; off < total; off += lag) {
    const n = Math.min(lag, total - off);
    for (let p = Math.max(off, lag); p < off + n; p++) inp[p] = out[p - lag];
    const chunk = stream.update(inp.subarray(off, off + n));
    if (chunk.length !== n) throw new Error(`update(${n} bytes) returned ${chunk.length} bytes`);
    out.set(chunk, off);
  }
  if (stream.final().length !== 0) throw new Error("final() returned data");
  return out;
}

/** The CFB1 inner loop over 1-bit segments (8 per byte of the stream). Returns OUT bits. */
function innerBits(stream: CipherStream, in0: number, iv: Uint8Array): Uint8Array {
  const lag = 129; // bits: IN[0] and the 128 IV bits
  const inp = new Uint8Array(MCT_INNER); // one bit per entry
  const out = new Uint8Array(MCT_INNER);
  inp[0] = in0;
  for (let k = 0; k < 128; k++) inp[k + 1] = (iv[k >> 3] >> (7 - (k & 7))) & 1;
  for (let off = 0; off < MCT_INNER; off += 128) {
    const n = Math.min(128, MCT_INNER - off); // 128 or 104 bits: whole bytes, within the lag
    for (let p = Math.max(off, lag); p < off + n; p++) inp[p] = out[p - lag];
    const chunk = stream.update(packBits(inp.subarray(off, off + n)));
    for (let p = 0; p < n; p++) out[off + p] = (chunk[p >> 3] >> (7 - (p & 7))) & 1;
  }
  if (stream.final().length !== 0) throw new Error("final() returned data");
  return out;
}

/** Checks the first `iterations` outer iterations of one MCT section; returns records checked. */
function runMonteCarlo(file: VectorFile, section: RspSection, records: RspRecord[], failures: Failures): number {
  const encrypt = section === "ENCRYPT";
  const cfb1 = file.mode === "CFB1";
  const keyBytes = file.keyBits / 8;
  const first = records[0];
  let key = hexToBytes(field(first, "KEY"));
  let iv = file.mode === "ECB" ? undefined : hexToBytes(field(first, "IV"));
  // CFB1: IN[0] is one bit; other modes: one segment of bytes.
  const firstIn = field(first, inName(section));
  let in0: Uint8Array | number = cfb1 ? Number(firstIn) : hexToBytes(firstIn);

  let checked = 0;
  for (let i = 0; i < records.length; i++) {
    const rec = records[i];
    checked++;
    // The record's inputs must be what the procedure derived from the previous iteration.
    failures.check(rec, "COUNT", String(Number(rec.fields.COUNT)), String(i));
    failures.check(rec, "KEY", bytesToHex(key), field(rec, "KEY").toLowerCase());
    if (iv) failures.check(rec, "IV", bytesToHex(iv), field(rec, "IV").toLowerCase());
    const inText = field(rec, inName(section)).toLowerCase();
    failures.check(rec, inName(section), cfb1 ? String(in0) : bytesToHex(in0 as Uint8Array), inText);
    const want = field(rec, outName(section)).toLowerCase();
    if (failures.list.length > 0) return checked; // the chain is broken; later iterations would only repeat it

    const aes = aesKey(key);
    let out: Uint8Array; // OUT[0..999] as bytes (CFB1: packed bits, 125 bytes)
    let nextIn: Uint8Array | number;
    let lastOut: string;
    try {
      const m = modeFor(aes, file.mode, iv);
      const stream = encrypt ? m.encryptor() : m.decryptor();
      if (cfb1) {
        const bits = innerBits(stream, in0 as number, iv!);
        out = packBits(bits);
        lastOut = String(bits[MCT_INNER - 1]);
        nextIn = bits[MCT_INNER - 129];
      } else {
        const seg = (in0 as Uint8Array).length;
        out = innerBytes(stream, in0 as Uint8Array, iv);
        lastOut = bytesToHex(out.subarray(out.length - seg));
        const lag = iv ? 1 + 16 / seg : 1; // in segments
        nextIn = out.slice((MCT_INNER - lag) * seg, (MCT_INNER - lag + 1) * seg);
      }
    } catch (e) {
      failures.add(rec, `threw ${(e as Error).name}: ${(e as Error).message}`);
      return checked;
    } finally {
      aes.dispose();
    }
    failures.check(rec, outName(section), lastOut, want);
    if (failures.list.length > 0) return checked;

    key = xor(key, out.subarray(out.length - keyBytes));
    if (iv) iv = out.slice(out.length - 16);
    in0 = nextIn;
  }
  return checked;
}

// ---------------------------------------------------------------------------------------------
// The vector files themselves: every record parsed, with the counts the AESAVS files have.

describe("AESAVS vector files", () => {
  it("has all 108 files with every record parsed", () => {
    expect(FILES).toHaveLength(108);
    const problems: string[] = [];
    let total = 0;
    for (const f of FILES) {
      const want = RECORDS_PER_FILE[f.type][KEY_SIZES.indexOf(f.keyBits)];
      if (countRecordsInText(f.text) !== want) problems.push(`${f.name}: ${countRecordsInText(f.text)} COUNT lines, expected ${want}`);
      if (f.records.length !== want) problems.push(`${f.name}: ${f.records.length} records parsed, expected ${want}`);
      for (const s of SECTIONS) {
        const n = f.records.filter((r) => r.section === s).length;
        if (n !== want / 2) problems.push(`${f.name} [${s}]: ${n} records, expected ${want / 2}`);
      }
      const required = ["COUNT", "KEY", "PLAINTEXT", "CIPHERTEXT", ...(f.mode === "ECB" ? [] : ["IV"])];
      for (const r of f.records) {
        for (const name of required) {
          if (typeof r.fields[name] !== "string") problems.push(`${f.name} line ${r.line}: no ${name}`);
        }
        if (r.fields.KEY?.length !== f.keyBits / 4) problems.push(`${f.name} line ${r.line}: KEY is not ${f.keyBits} bits`);
      }
      total += f.records.length;
    }
    expect(problems, problems.slice(0, 20).join("\n")).toEqual([]);
    expect(total).toBe(16_428);
  });
});

// ---------------------------------------------------------------------------------------------

describeEachBackend("AESAVS", (backend: BackendKind) => {
  // file name -> section -> records checked; compared with the file in the summary test.
  const checked = new Map<string, Record<RspSection, number>>();
  const tally = (file: string, section: RspSection, n: number) => {
    const t = checked.get(file) ?? { ENCRYPT: 0, DECRYPT: 0 };
    t[section] += n;
    checked.set(file, t);
  };

  for (const [group, files] of [["KAT", KAT_FILES], ["MMT", MMT_FILES]] as const) {
    describe(group, () => {
      for (const file of files) {
        for (const section of SECTIONS) {
          const records = file.records.filter((r) => r.section === section);
          it(`${file.name} [${section}] ${records.length} records`, () => {
            const probe = aesKey(new Uint8Array(16));
            expect(probe.core.kind).toBe(backend);
            probe.dispose();
            const failures = new Failures(file.name, section);
            for (const rec of records) checkRecord(file, section, rec, failures);
            tally(file.name, section, records.length);
            failures.assertNone();
          });
        }
      }
    });
  }

  describe("MCT", () => {
    for (const file of MCT_FILES) {
      for (const section of SECTIONS) {
        const all = file.records.filter((r) => r.section === section);
        const records = backend === "wasm" ? all : all.slice(0, MCT_JS_ITERATIONS);
        const label = records.length === all.length
          ? `all ${all.length} outer iterations`
          : `first ${records.length} of ${all.length} outer iterations (reference backend)`;
        it(`${file.name} [${section}] ${label}`, () => {
          const failures = new Failures(file.name, section);
          const n = runMonteCarlo(file, section, records, failures);
          tally(file.name, section, n);
          failures.assertNone();
        });
      }
    }
  });

  it("checked every record of every file", () => {
    const missing: string[] = [];
    let total = 0;
    for (const file of FILES) {
      for (const section of SECTIONS) {
        const inFile = file.records.filter((r) => r.section === section).length;
        const want = file.type === "MCT" && backend === "js" ? Math.min(MCT_JS_ITERATIONS, inFile) : inFile;
        const got = checked.get(file.name)?.[section] ?? 0;
        total += got;
        if (got !== want) missing.push(`${file.name} [${section}]: checked ${got} of ${want}`);
      }
    }
    expect(missing, missing.join("\n")).toEqual([]);
    const mctPerSection = backend === "wasm" ? 100 : MCT_JS_ITERATIONS;
    expect(total).toBe(16_428 - 18 * 200 + 18 * 2 * mctPerSection);
  });
});
