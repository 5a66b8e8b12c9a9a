// The sealed-stream format: the same bytes as the CLI's `aes-wasm seal` / `open` (its
// src/cli/seal-format.ts documents them; docs/envelope.md repeats them with a vector):
//
//   header, 32 bytes (the AAD of every chunk):
//     0  8  magic "AESWSEAL"          8  1  version = 1
//     9  1  cipher = 1: AES-256-GCM, file key = HKDF-SHA256(master key, salt = file nonce, info = "aes-wasm seal v1")
//    10  2  reserved, zero           12  4  chunk size, big-endian (16 .. 16 MiB)
//    16 16  file nonce (random, or a NonceSource counter block)
//   then records: GCM(file key, IV_i, AAD = header) over chunkSize plaintext bytes (the last one
//   0..chunkSize bytes) ‖ its 16-byte tag; IV_i = 0x000000 ‖ i as 64-bit big-endian ‖ last ? 1 : 0.
//
// This is the STREAM construction (Hoang, Reyhanitabar, Rogaway, Vizár): the index in the IV
// catches reordered, dropped or duplicated records; the last flag catches a cut at a record
// boundary and anything appended; the header as AAD catches a changed chunk size or nonce.
//
// The two engines below are synchronous and know nothing about streams; src/stream/seal-web.ts
// and src/stream/seal-node.ts put them behind TransformStream and stream.Transform. Memory is one
// chunk each: a record is released only once it is complete, and opened records only once
// their tag matched (GcmMode.decrypt checks before it makes plaintext).
import { asBytes } from "../bytes.js";
import { DecryptionError, EnvelopeFormatError, InputTypeError, KeyLengthError, StateError, show } from "../errors.js";
import { aesKey, type AesKey } from "../key.js";
import { readOptions } from "../modes/guard.js";
import { NonceSource } from "../nonce/source.js";
import { hkdfSha256 } from "./hkdf-sha256.js";

export const STREAM_MAGIC = new TextEncoder().encode("AESWSEAL");
export const STREAM_VERSION = 1;
export const STREAM_CIPHER_AES_256_GCM_HKDF_SHA256 = 1;
export const STREAM_HEADER_BYTES = 32;
export const STREAM_TAG_BYTES = 16;
export const STREAM_NONCE_BYTES = 16;
export const STREAM_KEY_BYTES = 32;
export const STREAM_DEFAULT_CHUNK_SIZE = 64 * 1024;
export const STREAM_MIN_CHUNK_SIZE = 16;
export const STREAM_MAX_CHUNK_SIZE = 16 * 1024 * 1024;
const KDF_INFO = new TextEncoder().encode("aes-wasm seal v1");

export interface SealStreamOptions {
  /** Plaintext bytes per record: 16 .. 16 MiB, default 64 KiB (the CLI's --chunk-size). */
  chunkSize?: number;
  /** File nonces from a NonceSource (the CLI's --nonce-store) instead of 16 random bytes. */
  nonceSource?: NonceSource;
}

/** A private copy of a 32-byte master key (KeyLengthError otherwise); the caller's stays theirs. */
export function masterKeyCopy(key: unknown): Uint8Array {
  if (typeof key === "object" && key !== null && !ArrayBuffer.isView(key)) {
    throw new InputTypeError(`the stream key must be the 32 master key bytes (a Uint8Array), got ${show(key)}`);
  }
  const k = asBytes(key, "key");
  if (k.length !== STREAM_KEY_BYTES) throw new KeyLengthError(`the stream key must be ${STREAM_KEY_BYTES} bytes (AES-256 master key), got ${k.length}`);
  return new Uint8Array(k);
}

/** Reads sealStream options (own properties only). */
export function sealStreamOptions(options: unknown): { chunkSize: number; nonceSource: NonceSource | undefined } {
  const o = readOptions(options as SealStreamOptions | undefined, ["chunkSize", "nonceSource"], "sealStream options");
  const chunkSize = o.chunkSize ?? STREAM_DEFAULT_CHUNK_SIZE;
  if (!Number.isInteger(chunkSize) || chunkSize < STREAM_MIN_CHUNK_SIZE || chunkSize > STREAM_MAX_CHUNK_SIZE) {
    throw new StateError(`chunkSize must be an integer from ${STREAM_MIN_CHUNK_SIZE} to ${STREAM_MAX_CHUNK_SIZE}, got ${show(o.chunkSize)}`);
  }
  if (o.nonceSource !== undefined && !(o.nonceSource instanceof NonceSource)) {
    throw new InputTypeError(`nonceSource must be a NonceSource, got ${show(o.nonceSource)}`);
  }
  return { chunkSize, nonceSource: o.nonceSource };
}

