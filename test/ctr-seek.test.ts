// Random access into CTR: keystreamBlock(i) and seek(byteOffset), under both counter rules.
// Expected bytes come from node:crypto (full 128-bit increment) and WebCrypto (`length`-bit
// wrap), computed here; the counter arithmetic for the expected IVs is done with BigInt in the
// test, not with src/counter.ts.
import { createCipheriv, randomBytes, randomInt, webcrypto } from "node:crypto";
import { describe, expect, it } from "vitest";
import { aesKey, CounterExhaustedError, CtrStream, StateError } from "../src/index.js";
import { describeEachBackend } from "./helpers/backends.js";
import { concat } from "./helpers/bytes.js";

const KEY_SIZES = [16, 24, 32] as const;

function nodeCtr(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array {
  const c = createCipheriv(`aes-${key.length * 8}-ctr`, key, iv);
  return new Uint8Array(Buffer.concat([c.update(data), c.final()]));
}

async function webCtr(key: Uint8Array, counter: Uint8Array, length: number, data: Uint8Array): Promise<Uint8Array> {
  const k = await webcrypto.subtle.importKey("raw", key, "AES-CTR", false, ["encrypt"]);
  return new Uint8Array(await webcrypto.subtle.encrypt({ name: "AES-CTR", counter, length }, k, data));
}

function ivPlus(iv: Uint8Array, n: bigint): Uint8Array {
  let x = BigInt("0x" + Buffer.from(iv).toString("hex"));
  x = (x + n) % (1n << 128n);
  return new Uint8Array(Buffer.from(x.toString(16).padStart(32, "0"), "hex"));
}

describeEachBackend("CTR keystreamBlock", () => {
  for (const size of KEY_SIZES) {
    it(`matches node:crypto's keystream, AES-${size * 8}`, () => {
      const key = randomBytes(size);
      const iv = randomBytes(16);
      const stream = nodeCtr(key, iv, new Uint8Array(16 * 40));
      const mode = aesKey(key).ctr(iv);
      for (let i = 0; i < 40; i++) {
        expect(Buffer.from(mode.keystreamBlock(i))).toEqual(Buffer.from(stream.subarray(16 * i, 16 * i + 16)));
      }
      mode.key.dispose();
    });
  }

  it("reaches far blocks (number and bigint) and wraps the full 128-bit counter like node", () => {
    const key = randomBytes(16);
    const iv = new Uint8Array(16).fill(0xff);
    iv[15] = 0xf0; // wraps to 00…00 at block 16
    const mode = aesKey(key).ctr(iv);
    for (const i of [0n, 15n, 16n, 17n, 1n << 40n, (1n << 100n) + 3n]) {
      const expected = nodeCtr(key, ivPlus(iv, i), new Uint8Array(16));
      expect(Buffer.from(mode.keystreamBlock(i))).toEqual(Buffer.from(expected));
    }
    expect(Buffer.from(mode.keystreamBlock(17))).toEqual(Buffer.from(nodeCtr(key, ivPlus(iv, 17n), new Uint8Array(16))));
    const out = new Uint8Array(20);
    mode.keystreamBlock(3, out.subarray(4));
    expect(Buffer.from(out.subarray(4))).toEqual(Buffer.from(mode.keystreamBlock(3)));
    mode.key.dispose();
  });

  it("wraps within counterBits like WebCrypto's length", async () => {
    const key = randomBytes(32);
    const iv = randomBytes(16);
    iv[14] = 0xff;
    iv[15] = 0xfd; // the low 16 bits wrap after 3 blocks; the high 112 bits stay
    const expected = await webCtr(key, iv, 16, new Uint8Array(16 * 8));
    const mode = aesKey(key).ctr(iv, { counterBits: 16 });
    for (let i = 0; i < 8; i++) {
      expect(Buffer.from(mode.keystreamBlock(i))).toEqual(Buffer.from(expected.subarray(16 * i, 16 * i + 16)));
    }
    mode.key.dispose();
  });

  it("refuses blocks past the counter space or maxBlocks, and bad indexes", () => {
    const key = aesKey(randomBytes(16));
    const narrow = key.ctr(new Uint8Array(16), { counterBits: 8 });
    expect(() => narrow.keystreamBlock(255)).not.toThrow();
    expect(() => narrow.keystreamBlock(256)).toThrow(CounterExhaustedError);
    const limited = key.ctr(new Uint8Array(16), { maxBlocks: 4 });
    expect(() => limited.keystreamBlock(3)).not.toThrow();
    expect(() => limited.keystreamBlock(4n)).toThrow(CounterExhaustedError);
    const wide = key.ctr(new Uint8Array(16));
    expect(() => wide.keystreamBlock((1n << 128n) - 1n)).not.toThrow();
    expect(() => wide.keystreamBlock(1n << 128n)).toThrow(CounterExhaustedError);
    for (const bad of [-1, 1.5, NaN, "3", -1n]) {
      expect(() => wide.keystreamBlock(bad as number)).toThrow(StateError);
    }
    key.dispose();
  });
});

describeEachBackend("CTR seek", () => {
  it("a decryptor seeks to random offsets (mid-block too) and matches node:crypto", () => {
    for (let trial = 0; trial < 30; trial++) {
      const key = randomBytes(KEY_SIZES[trial % 3]);
      const iv = randomBytes(16);
      if (trial % 5 === 0) iv.fill(0xff, 8); // low 64 bits about to carry into the high half
      const pt = randomBytes(randomInt(1, 3000));
      const ct = nodeCtr(key, iv, pt);
      const aes = aesKey(key);
      const dec = aes.ctr(iv).decryptor();
      for (let k = 0; k < 4; k++) {
        const from = randomInt(0, pt.length);
        const to = randomInt(from, pt.length + 1);
        expect(dec.seek(from).position).toBe(from);
        // two updates with a split point: seek leaves a normal, resumable stream
        const mid = randomInt(from, to + 1);
        const a = dec.update(ct.subarray(from, mid));
        const b = dec.update(ct.subarray(mid, to));
        expect(Buffer.concat([a, b])).toEqual(Buffer.from(pt.subarray(from, to)));
        expect(dec.position).toBe(to);
      }
      dec.final();
      aes.dispose();
    }
  });

  it("honours counterBits: a seek across the low-bit wrap matches WebCrypto", async () => {
    const key = randomBytes(16);
    const iv = randomBytes(16);
    iv[14] = 0xff;
    iv[15] = 0xf0; // wraps 16 blocks (256 bytes) in
    const pt = randomBytes(1000);
    const ct = await webCtr(key, iv, 16, pt);
    const aes = aesKey(key);
    const dec = aes.ctr(iv, { counterBits: 16 }).decryptor();
    for (const from of [0, 250, 255, 256, 257, 999]) {
      expect(Buffer.from(dec.seek(from).update(ct.subarray(from)))).toEqual(Buffer.from(pt.subarray(from)));
    }
    dec.final();
    aes.dispose();
  });

  it("an encryptor may skip forward but not back over what it produced", () => {
    const key = randomBytes(24);
    const iv = randomBytes(16);
    const pt = randomBytes(200);
    const ct = nodeCtr(key, iv, pt);
    const aes = aesKey(key);
    const enc = aes.ctr(iv).encryptor();
    expect(Buffer.from(enc.update(pt.subarray(0, 37)))).toEqual(Buffer.from(ct.subarray(0, 37)));
    expect(Buffer.from(enc.seek(101).update(pt.subarray(101, 150)))).toEqual(Buffer.from(ct.subarray(101, 150)));
    expect(() => enc.seek(100)).toThrow(StateError);
    expect(() => enc.seek(149)).toThrow(StateError);
    expect(Buffer.from(enc.seek(150).update(pt.subarray(150)))).toEqual(Buffer.from(ct.subarray(150)));
    enc.final();
    expect(() => enc.seek(0)).toThrow(StateError); // finished
    aes.dispose();
  });

  it("refuses offsets past the counter space or maxBlocks, and bad offsets", () => {
    const aes = aesKey(randomBytes(16));
    const dec = aes.ctr(new Uint8Array(16), { counterBits: 4 }).decryptor(); // 16 blocks
    expect(() => dec.seek(256)).not.toThrow();
    expect(() => dec.seek(257)).toThrow(CounterExhaustedError);
    dec.seek(250);
    expect(() => dec.update(new Uint8Array(7))).toThrow(CounterExhaustedError);
    expect(dec.update(new Uint8Array(6)).length).toBe(6);
    const limited = aes.ctr(new Uint8Array(16), { maxBlocks: 2 }).decryptor();
    expect(() => limited.seek(33)).toThrow(CounterExhaustedError);
    for (const bad of [-1, 0.5, NaN, Infinity]) expect(() => limited.seek(bad)).toThrow(StateError);
    aes.dispose();
  });
});

describe("CTR streams made without a mode object", () => {
  it("a stream that kept no copy of its counter block refuses to seek (StateError), and still encrypts", () => {
    const key = randomBytes(16);
    const iv = randomBytes(16);
    const pt = randomBytes(70);
    const aes = aesKey(key);
    const stream = new CtrStream(aes, iv, 128, Infinity, true, /* seekable */ false);
    expect(() => stream.seek(0)).toThrow(StateError);
    expect(Buffer.from(concat([stream.update(pt), stream.final()]))).toEqual(Buffer.from(nodeCtr(key, iv, pt)));
    aes.dispose();
  });
});

describe("CTR one-shot behaviour is unchanged", () => {
  it("encrypt() still matches node:crypto and refuses a second encryption", () => {
    const key = randomBytes(16);
    const iv = randomBytes(16);
    const pt = randomBytes(100);
    const mode = aesKey(key).ctr(iv);
    const ivBefore = Buffer.from(iv);
    expect(Buffer.from(mode.encrypt(pt))).toEqual(Buffer.from(nodeCtr(key, iv, pt)));
    expect(iv).toEqual(ivBefore); // the caller's IV (a pooled Buffer) is neither kept nor wiped
    expect(() => mode.encrypt(pt)).toThrow();
    mode.key.dispose();
  });
});
