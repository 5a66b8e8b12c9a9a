// Key material lifecycle: disposed keys are zeroes in memory, slots are reused, and heavy
// create/dispose churn leaves memory flat.
import { describe, expect, it } from "vitest";
import { aesKey, createCipheriv } from "../src/index.js";
import { activeCore, useBackend } from "../src/wasm/backend.js";
import { describeEachBackend } from "./helpers/backends.js";

describeEachBackend("memory", (backend) => {
  it("a disposed key's round keys read back as zeros", () => {
    const core = activeCore();
    const key = aesKey(new Uint8Array(32).fill(0xa5));
    const slot = key.slot;
    const size = core.keyBlockSize;
    const before = core.mem.slice(slot, slot + size);
    expect(before.some((b) => b !== 0), "schedule present while live").toBe(true);
    // the raw key must not be left in the IO window either
    expect(core.mem.subarray(core.io, core.io + 32).some((b) => b === 0xa5)).toBe(false);
    key.dispose();
    expect(core.mem.subarray(slot, slot + size).every((b) => b === 0)).toBe(true);
  });

  it("a finished stream's state slot is wiped (the key's own slot, and an extra one)", () => {
    const core = activeCore();
    const key = aesKey(new Uint8Array(16).fill(7));
    const own = key.slot + core.layout.KEY_SLOT_SIZE;
    const ownState = () => core.mem.subarray(own, own + core.layout.STATE_SLOT_SIZE);
    const first = key.ctr(new Uint8Array(16).fill(0x5a)).encryptor(); // borrows the key's slot
    first.update(new Uint8Array(21));
    expect(ownState().some((b) => b !== 0)).toBe(true);
    const before = core.stats().slotsInUse;
    const second = key.ofb(new Uint8Array(16).fill(0x5b)).encryptor(); // needs a slot of its own
    expect(core.stats().slotsInUse).toBe(before + 1);
    second.update(new Uint8Array(5));
    first.final();
    expect(ownState().every((b) => b === 0)).toBe(true);
    second.final();
    expect(core.stats().slotsInUse).toBe(before);
    key.dispose();
    expect(core.stats().slotsInUse).toBe(before - 1);
  });

  const cycles = backend === "wasm" ? 100_000 : 10_000;
  it(`${cycles} key create/dispose cycles (and facade ciphers) leave memory flat`, () => {
    const core = activeCore();
    const keyBytes = new Uint8Array(16);
    // warm up so the free lists exist
    aesKey(keyBytes).dispose();
    const start = core.stats();
    for (let i = 0; i < cycles; i++) {
      keyBytes[0] = i & 255;
      const key = aesKey(keyBytes);
      if (i % 100 === 0) key.ctr(new Uint8Array(16)).encrypt(new Uint8Array(64));
      key.dispose();
    }
    for (let i = 0; i < cycles / 10; i++) {
      const c = createCipheriv("aes-128-ctr", keyBytes, new Uint8Array(16));
      c.update(new Uint8Array(64));
      c.final();
    }
    const end = core.stats();
    expect(end.memoryBytes).toBe(start.memoryBytes);
    expect(end.slotsInUse).toBe(start.slotsInUse);
  });

  it("many live keys grow memory; all stay correct and are reused after dispose", () => {
    const core = activeCore();
    const keys = Array.from({ length: 600 }, (_, i) => aesKey(new Uint8Array(16).fill(i & 255)));
    const grown = core.stats().memoryBytes;
    const block = new Uint8Array(16);
    const first = keys[0].encryptBlock(block);
    const again = aesKey(new Uint8Array(16).fill(0));
    expect(again.encryptBlock(block)).toEqual(first);
    again.dispose();
    for (const k of keys) k.dispose();
    const reused = Array.from({ length: 600 }, () => aesKey(new Uint8Array(16)));
    expect(core.stats().memoryBytes).toBe(grown);
    for (const k of reused) k.dispose();
  });
});

describe("bitsliced scratch (WASM core)", () => {
  it("holds no round keys or keystream after any kernel that used it returns", () => {
    useBackend("wasm");
    const core = activeCore();
    const exports = core.k as unknown as Record<string, WebAssembly.Global>;
    const regions = [["BS_ENC_KEYS", 15 * 128], ["BS_DEC_KEYS", 15 * 128], ["BS_INPUT", 128]] as const;
    const dirty = () => regions.filter(([name, size]) => {
      const at = exports[name].value as number;
      return core.mem.subarray(at, at + size).some((b) => b !== 0);
    }).map(([name]) => name);
    const key = aesKey(new Uint8Array(32).fill(0x3c));
    const iv = new Uint8Array(16).fill(0xc3);
    const data = new Uint8Array(1024 + 48).fill(0x5a);
    key.ecb({ padding: "none" }).encrypt(data);
    key.ecb({ padding: "none" }).decrypt(data);
    key.cbc(iv, { padding: "none" }).decrypt(data);
    key.cfb(iv).decrypt(data);
    key.ctr(iv).encrypt(data);
    key.gcm(iv.subarray(0, 12)).encrypt(data);
    expect(dirty()).toEqual([]);
    key.dispose();
  });
});