export function encodeStreamHeader(chunkSize: number, nonce: Uint8Array): Uint8Array {
  const h = new Uint8Array(STREAM_HEADER_BYTES);
  h.set(STREAM_MAGIC, 0);
  h[8] = STREAM_VERSION;
  h[9] = STREAM_CIPHER_AES_256_GCM_HKDF_SHA256;
  new DataView(h.buffer).setUint32(12, chunkSize, false);
  h.set(nonce, 16);
  return h;
}

/** The chunk size of a header, after checking every fixed field (EnvelopeFormatError). */
export function parseStreamHeader(h: Uint8Array): number {
  for (let i = 0; i < STREAM_MAGIC.length; i++) {
    if (h[i] !== STREAM_MAGIC[i]) throw new EnvelopeFormatError("not an aes-wasm sealed stream (no AESWSEAL header)");
  }
  if (h[8] !== STREAM_VERSION) throw new EnvelopeFormatError(`sealed stream version ${h[8]} is not supported (this aes-wasm reads version ${STREAM_VERSION})`);
  if (h[9] !== STREAM_CIPHER_AES_256_GCM_HKDF_SHA256) throw new EnvelopeFormatError(`sealed stream cipher ${h[9]} is not supported`);
  if (h[10] !== 0 || h[11] !== 0) throw new EnvelopeFormatError("sealed stream header has non-zero reserved bytes");
  const chunkSize = new DataView(h.buffer, h.byteOffset, h.byteLength).getUint32(12, false);
  if (chunkSize < STREAM_MIN_CHUNK_SIZE || chunkSize > STREAM_MAX_CHUNK_SIZE) {
    throw new EnvelopeFormatError(`sealed stream chunk size ${chunkSize} is outside ${STREAM_MIN_CHUNK_SIZE}..${STREAM_MAX_CHUNK_SIZE}`);
  }
  return chunkSize;
}

/** The per-stream AES-256 key from the master key and the header's file nonce; the derived bytes are wiped. */
function fileKey(master: Uint8Array, nonce: Uint8Array): AesKey {
  const bytes = hkdfSha256(master, nonce, KDF_INFO, STREAM_KEY_BYTES);
  try {
    return aesKey(bytes);
  } finally {
    bytes.fill(0);
  }
}

/** The 12-byte GCM IV of record `index`. */
export function recordIv(index: number, last: boolean): Uint8Array {
  const iv = new Uint8Array(12);
  new DataView(iv.buffer).setBigUint64(3, BigInt(index), false);
  iv[11] = last ? 1 : 0;
  return iv;
}

/**
 * Cuts bytes into pieces of exactly `size`, and hands each one to `emit` only once a byte after
 * it has arrived: at the end, what is held (0..size bytes) is known to be the last piece — a
 * stream of k·size bytes ends with a full last piece, an empty one with one empty last piece.
 * A whole piece inside an input is passed on as a view, without a copy.
 */
class Rechunker {
  readonly #size: number;
  #buf: Uint8Array | undefined;
  #held = 0;

  constructor(size: number) {
    this.#size = size;
  }

