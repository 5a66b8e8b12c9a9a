// NonceSource with an injected clock and random source: layout, the four state-loss scenarios,
// write-ahead reservation, the in-process mutex and the per-message block limit.
import { describe, expect, it } from "vitest";
import { NonceSource, MAX_BLOCKS_PER_MESSAGE_LIMIT, DEFAULT_MAX_BLOCKS_PER_MESSAGE } from "../src/nonce/source.js";
import { MemoryNonceStore, NONCE_MAX, type NonceStore } from "../src/nonce/stores.js";
import { NonceExhaustedError, NonceStoreCorruptError } from "../src/nonce/errors.js";
import { AesError, StateError, InputTypeError } from "../src/errors.js";
import { countingRandom, nonceOf, randomPartOf } from "./helpers/nonce.js";

const T0 = Date.UTC(2025, 0, 1); // a plausible "now" in ms

function clock(start: number) {
  const c = { ms: start, now: () => c.ms };
  return c;
}

async function draw(source: NonceSource, n: number): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for (let i = 0; i < n; i++) out.push(await source.next());
  return out;
}

describe("counter block layout", () => {
  it("is N (6 bytes, big-endian ms) | 0 | 9 random bytes", async () => {
    const c = clock(0x0102030405 * 256 + 0x06);
    const source = new NonceSource({ store: new MemoryNonceStore(), now: c.now, random: (b) => b.fill(0xab) });
    const block = await source.next();
    expect(Buffer.from(block).toString("hex")).toBe("010203040506" + "00" + "ab".repeat(9));
  });

  it("draws the random part from crypto.getRandomValues by default", async () => {
    const source = new NonceSource({ store: new MemoryNonceStore() });
    const parts = new Set((await draw(source, 50)).map(randomPartOf));
    expect(parts.size).toBe(50);
  });

  it("starts at the clock with an empty store", async () => {
    const before = Date.now();
    const n = nonceOf(await new NonceSource({ store: new MemoryNonceStore() }).next());
    expect(n).toBeGreaterThanOrEqual(before);
    expect(n).toBeLessThanOrEqual(Date.now());
  });
});

describe("state-loss scenarios (deterministic clock and random)", () => {
  it("normal operation: N strictly increases even when many draws share one millisecond", async () => {
    const c = clock(T0);
    const source = new NonceSource({ store: new MemoryNonceStore(), now: c.now, random: countingRandom() });
    const ns: number[] = [];
    for (let i = 0; i < 30; i++) {
      if (i % 10 === 0) c.ms += 50; // the clock moves now and then
      ns.push(nonceOf(await source.next()));
    }
    for (let i = 1; i < ns.length; i++) expect(ns[i]).toBeGreaterThan(ns[i - 1]);
    expect(ns.slice(0, 3)).toEqual([T0 + 50, T0 + 51, T0 + 52]); // last + 1 within one ms
    expect(ns[10]).toBe(T0 + 100); // jumps to the clock when the clock is ahead
  });

  it("store wiped (restore from backup), clock correct: new N are above every earlier N", async () => {
    const c = clock(T0);
    const store = new MemoryNonceStore();
    const first = await draw(new NonceSource({ store, now: c.now, reserve: 5, random: countingRandom() }), 20);
    const earlier = Math.max(...first.map(nonceOf));
    // 20 draws in the same ms ran 19 ms ahead of the clock; real time passes before the restore.
    c.ms += 1000;
    store.wipe();
    const after = await draw(new NonceSource({ store, now: c.now, random: countingRandom() }), 20);
    expect(Math.min(...after.map(nonceOf))).toBeGreaterThan(earlier);
    expect(nonceOf(after[0])).toBe(T0 + 1000);
  });

  it("clock set back, store intact: the store keeps N above every earlier N", async () => {
    const c = clock(T0);
    const store = new MemoryNonceStore();
    const first = await draw(new NonceSource({ store, now: c.now, reserve: 3, random: countingRandom() }), 10);
    const earlier = Math.max(...first.map(nonceOf));
    const reserved = store.mark!;
    c.ms = T0 - 3_600_000; // an hour back
    const after = await draw(new NonceSource({ store, now: c.now, reserve: 3, random: countingRandom() }), 10);
    expect(Math.min(...after.map(nonceOf))).toBeGreaterThan(earlier);
    // It restarts just above the old reservation, not at the old clock value.
    expect(nonceOf(after[0])).toBe(reserved + 1);
  });

  it("both at once: N repeat, and only the random part separates the blocks", async () => {
    const c = clock(T0);
    const store = new MemoryNonceStore();
    const before = await draw(new NonceSource({ store, now: c.now, random: countingRandom() }), 10);
    store.wipe();
    c.ms = T0; // the VM snapshot is back at the same time
    const fresh = (random: (b: Uint8Array) => void) => new NonceSource({ store: new MemoryNonceStore(), now: c.now, random });

    const after = await draw(fresh((b) => crypto.getRandomValues(b)), 10);
    for (let i = 0; i < 10; i++) {
      expect(nonceOf(after[i])).toBe(nonceOf(before[i])); // the same N is handed out again
      expect(randomPartOf(after[i])).not.toBe(randomPartOf(before[i])); // 72 fresh random bits
    }
    // With the random part forced to repeat as well, the blocks are identical: it is the random
    // part, not anything else, that keeps them apart in this case.
    const replayed = await draw(fresh(countingRandom()), 10);
    expect(replayed.map((b) => Buffer.from(b).toString("hex"))).toEqual(before.map((b) => Buffer.from(b).toString("hex")));
  });
});

