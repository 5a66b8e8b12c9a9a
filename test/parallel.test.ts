// The pool against node:crypto and WebCrypto: random sizes, random worker counts (more than
// the machine's cores included), every key size and mode, pieces that start and end at awkward
// places, counter wraps inside a piece and across pieces.
//
// Imports come from dist/ (built by `npm test` before vitest): Node 20 cannot start a worker
// from a .ts file, and the pool finds its worker script next to its own compiled file.
import { createCipheriv, createDecipheriv, randomBytes, randomInt, webcrypto } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPool, type WorkerPool } from "../dist/parallel/pool.js";
import {
  CounterExhaustedError, DataLengthError, DecryptionError, IvLengthError, KeyLengthError, StateError,
  UnknownCipherError,
} from "../dist/index.js";

const MODES = ["ctr", "ecb", "cbc", "cfb", "cfb8", "cfb1", "ofb"] as const;
const BITS = [128, 192, 256] as const;

function nodeRun(encrypt: boolean, name: string, key: Uint8Array, iv: Uint8Array | null, data: Uint8Array, padding = true): Buffer {
  const c = encrypt ? createCipheriv(name, key, iv) : createDecipheriv(name, key, iv);
  c.setAutoPadding(padding);
  return Buffer.concat([c.update(data), c.final()]);
}

async function webCtr(key: Uint8Array, counter: Uint8Array, length: number, data: Uint8Array): Promise<Buffer> {
  const k = await webcrypto.subtle.importKey("raw", key, "AES-CTR", false, ["encrypt"]);
  return Buffer.from(await webcrypto.subtle.encrypt({ name: "AES-CTR", counter, length }, k, data));
}

/** `bytes` of random data at an odd offset inside a larger buffer. */
function oddView(bytes: number): Uint8Array {
  const offset = randomInt(1, 16);
  return new Uint8Array(randomBytes(bytes + offset + 3).buffer, offset, bytes);
}

/** Small pieces (a few blocks) so that short messages still cross many piece boundaries. */
const TINY = { threshold: 0, split: { minPiece: 16 * 5 + 16, piecesPerWorker: 3 } };

async function roundTrip(pool: WorkerPool, mode: string, bits: number, size: number): Promise<void> {
  const name = `aes-${bits}-${mode}`;
  const key = randomBytes(bits / 8);
  const iv = mode === "ecb" ? null : randomBytes(16);
  const pt = oddView(size);
  const ct = nodeRun(true, name, key, iv, pt);
  const got = await pool.encrypt(name, key, iv, pt);
  expect(Buffer.from(got).equals(ct), `${name} encrypt ${size} B`).toBe(true);
  const back = await pool.decrypt(name, key, iv, ct);
  expect(Buffer.from(back).equals(Buffer.from(pt)), `${name} decrypt ${size} B`).toBe(true);
}

describe("pool output equals node:crypto", () => {
  for (const transport of ["shared", "transfer"] as const) {
    it(`random sizes, modes, key sizes and worker counts 1..8 (${transport})`, async () => {
      // 1 and 8 always (8 is four times this machine's cores), plus one random count
      const sizes = transport === "shared" ? [1, 8, randomInt(2, 8)] : [randomInt(1, 9)];
      for (const size of sizes) {
        const pool = await createPool({ size, transport, ...TINY });
        try {
          for (const mode of MODES) {
            const bits = BITS[randomInt(0, 3)];
            for (const bytes of [0, 1, 15, 16, 17, randomInt(18, 400), randomInt(400, 5000)]) {
              await roundTrip(pool, mode, bits, bytes);
            }
          }
        } finally {
          await pool.close();
        }
      }
    });
  }

  it("every key size and mode with default piece sizes, up to 2 MiB", async () => {
    const pool = await createPool({ size: 3, threshold: 0 });
    try {
      for (const bits of BITS) {
        for (const mode of MODES) {
          const size = mode === "cfb1" ? randomInt(1, 50_000) : mode === "cfb8" ? randomInt(1, 300_000) : randomInt(1, 2 << 20);
          await roundTrip(pool, mode, bits, size);
        }
      }
    } finally {
      await pool.close();
    }
  });

  it("64 MiB AES-128-CTR on 4 workers, and 16 MiB CBC decryption", async () => {
    const pool = await createPool({ size: 4 });
    try {
      const key = randomBytes(16);
      const iv = randomBytes(16);
      const pt = randomBytes(64 << 20);
      const got = await pool.encrypt("aes-128-ctr", key, iv, pt);
      expect(Buffer.from(got.buffer, got.byteOffset, got.length).equals(nodeRun(true, "aes-128-ctr", key, iv, pt))).toBe(true);
      const key2 = randomBytes(32);
      const small = pt.subarray(0, (16 << 20) - 5);
      const ct = nodeRun(true, "aes-256-cbc", key2, iv, small);
      const back = await pool.decrypt("aes-256-cbc", key2, iv, ct);
      expect(Buffer.from(back.buffer, back.byteOffset, back.length).equals(small)).toBe(true);
    } finally {
      await pool.close();
    }
  });
});

