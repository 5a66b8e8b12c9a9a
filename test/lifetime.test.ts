// The garbage-collection safety net (src/lifetime.ts): a slot whose owner is collected without
// being released is wiped and returned; a slot its owner released is never released again.
// Uses a stand-in core that records release() calls, and V8's gc() exposed at run time.
import v8 from "node:v8";
import vm from "node:vm";
import { describe, expect, it } from "vitest";
import { aesKey, ready } from "../src/index.js";
import { flushPending, track, untrack } from "../src/lifetime.js";
import { activeCore } from "../src/wasm/backend.js";
import type { Core } from "../src/wasm/core.js";

v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc") as () => void;

function recordingCore(): { core: Core; released: number[] } {
  const released: number[] = [];
  return { core: { release: (ptr: number) => released.push(ptr) } as unknown as Core, released };
}

/** Collects garbage until `done()` or a deadline: finalizers run some time after a GC. */
async function collectUntil(done: () => boolean, tries = 50): Promise<void> {
  for (let i = 0; i < tries && !done(); i++) {
    gc();
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe("lifetime", () => {
  it("releases the slot of an owner collected without untrack, after registration", async () => {
    const { core, released } = recordingCore();
    (() => {
      track({}, core, 1000, 64);
    })();
    flushPending(); // what the timer does, at most a second later
    await collectUntil(() => released.length > 0);
    expect(released).toEqual([1000]);
  });

  it("registers pending owners by itself (timer), so a forgotten slot is released without help", async () => {
    const { core, released } = recordingCore();
    (() => {
      track({}, core, 4000, 64);
    })();
    await collectUntil(() => released.length > 0, 300); // up to ~3 s: the timer waits 1 s
    expect(released).toEqual([4000]);
  });

  it("never releases a slot its owner untracked, whether before or after registration", async () => {
    const { core, released } = recordingCore();
    const owners = [{}, {}, {}];
    const early = owners.map((o, i) => track(o, core, 2000 + i, 64));
    untrack(early[0]); // not the last one pending
    untrack(early[2]); // the last one pending
    flushPending();
    untrack(early[1]); // already registered
    const late = track({}, core, 3000, 64); // owner unreachable at once, still tracked
    owners.length = 0;
    flushPending();
    await collectUntil(() => released.length > 0);
    expect(released).toEqual([3000]);
    untrack(late); // after the finalizer ran: a no-op
    expect(released).toEqual([3000]);
  });

  it("a tight synchronous loop of track/untrack leaves nothing to release", async () => {
    const { core, released } = recordingCore();
    for (let i = 0; i < 10_000; i++) untrack(track({}, core, i, 64));
    flushPending();
    await collectUntil(() => false, 10); // give any wrongly registered finalizer a chance
    expect(released).toEqual([]);
  });

  it("a stream dropped without final() gets its extra state slot back (the key does not pin it)", async () => {
    await ready();
    const core = activeCore();
    const key = aesKey(new Uint8Array(16));
    const first = key.ctr(new Uint8Array(16)).encryptor(); // takes the key's own state slot
    const before = core.stats().slotsInUse;
    (() => {
      key.ofb(new Uint8Array(16)).encryptor().update(new Uint8Array(3)); // an extra slot, never finished
    })();
    expect(core.stats().slotsInUse).toBe(before + 1);
    flushPending();
    await collectUntil(() => core.stats().slotsInUse === before);
    expect(core.stats().slotsInUse).toBe(before);
    first.final();
    key.dispose();
  });
});
