// The OCB3 kernels of the WASM core (assembly/ocb.ts), driven directly through their ABI and
// checked against node:crypto's aes-{128,192,256}-ocb: every nonce length 1..15, tags of 16/12/8
// bytes, random AAD and data lengths (partial blocks, 8-block groups), data split at a random
// block boundary, both directions.
import { createCipheriv } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { randomBytes, rng } from "./helpers/random.js";

type Kernel = (key: number, ocb: number, io: number, len: number) => void;
interface OcbExports {
  memory: WebAssembly.Memory;
  IO: WebAssembly.Global;
  KEY_SLOT_SIZE: WebAssembly.Global;
  OCB_SLOT_SIZE: WebAssembly.Global;
  heapBase(): number;
  expandKey(slot: number, keyPtr: number, keyLen: number): number;
  ocbSetup(key: number, ocb: number): void;
  ocbNonce(key: number, ocb: number, nonce: number): void;
  ocbEncrypt: Kernel; ocbDecrypt: Kernel; ocbEncryptLast: Kernel; ocbDecryptLast: Kernel;
  ocbAad: Kernel; ocbAadLast: Kernel;
  ocbTag(key: number, ocb: number, out: number): void;
}

const bytes = readFileSync(new URL("../build/aes.wasm", import.meta.url));
const x = new WebAssembly.Instance(new WebAssembly.Module(bytes), {}).exports as unknown as OcbExports;
const IO = x.IO.value as number;
const key = (x.heapBase() + 63) & ~63;
const ocb = key + (x.KEY_SLOT_SIZE.value as number);
const nonceAt = ocb + (x.OCB_SLOT_SIZE.value as number);
const tagAt = nonceAt + 16;
const mem = () => new Uint8Array(x.memory.buffer);

/** RFC 7253 §4.2: num2str(TAGLEN mod 128, 7) || zeros || 1 || N, as 16 bytes. */
function nonceBlock(n: Uint8Array, tagBytes: number): Uint8Array {
  const v = (BigInt((tagBytes * 8) % 128) << 121n) | (1n << BigInt(8 * n.length)) | BigInt("0x0" + Buffer.from(n).toString("hex"));
  return Buffer.from(v.toString(16).padStart(32, "0"), "hex");
}

function run(k: Uint8Array, n: Uint8Array, aad: Uint8Array, data: Uint8Array, tagBytes: number, decrypt: boolean, next: () => number) {
  mem().set(k, key);
  x.expandKey(key, key, k.length);
  x.ocbSetup(key, ocb);
  mem().set(nonceBlock(n, tagBytes), nonceAt);
  x.ocbNonce(key, ocb, nonceAt);
  mem().set(aad, IO);
  const af = aad.length & ~15;
  x.ocbAad(key, ocb, IO, af);
  if (aad.length > af) x.ocbAadLast(key, ocb, IO + af, aad.length - af);
  mem().set(data, IO);
  const df = data.length & ~15;
  const cut = 16 * Math.floor(next() * (df / 16 + 1));
  const whole = decrypt ? x.ocbDecrypt : x.ocbEncrypt;
  whole(key, ocb, IO, cut);
  whole(key, ocb, IO + cut, df - cut);
  if (data.length > df) (decrypt ? x.ocbDecryptLast : x.ocbEncryptLast)(key, ocb, IO + df, data.length - df);
  const out = mem().slice(IO, IO + data.length);
  x.ocbTag(key, ocb, tagAt);
  return { out, tag: mem().slice(tagAt, tagAt + tagBytes) };
}

describe("OCB3 kernels vs node:crypto", () => {
  for (const bits of [128, 192, 256]) {
    it(`AES-${bits}-OCB: nonces of 1..15 bytes, tags 16/12/8, random AAD and data, split calls, both ways`, () => {
      const next = rng(bits * 11);
      for (let t = 0; t < 150; t++) {
        const k = randomBytes(next, bits / 8);
        const n = randomBytes(next, 1 + (t % 15));
        const tagBytes = [16, 12, 8][t % 3]!;
        const aad = randomBytes(next, Math.floor(next() * 300));
        const pt = randomBytes(next, Math.floor(next() * (t % 10 === 0 ? 5000 : 300)));
        const c = createCipheriv(`aes-${bits}-ocb` as "aes-128-ocb", k, n, { authTagLength: tagBytes });
        c.setAAD(aad);
        const ct = new Uint8Array(Buffer.concat([c.update(pt), c.final()]));
        const tag = new Uint8Array(c.getAuthTag());
        const enc = run(k, n, aad, pt, tagBytes, false, next);
        expect(Buffer.from(enc.out).equals(Buffer.from(ct)), `ciphertext ${t}`).toBe(true);
        expect(Buffer.from(enc.tag).equals(Buffer.from(tag)), `tag ${t}`).toBe(true);
        const dec = run(k, n, aad, ct, tagBytes, true, next);
        expect(Buffer.from(dec.out).equals(Buffer.from(pt)), `plaintext ${t}`).toBe(true);
        expect(Buffer.from(dec.tag).equals(Buffer.from(tag)), `tag on decryption ${t}`).toBe(true);
      }
    });
  }
});
