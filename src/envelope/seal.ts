// seal / open: the one-call authenticated envelope. The nonce is made here (random by default,
// counted per key against SP 800-38D's bound; or from a NonceSource), travels in a versioned
// header that is authenticated with the message (./format.ts), and open() releases nothing
// unless the tag matches. AES-GCM by default; AES-GCM-SIV for misuse resistance (a repeated
// nonce then reveals only that two messages were equal).
import { asBytes, outputFor, unaliased } from "../bytes.js";
import { DataLengthError, DecryptionError, InputTypeError, KeyLengthError, show, StateError } from "../errors.js";
import { AesKey } from "../key.js";
import { GCM_MAX_DATA_BYTES } from "../modes/gcm.js";
import { GCM_SIV_MAX_BYTES } from "../modes/gcm-siv.js";
import { readOptions } from "../modes/guard.js";
import { NonceSource } from "../nonce/source.js";
import {
  ALGORITHM_IDS, ENVELOPE_HEADER_BYTES, ENVELOPE_NONCE_BYTES, ENVELOPE_OVERHEAD, ENVELOPE_TAG_BYTES, readHeader, writeHeader,
  type EnvelopeAlgorithm,
} from "./format.js";
import { drawRandomNonce } from "./nonces.js";
import { shortGcmOpen, shortGcmSeal, SHORT_GCM_MAX_BYTES } from "./short-gcm.js";

export interface SealOptions {
  /** Additional authenticated data: bound to the envelope, not stored in it; open() needs the same. */
  aad?: Uint8Array;
  /** "aes-gcm" (default) or "aes-gcm-siv" (16- or 32-byte keys; misuse-resistant). */
  algorithm?: EnvelopeAlgorithm;
  /**
   * Counter-based nonces instead of random ones: seal() then returns a Promise. The nonce is
   * the source's 48-bit N and 48 of its random bits (docs/envelope.md).
   */
  nonceSource?: NonceSource;
  /**
   * Where to write the envelope (at least plaintext length + 34 bytes; the view of that many is
   * returned): saves an allocation, which is a third of the time of a 64-byte message. It may
   * overlap the plaintext (e.g. the plaintext already at output[18..]).
   */
  output?: Uint8Array;
}

export interface OpenOptions {
  /** The additional authenticated data given to seal(). */
  aad?: Uint8Array;
  /** Where to write the plaintext (at least sealed length − 34 bytes); untouched unless the envelope is genuine. */
  output?: Uint8Array;
}

const EMPTY = new Uint8Array(0);
const NO_SEAL_OPTIONS: Partial<SealOptions> = Object.freeze(Object.create(null) as Partial<SealOptions>);
const NO_OPEN_OPTIONS: Partial<OpenOptions> = Object.freeze(Object.create(null) as Partial<OpenOptions>);

function checkKey(key: unknown): AesKey {
  if (!(key instanceof AesKey)) throw new InputTypeError(`key must be an AesKey (aesKey(bytes)), got ${show(key)}`);
  return key;
}

function algorithmOf(value: unknown, key: AesKey): EnvelopeAlgorithm {
  if (value === undefined || value === "aes-gcm") return "aes-gcm";
  if (value !== "aes-gcm-siv") throw new StateError(`algorithm must be "aes-gcm" or "aes-gcm-siv", got ${show(value)}`);
  if (key.bits === 192) throw new KeyLengthError("AES-GCM-SIV keys are 16 or 32 bytes (RFC 8452), got 24");
  return value;
}

/** The AEAD's AAD when it is not given in two parts: header ‖ aad. */
function joinAad(header: Uint8Array, aad: Uint8Array): Uint8Array {
  const all = new Uint8Array(header.length + aad.length);
  all.set(header);
  all.set(aad, header.length);
  return all;
}

const fitsShortPath = (n: number, aad: Uint8Array): boolean =>
  n <= SHORT_GCM_MAX_BYTES && aad.length + ENVELOPE_HEADER_BYTES <= SHORT_GCM_MAX_BYTES;

/** Whether two plain views share bytes (offsets first: asking a small array for its buffer is slow). */
function overlaps(a: Uint8Array, b: Uint8Array): boolean {
  return a.length > 0 && b.length > 0 && a.byteOffset < b.byteOffset + b.length && b.byteOffset < a.byteOffset + a.length
    && a.buffer === b.buffer;
}

