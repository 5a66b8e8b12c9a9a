// IndexedDbNonceStore in a real browser (Chromium's IndexedDB), and the sealed CTR envelope
// it feeds, cross-checked against the page's crypto.subtle AES-CTR.
import { describe, expect, it } from "vitest";
import { aesKey, IndexedDbNonceStore, MemoryNonceStore, NonceSource, openCtr, sealCtr } from "../../src/index.js";
import { nonceOf } from "../helpers/nonce.js";

const T0 = Date.UTC(2025, 0, 1);
const freshDatabase = () => `aes-wasm-nonce-test-${crypto.getRandomValues(new Uint32Array(2)).join("-")}`;

describe("IndexedDbNonceStore in Chromium", () => {
  it("persists the mark across connections: a restarted source continues above its reservation", async () => {
    const database = freshDatabase();
    const a = new IndexedDbNonceStore({ database });
    const first = new NonceSource({ store: a, reserve: 10, now: () => T0 });
    const handed: number[] = [];
    for (let i = 0; i < 15; i++) handed.push(nonceOf(await first.next()));
    expect(handed).toEqual(Array.from({ length: 15 }, (_, i) => T0 + i));
    a.close();
    const b = new IndexedDbNonceStore({ database });
    const second = new NonceSource({ store: b, reserve: 10, now: () => T0 });
    // The first source reserved up to T0 + 19 in two writes; the restart starts above that.
    expect(nonceOf(await second.next())).toBe(T0 + 20);
    b.close();
    indexedDB.deleteDatabase(database);
  });

  it("two connections (two tabs) advancing at once never get the same mark", async () => {
    const database = freshDatabase();
    const tabs = [new IndexedDbNonceStore({ database }), new IndexedDbNonceStore({ database })];
    const marks = await Promise.all(Array.from({ length: 40 }, (_, i) => tabs[i % 2]!.advance((s) => (s ?? 0) + 1)));
    expect(new Set(marks).size).toBe(40);
    expect(Math.max(...marks)).toBe(40);
    for (const t of tabs) t.close();
    indexedDB.deleteDatabase(database);
  });

  it("sealCtr output decrypts with the page's crypto.subtle AES-CTR (128-bit counter)", async () => {
    const keyBytes = crypto.getRandomValues(new Uint8Array(32));
    const key = aesKey(keyBytes);
    const source = new NonceSource({ store: new MemoryNonceStore() });
    const data = crypto.getRandomValues(new Uint8Array(5000));
    const sealed = await sealCtr(key, source, data);
    const counter = sealed.slice(0, 16) as Uint8Array<ArrayBuffer>;
    expect(counter[6]).toBe(0); // the headroom byte of the scheme
    const ck = await crypto.subtle.importKey("raw", keyBytes, "AES-CTR", false, ["decrypt"]);
    const plain = new Uint8Array(await crypto.subtle.decrypt({ name: "AES-CTR", counter, length: 128 }, ck, sealed.slice(16) as Uint8Array<ArrayBuffer>));
    expect(plain).toEqual(data);
    expect(openCtr(key, sealed)).toEqual(data);
    key.dispose();
  });
});