/** A memory store that records every write, to check write-ahead and count writes. */
class RecordingStore implements NonceStore {
  readonly inner = new MemoryNonceStore();
  readonly writes: number[] = [];
  async advance(decide: (stored: number | null) => number): Promise<number> {
    await new Promise((r) => setTimeout(r, 1)); // a store write takes time, like a real one
    const mark = await this.inner.advance(decide);
    this.writes.push(mark);
    return mark;
  }
}

describe("write-ahead reservation", () => {
  it("every returned N is covered by a mark already in the store", async () => {
    const store = new RecordingStore();
    const c = clock(T0);
    const source = new NonceSource({ store, reserve: 4, now: c.now });
    for (let i = 0; i < 25; i++) {
      const n = nonceOf(await source.next());
      expect(store.inner.mark).not.toBeNull();
      expect(n).toBeLessThanOrEqual(store.inner.mark!);
    }
  });

  it("reserve K: one store write per K nonces; reserve 1: one per nonce", async () => {
    const c = clock(T0);
    const k10 = new RecordingStore();
    await draw(new NonceSource({ store: k10, reserve: 10, now: c.now }), 100);
    expect(k10.writes).toHaveLength(10);
    expect(k10.writes[0]).toBe(T0 + 9); // persisted last + K − 1 before handing out T0
    const k1 = new RecordingStore();
    await draw(new NonceSource({ store: k1, reserve: 1, now: c.now }), 20);
    expect(k1.writes).toHaveLength(20);
  });

  it("a clock jump past the reservation reserves again, at the clock", async () => {
    const c = clock(T0);
    const store = new RecordingStore();
    const source = new NonceSource({ store, reserve: 100, now: c.now });
    await source.next();
    c.ms = T0 + 500;
    expect(nonceOf(await source.next())).toBe(T0 + 500);
    expect(store.writes).toEqual([T0 + 99, T0 + 599]);
  });

  it("two sources sharing one store get disjoint reservations", async () => {
    const c = clock(T0);
    const store = new MemoryNonceStore();
    const a = new NonceSource({ store, reserve: 7, now: c.now });
    const b = new NonceSource({ store, reserve: 5, now: c.now });
    const seen = new Set<number>();
    for (let i = 0; i < 60; i++) seen.add(nonceOf(await (i % 3 === 0 ? b : a).next()));
    expect(seen.size).toBe(60);
  });
});

