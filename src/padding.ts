// Block padding for ECB and CBC: PKCS#7 (RFC 5652 §6.3) and ISO/IEC 9797-1 method 2
// (a 0x80 byte, then zeros; always at least one byte added). Unpadding looks at every byte
// of the last block whatever the pad length, and callers turn a bad pad into the one generic
// DecryptionError, so neither the timing nor the error tells which check failed.

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

/** As unpaddedLength, for the 16-byte block at `start` in `buf`. */
export function unpaddedLengthAt(padding: Exclude<Padding, "none">, buf: Uint8Array, start: number): number {
  if (padding === "pkcs7") {
    const p = buf[start + 15];
    let bad = (p === 0 ? 1 : 0) | (p > 16 ? 1 : 0);
    for (let i = 0; i < 16; i++) {
      // bytes at positions >= 16 - p must equal p
      const inPad = i >= 16 - p ? 1 : 0;
      bad |= inPad & (buf[start + i] !== p ? 1 : 0);
    }
    return bad ? -1 : 16 - p;
  }
  // ISO/IEC 9797-1 method 2: the last non-zero byte must be 0x80.
  let marker = -1;
  for (let i = 15; i >= 0; i--) {
    if (marker < 0 && buf[start + i] !== 0) marker = i;
  }
  return marker >= 0 && buf[start + marker] === 0x80 ? marker : -1;
}
