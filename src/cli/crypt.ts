// encrypt / decrypt: raw mode, byte-compatible with `openssl enc -<cipher> -K <hex> -iv <hex>
// -nosalt [-nopad]`: no header, no salt, PKCS#7 for ECB/CBC unless --no-pad. Without --iv,
// `encrypt` draws a random IV and prints it on stderr, or with --prepend-iv writes it in front
// of the output (and `decrypt --prepend-iv` reads it from there). The AEADs (GCM, CCM, OCB,
// GCM-SIV; AES-SIV puts its tag in front) append the 16-byte tag and, decrypting, keep no output
// unless the tag checks. Key wrap, CCM, the SIVs and XTS take the whole input as one message.
// Streams in constant memory otherwise; CTR can run its chunks on a worker pool (--threads N,
// ctr-pool.ts). runCrypt() is shared with `enc` (enc.ts), which adds the password header and base64.
import { accessSync, constants } from "node:fs";
import { randomBytes } from "node:crypto";
import { DecryptionError, IvLengthError, KeyLengthError } from "../errors.js";
import { flagOption, integerOption, stringOption, type Parsed } from "./args.js";
import { cipherSpec, type CipherSpec } from "./ciphers.js";
import { InputFormatError, OutputBufferLimitError, UsageError } from "./errors.js";
import { GCM_TAG_BYTES, gcmStream } from "./gcm.js";
import { openSource, readAll, splitPrefix, type Source } from "./input.js";
import { ctrOnPool } from "./ctr-pool.js";
import { modeStream, pipeThrough } from "./pipeline.js";
import { runWhole } from "./whole.js";
import { hexOption, readKey } from "./keys.js";
import { checkOutput, planOutput, precious, withSink, type OutputPlan, type Sink } from "./output.js";
import { createProgress, type Progress } from "./progress.js";

/**
 * The most plaintext GCM decryption holds in memory when the output cannot be a temporary file
 * (stdout, a pipe, a device): nothing may reach such an output before the tag is checked, and
 * nothing of it is spooled to disk either. Larger inputs need --out <file> or seal/open.
 */
export const GCM_BUFFER_LIMIT = 64 << 20;

/** The most a whole-message cipher (key wrap) reads into memory. */
export const WHOLE_MESSAGE_LIMIT = 64 << 20;

/** The standard key-wrap integrity values (RFC 3394 §2.2.3.1, RFC 5649 §3), used when --iv is not given. */
const KW_DEFAULT_IV = new Uint8Array([0xa6, 0xa6, 0xa6, 0xa6, 0xa6, 0xa6, 0xa6, 0xa6]);
const KWP_DEFAULT_IV = new Uint8Array([0xa6, 0x59, 0x59, 0xa6]);

export interface CryptJob {
  spec: CipherSpec;
  key: Uint8Array;
  iv: Uint8Array | null;
  aad: Uint8Array | null;
  pad: boolean;
  threads: number;
  encrypt: boolean;
}

/** Where the IV of a raw-mode run comes from. */
type IvSource = "given" | "generated" | "prefix" | "none";

interface RawJob {
  job: CryptJob;
  ivSource: IvSource;
}

