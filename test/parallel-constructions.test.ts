// XTS and OCB3 through the worker pool, against node:crypto (aes-*-xts per data unit / per
// sector, aes-*-ocb with AAD and tags of every length): sizes around the pieces' edges and the
// 64 KiB IO window, several workers really used (poolInternals().answers), both transports, the
// calling thread's part of OCB on both backends; tampered tags, ciphertext and AAD fail with
// DecryptionError and leave `output` untouched (in place too); aborted jobs; typed errors for
// bad options; canSplit(). Then the split arithmetic itself on both cores: seeking an OCB slot
// to block j equals running the kernel over j blocks, T·α^j equals j doublings, and the OCB slot
// fields the pool names are those of assembly/layout.ts and src/reference/ocb.ts.
//
// Pool imports come from dist/ (built by `npm test`, or `npx tsc -p tsconfig.build.json`): Node
// 20 cannot start a worker from a .ts file.
import { createCipheriv, createDecipheriv, randomBytes, randomInt } from "node:crypto";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPool, poolInternals, type WorkerPool } from "../dist/parallel/pool.js";
import { canSplit } from "../dist/parallel/ops.js";
import { splitRanges } from "../dist/parallel/split.js";
import { activeCore as distCore } from "../dist/wasm/backend.js";
import {
  DataLengthError, DecryptionError, IvLengthError, KeyLengthError, StateError, TagLengthError, useBackend as distUseBackend,
  WeakKeyError,
} from "../dist/index.js";
import "../dist/fallback.js"; // dist's own 'js' backend (distUseBackend("js")): opt-in outside the Node entry
import { aesKey } from "../src/index.js";
import { allocOcbSlot, OCB_BLOCKS, OCB_CHECKSUM, OCB_L, OCB_OFFSET, ocbNonceBlock, startOcb } from "../src/parallel/ocb-split.js";
import { alphaPower, mulAlphaPower } from "../src/parallel/xts-split.js";
import { describeEachBackend } from "./helpers/backends.js";
import { deadline, filled, firstNot } from "./helpers/parallel-util.js";

type XtsBits = 128 | 256;
const TWO_128 = 1n << 128n;

function nodeXts(bits: XtsBits, key: Uint8Array, tweak: Uint8Array, data: Uint8Array, decrypt: boolean): Buffer {
  const name = `aes-${bits}-xts`;
  const c = decrypt ? createDecipheriv(name, key, tweak) : createCipheriv(name, key, tweak);
  return c.update(data);
}

function leTweak(n: bigint): Uint8Array {
  const t = new Uint8Array(16);
  for (let i = 0; i < 16; i++, n >>= 8n) t[i] = Number(n & 0xffn);
  return t;
}

/** Whole sectors through node:crypto, one data unit each. */
function nodeSectors(bits: XtsBits, key: Uint8Array, data: Uint8Array, sectorSize: number, first: bigint, decrypt: boolean): Buffer {
  const parts: Buffer[] = [];
  for (let off = 0, s = first; off < data.length; off += sectorSize, s++) {
    parts.push(nodeXts(bits, key, leTweak(s), data.subarray(off, off + sectorSize), decrypt));
  }
  return Buffer.concat(parts);
}

function nodeOcbSeal(bits: number, key: Uint8Array, nonce: Uint8Array, pt: Uint8Array, aad: Uint8Array, tagLength: number): Buffer {
  const c = createCipheriv(`aes-${bits}-ocb` as "aes-128-ocb", key, nonce, { authTagLength: tagLength });
  c.setAAD(aad);
  return Buffer.concat([c.update(pt), c.final(), c.getAuthTag()]);
}

function xtsKeyOf(bits: XtsBits): Uint8Array {
  return randomBytes(bits / 4); // equal halves: probability 2^-128
}

/** `bytes` of random data at an odd offset in a larger buffer. */
function oddView(bytes: number): Uint8Array {
  const offset = randomInt(1, 16);
  return new Uint8Array(randomBytes(bytes + offset + 3).buffer, offset, bytes);
}

