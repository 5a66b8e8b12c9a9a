// Keys that are never disposed (src/key-residency.ts): at most RESIDENT_LIMIT key blocks stay in
// WASM memory; the least recently used unpinned one is evicted to its raw bytes in JS memory
// and expanded again on its next use. Checked on both backends: evicted keys (encryption and
// decryption round keys) give node:crypto's bytes when they come back, a key under an open
// stream is never moved, an evicted key leaves nothing in WASM memory, and a loop of forgotten
// keys keeps WASM memory and slot count bounded.
import * as nodeCrypto from "node:crypto";
import { expect, it } from "vitest";
import { aesKey, DisposedError, xtsKey } from "../src/index.js";
import { RESIDENT_LIMIT } from "../src/key-residency.js";
import { activeCore } from "../src/wasm/backend.js";
import { describeEachBackend } from "./helpers/backends.js";
import { expectBytes } from "./helpers/bytes.js";
import { randomBytes, rng } from "./helpers/random.js";

const nodeEcb = (key: Uint8Array, data: Uint8Array, decrypt = false): Uint8Array => {
  const c = (decrypt ? nodeCrypto.createDecipheriv : nodeCrypto.createCipheriv)(`aes-${key.length * 8}-ecb`, key, null);
  c.setAutoPadding(false);
  return new Uint8Array(Buffer.concat([c.update(data), c.final()]));
};

const contains = (hay: Uint8Array, needle: Uint8Array): boolean => Buffer.from(hay.buffer, hay.byteOffset, hay.length).includes(Buffer.from(needle));

describeEachBackend("key residency", () => {
  it(`${3 * RESIDENT_LIMIT} live keys, most of them evicted in turn, all still encrypt and decrypt right`, () => {
    const next = rng(21);
    const raws = Array.from({ length: 3 * RESIDENT_LIMIT }, (_, i) => randomBytes(next, [16, 24, 32][i % 3]!));
    const keys = raws.map((r) => aesKey(r));
    const block = randomBytes(next, 32);
    // First round: every other key makes its decryption keys, then is pushed out by the rest.
    keys.forEach((k, i) => {
      if (i % 2 === 0) expectBytes(k.ecb({ padding: "none" }).decrypt(block), nodeEcb(raws[i]!, block, true), `decrypt ${i}`);
    });
    for (let round = 0; round < 2; round++) {
      keys.forEach((k, i) => {
        expectBytes(k.ecb({ padding: "none" }).encrypt(block), nodeEcb(raws[i]!, block), `round ${round} encrypt ${i}`);
        expectBytes(k.ecb({ padding: "none" }).decrypt(block), nodeEcb(raws[i]!, block, true), `round ${round} decrypt ${i}`);
      });
    }
    expect(activeCore().stats().slotsInUse).toBeLessThanOrEqual(RESIDENT_LIMIT + 8);
    for (const k of keys) k.dispose();
  });

  it("a key with an open stream is pinned: the stream continues right while thousands of keys pass", () => {
    const next = rng(22);
    const raw = randomBytes(next, 16), iv = randomBytes(next, 16), data = randomBytes(next, 4096);
    const key = aesKey(raw);
    const enc = key.cbc(iv, { padding: "none" }).encryptor();
    const parts = [enc.update(data.subarray(0, 1000))];
    for (let i = 0; i < 2 * RESIDENT_LIMIT; i++) aesKey(randomBytes(next, 16)).ctr(iv).encrypt(data.subarray(0, 20));
    parts.push(enc.update(data.subarray(1000)), enc.final());
    const c = nodeCrypto.createCipheriv("aes-128-cbc", raw, iv);
    c.setAutoPadding(false);
    expectBytes(Buffer.concat(parts), Buffer.concat([c.update(data), c.final()]), "CBC across evictions");
    key.dispose();
  });

  it("an evicted key leaves none of its bytes in WASM memory; dispose() of an evicted key works and ends it", () => {
    const raw = new Uint8Array(32).map((_, i) => 0xa0 ^ (i * 7));
    const key = aesKey(raw);
    key.encryptBlock(new Uint8Array(16));
    const core = key.core;
    expect(contains(core.mem, raw)).toBe(true); // resident: in its slot
    const others = Array.from({ length: 2 * RESIDENT_LIMIT }, (_, i) => aesKey(new Uint8Array(16).fill(i & 255)));
    for (const o of others) o.encryptBlock(new Uint8Array(16)); // sweep the clock: `key` is evicted
    expect(contains(core.mem, raw)).toBe(false);
    key.dispose();
    expect(() => key.encryptBlock(new Uint8Array(16))).toThrow(DisposedError);
    for (const o of others) o.dispose();
  });

  it("30,000 forgotten keys in a synchronous loop: WASM memory and slots stay bounded", () => {
    const core = activeCore();
    const k = new Uint8Array(16), iv = new Uint8Array(16), msg = new Uint8Array(64);
    for (let i = 0; i < 1000; i++) aesKey(k).ctr(iv).encrypt(msg); // reach the steady state first
    const memoryBefore = core.stats().memoryBytes;
    for (let i = 0; i < 30000; i++) {
      k[0] = i;
      k[1] = i >> 8;
      aesKey(k).ctr(iv).encrypt(msg);
    }
    expect(core.stats().slotsInUse).toBeLessThanOrEqual(RESIDENT_LIMIT + 8);
    expect(core.stats().memoryBytes).toBe(memoryBefore);
  });
});

describeEachBackend("key residency: a call's own keys are never evicted under it", () => {
  it(`XTS stays right when ${RESIDENT_LIMIT} other hot keys force its key loads to evict`, () => {
    const next = rng(23);
    const hot = Array.from({ length: RESIDENT_LIMIT }, () => aesKey(randomBytes(next, 16)));
    const block = new Uint8Array(16);
    const xtsRaw = randomBytes(next, 32), tweak = randomBytes(next, 16), data = randomBytes(next, 48);
    const xts = xtsKey(xtsRaw);
    const c = nodeCrypto.createCipheriv("aes-128-xts", xtsRaw, tweak);
    const expected = Buffer.concat([c.update(data), c.final()]);
    // Every round: most resident blocks recently used, then an XTS call that loads K1 and K2
    // back under eviction pressure (a two-key call: the first key's address is held while the
    // second loads). Correctness under pressure only: the hand reaching K1 is not forced here.
    for (let round = 0; round < 200; round++) {
      for (let i = 0; i < hot.length; i += 1 + (round % 3)) hot[(i + round) % hot.length]!.encryptBlock(block);
      expectBytes(xts.xts(tweak).encrypt(data), expected, `XTS round ${round}`);
    }
    xts.dispose();
    for (const k of hot) k.dispose();
  });
});

