// Seeded randomness for tests, so a failure can be replayed (the seed is in the test name).
export function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    // xorshift32
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 2 ** 32;
  };
}

export function randomBytes(next: () => number, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (next() * 256) | 0;
  return out;
}

/** Cuts [0, length) into pieces of random sizes (including empty ones and odd sizes). */
export function randomSplits(next: () => number, length: number, maxPiece = 5000): number[] {
  const cuts: number[] = [];
  let off = 0;
  while (off < length) {
    const piece = Math.min(length - off, Math.floor(next() * next() * maxPiece));
    cuts.push(piece);
    off += piece;
  }
  return cuts;
}
