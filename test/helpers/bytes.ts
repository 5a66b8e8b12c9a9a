// Fast byte comparison for large buffers (vitest's deep equality walks typed arrays element by
// element); on a mismatch the message shows where and what differs.
import { expect } from "vitest";

export function expectBytes(actual: Uint8Array, expected: Uint8Array, what = "bytes"): void {
  const a = Buffer.from(actual.buffer, actual.byteOffset, actual.byteLength);
  const e = Buffer.from(expected.buffer, expected.byteOffset, expected.byteLength);
  if (a.equals(e)) return;
  let i = 0;
  while (i < a.length && i < e.length && a[i] === e[i]) i++;
  const at = (b: Buffer) => b.subarray(Math.max(0, i - 4), i + 12).toString("hex");
  expect.fail(`${what}: lengths ${a.length} vs expected ${e.length}; first difference at byte ${i}: ` +
    `got …${at(a)}…, expected …${at(e)}…`);
}

/** The parts one after another, in a new array. */
export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}
