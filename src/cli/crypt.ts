// encrypt / decrypt: raw mode, byte-compatible with `openssl enc -<cipher> -K <hex> -iv <hex>
// -nosalt [-nopad]`: no header, no salt, PKCS#7 for ECB/CBC unless --no-pad. GCM appends the
// 16-byte tag and, decrypting, keeps no output unless the tag checks. Streams in constant memory;
// CTR can spread each chunk over a worker pool (--threads N).
import { accessSync, constants } from "node:fs";
import { addToCounter } from "../counter.js";
import { DecryptionError, IvLengthError, KeyLengthError, UnknownCipherError } from "../errors.js";
import { createCipheriv, createDecipheriv } from "../facade.js";
import { flagOption, integerOption, stringOption, type Parsed } from "./args.js";
import { OutputBufferLimitError, UsageError } from "./errors.js";
import { GCM_TAG_BYTES, gcmStream } from "./gcm.js";
import { openSource, pieces, type Source } from "./input.js";
import { hexOption, readKey } from "./keys.js";
import { checkOutput, planOutput, precious, withSink, type OutputPlan, type Sink } from "./output.js";
import { createProgress, type Progress } from "./progress.js";

/** Bytes per worker-pool job: big enough to split over workers, small enough for constant memory. */
const POOL_CHUNK = 4 << 20;

/**
 * The most plaintext GCM decryption holds in memory when the output cannot be a temporary file
 * (stdout, a pipe, a device): nothing may reach such an output before the tag is checked, and
 * nothing of it is spooled to disk either. Larger inputs need --out <file> or seal/open.
 */
export const GCM_BUFFER_LIMIT = 64 << 20;

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
  const pad = !flagOption(values, "no-pad");
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
  const force = forcedProgress(values);
  const source = await openSource(stringOption(values, "in"));
  try {
    checkOutput(outPath, [
      source.stats ? { stats: source.stats, what: "the input file" } : null,
      precious(stringOption(values, "key-file"), "the key file"),
    ]);
    const plan = planOutput(outPath);
    const progress = createProgress({ total: source.size, force });
    try {
      if (job.mode === "gcm" && !encrypt) {
        await gcmDecrypt(job, source, plan, outPath, progress);
      } else {
        await withSink(plan, async (sink) => {
          if (job.mode === "gcm") await gcmEncrypt(job, source, sink, progress);
          else if (job.mode === "ctr" && job.threads > 1) await ctrOnPool(job, source, sink, progress);
          else await streamThrough(job, source, sink, progress);
        });
      }
    } finally {
      progress.done();
    }
  } finally {
    await source.close();
    job.key.fill(0);
  }
}

export function forcedProgress(values: Parsed["values"]): boolean | undefined {
  const on = flagOption(values, "progress");
  const off = flagOption(values, "no-progress");
  if (on && off) throw new UsageError("give --progress or --no-progress, not both");
  return on ? true : off ? false : undefined;
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
 * GCM decryption releases nothing until the tag checks: the last 16 input bytes (the tag) are
 * held back while the rest streams through. To a regular file, the plaintext goes to the
 * output's 0600 temporary file (in the output's directory), renamed into place only after a
 * good tag. To stdout, a pipe or a device there is no file to rename, so the plaintext is held
 * in memory, at most GCM_BUFFER_LIMIT bytes, and written out only after the check: no scratch
 * file in $TMPDIR (which a SIGKILL would leave behind, readable), and a forged stream never
 * reaches the reader. Larger inputs are refused (exit 2, nothing written), before reading when
 * the size is known.
 */
async function gcmDecrypt(job: CryptJob, source: Source, plan: OutputPlan, outPath: string | undefined, progress: Progress): Promise<void> {
  const cipher = gcmStream(job.name, job.key, job.iv!, false);
  if (job.aad) cipher.setAAD(job.aad);
  const decryptAll = async (emit: (bytes: Uint8Array) => Promise<void>) => {
    let held = new Uint8Array(0);
    for await (const chunk of source.chunks) {
      const all = concat(held, chunk as Uint8Array);
      const cut = Math.max(0, all.length - GCM_TAG_BYTES);
      const out = cipher.update(all.subarray(0, cut));
      held = all.slice(cut);
      if (out.length > 0) await emit(out);
      progress.advance((chunk as Uint8Array).length);
    }
    if (held.length < GCM_TAG_BYTES) throw new DecryptionError();
    cipher.setAuthTag(held);
    const tail = cipher.final();
    if (tail.length > 0) await emit(tail);
  };
  if (plan.kind === "file") {
    await withSink(plan, (sink) => decryptAll((b) => sink.write(b)));
    return;
  }
  const where = plan.kind === "stdout" ? "stdout" : `--out ${outPath}`;
  const tooLarge = () => new OutputBufferLimitError(
    `GCM decryption to ${where} holds the plaintext in memory until the tag is checked, at most ${GCM_BUFFER_LIMIT >> 20} MiB, ` +
    "and this input is larger; nothing was written. Decrypt to a file with --out <path> (a private temporary file next to it, " +
    "renamed into place after the check), or use the chunked seal/open format for large data");
  if (source.size !== null && source.size - GCM_TAG_BYTES > GCM_BUFFER_LIMIT) throw tooLarge();
  if (plan.kind === "direct") {
    try {
      accessSync(plan.path, constants.W_OK); // fail before the work, not after it
    } catch (e) {
      throw new UsageError(`cannot write to --out ${outPath}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }
  const parts: Uint8Array[] = [];
  let total = 0;
  try {
    await decryptAll(async (b) => {
      total += b.length;
      if (total > GCM_BUFFER_LIMIT) throw tooLarge();
      parts.push(b);
    });
    await withSink(plan, async (sink) => {
      for (let i = 0; i < parts.length; i++) {
        await sink.write(parts[i]);
        parts[i].fill(0);
      }
    });
  } finally {
    for (const p of parts) p.fill(0);
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
