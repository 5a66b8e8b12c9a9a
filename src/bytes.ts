// Bytes in and out of the library, and hex helpers.
//
// Input: every byte argument (data, key, IV, AAD, tag) goes through asBytes(), which accepts any
// ArrayBufferView of this or another realm (Uint8Array, Buffer, DataView, any TypedArray: its
// bytes in memory order; ArrayBuffer or SharedArrayBuffer backed) and returns a PLAIN
// Uint8Array made by this module. Its buffer, offset and length are read through the
// intrinsic TypedArray/DataView getters, never through the object: a subclass or an own
// property that lies about `length`, `byteLength`, `subarray`, ... is never consulted, and no
// caller code runs while the library works on the bytes. A view of a detached buffer is a
// DetachedBufferError, anything else an InputTypeError.
//
// Output: outputFor() checks a caller's output buffer the same way, and unaliased() is the one
// rule for an output that overlaps the input (see there): it behaves as memmove.
import { DataLengthError, DetachedBufferError, InputTypeError, show } from "./errors.js";

type Getter = (this: unknown) => unknown;

function getter(proto: object, name: PropertyKey): Getter {
  return Object.getOwnPropertyDescriptor(proto, name)!.get as Getter;
}

const TYPED_ARRAY = Object.getPrototypeOf(Uint8Array.prototype) as object;
const taTag = getter(TYPED_ARRAY, Symbol.toStringTag);
const taBuffer = getter(TYPED_ARRAY, "buffer");
const taByteOffset = getter(TYPED_ARRAY, "byteOffset");
const taByteLength = getter(TYPED_ARRAY, "byteLength");
const dvBuffer = getter(DataView.prototype, "buffer");
const dvByteOffset = getter(DataView.prototype, "byteOffset");
const dvByteLength = getter(DataView.prototype, "byteLength");
const abDetached = (Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, "detached")?.get as Getter | undefined);
const abByteLength = getter(ArrayBuffer.prototype, "byteLength");

/** Whether `x` is an ArrayBuffer of any realm (not a SharedArrayBuffer), by its internal slots. */
export function isArrayBuffer(x: unknown): x is ArrayBuffer {
  if (typeof x !== "object" || x === null) return false;
  try {
    abByteLength.call(x); // throws for anything but an ArrayBuffer (a SharedArrayBuffer included)
    return true;
  } catch {
    return false;
  }
}

/** A copy of an ArrayBuffer's bytes (empty when detached), by its internal slots. */
export function copyOfArrayBuffer(buffer: ArrayBuffer): Uint8Array {
  return (abByteLength.call(buffer) as number) === 0 ? new Uint8Array(0) : new Uint8Array(buffer).slice();
}

/**
 * Inputs up to this many bytes that are byte arrays are copied rather than viewed: V8 keeps
 * typed arrays of at most 64 bytes inside the JS heap, and asking one for its `buffer` (which
 * a view needs) moves it out, ~1 µs, more than encrypting it. A copy costs what a view does.
 */
const COPY_MAX = 64;

function isDetached(buffer: ArrayBufferLike): boolean {
  if (abDetached) {
    try {
      return abDetached.call(buffer) === true;
    } catch {
      return false; // a SharedArrayBuffer: never detached
    }
  }
  try {
    new Uint8Array(buffer, 0, 0);
    return false;
  } catch {
    return true;
  }
}

/** The intrinsic buffer, byte offset and byte length of a view; TypeError/DetachedBufferError. */
function parts(data: unknown, what: string): [ArrayBufferLike, number, number, string | undefined] {
  if (!ArrayBuffer.isView(data)) {
    throw new InputTypeError(`${what} must be a Uint8Array or another ArrayBufferView, got ${describe(data)}`);
  }
  const tag = taTag.call(data) as string | undefined;
  if (tag !== undefined) {
    const length = taByteLength.call(data) as number; // 0 when detached
    const buffer = taBuffer.call(data) as ArrayBufferLike;
    if (length === 0 && isDetached(buffer)) throw new DetachedBufferError(what);
    return [buffer, taByteOffset.call(data) as number, length, tag];
  }
  // A DataView: its getters throw when the buffer is detached.
  const buffer = dvBuffer.call(data) as ArrayBufferLike;
  try {
    return [buffer, dvByteOffset.call(data) as number, dvByteLength.call(data) as number, undefined];
  } catch {
    throw new DetachedBufferError(what);
  }
}

