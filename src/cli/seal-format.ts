// The sealed-file format (`aes-wasm seal` / `open`), version 1:
//
//   header, 32 bytes (authenticated as the AAD of every chunk):
//     0  8  magic "AESWSEAL"
//     8  1  version = 1
//     9  1  cipher = 1: AES-256-GCM, file key = HKDF-SHA256(key, salt = file nonce, info = "aes-wasm seal v1")
//    10  2  reserved, zero
//    12  4  chunk size in bytes, big-endian (16 .. 16 MiB)
//    16 16  file nonce: a NonceSource counter block (--nonce-store) or 16 random bytes
//   then chunks: GCM(file key, IV_i, AAD = header) over chunkSize plaintext bytes (the last
//   chunk 0..chunkSize bytes), each followed by its 16-byte tag; IV_i (12 bytes) =
//   3 zero bytes ‖ i as a 64-bit big-endian integer ‖ 1 for the last chunk, else 0.
//
// Why: each file gets its own key, so chunk IVs only need to be unique within the file and a
// plain counter does it (the STREAM construction of Hoang, Reyhanitabar, Rogaway and Vizár, as
// in Tink's streaming AEAD). The index in the IV detects reordered or dropped chunks, the last
// flag detects truncation at a chunk boundary, the header as AAD detects a changed chunk size or
// nonce. Every chunk is checked before its plaintext is released, so memory is one chunk.
// The constants, the header bytes and the chunk IVs are the library's sealed-stream format
// (src/envelope/stream-format.ts: sealStream/openStream write the same bytes); this module adds
// the CLI's checks and messages (SealFormatError, "sealed file") and Node's HKDF.
import { hkdfSync } from "node:crypto";
import {
  STREAM_MAGIC as SEAL_MAGIC, STREAM_VERSION as SEAL_VERSION, STREAM_CIPHER_AES_256_GCM_HKDF_SHA256 as SEAL_CIPHER_AES_256_GCM_HKDF_SHA256,
  STREAM_HEADER_BYTES as SEAL_HEADER_BYTES, STREAM_TAG_BYTES as SEAL_TAG_BYTES, STREAM_NONCE_BYTES as SEAL_NONCE_BYTES,
  STREAM_KEY_BYTES as SEAL_KEY_BYTES, STREAM_DEFAULT_CHUNK_SIZE as DEFAULT_CHUNK_SIZE, STREAM_MIN_CHUNK_SIZE as MIN_CHUNK_SIZE,
  STREAM_MAX_CHUNK_SIZE as MAX_CHUNK_SIZE, encodeStreamHeader, recordIv,
} from "../envelope/stream-format.js";
import { SealFormatError } from "./errors.js";

export {
  SEAL_MAGIC, SEAL_VERSION, SEAL_CIPHER_AES_256_GCM_HKDF_SHA256, SEAL_HEADER_BYTES, SEAL_TAG_BYTES, SEAL_NONCE_BYTES,
  SEAL_KEY_BYTES, DEFAULT_CHUNK_SIZE, MIN_CHUNK_SIZE, MAX_CHUNK_SIZE,
};
const KDF_INFO = new TextEncoder().encode("aes-wasm seal v1");

export interface SealHeader {
  chunkSize: number;
  nonce: Uint8Array;
}

export function encodeHeader({ chunkSize, nonce }: SealHeader): Uint8Array {
  if (!Number.isInteger(chunkSize) || chunkSize < MIN_CHUNK_SIZE || chunkSize > MAX_CHUNK_SIZE) {
    throw new SealFormatError(`chunk size must be ${MIN_CHUNK_SIZE} to ${MAX_CHUNK_SIZE} bytes, got ${chunkSize}`);
  }
  if (nonce.length !== SEAL_NONCE_BYTES) throw new SealFormatError(`file nonce must be ${SEAL_NONCE_BYTES} bytes`);
  return encodeStreamHeader(chunkSize, nonce);
}

/** Reads a header; SealFormatError names what is wrong. Authenticity is checked by the chunks. */
export function parseHeader(h: Uint8Array): SealHeader {
  if (h.length < SEAL_HEADER_BYTES || !SEAL_MAGIC.every((b, i) => h[i] === b)) {
    throw new SealFormatError("not an aes-wasm sealed file (no AESWSEAL header)");
  }
  if (h[8] !== SEAL_VERSION) throw new SealFormatError(`sealed file version ${h[8]} is not supported (this aes-wasm reads version ${SEAL_VERSION})`);
  if (h[9] !== SEAL_CIPHER_AES_256_GCM_HKDF_SHA256) throw new SealFormatError(`sealed file cipher ${h[9]} is not supported`);
  if (h[10] !== 0 || h[11] !== 0) throw new SealFormatError("sealed file header has non-zero reserved bytes");
  const chunkSize = new DataView(h.buffer, h.byteOffset, h.byteLength).getUint32(12, false);
  if (chunkSize < MIN_CHUNK_SIZE || chunkSize > MAX_CHUNK_SIZE) {
    throw new SealFormatError(`sealed file chunk size ${chunkSize} is outside ${MIN_CHUNK_SIZE}..${MAX_CHUNK_SIZE}`);
  }
  return { chunkSize, nonce: h.slice(16, 32) };
}

/** The per-file AES-256 key. */
export function fileKey(masterKey: Uint8Array, nonce: Uint8Array): Uint8Array {
  return new Uint8Array(hkdfSync("sha256", masterKey, nonce, KDF_INFO, SEAL_KEY_BYTES));
}

/** The 12-byte GCM IV of chunk `index`. */
export function chunkIv(index: number, last: boolean): Uint8Array {
  if (!Number.isSafeInteger(index) || index < 0) throw new SealFormatError(`chunk index ${index} out of range`);
  return recordIv(index, last);
}
