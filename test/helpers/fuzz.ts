// A small seeded property-based runner for the fuzz suites (no dependency: the cases are
// specific to this library — views, overlaps, option objects, splits — and a generator of
// those is a few dozen lines; fast-check would add shrinking, which a byte-level failure with
// a printed seed and iteration number does not need to be reproduced and debugged).
//
// Every file runs its properties for a time budget (FUZZ_TIME_MS, default 2500 ms per
// property group) with a seed printed at the start. Iteration i uses its own generator,
// seeded from (seed, i), so a failure message names the seed and the iteration, and
//   FUZZ_SEED=<seed> FUZZ_ITER=<i> npx vitest run test/fuzz-modes.test.ts --project node
// replays exactly that case (FUZZ_SEED alone replays the whole run, as far as time allows).
import vm from "node:vm";
import { AesError } from "../../src/errors.js";
import { activeCore } from "../../src/wasm/backend.js";
import { indexOfBytes } from "./fuzz-oracle.js";

export const FUZZ_SEED = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) >>> 0 : (Math.random() * 2 ** 32) >>> 0;
const ONLY_ITER = process.env.FUZZ_ITER !== undefined ? Number(process.env.FUZZ_ITER) : undefined;
const TIME_MS = Number(process.env.FUZZ_TIME_MS ?? 2500);

/** sfc32, seeded through splitmix32: fast, good enough for test data, reproducible. */
export class Gen {
  private a: number; private b: number; private c: number; private d: number;
  constructor(seed: number, stream = 0) {
    let s = (seed ^ Math.imul(stream + 1, 0x9e3779b9)) >>> 0;
    const next = () => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next(); this.b = next(); this.c = next(); this.d = next();
    for (let i = 0; i < 12; i++) this.u32();
  }

  u32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t;
  }

  /** 0..n-1 */
  int(n: number): number {
    return Math.floor((this.u32() / 2 ** 32) * n);
  }

  bool(p = 0.5): boolean {
    return this.u32() / 2 ** 32 < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.u32() & 0xff;
    return out;
  }

  /** A length skewed towards the interesting ones: 0, block edges, just past the IO window. */
  length(max = 140_000): number {
    switch (this.int(6)) {
      case 0: return this.int(17);
      case 1: return 16 * this.int(8) + this.pick([0, 0, 1, 15]);
      case 2: return this.int(300);
      case 3: return this.pick([65_536, 65_535, 65_537, 65_408, 65_520, 131_072 + 5]) + this.int(3) - 1;
      case 4: return this.int(Math.min(max, 70_000));
      default: return this.int(Math.min(max, 2_000));
    }
  }

  /** Cuts `length` into pieces of random sizes (empty ones included). */
  splits(length: number): number[] {
    const cuts: number[] = [];
    let off = 0;
    while (off < length) {
      const piece = Math.min(length - off, this.pick([0, 1, 7, 15, 16, 17, 100, 4096, 65_536, 70_000, this.int(length + 1)]));
      cuts.push(piece);
      off += piece;
    }
    if (this.bool(0.2)) cuts.push(0);
    return cuts;
  }
}

/** Runs `property(gen, i)` for the time budget (or the one FUZZ_ITER); failures name seed and iteration. */
export function fuzz(name: string, property: (g: Gen, iteration: number) => void, budgetMs = TIME_MS, salt = 0): number {
  const seed = (FUZZ_SEED ^ Math.imul(salt + 1, 0x27d4eb2d)) >>> 0;
  const run = (i: number) => {
    try {
      property(new Gen(seed, i), i);
    } catch (e) {
      const err = e as Error;
      err.message = `[${name}] FUZZ_SEED=${FUZZ_SEED} FUZZ_ITER=${i}: ${err.message}`;
      throw err;
    }
  };
  if (ONLY_ITER !== undefined) {
    run(ONLY_ITER);
    return 1;
  }
  const end = performance.now() + budgetMs;
  let i = 0;
  do run(i++);
  while (performance.now() < end);
  if (budgetMs > 0) console.log(`${name}: ${i} cases`);
  return i;
}