describe("counters across pieces", () => {
  let pool: WorkerPool;
  beforeAll(async () => {
    // Pieces of 64 blocks (1 KiB) on 3 workers.
    pool = await createPool({ size: 3, threshold: 0, split: { minPiece: 1024, piecesPerWorker: 64 } });
  });
  afterAll(() => pool.close());

  it("a 128-bit counter wrapping (IV ff…f0) in the middle of a piece matches node", async () => {
    for (const wrapAt of [16, 100, 64, 65]) {
      const key = randomBytes(16);
      // 2^128 - wrapAt: the counter is ff…ff at block wrapAt - 1 and 00…00 at block wrapAt
      const iv = Buffer.from(((1n << 128n) - BigInt(wrapAt)).toString(16).padStart(32, "0"), "hex");
      const pt = randomBytes(16 * 200 + 7);
      const got = await pool.encrypt("aes-128-ctr", key, iv, pt);
      expect(Buffer.from(got).equals(nodeRun(true, "aes-128-ctr", key, iv, pt)), `wrap at block ${wrapAt}`).toBe(true);
    }
  });

  it("counterBits 16 wrapping across a piece boundary matches WebCrypto's length", async () => {
    for (const wrapAt of [64, 63, 65, 130]) {
      const key = randomBytes(32);
      const iv = randomBytes(16);
      iv[14] = (0x10000 - wrapAt) >> 8;
      iv[15] = (0x10000 - wrapAt) & 0xff;
      const pt = randomBytes(16 * 300 - 3);
      const expected = await webCtr(key, iv, 16, pt);
      const got = await pool.encrypt("aes-256-ctr", key, iv, pt, { counterBits: 16 });
      expect(Buffer.from(got).equals(expected), `16-bit wrap at block ${wrapAt}`).toBe(true);
      const back = await pool.decrypt("aes-256-ctr", key, iv, expected, { counterBits: 16 });
      expect(Buffer.from(back).equals(pt)).toBe(true);
    }
  });

  it("refuses more blocks than the counter holds", async () => {
    await expect(pool.encrypt("aes-128-ctr", randomBytes(16), randomBytes(16), new Uint8Array(16 * 256 + 1), { counterBits: 8 }))
      .rejects.toBeInstanceOf(CounterExhaustedError);
    const ok = await pool.encrypt("aes-128-ctr", randomBytes(16), randomBytes(16), new Uint8Array(16 * 256), { counterBits: 8 });
    expect(ok.length).toBe(4096);
  });
});

