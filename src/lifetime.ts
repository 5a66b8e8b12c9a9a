// Safety net for slots whose owner was garbage-collected without dispose()/final(): the slot
// is wiped and returned. Explicit dispose() remains the way to wipe keys promptly.
//
// Registering with a FinalizationRegistry costs more than encrypting a short message, and most
// owners (a createCipheriv(...).update().final(), a key used for one message) are done within
// the synchronous turn that made them. So registration is deferred to a microtask: an owner
// finished before then is never registered; one still alive is, before it could be collected.
import type { Core } from "./wasm/core.js";

interface Held { core: Core; ptr: number; size: number }

const registry =
  typeof FinalizationRegistry === "function"
    ? new FinalizationRegistry<Held>((h) => h.core.release(h.ptr, h.size))
    : undefined;

const pending = new Map<object, Held>();
let flushQueued = false;

function flush(): void {
  flushQueued = false;
  for (const [owner, held] of pending) registry!.register(owner, held, owner);
  pending.clear();
}

export function track(owner: object, core: Core, ptr: number, size: number): void {
  if (!registry) return;
  pending.set(owner, { core, ptr, size });
  if (!flushQueued) {
    flushQueued = true;
    queueMicrotask(flush);
  }
}

export function untrack(owner: object): void {
  if (!pending.delete(owner)) registry?.unregister(owner);
}
