// seal / open: the one-call authenticated envelope. The nonce is made here (random by default,
// counted per key against SP 800-38D's bound; or from a NonceSource), travels in a versioned
// header that is authenticated with the message (./format.ts), and open() releases nothing
// unless the tag matches. AES-GCM by default; AES-GCM-SIV for misuse resistance (a repeated
// nonce then reveals only that two messages were equal).
import { asBytes, byteLengthOf, outputFor, unaliased } from "../bytes.js";
import { DataLengthError, DecryptionError, InputTypeError, KeyLengthError, show, StateError } from "../errors.js";
import { AesKey } from "../key.js";
import { GCM_MAX_DATA_BYTES, GCM_SHORT_MAX_BYTES, gcmOpenShort, gcmSealShort } from "../modes/gcm.js";
import { GCM_SIV_MAX_BYTES } from "../modes/gcm-siv.js";
import { ownValue } from "../modes/guard.js";
import { NonceSource } from "../nonce/source.js";
import {
  ALGORITHM_IDS, ENVELOPE_HEADER_BYTES, ENVELOPE_OVERHEAD, ENVELOPE_TAG_BYTES, ENVELOPE_VERSION, readHeader,
  type EnvelopeAlgorithm,
} from "./format.js";
import { drawRandomNonce } from "./nonces.js";

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
   * returned): saves the one allocation, a fifth to a third of the time of a 64-byte message. It may
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
  n <= GCM_SHORT_MAX_BYTES && aad.length + ENVELOPE_HEADER_BYTES <= GCM_SHORT_MAX_BYTES;

/** Whether two plain views share bytes (offsets first: asking a small array for its buffer is slow). */
function overlaps(a: Uint8Array, b: Uint8Array): boolean {
  return a.length > 0 && b.length > 0 && a.byteOffset < b.byteOffset + b.length && b.byteOffset < a.byteOffset + a.length
    && a.buffer === b.buffer;
}

/**
 * The plaintext and AAD as they must be read when the envelope goes to a caller's `out` by the
 * long path: the header is written first and the ciphertext runs 18 bytes ahead of the
 * plaintext, so a plaintext that the writes would reach before it is read is copied (bytes.ts's
 * one output rule: overlap behaves as memmove), and so is an AAD that overlaps `out` at all.
 * (The short path copies every input into the IO window before it writes `out`.)
 */
function inputsFor(pt: Uint8Array, aad: Uint8Array, out: Uint8Array): [Uint8Array, Uint8Array] {
  return [unaliased(pt, out, ENVELOPE_HEADER_BYTES), overlaps(aad, out) ? new Uint8Array(aad) : aad];
}

/**
 * The header of the envelope being sealed (magic, version, algorithm, nonce), made here rather
 * than in `out`, which may overlap the plaintext or the AAD. seal() runs synchronously from
 * filling it to copying it out, so one array serves every call.
 */
const header = new Uint8Array([0x41, 0x57, 0x45, 0x4e, ENVELOPE_VERSION, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]); // "AWEN", 1

/**
 * Encrypts the `n` bytes of `plaintext` (a checked ArrayBufferView): returns `header` (nonce
 * included) ‖ ciphertext ‖ tag, in `out` (the caller's, checked) or a new array.
 */
