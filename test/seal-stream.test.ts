// sealStream/openStream (WHATWG) and sealNodeStream/openNodeStream (Node): the CLI's sealed
// format as a library API. The bytes are checked against an independent computation
// (node:crypto hkdfSync + aes-256-gcm per record over the documented header) and the vector in
// docs/envelope.md; tampering with every byte class, a cut at every length (every record
// boundary among them), reordered, duplicated, dropped and appended records, a wrong key and a
// swapped header each end the stream with a typed error, having released exactly the plaintext
// of the records before the damage and none of the damaged one. Plaintext flows before the
// input ends (constant memory); toTransformStream refuses decryptors that would release
// unverified plaintext. Both backends (the js one with shorter inputs).
import { createCipheriv, hkdfSync, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { Readable, Transform, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { describe, expect, it } from "vitest";
import {
  aesKey, createDecipheriv, openStream, sealStream, toTransformStream, AesError, DecryptionError, EnvelopeFormatError,
  InputTypeError, KeyLengthError, MemoryNonceStore, NonceSource, StateError, type AesKey,
} from "../src/index.js";
import { openNodeStream, sealNodeStream, toNodeTransform } from "../src/index.node.js";
import { StreamOpener, StreamSealer } from "../src/envelope/stream-format.js";
import { describeEachBackend } from "./helpers/backends.js";
import { expectBytes } from "./helpers/bytes.js";

const HEADER = 32;
const TAG = 16;
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const cat = (parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts));

/** The sealed stream computed without the library. */
function reference(master: Uint8Array, nonce: Uint8Array, chunkSize: number, pt: Uint8Array): Uint8Array {
  const header = Buffer.alloc(HEADER);
  header.write("AESWSEAL");
  header[8] = 1;
  header[9] = 1;
  header.writeUInt32BE(chunkSize, 12);
  header.set(nonce, 16);
  const fileKey = Buffer.from(hkdfSync("sha256", master, nonce, Buffer.from("aes-wasm seal v1"), 32));
  const parts: Uint8Array[] = [header];
  for (let i = 0, off = 0; ; i++, off += chunkSize) {
    const last = off + chunkSize >= pt.length;
    const iv = Buffer.alloc(12);
    iv.writeBigUInt64BE(BigInt(i), 3);
    iv[11] = last ? 1 : 0;
    const c = createCipheriv("aes-256-gcm", fileKey, iv).setAAD(header);
    parts.push(c.update(pt.subarray(off, off + chunkSize)), c.final(), c.getAuthTag());
    if (last) break;
  }
  return cat(parts);
}

/** Cuts `data` into pieces of the given sizes, cycling (0 = the rest). */
function pieces(data: Uint8Array, sizes: number[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let off = 0, i = 0; off < data.length; i++) {
    const n = sizes[i % sizes.length] || data.length;
    out.push(data.subarray(off, off + n));
    off += n;
  }
  return out;
}

interface Outcome { out: Uint8Array; error: unknown }

async function runWeb(ts: TransformStream<Uint8Array, Uint8Array>, input: Uint8Array[]): Promise<Outcome> {
  const got: Uint8Array[] = [];
  const reader = ts.readable.getReader();
  const writer = ts.writable.getWriter();
  const reading = (async () => {
    for (;;) {
      const r = await reader.read();
      if (r.done) return;
      got.push(r.value);
    }
  })();
  const writing = (async () => {
    for (const p of input) await writer.write(p);
    await writer.close();
  })();
  const [r, w] = await Promise.allSettled([reading, writing]);
  const error = r.status === "rejected" ? r.reason : w.status === "rejected" ? w.reason : undefined;
  return { out: cat(got), error };
}

async function runNode(t: ReturnType<typeof sealNodeStream>, input: Uint8Array[]): Promise<Outcome> {
  const got: Uint8Array[] = [];
  let error: unknown;
  try {
    await pipeline(Readable.from(input), t, new Writable({ write(c: Uint8Array, _e, cb) { got.push(c); cb(); } }));
  } catch (e) {
    error = e;
  }
  return { out: cat(got), error };
}

type Variant = "web" | "node";
const VARIANTS: Variant[] = ["web", "node"];
const sealWith = (v: Variant, master: Uint8Array, input: Uint8Array[], options?: Parameters<typeof sealStream>[1]) =>
  v === "web" ? runWeb(sealStream(master, options), input) : runNode(sealNodeStream(master, options), input);
const openWith = (v: Variant, master: Uint8Array, input: Uint8Array[]) =>
  v === "web" ? runWeb(openStream(master), input) : runNode(openNodeStream(master), input);

/** A record layout: where record i starts and how much plaintext it carries. */
function records(length: number, chunkSize: number): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  let at = HEADER;
  for (let off = 0; ; off += chunkSize) {
    const n = Math.min(chunkSize, length - off);
    out.push({ start: at, end: at + n + TAG });
    at += n + TAG;
    if (off + chunkSize >= length) break;
  }
  return out;
}

