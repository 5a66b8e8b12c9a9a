// encrypt / decrypt: raw mode, byte-compatible with `openssl enc -<cipher> -K <hex> -iv <hex>
// -nosalt [-nopad]`: no header, no salt, PKCS#7 for ECB/CBC unless --no-pad. GCM appends the
// 16-byte tag and, decrypting, keeps no output unless the tag checks. Streams in constant memory;
// CTR can spread each chunk over a worker pool (--threads N).
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { rm } from "node:fs/promises";
import { addToCounter } from "../counter.js";
import { DecryptionError, IvLengthError, KeyLengthError, UnknownCipherError } from "../errors.js";
import { createCipheriv, createDecipheriv } from "../facade.js";
import { integerOption, stringOption, type Parsed } from "./args.js";
import { UsageError } from "./errors.js";
import { GCM_TAG_BYTES, gcmStream } from "./gcm.js";
import { openSource, pieces, type Source } from "./input.js";
import { hexOption, readKey } from "./keys.js";
import { checkNotInput, trackScratch, withSink, type Sink } from "./output.js";
import { createProgress, type Progress } from "./progress.js";

/** Bytes per worker-pool job: big enough to split over workers, small enough for constant memory. */
const POOL_CHUNK = 4 << 20;

interface CryptJob {
  name: string;
  bits: number;
  mode: string;
  key: Uint8Array;
  iv: Uint8Array | null;
  aad: Uint8Array | null;
  pad: boolean;
  threads: number;
  encrypt: boolean;
}

export function parseCryptJob(values: Parsed["values"], encrypt: boolean): CryptJob {
  const rawName = stringOption(values, "cipher");
  if (rawName === undefined) throw new UsageError("--cipher <name> is required (e.g. aes-256-ctr)");
  const name = rawName.toLowerCase();
  const m = /^aes-(128|192|256)-(ecb|cbc|cfb|cfb8|cfb1|ofb|ctr|gcm)$/.exec(name);
  if (!m) throw new UnknownCipherError(rawName);
  const bits = Number(m[1]);
  const mode = m[2];
  const key = readKey(values, bits / 8);
  if (key.length !== bits / 8) throw new KeyLengthError(`key must be ${bits / 8} bytes for aes-${bits}-*, got ${key.length}`);
  const ivHex = stringOption(values, "iv");
  let iv: Uint8Array | null = null;
  if (mode === "ecb") {
    if (ivHex !== undefined) throw new IvLengthError(`${name} takes no IV: drop --iv`);
  } else {
    if (ivHex === undefined) throw new IvLengthError(`${name} needs --iv <${mode === "gcm" ? "24" : "32"} hex digits>`);
    iv = hexOption("iv", ivHex, mode === "gcm" ? undefined : 16);
    if (mode === "gcm" && iv.length === 0) throw new IvLengthError(`${name} needs a non-empty --iv (12 bytes is standard)`);
  }
  const pad = values["no-pad"] !== true;
  if (!pad && mode !== "ecb" && mode !== "cbc") throw new UsageError(`--no-pad applies to ECB and CBC only, not ${name}`);
  const aadHex = stringOption(values, "aad");
  if (aadHex !== undefined && mode !== "gcm") throw new UsageError(`--aad applies to GCM only, not ${name}`);
  const aad = aadHex === undefined ? null : hexOption("aad", aadHex);
  const threads = integerOption(values, "threads", 1, 256) ?? 1;
  return { name, bits, mode, key, iv, aad, pad, threads, encrypt };
}

export async function cryptCommand(values: Parsed["values"], encrypt: boolean, warn: (s: string) => void): Promise<void> {
  const job = parseCryptJob(values, encrypt);
  if (job.threads > 1 && job.mode !== "ctr") warn(`--threads speeds up CTR only; running ${job.name} on one thread`);
  const outPath = stringOption(values, "out");
  const source = await openSource(stringOption(values, "in"));
  const progress = createProgress({ total: source.size, force: forcedProgress(values) });
  try {
    checkNotInput(source.stats, outPath);
    if (job.mode === "gcm" && !encrypt) {
      await gcmDecrypt(job, source, outPath, progress);
    } else {
      await withSink(outPath, async (sink) => {
        if (job.mode === "gcm") await gcmEncrypt(job, source, sink, progress);
        else if (job.mode === "ctr" && job.threads > 1) await ctrOnPool(job, source, sink, progress);
        else await streamThrough(job, source, sink, progress);
      });
    }
  } finally {
    progress.done();
    await source.close();
    job.key.fill(0);
  }
}

