// `aes-wasm enc`: `openssl enc` as openssl 3 runs it (enc-args.ts reads its command line).
// With a password: "Salted__" ‖ salt in front, key and IV from PBKDF2 (-pbkdf2/-iter) or
// EVP_BytesToKey (kdf.ts); with -K/-iv: raw. -a wraps the output in base64 (or unwraps the
// input). The ciphertext itself comes from runCrypt (crypt.ts), so the output rules are the
// ones every command has: a file output appears complete or not at all, no partial file is
// left on a bad decrypt, the input and key files are never overwritten.
// The order of events is openssl's: password read first (so `-pass stdin` takes the first line
// of stdin and the data follows it), header written, then -p's lines, then the data.
import { randomBytes } from "node:crypto";
import { decodeHex } from "../bytes.js";
import { base64Decoder, base64Encoder } from "./base64.js";
import { cipherSpec, encCipherList, type CipherSpec } from "./ciphers.js";
import { checkIv, runCrypt, type CryptJob } from "./crypt.js";
import { ENC_USAGE, parseEncArgs, type EncOptions } from "./enc-args.js";
import { InputFormatError, UsageError } from "./errors.js";
import { counted, FileChunks, openSource, splitPrefix, type Source } from "./input.js";
import {
  DEFAULT_DIGEST, DEFAULT_PBKDF2_ITERATIONS, DEPRECATED_KDF_WARNING, SALT_BYTES, SALT_HEADER_BYTES,
  bytesToKeyIv, digestName, pbkdf2KeyIv, saltHeader, saltOfHeader,
} from "./kdf.js";
import { checkOutput, planOutput, precious, withSink, type Sink } from "./output.js";
import { passwordFromKfile, passwordFromSource, promptPassword } from "./password.js";
import { createProgress } from "./progress.js";

/** openssl enc's default buffer size, which -v reports. */
const OPENSSL_BUFSIZE = 8192;

export interface EncIo {
  out(line: string): void;
  /** A line on stderr as is (openssl's own texts: the KDF warning, -v's counts). */
  err(line: string): void;
  /** A line on stderr prefixed "aes-wasm enc: " (aes-wasm's notes). */
  note(line: string): void;
}