/** Runs `fn` and returns the number of worker positions that answered at least one piece meanwhile. */
async function workersUsed(pool: WorkerPool, fn: () => Promise<unknown>): Promise<{ workers: number; pieces: number }> {
  const before = poolInternals(pool).answers;
  await fn();
  const after = poolInternals(pool).answers;
  let workers = 0;
  let pieces = 0;
  after.forEach((n, i) => {
    const d = n - (before[i] ?? 0);
    if (d > 0) workers++;
    pieces += d;
  });
  return { workers, pieces };
}

/** Pieces of a few blocks, so that kilobyte messages cross many piece boundaries. */
const SMALL_PIECES = { minPiece: 16 * 7, piecesPerWorker: 3 };

describe("XTS through the pool equals node:crypto", () => {
  for (const transport of ["shared", "transfer"] as const) {
    it(`one data unit, lengths around piece edges and the IO window (${transport})`, async () => {
      const pool = await createPool({ size: 3, threshold: 0, transport, split: SMALL_PIECES });
      try {
        const lengths = [16, 17, 31, 32, 33, 111, 112, 113, 127, 128, 129, 335, 336, 337, 1000, 4095, 4097,
          randomInt(5000, 20000), 65536 + 15, 65536 + 16, 65536 + 17, 3 * 65536 + 1];
        for (const bits of [128, 256] as const) {
          for (const length of lengths) {
            const key = xtsKeyOf(bits);
            const tweak = randomBytes(16);
            const pt = oddView(length);
            const ct = nodeXts(bits, key, tweak, pt, false);
            const used = await workersUsed(pool, async () => {
              expect(Buffer.from(await pool.encrypt(`aes-${bits}-xts`, key, tweak, pt)).equals(ct), `encrypt ${bits} ${length}`).toBe(true);
            });
            if (length >= 2 * SMALL_PIECES.minPiece) expect(used.workers, `${length} B spread`).toBeGreaterThanOrEqual(2);
            expect(Buffer.from(await pool.decrypt(`aes-${bits}-xts`, key, tweak, ct)).equals(Buffer.from(pt)), `decrypt ${bits} ${length}`).toBe(true);
          }
        }
      } finally {
        await pool.close();
      }
    });
  }

  it("a large data unit with the default pieces (workers start deep into the unit, T·α^j)", async () => {
    const pool = await createPool({ size: 3, threshold: 0 });
    try {
      for (const bits of [128, 256] as const) {
        const length = (bits === 128 ? 4 << 20 : 1 << 20) + randomInt(0, 16);
        const key = xtsKeyOf(bits);
        const tweak = randomBytes(16);
        const pt = randomBytes(length);
        const ct = nodeXts(bits, key, tweak, pt, false);
        const used = await workersUsed(pool, async () => {
          expect(Buffer.from(await pool.encrypt(`aes-${bits}-xts`, key, tweak, pt)).equals(ct)).toBe(true);
        });
        expect(used.workers).toBeGreaterThanOrEqual(2);
        expect(Buffer.from(await pool.decrypt(`aes-${bits}-xts`, key, tweak, ct)).equals(pt)).toBe(true);
      }
    } finally {
      await pool.close();
    }
  });

  for (const transport of ["shared", "transfer"] as const) {
    it(`whole sectors: tweak = sector number, pieces of whole sectors (${transport})`, async () => {
      const pool = await createPool({ size: 3, threshold: 0, transport, split: { minPiece: 1024, piecesPerWorker: 3 } });
      try {
        const cases: { sectorSize: number; sectors: number; first: number | bigint }[] = [
          { sectorSize: 512, sectors: 1, first: 0 },
          { sectorSize: 512, sectors: 37, first: 0 },
          { sectorSize: 512, sectors: 64, first: 123456789 },
          { sectorSize: 4096, sectors: 9, first: 2n ** 64n - 3n }, // the tweak's count crosses a 64-bit word
          { sectorSize: 4096, sectors: 5, first: TWO_128 - 5n }, // the last sector is 2^128 - 1
          { sectorSize: 16, sectors: 200, first: 255 },
          { sectorSize: 100, sectors: 50, first: 7 }, // not whole blocks: every sector steals
          { sectorSize: 65536 + 520, sectors: 3, first: 1 }, // a sector longer than the IO window
        ];
        for (const bits of [128, 256] as const) {
          for (const { sectorSize, sectors, first } of cases) {
            const key = xtsKeyOf(bits);
            const pt = oddView(sectorSize * sectors);
            const ct = nodeSectors(bits, key, pt, sectorSize, BigInt(first), false);
            const options = { sectorSize, firstSector: first };
            const used = await workersUsed(pool, async () => {
              const got = await pool.encrypt(`aes-${bits}-xts`, key, null, pt, options);
              expect(Buffer.from(got).equals(ct), `encrypt ${bits} ${sectorSize}×${sectors} from ${first}`).toBe(true);
            });
            const plan = splitRanges(pt.length, 3, { minPiece: 1024, piecesPerWorker: 3 }, sectorSize);
            expect(used.pieces).toBe(plan.length);
            for (const r of plan) expect(r.start % sectorSize).toBe(0);
            if (plan.length >= 2) expect(used.workers).toBeGreaterThanOrEqual(2);
            const back = await pool.decrypt(`aes-${bits}-xts`, key, null, ct, options);
            expect(Buffer.from(back).equals(Buffer.from(pt)), `decrypt ${bits} ${sectorSize}×${sectors}`).toBe(true);
          }
        }
      } finally {
        await pool.close();
      }
    });
  }

  it("below the threshold, on the calling thread: the same bytes", async () => {
    const pool = await createPool({ size: 2 });
    try {
      const key = xtsKeyOf(128);
      const tweak = randomBytes(16);
      const pt = randomBytes(3000);
      const used = await workersUsed(pool, async () => {
        expect(Buffer.from(await pool.encrypt("aes-128-xts", key, tweak, pt)).equals(nodeXts(128, key, tweak, pt, false))).toBe(true);
        const sectors = await pool.decrypt("aes-128-xts", key, null, pt.subarray(0, 2048), { sectorSize: 512, firstSector: 9n });
        expect(Buffer.from(sectors).equals(nodeSectors(128, key, pt.subarray(0, 2048), 512, 9n, true))).toBe(true);
      });
      expect(used.pieces).toBe(0);
    } finally {
      await pool.close();
    }
  });

  it("output: written at the end, in place works", async () => {
    const pool = await createPool({ size: 2, threshold: 0, split: SMALL_PIECES });
    try {
      const key = xtsKeyOf(256);
      const buf = randomBytes(512 * 20);
      const expected = nodeSectors(256, key, buf, 512, 40n, false);
      const got = await pool.encrypt("aes-256-xts", key, null, buf, { sectorSize: 512, firstSector: 40, output: buf });
      expect(got.buffer).toBe(buf.buffer);
      expect(Buffer.from(buf).equals(expected)).toBe(true);
    } finally {
      await pool.close();
    }
  });
});

