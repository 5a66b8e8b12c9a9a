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

const HEX = "0123456789abcdef";

export function bytesToHex(bytes: Uint8Array): string {
  asBytes(bytes, "bytes");
  let s = "";
  for (let i = 0; i < bytes.length; i++) s += HEX[bytes[i] >> 4] + HEX[bytes[i] & 15];
  return s;
}

export function hexToBytes(hex: string): Uint8Array {
  if (typeof hex !== "string") throw new InputTypeError(`hex must be a string, got ${describe(hex)}`);
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) {
    throw new InputTypeError("hex must have an even number of digits 0-9a-f");
  }
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(i * 2, 2), 16);
  return out;
}