export async function encCommand(argv: readonly string[], io: EncIo): Promise<void> {
  const o = parseEncArgs(argv);
  if (o.help) return io.out(ENC_USAGE);
  if (o.list) return void process.stdout.write(encCipherList());
  const spec = o.cipher === undefined ? null : cipherSpec(o.cipher);
  if (!spec) {
    const keyed = o.pass !== undefined || o.k !== undefined || o.K !== undefined || o.iv !== undefined || o.S !== undefined || o.md !== undefined || o.pbkdf2 || o.print !== 0;
    if (keyed) throw new UsageError("no cipher given (e.g. -aes-256-cbc): openssl enc would copy the input unencrypted; aes-wasm refuses key and password options without a cipher");
  } else if (!spec.openssl) {
    io.note(spec.aead
      ? `note: openssl enc refuses AEAD ciphers; ${spec.name} here is aes-wasm's own format: the ${spec.tagBytes}-byte tag is ` +
        `${spec.tagFirst ? "in front of the ciphertext" : "appended"} (and checked before any output is kept), so only aes-wasm reads this output`
      : `note: openssl enc refuses XTS; ${spec.name} here is aes-wasm's: the whole input is one data unit under the IV as tweak, with no integrity check`);
  }
  if (o.verbose) io.err(`bufsize=${o.bufsize ?? OPENSSL_BUFSIZE}`);

  // The password before the input is opened: `-pass stdin` reads its line before the data.
  let password: Buffer | null = null;
  if (spec) {
    if (o.k !== undefined) password = "password" in o.k ? Buffer.from(o.k.password, "utf8") : passwordFromKfile(o.k.file);
    else if (o.pass !== undefined) password = passwordFromSource(o.pass);
    else if (o.K === undefined) password = await promptPassword(spec.name, o.encrypt);
  }

  let source: Source | null = null;
  let key: Uint8Array | null = null;
  try {
    source = await openSource(o.in);
    checkOutput(o.out, [
      source.stats ? { stats: source.stats, what: "the input file" } : null,
      o.k !== undefined && "file" in o.k ? precious(o.k.file, "the -kfile password file") : null,
      o.pass?.startsWith("file:") ? precious(o.pass.slice(5), "the -pass password file") : null,
    ]);
    const plan = planOutput(o.out);
    let bytesRead = 0;
    let bytesWritten = 0;
    // A file is read by position (FileChunks: the hot path reads it straight into its buffers),
    // which counts its own bytes; anything else is counted as it passes.
    const file = source.chunks instanceof FileChunks ? source.chunks : null;
    let chunks: AsyncIterable<Uint8Array> = file ?? counted(source.chunks, (n) => (bytesRead += n));
    let size = source.size;
    if (!o.encrypt && o.base64) {
      chunks = decodeBase64(chunks);
      size = null;
    }
    const wrapSink = (sink: Sink): Sink => {
      const countedSink = countingSink(sink, (n) => (bytesWritten += n));
      return o.encrypt && o.base64 ? base64Sink(countedSink, o.singleLine) : countedSink;
    };
    const progress = createProgress({ total: size, force: undefined });
    try {
      if (!spec) {
        await withSink(plan, async (sink) => {
          for await (const chunk of chunks) await sink.write(chunk);
        }, wrapSink);
      } else {
        const keying = await deriveKeying(spec, o, password, chunks, io);
        password?.fill(0);
        password = null;
        key = keying.key;
        chunks = keying.rest;
        if (size !== null && keying.headerRead) size -= SALT_HEADER_BYTES;
        const lines = printLines(spec, o, keying);
        if (o.print === 2) {
          process.stdout.write(lines);
          return;
        }
        const job: CryptJob = { spec, key, iv: keying.iv, aad: null, pad: !o.nopad, threads: 1, encrypt: o.encrypt };
        const print = o.print === 1 ? () => writeStdout(lines) : undefined;
        if (!o.encrypt && print) await print();
        await runCrypt(job, {
          source: { ...source, chunks, size }, plan, outPath: o.out, progress,
          prefix: keying.header ?? undefined, afterPrefix: o.encrypt ? print : undefined, wrapSink,
        });
      }
    } finally {
      progress.done();
    }
    if (o.verbose) {
      if (file) bytesRead = file.consumed;
      io.err(`bytes read   : ${String(bytesRead).padStart(8)}`);
      io.err(`bytes written: ${String(bytesWritten).padStart(8)}`);
    }
  } finally {
    password?.fill(0);
    key?.fill(0);
    await source?.close();
  }
}

interface Keying {
  key: Uint8Array;
  iv: Uint8Array | null;
  /** The salt used (printed by -p), or null (-nosalt, or raw -K/-iv). */
  salt: Uint8Array | null;
  /** Encrypting: the Salted__ header to write. */
  header: Uint8Array | null;
  /** Decrypting: the header was read off the input. */
  headerRead: boolean;
  /** The input after the header. */
  rest: AsyncIterable<Uint8Array>;
}

