// Safety net for slots whose owner was garbage-collected without dispose()/final(): the slot
// is wiped and returned. Explicit dispose() remains the way to wipe keys promptly.
//
// Registering with a FinalizationRegistry costs more than encrypting a short message, and most
// owners (a createCipheriv(...).update().final(), a key used for one message) are released
// soon after they are made. So registration is deferred: owners wait in a pending list, which
// a timer registers at most once a second (or at once when it holds FLUSH_BATCH owners); an
// owner released before then is never registered. A timer rather than a microtask: queuing a
// microtask for every message cost about 0.5 µs each, a fifth of a 64-byte message. The delay
// changes nothing that matters: a finalizer runs at some unknown time after collection anyway,
// and pending owners are held (not collected) until registered.
// track() returns a handle that untrack() takes, so neither needs a lookup keyed by the owner
// (hashing the owner object was a measurable part of a short message's cost).
//
// A slot that is not the core's to free (a key's own state slot, part of the key's block) is
// tracked with a Reclaimer: the finalizer hands it back to that instead (the key wipes it and
// lends it again).
import type { Core } from "./wasm/core.js";

/** The method a Reclaimer implements (a symbol, so it is no public method of the object). */
export const RECLAIM: unique symbol = Symbol("reclaim");

/** Takes back a slot whose owner was collected, instead of core.release (e.g. the key that lent it). */
export interface Reclaimer {
  [RECLAIM](t: Tracked): void;
}

/** One tracked slot. Holds no reference to its owner, so the owner can be collected. */
export class Tracked {
  live = true;
  registered = false;
  constructor(readonly core: Core, readonly ptr: number, readonly size: number, readonly reclaimer?: Reclaimer) {}
}

/** What the finalizer does for a slot whose owner was collected while it was live. */
function collected(t: Tracked): void {
  if (!t.live) return;
  t.live = false;
  if (t.reclaimer) t.reclaimer[RECLAIM](t);
  else t.core.release(t.ptr, t.size);
}

const registry = typeof FinalizationRegistry === "function" ? new FinalizationRegistry<Tracked>(collected) : undefined;

const FLUSH_DELAY_MS = 1000;
const FLUSH_BATCH = 1024;
const pendingOwners: object[] = [];
const pendingSlots: Tracked[] = [];
let flushTimer: ReturnType<typeof setTimeout> | undefined;

/** Registers every pending owner that is still live. Runs from the timer; exported for tests. */
export function flushPending(): void {
  if (flushTimer !== undefined) {
    clearTimeout(flushTimer);
    flushTimer = undefined;
  }
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
export function track(owner: object, core: Core, ptr: number, size: number, reclaimer?: Reclaimer): Tracked {
  const t = new Tracked(core, ptr, size, reclaimer);
  if (!registry) return t;
  pendingOwners.push(owner);
  pendingSlots.push(t);
  if (pendingSlots.length >= FLUSH_BATCH) {
    flushPending();
  } else if (flushTimer === undefined) {
    flushTimer = setTimeout(flushPending, FLUSH_DELAY_MS);
    // Node: the timer must not keep the process alive (browsers return a number).
    (flushTimer as { unref?: () => void }).unref?.();
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
    // synchronous loop does not pile up owners until the timer runs.
    pendingSlots.pop();
    pendingOwners.pop();
  }
}
