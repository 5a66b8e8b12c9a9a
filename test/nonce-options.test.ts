// Options of NonceSource, the stores and openCtr: read from own properties only (a polluted
// Object.prototype supplies nothing), and every number checked to be a finite integer in range,
// every flag a boolean, every callback a function, with typed errors. A custom store that
// resolves with the wrong mark is refused too.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { IDBFactory } from "fake-indexeddb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { aesKey } from "../src/key.js";
import { InputTypeError, StateError } from "../src/errors.js";
import { openCtr, sealCtr } from "../src/nonce/envelope.js";
import { NonceStoreCorruptError, NonceStoreError, NonceStoreLockError } from "../src/nonce/errors.js";
import { FileNonceStore } from "../src/nonce/file-store.js";
import { IndexedDbNonceStore } from "../src/nonce/indexeddb-store.js";
import { DEFAULT_MAX_BLOCKS_PER_MESSAGE, DEFAULT_NONCE_RESERVE, NonceSource } from "../src/nonce/source.js";
import { MemoryNonceStore, type NonceStore } from "../src/nonce/stores.js";
import { nonceOf, randomPartOf } from "./helpers/nonce.js";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "aes-nonce-options-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `body` with `props` set on Object.prototype (as prototype pollution would), then removes them. */
async function polluted<T>(props: Record<string, unknown>, body: () => Promise<T> | T): Promise<T> {
  const proto = Object.prototype as Record<string, unknown>;
  for (const [k, v] of Object.entries(props)) proto[k] = v;
  try {
    return await body();
  } finally {
    for (const k of Object.keys(props)) delete proto[k];
  }
}

describe("a polluted Object.prototype supplies no option", () => {
  it("NonceSource: no all-zero random part, no attacker clock, default reserve and per-message limit", async () => {
    const attackerClock = 12345;
    const { blocks, source } = await polluted({
      random: (b: Uint8Array) => b.fill(0), now: () => attackerClock, reserve: 1, maxBlocksPerMessage: 1,
    }, async () => {
      const source = new NonceSource({ store: new MemoryNonceStore() });
      const blocks = [await source.next(), await source.next(), await source.next()];
      return { blocks, source };
    });
    for (const b of blocks) expect(randomPartOf(b)).not.toBe("00".repeat(9)); // was: all zero
    expect(nonceOf(blocks[0])).toBeGreaterThan(Date.UTC(2024, 0, 1)); // was: 12345
    expect(source.reserve).toBe(DEFAULT_NONCE_RESERVE);
    expect(source.maxBlocksPerMessage).toBe(DEFAULT_MAX_BLOCKS_PER_MESSAGE);
    expect(new Set(blocks.map(randomPartOf)).size).toBe(3);
  });

  it("NonceSource: a store given only on the prototype is no store", async () => {
    await polluted({ store: new MemoryNonceStore() }, () => {
      expect(() => new NonceSource({} as never)).toThrow(InputTypeError);
    });
  });

  it("FileNonceStore: recoverFromClock and staleLockMs from the prototype are ignored", async () => {
    const corrupt = join(dir, "corrupt.json");
    writeFileSync(corrupt, "garbage");
    await polluted({ recoverFromClock: true }, async () => {
      await expect(new FileNonceStore(corrupt).advance(() => 1)).rejects.toThrow(NonceStoreCorruptError);
    });
    // A live lock (this process, just made): with staleLockMs 0 from the prototype it used to
    // be broken at once, letting two writers in.
    const path = join(dir, "locked.json");
    writeFileSync(path + ".lock", `${process.pid} ${hostname()} held-by-test`);
    try {
      await polluted({ staleLockMs: 0 }, async () => {
        await expect(new FileNonceStore(path, { lockTimeoutMs: 150 }).advance(() => 1)).rejects.toThrow(NonceStoreLockError);
      });
    } finally {
      rmSync(path + ".lock", { force: true });
    }
  });

  it("FileNonceStore: a file without a mark does not take one from the prototype", async () => {
    const path = join(dir, "no-mark.json");
    writeFileSync(path, JSON.stringify({ format: "aes-wasm-nonce/1" }));
    await polluted({ mark: 5 }, async () => {
      await expect(new FileNonceStore(path).peek()).rejects.toThrow(NonceStoreCorruptError); // was: 5
    });
  });

  it("IndexedDbNonceStore: database and name default, not the prototype's", async () => {
    await polluted({ database: "attacker", name: "attacker", recoverFromClock: true }, () => {
      const store = new IndexedDbNonceStore({ indexedDB: new IDBFactory() });
      expect(store.database).toBe("aes-wasm-nonce");
      expect(store.name).toBe("default");
      store.close();
    });
  });

  it("openCtr / sealCtr: maxBlocks and counterBits from the prototype change nothing", async () => {
    const key = aesKey(new Uint8Array(16).fill(1));
    const source = new NonceSource({ store: new MemoryNonceStore() });
    const data = new Uint8Array(100).fill(9);
    const sealed = await sealCtr(key, source, data);
    const opened = await polluted({ maxBlocks: 1, counterBits: 8 }, async () => {
      const again = await sealCtr(key, source, data);
      expect(Buffer.from(openCtr(key, again))).toEqual(Buffer.from(data));
      return openCtr(key, sealed);
    });
    expect(Buffer.from(opened)).toEqual(Buffer.from(data));
  });
});

