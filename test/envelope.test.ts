// seal / open (src/envelope/): the byte format against an independent computation (node:crypto
// AES-GCM, @noble/ciphers AES-GCM-SIV over the documented header), the vectors of
// docs/envelope.md, tampering of every byte position class (typed error, nothing returned),
// cuts, appends, wrong key and AAD, the random-nonce bound, NonceSource nonces, options, and
// that no secret or slot is left behind. Every suite runs on both backends.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { gcmsiv } from "@noble/ciphers/aes.js";
import { afterEach, describe, expect, it } from "vitest";
import {
  aesKey, open, seal, AesError, DataLengthError, DecryptionError, DisposedError, EnvelopeFormatError, InputTypeError, KeyLengthError,
  KeyUsageLimitError, MemoryNonceStore, NonceSource, StateError, ENVELOPE_OVERHEAD, RANDOM_NONCE_LIMIT, sealCtr, openCtr,
  type AesKey, type EnvelopeAlgorithm,
} from "../src/index.js";
import { randomNonceCount, setRandomNonceCountForTest } from "../src/envelope/nonces.js";
import { GCM_SHORT_MAX_BYTES as SHORT_GCM_MAX_BYTES } from "../src/modes/gcm.js";
import { describeEachBackend } from "./helpers/backends.js";
import { expectBytes } from "./helpers/bytes.js";

const HEADER = 18;
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const fromHex = (s: string) => new Uint8Array(Buffer.from(s, "hex"));
const cat = (...p: Uint8Array[]) => new Uint8Array(Buffer.concat(p));

/** The envelope computed without the library: header by hand, the AEAD by node:crypto / noble. */
function reference(algorithm: EnvelopeAlgorithm, key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, pt: Uint8Array): Uint8Array {
  const header = cat(new TextEncoder().encode("AWEN"), new Uint8Array([1, algorithm === "aes-gcm" ? 1 : 2]), nonce);
  if (algorithm === "aes-gcm-siv") return cat(header, gcmsiv(key, nonce, cat(header, aad)).encrypt(pt));
  const c = createCipheriv(`aes-${key.length * 8}-gcm` as "aes-256-gcm", key, nonce).setAAD(cat(header, aad));
  return cat(header, c.update(pt), c.final(), c.getAuthTag());
}

/** Opens an envelope without the library (the nonce is read from bytes 6..17). */
function referenceOpen(algorithm: EnvelopeAlgorithm, key: Uint8Array, sealed: Uint8Array, aad: Uint8Array): Uint8Array {
  const header = sealed.subarray(0, HEADER);
  const nonce = sealed.subarray(6, HEADER);
  if (algorithm === "aes-gcm-siv") return gcmsiv(key, nonce, cat(header, aad)).decrypt(sealed.subarray(HEADER));
  const d = createDecipheriv(`aes-${key.length * 8}-gcm` as "aes-256-gcm", key, nonce).setAAD(cat(header, aad));
  d.setAuthTag(sealed.subarray(sealed.length - 16));
  return cat(d.update(sealed.subarray(HEADER, sealed.length - 16)), d.final());
}

/** Runs fn; expects a typed error of `type` and no result. */
function refuses(fn: () => unknown, type: abstract new (...a: never[]) => AesError): void {
  let result: unknown;
  let caught: unknown;
  try {
    result = fn();
  } catch (e) {
    caught = e;
  }
  expect(result, "nothing returned").toBeUndefined();
  expect(caught).toBeInstanceOf(type);
}

/** The IO window is all zero and no slot was left allocated. */
function expectClean(key: AesKey, slotsBefore: number): void {
  const { mem, io, ioSize } = key.core;
  const window = mem.subarray(io, io + ioSize);
  expect(window.every((b) => b === 0), "IO window wiped").toBe(true);
  expect(key.core.stats().slotsInUse).toBe(slotsBefore);
}

const GCM_SIZES = [16, 24, 32] as const;
const SIV_SIZES = [16, 32] as const;

