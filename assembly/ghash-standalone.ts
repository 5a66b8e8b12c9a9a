// GHASH alone, for isolated builds and benchmarks of the kernel (scripts/bench-ghash.mjs):
// the GCM ABI of index.ts (ghashSetup, ghash, gcmSlotSize) and the slot layout, without the
// AES kernels. Build outside the repository root (asc there also compiles asconfig.json's
// entries), e.g. from /tmp:
//   asc /path/to/assembly/ghash-standalone.ts --outFile /tmp/ghash.wasm --runtime stub \
//     --use abort= --enable simd -O3 --noAssert --memoryBase 131072 --initialMemory 4
import { GCM_SLOT_SIZE } from "./layout";

export { ghashSetup, ghash } from "./ghash";
export { GCM_SLOT_SIZE, GCM_ACC, GCM_BLOCK, GCM_TABLE } from "./layout";

/** Bytes of a GCM slot (the host allocates them like state slots). */
export function gcmSlotSize(): usize {
  return GCM_SLOT_SIZE;
}

/** First byte above the compiler's static data: where a host may put slots. */
export function heapBase(): usize {
  return __heap_base;
}
