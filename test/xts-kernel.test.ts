// The XTS kernels of the WASM core (assembly/xts.ts), driven directly through their ABI and
// checked against node:crypto's aes-{128,256}-xts: every length 16..300 bytes and longer data
// units across the 8-block groups, split at random block boundaries (the tweak carries in the
// state slot), ciphertext stealing for every partial length, both directions.
import { createCipheriv, createDecipheriv } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { randomBytes, rng } from "./helpers/random.js";

interface XtsExports {
  memory: WebAssembly.Memory;
  IO: WebAssembly.Global;
  KEY_SLOT_SIZE: WebAssembly.Global;
  heapBase(): number;
  expandKey(slot: number, keyPtr: number, keyLen: number): number;
  encryptOne(slot: number, src: number, dst: number): void;
  xtsEncrypt(key: number, state: number, io: number, len: number): void;
  xtsDecrypt(key: number, state: number, io: number, len: number): void;
  xtsEncryptLast(key: number, state: number, io: number, len: number): void;
  xtsDecryptLast(key: number, state: number, io: number, len: number): void;
}

const bytes = readFileSync(new URL("../build/aes.wasm", import.meta.url));
const x = new WebAssembly.Instance(new WebAssembly.Module(bytes), {}).exports as unknown as XtsExports;
const IO = x.IO.value as number;
const k1 = (x.heapBase() + 63) & ~63;
const k2 = k1 + (x.KEY_SLOT_SIZE.value as number);
const state = k2 + (x.KEY_SLOT_SIZE.value as number);
const mem = () => new Uint8Array(x.memory.buffer);

/** One data unit through the kernels, the body split once at a random block boundary. */
function run(key: Uint8Array, tweak: Uint8Array, input: Uint8Array, decrypt: boolean, next: () => number): Uint8Array {
  const half = key.length / 2;
  mem().set(key.subarray(0, half), k1);
  x.expandKey(k1, k1, half);
  mem().set(key.subarray(half), k2);
  x.expandKey(k2, k2, half);
  mem().set(tweak, state);
  x.encryptOne(k2, state, state); // T_0 = E_K2(i)
  mem().set(input, IO);
  const r = input.length % 16;
  const body = r ? input.length - 16 - r : input.length;
  const cut = 16 * Math.floor(next() * (body / 16 + 1));
  const f = decrypt ? x.xtsDecrypt : x.xtsEncrypt;
  f(k1, state, IO, cut);
  f(k1, state, IO + cut, body - cut);
  if (r) (decrypt ? x.xtsDecryptLast : x.xtsEncryptLast)(k1, state, IO + body, 16 + r);
  return mem().slice(IO, IO + input.length);
}

describe("XTS kernels vs node:crypto", () => {
  for (const bits of [128, 256]) {
    it(`AES-${bits}-XTS: lengths 16..300 and 8-block groups, split calls, stealing, both ways`, () => {
      const next = rng(bits * 7);
      const lengths = [...Array.from({ length: 285 }, (_, i) => 16 + i), 1024, 1024 + 5, 4096 + 15, 65536 - 16];
      for (const len of lengths) {
        const key = randomBytes(next, bits / 4);
        const tweak = randomBytes(next, 16);
        const pt = randomBytes(next, len);
        const ct = new Uint8Array(createCipheriv(`aes-${bits}-xts`, key, tweak).update(pt));
        expect(Buffer.from(run(key, tweak, pt, false, next)).equals(ct), `encrypt ${len}`).toBe(true);
        const back = new Uint8Array(createDecipheriv(`aes-${bits}-xts`, key, tweak).update(ct));
        expect(Buffer.from(run(key, tweak, ct, true, next)).equals(back), `decrypt ${len}`).toBe(true);
      }
    });
  }
});