describeEachBackend("seal/open", (backend) => {
  const fast = backend === "wasm";
  const LENGTHS = [0, 1, 15, 16, 17, 31, 32, 33, 63, 64, 65, 80, 255, 256, 1000, SHORT_GCM_MAX_BYTES - 1, SHORT_GCM_MAX_BYTES,
    SHORT_GCM_MAX_BYTES + 1, ...(fast ? [65_536 + 7, 200_003] : [])];
  const AADS = [0, 1, 13, 16, 17, SHORT_GCM_MAX_BYTES - HEADER, SHORT_GCM_MAX_BYTES - HEADER + 1, 9000];

  for (const algorithm of ["aes-gcm", "aes-gcm-siv"] as const) {
    const sizes = algorithm === "aes-gcm" ? GCM_SIZES : SIV_SIZES;
    it(`${algorithm}: every key size x lengths around blocks and the short path's edge: the reference opens ours, ours opens the reference's`, () => {
      let cases = 0;
      for (const size of sizes) {
        const keyBytes = randomBytes(size);
        const key = aesKey(keyBytes);
        for (const n of LENGTHS) {
          for (const a of (n % 3 === 0 ? AADS : [0, 17, SHORT_GCM_MAX_BYTES - HEADER + 1])) {
            const pt = randomBytes(n);
            const aad = randomBytes(a);
            const sealed = seal(key, pt, a === 0 && n % 2 ? undefined : { aad, algorithm });
            const alg = a === 0 && n % 2 ? "aes-gcm" : algorithm;
            expect(sealed.length).toBe(n + ENVELOPE_OVERHEAD);
            expect(hex(sealed.subarray(0, 6))).toBe(`4157454e01${alg === "aes-gcm" ? "01" : "02"}`);
            expectBytes(referenceOpen(alg, keyBytes, sealed, aad), pt, `reference opens ${alg} n=${n} aad=${a}`);
            expectBytes(sealed, reference(alg, keyBytes, sealed.subarray(6, HEADER), aad, pt), "same bytes as the reference");
            const theirs = reference(alg, keyBytes, randomBytes(12), aad, pt);
            expectBytes(open(key, theirs, { aad }), pt, `ours opens the reference's ${alg} n=${n} aad=${a}`);
            cases++;
          }
        }
        key.dispose();
      }
      expect(cases).toBeGreaterThan(100);
    });
  }

  it("the vectors of docs/envelope.md: independent computation = the doc's hex, open() gives the plaintext", async () => {
    const doc = readFileSync(new URL("../docs/envelope.md", import.meta.url), "utf8");
    const blocks = [...doc.matchAll(/```vector\n([\s\S]*?)```/g)].map((m) =>
      Object.fromEntries(m[1]!.trim().split("\n").map((l) => [l.slice(0, l.indexOf(":")), l.slice(l.indexOf(":") + 1).trim()])));
    expect(blocks.length).toBe(5);
    for (const v of blocks) {
      const algorithm = v.algorithm as EnvelopeAlgorithm;
      const [key, nonce, aad, pt, sealed] = [v.key, v.nonce, v.aad, v.plaintext, v.sealed].map((s) => fromHex(s!)) as Uint8Array[];
      expect(hex(reference(algorithm, key!, nonce!, aad!, pt!)), v.name).toBe(v.sealed);
      const k = aesKey(key!);
      expectBytes(open(k, sealed!, { aad: aad! }), pt!, v.name);
      k.dispose();
    }
    // The NonceSource vector is also what seal() makes with that source.
    const v = blocks[4]!;
    const source = new NonceSource({ store: new MemoryNonceStore(), now: () => 1729323386326,
      random: (b) => b.set(fromHex("112233445566778899")) });
    const k = aesKey(fromHex(v.key!));
    expect(hex(await seal(k, fromHex(v.plaintext!), { aad: fromHex(v.aad!), nonceSource: source }))).toBe(v.sealed);
    k.dispose();
  });

  describe("tampering: a typed error and nothing returned", () => {
    for (const algorithm of ["aes-gcm", "aes-gcm-siv"] as const) {
      it(`${algorithm}: every bit of every byte (magic, version, algorithm, nonce, ciphertext, tag); both paths`, () => {
        const key = aesKey(randomBytes(32));
        const aad = randomBytes(5);
        for (const n of [0, 20, ...(fast ? [SHORT_GCM_MAX_BYTES + 3] : [])]) {
          const sealed = seal(key, randomBytes(n), { aad, algorithm });
          const positions = n > 100 ? [...Array(HEADER + 16).keys(), HEADER + 16, sealed.length - 17, ...Array.from({ length: 16 }, (_, i) => sealed.length - 16 + i)]
            : [...sealed.keys()];
          const slots = key.core.stats().slotsInUse;
          for (const at of positions) {
            for (let bit = 0; bit < 8; bit++) {
              const bad = sealed.slice();
              bad[at]! ^= 1 << bit;
              refuses(() => open(key, bad, { aad }), at < 6 ? EnvelopeFormatError : DecryptionError);
            }
          }
          expectClean(key, slots);
        }
        key.dispose();
      });

      it(`${algorithm}: cut at every length, bytes appended, wrong key, wrong/missing/extra AAD, the other algorithm's id`, () => {
        const keyBytes = randomBytes(16);
        const key = aesKey(keyBytes);
        const aad = randomBytes(9);
        const sealed = seal(key, randomBytes(40), { aad, algorithm });
        for (let len = 0; len < sealed.length; len++) {
          refuses(() => open(key, sealed.subarray(0, len), { aad }), len < HEADER ? EnvelopeFormatError : DecryptionError);
        }
        for (const extra of [1, 16, 40]) refuses(() => open(key, cat(sealed, randomBytes(extra)), { aad }), DecryptionError);
        const other = aesKey(randomBytes(16));
        refuses(() => open(other, sealed, { aad }), DecryptionError);
        refuses(() => open(key, sealed), DecryptionError);
        refuses(() => open(key, sealed, { aad: aad.subarray(1) }), DecryptionError);
        refuses(() => open(key, sealed, { aad: cat(aad, new Uint8Array(1)) }), DecryptionError);
        const swapped = sealed.slice();
        swapped[5] = algorithm === "aes-gcm" ? 2 : 1;
        refuses(() => open(key, swapped, { aad }), DecryptionError);
        // The envelope's header is part of the AAD: a bare GCM/GCM-SIV message of the same parts does not open.
        const bare = algorithm === "aes-gcm"
          ? key.gcm(sealed.subarray(6, HEADER), { aad }).encrypt(new Uint8Array(3))
          : key.gcmSiv(sealed.subarray(6, HEADER), { aad }).encrypt(new Uint8Array(3));
        refuses(() => open(key, cat(sealed.subarray(0, HEADER), bare), { aad }), DecryptionError);
        other.dispose();
        key.dispose();
      });
    }

    it("unknown version and algorithm bytes name themselves", () => {
      const key = aesKey(randomBytes(16));
      const sealed = seal(key, randomBytes(4));
      expect(() => open(key, cat(sealed.subarray(0, 4), new Uint8Array([2]), sealed.subarray(5)))).toThrow(/version 2 is not supported/);
      expect(() => open(key, cat(sealed.subarray(0, 5), new Uint8Array([9]), sealed.subarray(6)))).toThrow(/algorithm 9 is not supported/);
      expect(() => open(key, new Uint8Array(10))).toThrow(/shorter than the 18-byte header/);
      expect(() => open(key, new Uint8Array(40))).toThrow(/no AWEN magic/);
      key.dispose();
    });
  });

  describe("output buffers", () => {
    for (const algorithm of ["aes-gcm", "aes-gcm-siv"] as const) {
      it(`${algorithm}: seal into a larger buffer, in place, and overlapping either way; the AAD inside the output`, () => {
        const keyBytes = randomBytes(32);
        const key = aesKey(keyBytes);
        for (const n of [0, 1, 20, 64, ...(fast ? [SHORT_GCM_MAX_BYTES + 5] : [])]) {
          const pt = randomBytes(n);
          const aad = randomBytes(7);
          const check = (sealed: Uint8Array, what: string, withAad = aad) =>
            expectBytes(referenceOpen(algorithm, keyBytes, sealed, withAad), pt, `${what}, n=${n}`);
          const big = new Uint8Array(n + 100).fill(0xcc);
          const r1 = seal(key, pt, { aad, algorithm, output: big.subarray(3) });
          expect([r1.buffer, r1.byteOffset, r1.length]).toEqual([big.buffer, 3, n + ENVELOPE_OVERHEAD]);
          expect(big[n + ENVELOPE_OVERHEAD + 3]).toBe(0xcc);
          check(r1, "larger buffer");
          for (const [ptAt, outAt] of [[18, 0], [0, 0], [5, 0], [0, 5], [40, 0], [0, 40]]) {
            const buf = new Uint8Array(n + 100);
            buf.set(pt, ptAt);
            check(seal(key, buf.subarray(ptAt, ptAt + n), { aad, algorithm, output: buf.subarray(outAt) }), `plaintext at ${ptAt}, output at ${outAt}`);
          }
          const buf = new Uint8Array(n + 100);
          buf.set(aad, 2);
          check(seal(key, pt, { aad: buf.subarray(2, 9), algorithm, output: buf }), "AAD inside the output", aad);
          const small = new Uint8Array(n + ENVELOPE_OVERHEAD - 1).fill(0xcc);
          const count = randomNonceCount(key);
          refuses(() => seal(key, pt, { algorithm, output: small }), DataLengthError);
          expect(small.every((x) => x === 0xcc)).toBe(true);
          expect(randomNonceCount(key)).toBe(count);
        }
        key.dispose();
      });

      it(`${algorithm}: open into a buffer, in place and overlapping; untouched when refused or too small`, () => {
        const key = aesKey(randomBytes(16));
        for (const n of [0, 1, 20, 64, ...(fast ? [SHORT_GCM_MAX_BYTES + 5] : [])]) {
          const pt = randomBytes(n);
          const sealed = seal(key, pt, { algorithm });
          const into = new Uint8Array(n + 10).fill(0xcc);
          const r = open(key, sealed, { output: into });
          expect([r.buffer, r.byteOffset, r.length]).toEqual([into.buffer, 0, n]);
          expectBytes(r, pt);
          for (const at of [0, 5, 18, 25, 34]) {
            const copy = sealed.slice();
            expectBytes(open(key, copy, { output: copy.subarray(at) }), pt, `output at ${at} of the envelope, n=${n}`);
          }
          const bad = sealed.slice();
          bad[bad.length - 1]! ^= 1;
          const untouched = new Uint8Array(n + 3).fill(0xcc);
          refuses(() => open(key, bad, { output: untouched }), DecryptionError);
          expect(untouched.every((x) => x === 0xcc)).toBe(true);
          if (n > 0) refuses(() => open(key, sealed, { output: new Uint8Array(n - 1) }), DataLengthError);
        }
        key.dispose();
      });
    }
  });

  it("a successful seal and open leave the IO window wiped and every slot given back (but the key's GHASH tables, until dispose)", () => {
    const warm = aesKey(randomBytes(16));
    seal(warm, new Uint8Array(1)); // the tables cached by an earlier test's key are given back...
    warm.dispose(); // ...and these with their key
    const key = aesKey(randomBytes(32));
    const slots = key.core.stats().slotsInUse;
    // From the first short GCM message on, the key's GCM slot with its tables stays (src/modes/gcm.ts); nothing else.
    for (const algorithm of ["aes-gcm", "aes-gcm-siv"] as const) {
      for (const n of [0, 64, 4096, ...(fast ? [70_000] : [])]) {
        const pt = new Uint8Array(n).fill(0x5a);
        const s = seal(key, pt, { aad: new Uint8Array(30).fill(1), algorithm });
        expectClean(key, slots + 1);
        expectBytes(open(key, s, { aad: new Uint8Array(30).fill(1) }), pt);
        expectClean(key, slots + 1);
      }
    }
    key.dispose();
    expect(key.core.stats().slotsInUse, "dispose() frees the key's block and its tables").toBe(slots - 1);
  });
});

