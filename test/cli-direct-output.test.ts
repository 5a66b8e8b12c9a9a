// The output file's two descriptors (output.ts): page-aligned whole blocks go through O_DIRECT,
// everything else through the buffered descriptor, both by position. Whatever the mix of
// aligned and unaligned memory, lengths and file offsets, the file must hold exactly the bytes
// written, in order; and on Linux the direct descriptor must really be used (else the hot
// path's gain silently disappears).
import { closeSync, constants, openSync, readdirSync, readFileSync, readlinkSync, rmSync, statfsSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DIRECT_ALIGN, pageAlignedBuffer, startsAligned } from "../src/cli/aligned-memory.js";
import { openSink } from "../src/cli/output.js";
import { expectBytes } from "./helpers/bytes.js";
import { removeDir, scratchDir } from "./helpers/cli.js";
import { randomBytes, rng } from "./helpers/random.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) removeDir(d);
});

/** Whether the sink should use O_DIRECT in `dir`: Linux, a filesystem that allows it, not tmpfs/ramfs (output.ts skips those). */
function directPossible(dir: string): boolean {
  const flag = (constants as Record<string, number | undefined>).O_DIRECT;
  if (process.platform !== "linux" || flag === undefined) return false;
  if ([0x01021994, 0x858458f6].includes(statfsSync(dir).type)) return false;
  const probe = join(dir, "probe");
  try {
    closeSync(openSync(probe, constants.O_WRONLY | constants.O_CREAT | flag, 0o600));
    return true;
  } catch {
    return false;
  } finally {
    rmSync(probe, { force: true });
  }
}

/** Descriptors of this process open under `dir` with O_DIRECT (Linux: /proc/self/fdinfo flags, octal). */
function directDescriptorsOn(dir: string): number {
  const O_DIRECT = 0o40000; // x86-64; arm64 has another value
  const O_DIRECT_ARM = 0o200000;
  let count = 0;
  for (const fd of readdirSync("/proc/self/fd")) {
    let target: string;
    try {
      target = readlinkSync(`/proc/self/fd/${fd}`);
    } catch {
      continue;
    }
    if (!target.startsWith(dir)) continue;
    const flags = /flags:\s+([0-7]+)/.exec(readFileSync(`/proc/self/fdinfo/${fd}`, "utf8"));
    const f = flags ? parseInt(flags[1], 8) : 0;
    if ((process.arch === "arm64" ? f & O_DIRECT_ARM : f & O_DIRECT) !== 0) count++;
  }
  return count;
}

describe("pageAlignedBuffer()", () => {
  it("gives memory that starts aligned (and ordinary buffers are not taken for aligned)", () => {
    const buf = new Uint8Array(pageAlignedBuffer(3 * DIRECT_ALIGN, false));
    expect(buf.length).toBeGreaterThanOrEqual(3 * DIRECT_ALIGN);
    expect(startsAligned(buf)).toBe(true);
    expect(startsAligned(buf.subarray(DIRECT_ALIGN))).toBe(true);
    expect(startsAligned(buf.subarray(16))).toBe(false);
    expect(startsAligned(new Uint8Array(DIRECT_ALIGN))).toBe(false);
    expect(new Uint8Array(pageAlignedBuffer(DIRECT_ALIGN, true)).buffer).toBeInstanceOf(SharedArrayBuffer);
  });
});

describe("file output: O_DIRECT for aligned blocks, buffered for the rest", () => {
  // Seeds 1-5: a random mix; 6-7: ordinary memory only (seal's chunks), > 1 MiB, so whole
  // staging buffers go out with O_DIRECT too.
  for (const seed of [1, 2, 3, 4, 5, 6, 7]) {
    it(`seed ${seed}: ${seed <= 5 ? "a random mix of aligned and unaligned writes" : "unaligned writes only"} lands byte for byte`, async () => {
      const next = rng(seed);
      const dir = scratchDir();
      dirs.push(dir);
      const direct = directPossible(dir);
      const target = join(dir, "out.bin");
      const arena = new Uint8Array(pageAlignedBuffer(8 * DIRECT_ALIGN + 64, false));
      const sink = await openSink(target);
      const expected: Uint8Array[] = [];
      let sawDirect = 0;
      try {
        for (let i = 0; i < 40; i++) {
          const r = seed <= 5 ? next() : 1;
          let piece: Uint8Array;
          if (r < 0.5) piece = arena.subarray(0, DIRECT_ALIGN * (1 + Math.floor(next() * 8))); // aligned, whole blocks
          else if (r < 0.65) piece = arena.subarray(0, DIRECT_ALIGN + Math.floor(next() * 3 * DIRECT_ALIGN)); // aligned start, partial block
          else if (r < 0.8) piece = arena.subarray(16, 16 + DIRECT_ALIGN * 2); // unaligned memory
          else piece = new Uint8Array(1 + Math.floor(next() * (seed <= 5 ? 3000 : 150_000))); // ordinary memory, odd length
          piece.set(randomBytes(next, piece.length));
          expected.push(piece.slice());
          await sink.write(piece);
          if (direct) sawDirect = Math.max(sawDirect, directDescriptorsOn(dir));
        }
        await sink.commit();
      } catch (e) {
        await sink.abort();
        throw e;
      }
      // Before anything reads the file: blocks written with O_DIRECT are not in the page cache
      // (util-linux fincore, where installed), so some of the file must be missing there.
      const cached = direct ? spawnSync("fincore", ["--bytes", "--noheadings", "--output", "RES", target], { encoding: "utf8" }) : null;
      const total = expected.reduce((n, p) => n + p.length, 0);
      if (cached?.status === 0) expect(Number(cached.stdout.trim())).toBeLessThan(total);
      expectBytes(readFileSync(target), Buffer.concat(expected));
      expect(readdirSync(dir)).toEqual(["out.bin"]); // no temporary file left
      // Where the filesystem allows O_DIRECT, the sink holds exactly one such descriptor.
      if (direct) expect(sawDirect).toBe(1);
    });
  }
});