/** Salt, key and IV in openssl's order: KDF from the password, then -iv and -K on top. */
async function deriveKeying(spec: CipherSpec, o: EncOptions, password: Buffer | null, chunks: AsyncIterable<Uint8Array>, io: EncIo): Promise<Keying> {
  let key: Uint8Array | null = null;
  let iv: Uint8Array | null = null;
  let salt: Uint8Array | null = null;
  let header: Uint8Array | null = null;
  let headerRead = false;
  let rest = chunks;
  if (password) {
    if (o.nosalt) {
      salt = null;
    } else if (o.S !== undefined) {
      salt = exactHex("-S", o.S, SALT_BYTES, "the salt"); // as openssl 3: no header written or read with -S
    } else if (o.encrypt) {
      salt = randomBytes(SALT_BYTES);
      header = saltHeader(salt);
    } else {
      const split = await splitPrefix(chunks, SALT_HEADER_BYTES);
      rest = split.rest;
      headerRead = true;
      if (split.prefix.length < SALT_HEADER_BYTES) {
        throw new InputFormatError(`error reading input file: ${split.prefix.length} bytes, shorter than the ${SALT_HEADER_BYTES}-byte Salted__ header ` +
          "(encrypted with -nosalt or -S? give the same option)");
      }
      salt = saltOfHeader(split.prefix);
      if (!salt) throw new InputFormatError("bad magic number: the input does not start with Salted__ (encrypted with -nosalt, -S or -K? give the same option)");
    }
    const md = digestName(o.md ?? DEFAULT_DIGEST);
    let derived;
    if (o.pbkdf2) {
      derived = pbkdf2KeyIv(password, salt, o.iter ?? DEFAULT_PBKDF2_ITERATIONS, md, spec.keyBytes, spec.ivBytes);
    } else {
      io.err(DEPRECATED_KDF_WARNING);
      derived = bytesToKeyIv(password, salt, md, spec.keyBytes, spec.ivBytes);
    }
    key = derived.key;
    iv = spec.ivBytes === 0 ? null : derived.iv;
  }
  if (o.iv !== undefined) {
    if (spec.ivBytes === 0) {
      io.err("warning: iv not used by this cipher");
    } else {
      iv = spec.ivRange[0] === spec.ivRange[1] ? exactHex("-iv", o.iv, spec.ivBytes, `the IV of ${spec.name}`) : checkIv(spec, anyHex("-iv", o.iv), "-iv");
    }
  }
  if (iv === null && password === null && spec.ivBytes !== 0) {
    throw new UsageError(`iv undefined: ${spec.name} with -K needs -iv <${spec.ivBytes * 2} hex digits> (or a password: -pass, -k, -kfile)`);
  }
  if (o.K !== undefined) {
    key?.fill(0);
    key = exactHex("-K", o.K, spec.keyBytes, `the key of ${spec.name}`);
  }
  if (key === null) throw new UsageError("no key: give -K <hex> or a password"); // unreachable: a password is asked for
  return { key, iv, salt, header, headerRead, rest };
}

/** -p / -P: openssl's three lines (upper-case hex), salt only when one is used. */
function printLines(spec: CipherSpec, o: EncOptions, k: Keying): string {
  const hex = (b: Uint8Array) => Buffer.from(b).toString("hex").toUpperCase();
  let s = "";
  if (k.salt && !o.nosalt) s += `salt=${hex(k.salt)}\n`;
  if (spec.keyBytes > 0) s += `key=${hex(k.key)}\n`;
  if (spec.ivBytes > 0 && k.iv) s += `iv =${hex(k.iv)}\n`;
  return s;
}

function writeStdout(text: string): Promise<void> {
  return new Promise((resolve, reject) => process.stdout.write(text, (e) => (e ? reject(e) : resolve())));
}

/** Hex of exactly `bytes` bytes; the value is never echoed (it may be a key). */
function exactHex(option: string, hex: string, bytes: number, what: string): Uint8Array {
  const out = decodeHex(hex);
  if (out === null) throw new UsageError(`${option} must be hex digits (an even number of 0-9a-f)`);
  if (out.length !== bytes) {
    out.fill(0);
    throw new UsageError(`${option} must be ${bytes} bytes (${bytes * 2} hex digits) for ${what}, got ${out.length} ` +
      "(openssl pads a short value with zeros and cuts a long one; aes-wasm refuses)");
  }
  return out;
}

function anyHex(option: string, hex: string): Uint8Array {
  const out = decodeHex(hex);
  if (out === null) throw new UsageError(`${option} must be hex digits (an even number of 0-9a-f)`);
  return out;
}

async function* decodeBase64(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  const d = base64Decoder();
  for await (const chunk of chunks) {
    const out = d.push(chunk);
    if (out.length > 0) yield out;
  }
  const tail = d.end();
  if (tail.length > 0) yield tail;
}

function base64Sink(inner: Sink, singleLine: boolean): Sink {
  const e = base64Encoder(singleLine);
  return {
    async write(bytes) {
      const text = e.push(bytes);
      if (text.length > 0) await inner.write(text);
    },
    async commit() {
      const text = e.end();
      if (text.length > 0) await inner.write(text);
      await inner.commit();
    },
    abort: () => inner.abort(),
  };
}

function countingSink(inner: Sink, count: (n: number) => void): Sink {
  return {
    async write(bytes) {
      count(bytes.length);
      await inner.write(bytes);
    },
    commit: () => inner.commit(),
    abort: () => inner.abort(),
  };
}
