// Parser for NIST CAVP response (.rsp) files.
//
// Format: `#` comment lines, `[ENCRYPT]` / `[DECRYPT]` section headers (other bracketed lines,
// e.g. GCM's `[Keylen = 128]`, become section parameters), and records of `NAME = value`
// lines separated by blank lines. Line endings are CRLF in the NIST originals; LF is accepted
// too. Values are kept as the file's text: hex in most files, but bit strings ('0'/'1') for
// PLAINTEXT/CIPHERTEXT in the CFB1 files. A field without `=` (GCM's `FAIL`) maps to "".
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export type RspSection = "ENCRYPT" | "DECRYPT";

export interface RspRecord {
  /** The `[ENCRYPT]` / `[DECRYPT]` section the record is in. */
  section: RspSection;
  /** NAME = value pairs, upper-case names as in the file (KEY, IV, PLAINTEXT, ...). */
  fields: Record<string, string>;
  /** Bracketed `[name = value]` parameters in force for this record. */
  params: Record<string, string>;
  /** 1-based line number of the record's first line, for messages. */
  line: number;
}

export class RspParseError extends Error {}

export function parseRsp(text: string): RspRecord[] {
  const records: RspRecord[] = [];
  let section: RspSection | undefined;
  let params: Record<string, string> = {};
  let current: RspRecord | undefined;
  const lines = text.split(/\r?\n/);

  const close = () => {
    if (current) records.push(current);
    current = undefined;
  };

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === "") {
      close();
      continue;
    }
    if (line.startsWith("#")) continue;
    if (line.startsWith("[")) {
      close();
      const m = /^\[\s*([^\]=]*?)\s*(?:=\s*([^\]]*?)\s*)?\]$/.exec(line);
      if (!m) throw new RspParseError(`line ${i + 1}: bad header ${JSON.stringify(line)}`);
      const [, name, value] = m;
      if (value === undefined) {
        const upper = name.toUpperCase();
        if (upper !== "ENCRYPT" && upper !== "DECRYPT") {
          throw new RspParseError(`line ${i + 1}: unknown section [${name}]`);
        }
        section = upper;
        params = {};
      } else {
        params = { ...params, [name]: value };
      }
      continue;
    }
    if (!section) throw new RspParseError(`line ${i + 1}: record before any [ENCRYPT]/[DECRYPT] header`);
    const eq = line.indexOf("=");
    const name = (eq < 0 ? line : line.slice(0, eq)).trim();
    const value = eq < 0 ? "" : line.slice(eq + 1).trim();
    if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(name)) {
      throw new RspParseError(`line ${i + 1}: bad field name in ${JSON.stringify(line)}`);
    }
    // A COUNT line always opens a new record, even without a blank line before it.
    if (current && name === "COUNT") close();
    current ??= { section, fields: {}, params, line: i + 1 };
    if (name in current.fields) {
      throw new RspParseError(`line ${i + 1}: field ${name} repeated in the record from line ${current.line}`);
    }
    current.fields[name] = value;
  }
  close();
  return records;
}

export const NIST_CAVP_DIR = fileURLToPath(new URL("../vectors/nist-cavp/", import.meta.url));

/** Reads a file from test/vectors/nist-cavp as text. */
export function readRsp(name: string): string {
  return readFileSync(NIST_CAVP_DIR + name, "latin1");
}

/** Reads and parses a file from test/vectors/nist-cavp (e.g. "CBCMMT128.rsp"). */
export function loadRsp(name: string): RspRecord[] {
  return parseRsp(readRsp(name));
}

/** Number of `COUNT =` lines in the raw text: an independent check that no record was lost. */
export function countRecordsInText(text: string): number {
  return (text.match(/^\s*COUNT\s*=/gm) ?? []).length;
}

/** The value of a field that must be present. */
export function field(record: RspRecord, name: string): string {
  const v = record.fields[name];
  if (v === undefined) {
    throw new RspParseError(`record at line ${record.line} (COUNT ${record.fields.COUNT}) has no ${name}`);
  }
  return v;
}
