// Differential suite in Chromium: the library's CTR and CBC (one-shot and streamed with random
// splits) against the page's own crypto.subtle, on both backends. CTR runs at several WebCrypto
// `length` values with counters at their wrap points; expected bytes always come from WebCrypto.
import { describe, expect, it } from "vitest";
import { aesKey, backend } from "../../src/index.js";
import { describeEachBackend } from "../helpers/backends.js";
import { randomBytes, randomSplits, rng } from "../helpers/random.js";
import { hex } from "./subtle-cases.js";

const web = globalThis.crypto.subtle;

async function webCtr(key: Uint8Array, counter: Uint8Array, length: number, data: Uint8Array): Promise<Uint8Array> {
  const k = await web.importKey("raw", key as BufferSource, "AES-CTR", false, ["encrypt"]);
  return new Uint8Array(await web.encrypt({ name: "AES-CTR", counter: counter as BufferSource, length }, k, data as BufferSource));
}

async function webCbc(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Promise<Uint8Array> {
  const k = await web.importKey("raw", key as BufferSource, "AES-CBC", false, ["encrypt"]);
  return new Uint8Array(await web.encrypt({ name: "AES-CBC", iv: iv as BufferSource }, k, data as BufferSource));
}

function streamed(stream: { update(d: Uint8Array): Uint8Array; final(): Uint8Array }, data: Uint8Array, cuts: number[]): Uint8Array {
  const parts: Uint8Array[] = [];
  let off = 0;
  for (const n of cuts) {
    parts.push(stream.update(data.subarray(off, off + n)));
    off += n;
  }
  parts.push(stream.final());
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Hex comparison: a mismatch shows bytes, and large buffers do not make vitest walk elements. */
function expectSame(actual: Uint8Array, expected: Uint8Array, what: string): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  expect(hex(actual), what).toBe(hex(expected));
}

describe("the page", () => {
  it("is Chromium with WebCrypto, and the library runs on WebAssembly by default", () => {
    expect(navigator.userAgent).toMatch(/Chrome\//);
    expect(typeof web.encrypt).toBe("function");
    expect(backend()).toBe("wasm");
  });

  it("Chromium's WebCrypto refuses 192-bit AES keys (the gap the library fills)", async () => {
    const e = await web.importKey("raw", new Uint8Array(24), "AES-CTR", false, ["encrypt"]).catch((x) => x);
    expect(e).toBeInstanceOf(DOMException);
    expect(e.name).toBe("OperationError");
  });
});

describeEachBackend("CTR vs the page's crypto.subtle", () => {
  const LENGTHS = [1, 2, 4, 7, 8, 16, 31, 32, 33, 63, 64, 65, 100, 127, 128];

  it.each(LENGTHS)("length %i: wrap-point and random counters, one-shot and random splits", async (length) => {
    const next = rng(300 + length);
    for (const keyBytes of [16, 32]) {
      const keyRaw = randomBytes(next, keyBytes);
      const key = aesKey(keyRaw);
      const random = randomBytes(next, 16);
      const atWrap = new Uint8Array(random);
      for (let b = 0; b < length; b++) atWrap[15 - (b >> 3)] |= 1 << (b & 7);
      for (const counter of [random, atWrap, new Uint8Array(16).fill(0xff)]) {
        const max = length < 12 ? 16 * 2 ** length : 5000;
        for (const n of new Set([0, 1, 16, 17, Math.floor(next() * max), max])) {
          const data = randomBytes(next, n);
          const expected = await webCtr(keyRaw, counter, length, data);
          expectSame(key.ctr(counter, { counterBits: length }).encrypt(data), expected, `one-shot n=${n}`);
          const cuts = randomSplits(next, n, 200);
          expectSame(streamed(key.ctr(counter, { counterBits: length }).encryptor(), data, cuts), expected, `streamed n=${n}`);
          expectSame(key.ctr(counter, { counterBits: length }).decrypt(expected), data, `decrypt n=${n}`);
        }
      }
      key.dispose();
    }
  });

  it("a 1 MiB message at length 64 matches", async () => {
    const next = rng(9);
    const keyRaw = randomBytes(next, 16);
    const counter = randomBytes(next, 16);
    const data = randomBytes(next, 1 << 20);
    const key = aesKey(keyRaw);
    expectSame(key.ctr(counter, { counterBits: 64 }).encrypt(data), await webCtr(keyRaw, counter, 64, data), "1 MiB");
    key.dispose();
  });
});

describeEachBackend("CBC vs the page's crypto.subtle", () => {
  it("PKCS#7 encryption for 0..80 bytes, one-shot and streamed; decryption back", async () => {
    const next = rng(41);
    for (const keyBytes of [16, 32]) {
      const keyRaw = randomBytes(next, keyBytes);
      const key = aesKey(keyRaw);
      for (let n = 0; n <= 80; n++) {
        const iv = randomBytes(next, 16);
        const data = randomBytes(next, n);
        const expected = await webCbc(keyRaw, iv, data);
        expectSame(key.cbc(iv).encrypt(data), expected, `one-shot n=${n}`);
        expectSame(streamed(key.cbc(iv).encryptor(), data, randomSplits(next, n, 40)), expected, `streamed n=${n}`);
        expectSame(key.cbc(iv).decrypt(expected), data, `decrypt n=${n}`);
      }
      key.dispose();
    }
  });
});