describe("options and errors", () => {
  let pool: WorkerPool;
  beforeAll(async () => {
    pool = await createPool({ size: 2, threshold: 0, split: { minPiece: 256 } });
  });
  afterAll(() => pool.close());

  it("padding: false for ECB and CBC, on workers and on the calling thread", async () => {
    const here = await createPool({ size: 1 }); // default threshold: small jobs stay here
    try {
      for (const p of [pool, here]) {
        for (const name of ["aes-128-ecb", "aes-192-cbc"]) {
          const key = randomBytes(name.includes("192") ? 24 : 16);
          const iv = name.endsWith("ecb") ? null : randomBytes(16);
          const pt = randomBytes(16 * 100);
          const ct = nodeRun(true, name, key, iv, pt, false);
          expect(Buffer.from(await p.encrypt(name, key, iv, pt, { padding: false })).equals(ct)).toBe(true);
          expect(Buffer.from(await p.decrypt(name, key, iv, ct, { padding: false })).equals(pt)).toBe(true);
          await expect(p.encrypt(name, key, iv, pt.subarray(1), { padding: false })).rejects.toBeInstanceOf(DataLengthError);
        }
      }
    } finally {
      await here.close();
    }
  });

  it("writes into a given output: shared (in place) or plain", async () => {
    const key = randomBytes(16);
    const iv = randomBytes(16);
    const pt = randomBytes(10_000);
    const ct = nodeRun(true, "aes-128-cbc", key, iv, pt); // 10_000 → 10_016 with the pad
    const shared = new Uint8Array(new SharedArrayBuffer(ct.length + 5));
    const back = await pool.decrypt("aes-128-cbc", key, iv, ct, { output: shared });
    expect(back.buffer).toBe(shared.buffer);
    expect(Buffer.from(back).equals(pt)).toBe(true);
    const plain = new Uint8Array(ct.length);
    const enc = await pool.encrypt("aes-128-cbc", key, iv, pt, { output: plain });
    expect(enc.buffer).toBe(plain.buffer);
    expect(Buffer.from(plain).equals(ct)).toBe(true);
    await expect(pool.encrypt("aes-128-cbc", key, iv, pt, { output: new Uint8Array(10_000) }))
      .rejects.toBeInstanceOf(DataLengthError);
    // in place: the output is the input
    const buf = new Uint8Array(new SharedArrayBuffer(ct.length));
    buf.set(ct);
    const inPlace = await pool.decrypt("aes-128-cbc", key, iv, buf, { output: buf });
    expect(Buffer.from(inPlace).equals(pt)).toBe(true);
  });

  it("a bad pad is a DecryptionError and releases nothing", async () => {
    const key = randomBytes(16);
    const iv = randomBytes(16);
    // Encrypted without padding, a last byte of 0: never a valid PKCS#7 pad (flipping a byte of
    // the last block instead gave a valid pad 1 time in ~256).
    const plain = randomBytes(5008);
    plain[plain.length - 1] = 0;
    const ct = nodeRun(true, "aes-128-cbc", key, iv, plain, false);
    const out = new Uint8Array(ct.length);
    await expect(pool.decrypt("aes-128-cbc", key, iv, ct, { output: out })).rejects.toBeInstanceOf(DecryptionError);
    expect(out.every((b) => b === 0)).toBe(true);
  });

  it("bad input is a typed error", async () => {
    const k16 = randomBytes(16);
    const iv = randomBytes(16);
    const data = randomBytes(100);
    await expect(pool.encrypt("aes-128-gcm", k16, iv, data)).rejects.toBeInstanceOf(UnknownCipherError);
    await expect(pool.encrypt("aes-256-ctr", k16, iv, data)).rejects.toBeInstanceOf(KeyLengthError);
    await expect(pool.encrypt("aes-128-ctr", k16, iv.subarray(1), data)).rejects.toBeInstanceOf(IvLengthError);
    await expect(pool.encrypt("aes-128-ctr", k16, null, data)).rejects.toBeInstanceOf(IvLengthError);
    await expect(pool.encrypt("aes-128-ecb", k16, iv, data)).rejects.toBeInstanceOf(IvLengthError);
    await expect(pool.decrypt("aes-128-cbc", k16, iv, data)).rejects.toBeInstanceOf(DataLengthError);
    await expect(pool.encrypt("aes-128-cbc", k16, iv, data, { counterBits: 16 })).rejects.toBeInstanceOf(StateError);
    await expect(pool.encrypt("aes-128-ctr", k16, iv, data, { counterBits: 0 })).rejects.toBeInstanceOf(StateError);
  });
});