describe("OCB3 through the pool equals node:crypto", () => {
  let pool: WorkerPool;
  let transferPool: WorkerPool;
  beforeAll(async () => {
    pool = await createPool({ size: 3, threshold: 0, split: SMALL_PIECES });
    transferPool = await createPool({ size: 2, threshold: 0, transport: "transfer", split: SMALL_PIECES });
  });
  afterAll(async () => {
    distUseBackend("wasm");
    await pool?.close();
    await transferPool?.close();
  });

  // The calling thread closes every message (last partial block, AAD, tag) in its own core.
  for (const backend of ["wasm", "js"] as const) {
    it(`lengths around piece edges, AAD, tag and nonce lengths (calling thread on ${backend})`, async () => {
      distUseBackend(backend);
      const lengths = [0, 1, 15, 16, 17, 111, 112, 113, 127, 128, 129, 223, 224, 225, 1000, randomInt(1001, 9000), 65536 + 31];
      let checked = 0;
      for (const bits of [128, 192, 256]) {
        for (const length of lengths) {
          const key = randomBytes(bits / 8);
          const nonce = randomBytes([12, 1, 15, 8][checked % 4]!);
          const tagLength = [16, 12, 8, 16, 13][checked % 5]!;
          const aad = randomBytes([0, 1, 15, 16, 17, 300][checked % 6]!);
          const target = checked % 3 === 0 ? transferPool : pool;
          checked++;
          const pt = oddView(length);
          const sealed = nodeOcbSeal(bits, key, nonce, pt, aad, tagLength);
          const options = { aad, tagLength };
          const used = await workersUsed(target, async () => {
            const got = await target.encrypt(`aes-${bits}-ocb`, key, nonce, pt, options);
            expect(Buffer.from(got).equals(sealed), `seal ${bits} ${length} B tag ${tagLength}`).toBe(true);
          });
          // two pieces or more (whole blocks only: the partial block is this thread's) go to two workers
          if (Math.floor(length / 16) * 16 >= 2 * SMALL_PIECES.minPiece) expect(used.workers, `${length} B spread`).toBeGreaterThanOrEqual(2);
          else expect(used.pieces, `${length} B`).toBe(length >= 16 ? 1 : 0);
          const opened = await target.decrypt(`aes-${bits}-ocb`, key, nonce, sealed, options);
          expect(Buffer.from(opened).equals(Buffer.from(pt)), `open ${bits} ${length} B`).toBe(true);
        }
      }
    });
  }

  it("a few MiB with the default pieces, AAD past the IO window", async () => {
    const big = await createPool({ size: 3, threshold: 0 });
    try {
      const key = randomBytes(32);
      const nonce = randomBytes(12);
      const pt = randomBytes((3 << 20) + 5);
      const aad = randomBytes(65536 * 2 + 21);
      const sealed = nodeOcbSeal(256, key, nonce, pt, aad, 16);
      const used = await workersUsed(big, async () => {
        expect(Buffer.from(await big.encrypt("aes-256-ocb", key, nonce, pt, { aad })).equals(sealed)).toBe(true);
      });
      expect(used.workers).toBeGreaterThanOrEqual(2);
      expect(Buffer.from(await big.decrypt("aes-256-ocb", key, nonce, sealed, { aad })).equals(pt)).toBe(true);
    } finally {
      await big.close();
    }
  });

  it("short tags need allowShortTags, as key.ocb() does", async () => {
    const key = randomBytes(16);
    const nonce = randomBytes(12);
    const pt = randomBytes(700);
    const sealed = nodeOcbSeal(128, key, nonce, pt, new Uint8Array(0), 4);
    await expect(pool.encrypt("aes-128-ocb", key, nonce, pt, { tagLength: 4 })).rejects.toThrow(TagLengthError);
    const got = await pool.encrypt("aes-128-ocb", key, nonce, pt, { tagLength: 4, allowShortTags: true });
    expect(Buffer.from(got).equals(sealed)).toBe(true);
    expect(Buffer.from(await pool.decrypt("aes-128-ocb", key, nonce, sealed, { tagLength: 4, allowShortTags: true })).equals(pt)).toBe(true);
  });

  it("output: ciphertext || tag into the caller's buffer, in place decryption", async () => {
    const key = randomBytes(16);
    const nonce = randomBytes(12);
    const pt = randomBytes(5000);
    const sealed = nodeOcbSeal(128, key, nonce, pt, new Uint8Array(0), 16);
    const out = new Uint8Array(pt.length + 16 + 7);
    const got = await pool.encrypt("aes-128-ocb", key, nonce, pt, { output: out });
    expect(got.length).toBe(pt.length + 16);
    expect(Buffer.from(got).equals(sealed)).toBe(true);
    const inPlace = new Uint8Array(sealed);
    const opened = await pool.decrypt("aes-128-ocb", key, nonce, inPlace, { output: inPlace });
    expect(opened.buffer).toBe(inPlace.buffer);
    expect(Buffer.from(opened).equals(pt)).toBe(true);
    await expect(pool.encrypt("aes-128-ocb", key, nonce, pt, { output: new Uint8Array(pt.length + 15) })).rejects.toThrow(DataLengthError);
  });

  it("tampered tag, ciphertext, AAD or nonce: DecryptionError, output untouched, nothing left in the calling thread's core", async () => {
    const stats = distCore().stats();
    for (const length of [40, 5000, 65536 + 3]) {
      for (const target of [pool, transferPool]) {
        const key = randomBytes(24);
        const nonce = randomBytes(12);
        const aad = randomBytes(33);
        const pt = randomBytes(length);
        const sealed = new Uint8Array(nodeOcbSeal(192, key, nonce, pt, aad, 16));
        const flips: [string, () => Promise<Uint8Array>][] = [];
        const at = (i: number) => {
          const t = new Uint8Array(sealed);
          t[i]! ^= 1;
          return t;
        };
        const out = new Uint8Array(length + 4); // room for the body under a 12-byte tag too
        for (const [what, data, opts] of [
          ["tag", at(sealed.length - 1), { aad }],
          ["first block", at(0), { aad }],
          ["last partial block", at(length - 1), { aad }],
          ["aad", sealed, { aad: aad.subarray(1) }],
          ["tag length", sealed, { aad, tagLength: 12 }],
        ] as const) {
          flips.push([what, () => target.decrypt("aes-192-ocb", key, nonce, data, { ...opts, output: filled(out, 0xa5) })]);
        }
        flips.push(["nonce", () => target.decrypt("aes-192-ocb", key, randomBytes(12), sealed, { aad, output: filled(out, 0xa5) })]);
        for (const [what, run] of flips) {
          await expect(run(), `${what} ${length} B`).rejects.toThrow(DecryptionError);
          expect(firstNot(out, 0xa5), `output written after a bad ${what}`).toBe(-1);
        }
        // in place: the ciphertext stays as it was
        const inPlace = at(sealed.length - 2);
        const copy = new Uint8Array(inPlace);
        await expect(target.decrypt("aes-192-ocb", key, nonce, inPlace, { aad, output: inPlace })).rejects.toThrow(DecryptionError);
        expect(Buffer.from(inPlace).equals(copy)).toBe(true);
        // too short for a tag
        await expect(target.decrypt("aes-192-ocb", key, nonce, sealed.subarray(0, 15), { aad })).rejects.toThrow(DecryptionError);
      }
    }
    const core = distCore();
    expect(firstNot(core.mem.subarray(core.io, core.io + core.ioSize), 0), "the calling thread's IO window").toBe(-1);
    expect(core.stats().slotsInUse).toBe(stats.slotsInUse);
    const scratch = poolInternals(pool).scratch;
    expect(scratch && firstNot(new Uint8Array(scratch), 0), "the pool's shared buffer after failed jobs").toBe(-1);
  });
});