/**
 * The plaintext and AAD as they must be read when the envelope goes to a caller's `out`: the
 * header is written first and the ciphertext runs 18 bytes ahead of the plaintext, so a
 * plaintext that the writes would reach before it is read is copied (bytes.ts's one output
 * rule: overlap behaves as memmove), and so is an AAD that overlaps `out` at all.
 */
function inputsFor(pt: Uint8Array, aad: Uint8Array, out: Uint8Array): [Uint8Array, Uint8Array] {
  // Up to 64 bytes a copy costs less than the check: asking a small array for its `buffer`
  // moves it out of the JS heap (~1 µs, see bytes.ts).
  return [pt.length <= SMALL ? new Uint8Array(pt) : unaliased(pt, out, ENVELOPE_HEADER_BYTES),
    aad.length <= SMALL ? (aad.length === 0 ? aad : new Uint8Array(aad)) : overlaps(aad, out) ? new Uint8Array(aad) : aad];
}
const SMALL = 64;

/** Encrypts into `out`, whose header (nonce included) is written: ciphertext ‖ tag after it. */
function encryptInto(key: AesKey, algorithm: EnvelopeAlgorithm, pt: Uint8Array, aad: Uint8Array, out: Uint8Array): void {
  if (algorithm === "aes-gcm" && fitsShortPath(pt.length, aad)) {
    shortGcmSeal(key, out, 6, out, ENVELOPE_HEADER_BYTES, aad, pt, out, ENVELOPE_HEADER_BYTES);
    return;
  }
  const header = out.subarray(0, ENVELOPE_HEADER_BYTES);
  const nonce = out.subarray(6, ENVELOPE_HEADER_BYTES);
  const body = out.subarray(ENVELOPE_HEADER_BYTES);
  if (algorithm === "aes-gcm-siv") key.gcmSiv(nonce, { aad: joinAad(header, aad) }).encrypt(pt, body);
  else key.gcm(nonce, { aad: joinAad(header, aad) }).encrypt(pt, body);
}

/**
 * Encrypts and authenticates `plaintext` (and `aad`) under `key`: returns
 * header (18 bytes: magic, version, algorithm, nonce) ‖ ciphertext ‖ tag (16 bytes).
 * With random nonces (the default) one key seals at most 2^32 messages (KeyUsageLimitError
 * after that). With `nonceSource` the result is a Promise.
 */
export function seal(key: AesKey, plaintext: Uint8Array, options: SealOptions & { nonceSource: NonceSource }): Promise<Uint8Array>;
export function seal(key: AesKey, plaintext: Uint8Array, options?: SealOptions & { nonceSource?: undefined }): Uint8Array;
export function seal(key: AesKey, plaintext: Uint8Array, options?: SealOptions): Uint8Array | Promise<Uint8Array>;
export function seal(key: AesKey, plaintext: Uint8Array, options?: SealOptions): Uint8Array | Promise<Uint8Array> {
  // No options (the common call): skip making the options copy.
  const o = options === undefined ? NO_SEAL_OPTIONS : readOptions(options, ["aad", "algorithm", "nonceSource", "output"], "seal options");
  if (o.nonceSource !== undefined) return sealWithSource(key, plaintext, o);
  const k = checkKey(key);
  const algorithm = algorithmOf(o.algorithm, k);
  let pt = asBytes(plaintext, "plaintext");
  let aad = o.aad === undefined ? EMPTY : asBytes(o.aad, "aad");
  checkLengths(algorithm, pt.length, aad.length);
  k.slot; // DisposedError before a nonce is counted
  const out = o.output === undefined ? new Uint8Array(pt.length + ENVELOPE_OVERHEAD) : outputFor(o.output, pt.length + ENVELOPE_OVERHEAD);
  if (o.output !== undefined) [pt, aad] = inputsFor(pt, aad, out);
  drawRandomNonce(k, out, 6); // KeyUsageLimitError past 2^32, before anything is encrypted
  writeHeaderPrefix(out, ALGORITHM_IDS[algorithm]);
  encryptInto(k, algorithm, pt, aad, out);
  return out;
}

