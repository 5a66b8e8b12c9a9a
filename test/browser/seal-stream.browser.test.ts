// The WHATWG sealed stream and the envelope in the page: openStream() opens the byte-format
// vector of docs/envelope.md (the same bytes the CLI's `seal` writes, checked in Node against
// node:crypto's HKDF and AES-GCM), sealStream()'s output has that layout and opens again; a
// flipped bit anywhere or a cut at a record boundary is refused with at most the records before
// it released; seal/open round-trip and refuse a flipped bit. Both backends.
import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { aesKey, DecryptionError, open, openStream, seal, sealStream } from "../../src/index.js";
import { describeEachBackend } from "../helpers/backends.js";

const doc = readFileSync(new URL("../../docs/envelope.md", import.meta.url), "utf8");
const block = /```stream-vector\n([\s\S]*?)```/.exec(doc)![1]!;
const v = Object.fromEntries(block.trim().split("\n").map((l) => [l.slice(0, l.indexOf(":")), l.slice(l.indexOf(":") + 1).trim()]));
const hexBytes = (h: string) => Uint8Array.from(h.match(/../g)!.map((x) => parseInt(x, 16)));
const field = (name: string) => hexBytes(v[name]!);
const cat = (parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
};
const sealedVector = cat([field("header"), field("record 0"), field("record 1"), field("record 2")]);

/** Runs `bytes` through `ts`; the bytes released, and the error if it failed. */
async function through(ts: TransformStream<Uint8Array, Uint8Array>, bytes: Uint8Array): Promise<{ out: Uint8Array; error?: unknown }> {
  const got: Uint8Array[] = [];
  try {
    await new ReadableStream<Uint8Array>({ start(c) { c.enqueue(bytes); c.close(); } }).pipeThrough(ts)
      .pipeTo(new WritableStream({ write(chunk) { got.push(chunk); } }));
    return { out: cat(got) };
  } catch (error) {
    return { out: cat(got), error };
  }
}

describeEachBackend("sealed streams and envelopes in the browser", () => {
  it("openStream opens the docs/envelope.md vector; sealStream's output has its layout and opens again", async () => {
    const opened = await through(openStream(field("master key")), sealedVector);
    expect(opened.error).toBeUndefined();
    expect(opened.out).toEqual(field("plaintext"));
    const sealed = await through(sealStream(field("master key"), { chunkSize: 16 }), field("plaintext"));
    expect(sealed.error).toBeUndefined();
    expect(sealed.out.length).toBe(sealedVector.length);
    const fixed = field("header").length - field("file nonce").length; // the header before its random file nonce
    expect(sealed.out.subarray(0, fixed)).toEqual(sealedVector.subarray(0, fixed));
    expect((await through(openStream(field("master key")), sealed.out)).out).toEqual(field("plaintext"));
  });

  it("a flipped bit in any byte, or a cut at a record boundary, is refused", async () => {
    const master = field("master key");
    const header = field("header").length;
    for (let at = 0; at < sealedVector.length; at++) {
      const bad = sealedVector.slice();
      bad[at]! ^= 0x04;
      const r = await through(openStream(master), bad);
      expect(r.error, `byte ${at}`).toBeDefined();
      const record = at < header ? -1 : Math.floor((at - header) / 32); // records of 16 + 16 tag bytes
      expect(r.out.length, `byte ${at}: plaintext of a damaged record released`).toBeLessThanOrEqual(Math.max(0, 16 * record));
    }
    for (const cut of [header, header + 32, header + 64]) {
      const r = await through(openStream(master), sealedVector.subarray(0, cut));
      expect(r.error, `cut at ${cut}`).toBeDefined();
    }
  });

  it("seal/open round-trip with AAD; a flipped bit is DecryptionError", async () => {
    const key = aesKey(crypto.getRandomValues(new Uint8Array(32)));
    const aad = new TextEncoder().encode("header");
    const msg = crypto.getRandomValues(new Uint8Array(100));
    const sealed = await seal(key, msg, { aad });
    expect(await open(key, sealed, { aad })).toEqual(msg);
    const bad = sealed.slice();
    bad[bad.length - 1]! ^= 1;
    await expect(async () => open(key, bad, { aad })).rejects.toThrow(DecryptionError);
    key.dispose();
  });
});
