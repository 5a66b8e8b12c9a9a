// Safety net for slots whose owner was garbage-collected without dispose()/final(): the slot
// is wiped and returned. Explicit dispose() remains the way to wipe keys promptly.
//
// Registering with a FinalizationRegistry costs more than encrypting a short message, and most
// owners (a createCipheriv(...).update().final(), a key used for one message) are done within
// the synchronous turn that made them. So registration is deferred to a microtask: an owner
// finished before then is never registered; one still alive is, before it could be collected.
// track() returns a handle that untrack() takes, so neither needs a lookup keyed by the owner
// (hashing the owner object was a measurable part of a short message's cost).
import type { Core } from "./wasm/core.js";

/** One tracked slot. Holds no reference to its owner, so the owner can be collected. */
export class Tracked {
  live = true;
  registered = false;
  constructor(readonly core: Core, readonly ptr: number, readonly size: number) {}
}

const registry =
  typeof FinalizationRegistry === "function"
    ? new FinalizationRegistry<Tracked>((t) => {
      if (!t.live) return;
      t.live = false;
      t.core.release(t.ptr, t.size);
    })
    : undefined;

const pendingOwners: object[] = [];
const pendingSlots: Tracked[] = [];
let flushQueued = false;

function flush(): void {
  flushQueued = false;
  for (let i = 0; i < pendingSlots.length; i++) {
    const t = pendingSlots[i];
    if (!t.live) continue;
    registry!.register(pendingOwners[i], t, t);
    t.registered = true;
  }
  pendingOwners.length = 0;
  pendingSlots.length = 0;
}

/** Releases the slot if `owner` is collected while the handle is still live. */
export function track(owner: object, core: Core, ptr: number, size: number): Tracked {
  const t = new Tracked(core, ptr, size);
  if (!registry) return t;
  pendingOwners.push(owner);
  pendingSlots.push(t);
  if (!flushQueued) {
    flushQueued = true;
    queueMicrotask(flush);
  }
  return t;
}

/** The owner released the slot itself: the finalizer must not. */
export function untrack(t: Tracked): void {
  if (!t.live) return;
  t.live = false;
  if (t.registered) {
    registry!.unregister(t);
  } else if (pendingSlots[pendingSlots.length - 1] === t) {
    // The usual order (made, used, released) leaves it last: drop it now, so a long
    // synchronous loop does not pile up owners until the microtask runs.
    pendingSlots.pop();
    pendingOwners.pop();
  }
}
