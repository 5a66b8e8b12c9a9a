// Safety net for slots whose owner was garbage-collected without dispose()/final(): the slot
// is wiped and returned. Explicit dispose() remains the way to wipe keys promptly.
import type { Core } from "./wasm/core.js";

interface Held { core: Core; ptr: number; size: number }

const registry =
  typeof FinalizationRegistry === "function"
    ? new FinalizationRegistry<Held>((h) => h.core.release(h.ptr, h.size))
    : undefined;

export function track(owner: object, core: Core, ptr: number, size: number): void {
  registry?.register(owner, { core, ptr, size }, owner);
}

export function untrack(owner: object): void {
  registry?.unregister(owner);
}