describe("mutex", () => {
  it("concurrent next() calls never share an N (slow store, stopped clock)", async () => {
    const c = clock(T0);
    const store = new RecordingStore();
    const source = new NonceSource({ store, reserve: 3, now: c.now });
    const blocks = await Promise.all(Array.from({ length: 200 }, () => source.next()));
    const ns = blocks.map(nonceOf);
    expect(new Set(ns).size).toBe(200);
    expect(ns).toEqual([...ns].sort((x, y) => x - y)); // handed out in call order
    // Draws waited for each other's reservation instead of all going to the store at once.
    expect(store.writes).toHaveLength(Math.ceil(200 / 3));
    expect(ns[199] - ns[0]).toBe(199);
  });

  it("serializes draws even over a store whose read and write are not atomic", async () => {
    // A naive custom store: reads, waits, writes. Unserialized draws would read the same mark.
    let mark: number | null = null;
    const naive: NonceStore = {
      async advance(decide) {
        const seen = mark;
        await new Promise((r) => setTimeout(r, 1));
        return (mark = decide(seen));
      },
    };
    const source = new NonceSource({ store: naive, reserve: 1, now: () => T0 });
    const ns = (await Promise.all(Array.from({ length: 50 }, () => source.next()))).map(nonceOf);
    expect(new Set(ns).size).toBe(50);
  });

  it("a failed store write rejects that call only; later calls still work", async () => {
    let fail = true;
    const inner = new MemoryNonceStore();
    const flaky: NonceStore = {
      advance: (decide) => (fail ? Promise.reject(new Error("disk full")) : inner.advance(decide)),
    };
    const source = new NonceSource({ store: flaky, reserve: 1 });
    const first = source.next();
    const second = source.next().then(nonceOf);
    await expect(first).rejects.toThrow("disk full");
    await expect(second).rejects.toThrow("disk full");
    fail = false;
    expect(nonceOf(await source.next())).toBeGreaterThan(0);
  });
});

describe("limits and options", () => {
  it("ctrOptions carries maxBlocksPerMessage (default 2^32) with the 128-bit counter", () => {
    const store = new MemoryNonceStore();
    expect(new NonceSource({ store }).ctrOptions).toEqual({ counterBits: 128, maxBlocks: DEFAULT_MAX_BLOCKS_PER_MESSAGE });
    expect(DEFAULT_MAX_BLOCKS_PER_MESSAGE).toBe(2 ** 32);
    expect(new NonceSource({ store, maxBlocksPerMessage: 7 }).ctrOptions.maxBlocks).toBe(7);
    // The structural limit: with C < 2^72, a message of 2^80 − 2^72 blocks stays inside N's range.
    expect(MAX_BLOCKS_PER_MESSAGE_LIMIT).toBe(256 ** 10 - 256 ** 9);
  });

  it("rejects bad options with typed errors", () => {
    const store = new MemoryNonceStore();
    expect(() => new NonceSource({ store, reserve: 0 })).toThrow(StateError);
    expect(() => new NonceSource({ store, reserve: 1.5 })).toThrow(StateError);
    expect(() => new NonceSource({ store, maxBlocksPerMessage: 0 })).toThrow(StateError);
    expect(() => new NonceSource({ store, maxBlocksPerMessage: 2 ** 81 })).toThrow(StateError);
    expect(() => new NonceSource({} as never)).toThrow(InputTypeError);
    expect(() => new MemoryNonceStore(-1)).toThrow(NonceStoreCorruptError);
  });

  it("a broken clock is an error, not a nonce", async () => {
    const source = new NonceSource({ store: new MemoryNonceStore(), now: () => NaN });
    await expect(source.next()).rejects.toThrow(StateError);
  });

  it("the 48-bit field running out is NonceExhaustedError", async () => {
    const source = new NonceSource({ store: new MemoryNonceStore(NONCE_MAX - 1), now: () => T0, reserve: 10 });
    expect(nonceOf(await source.next())).toBe(NONCE_MAX);
    const err = await source.next().catch((e) => e);
    expect(err).toBeInstanceOf(NonceExhaustedError);
    expect(err).toBeInstanceOf(AesError);
    expect(err.code).toBe("ERR_AES_NONCE_EXHAUSTED");
  });
});