describe("aborted XTS and OCB jobs", () => {
  it("reject with the signal's reason, write nothing, and the pool carries on", async () => {
    const pool = await createPool({ size: 2, threshold: 0, split: { minPiece: 4096, piecesPerWorker: 8 } });
    try {
      const key32 = xtsKeyOf(128);
      const key16 = randomBytes(16);
      const nonce = randomBytes(12);
      const data = randomBytes(2 << 20);
      const out = new Uint8Array(data.length + 16);
      const jobs: [string, (signal: AbortSignal) => Promise<Uint8Array>][] = [
        ["xts unit", (signal) => pool.encrypt("aes-128-xts", key32, randomBytes(16), data.subarray(0, 1 << 20), { signal, output: filled(out, 0x5a) })],
        ["xts sectors", (signal) => pool.decrypt("aes-128-xts", key32, null, data, { sectorSize: 4096, signal, output: filled(out, 0x5a) })],
        ["ocb seal", (signal) => pool.encrypt("aes-128-ocb", key16, nonce, data, { signal, output: filled(out, 0x5a) })],
        ["ocb open", (signal) => pool.decrypt("aes-128-ocb", key16, nonce, data, { signal, output: filled(out, 0x5a) })],
      ];
      for (const [what, run] of jobs) {
        const before = new AbortController();
        before.abort();
        await expect(run(before.signal), `${what} aborted before`).rejects.toThrow(/abort/i);
        const during = new AbortController();
        const p = run(during.signal);
        during.abort(); // the pieces are with the workers now
        await expect(deadline(p, 20_000, what), `${what} aborted while running`).rejects.toThrow(/abort/i);
        expect(firstNot(out, 0x5a), `${what}: output written`).toBe(-1);
      }
      // the next jobs are right
      const pt = randomBytes(50_000);
      const sealed = nodeOcbSeal(128, key16, nonce, pt, new Uint8Array(0), 16);
      expect(Buffer.from(await pool.encrypt("aes-128-ocb", key16, nonce, pt)).equals(sealed)).toBe(true);
      const tweak = randomBytes(16);
      expect(Buffer.from(await pool.encrypt("aes-128-xts", key32, tweak, pt)).equals(nodeXts(128, key32, tweak, pt, false))).toBe(true);
    } finally {
      await pool.close();
    }
  });
});