/**
 * The bytes of any ArrayBufferView as a plain Uint8Array made here (a view of the same memory,
 * or for a byte array of at most 64 bytes a copy); anything else is an InputTypeError, a
 * detached view a DetachedBufferError. For inputs: use viewBytes() where writes must reach the
 * caller's memory.
 */
export function asBytes(data: unknown, what = "data"): Uint8Array {
  // The fast paths ask the tag getter first: it is undefined for anything but a TypedArray
  // (primitives, proxies and look-alikes included), so it is also the type check.
  if (taTag.call(data) === "Uint8Array") {
    const length = taByteLength.call(data) as number;
    // new Uint8Array(typedArray) copies by the source's internal length, not its `length`.
    if (length !== 0 && length <= COPY_MAX) return new Uint8Array(data as Uint8Array);
  }
  const [buffer, offset, length] = parts(data, what);
  return new Uint8Array(buffer, offset, length);
}

/** As asBytes, but always a view of the caller's memory (never a copy): for output buffers. */
export function viewBytes(data: unknown, what = "output"): Uint8Array {
  const [buffer, offset, length] = parts(data, what);
  return new Uint8Array(buffer, offset, length);
}

/** The real byte length of any ArrayBufferView (InputTypeError / DetachedBufferError otherwise). */
export function byteLengthOf(data: unknown, what = "data"): number {
  if (taTag.call(data) !== undefined) {
    const length = taByteLength.call(data) as number;
    if (length !== 0) return length;
  }
  return parts(data, what)[2];
}

/**
 * Copies the bytes of any ArrayBufferView into `dst` at `at` with no copy in between (a byte
 * array goes straight through TypedArray.prototype.set, which reads its internal length and
 * bytes) and returns how many. For secrets (key bytes): no stray copy is left in the JS heap.
 */
export function copyBytesInto(data: unknown, dst: Uint8Array, at: number, what = "data"): number {
  if (taTag.call(data) === "Uint8Array") {
    const length = taByteLength.call(data) as number;
    if (length !== 0) {
      dst.set(data as Uint8Array, at);
      return length;
    }
  }
  const view = viewBytes(data, what);
  dst.set(view, at);
  return view.length;
}

/** The output region for `n` bytes: a view of the caller's buffer (checked) or a new array. */
export function outputFor(output: unknown, n: number): Uint8Array {
  if (output === undefined) return n === 0 ? emptyBytes() : new Uint8Array(n);
  const out = viewBytes(output, "output");
  if (out.length < n) throw new DataLengthError(`output has room for ${out.length} bytes, needs ${n}`);
  return out.length === n ? out : out.subarray(0, n);
}

/**
 * A new empty array (every final() of a stream mode returns one), from its own allocation
 * site: `new Uint8Array([])` in outputFor (an earlier workaround for a slow `new Uint8Array(0)`
 * there) cost ~7 % of a 64-byte createCipheriv message more than this, measured A/B.
 */
function emptyBytes(): Uint8Array {
  return new Uint8Array(0);
}

/**
 * THE output rule, for every mode, stream and facade: an output that overlaps its input is
 * handled as memmove — the result is what a separate output would receive.
 *
 * Every mode reads its input and writes its output in index order, through the IO window one
 * chunk at a time, output byte i + `lead` made from input byte i (lead > 0: the output runs
 * ahead, e.g. a block stream completing a held-back partial block). Exactly in place and
 * backward overlap (output starting at or before the input, lead included) never overwrite an
 * input byte before it has been read; a forward overlap would, from the second chunk on. So
 * for a forward overlap the input is copied first (one copy of the input; the bytes are
 * right, the cost is that copy). Views of different buffers never overlap. `src` and `dst`
 * are plain views made by asBytes/viewBytes/outputFor.
 */
export function unaliased(src: Uint8Array, dst: Uint8Array, lead = 0): Uint8Array {
  const s = src.byteOffset;
  const d = dst.byteOffset + lead;
  // Offsets first: the common cases never ask for a buffer (which would move a small
  // on-heap array out of the JS heap).
  if (d <= s || src.length === 0 || dst.length <= lead || dst.byteOffset >= s + src.length) return src;
  if (src.buffer !== dst.buffer) return src;
  return new Uint8Array(src);
}

/** The type of a wrong argument, for a message: typeof, or an object's intrinsic class tag (no caller code runs). */
function describe(x: unknown): string {
  if (x === null) return "null";
  if (typeof x !== "object") return typeof x;
  const tag = show(x).replace(/^an? /, "");
  return tag === "Object" || tag === "object" ? "object" : tag;
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
