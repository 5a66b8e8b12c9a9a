// IndexedDbNonceStore in Node over fake-indexeddb (an in-memory IndexedDB implementation);
// the real-browser run belongs to the Chromium suite.
import { IDBFactory } from "fake-indexeddb";
import { describe, expect, it } from "vitest";
import { IndexedDbNonceStore } from "../src/nonce/indexeddb-store.js";
import { NonceSource } from "../src/nonce/source.js";
import { NonceStoreCorruptError, NonceStoreUnavailableError } from "../src/nonce/errors.js";
import { nonceOf } from "./helpers/nonce.js";

const T0 = Date.UTC(2025, 0, 1);

describe("IndexedDbNonceStore", () => {
  it("persists the mark across connections; a restarted source continues above it", async () => {
    const indexedDB = new IDBFactory();
    const a = new IndexedDbNonceStore({ indexedDB });
    const first = new NonceSource({ store: a, reserve: 10, now: () => T0 });
    for (let i = 0; i < 15; i++) await first.next();
    a.close();
    const b = new IndexedDbNonceStore({ indexedDB });
    const second = new NonceSource({ store: b, reserve: 10, now: () => T0 });
    expect(nonceOf(await second.next())).toBe(T0 + 20);
    b.close();
  });

  it("two connections (two tabs) advancing at once get distinct marks", async () => {
    const indexedDB = new IDBFactory();
    const tabs = [new IndexedDbNonceStore({ indexedDB }), new IndexedDbNonceStore({ indexedDB })];
    const marks = await Promise.all(Array.from({ length: 30 }, (_, i) => tabs[i % 2].advance((s) => (s ?? 0) + 1)));
    expect(new Set(marks).size).toBe(30);
    expect(Math.max(...marks)).toBe(30);
  });

  it("a throwing decide writes nothing; a bad record is NonceStoreCorruptError unless recoverFromClock", async () => {
    const indexedDB = new IDBFactory();
    const store = new IndexedDbNonceStore({ indexedDB, name: "x" });
    await store.advance(() => 5);
    await expect(store.advance(() => { throw new Error("no"); })).rejects.toThrow("no");
    expect(await store.advance((s) => s!)).toBe(5);
    await store.advance(() => 6);
    // Overwrite the record with garbage, as a buggy app or a damaged profile might.
    await new Promise<void>((resolve, reject) => {
      const open = indexedDB.open("aes-wasm-nonce", 1);
      open.onsuccess = () => {
        const tx = open.result.transaction("marks", "readwrite");
        tx.objectStore("marks").put("six", "x");
        tx.oncomplete = () => { open.result.close(); resolve(); };
        tx.onerror = () => reject(tx.error);
      };
    });
    await expect(store.advance((s) => (s ?? 0) + 1)).rejects.toThrow(NonceStoreCorruptError);
    const recovering = new IndexedDbNonceStore({ indexedDB, name: "x", recoverFromClock: true });
    expect(await recovering.advance((s) => (s === null ? 100 : -1))).toBe(100);
    store.close();
    recovering.close();
  });

  it("without IndexedDB it is NonceStoreUnavailableError", () => {
    expect(() => new IndexedDbNonceStore()).toThrow(NonceStoreUnavailableError);
  });
});