describe("XTS and OCB job errors", () => {
  let pool: WorkerPool;
  beforeAll(async () => {
    pool = await createPool({ size: 1, threshold: 0 });
  });
  afterAll(async () => {
    await pool?.close();
  });

  it("refuses bad XTS keys, tweaks, lengths and sector options with typed errors", async () => {
    const key = xtsKeyOf(128);
    const tweak = randomBytes(16);
    const data = randomBytes(1024);
    const same = new Uint8Array(32);
    same.set(key.subarray(0, 16));
    same.set(key.subarray(0, 16), 16);
    const cases: [string, () => Promise<unknown>, new (...a: never[]) => Error][] = [
      ["key 16", () => pool.encrypt("aes-128-xts", randomBytes(16), tweak, data), KeyLengthError],
      ["key 64 for 128", () => pool.encrypt("aes-128-xts", randomBytes(64), tweak, data), KeyLengthError],
      ["K1 = K2", () => pool.encrypt("aes-128-xts", same, tweak, data), WeakKeyError],
      ["K1 = K2 decrypt", () => pool.decrypt("aes-128-xts", same, tweak, data), WeakKeyError],
      ["no tweak", () => pool.encrypt("aes-128-xts", key, null, data), IvLengthError],
      ["tweak 12", () => pool.encrypt("aes-128-xts", key, randomBytes(12), data), IvLengthError],
      ["unit 15", () => pool.encrypt("aes-128-xts", key, tweak, data.subarray(0, 15)), DataLengthError],
      ["unit 0", () => pool.encrypt("aes-128-xts", key, tweak, new Uint8Array(0)), DataLengthError],
      ["unit past 2^24", () => pool.encrypt("aes-128-xts", key, tweak, new Uint8Array(2 ** 24 + 16)), DataLengthError],
      ["tweak with sectors", () => pool.encrypt("aes-128-xts", key, tweak, data, { sectorSize: 512 }), IvLengthError],
      ["not whole sectors", () => pool.encrypt("aes-128-xts", key, null, data.subarray(0, 1000), { sectorSize: 512 }), DataLengthError],
      ["sector 8", () => pool.encrypt("aes-128-xts", key, null, data, { sectorSize: 8 }), StateError],
      ["sector 512.5", () => pool.encrypt("aes-128-xts", key, null, data, { sectorSize: 512.5 }), StateError],
      ["first -1", () => pool.encrypt("aes-128-xts", key, null, data, { sectorSize: 512, firstSector: -1 }), StateError],
      ["first 2^53", () => pool.encrypt("aes-128-xts", key, null, data, { sectorSize: 512, firstSector: 2 ** 53 }), StateError],
      ["first '1'", () => pool.encrypt("aes-128-xts", key, null, data, { sectorSize: 512, firstSector: "1" as never }), StateError],
      ["past 2^128", () => pool.encrypt("aes-128-xts", key, null, data, { sectorSize: 512, firstSector: TWO_128 - 1n }), StateError],
      ["first without size", () => pool.encrypt("aes-128-xts", key, tweak, data, { firstSector: 3 }), StateError],
      ["counterBits", () => pool.encrypt("aes-128-xts", key, tweak, data, { counterBits: 32 }), StateError],
      ["tagLength on xts", () => pool.encrypt("aes-128-xts", key, tweak, data, { tagLength: 16 }), StateError],
      ["sectorSize on ctr", () => pool.encrypt("aes-128-ctr", randomBytes(16), tweak, data, { sectorSize: 512 }), StateError],
      ["output too small", () => pool.encrypt("aes-128-xts", key, tweak, data, { output: new Uint8Array(1023) }), DataLengthError],
    ];
    for (const [what, run, type] of cases) await expect(run(), what).rejects.toThrow(type);
    // the last sector may be 2^128 - 1
    const last = await pool.encrypt("aes-128-xts", key, null, data.subarray(0, 512), { sectorSize: 512, firstSector: TWO_128 - 1n });
    expect(Buffer.from(last).equals(nodeXts(128, key, leTweak(TWO_128 - 1n), data.subarray(0, 512), false))).toBe(true);
  });

  it("refuses bad OCB keys, nonces, tags and options with typed errors", async () => {
    const key = randomBytes(16);
    const nonce = randomBytes(12);
    const data = randomBytes(1024);
    const cases: [string, () => Promise<unknown>, new (...a: never[]) => Error][] = [
      ["key 32 for 128", () => pool.encrypt("aes-128-ocb", randomBytes(32), nonce, data), KeyLengthError],
      ["no nonce", () => pool.encrypt("aes-128-ocb", key, null, data), IvLengthError],
      ["nonce 0", () => pool.encrypt("aes-128-ocb", key, new Uint8Array(0), data), IvLengthError],
      ["nonce 16", () => pool.encrypt("aes-128-ocb", key, randomBytes(16), data), IvLengthError],
      ["tag 17", () => pool.encrypt("aes-128-ocb", key, nonce, data, { tagLength: 17 }), TagLengthError],
      ["tag 0", () => pool.encrypt("aes-128-ocb", key, nonce, data, { tagLength: 0 }), TagLengthError],
      ["tag '16'", () => pool.encrypt("aes-128-ocb", key, nonce, data, { tagLength: "16" as never }), TagLengthError],
      ["allowShortTags 1", () => pool.encrypt("aes-128-ocb", key, nonce, data, { allowShortTags: 1 as never }), StateError],
      ["counterBits", () => pool.encrypt("aes-128-ocb", key, nonce, data, { counterBits: 32 }), StateError],
      ["sectorSize on ocb", () => pool.encrypt("aes-128-ocb", key, nonce, data, { sectorSize: 512 }), StateError],
      ["aad on ctr", () => pool.encrypt("aes-128-ctr", key, randomBytes(16), data, { aad: data }), StateError],
      ["short ciphertext", () => pool.decrypt("aes-128-ocb", key, nonce, data.subarray(0, 11), { tagLength: 12 }), DecryptionError],
      ["output too small", () => pool.decrypt("aes-128-ocb", key, nonce, data, { output: new Uint8Array(1007) }), DataLengthError],
    ];
    for (const [what, run, type] of cases) await expect(run(), what).rejects.toThrow(type);
  });

  it("canSplit: XTS and OCB split both ways", () => {
    for (const name of ["aes-128-xts", "aes-256-xts", "AES-128-XTS", "aes-128-ocb", "aes-192-ocb", "aes-256-ocb"]) {
      expect(canSplit(name, "encrypt"), name).toBe(true);
      expect(canSplit(name, "decrypt"), name).toBe(true);
    }
    expect(() => canSplit("aes-192-xts", "encrypt")).toThrow(/unknown cipher/);
    expect(() => canSplit("aes-128-gcm", "decrypt")).toThrow(/unknown cipher/);
  });
});

