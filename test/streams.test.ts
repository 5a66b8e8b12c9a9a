// Stream adapters: WHATWG TransformStream and Node stream.Transform give node:crypto's bytes.
import { createCipheriv as nodeCipher, randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { expect, it } from "vitest";
import { aesKey, toTransformStream, DecryptionError } from "../src/index.js";
import { toNodeTransform } from "../src/stream/node.js";
import { describeEachBackend } from "./helpers/backends.js";
import { expectBytes } from "./helpers/bytes.js";

function chunks(data: Uint8Array, sizes: number[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  let off = 0;
  for (let i = 0; off < data.length; i++) {
    const n = sizes[i % sizes.length];
    out.push(data.subarray(off, off + n));
    off += n;
  }
  return out;
}

function readableOf(parts: Uint8Array[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const p of parts) controller.enqueue(p);
      controller.close();
    },
  });
}

async function collect(readable: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const p of readable) parts.push(p);
  return new Uint8Array(Buffer.concat(parts));
}

describeEachBackend("stream adapters", () => {
  const keyBytes = randomBytes(32);
  const iv = randomBytes(16);
  const data = randomBytes(50_001);
  const expectedCbc = () => {
    const c = nodeCipher("aes-256-cbc", keyBytes, iv);
    return new Uint8Array(Buffer.concat([c.update(data), c.final()]));
  };

  it("WHATWG TransformStream, CBC with padding, odd chunk sizes", async () => {
    const key = aesKey(keyBytes);
    const source = readableOf(chunks(data, [1, 4095, 17, 30000, 3]));
    const out = await collect(source.pipeThrough(toTransformStream(key.cbc(iv).encryptor())));
    expectBytes(out, expectedCbc());
    const back = await collect(readableOf(chunks(out, [7, 16, 999])).pipeThrough(toTransformStream(key.cbc(iv).decryptor())));
    expectBytes(back, data);
    key.dispose();
  });

  it("Node Transform, CTR, and a bad pad surfaces as a stream error", async () => {
    const key = aesKey(keyBytes);
    const c = nodeCipher("aes-256-ctr", keyBytes, iv);
    const expected = new Uint8Array(Buffer.concat([c.update(data), c.final()]));
    const parts: Uint8Array[] = [];
    await pipeline(Readable.from(chunks(data, [100, 1, 65536])), toNodeTransform(key.ctr(iv).encryptor()), async (src) => {
      for await (const p of src) parts.push(p as Uint8Array);
    });
    expectBytes(new Uint8Array(Buffer.concat(parts)), expected);

    // Decrypts to 64 zero bytes: a last byte of 0 is never a valid pad (random bytes were one
    // 1 time in ~256).
    const garbage = key.cbc(iv, { padding: "none" }).encrypt(new Uint8Array(64));
    await expect(pipeline(Readable.from([garbage]), toNodeTransform(key.cbc(iv).decryptor()), async (src) => {
      for await (const _ of src) { /* drain */ }
    })).rejects.toBeInstanceOf(DecryptionError);
    key.dispose();
  });
});