/** Opens through every path; expects `type` and exactly `released` bytes of plaintext before it. */
async function expectRefused(master: Uint8Array, sealed: Uint8Array, type: abstract new (...a: never[]) => AesError,
  released: Uint8Array, what: string, splits = [7, 1000, 1]): Promise<void> {
  for (const v of VARIANTS) {
    const r = await openWith(v, master, pieces(sealed, splits));
    expect(r.error, `${what} (${v})`).toBeInstanceOf(type);
    expectBytes(r.out, released, `${what} (${v}): plaintext released before the error`);
  }
}

/** The engine alone, synchronously: the plaintext released and the error. */
function openDirect(master: Uint8Array, sealed: Uint8Array): Outcome {
  const opener = new StreamOpener(new Uint8Array(master));
  const got: Uint8Array[] = [];
  try {
    opener.push(sealed, (p) => got.push(p));
    got.push(opener.finish());
    return { out: cat(got), error: undefined };
  } catch (e) {
    return { out: cat(got), error: e };
  }
}

/** Header, records and the last record of `pt` through the engine alone. */
function sealAll(sealer: StreamSealer, pt: Uint8Array): Uint8Array {
  const parts = [sealer.header()];
  sealer.push(pt, (r) => parts.push(r));
  parts.push(sealer.finish());
  return cat(parts);
}

