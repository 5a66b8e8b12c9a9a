// Shared by the nonce tests: reading a counter block back into its parts.
export function nonceOf(block: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < 6; i++) n = n * 256 + block[i];
  return n;
}

export function randomPartOf(block: Uint8Array): string {
  return Buffer.from(block.subarray(7)).toString("hex");
}

/** A deterministic random source: fills with a counter-seeded pattern, distinct per call. */
export function countingRandom(): (bytes: Uint8Array) => void {
  let calls = 0;
  return (bytes) => {
    calls++;
    for (let i = 0; i < bytes.length; i++) bytes[i] = (calls * 131 + i * 17) & 0xff;
  };
}