describe("the split arithmetic", () => {
  it("the OCB slot fields the pool names are the kernels' (assembly/layout.ts, src/reference/ocb.ts)", () => {
    const layout = readFileSync(new URL("../assembly/layout.ts", import.meta.url), "utf8");
    const reference = readFileSync(new URL("../src/reference/ocb.ts", import.meta.url), "utf8");
    const wasmField = (name: string) => Number(new RegExp(`export const ${name}: usize = (\\d+);`).exec(layout)?.[1]);
    const jsField = (name: string) => Number(new RegExp(`\\nconst ${name} = (\\d+);`).exec(reference)?.[1]);
    expect([wasmField("OCB_OFFSET"), wasmField("OCB_CHECKSUM"), wasmField("OCB_L"), wasmField("OCB_BLOCKS"), wasmField("OCB_SLOT_SIZE")])
      .toEqual([OCB_OFFSET, OCB_CHECKSUM, OCB_L, OCB_BLOCKS, 640]);
    expect([jsField("OFFSET"), jsField("CHECKSUM"), jsField("L"), jsField("BLOCKS")]).toEqual([OCB_OFFSET, OCB_CHECKSUM, OCB_L, OCB_BLOCKS]);
  });

  it("α^j: square and multiply equals j doublings of 1", () => {
    let x = 1n;
    for (let j = 0; j <= 1100; j++) {
      const w = alphaPower(j);
      expect(BigInt(w[0]!) | (BigInt(w[1]!) << 32n) | (BigInt(w[2]!) << 64n) | (BigInt(w[3]!) << 96n), `α^${j}`).toBe(x);
      x <<= 1n;
      if (x & TWO_128) x ^= TWO_128 | 0x87n;
    }
  });

  it("T·α^j in memory equals j doublings of T (j up to 2^20 - 1), scratch left zero", () => {
    const mem = new Uint8Array(64);
    for (const j of [0, 1, 2, 127, 128, 129, 255, 1000, 4096, 65535, randomInt(1, 2 ** 20), 2 ** 20 - 1]) {
      const t = randomBytes(16);
      let want = 0n;
      for (let i = 15; i >= 0; i--) want = (want << 8n) | BigInt(t[i]!);
      for (let i = 0; i < j; i++) {
        want <<= 1n;
        if (want & TWO_128) want ^= TWO_128 | 0x87n;
      }
      mem.fill(0);
      mem.set(t, 8);
      mulAlphaPower(mem, 8, 32, j);
      expect(Buffer.from(mem.subarray(8, 24)).equals(Buffer.from(leTweak(want))), `j = ${j}`).toBe(true);
      expect(firstNot(mem.subarray(32, 48), 0)).toBe(-1);
    }
  });
});