describeEachBackend("sealed streams", (backend) => {
  const fast = backend === "wasm";

  it("the same bytes as the reference at lengths around the chunk size, any input split; both variants open both", async () => {
    const master = randomBytes(32);
    const cases: [number, number][] = [
      ...[0, 1, 15, 16, 17, 31, 32, 33, 80, 81, 1000].map((n) => [16, n] as [number, number]),
      ...[0, 1023, 1024, 1025, 3072, 10_000].map((n) => [1024, n] as [number, number]),
      ...(fast ? [[65_536, 65_536 * 3], [65_536, 200_001]] as [number, number][] : []),
    ];
    for (const [chunkSize, n] of cases) {
      const pt = randomBytes(n);
      for (const [i, v] of VARIANTS.entries()) {
        const splits = [[0], [1], [chunkSize], [chunkSize + 1, 3], [5 * chunkSize + 2]][(n + i) % 5]!;
        const options = chunkSize === 65_536 && i === 0 ? undefined : { chunkSize };
        const sealed = await sealWith(v, master, pieces(pt, splits), options);
        expect(sealed.error).toBeUndefined();
        expect(sealed.out.length).toBe(HEADER + n + TAG * Math.max(1, Math.ceil(n / chunkSize)));
        expectBytes(sealed.out, reference(master, sealed.out.subarray(16, 32), chunkSize, pt), `${v} seal, chunk ${chunkSize}, n=${n}`);
        for (const w of VARIANTS) {
          const opened = await openWith(w, master, pieces(sealed.out, [[0], [1], [33], [chunkSize + TAG]][(n + i) % 4]!));
          expect(opened.error).toBeUndefined();
          expectBytes(opened.out, pt, `${w} opens ${v}'s, chunk ${chunkSize}, n=${n}`);
        }
      }
    }
  });

  it("the vector of docs/envelope.md: the reference makes it, the library makes it, both variants open it", async () => {
    const doc = readFileSync(new URL("../docs/envelope.md", import.meta.url), "utf8");
    const block = /```stream-vector\n([\s\S]*?)```/.exec(doc)![1]!;
    const v = Object.fromEntries(block.trim().split("\n").map((l) => [l.slice(0, l.indexOf(":")), l.slice(l.indexOf(":") + 1).trim()]));
    const b = (name: string) => new Uint8Array(Buffer.from(v[name]!, "hex"));
    const sealed = cat([b("header"), b("record 0"), b("record 1"), b("record 2")]);
    expect(hex(Buffer.from(hkdfSync("sha256", b("master key"), b("file nonce"), Buffer.from("aes-wasm seal v1"), 32)))).toBe(v["file key"]);
    expect(hex(reference(b("master key"), b("file nonce"), 16, b("plaintext")))).toBe(hex(sealed));
    const sealer = new StreamSealer(b("master key"), 16, b("file nonce"));
    expect(hex(sealAll(sealer, b("plaintext")))).toBe(hex(sealed));
    for (const w of VARIANTS) expectBytes((await openWith(w, b("master key"), [sealed])).out, b("plaintext"));
  });

  describe("damage: a typed error, and only the plaintext of the records before it", () => {
    const master = randomBytes(32);
    const chunkSize = 16;
    const pt = randomBytes(40); // records of 16, 16 and 8 bytes
    const sealer = new StreamSealer(master, chunkSize, randomBytes(16));
    const sealed = sealAll(sealer, pt);
    const recs = records(pt.length, chunkSize);

    it("every bit of every byte, through the engine; one bit per byte through both adapters", async () => {
      expect(sealed.length).toBe(HEADER + 40 + 3 * TAG);
      for (let at = 0; at < sealed.length; at++) {
        for (let bit = 0; bit < 8; bit++) {
          const bad = sealed.slice();
          bad[at]! ^= 1 << bit;
          const r = openDirect(master, bad);
          // Fixed header fields: format; chunk size: format if out of range, else the records no longer check.
          const type = at < 12 || (at < 16 && r.error instanceof EnvelopeFormatError) ? EnvelopeFormatError : DecryptionError;
          expect(r.error, `byte ${at} bit ${bit}`).toBeInstanceOf(type);
          const rec = recs.findIndex((x) => at >= x.start && at < x.end);
          expectBytes(r.out, at < HEADER ? new Uint8Array(0) : pt.subarray(0, chunkSize * rec), `byte ${at} bit ${bit}`);
          if (bit === (at % 8)) {
            await expectRefused(master, bad, type, at < HEADER ? new Uint8Array(0) : pt.subarray(0, chunkSize * rec), `byte ${at}`);
          }
        }
      }
    });

    it("a cut at every length (each record boundary among them)", async () => {
      for (let len = 0; len < sealed.length; len++) {
        const cut = sealed.subarray(0, len);
        const type = len < HEADER ? EnvelopeFormatError : DecryptionError;
        const r = openDirect(master, cut);
        expect(r.error, `cut at ${len}`).toBeInstanceOf(type);
        // The records before the cut are released, except the one the cut leaves as the "last".
        const complete = recs.filter((x) => x.end <= len).length;
        const releasedRecords = recs.some((x) => x.end === len) ? complete - 1 : complete;
        expectBytes(r.out, pt.subarray(0, chunkSize * Math.max(0, releasedRecords)), `cut at ${len}`);
        if (len < HEADER + 2 || recs.some((x) => x.end === len)) {
          await expectRefused(master, cut, type, pt.subarray(0, chunkSize * Math.max(0, releasedRecords)), `cut at ${len}`);
        }
      }
    });

    it("reordered, duplicated, dropped and appended records; appended bytes; two streams joined; a swapped header; a wrong key", async () => {
      const h = sealed.subarray(0, HEADER);
      const [r0, r1, r2] = recs.map((x) => sealed.subarray(x.start, x.end)) as [Uint8Array, Uint8Array, Uint8Array];
      const other = new StreamSealer(master, chunkSize, randomBytes(16));
      const otherSealed = sealAll(other, pt);
      const cases: [string, Uint8Array, Uint8Array][] = [
        ["records 0 and 1 swapped", cat([h, r1, r0, r2]), new Uint8Array(0)],
        ["record 0 twice", cat([h, r0, r0, r1, r2]), pt.subarray(0, 16)],
        ["record 1 dropped", cat([h, r0, r2]), pt.subarray(0, 16)],
        ["the last record twice", cat([h, r0, r1, r2, r2]), pt.subarray(0, 32)],
        ["a record appended after the last", cat([h, r0, r1, r2, r0]), pt.subarray(0, 32)],
        ["one byte appended", cat([sealed, new Uint8Array(1)]), pt.subarray(0, 32)],
        ["17 bytes appended", cat([sealed, randomBytes(17)]), pt.subarray(0, 32)],
        ["two sealed streams joined", cat([sealed, otherSealed]), pt.subarray(0, 32)],
        ["another stream's header", cat([otherSealed.subarray(0, HEADER), r0, r1, r2]), new Uint8Array(0)],
        ["records of another stream under this header", cat([h, otherSealed.subarray(HEADER)]), new Uint8Array(0)],
      ];
      for (const [what, bytes, released] of cases) await expectRefused(master, bytes, DecryptionError, released, what);
      await expectRefused(randomBytes(32), sealed, DecryptionError, new Uint8Array(0), "wrong master key");
      await expectRefused(master, new Uint8Array(0), EnvelopeFormatError, new Uint8Array(0), "empty input");
      await expectRefused(master, h, DecryptionError, new Uint8Array(0), "header only");
    });
  });

  it("streams: plaintext comes out before the input ends (one chunk held, not the whole stream)", async () => {
    const master = randomBytes(32);
    const pt = randomBytes(16 * 10);
    const sealer = new StreamSealer(master, 16, randomBytes(16));
    const sealed = sealAll(sealer, pt);
    const ts = openStream(master);
    const writer = ts.writable.getWriter();
    const reader = ts.readable.getReader();
    void writer.write(sealed.subarray(0, HEADER + 2 * (16 + TAG) + 5)); // header, two records, part of a third
    const first = await reader.read();
    expectBytes(first.value!, pt.subarray(0, 16));
    const second = await reader.read();
    expectBytes(second.value!, pt.subarray(16, 32)); // record 1 is complete and followed by more bytes: released
    await writer.abort(new Error("stop"));
    const seal = sealStream(master, { chunkSize: 16 });
    const w = seal.writable.getWriter();
    const r = seal.readable.getReader();
    void w.write(pt.subarray(0, 40));
    expect((await r.read()).value!.length).toBe(HEADER);
    expect((await r.read()).value!.length).toBe(16 + TAG);
    await w.abort(new Error("stop"));
  });

  it("no slot is left behind: after complete runs, after damage, after an abort", async () => {
    const master = randomBytes(32);
    const probe = aesKey(randomBytes(16));
    const core = probe.core;
    const before = core.stats().slotsInUse;
    const pt = randomBytes(100);
    for (const v of VARIANTS) {
      const s = await sealWith(v, master, [pt], { chunkSize: 32 });
      await openWith(v, master, [s.out]);
      const bad = s.out.slice();
      bad[HEADER + 40]! ^= 1;
      await openWith(v, master, [bad]);
      await openWith(v, master, [s.out.subarray(0, 50)]);
    }
    const ts = sealStream(master);
    await ts.writable.getWriter().abort(new Error("stop"));
    const n = sealNodeStream(master);
    n.destroy();
    await new Promise((r) => setImmediate(r));
    expect(core.stats().slotsInUse).toBe(before);
    probe.dispose();
  });
});