describe("nonces and the per-key bound (wasm backend)", () => {
  afterEach(() => { delete (Object.prototype as Record<string, unknown>).algorithm; delete (Object.prototype as Record<string, unknown>).aad; });

  it("random nonces: all distinct over 20,000 envelopes (more than the pool's 341 per refill)", () => {
    const key = aesKey(randomBytes(16));
    const seen = new Set<string>();
    for (let i = 0; i < 20_000; i++) seen.add(hex(seal(key, new Uint8Array(0)).subarray(6, HEADER)));
    expect(seen.size).toBe(20_000);
    expect(randomNonceCount(key)).toBe(20_000);
    key.dispose();
  });

  it(`refuses the envelope past ${RANDOM_NONCE_LIMIT} random nonces per key, before encrypting or counting it; GCM-SIV too`, () => {
    for (const algorithm of ["aes-gcm", "aes-gcm-siv"] as const) {
      const key = aesKey(randomBytes(16));
      setRandomNonceCountForTest(key, RANDOM_NONCE_LIMIT - 1);
      const last = seal(key, new Uint8Array(3), { algorithm });
      expect(randomNonceCount(key)).toBe(RANDOM_NONCE_LIMIT);
      refuses(() => seal(key, new Uint8Array(3), { algorithm }), KeyUsageLimitError);
      expect(() => seal(key, new Uint8Array(3))).toThrow(/2\^32|4294967296 messages with random nonces/);
      expect(randomNonceCount(key)).toBe(RANDOM_NONCE_LIMIT);
      expect(open(key, last).length).toBe(3); // opening is not limited
      // Another AesKey of the same bytes counts on its own (documented: the count is per object).
      key.dispose();
    }
  });

  it("nothing is counted for a refused seal (bad input, disposed key, GCM-SIV with a 24-byte key) or for open", () => {
    const key = aesKey(randomBytes(24));
    refuses(() => seal(key, "text" as unknown as Uint8Array), InputTypeError);
    refuses(() => seal(key, new Uint8Array(1), { algorithm: "aes-gcm-siv" }), KeyLengthError);
    refuses(() => seal(key, new Uint8Array(1), { algorithm: "aes-ocb" as EnvelopeAlgorithm }), StateError);
    const s = seal(key, new Uint8Array(1));
    open(key, s);
    expect(randomNonceCount(key)).toBe(1);
    key.dispose();
    refuses(() => seal(key, new Uint8Array(1)), DisposedError);
    refuses(() => open(key, s), DisposedError);
    expect(randomNonceCount(key)).toBe(1);
  });

  it("NonceSource: a Promise; nonce = N ‖ random bits 7..12 of the block; not counted; refusals reject and draw nothing", async () => {
    const store = new MemoryNonceStore();
    let random = 0;
    const source = new NonceSource({ store, now: () => 1000, random: (b) => b.fill(++random) });
    const key = aesKey(randomBytes(32));
    const p = seal(key, new Uint8Array(5), { nonceSource: source, algorithm: "aes-gcm-siv" });
    expect(p).toBeInstanceOf(Promise);
    const s1 = await p;
    expect(hex(s1.subarray(6, HEADER))).toBe("0000000003e8" + "01".repeat(6));
    const s2 = await seal(key, new Uint8Array(5), { nonceSource: source });
    expect(hex(s2.subarray(6, HEADER))).toBe("0000000003e9" + "02".repeat(6)); // N + 1 on the same clock
    expect(open(key, s1)).toEqual(new Uint8Array(5));
    expect(randomNonceCount(key)).toBe(0);
    const k24 = aesKey(randomBytes(24));
    await expect(seal(k24, new Uint8Array(1), { nonceSource: source, algorithm: "aes-gcm-siv" })).rejects.toBeInstanceOf(KeyLengthError);
    await expect(seal(key, 7 as unknown as Uint8Array, { nonceSource: source })).rejects.toBeInstanceOf(InputTypeError);
    await expect(seal(key, new Uint8Array(1), { nonceSource: {} as NonceSource })).rejects.toBeInstanceOf(InputTypeError);
    const s3 = await seal(key, new Uint8Array(5), { nonceSource: source });
    expect(hex(s3.subarray(6, 12))).toBe("0000000003ea"); // the refusals drew no nonce
    k24.dispose();
    key.dispose();
  });

  it("options: own properties only (a polluted prototype changes nothing), a wrong type is refused", () => {
    const key = aesKey(randomBytes(16));
    (Object.prototype as Record<string, unknown>).algorithm = "aes-gcm-siv";
    (Object.prototype as Record<string, unknown>).aad = new Uint8Array(3);
    const s = seal(key, new Uint8Array(2), {});
    expect(s[5]).toBe(1);
    expect(open(key, s, {}).length).toBe(2);
    delete (Object.prototype as Record<string, unknown>).algorithm;
    delete (Object.prototype as Record<string, unknown>).aad;
    refuses(() => seal(randomBytes(16) as unknown as AesKey, new Uint8Array(1)), InputTypeError);
    refuses(() => open(randomBytes(16) as unknown as AesKey, s), InputTypeError);
    refuses(() => seal(key, new Uint8Array(1), 5 as never), StateError);
    refuses(() => open(key, "x" as unknown as Uint8Array), InputTypeError);
    key.dispose();
  });

  it("sealCtr/openCtr still work (deprecated, unauthenticated: a flipped byte opens silently)", async () => {
    const key = aesKey(randomBytes(16));
    const source = new NonceSource({ store: new MemoryNonceStore() });
    const sealed = await sealCtr(key, source, new TextEncoder().encode("pay alice $100"));
    sealed[16 + 11]! ^= "1".charCodeAt(0) ^ "9".charCodeAt(0);
    expect(new TextDecoder().decode(openCtr(key, sealed))).toBe("pay alice $900");
    const text = readFileSync(new URL("../src/nonce/envelope.ts", import.meta.url), "utf8");
    expect(text.match(/@deprecated Use `seal/g)?.length).toBe(1);
    expect(text.match(/@deprecated Use `open/g)?.length).toBe(1);
    key.dispose();
  });
});