/** As fuzz, for async properties. */
export async function fuzzAsync(name: string, property: (g: Gen, iteration: number) => Promise<void>, budgetMs = TIME_MS, salt = 0): Promise<number> {
  const seed = (FUZZ_SEED ^ Math.imul(salt + 1, 0x27d4eb2d)) >>> 0;
  const run = async (i: number) => {
    try {
      await property(new Gen(seed, i), i);
    } catch (e) {
      const err = e as Error;
      err.message = `[${name}] FUZZ_SEED=${FUZZ_SEED} FUZZ_ITER=${i}: ${err.message}`;
      throw err;
    }
  };
  if (ONLY_ITER !== undefined) {
    await run(ONLY_ITER);
    return 1;
  }
  const end = performance.now() + budgetMs;
  let i = 0;
  do await run(i++);
  while (performance.now() < end);
  console.log(`${name}: ${i} cases`);
  return i;
}

export function logSeed(file: string): void {
  console.log(`${file}: FUZZ_SEED=${FUZZ_SEED} (replay: FUZZ_SEED=${FUZZ_SEED} [FUZZ_ITER=i] npx vitest run ${file} --project node)`);
}

// ---------------------------------------------------------------------------------------
// Random views of given bytes

export interface ViewCase {
  /** The argument passed to the library. */
  view: ArrayBufferView;
  /** What its bytes are (a plain copy). */
  bytes: Uint8Array;
  kind: string;
}

const otherRealm = vm.runInNewContext("({ Uint8Array, ArrayBuffer, DataView, Uint16Array })") as {
  Uint8Array: Uint8ArrayConstructor; ArrayBuffer: ArrayBufferConstructor; DataView: DataViewConstructor; Uint16Array: Uint16ArrayConstructor;
};

class LyingLength extends Uint8Array {
  override get length(): number {
    return super.length * 2 + 17;
  }
  override get byteLength(): number {
    return 1 << 20;
  }
}
class LyingMethods extends Uint8Array {
  override subarray(): Uint8Array<ArrayBuffer> {
    return new Uint8Array(70_000).fill(0xee);
  }
  override slice(): Uint8Array<ArrayBuffer> {
    return new Uint8Array(3);
  }
  override set(): void {
    throw new Error("LyingMethods.set must not be called");
  }
}

/** Puts `bytes` into a backing store of some kind and returns a view of them. */
function backing(g: Gen, n: number, shared: boolean): { buffer: ArrayBufferLike; offset: number } {
  const offset = g.pick([0, 0, 1, 3, 8, 16, g.int(64)]);
  const total = offset + n + g.int(40);
  const buffer = shared ? new SharedArrayBuffer(total) : g.bool(0.1) ? new (ArrayBuffer as unknown as new (n: number, o: object) => ArrayBuffer)(total, { maxByteLength: total + 100 }) : new ArrayBuffer(total);
  new Uint8Array(buffer).fill(0xa5); // bytes around the view are not zero
  return { buffer, offset };
}

/** A random view holding `bytes` (copied in). */
export function randomView(g: Gen, bytes: Uint8Array, allowHostile = true): ViewCase {
  const n = bytes.length;
  const kinds = ["plain", "plain", "offset", "shared", "buffer", "dataview", "wide", "realm", "ownprops"];
  if (allowHostile) kinds.push("lying-length", "lying-methods");
  const kind = g.pick(kinds);
  let view: ArrayBufferView;
  switch (kind) {
    case "plain": view = new Uint8Array(bytes); break;
    case "offset": case "shared": {
      const { buffer, offset } = backing(g, n, kind === "shared");
      view = new Uint8Array(buffer, offset, n);
      (view as Uint8Array).set(bytes);
      break;
    }
    case "buffer": view = Buffer.from(bytes); break;
    case "dataview": {
      const { buffer, offset } = backing(g, n, g.bool(0.3));
      new Uint8Array(buffer, offset, n).set(bytes);
      view = new DataView(buffer, offset, n);
      break;
    }
    case "wide": {
      // another TypedArray over the same bytes, when the length and offset allow it
      const ctors = [Uint16Array, Int32Array, Float64Array, BigUint64Array, Uint8ClampedArray, Int8Array, Float32Array] as const;
      const C = g.pick(ctors);
      const size = C.BYTES_PER_ELEMENT;
      if (n % size !== 0) return { view: new Uint8ClampedArray(bytes), bytes: bytes.slice(), kind: "clamped" };
      const offset = size * g.int(4);
      const buffer = new ArrayBuffer(offset + n + size);
      new Uint8Array(buffer, offset, n).set(bytes);
      view = new C(buffer, offset, n / size);
      break;
    }
    case "realm": {
      const R = otherRealm;
      view = g.bool() ? new R.Uint8Array(n) : new R.DataView(new R.ArrayBuffer(n));
      new Uint8Array((view as Uint8Array).buffer, view.byteOffset, n).set(bytes);
      break;
    }
    case "ownprops": {
      const v = new Uint8Array(bytes);
      Object.defineProperty(v, "length", { get: () => n + 1000 });
      Object.defineProperty(v, "byteOffset", { get: () => 7 });
      Object.defineProperty(v, "subarray", { value: () => new Uint8Array(5) });
      view = v;
      break;
    }
    case "lying-length": view = LyingLength.from(bytes); break;
    default: {
      const v = new LyingMethods(n);
      Uint8Array.prototype.set.call(v, bytes);
      view = v;
    }
  }
  return { view, bytes: bytes.slice(), kind };
}