describe("numeric and other options are checked, with typed errors", () => {
  const store = new MemoryNonceStore();
  const bad = [NaN, Infinity, -Infinity, -1, 0, 1.5, "10", 10n, null, {}];

  it.each(bad.map((v) => [v]))("NonceSource reserve / maxBlocksPerMessage %s → StateError", (v) => {
    expect(() => new NonceSource({ store, reserve: v as number })).toThrow(StateError);
    expect(() => new NonceSource({ store, maxBlocksPerMessage: v as number })).toThrow(StateError);
  });

  it("limits: reserve above 2^48 − 1, maxBlocksPerMessage above 2^80 − 2^72", () => {
    expect(() => new NonceSource({ store, reserve: 2 ** 48 })).toThrow(StateError);
    expect(() => new NonceSource({ store, maxBlocksPerMessage: 2 ** 80 })).toThrow(StateError);
    expect(new NonceSource({ store, reserve: 2 ** 48 - 1 }).reserve).toBe(2 ** 48 - 1);
  });

  it("NonceSource now / random must be functions; options must be an object", () => {
    expect(() => new NonceSource({ store, now: 5 as never })).toThrow(InputTypeError);
    expect(() => new NonceSource({ store, random: "x" as never })).toThrow(InputTypeError);
    expect(() => new NonceSource(null as never)).toThrow(InputTypeError);
    expect(() => new NonceSource({ store: { advance: 1 } as never })).toThrow(InputTypeError);
  });

  it("FileNonceStore lockTimeoutMs / staleLockMs / recoverFromClock (NaN used to wait forever)", () => {
    const p = join(dir, "opts.json");
    for (const v of [NaN, Infinity, -1, 1.5, "100", 2 ** 31]) {
      expect(() => new FileNonceStore(p, { lockTimeoutMs: v as number })).toThrow(StateError);
      expect(() => new FileNonceStore(p, { staleLockMs: v as number })).toThrow(StateError);
    }
    // Below a second, a live holder in a slow fsync would lose its lock to another writer.
    expect(() => new FileNonceStore(p, { staleLockMs: 0 })).toThrow(StateError);
    expect(() => new FileNonceStore(p, { staleLockMs: 999 })).toThrow(StateError);
    expect(() => new FileNonceStore(p, { recoverFromClock: "yes" as never })).toThrow(InputTypeError);
    expect(() => new FileNonceStore(p, 5 as never)).toThrow(InputTypeError);
    expect(() => new FileNonceStore("a\0b")).toThrow(InputTypeError);
    expect(new FileNonceStore(p, { lockTimeoutMs: 0, staleLockMs: 1000 })).toBeInstanceOf(FileNonceStore);
  });

  it("IndexedDbNonceStore database / name / recoverFromClock", () => {
    const indexedDB = new IDBFactory();
    expect(() => new IndexedDbNonceStore({ indexedDB, database: "" })).toThrow(InputTypeError);
    expect(() => new IndexedDbNonceStore({ indexedDB, name: 5 as never })).toThrow(InputTypeError);
    expect(() => new IndexedDbNonceStore({ indexedDB, recoverFromClock: 1 as never })).toThrow(InputTypeError);
  });

  it("openCtr maxBlocks", () => {
    const key = aesKey(new Uint8Array(16));
    const sealed = new Uint8Array(32);
    for (const v of [NaN, Infinity, 0, -1, 1.5, "4"]) {
      expect(() => openCtr(key, sealed, { maxBlocks: v as number })).toThrow(StateError);
    }
    expect(openCtr(key, sealed, { maxBlocks: 1 })).toHaveLength(16);
  });
});

describe("a custom store that resolves with the wrong mark", () => {
  it("is refused (NonceStoreCorruptError): the nonce would not be covered by a durable mark", async () => {
    const lying: NonceStore = { advance: async (decide) => decide(null) - 5 };
    await expect(new NonceSource({ store: lying }).next()).rejects.toThrow(NonceStoreCorruptError);
    const lazy: NonceStore = { advance: async () => 2 ** 40 }; // never asked decide()
    await expect(new NonceSource({ store: lazy }).next()).rejects.toThrow(NonceStoreCorruptError);
  });
});

describe("IndexedDbNonceStore failures are typed", () => {
  it("a database that cannot be opened is NonceStoreError naming it (was: the raw DOMException)", async () => {
    const failing = {
      open() {
        const req: Record<string, unknown> = {};
        setTimeout(() => {
          req.error = new DOMException("disk I/O error", "UnknownError");
          (req.onerror as () => void)();
        });
        return req;
      },
    } as unknown as IDBFactory;
    const err = await new IndexedDbNonceStore({ indexedDB: failing, database: "db1" }).advance(() => 1).catch((e) => e);
    expect(err).toBeInstanceOf(NonceStoreError);
    expect(err.operation).toBe("open");
    expect(err.message).toContain("IndexedDB db1");
    expect(err.message).toContain("UnknownError");
  });
});
