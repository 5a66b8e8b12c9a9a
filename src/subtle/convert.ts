// WebIDL-style argument conversion for the facade: what crypto.subtle does to its arguments
// before any work, with the same error names (TypeError for a wrong type or a missing member).
// One deliberate difference: dictionary members are read from the object's OWN properties only
// (WebIDL also reads inherited ones), so a polluted Object.prototype cannot supply an
// `additionalData`, `tagLength`, `length` or `iv` the caller never passed.
import { copyOfArrayBuffer, isArrayBuffer, viewBytes } from "../bytes.js";
import { DetachedBufferError } from "../errors.js";
import { ownValue } from "../modes/guard.js";
import { SubtleTypeError } from "./errors.js";

/**
 * WebIDL's conversion of a BufferSource argument: its type only (TypeError for anything else,
 * a SharedArrayBuffer or a view of one included), no copy yet. The methods copy the bytes
 * later, after algorithm normalization (w3c/webcrypto#426), with bufferSource().
 */
export function checkBufferSource(value: unknown, what: string): void {
  if (isArrayBuffer(value)) return;
  if (ArrayBuffer.isView(value)) {
    let view: Uint8Array;
    try {
      view = viewBytes(value, what);
    } catch (e) {
      if (e instanceof DetachedBufferError) return; // converts; its copy is empty
      throw e;
    }
    if (isArrayBuffer(view.buffer)) return;
  }
  throw new SubtleTypeError(`${what} must be an ArrayBuffer or ArrayBufferView`);
}

/**
 * A copy of a BufferSource's bytes (WebCrypto copies its inputs when the call is made), read
 * through the intrinsic getters (src/bytes.ts): a view's own `buffer`/`byteOffset`/
 * `byteLength` properties are never consulted. A detached buffer holds no bytes (WebIDL).
 */
export function bufferSource(value: unknown, what: string): Uint8Array {
  if (isArrayBuffer(value)) return copyOfArrayBuffer(value);
  if (ArrayBuffer.isView(value)) {
    let view: Uint8Array;
    try {
      view = viewBytes(value, what);
    } catch (e) {
      if (e instanceof DetachedBufferError) return new Uint8Array(0);
      throw e;
    }
    if (isArrayBuffer(view.buffer)) return view.slice();
  }
  // A SharedArrayBuffer (or a view of one) is not a BufferSource either.
  throw new SubtleTypeError(`${what} must be an ArrayBuffer or ArrayBufferView`);
}

/** WebIDL's DOMString conversion: ToString, where a symbol is a TypeError. */
export function domString(value: unknown, what: string): string {
  if (typeof value === "symbol") throw new SubtleTypeError(`${what} must be a string`);
  return `${value as string}`;
}

/** An optional member of an algorithm dictionary (own property; undefined when absent). */
export function optionalMember(params: Record<string, unknown>, name: string): unknown {
  return ownValue(params, name);
}

/** A required member of an algorithm dictionary. */
export function member(params: Record<string, unknown>, name: string): unknown {
  const value = ownValue(params, name);
  if (value === undefined) throw new SubtleTypeError(`algorithm.${name} is required`);
  return value;
}

/** A required BufferSource member, copied. */
export function bytesMember(params: Record<string, unknown>, name: string): Uint8Array {
  return bufferSource(member(params, name), `algorithm.${name}`);
}

/** A required [EnforceRange] integer member in [0, max] (octet: 255, unsigned short: 65535). */
export function integerMember(params: Record<string, unknown>, name: string, max: number): number {
  return integerValue(member(params, name), name, max);
}

/** A member's value (read already) as an [EnforceRange] integer in [0, max]. */
export function integerValue(value: unknown, name: string, max: number): number {
  let n: number;
  try {
    if (typeof value === "bigint") throw new TypeError("a bigint");
    n = Number(value); // WebIDL: ToNumber (a symbol or bigint is a TypeError)
  } catch {
    throw new SubtleTypeError(`algorithm.${name} must be a number`);
  }
  if (!Number.isFinite(n)) throw new SubtleTypeError(`algorithm.${name} must be a finite number`);
  const t = Math.trunc(n);
  if (t < 0 || t > max) throw new SubtleTypeError(`algorithm.${name} must be in 0..${max}, got ${n}`);
  return t;
}

/** ArrayBuffer holding exactly `bytes` (what crypto.subtle resolves with). */
export function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer) {
    return bytes.buffer;
  }
  return bytes.slice().buffer as ArrayBuffer;
}
