// The split of a job into pieces: contiguous, covering, 16-byte aligned, sized by the rules.
import { describe, expect, it } from "vitest";
import { splitRanges, worthAWorker } from "../src/parallel/split.js";
import { canSplit } from "../src/parallel/ops.js";

describe("splitRanges", () => {
  it("covers [0, length) with contiguous 16-byte-aligned ranges", () => {
    for (const length of [1, 15, 16, 17, 1000, 65536, 65537, 1_000_003, 64 << 20]) {
      for (const workers of [1, 2, 3, 8]) {
        const ranges = splitRanges(length, workers, { minPiece: 1024, piecesPerWorker: 4 });
        expect(ranges[0].start).toBe(0);
        expect(ranges.at(-1)!.end).toBe(length);
        for (let i = 0; i < ranges.length; i++) {
          expect(ranges[i].start % 16).toBe(0);
          expect(ranges[i].end).toBeGreaterThan(ranges[i].start);
          if (i > 0) expect(ranges[i].start).toBe(ranges[i - 1].end);
        }
        expect(ranges.length).toBeLessThanOrEqual(workers * 4);
        // no piece but the last is smaller than the minimum, unless the job is
        for (const r of ranges.slice(0, -1)) expect(r.end - r.start).toBeGreaterThanOrEqual(Math.min(1024, length));
      }
    }
  });

  it("gives every worker several pieces of a large job, and one piece to a small one", () => {
    expect(splitRanges(64 << 20, 2, { piecesPerWorker: 4 })).toHaveLength(8);
    expect(splitRanges(1000, 8, { minPiece: 4096 })).toEqual([{ start: 0, end: 1000 }]);
    expect(splitRanges(0, 4)).toEqual([]);
  });

  it("sends a job to the workers from the threshold up", () => {
    expect(worthAWorker(999, 1000)).toBe(false);
    expect(worthAWorker(1000, 1000)).toBe(true);
  });
});

describe("canSplit", () => {
  it("says which modes parallelise", () => {
    for (const bits of [128, 192, 256]) {
      for (const m of ["ctr", "ecb"]) {
        expect(canSplit(`aes-${bits}-${m}`, "encrypt")).toBe(true);
        expect(canSplit(`aes-${bits}-${m}`, "decrypt")).toBe(true);
      }
      for (const m of ["cbc", "cfb", "cfb8", "cfb1"]) {
        expect(canSplit(`aes-${bits}-${m}`, "encrypt")).toBe(false);
        expect(canSplit(`aes-${bits}-${m}`, "decrypt")).toBe(true);
      }
      expect(canSplit(`aes-${bits}-ofb`, "encrypt")).toBe(false);
      expect(canSplit(`aes-${bits}-ofb`, "decrypt")).toBe(false);
    }
    expect(() => canSplit("aes-128-gcm", "encrypt")).toThrow(/unknown cipher/);
  });
});
