// Key and hex arguments. A key file holds the raw key bytes, or the key in hex followed by an
// optional newline; which one is decided by length alone (raw n bytes vs 2n hex digits), so a
// raw key that happens to look like hex is never misread. Hex is decoded by decodeHex
// (constant-time in the digits: no regex, no lookup table; one validity flag at the end).
import { readFileSync } from "node:fs";
import { decodeHex } from "../bytes.js";
import { UsageError } from "./errors.js";
import type { Parsed } from "./args.js";

/** Decodes the hex value of option `--name`; `bytes`, if given, is the required length. */
export function hexOption(name: string, hex: string, bytes?: number): Uint8Array {
  const out = decodeHex(hex);
  if (out === null) {
    throw new UsageError(`--${name} must be hex digits (an even number of 0-9a-f), got ${JSON.stringify(hex.length > 80 ? hex.slice(0, 80) + "…" : hex)}`);
  }
  if (bytes !== undefined && out.length !== bytes) {
    throw new UsageError(`--${name} must be ${bytes} bytes (${bytes * 2} hex digits), got ${out.length}`);
  }
  return out;
}

/**
 * The key from --key <hex> or --key-file <path>. `bytes` is the key size the cipher needs
 * (decides how a key file is read); length mismatches are left to the cipher's own check when
 * `bytes` is undefined.
 */
export function readKey(values: Parsed["values"], bytes: number): Uint8Array {
  const hex = values.key;
  const file = values["key-file"];
  if (typeof hex === "string" && typeof file === "string") throw new UsageError("give --key or --key-file, not both");
  if (typeof hex === "string") {
    const key = decodeHex(hex);
    if (key === null) throw new UsageError("--key must be hex digits (an even number of 0-9a-f)");
    return key;
  }
  if (typeof file !== "string") throw new UsageError("a key is needed: --key <hex> or --key-file <path>");
  let content: Buffer;
  try {
    content = readFileSync(file);
  } catch (e) {
    throw new UsageError(`cannot read key file ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    return keyFromFile(content, bytes, file);
  } finally {
    content.fill(0);
  }
}

function keyFromFile(content: Buffer, bytes: number, file: string): Uint8Array {
  let text = content;
  if (text.at(-1) === 0x0a) text = text.subarray(0, text.at(-2) === 0x0d ? -2 : -1);
  // Decoded from the file's bytes (no string copy of the key, which could not be wiped).
  const key = text.length === bytes * 2 ? decodeHex(text) : null;
  if (key !== null) return key;
  if (content.length === bytes) return new Uint8Array(content);
  throw new UsageError(`key file ${file} must hold ${bytes} raw bytes or ${bytes * 2} hex digits (and a newline) for a ${bytes * 8}-bit key, got ${content.length} bytes`);
}
