// seal / open: the everyday case. One key file, a self-describing file (seal-format.ts),
// AES-256-GCM chunk by chunk so any size streams in constant memory, and any truncation,
// reordering or modification is refused with no output file left behind.
import type { Stats } from "node:fs";
import { DecryptionError } from "../errors.js";
import { aesKey } from "../key.js";
import { integerOption, stringOption, type Parsed } from "./args.js";
import { SealFormatError } from "./errors.js";
import { forcedProgress } from "./crypt.js";
import { gcmAvailable, gcmMode } from "./gcm.js";
import { openSource, pieces, splitPrefix } from "./input.js";
import { readKey } from "./keys.js";
import { checkOutput, planOutput, precious, withSink, type Precious } from "./output.js";
import { createProgress } from "./progress.js";
import {
  DEFAULT_CHUNK_SIZE, MAX_CHUNK_SIZE, MIN_CHUNK_SIZE, SEAL_HEADER_BYTES, SEAL_KEY_BYTES, SEAL_NONCE_BYTES, SEAL_TAG_BYTES,
  chunkIv, encodeHeader, fileKey, parseHeader,
} from "./seal-format.js";
import { UsageError } from "./errors.js";

/** The file nonce: from a NonceSource over a FileNonceStore when --nonce-store is given, else random. */
async function fileNonce(storePath: string | undefined): Promise<Uint8Array> {
  if (storePath === undefined) return crypto.getRandomValues(new Uint8Array(SEAL_NONCE_BYTES));
  const { NonceSource } = await import("../nonce/source.js");
  const { FileNonceStore } = await import("../nonce/file-store.js");
  return new NonceSource({ store: new FileNonceStore(storePath), reserve: 1 }).next();
}

export async function sealCommand(values: Parsed["values"]): Promise<void> {
  if (!gcmAvailable()) throw new UsageError("seal needs AES-GCM, which this build of aes-wasm does not include yet");
  const master = readKey(values, SEAL_KEY_BYTES);
  checkMasterKey(master);
  const chunkSize = integerOption(values, "chunk-size", MIN_CHUNK_SIZE, MAX_CHUNK_SIZE) ?? DEFAULT_CHUNK_SIZE;
  const outPath = stringOption(values, "out");
  const storePath = stringOption(values, "nonce-store");
  const force = forcedProgress(values);
  const source = await openSource(stringOption(values, "in"));
  const progress = createProgress({ total: source.size, force });
  try {
    checkOutput(outPath, [...inputAndKey(source.stats, values), precious(storePath, "the nonce store")]);
    const plan = planOutput(outPath);
    const header = encodeHeader({ chunkSize, nonce: await fileNonce(storePath) });
    const k = aesKey(fileKey(master, header.subarray(16, 32)));
    try {
      await withSink(plan, async (sink) => {
        await sink.write(header);
        let index = 0;
        for await (const { bytes, last } of pieces(source.chunks, chunkSize)) {
          await sink.write(gcmMode(k, chunkIv(index++, last), { aad: header }, "seal").encrypt(bytes));
          progress.advance(bytes.length);
        }
      });
    } finally {
      k.dispose();
    }
  } finally {
    progress.done();
    await source.close();
    master.fill(0);
  }
}

export async function openCommand(values: Parsed["values"]): Promise<void> {
  if (!gcmAvailable()) throw new UsageError("open needs AES-GCM, which this build of aes-wasm does not include yet");
  const master = readKey(values, SEAL_KEY_BYTES);
  checkMasterKey(master);
  const outPath = stringOption(values, "out");
  const force = forcedProgress(values);
  const source = await openSource(stringOption(values, "in"));
  const progress = createProgress({ total: source.size, force });
  try {
    checkOutput(outPath, inputAndKey(source.stats, values));
    const plan = planOutput(outPath);
    const { prefix: header, rest } = await splitPrefix(source.chunks, SEAL_HEADER_BYTES);
    if (header.length < SEAL_HEADER_BYTES) {
      throw new SealFormatError(`not an aes-wasm sealed file (${header.length} bytes, shorter than the ${SEAL_HEADER_BYTES}-byte header)`);
    }
    progress.advance(header.length);
    const { chunkSize, nonce } = parseHeader(header);
    const k = aesKey(fileKey(master, nonce));
    try {
      await withSink(plan, async (sink) => {
        let index = 0;
        for await (const { bytes, last } of pieces(rest, chunkSize + SEAL_TAG_BYTES)) {
          // Fewer bytes than a tag: the file was cut (an empty body is cut too: sealing always writes a final chunk).
          if (bytes.length < SEAL_TAG_BYTES) throw new DecryptionError();
          await sink.write(gcmMode(k, chunkIv(index++, last), { aad: header }, "open").decrypt(bytes));
          progress.advance(bytes.length);
        }
      });
    } finally {
      k.dispose();
    }
  } finally {
    progress.done();
    await source.close();
    master.fill(0);
  }
}

/** The files an output must not be: the input and the key file. */
function inputAndKey(input: Stats | null, values: Parsed["values"]): (Precious | null)[] {
  return [input ? { stats: input, what: "the input file" } : null, precious(stringOption(values, "key-file"), "the key file")];
}

function checkMasterKey(key: Uint8Array): void {
  if (key.length !== SEAL_KEY_BYTES) throw new UsageError(`key must be ${SEAL_KEY_BYTES} bytes for seal/open (AES-256), got ${key.length}`);
}
