// Block padding for ECB and CBC: PKCS#7 (RFC 5652 §6.3) and ISO/IEC 9797-1 method 2
// (a 0x80 byte, then zeros; always at least one byte added). Unpadding looks at every byte
// of the last block whatever the pad length, and callers turn a bad pad into the one generic
// DecryptionError, so neither the timing nor the error tells which check failed.
//
// Unpadding is constant-time in the decrypted block (docs/constant-time.md): a fixed 16-step
// loop, reads at public indices only (start + 0..15), no branch, ternary or comparison on a
// byte of the block. Conditions are computed as int32 masks (0 or -1) with `>> 31` on
// differences of small non-negative integers (for 0 <= x, y < 2^31, x - y < 0 iff x < y),
// never with unary minus (-0 is a heap number in V8, a different type feedback: a deopt that
// depends on the data). The result is `length | badMask`: the length when good, -1 when bad,
// without a select. The one bit "bad or not" is what the caller reveals anyway by throwing
// DecryptionError; the length is revealed by the output on success.

export type Padding = "pkcs7" | "iso9797-m2" | "none";

export const PADDINGS: readonly Padding[] = ["pkcs7", "iso9797-m2", "none"];

/** Writes the final padded block for `tail` (0..15 bytes) into `block` (16 bytes). */
export function padBlock(padding: Exclude<Padding, "none">, tail: Uint8Array, block: Uint8Array): void {
  block.set(tail);
  padInPlace(padding, block, 0, tail.length);
}

/** Pads the last block in place: it starts at `start` in `buf` and holds `n` (0..15) data bytes. */
export function padInPlace(padding: Exclude<Padding, "none">, buf: Uint8Array, start: number, n: number): void {
  if (padding === "pkcs7") {
    buf.fill(16 - n, start + n, start + 16);
  } else {
    buf[start + n] = 0x80;
    buf.fill(0, start + n + 1, start + 16);
  }
}

/** Number of data bytes in a decrypted last block, or -1 if its padding is invalid. */
export function unpaddedLength(padding: Exclude<Padding, "none">, block: Uint8Array): number {
  return unpaddedLengthAt(padding, block, 0);
}

/** As unpaddedLength, for the 16-byte block at `start` in `buf`. Constant-time in the block's bytes. */
export function unpaddedLengthAt(padding: Exclude<Padding, "none">, buf: Uint8Array, start: number): number {
  // `padding` and `start` are public: this branch and the indices do not depend on the data.
  return padding === "pkcs7" ? pkcs7Length(buf, start) : iso9797m2Length(buf, start);
}

/**
 * PKCS#7: the last byte p must be 1..16 and the last p bytes must all equal p. Returns 16 - p,
 * or -1. Every byte is examined; which ones count is a mask, not a branch.
 */
function pkcs7Length(buf: Uint8Array, start: number): number {
  const p = buf[start + 15]! | 0;
  // bad = -1 if p == 0 (then p - 1 < 0) or p > 16 (then 16 - p < 0).
  let bad = ((p - 1) | (16 - p)) >> 31;
  let diff = 0;
  for (let i = 0; i < 16; i++) {
    // inPad = -1 for the bytes at positions >= 16 - p, i.e. i + p - 16 >= 0.
    const inPad = ~((i + p - 16) >> 31);
    // A non-zero (byte ^ p) inside the pad makes diff non-zero.
    diff |= inPad & (buf[start + i]! ^ p);
  }
  bad |= (0 - diff) >> 31; // -1 iff diff != 0 (diff is 0..255)
  return (16 - p) | bad;
}

/**
 * ISO/IEC 9797-1 method 2: the last non-zero byte must be 0x80; its position is the data
 * length. Scans all 16 bytes from the end, remembering (as masks) whether a non-zero byte has
 * been seen; the first one seen contributes its index and its difference from 0x80. No read
 * at the marker's (secret) position: every byte is read once at its own index.
 */
function iso9797m2Length(buf: Uint8Array, start: number): number {
  let seen = 0; // -1 once a non-zero byte has been passed (scanning down from byte 15)
  let length = 0;
  let diff = 0;
  for (let i = 15; i >= 0; i--) {
    const b = buf[start + i]! | 0;
    const nonZero = (0 - b) >> 31; // -1 iff b != 0
    const marker = nonZero & ~seen; // -1 for the last non-zero byte only
    length |= marker & i;
    diff |= marker & (b ^ 0x80);
    seen |= nonZero;
  }
  // bad: no non-zero byte at all (an all-zero block), or the marker is not 0x80.
  const bad = ~seen | ((0 - diff) >> 31);
  return length | bad;
}
