// A seeded fuzz of the pool's contract, bounded to a few seconds: concurrent jobs of random
// modes, directions and sizes around piece boundaries, outputs that are absent, separate,
// in place or overlapping the input, in ArrayBuffers and SharedArrayBuffers, with aborts at
// random moments, workers killed and close() in the middle. Every job must end in exactly
// node:crypto's bytes or a typed error it could have (its abort reason, PoolClosedError,
// WorkerCrashedError after a kill, DecryptionError where node fails too); a failed job leaves
// every byte of the caller's memory as it was, and nothing changes after a job has settled.
// Replay a run with AES_POOL_FUZZ_SEED=<seed printed below>. (Imports from dist/: see parallel.test.ts.)
import { createCipheriv, createDecipheriv } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createPool, poolInternals, type WorkerPool } from "../dist/parallel/pool.js";
import { PoolClosedError, WorkerCrashedError } from "../dist/parallel/errors.js";
import { AesError, DecryptionError } from "../dist/index.js";
import { rng, randomBytes } from "./helpers/random.js";
import { bytesEqual, sleep } from "./helpers/parallel-util.js";

const SEED = Number(process.env.AES_POOL_FUZZ_SEED ?? (Math.random() * 2 ** 32) >>> 0);
const BUDGET_MS = Number(process.env.AES_POOL_FUZZ_MS ?? 4000);
const MODES = ["ctr", "ecb", "cbc", "cfb", "cfb8", "ofb"] as const;

/** node:crypto's answer, or null where node fails (bad padding of tampered ciphertext). */
function oracle(encrypt: boolean, name: string, key: Uint8Array, iv: Uint8Array | null, data: Uint8Array, padding: boolean): Buffer | null {
  try {
    const c = encrypt ? createCipheriv(name, key, iv) : createDecipheriv(name, key, iv);
    c.setAutoPadding(padding);
    return Buffer.concat([c.update(data), c.final()]);
  } catch {
    return null;
  }
}

interface Case {
  label: string;
  promise: Promise<Uint8Array>;
  expected: Buffer | null;
  /** Memory the caller owns and a copy of it at call time. */
  regions: { mem: Uint8Array; before: Uint8Array }[];
  /** Where the output goes, if given: its backing, offset in it and room. */
  out?: { mem: Uint8Array; offset: number; room: number };
  abortReason?: Error;
  settledAt?: Uint8Array[]; // memory right after settling (later writes are caught against it)
}