describeEachBackend("seekOcb equals running the kernel", (backend) => {
  it("Offset_j and the block counter, for j around powers of two", () => {
    const key = aesKey(randomBytes(16));
    const core = key.core;
    const a = allocOcbSlot(core);
    const b = allocOcbSlot(core);
    try {
      const nonceBlock = ocbNonceBlock(randomBytes(12), 16);
      const js = [1, 2, 3, 4, 7, 8, 9, 15, 16, 17, 100, 255, 256, 1023, 1024, 4095, 4096, 4097];
      if (backend === "wasm") js.push(65535, 65536, 100_000, 262_145);
      for (const j of js) {
        startOcb(core, key.slot, a, nonceBlock, 0);
        const { io, ioSize } = core;
        for (let done = 0; done < j;) {
          const n = Math.min(j - done, ioSize / 16);
          core.mem.fill(0, io, io + n * 16);
          core.k.ocbEncrypt(key.slot, a, io, n * 16);
          done += n;
        }
        startOcb(core, key.slot, b, nonceBlock, j);
        const mem = core.mem;
        expect(Buffer.from(mem.subarray(b + OCB_OFFSET, b + OCB_OFFSET + 16)).equals(Buffer.from(mem.subarray(a + OCB_OFFSET, a + OCB_OFFSET + 16))), `Offset_${j}`).toBe(true);
        expect(Buffer.from(mem.subarray(b + OCB_BLOCKS, b + OCB_BLOCKS + 4)).equals(Buffer.from(mem.subarray(a + OCB_BLOCKS, a + OCB_BLOCKS + 4))), `blocks ${j}`).toBe(true);
        expect(firstNot(mem.subarray(b + OCB_CHECKSUM, b + OCB_CHECKSUM + 16), 0)).toBe(-1);
      }
      core.k.wipe(core.io, core.ioSize);
    } finally {
      core.release(a, core.layout.OCB_SLOT_SIZE);
      core.release(b, core.layout.OCB_SLOT_SIZE);
      key.dispose();
    }
  });
});
