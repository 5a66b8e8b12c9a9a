// The CLI's pure pieces, in process: the exact-size re-chunker behind seal/open and pool CTR
// (any input split gives the same pieces; the last piece is always marked), and the progress
// bar's text.
import { describe, expect, it } from "vitest";
import { pieces } from "../src/cli/input.js";
import { formatBytes, formatDuration, formatProgress } from "../src/cli/progress.js";
import { randomBytes, randomSplits, rng } from "./helpers/random.js";
import { expectBytes } from "./helpers/bytes.js";

async function* feed(data: Uint8Array, splits: number[]): AsyncGenerator<Uint8Array> {
  let off = 0;
  for (const n of splits) {
    yield data.subarray(off, off + n);
    off += n;
  }
}

async function collect(data: Uint8Array, splits: number[], size: number) {
  const out: { bytes: Uint8Array; last: boolean }[] = [];
  for await (const p of pieces(feed(data, splits), size)) out.push(p);
  return out;
}

describe("pieces(): exact-size re-chunking with a known last piece", () => {
  for (const seed of [1, 2, 3, 4, 5, 6]) {
    it(`seed ${seed}: any split gives full pieces, then one last piece of 0..size bytes`, async () => {
      const next = rng(seed);
      const size = 1 + Math.floor(next() * 3000);
      const length = Math.floor(next() * 5) * size + (seed % 2 === 0 ? 0 : Math.floor(next() * size));
      const data = randomBytes(next, length);
      const got = await collect(data, randomSplits(next, length, 4 * size), size);
      const wantCount = Math.max(1, Math.ceil(length / size));
      expect(got.length).toBe(wantCount);
      got.forEach((p, i) => {
        expect(p.last).toBe(i === wantCount - 1);
        if (!p.last) expect(p.bytes.length).toBe(size);
      });
      expectBytes(Buffer.concat(got.map((p) => p.bytes)), data);
    });
  }

  it("an empty stream is one empty last piece; exactly one piece's worth is one full last piece", async () => {
    expect(await collect(new Uint8Array(0), [], 16)).toEqual([{ bytes: new Uint8Array(0), last: true }]);
    const d = new Uint8Array(32).fill(7);
    const got = await collect(d, [5, 27], 32);
    expect(got.length).toBe(1);
    expect(got[0].last).toBe(true);
    expect(got[0].bytes.length).toBe(32);
  });

  it("one huge chunk is cut into many pieces", async () => {
    const d = randomBytes(rng(9), 5 * 1024 * 1024 + 3);
    const got = await collect(d, [d.length], 65536);
    expect(got.length).toBe(81);
    expectBytes(Buffer.concat(got.map((p) => p.bytes)), d);
  });
});

describe("progress bar text", () => {
  it("bytes, rate and time left", () => {
    const line = formatProgress(512 * 1024 * 1024, 1024 * 1024 * 1024, 2, 100);
    expect(line).toMatch(/^\[#{15}\.{15}\]  50% 512\.0 MiB \/ 1\.0 GiB  256\.0 MiB\/s  0:02 left$/);
  });

  it("fits a narrow terminal by dropping the bar; unknown size shows bytes and rate", () => {
    expect(formatProgress(10, 100, 1, 40)).toBe("10% 10 B / 100 B  10 B/s  0:09 left");
    expect(formatProgress(3 * 1024 * 1024, null, 3)).toBe("3.0 MiB  1.0 MiB/s");
  });

  it("units and durations", () => {
    expect(formatBytes(1023)).toBe("1023 B");
    expect(formatBytes(1536)).toBe("1.5 KiB");
    expect(formatDuration(3725)).toBe("1:02:05");
    expect(formatDuration(NaN)).toBe("-:--");
  });
});