describe("pool fuzz", () => {
  it(`concurrent jobs, aborts, kills and close() (seed ${SEED})`, async () => {
    console.log(`parallel fuzz seed ${SEED} (AES_POOL_FUZZ_SEED=${SEED} replays it)`);
    const next = rng(SEED);
    const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)); // inclusive
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)];
    const t0 = Date.now();
    let rounds = 0;
    let jobs = 0;
    const outcomes: Record<string, number> = {};
    let pool: WorkerPool | undefined;
    let minPiece = 16;
    try {
      while (Date.now() - t0 < BUDGET_MS) {
        rounds++;
        if (!pool || next() < 0.15) {
          await pool?.close();
          minPiece = 16 * int(1, 64);
          pool = await createPool({
            size: int(1, 3), transport: pick(["shared", "transfer"] as const), threshold: pick([0, 0, 1000, 20_000]),
            split: { minPiece, piecesPerWorker: int(1, 6) },
          });
        }
        const p = pool;
        let killed = false;
        let closed = false;
        const cases: Case[] = [];
        const n = int(1, 4);
        for (let j = 0; j < n; j++) {
          const mode = pick(MODES);
          const bits = pick([128, 192, 256]);
          const name = `aes-${bits}-${mode}`;
          const encrypt = next() < 0.5;
          const blockMode = mode === "ecb" || mode === "cbc";
          const padding = blockMode ? next() < 0.6 : true;
          // sizes at and around piece boundaries
          let size = Math.max(0, minPiece * int(0, 12) + int(-17, 17));
          if (blockMode && !padding) size -= size % 16;
          if (mode === "cfb8") size = Math.min(size, 20_000);
          const key = randomBytes(next, bits / 8);
          const iv = mode === "ecb" ? null : randomBytes(next, 16);
          const pt = randomBytes(next, size);
          let input: Uint8Array = encrypt ? pt : oracle(true, name, key, iv, pt, padding)!;
          if (!encrypt && blockMode && padding && next() < 0.2 && input.length) {
            input = Uint8Array.from(input);
            input[input.length - 1 - int(0, Math.min(31, input.length - 1))] ^= 1 + int(0, 254); // tampered
          }
          const expected = oracle(encrypt, name, key, iv, input, padding);
          const room = encrypt && blockMode && padding ? input.length - (input.length % 16) + 16 : input.length;
          // caller memory: data and (maybe) output
          const Backing = next() < 0.5 ? SharedArrayBuffer : ArrayBuffer;
          const where = pick(["none", "separate", "inplace", "overlap"] as const);
          const slack = int(0, 40);
          const delta = where === "overlap" ? pick([16, -16, 1, -1, 33, int(-room, room)]) : 0;
          const base = Math.abs(delta) + slack;
          const mem = new Uint8Array(new Backing(base * 2 + Math.max(room, input.length) + 32));
          mem.set(randomBytes(next, Math.min(mem.length, 64)));
          const data = mem.subarray(base, base + input.length);
          data.set(input);
          const c: Case = { label: `${name} ${encrypt ? "enc" : "dec"} ${size} B pad=${padding} out=${where}${delta ? delta : ""}`,
            promise: undefined as never, expected, regions: [{ mem, before: mem.slice() }] };
          let output: Uint8Array | undefined;
          if (where === "separate") {
            const om = new Uint8Array(new (next() < 0.5 ? SharedArrayBuffer : ArrayBuffer)(room + slack * 2 + 1));
            om.fill(0xa5);
            output = om.subarray(slack, slack + room);
            c.regions.push({ mem: om, before: om.slice() });
            c.out = { mem: om, offset: slack, room };
          } else if (where !== "none") {
            output = mem.subarray(base + delta, base + delta + room);
            c.out = { mem, offset: base + delta, room };
          }
          const signalKind = pick(["none", "none", "pre", "sync", "microtask", "timer", "timer"] as const);
          const ac = new AbortController();
          const reason = new Error(`abort ${j}`);
          if (signalKind !== "none") c.abortReason = reason;
          if (signalKind === "pre") ac.abort(reason);
          const opts = { ...(output ? { output } : {}), ...(blockMode ? { padding } : {}), ...(signalKind !== "none" ? { signal: ac.signal } : {}) };
          c.promise = encrypt ? p.encrypt(name, key, iv, data, opts) : p.decrypt(name, key, iv, data, opts);
          c.promise.catch(() => {});
          if (signalKind === "sync") ac.abort(reason);
          if (signalKind === "microtask") queueMicrotask(() => ac.abort(reason));
          if (signalKind === "timer") setTimeout(() => ac.abort(reason), int(0, 4));
          cases.push(c);
        }
        // Chaos lands within this round: the round waits for it (a worker's exit is handled
        // before terminate() resolves), so it cannot hit the next round's jobs.
        const roll = next();
        const victim = next();
        const delay = int(0, 3);
        let chaos: Promise<void> = Promise.resolve();
        if (roll < 0.1) {
          killed = true;
          chaos = sleep(delay).then(async () => {
            const ws = poolInternals(p).workers;
            if (ws.length) await ws[Math.floor(victim * ws.length)].terminate();
          });
        } else if (roll < 0.18) {
          closed = true;
          chaos = sleep(delay).then(() => p.close());
        }
        // every job settles; check each against the oracle and the caller's memory
        await Promise.all(cases.map(async (c) => {
          let value: Uint8Array | undefined;
          let error: unknown;
          try {
            value = await c.promise;
          } catch (e) {
            error = e;
          }
          jobs++;
          if (value) {
            outcomes.ok = (outcomes.ok ?? 0) + 1;
            expect(c.expected, `${c.label}: succeeded where node fails`).not.toBeNull();
            expect(bytesEqual(value, c.expected!), `${c.label}: wrong output`).toBe(true);
            if (c.out) {
              expect(value.buffer, `${c.label}: result not in output`).toBe(c.out.mem.buffer);
              expect(value.byteOffset).toBe(c.out.mem.byteOffset + c.out.offset);
            }
            // every byte outside the output's room is as it was (the input is never written)
            for (const r of c.regions) {
              const lo = c.out && r.mem === c.out.mem ? c.out.offset : -1;
              const hi = lo >= 0 ? lo + c.out!.room : -1;
              for (let i = 0; i < r.mem.length; i++) {
                if (i >= lo && i < hi) continue;
                if (r.mem[i] !== r.before[i]) throw new Error(`${c.label}: byte ${i} outside the output changed`);
              }
            }
          } else {
            const e = error as Error & { code?: string };
            const allowed = (c.abortReason && e === c.abortReason) ||
              (closed && e instanceof PoolClosedError) ||
              (killed && e instanceof WorkerCrashedError) ||
              (c.expected === null && e instanceof DecryptionError);
            outcomes[e?.name ?? String(e)] = (outcomes[e?.name ?? String(e)] ?? 0) + 1;
            if (!allowed) throw new Error(`${c.label}: unexpected ${e instanceof AesError ? "typed " : ""}error ${e?.name}: ${e?.message}`);
            // a failed job leaves every byte of caller memory as it was
            for (const r of c.regions) {
              const i = r.mem.findIndex((b, k) => b !== r.before[k]);
              if (i >= 0) throw new Error(`${c.label}: failed with ${e?.name} but changed caller memory at byte ${i}`);
            }
          }
          c.settledAt = c.regions.map((r) => r.mem.slice());
        }));
        await chaos;
        await sleep(int(0, 1) ? 0 : 5);
        for (const c of cases) {
          c.regions.forEach((r, k) => {
            if (!bytesEqual(r.mem, c.settledAt![k])) throw new Error(`${c.label}: caller memory changed after the job had settled`);
          });
        }
        if (closed) pool = undefined;
      }
    } finally {
      await pool?.close();
    }
    console.log(`parallel fuzz seed ${SEED}: ${rounds} rounds, ${jobs} jobs in ${Date.now() - t0} ms`, outcomes);
    expect(jobs).toBeGreaterThan(20);
  });
});