// ---------------------------------------------------------------------------------------
// Outputs: none, separate, or inside the same buffer as the input at some shift

export interface IoCase {
  input: ViewCase;
  /** The output argument (undefined: the library allocates). */
  output: Uint8Array | undefined;
  kind: string;
  /** A snapshot of the output's bytes before the call (to check "left as it was"). */
  before: Uint8Array | undefined;
}

/**
 * Input bytes and an output of room `room` (or none): separate, in place, or overlapping the
 * input forward/backward in one buffer (ArrayBuffer or SharedArrayBuffer).
 */
export function randomIo(g: Gen, bytes: Uint8Array, room: number): IoCase {
  const kind = g.pick(["none", "none", "separate", "separate-shared", "in-place", "forward", "backward", "short"]);
  const n = bytes.length;
  if (kind === "none") return { input: randomView(g, bytes), output: undefined, kind, before: undefined };
  if (kind === "separate" || kind === "separate-shared" || kind === "short") {
    const size = kind === "short" ? Math.max(0, room - 1 - g.int(3)) : room + g.int(20);
    const out = new Uint8Array(kind === "separate-shared" ? new SharedArrayBuffer(size) : new ArrayBuffer(size)).fill(0x3c);
    return { input: randomView(g, bytes), output: out, kind: kind === "short" && size >= room ? "separate" : kind, before: out.slice() };
  }
  // one buffer holding both
  const shift = kind === "in-place" ? 0 : kind === "forward" ? g.pick([1, 15, 16, 17, 4096, 65_536]) : -g.pick([1, 16, 17, 4096]);
  const inAt = Math.max(0, -shift) + g.int(8);
  const outAt = inAt + shift;
  const size = Math.max(inAt + n, outAt + room) + g.int(8);
  const buffer = g.bool(0.3) ? new SharedArrayBuffer(size) : new ArrayBuffer(size);
  const all = new Uint8Array(buffer).fill(0x5a);
  all.set(bytes, inAt);
  const input: ViewCase = { view: new Uint8Array(buffer, inAt, n), bytes: bytes.slice(), kind: `${kind}-input` };
  const output = new Uint8Array(buffer, outAt, room);
  return { input, output, kind, before: undefined }; // an overlapping output's "before" is the input itself
}

// ---------------------------------------------------------------------------------------
// Random option objects

/**
 * `options` as given by a random caller: own properties (the values given), the same values
 * inherited from a prototype (must be ignored), getters, odd extra members, or nothing.
 */
