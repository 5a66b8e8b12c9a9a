// sealCtr/openCtr and key.ctr(block, source.ctrOptions): ciphertexts checked against
// node:crypto's aes-*-ctr with the same key and counter block; the per-message limit enforced.
import { createCipheriv, randomBytes } from "node:crypto";
import { expect, it } from "vitest";
import { aesKey } from "../src/key.js";
import { CounterExhaustedError, DataLengthError } from "../src/errors.js";
import { NonceSource } from "../src/nonce/source.js";
import { MemoryNonceStore } from "../src/nonce/stores.js";
import { openCtr, sealCtr } from "../src/nonce/envelope.js";
import { describeEachBackend } from "./helpers/backends.js";

function nodeCtr(key: Uint8Array, block: Uint8Array, data: Uint8Array): Uint8Array {
  const c = createCipheriv(`aes-${key.length * 8}-ctr`, key, block);
  return new Uint8Array(Buffer.concat([c.update(data), c.final()]));
}

describeEachBackend("nonce envelope", () => {
  it("sealCtr = counter block || node:crypto CTR ciphertext, for every key size and many lengths", async () => {
    const source = new NonceSource({ store: new MemoryNonceStore() });
    for (const keyLen of [16, 24, 32]) {
      const raw = randomBytes(keyLen);
      const key = aesKey(raw);
      for (const len of [0, 1, 15, 16, 17, 64, 1000]) {
        const data = randomBytes(len);
        const sealed = await sealCtr(key, source, data);
        expect(sealed.length).toBe(16 + len);
        const block = sealed.subarray(0, 16);
        expect(Buffer.from(sealed.subarray(16))).toEqual(Buffer.from(nodeCtr(raw, block, data)));
        expect(Buffer.from(openCtr(key, sealed))).toEqual(data);
      }
      key.dispose();
    }
  });

  it("the counter carries across the random part into the zero byte as one 128-bit integer", async () => {
    // C = ff..ff: the second block's counter is N | 01 | 00..00, as in OpenSSL.
    const source = new NonceSource({ store: new MemoryNonceStore(), random: (b) => b.fill(0xff) });
    const raw = randomBytes(32);
    const key = aesKey(raw);
    const data = randomBytes(48);
    const sealed = await sealCtr(key, source, data);
    expect(Buffer.from(sealed.subarray(6, 16)).toString("hex")).toBe("00" + "ff".repeat(9));
    expect(Buffer.from(sealed.subarray(16))).toEqual(Buffer.from(nodeCtr(raw, sealed.subarray(0, 16), data)));
    key.dispose();
  });

  it("key.ctr(await source.next(), source.ctrOptions) matches node:crypto", async () => {
    const source = new NonceSource({ store: new MemoryNonceStore() });
    const raw = randomBytes(16);
    const key = aesKey(raw);
    const block = await source.next();
    const data = randomBytes(100);
    expect(Buffer.from(key.ctr(block, source.ctrOptions).encrypt(data))).toEqual(Buffer.from(nodeCtr(raw, block, data)));
    const next = await source.next();
    const enc = key.ctr(next, source.ctrOptions).encryptor();
    const parts = [enc.update(data.subarray(0, 33)), enc.update(data.subarray(33)), enc.final()];
    expect(Buffer.concat(parts)).toEqual(Buffer.from(nodeCtr(raw, next, data)));
    key.dispose();
  });

  it("maxBlocksPerMessage: a longer message is CounterExhaustedError, before a nonce is drawn", async () => {
    const store = new MemoryNonceStore();
    const source = new NonceSource({ store, maxBlocksPerMessage: 2 });
    const key = aesKey(randomBytes(16));
    expect((await sealCtr(key, source, new Uint8Array(32))).length).toBe(48); // exactly 2 blocks
    const markBefore = store.mark;
    await expect(sealCtr(key, source, new Uint8Array(33))).rejects.toThrow(CounterExhaustedError);
    expect(store.mark).toBe(markBefore);
    // Streaming through the source's options: refused at the chunk that crosses the limit.
    const enc = key.ctr(await source.next(), source.ctrOptions).encryptor();
    enc.update(new Uint8Array(20));
    expect(() => enc.update(new Uint8Array(13))).toThrow(CounterExhaustedError);
    key.dispose();
  });

  it("openCtr: short input is DataLengthError; maxBlocks bounds what it accepts", async () => {
    const key = aesKey(randomBytes(16));
    expect(() => openCtr(key, new Uint8Array(15))).toThrow(DataLengthError);
    expect(openCtr(key, new Uint8Array(16)).length).toBe(0);
    const sealed = await sealCtr(key, new NonceSource({ store: new MemoryNonceStore() }), new Uint8Array(64));
    expect(() => openCtr(key, sealed, { maxBlocks: 3 })).toThrow(CounterExhaustedError);
    expect(openCtr(key, sealed, { maxBlocks: 4 }).length).toBe(64);
    key.dispose();
  });
});

it("sealed messages from one source never share a counter block", async () => {
  const source = new NonceSource({ store: new MemoryNonceStore(), now: () => 0 });
  const key = aesKey(randomBytes(16));
  const heads = new Set<string>();
  for (let i = 0; i < 100; i++) heads.add(Buffer.from((await sealCtr(key, source, new Uint8Array(1))).subarray(0, 6)).toString("hex"));
  expect(heads.size).toBe(100);
  key.dispose();
});
