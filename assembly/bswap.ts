// Byte swaps (big-endian words on the wire, little-endian in WASM), always inlined, for the
// per-block counter of the short-GCM kernels: the standard library's bswap<T> is a function
// that the optimizer leaves out of line at shrinkLevel 1 (asconfig.json). Elsewhere bswap<T>
// stays (per call, not per block; inlining it everywhere costs ~2 KB of WASM).
/** The 4 bytes of `x` in reverse order. */
@inline export function bswap32(x: u32): u32 {
  return rotl<u32>(((x & 0x00ff00ff) << 8) | ((x >> 8) & 0x00ff00ff), 16);
}

/** The 8 bytes of `x` in reverse order. */
@inline export function bswap64(x: u64): u64 {
  const a = ((x & 0x00ff00ff00ff00ff) << 8) | ((x >> 8) & 0x00ff00ff00ff00ff);
  return rotl<u64>(((a & 0x0000ffff0000ffff) << 16) | ((a >> 16) & 0x0000ffff0000ffff), 32);
}
