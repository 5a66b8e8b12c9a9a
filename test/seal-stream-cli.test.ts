// The library's sealed streams and the real CLI binary (bin/aes-wasm.mjs, from dist/) make and
// read the same bytes: `aes-wasm seal` output opens with openStream/openNodeStream, the
// library's output opens with `aes-wasm open`, at lengths around the chunk size (default 64 KiB
// and --chunk-size 1024) and with --nonce-store; damage is refused on both sides. Needs the
// built dist (npx tsc -p tsconfig.build.json).
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStream, sealStream, DecryptionError } from "../src/index.js";
import { openNodeStream, sealNodeStream } from "../src/index.node.js";
import { expectBytes } from "./helpers/bytes.js";
import { assertBuilt, cli, removeDir, scratchDir } from "./helpers/cli.js";

let dir: string;
let keyFile: string;
let master: Buffer;
beforeAll(() => {
  assertBuilt();
  dir = scratchDir();
  master = randomBytes(32);
  keyFile = join(dir, "master.key");
  writeFileSync(keyFile, master.toString("hex") + "\n");
});
afterAll(() => removeDir(dir));

async function web(ts: TransformStream<Uint8Array, Uint8Array>, data: Uint8Array): Promise<Buffer> {
  return Buffer.from(await new Response(new Blob([data as BlobPart]).stream().pipeThrough(ts)).arrayBuffer());
}

async function node(t: ReturnType<typeof sealNodeStream>, data: Uint8Array): Promise<Buffer> {
  const got: Buffer[] = [];
  const pieces = [];
  for (let off = 0; off < data.length; off += 50_000) pieces.push(data.subarray(off, off + 50_000));
  await pipeline(Readable.from(pieces), t, new Writable({ write(c: Buffer, _e, cb) { got.push(c); cb(); } }));
  return Buffer.concat(got);
}

const SIZES = [0, 1, 1023, 1024, 1025, 4096, 65_535, 65_536, 65_537, 200_000];

describe("sealed streams: library <-> CLI", () => {
  for (const chunk of [undefined, 1024]) {
    const chunkArgs = chunk === undefined ? [] : ["--chunk-size", String(chunk)];
    it(`aes-wasm seal ${chunkArgs.join(" ") || "(64 KiB chunks)"} → openStream and openNodeStream`, async () => {
      for (const n of SIZES) {
        const pt = randomBytes(n);
        const r = await cli(["seal", "--key-file", keyFile, ...chunkArgs], { input: pt });
        expect(r.stderr).toBe("");
        expect(r.code).toBe(0);
        expectBytes(await web(openStream(master), r.stdout), pt, `web opens the CLI's, n=${n}`);
        expectBytes(await node(openNodeStream(master), r.stdout), pt, `node opens the CLI's, n=${n}`);
      }
    });

    it(`sealStream / sealNodeStream ${chunk ?? "(64 KiB)"} → aes-wasm open`, async () => {
      for (const [i, n] of SIZES.entries()) {
        const pt = randomBytes(n);
        const options = chunk === undefined ? undefined : { chunkSize: chunk };
        const sealed = i % 2 ? await web(sealStream(master, options), pt) : await node(sealNodeStream(master, options), pt);
        const file = join(dir, `lib-${chunk}-${n}.sealed`);
        writeFileSync(file, sealed);
        const r = await cli(["open", "--key-file", keyFile, "--in", file]);
        expect(r.stderr).toBe("");
        expect(r.code).toBe(0);
        expectBytes(r.stdout, pt, `the CLI opens the library's, n=${n}`);
      }
    });
  }

  it("--nonce-store: the CLI's counter-block file nonce opens in the library", async () => {
    const store = join(dir, "nonce.json");
    const pt = randomBytes(3000);
    const r = await cli(["seal", "--key-file", keyFile, "--nonce-store", store, "--chunk-size", "1000"], { input: pt });
    expect(r.code).toBe(0);
    expect(r.stdout[16 + 6]).toBe(0); // a NonceSource block: the headroom byte
    expectBytes(await web(openStream(master), r.stdout), pt);
  });

  it("damage is refused on both sides: the CLI exits 1 with no output file, the library errors", async () => {
    const pt = randomBytes(5000);
    const sealed = await web(sealStream(master, { chunkSize: 1024 }), pt);
    const damaged = Buffer.from(sealed);
    damaged[32 + 1040 + 3]! ^= 0x40; // in record 1
    const file = join(dir, "damaged.sealed");
    writeFileSync(file, damaged);
    const out = join(dir, "damaged.out");
    const r = await cli(["open", "--key-file", keyFile, "--in", file, "--out", out]);
    expect(r.code).toBe(1);
    expect(existsSync(out)).toBe(false);
    const cliSealed = (await cli(["seal", "--key-file", keyFile, "--chunk-size", "1024"], { input: pt })).stdout;
    await expect(web(openStream(master), cliSealed.subarray(0, 32 + 2 * 1040))).rejects.toBeInstanceOf(DecryptionError);
    await expect(node(openNodeStream(master), Buffer.concat([cliSealed, Buffer.from([0])]))).rejects.toBeInstanceOf(DecryptionError);
    expect(readFileSync(keyFile, "utf8").trim()).toBe(master.toString("hex"));
  });
});
