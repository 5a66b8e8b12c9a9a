// The envelope's byte format, version 1 (docs/envelope.md has it with test vectors):
//
//    0   4  magic "AWEN"
//    4   1  version = 1
//    5   1  algorithm: 1 = AES-GCM, 2 = AES-GCM-SIV (the key size is the key's: not in the header)
//    6  12  nonce
//   18   …  ciphertext (as long as the plaintext), then the 16-byte tag
//
// The AEAD's associated data is header (bytes 0..17) || the caller's aad. The header has a fixed
// length, so the concatenation is unambiguous, and changing any header byte (the algorithm
// included) changes the tag's input: a header cannot be swapped between envelopes.
import { EnvelopeFormatError } from "../errors.js";

export const ENVELOPE_MAGIC = new Uint8Array([0x41, 0x57, 0x45, 0x4e]); // "AWEN"
export const ENVELOPE_VERSION = 1;
export const ENVELOPE_HEADER_BYTES = 18;
export const ENVELOPE_NONCE_BYTES = 12;
export const ENVELOPE_TAG_BYTES = 16;
/** Bytes an envelope adds to its plaintext: header and tag. */
export const ENVELOPE_OVERHEAD = ENVELOPE_HEADER_BYTES + ENVELOPE_TAG_BYTES;

export type EnvelopeAlgorithm = "aes-gcm" | "aes-gcm-siv";
export const ALGORITHM_IDS: Readonly<Record<EnvelopeAlgorithm, number>> = Object.freeze({ "aes-gcm": 1, "aes-gcm-siv": 2 });

/** The algorithm of an envelope's header, after checking magic and version (EnvelopeFormatError). */
export function readHeader(sealed: Uint8Array): EnvelopeAlgorithm {
  if (sealed.length < ENVELOPE_HEADER_BYTES || sealed[0] !== 0x41 || sealed[1] !== 0x57 || sealed[2] !== 0x45 || sealed[3] !== 0x4e) {
    throw new EnvelopeFormatError(sealed.length < ENVELOPE_HEADER_BYTES
      ? `not an aes-wasm envelope: ${sealed.length} bytes, shorter than the ${ENVELOPE_HEADER_BYTES}-byte header`
      : "not an aes-wasm envelope (no AWEN magic)");
  }
  if (sealed[4] !== ENVELOPE_VERSION) {
    throw new EnvelopeFormatError(`envelope version ${sealed[4]} is not supported (this aes-wasm reads version ${ENVELOPE_VERSION})`);
  }
  if (sealed[5] === 1) return "aes-gcm";
  if (sealed[5] === 2) return "aes-gcm-siv";
  throw new EnvelopeFormatError(`envelope algorithm ${sealed[5]} is not supported (1 = AES-GCM, 2 = AES-GCM-SIV)`);
}