  push(data: Uint8Array, emit: (piece: Uint8Array) => void): void {
    const size = this.#size;
    let src = data;
    while (src.length > 0) {
      if (this.#held === size) { // full, and more bytes follow: not the last piece
        emit(this.#buf!);
        this.#held = 0;
      }
      if (this.#held === 0 && src.length > size) {
        emit(src.subarray(0, size));
        src = src.subarray(size);
        continue;
      }
      const buf = (this.#buf ??= new Uint8Array(size));
      const take = Math.min(size - this.#held, src.length);
      buf.set(take === src.length ? src : src.subarray(0, take), this.#held);
      this.#held += take;
      src = src.subarray(take);
    }
  }

  /** The held bytes (the last piece), as a view valid until wipe(). */
  rest(): Uint8Array {
    return this.#buf === undefined ? new Uint8Array(0) : this.#buf.subarray(0, this.#held);
  }

  wipe(): void {
    this.#buf?.fill(0);
    this.#held = 0;
  }
}

/** Seals a byte stream: header(), then push()* and finish(), or abort() to stop and wipe. */
export class StreamSealer {
  readonly #key: AesKey;
  readonly #header: Uint8Array;
  readonly #chunks: Rechunker;
  #index = 0;
  #done = false;

  /** @internal Use createStreamSealer(). `nonce` is the 16-byte file nonce. */
  constructor(master: Uint8Array, chunkSize: number, nonce: Uint8Array) {
    this.#header = encodeStreamHeader(chunkSize, nonce);
    this.#key = fileKey(master, nonce);
    this.#chunks = new Rechunker(chunkSize);
  }

  /** The 32-byte header: the first bytes of the sealed stream. */
  header(): Uint8Array {
    return this.#header.slice();
  }

  /** Takes plaintext; hands each record it completes (possibly none) to `emit`. */
  push(data: Uint8Array, emit: (record: Uint8Array) => void): void {
    this.#open();
    try {
      this.#chunks.push(asBytes(data, "chunk"), (piece) => emit(this.#record(piece, false)));
    } catch (e) {
      this.abort();
      throw e;
    }
  }

  /** Ends the stream: returns the last record (0..chunkSize bytes of plaintext ‖ tag). */
  finish(): Uint8Array {
    this.#open();
    try {
      return this.#record(this.#chunks.rest(), true);
    } finally {
      this.abort();
    }
  }

  /** Stops: wipes the held plaintext and disposes of the file key. Idempotent. */
  abort(): void {
    this.#done = true;
    this.#chunks.wipe();
    this.#key.dispose();
  }

  #open(): void {
    if (this.#done) throw new StateError("sealed stream already finished");
  }

  #record(piece: Uint8Array, last: boolean): Uint8Array {
    return this.#key.gcm(recordIv(this.#index++, last), { aad: this.#header }).encrypt(piece);
  }
}

/** A sealer with a fresh file nonce: random, or drawn from `nonceSource` (then async). */
export function createStreamSealer(master: Uint8Array, chunkSize: number): StreamSealer {
  const nonce = globalThis.crypto.getRandomValues(new Uint8Array(STREAM_NONCE_BYTES));
  return new StreamSealer(master, chunkSize, nonce);
}

export async function createStreamSealerFrom(master: Uint8Array, chunkSize: number, source: NonceSource): Promise<StreamSealer> {
  return new StreamSealer(master, chunkSize, await source.next());
}

/**
 * Opens a sealed stream: push()* then finish(), or abort(). Every record's tag is checked before
 * its plaintext is returned; a bad record, a cut or anything appended is DecryptionError (and
 * the opener is finished). A bad header is EnvelopeFormatError.
 */
export class StreamOpener {
  #master: Uint8Array | undefined; // until the header has arrived
  #key: AesKey | undefined;
  readonly #header = new Uint8Array(STREAM_HEADER_BYTES);
  #headerFill = 0;
  #records: Rechunker | undefined;
  #index = 0;
  #done = false;

  constructor(master: Uint8Array) {
    this.#master = master;
  }

  /**
   * Takes sealed bytes; hands the plaintext of each record it completes and verifies to `emit`,
   * in order, before it looks at the next one (so a later bad record in the same bytes does not
   * hold back the good ones before it).
   */
  push(data: Uint8Array, emit: (plaintext: Uint8Array) => void): void {
    if (this.#done) throw new StateError("sealed stream already finished");
    try {
      let src = asBytes(data, "chunk");
      if (this.#records === undefined) {
        const take = Math.min(STREAM_HEADER_BYTES - this.#headerFill, src.length);
        this.#header.set(src.subarray(0, take), this.#headerFill);
        this.#headerFill += take;
        src = src.subarray(take);
        if (this.#headerFill < STREAM_HEADER_BYTES) return;
        this.#start();
      }
      this.#records!.push(src, (record) => emit(this.#open(record, false)));
    } catch (e) {
      this.abort();
      throw e;
    }
  }

  /** Ends the stream: the last record's plaintext, or DecryptionError if the stream was cut. */
  finish(): Uint8Array {
    if (this.#done) throw new StateError("sealed stream already finished");
    try {
      if (this.#records === undefined) {
        throw new EnvelopeFormatError(`not an aes-wasm sealed stream (${this.#headerFill} bytes, shorter than the ${STREAM_HEADER_BYTES}-byte header)`);
      }
      const rest = this.#records.rest();
      // Sealing always ends with a record of at least a tag: fewer bytes here is a cut.
      if (rest.length < STREAM_TAG_BYTES) throw new DecryptionError();
      return this.#open(rest, true);
    } finally {
      this.abort();
    }
  }

  /** Stops: wipes the master key copy and disposes of the file key. Idempotent. */
  abort(): void {
    this.#done = true;
    this.#master?.fill(0);
    this.#master = undefined;
    this.#key?.dispose();
    this.#records?.wipe();
  }

  #start(): void {
    const chunkSize = parseStreamHeader(this.#header);
    this.#key = fileKey(this.#master!, this.#header.subarray(16, 32));
    this.#master!.fill(0);
    this.#master = undefined;
    this.#records = new Rechunker(chunkSize + STREAM_TAG_BYTES);
  }

  #open(record: Uint8Array, last: boolean): Uint8Array {
    return this.#key!.gcm(recordIv(this.#index++, last), { aad: this.#header }).decrypt(record);
  }
}