export function forcedProgress(values: Parsed["values"]): boolean | undefined {
  if (values.progress === true && values["no-progress"] === true) throw new UsageError("give --progress or --no-progress, not both");
  return values.progress === true ? true : values["no-progress"] === true ? false : undefined;
}

/** Single-threaded: the node:crypto-shaped facade, one input chunk at a time. */
async function streamThrough(job: CryptJob, source: Source, sink: Sink, progress: Progress): Promise<void> {
  const cipher = (job.encrypt ? createCipheriv : createDecipheriv)(job.name, job.key, job.iv);
  cipher.setAutoPadding(job.pad);
  await pump(cipher, source, sink, progress);
}

/** Every input chunk through update(), then final(); output written as it comes. */
async function pump(cipher: { update(d: Uint8Array): Uint8Array; final(): Uint8Array }, source: Source, sink: Sink,
  progress: Progress): Promise<void> {
  for await (const chunk of source.chunks) {
    const out = cipher.update(chunk as Uint8Array);
    if (out.length > 0) await sink.write(out);
    progress.advance((chunk as Uint8Array).length);
  }
  const tail = cipher.final();
  if (tail.length > 0) await sink.write(tail);
}

/**
 * CTR over the worker pool: the input is cut into POOL_CHUNK pieces, piece i starting at counter
 * block iv + i*POOL_CHUNK/16 (the 128-bit rule OpenSSL uses), so the output equals one long
 * CTR run. Two jobs in flight: the next piece is read while the pool works on the last.
 */
async function ctrOnPool(job: CryptJob, source: Source, sink: Sink, progress: Progress): Promise<void> {
  const { createPool } = await import("../parallel/pool.js");
  const pool = await createPool({ size: job.threads });
  try {
    let blocks = 0n;
    let pending: { out: Promise<Uint8Array>; n: number } | null = null;
    const drain = async () => {
      if (!pending) return;
      const { out, n } = pending;
      pending = null;
      await sink.write(await out);
      progress.advance(n);
    };
    for await (const piece of pieces(source.chunks, POOL_CHUNK)) {
      if (piece.bytes.length === 0) break;
      const counter = addToCounter(job.iv!, blocks, 128);
      blocks += BigInt(Math.ceil(piece.bytes.length / 16)); // only the last piece may be partial
      const out = pool.encrypt(job.name, job.key, counter, piece.bytes);
      out.catch(() => undefined); // awaited in drain(); this keeps an early failure from being "unhandled"
      await drain();
      pending = { out, n: piece.bytes.length };
    }
    await drain();
  } finally {
    await pool.close();
  }
}

async function gcmEncrypt(job: CryptJob, source: Source, sink: Sink, progress: Progress): Promise<void> {
  const cipher = gcmStream(job.name, job.key, job.iv!, true);
  if (job.aad) cipher.setAAD(job.aad);
  await pump(cipher, source, sink, progress);
  await sink.write(cipher.getAuthTag());
}

/**
 * GCM decryption keeps nothing until the tag checks: the last 16 input bytes (the tag) are held
 * back while the rest streams through; output goes to the temporary file that only a good tag
 * renames into place. For stdout the plaintext is spooled to a scratch file first, then copied
 * out after the check, so a forged stream never reaches the reader.
 */
async function gcmDecrypt(job: CryptJob, source: Source, outPath: string | undefined, progress: Progress): Promise<void> {
  const toStdout = outPath === undefined || outPath === "-";
  const target = toStdout ? join(tmpdir(), `aes-wasm-spool-${randomBytes(6).toString("hex")}`) : outPath;
  const untrack = toStdout ? trackScratch(target) : () => {};
  try {
    await withSink(target, async (sink) => {
      const cipher = gcmStream(job.name, job.key, job.iv!, false);
      if (job.aad) cipher.setAAD(job.aad);
      let held = new Uint8Array(0);
      for await (const chunk of source.chunks) {
        const all = concat(held, chunk as Uint8Array);
        const cut = Math.max(0, all.length - GCM_TAG_BYTES);
        const out = cipher.update(all.subarray(0, cut));
        held = all.slice(cut);
        if (out.length > 0) await sink.write(out);
        progress.advance((chunk as Uint8Array).length);
      }
      if (held.length < GCM_TAG_BYTES) throw new DecryptionError();
      cipher.setAuthTag(held);
      const tail = cipher.final();
      if (tail.length > 0) await sink.write(tail);
    });
    if (toStdout) {
      await withSink(undefined, async (sink) => {
        for await (const chunk of createReadStream(target, { highWaterMark: 1 << 20 })) await sink.write(chunk as Uint8Array);
      });
    }
  } finally {
    if (toStdout) {
      await rm(target, { force: true });
      untrack();
    }
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
