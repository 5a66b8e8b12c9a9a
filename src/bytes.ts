// Input checking and hex helpers.
import { InputTypeError } from "./errors.js";

/** Views any ArrayBufferView as bytes (no copy); anything else is an InputTypeError. */
export function asBytes(data: unknown, what = "data"): Uint8Array {
  if (data instanceof Uint8Array) return data;
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  throw new InputTypeError(`${what} must be a Uint8Array or another ArrayBufferView, got ${describe(data)}`);
}

function describe(x: unknown): string {
  if (x === null) return "null";
  if (typeof x === "object") return (x as object).constructor?.name ?? "object";
  return typeof x;
}

// Hex in both directions by arithmetic on character codes, constant-time in the bytes and the
// digits (key material goes through here): no lookup string or table indexed by a nibble or
// a character, no regex, no branch on a digit's value. A range test is an int32 mask,
// ((lo - 1 - c) & (c - hi - 1)) >> 31, which is -1 exactly when lo <= c <= hi (both
// differences negative); validity is accumulated in one flag and checked once, at the end.

/** Hex digit for a nibble v (0..15): '0'-'9' then 'a'-'f'. */
function hexDigit(v: number): number {
  // 87 + v is 'a' + v - 10; for v < 10 take 39 off (48 + v is '0' + v).
  return 87 + v - (((v - 10) >> 31) & 39);
}

export function bytesToHex(bytes: Uint8Array): string {
  bytes = asBytes(bytes, "bytes"); // any view: its bytes
  const codes = new Uint16Array(Math.min(bytes.length, 4096) * 2);
  let s = "";
  for (let off = 0; off < bytes.length; off += 4096) {
    const n = Math.min(4096, bytes.length - off);
    for (let i = 0; i < n; i++) {
      const b = bytes[off + i]!;
      codes[2 * i] = hexDigit(b >> 4);
      codes[2 * i + 1] = hexDigit(b & 15);
    }
    s += String.fromCharCode.apply(null, codes.subarray(0, 2 * n) as unknown as number[]);
  }
  codes.fill(0);
  return s;
}

/** Value (0..15) of the hex digit with code c (0..0xffff), plus 0x100 when c is not a hex digit. */
function hexValue(c: number): number {
  const digit = ((0x2f - c) & (c - 0x3a)) >> 31; // -1 for '0'..'9'
  const lower = ((0x60 - c) & (c - 0x67)) >> 31; // -1 for 'a'..'f'
  const upper = ((0x40 - c) & (c - 0x47)) >> 31; // -1 for 'A'..'F'
  return (digit & (c - 0x30)) | (lower & (c - 0x57)) | (upper & (c - 0x37)) | (~(digit | lower | upper) & 0x100);
}

/**
 * Decodes hex digits (either case; a string, or the character codes as bytes, e.g. a key
 * file), constant-time in the digits. Null for an odd length (public) or any character that is
 * not a hex digit (one flag, checked after the whole input); the output is wiped then.
 */
export function decodeHex(hex: string | Uint8Array): Uint8Array | null {
  if (hex.length % 2 !== 0) return null;
  const out = new Uint8Array(hex.length / 2);
  let bad = 0;
  if (typeof hex === "string") {
    for (let i = 0; i < out.length; i++) {
      const hi = hexValue(hex.charCodeAt(2 * i));
      const lo = hexValue(hex.charCodeAt(2 * i + 1));
      bad |= hi | lo;
      out[i] = (hi << 4) | (lo & 15);
    }
  } else {
    for (let i = 0; i < out.length; i++) {
      const hi = hexValue(hex[2 * i]!);
      const lo = hexValue(hex[2 * i + 1]!);
      bad |= hi | lo;
      out[i] = (hi << 4) | (lo & 15);
    }
  }
  if ((bad & 0x100) !== 0) {
    out.fill(0);
    return null;
  }
  return out;
}

export function hexToBytes(hex: string): Uint8Array {
  if (typeof hex !== "string") throw new InputTypeError(`hex must be a string, got ${describe(hex)}`);
  const out = decodeHex(hex);
  if (out === null) throw new InputTypeError("hex must have an even number of digits 0-9a-f");
  return out;
}