export function parseCryptJob(values: Parsed["values"], encrypt: boolean): RawJob {
  const rawName = stringOption(values, "cipher");
  if (rawName === undefined) throw new UsageError("--cipher <name> is required (e.g. aes-256-ctr; aes-wasm list shows them all)");
  const spec = cipherSpec(rawName);
  const { name, mode } = spec;
  const key = readKey(values, spec.keyBytes);
  if (key.length !== spec.keyBytes) throw new KeyLengthError(`key must be ${spec.keyBytes} bytes for ${keyFamily(spec)}, got ${key.length}`);
  const ivHex = stringOption(values, "iv");
  const prepend = flagOption(values, "prepend-iv");
  let iv: Uint8Array | null = null;
  let ivSource: IvSource = "none";
  if (mode === "ecb") {
    if (ivHex !== undefined) throw new IvLengthError(`${name} takes no IV: drop --iv`);
    if (prepend) throw new UsageError(`${name} takes no IV: drop --prepend-iv`);
  } else if (mode === "wrap" || mode === "wrap-pad") {
    if (prepend) throw new UsageError(`--prepend-iv does not apply to key wrap (${name}): its IV is an integrity check value, ${mode === "wrap" ? "A6A6A6A6A6A6A6A6" : "A65959A6"} unless --iv says otherwise`);
    iv = ivHex === undefined ? (mode === "wrap" ? KW_DEFAULT_IV : KWP_DEFAULT_IV).slice() : hexOption("iv", ivHex, spec.ivBytes);
    ivSource = "given";
  } else if (ivHex !== undefined) {
    if (prepend && !encrypt) throw new UsageError("give --iv or --prepend-iv (the IV is read from the input), not both");
    iv = checkIv(spec, hexOption("iv", ivHex, spec.ivRange[0] === spec.ivRange[1] ? spec.ivBytes : undefined), "--iv");
    ivSource = "given";
  } else if (encrypt) {
    iv = randomBytes(spec.ivBytes);
    ivSource = "generated";
  } else if (prepend) {
    ivSource = "prefix";
  } else {
    throw new IvLengthError(`${name} needs --iv <${spec.ivBytes * 2} hex digits> (or --prepend-iv if the IV is in front of the input)`);
  }
  const pad = !flagOption(values, "no-pad");
  if (!pad && mode !== "ecb" && mode !== "cbc") throw new UsageError(`--no-pad applies to ECB and CBC only, not ${name}`);
  const aadHex = stringOption(values, "aad");
  if (aadHex !== undefined && !spec.aead) throw new UsageError(`--aad applies to the AEAD ciphers only (GCM and the other tagged names), not ${name}`);
  const aad = aadHex === undefined ? null : hexOption("aad", aadHex);
  const threads = integerOption(values, "threads", 1, 256) ?? 1;
  // Encrypting with --prepend-iv: the IV (given or drawn) goes in front of the output.
  if (prepend && encrypt) ivSource = "prefix";
  return { job: { spec, key, iv, aad, pad, threads, encrypt }, ivSource };
}

/** How the key-length error names the cipher family (the existing messages say "aes-256-*"). */
function keyFamily(spec: CipherSpec): string {
  const plain = spec.mode !== "wrap" && spec.mode !== "wrap-pad" && spec.keyBytes === spec.bits / 8;
  return plain ? `aes-${spec.bits}-*` : spec.name;
}

/** The IV length rules of the cipher table (GCM: any non-empty length, CCM 7..13, OCB 1..15, ...). */
export function checkIv(spec: CipherSpec, iv: Uint8Array, option: string): Uint8Array {
  const [min, max] = spec.ivRange;
  if (iv.length < min || iv.length > max) {
    const allowed = min === max ? `${min} bytes` : max === Infinity ? `at least ${min} byte${min === 1 ? "" : "s"}` : `${min} to ${max} bytes`;
    throw new IvLengthError(`${spec.name} needs ${option} of ${allowed} (${spec.ivBytes} is standard), got ${iv.length}`);
  }
  return iv;
}

