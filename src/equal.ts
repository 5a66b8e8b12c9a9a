// Tag and MAC comparison for every authenticated mode: one place, so no mode grows an early-exit copy.

/** Same bytes, in time independent of where they differ (the lengths are public). */
export function equalConstantTime(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}