async function sealWithSource(key: AesKey, plaintext: Uint8Array, o: Partial<SealOptions>): Promise<Uint8Array> {
  const k = checkKey(key);
  const source = o.nonceSource;
  if (!(source instanceof NonceSource)) throw new InputTypeError(`nonceSource must be a NonceSource, got ${show(source)}`);
  const algorithm = algorithmOf(o.algorithm, k);
  let pt = asBytes(plaintext, "plaintext");
  let aad = o.aad === undefined ? EMPTY : asBytes(o.aad, "aad");
  checkLengths(algorithm, pt.length, aad.length); // before drawing: a refused message uses no nonce
  k.slot;
  const out = o.output === undefined ? new Uint8Array(pt.length + ENVELOPE_OVERHEAD) : outputFor(o.output, pt.length + ENVELOPE_OVERHEAD);
  const block = await source.next();
  if (o.output !== undefined) [pt, aad] = inputsFor(pt, aad, out);
  const nonce = new Uint8Array(ENVELOPE_NONCE_BYTES);
  nonce.set(block.subarray(0, 6)); // N: unique while the store holds
  nonce.set(block.subarray(7, 13), 6); // random bits (byte 6, always 0, is CTR headroom GCM has no use for)
  writeHeader(out, ALGORITHM_IDS[algorithm], nonce);
  encryptInto(k, algorithm, pt, aad, out);
  return out;
}

function writeHeaderPrefix(out: Uint8Array, algorithmId: number): void {
  out[0] = 0x41; out[1] = 0x57; out[2] = 0x45; out[3] = 0x4e; // "AWEN"
  out[4] = 1;
  out[5] = algorithmId;
}

function checkLengths(algorithm: EnvelopeAlgorithm, n: number, aad: number): void {
  const max = algorithm === "aes-gcm" ? GCM_MAX_DATA_BYTES : GCM_SIV_MAX_BYTES;
  if (n > max) throw new DataLengthError(`${algorithm} seals at most ${max} bytes per message, got ${n}`);
  if (algorithm === "aes-gcm-siv" && aad + ENVELOPE_HEADER_BYTES > GCM_SIV_MAX_BYTES) {
    throw new DataLengthError("AES-GCM-SIV AAD is at most 2^36 bytes (with the envelope's header)");
  }
}

/**
 * Checks and decrypts an envelope from seal(). The plaintext is returned only if the tag
 * matches (with the same `aad`): DecryptionError otherwise, for any change to any byte or a
 * cut. EnvelopeFormatError for bytes that are not an envelope (or of an unknown version or
 * algorithm).
 */
export function open(key: AesKey, sealed: Uint8Array, options?: OpenOptions): Uint8Array {
  const o = options === undefined ? NO_OPEN_OPTIONS : readOptions(options, ["aad", "output"], "open options");
  const k = checkKey(key);
  const s = asBytes(sealed, "sealed");
  const algorithm = readHeader(s);
  const aad = o.aad === undefined ? EMPTY : asBytes(o.aad, "aad");
  if (s.length < ENVELOPE_OVERHEAD) throw new DecryptionError();
  const n = s.length - ENVELOPE_OVERHEAD;
  // Checked first; written only once the tag has matched.
  const out = o.output === undefined ? undefined : outputFor(o.output, n);
  if (algorithm === "aes-gcm" && fitsShortPath(n, aad)) {
    if (out === undefined) {
      const fresh = new Uint8Array(n);
      shortGcmOpen(k, s, 6, s, ENVELOPE_HEADER_BYTES, aad, s, ENVELOPE_HEADER_BYTES, fresh);
      return fresh;
    }
    // The header, nonce and AAD are read before anything is written; the ciphertext as it goes.
    const body = s.subarray(ENVELOPE_HEADER_BYTES);
    const src = unaliased(body, out);
    if (src === body) shortGcmOpen(k, s, 6, s, ENVELOPE_HEADER_BYTES, aad, s, ENVELOPE_HEADER_BYTES, out);
    else shortGcmOpen(k, s, 6, s, ENVELOPE_HEADER_BYTES, aad, src, 0, out);
    return out;
  }
  const header = s.subarray(0, ENVELOPE_HEADER_BYTES);
  const nonce = s.subarray(6, ENVELOPE_HEADER_BYTES);
  const body = s.subarray(ENVELOPE_HEADER_BYTES);
  if (algorithm === "aes-gcm-siv") return k.gcmSiv(nonce, { aad: joinAad(header, aad) }).decrypt(body, out);
  return k.gcm(nonce, { aad: joinAad(header, aad) }).decrypt(body, out);
}
