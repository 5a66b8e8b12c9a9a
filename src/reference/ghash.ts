// GF(2^128) multiplication for GHASH, bit by bit as SP 800-38D §6.3 Algorithm 1 states it:
// slow and plainly correct, the oracle for the table-driven WASM kernel (assembly/ghash.ts).
// Blocks are 16 bytes as on the wire; bit 0 is the most significant bit of byte 0.

/** Z = X·Y in GCM's field; `out` may alias neither input. */
export function gfMultiply(x: Uint8Array, y: Uint8Array, out: Uint8Array = new Uint8Array(16)): Uint8Array {
  const z = out.fill(0);
  const v = Uint8Array.from(y.subarray(0, 16));
  for (let i = 0; i < 128; i++) {
    // Step 2a: if bit i of X is set, Z ^= V.
    if ((x[i >> 3]! >> (7 - (i & 7))) & 1) for (let j = 0; j < 16; j++) z[j]! ^= v[j]!;
    // Step 2b: V = V >> 1, xor R = 11100001 || 0^120 if the bit shifted out (bit 127) was 1.
    const lsb = v[15]! & 1;
    for (let j = 15; j > 0; j--) v[j] = ((v[j]! >> 1) | (v[j - 1]! << 7)) & 0xff;
    v[0] = v[0]! >> 1;
    if (lsb) v[0]! ^= 0xe1;
  }
  return z;
}

/** GHASH_H over whole blocks (§6.4): for each block X, Y = (Y ^ X)·H; Y updated in place. */
export function ghashBlocks(h: Uint8Array, y: Uint8Array, data: Uint8Array): void {
  const t = new Uint8Array(16);
  for (let p = 0; p + 16 <= data.length; p += 16) {
    for (let j = 0; j < 16; j++) t[j] = y[j]! ^ data[p + j]!;
    gfMultiply(t, h, y);
  }
}
