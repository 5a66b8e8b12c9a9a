// Key and hex arguments. A key file holds the raw key bytes, or the key in hex followed by an
// optional newline; which one is decided by length alone (raw n bytes vs 2n hex digits), so a
// raw key that happens to look like hex is never misread. Hex is decoded by decodeHex
// (constant-time in the digits: no regex, no lookup table; one validity flag at the end).
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { decodeHex } from "../bytes.js";
import { UsageError } from "./errors.js";
import { flagValue, type Parsed } from "./args.js";

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
  // Own properties only: a polluted Object.prototype cannot name a key file.
  const hex = flagValue(values, "key");
  const file = flagValue(values, "key-file");
  if (typeof hex === "string" && typeof file === "string") throw new UsageError("give --key or --key-file, not both");
  if (typeof hex === "string") {
    const key = decodeHex(hex);
    if (key === null) throw new UsageError("--key must be hex digits (an even number of 0-9a-f)");
    return key;
  }
  if (typeof file !== "string") throw new UsageError("a key is needed: --key <hex> or --key-file <path>");
  const content = readKeyFile(file, bytes * 2 + 2);
  try {
    return keyFromFile(content, bytes, file);
  } finally {
    content.fill(0);
  }
}

/**
 * A key of any of `sizes` bytes (aes-wasm cmac: AES-128, -192 or -256). --key: its hex length
 * decides. --key-file: hex of one of the sizes (2n digits and an optional newline) first, then
 * raw bytes of one of the sizes; so the one ambiguous file, 32 bytes that are all hex digits,
 * is a hex AES-128 key (a random raw 32-byte key is all hex digits with probability ~2^-113).
 */
export function readKeyOfSizes(values: Parsed["values"], sizes: readonly number[]): Uint8Array {
  const hex = flagValue(values, "key");
  const file = flagValue(values, "key-file");
  const list = sizes.join(", ");
  if (typeof hex === "string" && typeof file === "string") throw new UsageError("give --key or --key-file, not both");
  if (typeof hex === "string") {
    const key = decodeHex(hex);
    if (key === null) throw new UsageError("--key must be hex digits (an even number of 0-9a-f)");
    if (!sizes.includes(key.length)) {
      key.fill(0);
      throw new UsageError(`--key must be ${list} bytes (${sizes.map((n) => n * 2).join(", ")} hex digits), got ${key.length}`);
    }
    return key;
  }
  if (typeof file !== "string") throw new UsageError("a key is needed: --key <hex> or --key-file <path>");
  const content = readKeyFile(file, Math.max(...sizes) * 2 + 2);
  try {
    let text = content;
    if (text.at(-1) === 0x0a) text = text.subarray(0, text.at(-2) === 0x0d ? -2 : -1);
    for (const n of sizes) {
      const key = text.length === n * 2 ? decodeHex(text) : null;
      if (key !== null) return key;
    }
    if (sizes.includes(content.length)) return new Uint8Array(content);
    throw new UsageError(`key file ${file} must hold ${list} raw bytes or twice as many hex digits (and a newline), got ${content.length} bytes`);
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

/**
 * Reads at most `max` bytes of a key file (a valid one is never longer: 2n hex digits and a
 * CRLF). A regular file larger than that, or a character device such as /dev/urandom, is
 * refused before anything is read: `--key-file /dev/urandom` used to read until memory ran
 * out. A pipe (`--key-file <(pass show k)`, /dev/stdin) is read with the same bound. Partial
 * reads are zeroed before they are dropped.
 */
function readKeyFile(file: string, max: number): Buffer {
  let fd: number;
  try {
    fd = openSync(file, "r");
  } catch (e) {
    throw new UsageError(`cannot read key file ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const buf = Buffer.alloc(max + 1);
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw new UsageError(`key file ${file} is a directory`);
    if (!st.isFile() && !st.isFIFO() && !st.isSocket()) {
      throw new UsageError(`key file ${file} is not a regular file or a pipe (a device such as /dev/urandom is refused: ` +
        "save a key first, e.g. head -c 32 /dev/urandom > my.key)");
    }
    if (st.isFile() && st.size > max) throw new UsageError(`key file ${file} is ${st.size} bytes: too large for a key file (at most ${max})`);
    let have = 0;
    for (;;) {
      let n: number;
      try {
        n = readSync(fd, buf, have, buf.length - have, null);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "EAGAIN") {
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10); // a non-blocking pipe: wait for data
          continue;
        }
        throw new UsageError(`cannot read key file ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
      if (n === 0) break;
      have += n;
      if (have > max) throw new UsageError(`key file ${file} holds more than ${max} bytes: too large for a key file`);
    }
    return Buffer.from(buf.subarray(0, have));
  } finally {
    buf.fill(0);
    closeSync(fd);
  }
}