export async function cryptCommand(values: Parsed["values"], encrypt: boolean, warn: (s: string) => void): Promise<void> {
  const { job, ivSource } = parseCryptJob(values, encrypt);
  if (job.threads > 1 && job.spec.mode !== "ctr") warn(`--threads speeds up CTR only; running ${job.spec.name} on one thread`);
  const outPath = stringOption(values, "out");
  const force = forcedProgress(values);
  let source = await openSource(stringOption(values, "in"));
  try {
    checkOutput(outPath, [
      source.stats ? { stats: source.stats, what: "the input file" } : null,
      precious(stringOption(values, "key-file"), "the key file"),
    ]);
    const plan = planOutput(outPath);
    let prefix: Uint8Array | undefined;
    if (ivSource === "prefix" && encrypt) prefix = job.iv!;
    if (ivSource === "prefix" && !encrypt) {
      const split = await splitPrefix(source.chunks, job.spec.ivBytes);
      if (split.prefix.length < job.spec.ivBytes) {
        throw new InputFormatError(`--prepend-iv: the input is ${split.prefix.length} bytes, shorter than the ${job.spec.ivBytes}-byte IV in front of it`);
      }
      job.iv = split.prefix;
      source = { ...source, chunks: split.rest, size: source.size === null ? null : source.size - job.spec.ivBytes };
    }
    if (ivSource === "generated") warn(`iv=${Buffer.from(job.iv!).toString("hex")} (random; decrypt with --iv ${Buffer.from(job.iv!).toString("hex")}, or use --prepend-iv)`);
    const progress = createProgress({ total: source.size, force });
    try {
      await runCrypt(job, { source, plan, outPath, progress, prefix });
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

export interface CryptIo {
  source: Source;
  plan: OutputPlan;
  outPath: string | undefined;
  progress: Progress;
  /** Encrypting: bytes written in front of the ciphertext (a Salted__ header, a prepended IV). */
  prefix?: Uint8Array;
  /** Encrypting: runs once the prefix is written (enc -p prints here, where openssl does). */
  afterPrefix?: () => void | Promise<void>;
  /** A layer in front of the output (enc -a: base64; enc -v: a byte count). */
  wrapSink?: (sink: Sink) => Sink;
}

/** Runs one job from io.source to io.plan: the output is complete and in place, or absent. */
export async function runCrypt(job: CryptJob, io: CryptIo): Promise<void> {
  const { spec } = job;
  if (spec.whole) return wholeMessage(job, io);
  const tagged = spec.mode === "gcm" || spec.mode === "ocb";
  if (tagged && !job.encrypt) return taggedDecrypt(job, io);
  await withSink(io.plan, async (sink) => {
    await writePrefix(sink, io);
    if (tagged) await taggedEncrypt(job, io.source, sink, io.progress);
    else if (spec.mode === "ctr" && job.threads > 1) await ctrOnPool(spec.name, job.key, job.iv!, job.threads, io.source, sink, io.progress);
    else await streamThrough(job, io.source, sink, io.progress);
  }, io.wrapSink);
}

async function writePrefix(sink: Sink, io: CryptIo): Promise<void> {
  if (io.prefix && io.prefix.length > 0) await sink.write(io.prefix);
  await io.afterPrefix?.();
}

/** Single-threaded: the mode's stream with reads, cipher and writes overlapped (pipeline.ts). */
async function streamThrough(job: CryptJob, source: Source, sink: Sink, progress: Progress): Promise<void> {
  const { cipher, dispose } = modeStream(job.spec, job.key, job.iv, job.pad, job.encrypt);
  try {
    await pipeThrough(cipher, source.chunks, sink, progress);
  } finally {
    dispose();
  }
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
 * Key wrap (and any cipher that needs its whole message at once): the input is read into memory
 * (at most WHOLE_MESSAGE_LIMIT), processed in one call, and written only when that succeeded, so
 * a failed unwrap leaves no output anywhere, stdout included.
 */
async function wholeMessage(job: CryptJob, io: CryptIo): Promise<void> {
  const { spec } = job;
  const tooLarge = () => new OutputBufferLimitError(`${spec.name} processes its whole input as one message in memory, at most ${WHOLE_MESSAGE_LIMIT >> 20} MiB, and this input is larger; nothing was written`);
  const data = await readAll(io.source.chunks, io.source.size, WHOLE_MESSAGE_LIMIT, tooLarge);
  let out: Uint8Array;
  try {
    out = runWhole(spec, job.key, job.iv, job.aad, job.encrypt, data);
  } finally {
    data.fill(0);
  }
  io.progress.advance(data.length);
  try {
    await withSink(io.plan, async (sink) => {
      await writePrefix(sink, io);
      await sink.write(out);
    }, io.wrapSink);
  } finally {
    if (!job.encrypt) out.fill(0);
  }
}

async function taggedEncrypt(job: CryptJob, source: Source, sink: Sink, progress: Progress): Promise<void> {
  const cipher = await gcmStream(job.spec.name, job.key, job.iv!, true);
  if (job.aad) cipher.setAAD(job.aad);
  await pump(cipher, source, sink, progress);
  await sink.write(cipher.getAuthTag());
}

/**
 * GCM and OCB (both through their node:crypto-shaped facades) release nothing until the tag
 * checks: the last 16 input bytes (the tag) are held back while the rest streams through. To a
 * regular file, the plaintext goes to the output's 0600 temporary file (in the output's
 * directory), renamed into place only after a good tag. To stdout, a pipe or a device there is no file to rename, so the plaintext is held
 * in memory, at most GCM_BUFFER_LIMIT bytes, and written out only after the check: no scratch
 * file in $TMPDIR (which a SIGKILL would leave behind, readable), and a forged stream never
 * reaches the reader. Larger inputs are refused (exit 2, nothing written), before reading when
 * the size is known.
 */
async function taggedDecrypt(job: CryptJob, io: CryptIo): Promise<void> {
  const { source, plan, outPath, progress } = io;
  const cipher = await gcmStream(job.spec.name, job.key, job.iv!, false);
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
    await withSink(plan, (sink) => decryptAll((b) => sink.write(b)), io.wrapSink);
    return;
  }
  const where = plan.kind === "stdout" ? "stdout" : `--out ${outPath}`;
  const tooLarge = () => new OutputBufferLimitError(
    `${job.spec.name} decryption to ${where} holds the plaintext in memory until the tag is checked, at most ${GCM_BUFFER_LIMIT >> 20} MiB, ` +
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
    }, io.wrapSink);
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