function encryptInto(key: AesKey, algorithm: EnvelopeAlgorithm, plaintext: ArrayBufferView, n: number, aad: Uint8Array,
  out: Uint8Array | undefined): Uint8Array {
  if (algorithm === "aes-gcm" && fitsShortPath(n, aad)) {
    return gcmSealShort(key, header, 6, header, ENVELOPE_HEADER_BYTES, aad, plaintext, n, ENVELOPE_HEADER_BYTES, out, ENVELOPE_TAG_BYTES);
  }
  let pt = asBytes(plaintext, "plaintext");
  if (out !== undefined) [pt, aad] = inputsFor(pt, aad, out);
  const sealed = out ?? new Uint8Array(n + ENVELOPE_OVERHEAD);
  const all = joinAad(header, aad);
  sealed.set(header);
  const nonce = header.subarray(6, ENVELOPE_HEADER_BYTES); // copied by the mode
  const body = sealed.subarray(ENVELOPE_HEADER_BYTES);
  if (algorithm === "aes-gcm-siv") key.gcmSiv(nonce, { aad: all }).encrypt(pt, body);
  else key.gcm(nonce, { aad: all }).encrypt(pt, body);
  return sealed;
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
  // The options' own values, each read once (as readOptions does), into locals: no copy object.
  let aadOption: unknown, algorithmOption: unknown, output: unknown;
  if (options !== undefined && options !== null) {
    if (typeof options !== "object" && typeof options !== "function") throw new StateError(`seal options must be an object, got ${typeof options}`);
    aadOption = ownValue(options, "aad");
    algorithmOption = ownValue(options, "algorithm");
    const source = ownValue(options, "nonceSource");
    output = ownValue(options, "output");
    if (source !== undefined) return sealWithSource(key, plaintext, aadOption, algorithmOption, source, output);
  }
  const k = checkKey(key);
  const algorithm = algorithmOf(algorithmOption, k);
  // Only the length now: the short path reads the plaintext once, straight into the IO window.
  const n = byteLengthOf(plaintext, "plaintext");
  const aad = aadOption === undefined ? EMPTY : asBytes(aadOption, "aad");
  checkLengths(algorithm, n, aad.length);
  k.slot; // DisposedError before a nonce is counted
  const out = output === undefined ? undefined : outputFor(output, n + ENVELOPE_OVERHEAD);
  drawRandomNonce(k, header, 6); // KeyUsageLimitError past 2^32, before anything is encrypted
  header[5] = ALGORITHM_IDS[algorithm];
  return encryptInto(k, algorithm, plaintext, n, aad, out);
}

async function sealWithSource(key: AesKey, plaintext: Uint8Array, aadOption: unknown, algorithmOption: unknown,
  source: unknown, output: unknown): Promise<Uint8Array> {
  const k = checkKey(key);
  if (!(source instanceof NonceSource)) throw new InputTypeError(`nonceSource must be a NonceSource, got ${show(source)}`);
  const algorithm = algorithmOf(algorithmOption, k);
  const pt = asBytes(plaintext, "plaintext"); // now: a small plaintext is copied before the await
  const aad = aadOption === undefined ? EMPTY : asBytes(aadOption, "aad");
  checkLengths(algorithm, pt.length, aad.length); // before drawing: a refused message uses no nonce
  k.slot;
  const out = output === undefined ? undefined : outputFor(output, pt.length + ENVELOPE_OVERHEAD);
  const block = await source.next();
  // From here to the end of encryptInto nothing awaits: `header` is this call's.
  for (let i = 0; i < 6; i++) header[6 + i] = block[i]!; // N: unique while the store holds
  for (let i = 0; i < 6; i++) header[12 + i] = block[7 + i]!; // random bits (byte 6, always 0, is CTR headroom GCM has no use for)
  header[5] = ALGORITHM_IDS[algorithm];
  return encryptInto(k, algorithm, pt, pt.length, aad, out);
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
  let aadOption: unknown, output: unknown;
  if (options !== undefined && options !== null) {
    if (typeof options !== "object" && typeof options !== "function") throw new StateError(`open options must be an object, got ${typeof options}`);
    aadOption = ownValue(options, "aad");
    output = ownValue(options, "output");
  }
  const k = checkKey(key);
  const s = asBytes(sealed, "sealed");
  const algorithm = readHeader(s);
  const aad = aadOption === undefined ? EMPTY : asBytes(aadOption, "aad");
  if (s.length < ENVELOPE_OVERHEAD) throw new DecryptionError();
  const n = s.length - ENVELOPE_OVERHEAD;
  // Checked first; written only once the tag has matched.
  const out = output === undefined ? undefined : outputFor(output, n);
  if (algorithm === "aes-gcm" && fitsShortPath(n, aad)) {
    // Every input byte is in the IO window before `dst` is written: `out` may overlap `s`.
    const dst = out ?? new Uint8Array(n);
    gcmOpenShort(k, s, 6, s, ENVELOPE_HEADER_BYTES, aad, s, ENVELOPE_HEADER_BYTES, ENVELOPE_TAG_BYTES, dst, 0);
    return dst;
  }
  const head = s.subarray(0, ENVELOPE_HEADER_BYTES);
  const nonce = s.subarray(6, ENVELOPE_HEADER_BYTES);
  const body = s.subarray(ENVELOPE_HEADER_BYTES);
  if (algorithm === "aes-gcm-siv") return k.gcmSiv(nonce, { aad: joinAad(head, aad) }).decrypt(body, out);
  return k.gcm(nonce, { aad: joinAad(head, aad) }).decrypt(body, out);
}