export function randomOptions(g: Gen, own: Record<string, unknown>): { options: unknown; effective: Record<string, unknown> } {
  const keys = Object.keys(own);
  switch (g.int(7)) {
    case 0: return { options: keys.length ? { ...own } : undefined, effective: own };
    case 1: return { options: { ...own }, effective: own };
    case 2: {
      // inherited: ignored
      const options = Object.create({ ...own }) as object;
      return { options, effective: {} };
    }
    case 3: {
      // getters on own properties: read once
      const options = {};
      for (const k of keys) {
        let calls = 0;
        Object.defineProperty(options, k, { enumerable: true, get: () => (calls++ === 0 ? own[k] : "changed-after-first-read") });
      }
      return { options, effective: own };
    }
    case 4: return { options: Object.assign(Object.create(null) as object, own), effective: own };
    case 5: return { options: { ...own, unrelated: 1, toString: "x" }, effective: own };
    default: {
      // own values win over inherited junk
      const options = Object.assign(Object.create({ padding: "none", segment: 8, counterBits: 3, tagLength: 4, allowShortTags: true, aad: new Uint8Array(3), authTagLength: 4 }) as object, own);
      return { options, effective: own };
    }
  }
}

/** Runs `fn` with Object.prototype polluted by `props` (removed afterwards, whatever happens). */
export function withPollution<T>(props: Record<string, unknown>, fn: () => T): T {
  const proto = Object.prototype as Record<string, unknown>;
  for (const [k, v] of Object.entries(props)) Object.defineProperty(proto, k, { value: v, configurable: true, writable: true, enumerable: false });
  try {
    return fn();
  } finally {
    for (const k of Object.keys(props)) delete proto[k];
  }
}

export const POLLUTION = {
  padding: "none", segment: 1, counterBits: 2, maxBlocks: 0, tagLength: 4, allowShortTags: true, aad: new Uint8Array([1, 2, 3]),
  authTagLength: 8, additionalData: new Uint8Array([7]), length: 3, name: "AES-CTR", iv: new Uint8Array(16),
} as const;

// ---------------------------------------------------------------------------------------
// Outcomes

/** Calls fn; returns its result or the error, which must be a typed AesError. */
export function outcome<T>(fn: () => T): T | AesError {
  try {
    return fn();
  } catch (e) {
    if (!(e instanceof AesError)) {
      const err = new Error(`untyped error ${String(e)}`);
      (err as { cause?: unknown }).cause = e;
      throw err;
    }
    return e;
  }
}

export function isError(x: unknown): x is AesError {
  return x instanceof AesError;
}

/** Throws (with a hex excerpt) unless a and b hold the same bytes. */
export function sameBytes(actual: Uint8Array, expected: Uint8Array, what: string): void {
  const a = Buffer.from(actual.buffer, actual.byteOffset, actual.byteLength);
  const e = Buffer.from(expected.buffer, expected.byteOffset, expected.byteLength);
  if (a.equals(e)) return;
  let i = 0;
  while (i < a.length && i < e.length && a[i] === e[i]) i++;
  throw new Error(`${what}: ${a.length} bytes vs ${e.length} expected; first difference at ${i}: ` +
    `got ${a.subarray(i, i + 12).toString("hex")}, expected ${e.subarray(i, i + 12).toString("hex")}`);
}

export function check(condition: boolean, what: string): void {
  if (!condition) throw new Error(what);
}

/**
 * Secrets must not stay in WASM memory after a call: each probe (16 bytes cut from the
 * plaintext or keystream of the call) must be nowhere in the core's memory.
 */
export function probesOf(...secrets: (Uint8Array | undefined)[]): Uint8Array[] {
  const probes: Uint8Array[] = [];
  for (const s of secrets) {
    if (!s || s.length < 16) continue;
    for (const at of [0, s.length - 16, (s.length >> 1) & ~15]) {
      const p = s.slice(at, at + 16);
      if (new Set(p).size >= 8) probes.push(p); // skip low-entropy cuts (they match zeroed memory)
    }
  }
  return probes;
}

export function assertNoSecretInMemory(probes: Uint8Array[], what: string): void {
  if (probes.length === 0) return;
  const mem = activeCore().mem;
  for (const p of probes) {
    const at = indexOfBytes(mem, p);
    if (at >= 0) throw new Error(`${what}: secret bytes ${Buffer.from(p).toString("hex")} left in WASM memory at ${at} (IO window at ${activeCore().io})`);
  }
}

export function xor(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(Math.min(a.length, b.length));
  for (let i = 0; i < out.length; i++) out[i] = a[i]! ^ b[i]!;
  return out;
}