describe("sealed streams: options, NonceSource, keys", () => {
  it("a NonceSource gives the file nonce (web and node), and the stream opens", async () => {
    const master = randomBytes(32);
    for (const v of VARIANTS) {
      const source = new NonceSource({ store: new MemoryNonceStore(), now: () => 5000, random: (b) => b.fill(7) });
      const s = await sealWith(v, master, [new Uint8Array(70)], { chunkSize: 32, nonceSource: source });
      expect(s.error).toBeUndefined();
      expect(hex(s.out.subarray(16, 32))).toBe("000000001388" + "00" + "07".repeat(9));
      expectBytes((await openWith(v, master, [s.out])).out, new Uint8Array(70));
    }
  });

  it("refuses a bad chunk size, a key of the wrong length or type; options are own properties only", async () => {
    const master = randomBytes(32);
    for (const chunkSize of [0, 15, 16 * 1024 * 1024 + 1, 1.5, "64" as unknown as number]) {
      expect(() => sealStream(master, { chunkSize })).toThrow(StateError);
      expect(() => sealNodeStream(master, { chunkSize })).toThrow(StateError);
    }
    for (const k of [randomBytes(16), randomBytes(31), new Uint8Array(0)]) {
      expect(() => sealStream(k)).toThrow(KeyLengthError);
      expect(() => openStream(k)).toThrow(KeyLengthError);
      expect(() => openNodeStream(k)).toThrow(KeyLengthError);
    }
    const aes: AesKey = aesKey(master);
    expect(() => sealStream(aes as unknown as Uint8Array)).toThrow(InputTypeError);
    expect(() => sealStream(master, { nonceSource: {} as NonceSource })).toThrow(InputTypeError);
    aes.dispose();
    (Object.prototype as Record<string, unknown>).chunkSize = 16;
    try {
      const s = await sealWith("web", master, [new Uint8Array(40)], {});
      expect(s.out.length).toBe(HEADER + 40 + TAG); // the default 64 KiB chunk, not 16
    } finally {
      delete (Object.prototype as Record<string, unknown>).chunkSize;
    }
  });

  it("the master key is copied: changing the caller's bytes afterwards changes nothing", async () => {
    const master = randomBytes(32);
    const keep = Buffer.from(master);
    const ts = sealStream(master, { chunkSize: 16 });
    const opener = openStream(master);
    master.fill(0);
    const s = await runWeb(ts, [new Uint8Array(20)]);
    expectBytes((await runWeb(opener, [s.out])).out, new Uint8Array(20));
    expectBytes((await openWith("node", keep, [s.out])).out, new Uint8Array(20));
  });
});

describe("toTransformStream / toNodeTransform and unverified plaintext", () => {
  it("refuses GCM and OCB decryptors (pointing to openStream), takes their encryptors", () => {
    const key = aesKey(randomBytes(16));
    const iv = randomBytes(12);
    const decryptors = [
      key.gcm(iv).unverifiedDecryptor(), createDecipheriv("aes-128-gcm", randomBytes(16), iv),
      key.ocb(iv).unverifiedDecryptor(), createDecipheriv("aes-128-ocb", randomBytes(16), iv, { authTagLength: 16 }),
    ];
    for (const d of decryptors) {
      expect(() => toTransformStream(d)).toThrow(InputTypeError);
      expect(() => toTransformStream(d)).toThrow(/openStream/);
      expect(() => toNodeTransform(d)).toThrow(InputTypeError); // the Node adapter keeps the same rule
    }
    expect(toNodeTransform(key.gcm(iv).encryptor())).toBeInstanceOf(Transform);
    expect(toTransformStream(key.gcm(iv).encryptor())).toBeInstanceOf(TransformStream);
    expect(toTransformStream(key.ctr(randomBytes(16)).decryptor())).toBeInstanceOf(TransformStream);
    key.dispose();
  });
});
